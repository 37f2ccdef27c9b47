/**
 * What a vendor's refusal means for crmsync, decided in one place per connector (STYLE: "classify vendor
 * errors in one place per connector"). The engine acts on `reaction`; the admin sees `category`, the
 * vendor's `code` and `message`.
 */

import type { SyncErrorCategory } from '../core/sync-error.ts';

export type { SyncErrorCategory };

/** Whole-integration states that stop syncing until an admin clears them (SPEC section 7). */
export type SuspensionReason =
  | 'salesforce_api_limit_exceeded'
  | 'api_access_disabled'
  | 'auth_failed'
  | 'object_permission_missing'
  | 'unknown';

export type ErrorReaction =
  /** Transient: retry the same write later with back-off. */
  | { kind: 'retry'; afterMs?: number }
  /** The record's data or the target org refuses it: record a sync error; retry only on a new change or a resync. */
  | { kind: 'record_error' }
  /** Not this record's fault (allOrNone rollback, halted composite): resubmit it without the failing ones. */
  | { kind: 'resubmit' }
  /** The record is gone or moved (deleted, converted lead, merged): reconcile the link, don't retry blindly. */
  | { kind: 'reconcile'; why: 'deleted' | 'converted' | 'not_found' }
  /** The session expired: refresh once, then replay. */
  | { kind: 'refresh_session' }
  /** Stop everything for this integration until an admin clears it. */
  | { kind: 'suspend'; reason: SuspensionReason };

export interface VendorError {
  system: 'salesforce' | 'hubspot';
  /** The vendor's own code: Salesforce statusCode/errorCode, HubSpot category or sub-code, or an HTTP status. */
  code: string;
  message: string;
  /** Fields the vendor named, when it did. */
  fields: string[];
  category: SyncErrorCategory;
  reaction: ErrorReaction;
}
