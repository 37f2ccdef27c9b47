/**
 * Sync Health (SPEC section 8, issue 4): the Salesforce API budget, the suspension, the error cards and the
 * service's status, read in one place for the HTTP API, the CLI (`crmsync health`) and /metrics.
 */
import { sql } from 'kysely';
import type { SyncErrorCategory } from '../core/sync-error.ts';
import type { ErrorCardJson, HealthResponse, SyncStatusJson } from '../server/api/contract.ts';
import type { Store } from '../store/open.ts';
import { RETRY_SHARE_OF_ALLOCATION } from './api-budget.ts';
import { readSettings } from './settings.ts';
import type { SyncStatus } from './sync-control.ts';

const categoryTitles: Record<SyncErrorCategory, string> = {
  duplicates: 'Duplicates',
  property_value: 'Property value',
  custom_code: 'Custom code',
  permissions: 'Permissions',
  associations: 'Associations',
  api_limit: 'API limit',
  connection: 'Connection',
};

/**
 * Card titles in the words HubSpot's own Sync Health uses where it has them (research mission-hubspot-sf.md,
 * reliability-security.md §3.5), for the codes our connectors and the core produce.
 */
const codeTitles: Record<string, string> = {
  INVALID_EMAIL_ADDRESS: 'Invalid email address',
  INVALID_EMAIL: 'Invalid email address',
  REQUIRED_FIELD_MISSING: 'Required field missing',
  STRING_TOO_LONG: 'Value too long',
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: 'Picklist value not allowed',
  FIELD_INTEGRITY_EXCEPTION: 'Value not allowed by the field',
  TOO_MANY_ENUM_VALUE: 'Too many picklist values',
  INVALID_TYPE_ON_FIELD_IN_RECORD: 'Wrong value type',
  NUMBER_OUTSIDE_VALID_RANGE: 'Number out of range',
  MALFORMED_ID: 'Malformed record id',
  DUPLICATES_DETECTED: 'Salesforce duplicate rule',
  DUPLICATE_VALUE: 'Duplicate unique value',
  DUPLICATE_EXTERNAL_ID: 'Duplicate external id',
  CONFLICT: 'Email already in use',
  FIELD_CUSTOM_VALIDATION_EXCEPTION: 'Salesforce validation rule',
  CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY: 'Salesforce trigger or flow',
  CANNOT_EXECUTE_FLOW_TRIGGER: 'Salesforce flow',
  ENTITY_IS_LOCKED: 'Record locked (approval)',
  UNABLE_TO_LOCK_ROW: 'Record busy (row lock)',
  INSUFFICIENT_ACCESS_OR_READONLY: 'Insufficient access or missing Salesforce record',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'No access to a related record',
  INVALID_FIELD_FOR_INSERT_UPDATE: 'Salesforce field permission',
  INVALID_FIELD: 'Salesforce field permission',
  INACTIVE_OWNER_OR_USER: 'Inactive owner',
  INVALID_CROSS_REFERENCE_KEY: 'Waiting for a related record to sync',
  ENTITY_IS_DELETED: 'Record deleted',
  CANNOT_UPDATE_CONVERTED_LEAD: 'Lead already converted',
  NOT_FOUND: 'Record not found',
  REQUEST_LIMIT_EXCEEDED: 'Salesforce API limit reached',
  RATE_LIMITS: 'HubSpot rate limit',
};

/** The card key of an error: one card per category and vendor code. */
export function errorType(category: SyncErrorCategory, vendorCode: string): string {
  return `${category}:${vendorCode || 'none'}`;
}

/** Reads a card key back; null when it is not one. */
export function parseErrorType(type: string, categories: readonly SyncErrorCategory[]): { category: SyncErrorCategory; vendorCode: string } | null {
  const index = type.indexOf(':');
  if (index < 0) return null;
  const category = type.slice(0, index) as SyncErrorCategory;
  const code = type.slice(index + 1);
  if (!categories.includes(category) || code === '') return null;
  return { category, vendorCode: code === 'none' ? '' : code };
}

