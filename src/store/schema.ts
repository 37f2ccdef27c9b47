import type { Generated, Kysely } from 'kysely';

/**
 * The store's tables, as one kysely schema for SQLite and PostgreSQL (STYLE: kysely anchor). Names are
 * camelCase here and snake_case in SQL (CamelCasePlugin). Conventions that hold in every table, so that one
 * migration set serves both dialects:
 * - instants are ISO-8601 UTC text from `Date.prototype.toISOString()` (fixed width, so text order is time
 *   order in both databases); the repositories take and return `Date`;
 * - JSON is text, parsed and serialised by the repositories;
 * - flags are states in text columns rather than booleans, which the two dialects store differently.
 */
export interface Database {
  storeMeta: StoreMetaTable;
  settings: SettingsTable;
  fieldMappings: FieldMappingsTable;
  idLinks: IdLinksTable;
  checkpoints: CheckpointsTable;
  syncedValues: SyncedValuesTable;
  writeIntents: WriteIntentsTable;
  syncErrors: SyncErrorsTable;
  auditTrail: AuditTrailTable;
  apiLedger: ApiLedgerTable;
  apiBudgetLock: ApiBudgetLockTable;
  integrationState: IntegrationStateTable;
  secrets: SecretsTable;
  syncRuns: SyncRunsTable;
  receivedEvents: ReceivedEventsTable;
  imports: ImportsTable;
}

export type StoreDb = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';

/** Small facts about the store itself, such as the salt of the secrets key. */
export interface StoreMetaTable {
  key: string;
  value: string;
}

export interface SettingsTable {
  /** Always 'current': one settings document per installation. */
  id: string;
  document: string;
  version: number;
  updatedAt: string;
}

export interface FieldMappingsTable {
  /** The synced pair, named by its HubSpot object type ('contacts', 'companies', …). */
  objectPair: string;
  hubspotProperty: string;
  salesforceField: string;
  rule: string;
  /** 'default' | 'custom': defaults are HubSpot's own and cannot be deleted (SPEC section 6). */
  origin: string;
  createdAt: string;
  updatedAt: string;
}

export interface IdLinksTable {
  /** Our stable id for the pair, usable as an external key on either side. */
  linkId: string;
  hubspotObjectType: string;
  hubspotId: string;
  salesforceObject: string;
  salesforceId: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckpointsTable {
  system: string;
  object: string;
  cursorTime: string;
  /** The last record id read at cursorTime: the tie-break when many records share one timestamp. */
  cursorLastId: string | null;
  updatedAt: string;
}

export interface SyncedValuesTable {
  linkId: string;
  field: string;
  /** JSON of the value both sides held after the last sync (null included: blank was synced). */
  value: string;
  syncedAt: string;
}

export interface WriteIntentsTable {
  idempotencyKey: string;
  system: string;
  object: string;
  operation: string;
  /** The record written, when it already exists (an update); null for a create. */
  recordId: string | null;
  linkId: string | null;
  payload: string;
  /** 'pending' | 'done' | 'abandoned' */
  state: string;
  /** JSON the writer stored on completion, e.g. the id the vendor returned. */
  outcome: string | null;
  createdAt: string;
  settledAt: string | null;
}

export interface SyncErrorsTable {
  id: Generated<number>;
  object: string;
  hubspotId: string | null;
  salesforceId: string | null;
  /** hubspotId|salesforceId, never null, so that the unique key works in both dialects (NULLs are distinct). */
  recordKey: string;
  category: string;
  vendorCode: string;
  field: string | null;
  message: string;
  firstSeenAt: string;
  lastSeenAt: string;
  attempts: number;
  nextRetryAt: string | null;
  resolvedAt: string | null;
  /** 1: a transient refusal, retried with back-off; 0: retried on a change or a resync by hand. */
  retryable: Generated<number>;
  /** JSON `{"<system>:<field>": value}`: the values the system refused while this error is open. */
  refusedValues: string | null;
}

export interface AuditTrailTable {
  id: Generated<number>;
  at: string;
  /** The system written to. */
  system: string;
  object: string;
  recordId: string | null;
  linkId: string | null;
  action: string;
  /** JSON: the fields written, with the values sent. */
  changes: string;
  reason: string;
  runId: string | null;
}

export interface ApiLedgerTable {
  id: Generated<number>;
  at: string;
  object: string;
  operation: string;
  calls: number;
}

/** One row whose lock serialises budget reservations across processes on PostgreSQL. */
export interface ApiBudgetLockTable {
  id: string;
}

export interface IntegrationStateTable {
  /** Always 'current'. */
  id: string;
  suspensionState: string | null;
  suspensionReason: string | null;
  suspendedSince: string | null;
  apiLimitSince: string | null;
  apiLimitDetail: string | null;
  salesforceCallsUsed: number | null;
  salesforceCallsLimit: number | null;
  salesforceUsageObservedAt: string | null;
  updatedAt: string;
}

export interface SecretsTable {
  name: string;
  /** `v1:<iv>:<tag>:<ciphertext>`, base64 parts; the row name is authenticated data. */
  sealed: string;
  updatedAt: string;
}

export interface SyncRunsTable {
  runId: string;
  kind: string;
  startedAt: string;
  finishedAt: string | null;
  /** null while running; then 'succeeded' | 'failed' | 'partial' | 'interrupted'. */
  outcome: string | null;
  counts: string;
  failure: string | null;
}

export interface ReceivedEventsTable {
  eventKey: string;
  receivedAt: string;
}

export interface ImportsTable {
  importId: string;
  /** The Salesforce object asked for: Lead, Account, Campaign, a custom object… */
  object: string;
  createdAfter: string | null;
  modifiedAfter: string | null;
  /** The last Salesforce Id of the pages done, in Id order; null before the first page. */
  cursor: string | null;
  /** 'running' | 'succeeded' | 'failed' | 'interrupted'. */
  state: string;
  total: number | null;
  read: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  failed: Generated<number>;
  salesforceCalls: Generated<number>;
  hubspotCalls: Generated<number>;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  failure: string | null;
  /** The process running it (`host:pid:nonce`); null once it stopped. */
  runner: string | null;
}
