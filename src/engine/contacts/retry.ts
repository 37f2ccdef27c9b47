/**
 * What a cycle does with sync errors (SPEC section 7: "retried with back-off; resyncable by hand; never lost").
 *
 * - A transient refusal (a locked row, an outage, a record waiting for API budget) is retried with exponential
 *   back-off: `retryDelayMs(attempts, jitter)`, the jitter passed in so the policy stays testable.
 * - A cycle re-reads the records whose errors are due (`dueForRetry`) and plans them as if they had changed; the
 *   errors of records retried without failing again are resolved. Retries of failed records stop at 75% of the
 *   Salesforce allocation; records that only waited for budget are pending changes, not failures, and go on.
 * - A value a system refused (a picklist value, a text too long) is not sent again while it is unchanged and its
 *   error is not due: the rest of the record still syncs, and the field's last-synced value is left alone so the
 *   value is sent once it changes, or when an admin asks for a resync (`retryNow` makes the error due). The rule is
 *   the core's, shared with the link-matched objects (src/core/refused-values.ts).
 */
import type { TypedFieldMapping } from '../../core/mapping/model.ts';
import type { SalesforcePersonObject } from '../../core/rules/contact-identity.ts';
import type { HubSpotClient, HubSpotObject } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { RefusedValue, SyncErrorReport } from './ports.ts';
import { HUBSPOT_CONTACTS, PERSON_OBJECTS, hubspotPropertiesToRead, salesforceFieldsToRead, toSalesforcePerson } from './records.ts';
import type { SalesforcePersonRecord } from '../../core/plan.ts';

/** The first retry after a minute, doubling up to six hours: a lock clears in seconds, an outage in hours. */
export const RETRY_BASE_MS = 60_000;
export const RETRY_MAX_MS = 6 * 3_600_000;
/** How many due errors one cycle takes on; the rest stay due for the next. */
export const RETRIES_PER_CYCLE = 2_000;
/** Marks the records a cycle held back for lack of Salesforce API budget (category api_limit). */
export const BUDGET_WAIT_CODE = 'CRMSYNC_API_BUDGET';

/**
 * Exponential back-off with "equal jitter": half the delay fixed, half spread by `jitter` (0 ≤ jitter < 1), so
 * records that failed together do not all come back in the same second.
 */
export function retryDelayMs(attempts: number, jitter: number, base = RETRY_BASE_MS, max = RETRY_MAX_MS): number {
  if (!Number.isFinite(jitter) || jitter < 0 || jitter >= 1) throw new RangeError(`jitter must be in [0, 1), got ${jitter}`);
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const delay = Math.min(max, base * 2 ** exponent);
  return Math.round(delay / 2 + (delay / 2) * jitter);
}

/** A sync error as the store keeps it (src/store/sync-errors.ts). */
export interface SyncError extends SyncErrorReport {
  id: number;
  attempts: number;
  lastSeenAt: Date;
  retryable: boolean;
  refusedValues: RefusedValue[];
}

/** The store's sync errors as the retry step uses them (the store's SyncErrorsRepository satisfies it). */
export interface RetryErrorsPort {
  dueForRetry(now: Date, limit: number): Promise<SyncError[]>;
  openForRecords(object: string, ids: { hubspotIds: readonly string[]; salesforceIds: readonly string[] }): Promise<SyncError[]>;
  scheduleRetries(now: Date, delayMs: (attempts: number) => number): Promise<number>;
  resolveUnlessSeenSince(ids: readonly number[], since: Date, now: Date): Promise<number>;
  reopen(ids: readonly number[], since: Date): Promise<number>;
}

export interface DueRetries {
  /** The errors taken on this cycle. */
  errors: SyncError[];
  hubspot: HubSpotObject[];
  salesforce: SalesforcePersonRecord[];
}

/** Salesforce's fixed key prefixes tell a Lead id from a Contact id when an error names no object. */
function personObjectOf(id: string): SalesforcePersonObject | null {
  if (id.startsWith('00Q')) return 'Lead';
  if (id.startsWith('003')) return 'Contact';
  return null;
}

/**
 * Reads the records whose errors are due. Without `mayRetryFailed` (above 75% of the allocation) only records that
 * waited for budget are taken. Records gone from both systems are simply not returned: their errors resolve.
 */
export async function readDueRetries(
  errors: RetryErrorsPort,
  clients: { salesforce: SalesforceClient; hubspot: HubSpotClient },
  options: { now: Date; mappings: readonly TypedFieldMapping[]; mayRetryFailed: boolean },
): Promise<DueRetries> {
  const due = (await errors.dueForRetry(options.now, RETRIES_PER_CYCLE)).filter(
    (error) => error.object === HUBSPOT_CONTACTS && (options.mayRetryFailed || error.vendorCode === BUDGET_WAIT_CODE),
  );
  if (due.length === 0) return { errors: [], hubspot: [], salesforce: [] };
  const hubspotIds = [...new Set(due.flatMap((error) => (error.hubspotId ? [error.hubspotId] : [])))];
  const hubspot = hubspotIds.length > 0 ? (await clients.hubspot.batchRead(HUBSPOT_CONTACTS, hubspotIds, hubspotPropertiesToRead(options.mappings))).results.filter((record) => !record.archived) : [];
  const salesforce: SalesforcePersonRecord[] = [];
  for (const object of PERSON_OBJECTS) {
    const ids = [...new Set(due.flatMap((error) => (error.salesforceId && personObjectOf(error.salesforceId) === object ? [error.salesforceId] : [])))];
    if (ids.length === 0) continue;
    for (const record of await clients.salesforce.retrieve(object, ids, salesforceFieldsToRead(object, options.mappings))) if (record) salesforce.push(toSalesforcePerson(object, record));
  }
  return { errors: due, hubspot, salesforce };
}