export function errorTitle(category: SyncErrorCategory, vendorCode: string): string {
  const known = codeTitles[vendorCode];
  if (known) return known;
  if (!vendorCode) return categoryTitles[category];
  // An unknown code still reads as words: VALIDATION_ERROR → "Validation error".
  const words = vendorCode.toLowerCase().replace(/[_\s]+/g, ' ').trim();
  return `${categoryTitles[category]}: ${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/** Open errors per card, most first: the cards of Sync Health. */
export async function readErrorCards(store: Store): Promise<ErrorCardJson[]> {
  // The repository counts per category only; the cards split a category by vendor code.
  const rows = await store.kysely
    .selectFrom('syncErrors')
    .select([
      'category',
      'vendorCode',
      (eb) => eb.fn.countAll<number>().as('errors'),
      sql<number>`count(distinct object || '/' || record_key)`.as('records'),
    ])
    .where('resolvedAt', 'is', null)
    .groupBy(['category', 'vendorCode'])
    .execute();
  return rows
    .map((row) => {
      const category = row.category as SyncErrorCategory;
      return { type: errorType(category, row.vendorCode), category, title: errorTitle(category, row.vendorCode), count: Number(row.errors), affectedRecords: Number(row.records) };
    })
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

export function toSyncStatusJson(status: SyncStatus): SyncStatusJson {
  return {
    phase: status.phase,
    current: status.current
      ? {
          runId: status.current.runId,
          kind: status.current.kind,
          startedAt: status.current.startedAt.toISOString(),
          progress: status.current.progress ? { ...status.current.progress } : null,
        }
      : null,
    lastRun: status.lastRun ? { ...status.lastRun, finishedAt: status.lastRun.finishedAt.toISOString() } : null,
    lastSuccessAt: status.lastSuccessAt?.toISOString() ?? null,
    nextRunAt: status.nextRunAt?.toISOString() ?? null,
  };
}

/** What the service can say about itself; the CLI, with no service running, passes null. */
export interface SyncStatusSource {
  status(): SyncStatus;
}

/** The status shown when no service answers (the CLI reading the store alone): what the store remembers. */
async function statusFromStore(store: Store): Promise<SyncStatus> {
  const [last] = await store.syncRuns.listRecent(1);
  const lastSuccess = await store.kysely
    .selectFrom('syncRuns')
    .select('finishedAt')
    .where('outcome', 'in', ['succeeded', 'partial'])
    .orderBy('finishedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const ended = last && last.outcome !== null && last.finishedAt !== null;
  return {
    phase: 'stopped',
    current: null,
    lastRun: ended
      ? { runId: last.runId, outcome: last.outcome === 'interrupted' ? 'failed' : last.outcome!, finishedAt: last.finishedAt!, failure: last.failure }
      : null,
    lastSuccessAt: lastSuccess?.finishedAt ? new Date(lastSuccess.finishedAt) : null,
    nextRunAt: null,
  };
}

/**
 * Sync Health as GET /api/health returns it. `sync` is the running service, or null when there is none (the
 * CLI), in which case the status comes from the store's run history.
 */
export async function readHealth(store: Store, sync: SyncStatusSource | null, now: Date): Promise<HealthResponse> {
  const [{ settings }, usedLast24h, hourly, byOperation, state, errors] = await Promise.all([
    readSettings(store.settings),
    store.apiLedger.usedInWindow(now),
    store.apiLedger.hourlyUsage(now),
    store.apiLedger.usageByOperation(now),
    store.integrationState.read(),
    readErrorCards(store),
  ]);
  const status = sync ? sync.status() : await statusFromStore(store);
  const allocation = settings.apiCallAllocation;
  const reported = state.salesforceReportedUsage;
  const salesforceRemaining = reported ? Math.max(0, reported.limit - reported.used) : null;
  const ownRemaining = allocation === null ? null : Math.max(0, allocation - usedLast24h);
  const remaining = ownRemaining === null ? salesforceRemaining : salesforceRemaining === null ? ownRemaining : Math.min(ownRemaining, salesforceRemaining);

  const waiting: string[] = [];
  if (state.suspension) waiting.push(`Syncing is suspended (${state.suspension.state}): ${state.suspension.reason}. Every change waits until the suspension is cleared.`);
  if (state.apiLimit) {
    waiting.push(`Changes wait for Salesforce API budget: ${state.apiLimit.detail}. Syncing resumes by itself as the 24-hour window frees.`);
  }
  const retrying = errors.reduce((sum, card) => sum + card.count, 0);
  if (allocation !== null && retrying > 0 && usedLast24h >= allocation * RETRY_SHARE_OF_ALLOCATION) {
    waiting.push(
      `Automatic retries of ${retrying} failed record${retrying === 1 ? '' : 's'} are paused: ${usedLast24h} of ${allocation} calls used, and retries stop at ${Math.round(RETRY_SHARE_OF_ALLOCATION * 100)}% of the allocation.`,
    );
  }

  return {
    apiUsage: {
      usedLast24h,
      allocation,
      salesforceLimit: reported?.limit ?? null,
      salesforceRemaining,
      remaining,
      hourly: hourly.map((hour) => ({ hourStart: hour.hourStart.toISOString(), calls: hour.calls })),
      byOperation: [...byOperation].sort((a, b) => b.calls - a.calls || a.object.localeCompare(b.object) || a.operation.localeCompare(b.operation)),
      apiLimit: state.apiLimit ? { since: state.apiLimit.since.toISOString(), detail: state.apiLimit.detail } : null,
    },
    suspension: state.suspension ? { state: state.suspension.state, reason: state.suspension.reason, since: state.suspension.since.toISOString() } : null,
    errors,
    sync: toSyncStatusJson(status),
    waiting,
  };
}
