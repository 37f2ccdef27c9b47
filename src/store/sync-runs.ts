import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { parseJson, type StoreContext } from './context.ts';
import type { SyncRunsTable } from './schema.ts';

export type SyncRunKind = 'initial' | 'incremental' | 'import' | 'resync' | 'reconcile';
export type SyncRunOutcome = 'succeeded' | 'partial' | 'failed' | 'interrupted';

/** What a run did, by name: read, created, updated, deleted, failed, skipped … per the engine's choice. */
export type SyncRunCounts = Record<string, number>;

/** One sync cycle, kept as history (the job queue deletes finished jobs; Sync Health wants the past). */
export interface SyncRun {
  runId: string;
  kind: SyncRunKind;
  startedAt: Date;
  finishedAt: Date | null;
  /** null while the run is going. */
  outcome: SyncRunOutcome | null;
  counts: SyncRunCounts;
  failure: string | null;
}

export class SyncRunsRepository {
  constructor(private readonly context: StoreContext) {}

  async start(kind: SyncRunKind, now: Date): Promise<SyncRun> {
    const run: SyncRun = { runId: randomUUID(), kind, startedAt: now, finishedAt: null, outcome: null, counts: {}, failure: null };
    await this.context.db.insertInto('syncRuns').values({ runId: run.runId, kind, startedAt: now.toISOString(), counts: '{}' }).execute();
    return run;
  }

  /** Progress of a running run (the initial sync's progress bar reads it). */
  async updateCounts(runId: string, counts: SyncRunCounts): Promise<void> {
    await this.context.db.updateTable('syncRuns').set({ counts: JSON.stringify(counts) }).where('runId', '=', runId).where('outcome', 'is', null).execute();
  }

  async finish(runId: string, result: { outcome: Exclude<SyncRunOutcome, 'interrupted'>; counts: SyncRunCounts; failure?: string | null }, now: Date): Promise<void> {
    const update = await this.context.db
      .updateTable('syncRuns')
      .set({ outcome: result.outcome, counts: JSON.stringify(result.counts), failure: result.failure ?? null, finishedAt: now.toISOString() })
      .where('runId', '=', runId)
      .where('outcome', 'is', null)
      .executeTakeFirst();
    if (update.numUpdatedRows === 0n) throw new Error(`sync run ${runId} does not exist or has already finished`);
  }

  /**
   * On start, runs left open by a process that died are marked interrupted. With several workers, pass the
   * runs of the dead worker only (`runIds`), or none are touched while others may still be running.
   */
  async markInterrupted(now: Date, runIds?: readonly string[]): Promise<number> {
    let query = this.context.db
      .updateTable('syncRuns')
      .set({ outcome: 'interrupted', finishedAt: now.toISOString(), failure: 'the process stopped before the run finished' })
      .where('outcome', 'is', null);
    if (runIds) {
      if (runIds.length === 0) return 0;
      query = query.where('runId', 'in', [...runIds]);
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Newest first. */
  async listRecent(limit: number): Promise<SyncRun[]> {
    const rows = await this.context.db.selectFrom('syncRuns').selectAll().orderBy('startedAt', 'desc').orderBy('runId').limit(limit).execute();
    return rows.map(toSyncRun);
  }
}

function toSyncRun(row: Selectable<SyncRunsTable>): SyncRun {
  return {
    runId: row.runId,
    kind: row.kind as SyncRunKind,
    startedAt: new Date(row.startedAt),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
    outcome: row.outcome as SyncRunOutcome | null,
    counts: parseJson(row.counts, `sync run ${row.runId}`) as SyncRunCounts,
    failure: row.failure,
  };
}
