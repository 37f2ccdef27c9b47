import { sql, type Selectable } from 'kysely';
import type { StoreContext } from './context.ts';
import type { ImportsTable } from './schema.ts';

export type ImportState = 'running' | 'succeeded' | 'failed' | 'interrupted';

/** What one page of an import added: its counts, and the calls it spent. */
export interface ImportPageCounts {
  read: number;
  created: number;
  updated: number;
  failed: number;
  salesforceCalls: number;
  hubspotCalls: number;
}

/** One import of existing Salesforce records, as stored: enough to tell its progress and to continue it. */
export interface StoredImport extends ImportPageCounts {
  importId: string;
  object: string;
  createdAfter: Date | null;
  modifiedAfter: Date | null;
  /** The last Salesforce Id done, in Id order: the next page starts after it. null before the first page. */
  cursor: string | null;
  state: ImportState;
  total: number | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  failure: string | null;
  /** The process running it, while one does (or did, until it died). */
  runner: string | null;
}

export class ImportsRepository {
  constructor(private readonly context: StoreContext) {}

  async create(order: { importId: string; object: string; createdAfter: Date | null; modifiedAfter: Date | null; runner: string }, now: Date): Promise<StoredImport> {
    const at = now.toISOString();
    await this.context.db
      .insertInto('imports')
      .values({
        importId: order.importId,
        object: order.object,
        createdAfter: order.createdAfter?.toISOString() ?? null,
        modifiedAfter: order.modifiedAfter?.toISOString() ?? null,
        cursor: null,
        state: 'running',
        total: null,
        startedAt: at,
        updatedAt: at,
        finishedAt: null,
        failure: null,
        runner: order.runner,
      })
      .execute();
    return (await this.find(order.importId))!;
  }

  async find(importId: string): Promise<StoredImport | null> {
    const row = await this.context.db.selectFrom('imports').selectAll().where('importId', '=', importId).executeTakeFirst();
    return row ? toStoredImport(row) : null;
  }

  /** Imports not finished (running when their process stopped, or interrupted), oldest first: what a restart continues. */
  async listUnfinished(): Promise<StoredImport[]> {
    const rows = await this.context.db.selectFrom('imports').selectAll().where('state', 'in', ['running', 'interrupted']).orderBy('startedAt').orderBy('importId').execute();
    return rows.map(toStoredImport);
  }

  async setTotal(importId: string, total: number, now: Date): Promise<void> {
    await this.context.db.updateTable('imports').set({ total, updatedAt: now.toISOString() }).where('importId', '=', importId).execute();
  }

  /**
   * A page done: the cursor moves to its last Id and its counts are added, in one statement, so a page either
   * counts and is never read again, or does not count and is read again. `cursor` null: counts only (the calls of
   * the count before the first page).
   */
  async advance(importId: string, cursor: string | null, page: ImportPageCounts, now: Date): Promise<void> {
    const add = (column: keyof ImportPageCounts, value: number) => sql<number>`${sql.ref(snake(column))} + ${value}`;
    await this.context.db
      .updateTable('imports')
      .set({
        ...(cursor === null ? {} : { cursor }),
        read: add('read', page.read),
        created: add('created', page.created),
        updated: add('updated', page.updated),
        failed: add('failed', page.failed),
        salesforceCalls: add('salesforceCalls', page.salesforceCalls),
        hubspotCalls: add('hubspotCalls', page.hubspotCalls),
        updatedAt: now.toISOString(),
      })
      .where('importId', '=', importId)
      .execute();
  }

  /**
   * Running again (a resume) in `runner`: the failure of the last attempt is cleared, the counts and cursor kept.
   * Only if the runner is still the one seen (`seenRunner`): of two processes resuming at once, one wins. False: lost.
   */
  async resume(importId: string, runner: string, seenRunner: string | null, now: Date): Promise<boolean> {
    const result = await this.context.db
      .updateTable('imports')
      .set({ state: 'running', failure: null, finishedAt: null, runner, updatedAt: now.toISOString() })
      .where('importId', '=', importId)
      .where((eb) => (seenRunner === null ? eb('runner', 'is', null) : eb('runner', '=', seenRunner)))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async finish(importId: string, result: { state: Exclude<ImportState, 'running'>; failure: string | null }, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.context.db
      .updateTable('imports')
      .set({ state: result.state, failure: result.failure, updatedAt: at, finishedAt: result.state === 'interrupted' ? null : at, runner: null })
      .where('importId', '=', importId)
      .execute();
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function toStoredImport(row: Selectable<ImportsTable>): StoredImport {
  const instant = (text: string | null) => (text === null ? null : new Date(text));
  return {
    importId: row.importId,
    object: row.object,
    createdAfter: instant(row.createdAfter),
    modifiedAfter: instant(row.modifiedAfter),
    cursor: row.cursor,
    state: row.state as ImportState,
    total: row.total === null ? null : Number(row.total),
    read: Number(row.read),
    created: Number(row.created),
    updated: Number(row.updated),
    failed: Number(row.failed),
    salesforceCalls: Number(row.salesforceCalls),
    hubspotCalls: Number(row.hubspotCalls),
    startedAt: new Date(row.startedAt),
    updatedAt: new Date(row.updatedAt),
    finishedAt: instant(row.finishedAt),
    failure: row.failure,
    runner: row.runner,
  };
}
