/**
 * What one cycle of contact sync needs of the store and of the vendors, as the engine's own narrow ports: the
 * store's repositories (src/store) and the connectors satisfy them structurally, and nothing here depends on how
 * they are built.
 */
import type { OwnerDirectoryCache } from '../owners.ts';
import type { FieldSyncRule } from '../../core/mapping/model.ts';
import type { RefusedValue } from '../../core/refused-values.ts';
import type { SyncErrorCategory } from '../../core/sync-error.ts';
import type { HubSpotClient } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient, SalesforceRecord } from '../../connectors/salesforce/client.ts';
import type { ContactMappings } from './records.ts';
import type { TriggerBatch } from '../detect/triggers.ts';
import type { SettingsStorePort } from '../settings.ts';
import type { RetryErrorsPort } from './retry.ts';

export interface StoredLink {
  linkId: string;
  hubspotObjectType: string;
  hubspotId: string;
  salesforceObject: string;
  salesforceId: string;
}

export type NewLink = Omit<StoredLink, 'linkId'>;

/** A record a system refused, or the core could not convert: one card entry in Sync Health. */
export interface SyncErrorReport {
  /** The HubSpot object type of the synced pair ('contacts', 'deals', …). */
  object: string;
  /** At least one of the two ids: the record crmsync was syncing, and its counterpart when linked. */
  hubspotId: string | null;
  salesforceId: string | null;
  category: SyncErrorCategory;
  /** The vendor's code (FIELD_CUSTOM_VALIDATION_EXCEPTION, INVALID_EMAIL, …); '' when it gave none. */
  vendorCode: string;
  field: string | null;
  /** The vendor's message, shown to the admin as it was (escaped by the UI). */
  message: string;
  /** When the engine will try again; null: only on a new change or a resync by hand. */
  nextRetryAt: Date | null;
  /** A transient refusal (a locked row, an outage, the API budget): retried with back-off. Default false. */
  retryable?: boolean;
  /**
   * The value the system refused, as sent: while the error is open and not due, the same value is not sent again
   * (the rest of the record still syncs); a changed value, or a resync by hand, is sent.
   */
  refused?: RefusedValue | null;
}

// What a system refused, as sent: the core's shape (src/core/refused-values.ts decides what is not sent again).
export type { RefusedValue };

/** One write, link or unlink crmsync made, where, and why: the answer to "who changed this field?". */
export interface AuditEntry {
  at: Date;
  /** The system written to. */
  system: 'salesforce' | 'hubspot';
  object: string;
  recordId: string | null;
  linkId: string | null;
  /** 'create' | 'update' | 'delete' | 'link' | 'relink' | 'unlink' … */
  action: string;
  /** The fields written and the values sent (or, for links, what changed). */
  changes: Record<string, unknown>;
  /** Why: the rule and the source change, e.g. "two_way: HubSpot changed firstname at 10:02". */
  reason: string;
  runId: string | null;
}

