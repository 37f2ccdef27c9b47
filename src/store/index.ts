/**
 * The store: everything crmsync must remember between two cycles and across a crash, in SQLite (default) or
 * PostgreSQL (several workers), through one kysely schema. The engine defines its own narrow ports over these
 * repositories; the server and the CLI open the store once at the edge with openStore(DATABASE_URL).
 *
 * Conventions: instants go in and come out as `Date` and are never read from the clock here (pass `now`);
 * `store.transaction(tx => …)` groups writes of several repositories into one commit.
 */
export { openStore, Store, StoreOpenError, type OpenStoreOptions } from './open.ts';
export type { StoreRepositories } from './repositories.ts';
export { DatabaseUrlError, parseDatabaseUrl, DEFAULT_SQLITE_PATH, type DatabaseLocation } from './database-url.ts';
export { SettingsVersionConflictError, type SettingsSnapshot, type JsonObject } from './settings.ts';
export { FieldMappingConflictError, FieldMappingNotFoundError, type FieldMapping, type FieldSyncRule } from './field-mappings.ts';
export { IdLinkConflictError, type IdLink, type IdLinkConflict, type LeadConversion, type NewIdLink, type RelinkOutcome } from './id-links.ts';
export type { Checkpoint, CheckpointSystem } from './checkpoints.ts';
export type { SyncedValue } from './synced-values.ts';
export type { NewWriteIntent, WriteIntent } from './write-intents.ts';
export {
  InvalidCursorError,
  SYNC_ERROR_CATEGORIES,
  type CategoryCount,
  type SyncError,
  type SyncErrorCategory,
  type SyncErrorFilter,
  type SyncErrorPage,
  type SyncErrorReport,
} from './sync-errors.ts';
export type { AuditEntry, NewAuditEntry } from './audit-trail.ts';
export { BUDGET_WINDOW_MS, type BudgetReservation, type HourlyUsage, type LedgerCall } from './api-ledger.ts';
export type { IntegrationState, SuspensionState } from './integration-state.ts';
export { SecretKeyError } from './secrets.ts';
export { loadOrCreateSecretFile, SECRET_FILE_NAME } from './secret-file.ts';
export type { ReceivedEventsRepository } from './received-events.ts';
export type { SyncRun, SyncRunCounts, SyncRunKind, SyncRunOutcome } from './sync-runs.ts';
export type { ImportPageCounts, ImportState, ImportsRepository, StoredImport } from './imports.ts';
