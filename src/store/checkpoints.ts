import { sql } from 'kysely';
import type { StoreContext } from './context.ts';

export type CheckpointSystem = 'salesforce' | 'hubspot';

/**
 * How far polling has read one object: the vendor's modification timestamp of the last record of the last
 * complete batch, and that record's id to break ties (many records can share one SystemModstamp). Always the
 * vendor's clock, never ours (clock skew); the engine re-reads from it minus its overlap window.
 */
export interface Checkpoint {
  system: CheckpointSystem;
  object: string;
  cursorTime: Date;
  cursorLastId: string | null;
  updatedAt: Date;
}

export class CheckpointsRepository {
  constructor(private readonly context: StoreContext) {}

  async read(system: CheckpointSystem, object: string): Promise<Checkpoint | null> {
    const row = await this.context.db
      .selectFrom('checkpoints')
      .selectAll()
      .where('system', '=', system)
      .where('object', '=', object)
      .executeTakeFirst();
    return row ? toCheckpoint(row) : null;
  }

  async list(): Promise<Checkpoint[]> {
    const rows = await this.context.db.selectFrom('checkpoints').selectAll().orderBy('system').orderBy('object').execute();
    return rows.map(toCheckpoint);
  }

  /**
   * Moves the cursor forward after a batch is applied. A cursor older than the stored one is ignored and
   * false returned: a slow worker finishing an old batch must not rewind another's progress (the re-read
   * would be harmless, but an endless rewind is not).
   */
  async advance(system: CheckpointSystem, object: string, cursor: { time: Date; lastId: string | null }, now: Date): Promise<boolean> {
    const cursorTime = validInstant(cursor.time, 'cursor.time').toISOString();
    const result = await this.context.db
      .insertInto('checkpoints')
      .values({ system, object, cursorTime, cursorLastId: cursor.lastId, updatedAt: now.toISOString() })
      .onConflict((oc) =>
        oc
          .columns(['system', 'object'])
          .doUpdateSet({ cursorTime, cursorLastId: cursor.lastId, updatedAt: now.toISOString() })
          // Fixed-width ISO text compares as time in both dialects.
          .where(sql.ref('checkpoints.cursor_time'), '<=', cursorTime),
      )
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Forgets the cursor: the next poll of this object reads everything (a full resync or a backfill). */
  async reset(system: CheckpointSystem, object: string): Promise<void> {
    await this.context.db.deleteFrom('checkpoints').where('system', '=', system).where('object', '=', object).execute();
  }
}

function validInstant(value: Date, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${name} must be a valid Date, got ${String(value)}`);
  return value;
}

function toCheckpoint(row: { system: string; object: string; cursorTime: string; cursorLastId: string | null; updatedAt: string }): Checkpoint {
  return {
    system: row.system as CheckpointSystem,
    object: row.object,
    cursorTime: new Date(row.cursorTime),
    cursorLastId: row.cursorLastId,
    updatedAt: new Date(row.updatedAt),
  };
}