export interface ContactRepositories {
  idLinks: {
    findByHubspotIds(hubspotObjectType: string, hubspotIds: readonly string[]): Promise<Map<string, StoredLink>>;
    findBySalesforceIds(salesforceIds: readonly string[]): Promise<Map<string, StoredLink>>;
    linkMany(links: readonly NewLink[], now: Date): Promise<{ linked: StoredLink[]; conflicts: Array<{ requested: NewLink; side: 'hubspot' | 'salesforce'; existing: StoredLink }> }>;
    unlink(linkId: string): Promise<boolean>;
    /** Re-pointing keeps the link id, and with it the pair's last-synced values. */
    recordLeadConversion(conversion: { leadId: string; contactId: string; accountId: string | null; hubspotCompanyId: string | null }, now: Date): Promise<unknown>;
    recordSalesforceMerge(merge: { masterObject: string; masterId: string; mergedIds: readonly string[] }, now: Date): Promise<unknown>;
    recordHubspotMerge(merge: { hubspotObjectType: string; survivingId: string; mergedIds: readonly string[] }, now: Date): Promise<unknown>;
  };
  syncedValues: {
    readForLinks(linkIds: readonly string[]): Promise<Map<string, Map<string, { value: unknown }>>>;
    upsertMany(values: ReadonlyArray<{ linkId: string; field: string; value: unknown }>, now: Date): Promise<void>;
  };
  checkpoints: {
    read(system: 'salesforce' | 'hubspot', object: string): Promise<{ cursorTime: Date; cursorLastId: string | null } | null>;
    advance(system: 'salesforce' | 'hubspot', object: string, cursor: { time: Date; lastId: string | null }, now: Date): Promise<boolean>;
  };
  writeIntents: {
    recordMany(
      intents: ReadonlyArray<{ idempotencyKey: string; system: 'salesforce' | 'hubspot'; object: string; operation: string; recordId: string | null; linkId: string | null; payload: unknown }>,
      now: Date,
    ): Promise<Map<string, { state: 'pending' | 'done' | 'abandoned'; outcome: unknown; createdAt: Date }>>;
    markDone(settled: ReadonlyArray<{ idempotencyKey: string; outcome: unknown }>, now: Date): Promise<void>;
    markAbandoned(settled: ReadonlyArray<{ idempotencyKey: string; outcome: unknown }>, now: Date): Promise<void>;
    listPending(
      limit: number,
      createdBefore?: Date,
      operations?: readonly string[],
    ): Promise<Array<{ idempotencyKey: string; system: string; object: string; operation: string; payload: unknown; createdAt: Date }>>;
  };
  syncErrors: {
    recordMany(reports: readonly SyncErrorReport[], now: Date): Promise<unknown>;
    resolveForRecords(records: ReadonlyArray<{ object: string; hubspotId?: string | null; salesforceId?: string | null }>, now: Date): Promise<number>;
  } & RetryErrorsPort;
  auditTrail: {
    append(entries: readonly AuditEntry[]): Promise<void>;
    /** Each record's newest entry: an unlink whose partner went holds an unlinked contact (gather.ts). */
    latestForRecords(recordIds: readonly string[], actions?: readonly string[]): Promise<Map<string, AuditEntry>>;
  };
  syncRuns: {
    start(kind: 'initial' | 'incremental', now: Date): Promise<{ runId: string }>;
    updateCounts(runId: string, counts: Record<string, number>): Promise<void>;
    finish(runId: string, result: { outcome: 'succeeded' | 'partial' | 'failed'; counts: Record<string, number>; failure?: string | null }, now: Date): Promise<void>;
  };
  fieldMappings: {
    list(objectPair: string): Promise<Array<{ hubspotProperty: string; salesforceField: string; rule: FieldSyncRule; origin: 'default' | 'custom' }>>;
  };
  settings: SettingsStorePort;
}

/** The store as the cycle uses it: repositories, and a transaction over them (data and cursor in one commit). */
export interface ContactSyncStore extends ContactRepositories {
  transaction<T>(work: (repositories: ContactRepositories) => Promise<T>): Promise<T>;
}

/** How many vendor calls a meter has seen: read before and after a cycle for its summary. */
export interface CallCount {
  readonly total: number;
  /** The Salesforce budget's 75% rule for retries of failed records (absent: retries may go). */
  mayRetryFailedRecords?(): Promise<boolean>;
  /** Salesforce calls left to spend, and the usage in words (absent or null: no limit known). */
  remainingCalls?(): Promise<{ remaining: number; usage: string } | null>;
}

export interface ContactSyncDeps {
  store: ContactSyncStore;
  salesforce: SalesforceClient;
  hubspot: HubSpotClient;
  /** The meters the two clients were built with (or tallies in front of them). */
  calls: { salesforce: CallCount; hubspot: CallCount };
  clock: () => Date;
  /** How far before each checkpoint polling starts again (clock skew, late commits); default two minutes. */
  overlapMs?: number;
  /** Spreads retries (0 ≤ jitter < 1); default Math.random. */
  jitter?: () => number;
  /** Owners read once for every object of a cycle (or every page of an import); runSyncCycle makes one per cycle. */
  ownerCache?: OwnerDirectoryCache;
  /**
   * The trigger hub's hints taken for this cycle (the service loop passes them): HubSpot deletions and merges that
   * polling cannot see, and requests to compare an object in full.
   */
  triggers?: TriggerBatch;
  /** Salesforce records to sync this cycle as if they had changed: a page of an import (src/engine/import). */
  importIds?: {
    object: 'Lead' | 'Contact';
    ids: readonly string[];
    /** The records themselves, as the import's page query read them with the fields `mapped` needs: not read again. */
    read?: { records: readonly SalesforceRecord[]; mapped: ContactMappings };
  };
  /** False: this cycle leaves Salesforce's changes for a later one (gather.ts, `pollSalesforce`). Default true. */
  pollSalesforce?: boolean;
  /** How often the whole HubSpot archived-contacts listing is read; default 15 minutes (gather.ts). */
  archivedScanIntervalMs?: number;
  /** Told what the cycle is doing and how far it got: the start-up progress bar and the UI's live status. */
  onProgress?: (progress: { step: string; done: number; total: number | null }) => void;
}
