import { sql, type Selectable } from 'kysely';
import { chunks, type StoreContext } from './context.ts';
import type { RefusedValue, SyncErrorReport } from '../engine/contacts/ports.ts';
import type { SyncErrorsTable } from './schema.ts';
import { syncErrorCategories as SYNC_ERROR_CATEGORIES, type SyncErrorCategory } from '../core/sync-error.ts';

// The error cards of Sync Health (SPEC section 7): the core's vocabulary, shared by core decisions and vendor refusals.
export { SYNC_ERROR_CATEGORIES, type SyncErrorCategory };

// The shape is the engine's port (the contract this repository implements), not a second declaration.
export type { RefusedValue, SyncErrorReport };

export interface SyncError extends SyncErrorReport {
  id: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** How many times in a row this record failed for this reason. */
  attempts: number;
  resolvedAt: Date | null;
  retryable: boolean;
  /** Every value the system refused while this error has been open (one per field). */
  refusedValues: RefusedValue[];
}

export interface SyncErrorFilter {
  status?: 'open' | 'resolved' | 'all';
  category?: SyncErrorCategory;
  object?: string;
  hubspotId?: string;
  salesforceId?: string;
}

export interface SyncErrorPage {
  errors: SyncError[];
  /** Pass back to get the next page; null on the last one. */
  nextCursor: string | null;
}

export interface CategoryCount {
  category: SyncErrorCategory;
  /** Open errors in the category. */
  errors: number;
  /** Distinct records those errors are about. */
  records: number;
}

export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`cursor "${cursor}" is not one this list returned`);
    this.name = 'InvalidCursorError';
  }
}

/**
 * Sync errors, one row per (object, record, category, vendor code): a record failing again for the same
 * reason bumps `attempts` instead of adding a row, so the cards count records, not retries. Rows are resolved,
 * not deleted, when the record syncs: the history answers "did this ever fail?".
 */
export class SyncErrorsRepository {
  constructor(private readonly context: StoreContext) {}

