import { SalesforceRequestError, type SalesforceClient, type SalesforceRecord } from '../../connectors/salesforce/client.ts';
import { validOverlap, YieldedAtNewestTime, type PollCursor } from './cursor.ts';

/**
 * Change detection on Salesforce by polling (SPEC §7 "Triggers": the always-on safety net).
 *
 * Changes: `SELECT … FROM X WHERE SystemModstamp >= (checkpoint − overlap) ORDER BY SystemModstamp, Id`, read page
 * by page (Salesforce's 2,000 rows), each page yielded with the checkpoint to store once it is applied.
 * SystemModstamp rather than LastModifiedDate because it also moves on system changes, and it is the field the
 * replication API itself uses (reliability-security.md §1.3).
 *
 * Deletions: `getDeleted` over the window since the deletions checkpoint. It answers in whole minutes and only for
 * the last 15 days; past that the delete log is gone and only a full reconciliation can tell what was deleted,
 * which is returned as a signal, never skipped.
 */

export interface SalesforceChangedBatch {
  object: string;
  /** The records as queried, each with Id and SystemModstamp, in SystemModstamp order. */
  records: SalesforceRecord[];
  /** To store once this batch is applied: the last record's SystemModstamp and Id. */
  checkpoint: PollCursor;
}

export interface SalesforceChangePoll {
  /** sObject API name: Lead, Contact, Invoice__c. */
  object: string;
  /** Fields to read besides Id and SystemModstamp, which are always read. */
  fields: readonly string[];
  /** The stored checkpoint; null reads every record (an initial sync). */
  checkpoint: PollCursor | null;
  overlapMs?: number;
}

const apiName = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

function assertApiName(name: string, what: string): void {
  // Object and field names come from settings (custom objects, mappings) and end up inside SOQL text.
  if (!apiName.test(name)) throw new TypeError(`${what} ${JSON.stringify(name)} is not a Salesforce API name`);
}

/**
 * A SOQL dateTime literal: UTC with Z, unquoted, whole seconds. The documented forms have no fraction
 * (SOQL reference, "Date Formats and Date Literals"), and SystemModstamp comparisons ignore milliseconds anyway;
 * flooring only widens a `>=` window.
 */
export function soqlDateTime(instant: Date): string {
  return `${new Date(Math.floor(instant.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** The REST API writes datetimes as `2026-03-02T10:00:00.000+0000`. */
export function parseSalesforceDateTime(value: unknown): number {
  const time = salesforceInstant(value);
  if (Number.isNaN(time)) throw new TypeError(`not a Salesforce datetime: ${String(value)}`);
  return time;
}

/** A Salesforce date or datetime as milliseconds, NaN when the value is neither. */
export function salesforceInstant(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
}

/**
 * A minute's slack for the two clocks (and CreatedDate's whole seconds) when a record is dated against the write
 * intent of a create a dead process may have sent.
 */
export const INTENT_CLOCK_SLACK_MS = 60_000;

export function changesQuery(object: string, fields: readonly string[], from: Date | null): string {
  assertApiName(object, 'object');
  const seen = new Set(['id', 'systemmodstamp']);
  const selected = ['Id', 'SystemModstamp'];
  for (const field of fields) {
    assertApiName(field, 'field');
    // SOQL refuses a field named twice, in any casing.
    if (seen.has(field.toLowerCase())) continue;
    seen.add(field.toLowerCase());
    selected.push(field);
  }
  const where = from ? ` WHERE SystemModstamp >= ${soqlDateTime(from)}` : '';
  return `SELECT ${selected.join(', ')} FROM ${object}${where} ORDER BY SystemModstamp, Id`;
}

/** A query locator expires after 15 idle minutes, or when the user opens more than 10 cursors. */
function isExpiredQueryLocator(error: unknown): boolean {
  return error instanceof SalesforceRequestError && error.vendorError.code === 'INVALID_QUERY_LOCATOR';
}

/** A window restarted this many times in a row without a new record is not going to finish. */
const maxRestartsWithoutProgress = 3;

/**
 * Records changed since the checkpoint, as batches with the checkpoint to store after each. The window starts
 * `overlapMs` before the checkpoint, and records in the overlap are read again on purpose: a late commit can
 * carry a SystemModstamp at or before the checkpoint, and that is the only place it shows up. The checkpoint's
 * tie-break id is therefore not used to skip anything. Within one run nothing is yielded twice: a query locator
 * that expires mid-run restarts the window at the last yielded SystemModstamp, skipping what was yielded there.
 */
/** A poll that is not made (an import page reads its own records): no pages, no call. */
export async function* noPages<T>(): AsyncGenerator<T> {}

export async function* pollSalesforceChanges(client: SalesforceClient, poll: SalesforceChangePoll): AsyncGenerator<SalesforceChangedBatch> {
  const overlap = validOverlap(poll.overlapMs);
  const yielded = new YieldedAtNewestTime();
  let from = poll.checkpoint ? new Date(poll.checkpoint.time.getTime() - overlap) : null;
  let restartsWithoutProgress = 0;
  for (;;) {
    const soql = changesQuery(poll.object, poll.fields, from);
    try {
      for await (const page of client.queryPages(soql, poll.object)) {
        const records: SalesforceRecord[] = [];
        for (const record of page) {
          const stamp = parseSalesforceDateTime(record.SystemModstamp);
          const id = String(record.Id);
          if (yielded.has(stamp, id)) continue;
          yielded.add(stamp, id);
          records.push(record);
        }
        const last = records.at(-1);
        if (!last) continue;
        restartsWithoutProgress = 0;
        yield { object: poll.object, records, checkpoint: { time: new Date(parseSalesforceDateTime(last.SystemModstamp)), lastId: String(last.Id) } };
      }
      return;
    } catch (error) {
      if (!isExpiredQueryLocator(error) || yielded.newest === Number.NEGATIVE_INFINITY) throw error;
      restartsWithoutProgress += 1;
      if (restartsWithoutProgress > maxRestartsWithoutProgress) throw error;
      from = new Date(yielded.newest);
    }
  }
}

export interface SalesforceDeletion {
  id: string;
  deletedDate: Date;
}

export type SalesforceDeletionsOutcome =
  | {
      kind: 'deleted';
      object: string;
      /** Records deleted in the window; the overlap may repeat a few from the previous window. */
      deletions: SalesforceDeletion[];
      /** To store once the deletions are applied: Salesforce's latestDateCovered (or the checkpoint unchanged). */
      checkpoint: PollCursor;
    }
  | {
      kind: 'reconciliation_needed';
      object: string;
      reason: 'deletions_beyond_retention';
      /** Deletions since this instant can no longer be listed: compare the linked records one by one. */
      since: Date;
      message: string;
    };

export interface SalesforceDeletionsPoll {
  object: string;
  /** The stored deletions checkpoint; null starts the log now (deletions before an initial sync do not matter). */
  checkpoint: PollCursor | null;
  /** Our clock, only to bound the window: the cursor itself always comes from Salesforce's latestDateCovered. */
  now: Date;
  overlapMs?: number;
}

const minuteMs = 60_000;
/** getDeleted looks back at most 15 days (SOAP API "getDeleted()", REST "sObject Get Deleted"). */
export const DELETED_RETENTION_MS = 15 * 24 * 60 * minuteMs;

const floorMinute = (time: number) => Math.floor(time / minuteMs) * minuteMs;

/** The key under which an object's deletions checkpoint is stored beside its changes checkpoint. */
export function deletionsCheckpointObject(object: string): string {
  return `${object}#deleted`;
}

