/**
 * The vocabulary of per-record sync errors (SPEC section 7), owned by the pure core so that core decisions
 * (a state that cannot be converted, a value of the wrong type) and vendor refusals classified by the
 * connectors land on the same Sync Health cards. Connectors import this union; core imports no connector.
 */

/** The error cards of Sync Health. */
export type SyncErrorCategory =
  | 'duplicates'
  | 'property_value'
  | 'custom_code'
  | 'permissions'
  | 'associations'
  | 'api_limit'
  | 'connection';

export const syncErrorCategories: readonly SyncErrorCategory[] = [
  'duplicates',
  'property_value',
  'custom_code',
  'permissions',
  'associations',
  'api_limit',
  'connection',
];

/** A problem found by the core for one record: shown to the admin, never dropped. */
export interface CoreSyncError {
  category: SyncErrorCategory;
  /** A sentence an admin understands, naming the offending value. */
  message: string;
  /** The HubSpot property or Salesforce field concerned, when there is one. */
  field?: string;
}