  async record(report: SyncErrorReport, now: Date): Promise<SyncError> {
    if (report.hubspotId === null && report.salesforceId === null) {
      throw new TypeError(`a sync error needs the HubSpot id or the Salesforce id of the record (${report.object}, ${report.category})`);
    }
    if (!SYNC_ERROR_CATEGORIES.includes(report.category)) {
      throw new TypeError(`unknown sync error category "${String(report.category)}"; expected one of ${SYNC_ERROR_CATEGORIES.join(', ')}`);
    }
    const at = now.toISOString();
    const refusedValues = await this.mergedRefusals(report);
    const row = await this.context.db
      .insertInto('syncErrors')
      .values({
        object: report.object,
        hubspotId: report.hubspotId,
        salesforceId: report.salesforceId,
        recordKey: recordKey(report),
        category: report.category,
        vendorCode: report.vendorCode,
        field: report.field,
        message: report.message,
        firstSeenAt: at,
        lastSeenAt: at,
        attempts: 1,
        nextRetryAt: report.nextRetryAt?.toISOString() ?? null,
        resolvedAt: null,
        retryable: report.retryable ? 1 : 0,
        refusedValues,
      })
      .onConflict((oc) =>
        oc.columns(['object', 'recordKey', 'category', 'vendorCode']).doUpdateSet({
          // A resolved error that comes back is a new episode: its count and first sighting start over.
          attempts: sql<number>`case when sync_errors.resolved_at is null then sync_errors.attempts + 1 else 1 end`,
          firstSeenAt: sql<string>`case when sync_errors.resolved_at is null then sync_errors.first_seen_at else excluded.first_seen_at end`,
          field: sql.ref('excluded.field'),
          message: sql.ref('excluded.message'),
          lastSeenAt: sql.ref('excluded.last_seen_at'),
          nextRetryAt: sql.ref('excluded.next_retry_at'),
          resolvedAt: null,
          retryable: sql.ref('excluded.retryable'),
          refusedValues: sql.ref('excluded.refused_values'),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSyncError(row);
  }

  /**
   * The refused values to keep on the row: those of the open episode (another field of the same record refused
   * for the same reason earlier) with this report's added. A resolved row starts over.
   */
  private async mergedRefusals(report: SyncErrorReport): Promise<string | null> {
    const existing = await this.context.db
      .selectFrom('syncErrors')
      .select(['refusedValues', 'resolvedAt'])
      .where('object', '=', report.object)
      .where('recordKey', '=', recordKey(report))
      .where('category', '=', report.category)
      .where('vendorCode', '=', report.vendorCode)
      .executeTakeFirst();
    const values = existing && existing.resolvedAt === null ? parseRefusals(existing.refusedValues) : {};
    if (report.refused) values[`${report.refused.system}:${report.refused.field}`] = report.refused.value ?? null;
    return Object.keys(values).length > 0 ? JSON.stringify(values) : null;
  }

  /** Records the refusals of one batch together. */
  async recordMany(reports: readonly SyncErrorReport[], now: Date): Promise<SyncError[]> {
    return this.context.transact(async (context) => {
      const repo = new SyncErrorsRepository(context);
      const recorded: SyncError[] = [];
      for (const report of reports) recorded.push(await repo.record(report, now));
      return recorded;
    });
  }

  /** Newest first (by last seen), in pages of `limit` (1 to 500). */
  async list(filter: SyncErrorFilter, page: { limit: number; cursor?: string | null }): Promise<SyncErrorPage> {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 500) throw new RangeError(`limit must be between 1 and 500, got ${page.limit}`);
    let query = this.context.db.selectFrom('syncErrors').selectAll();
    const status = filter.status ?? 'open';
    if (status === 'open') query = query.where('resolvedAt', 'is', null);
    if (status === 'resolved') query = query.where('resolvedAt', 'is not', null);
    if (filter.category) query = query.where('category', '=', filter.category);
    if (filter.object) query = query.where('object', '=', filter.object);
    if (filter.hubspotId) query = query.where('hubspotId', '=', filter.hubspotId);
    if (filter.salesforceId) query = query.where('salesforceId', '=', filter.salesforceId);
    if (page.cursor) {
      const after = decodeCursor(page.cursor);
      query = query.where((eb) => eb.or([eb('lastSeenAt', '<', after.lastSeenAt), eb.and([eb('lastSeenAt', '=', after.lastSeenAt), eb('id', '<', after.id)])]));
    }
    const rows = await query.orderBy('lastSeenAt', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
    const errors = rows.slice(0, page.limit).map(toSyncError);
    const last = errors.at(-1);
    return { errors, nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null };
  }

  /** Open errors and affected records per category, every category present (zeros included) for the cards. */
  async countsByCategory(): Promise<CategoryCount[]> {
    const rows = await this.context.db
      .selectFrom('syncErrors')
      .select([
        'category',
        (eb) => eb.fn.countAll<number>().as('errors'),
        sql<number>`count(distinct object || '/' || record_key)`.as('records'),
      ])
      .where('resolvedAt', 'is', null)
      .groupBy('category')
      .execute();
    const byCategory = new Map(rows.map((r) => [r.category, r]));
    return SYNC_ERROR_CATEGORIES.map((category) => ({
      category,
      errors: Number(byCategory.get(category)?.errors ?? 0),
      records: Number(byCategory.get(category)?.records ?? 0),
    }));
  }

  /**
   * Resolves every open error of these records, matched by either id: the record has synced. Returns how
   * many errors were resolved.
   */
  async resolveForRecords(records: ReadonlyArray<{ object: string; hubspotId?: string | null; salesforceId?: string | null }>, now: Date): Promise<number> {
    let resolved = 0;
    const byObject = new Map<string, { hubspot: string[]; salesforce: string[] }>();
    for (const record of records) {
      const ids = byObject.get(record.object) ?? { hubspot: [], salesforce: [] };
      if (record.hubspotId) ids.hubspot.push(record.hubspotId);
      if (record.salesforceId) ids.salesforce.push(record.salesforceId);
      byObject.set(record.object, ids);
    }
    for (const [object, ids] of byObject) {
      for (const [column, values] of [['hubspotId', ids.hubspot], ['salesforceId', ids.salesforce]] as const) {
        for (const batch of chunks(values)) {
          const result = await this.context.db
            .updateTable('syncErrors')
            .set({ resolvedAt: now.toISOString(), nextRetryAt: null })
            .where('object', '=', object)
            .where(column, 'in', batch)
            .where('resolvedAt', 'is', null)
            .executeTakeFirst();
          resolved += Number(result.numUpdatedRows);
        }
      }
    }
    return resolved;
  }

  /** Open errors whose retry time has come, oldest due first. */
  async dueForRetry(now: Date, limit: number): Promise<SyncError[]> {
    const rows = await this.context.db
      .selectFrom('syncErrors')
      .selectAll()
      .where('resolvedAt', 'is', null)
      .where('nextRetryAt', 'is not', null)
      .where('nextRetryAt', '<=', now.toISOString())
      .orderBy('nextRetryAt')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toSyncError);
  }

  /** Open errors about these records (by either id), for deciding what not to send again. */
  async openForRecords(object: string, ids: { hubspotIds: readonly string[]; salesforceIds: readonly string[] }): Promise<SyncError[]> {
    const found = new Map<number, SyncError>();
    for (const [column, values] of [['hubspotId', ids.hubspotIds], ['salesforceId', ids.salesforceIds]] as const) {
      for (const batch of chunks([...new Set(values)])) {
        const rows = await this.context.db.selectFrom('syncErrors').selectAll().where('object', '=', object).where(column, 'in', batch).where('resolvedAt', 'is', null).execute();
        for (const row of rows) found.set(row.id, toSyncError(row));
      }
    }
    return [...found.values()];
  }

  /**
   * Gives every open retryable error without a retry time one, from its attempts (the engine's back-off policy).
   * Run after each batch of errors is recorded; also heals errors a crash left unscheduled. Returns how many.
   */
  async scheduleRetries(now: Date, delayMs: (attempts: number) => number): Promise<number> {
    const rows = await this.context.db
      .selectFrom('syncErrors')
      .select(['id', 'attempts'])
      .where('resolvedAt', 'is', null)
      .where('retryable', '=', 1)
      .where('nextRetryAt', 'is', null)
      .execute();
    for (const row of rows) {
      await this.context.db
        .updateTable('syncErrors')
        .set({ nextRetryAt: new Date(now.getTime() + delayMs(row.attempts)).toISOString() })
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  }

  /**
   * Resolves those of `ids` still open that were not seen again since `since`: their records were retried and
   * nothing failed (they may have had nothing left to write). Returns how many were resolved.
   */
  async resolveUnlessSeenSince(ids: readonly number[], since: Date, now: Date): Promise<number> {
    let resolved = 0;
    for (const batch of chunks(ids)) {
      const result = await this.context.db
        .updateTable('syncErrors')
        .set({ resolvedAt: now.toISOString(), nextRetryAt: null })
        .where('id', 'in', batch)
        .where('resolvedAt', 'is', null)
        .where('lastSeenAt', '<', since.toISOString())
        .executeTakeFirst();
      resolved += Number(result.numUpdatedRows);
    }
    return resolved;
  }

  /**
   * Opens again errors resolved at or after `since`: a record whose refused value was held back synced its other
   * fields, but the refusal still stands. Attempts and first sighting are kept.
   */
  async reopen(ids: readonly number[], since: Date): Promise<number> {
    let reopened = 0;
    for (const batch of chunks(ids)) {
      const result = await this.context.db.updateTable('syncErrors').set({ resolvedAt: null }).where('id', 'in', batch).where('resolvedAt', '>=', since.toISOString()).executeTakeFirst();
      reopened += Number(result.numUpdatedRows);
    }
    return reopened;
  }

  /** "Resync" in Sync Health: the selected open errors become due now. Returns how many were scheduled. */
  async retryNow(ids: readonly number[], now: Date): Promise<number> {
    let scheduled = 0;
    for (const batch of chunks(ids)) {
      const result = await this.context.db
        .updateTable('syncErrors')
        .set({ nextRetryAt: now.toISOString() })
        .where('id', 'in', batch)
        .where('resolvedAt', 'is', null)
        .executeTakeFirst();
      scheduled += Number(result.numUpdatedRows);
    }
    return scheduled;
  }

  /** Deletes errors resolved before `cutoff` (their history has served); open ones are kept whatever their age. */
  async pruneResolvedBefore(cutoff: Date): Promise<number> {
    const result = await this.context.db.deleteFrom('syncErrors').where('resolvedAt', '<', cutoff.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function recordKey(report: Pick<SyncErrorReport, 'hubspotId' | 'salesforceId'>): string {
  return `${report.hubspotId ?? ''}|${report.salesforceId ?? ''}`;
}

function encodeCursor(error: SyncError): string {
  return Buffer.from(JSON.stringify([error.lastSeenAt.toISOString(), error.id])).toString('base64url');
}

function decodeCursor(cursor: string): { lastSeenAt: string; id: number } {
  try {
    const [lastSeenAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof lastSeenAt === 'string' && !Number.isNaN(Date.parse(lastSeenAt)) && Number.isInteger(id)) return { lastSeenAt, id: id as number };
  } catch {
    // reported below
  }
  throw new InvalidCursorError(cursor);
}

function toSyncError(row: Selectable<SyncErrorsTable>): SyncError {
  return {
    id: row.id,
    object: row.object,
    hubspotId: row.hubspotId,
    salesforceId: row.salesforceId,
    category: row.category as SyncErrorCategory,
    vendorCode: row.vendorCode,
    field: row.field,
    message: row.message,
    nextRetryAt: row.nextRetryAt === null ? null : new Date(row.nextRetryAt),
    firstSeenAt: new Date(row.firstSeenAt),
    lastSeenAt: new Date(row.lastSeenAt),
    attempts: row.attempts,
    resolvedAt: row.resolvedAt === null ? null : new Date(row.resolvedAt),
    retryable: row.retryable === 1,
    refusedValues: Object.entries(parseRefusals(row.refusedValues)).map(([key, value]) => {
      const [system, ...field] = key.split(':');
      return { system: system === 'hubspot' ? 'hubspot' : 'salesforce', field: field.join(':'), value };
    }),
  };
}

function parseRefusals(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  const parsed = JSON.parse(json) as unknown;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