/**
 * Records deleted since the deletions checkpoint (one getDeleted call). Salesforce drops the seconds of both ends
 * and never covers the minute still running, so a window shorter than a minute is not asked for at all, and the
 * next window starts at the latestDateCovered it answered. A checkpoint older than the 15 days getDeleted keeps
 * is a `reconciliation_needed` outcome, decided before any call is spent when our clock says so, and from
 * Salesforce's refusal when its clock disagrees with ours.
 */
export async function pollSalesforceDeletions(client: SalesforceClient, poll: SalesforceDeletionsPoll): Promise<SalesforceDeletionsOutcome> {
  assertApiName(poll.object, 'object');
  const overlap = validOverlap(poll.overlapMs);
  const now = poll.now.getTime();
  const since = poll.checkpoint?.time.getTime() ?? now - overlap;
  const oldestListed = floorMinute(now - DELETED_RETENTION_MS) + minuteMs;
  const beyondRetention = (message: string): SalesforceDeletionsOutcome => ({
    kind: 'reconciliation_needed',
    object: poll.object,
    reason: 'deletions_beyond_retention',
    since: new Date(since),
    message,
  });
  if (since < oldestListed) {
    return beyondRetention(`deletions of ${poll.object} since ${new Date(since).toISOString()} are past the 15 days Salesforce's getDeleted keeps`);
  }
  // The overlap reaches back only as far as the log does: the checkpoint itself is inside it.
  const start = Math.max(floorMinute(since - overlap), oldestListed);
  const end = floorMinute(now);
  const unchanged = poll.checkpoint ?? { time: new Date(since), lastId: null };
  if (end <= start) return { kind: 'deleted', object: poll.object, deletions: [], checkpoint: unchanged };
  try {
    const result = await client.deletedRecords(poll.object, new Date(start), new Date(end));
    const covered = parseSalesforceDateTime(result.latestDateCovered);
    return {
      kind: 'deleted',
      object: poll.object,
      deletions: result.deleted.map((d) => ({ id: d.id, deletedDate: new Date(parseSalesforceDateTime(d.deletedDate)) })),
      checkpoint: covered > since ? { time: new Date(covered), lastId: null } : unchanged,
    };
  } catch (error) {
    // "startDate cannot be more than 15 days ago": Salesforce's clock is ahead of ours by enough to matter.
    if (error instanceof SalesforceRequestError && error.vendorError.code === 'INVALID_REPLICATION_DATE' && /days ago/i.test(error.vendorError.message)) {
      return beyondRetention(`Salesforce refused the deletions window of ${poll.object}: ${error.vendorError.message}`);
    }
    throw error;
  }
}
