/**
 * The contract between the Salesforce emulator's record store (which owns the data and the schema) and its
 * SOQL evaluator (which owns the query language). Either side can change inside as long as this holds.
 *
 * Values are held as Salesforce returns them in REST JSON: strings, numbers, booleans, null;
 * datetimes as "2026-11-29T00:14:44.000+0000", dates as "2026-11-29".
 */

/** Salesforce field types as `describe` names them. */
export type SalesforceFieldType =
  | 'id' | 'string' | 'textarea' | 'email' | 'phone' | 'url' | 'picklist' | 'multipicklist' | 'combobox'
  | 'reference' | 'boolean' | 'int' | 'double' | 'currency' | 'percent' | 'date' | 'datetime' | 'address';

export interface SoqlField {
  name: string;
  type: SalesforceFieldType;
  /** For reference fields: the object(s) it points at (several for polymorphic WhoId/WhatId/OwnerId). */
  referenceTo?: string[];
  /** For reference fields: the name used to traverse it in SOQL (AccountId → "Account"). */
  relationshipName?: string | null;
}

export interface SoqlChildRelationship {
  /** e.g. "OpportunityContactRoles" on Opportunity */
  relationshipName: string;
  childSObject: string;
  /** the child's reference field pointing at the parent, e.g. "OpportunityId" */
  field: string;
}

export interface SoqlObject {
  name: string;
  fields: SoqlField[];
  childRelationships?: SoqlChildRelationship[];
}

export type SoqlRecord = Readonly<Record<string, unknown>>;

export interface SoqlDataSource {
  /** Looks an object up by API name, case-insensitively. */
  object(name: string): SoqlObject | undefined;
  /** Every record of an object; deleted ones (IsDeleted = true, in the recycle bin) only when asked (queryAll). */
  scan(objectName: string, includeDeleted: boolean): Iterable<SoqlRecord>;
  /** A record of any object by its 15- or 18-character id, for parent relationship traversal. */
  get(id: string): { objectName: string; record: SoqlRecord } | undefined;
}

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | 'INVALID_QUERY_FILTER_OPERATOR' | 'NUMBER_OUTSIDE_VALID_RANGE';

/** A query Salesforce would refuse; the REST layer answers 400 `[{ message, errorCode }]`. */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SoqlError';
  }
}

export interface SoqlResult {
  /** The FROM object's API name as the schema spells it. */
  objectName: string;
  /** For COUNT() queries: the count, and `records` is empty. Otherwise records.length before LIMIT/OFFSET paging by REST. */
  totalSize: number;
  /**
   * Rows in Salesforce's REST shape: `{ attributes: { type, url }, Id, Name, Account: { attributes, Name } | null,
   * OpportunityContactRoles: { totalSize, done, records } | null }`, fields in SELECT order.
   */
  records: Array<Record<string, unknown>>;
}

export interface SoqlOptions {
  /** "62.0": used in each row's attributes.url (`/services/data/v62.0/sobjects/Account/001…`). */
  apiVersion: string;
  /** Reference time for date literals (TODAY, LAST_N_DAYS:n …). */
  now: Date;
  /** queryAll: include deleted records. */
  includeDeleted: boolean;
}
