import { sql } from 'kysely';
import type { Dialect, StoreDb } from './schema.ts';
import { chunk } from '../core/chunk.ts';

/**
 * What every repository holds: the database handle, its dialect, and whether it already runs inside a
 * transaction. Repositories built on a transaction's context join it instead of opening their own, so the
 * engine can commit a link together with the checkpoint that found it (data and cursor in one commit).
 */
export class StoreContext {
  constructor(
    readonly db: StoreDb,
    readonly dialect: Dialect,
    readonly inTransaction: boolean,
  ) {}

  /**
   * Runs `work` in a transaction that may read and then write safely against other processes.
   *
   * SQLite: `BEGIN IMMEDIATE` takes the write lock up front. A default (deferred) transaction that reads and
   * then writes fails with SQLITE_BUSY when another process wrote in between, and the busy timeout cannot
   * help it; an immediate one waits for the lock (busy timeout) and then sees the latest data.
   * PostgreSQL: an ordinary transaction; code that must serialise against other processes locks rows.
   */
  async transact<T>(work: (context: StoreContext) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    if (this.dialect === 'postgres') {
      return this.db.transaction().execute((trx) => work(new StoreContext(trx, this.dialect, true)));
    }
    return this.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      let result: T;
      try {
        result = await work(new StoreContext(connection, this.dialect, true));
      } catch (error) {
        await rollbackQuietly(connection);
        throw error;
      }
      try {
        await sql`commit`.execute(connection);
      } catch (error) {
        // A failed COMMIT (SQLITE_BUSY, disk full) leaves the transaction open on this connection.
        await rollbackQuietly(connection);
        throw error;
      }
      return result;
    });
  }
}

async function rollbackQuietly(connection: StoreDb): Promise<void> {
  try {
    await sql`rollback`.execute(connection);
  } catch {
    // SQLite may already have rolled back by itself (e.g. after SQLITE_FULL); the original error is the story.
  }
}

/** Splits ids for IN lists: well under SQLite's and PostgreSQL's bound-parameter limits. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  return chunk(items, size);
}

export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`the store holds invalid JSON in ${where}: ${(error as Error).message}`, { cause: error });
  }
}
