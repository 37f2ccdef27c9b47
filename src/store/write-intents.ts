import type { Selectable } from 'kysely';
import { chunks, parseJson, type StoreContext } from './context.ts';
import type { WriteIntentsTable } from './schema.ts';

/**
 * A write crmsync is about to send, recorded BEFORE it is sent and settled after (research: the outbox). If
 * the process dies in between, the vendor may or may not have applied it; on restart the pending intents are
 * what must be reconciled (look the record up by its key) before anything is re-created.
 */
export interface WriteIntent {
  /** Stable for the logical write (e.g. link id + change hash): retrying the same write reuses it. */
  idempotencyKey: string;
  system: 'salesforce' | 'hubspot';
  object: string;
  /** 'create' | 'update' | 'upsert' | 'delete' | 'associate' … */
  operation: string;
  /** The record written, when it exists already; null for a create. */
  recordId: string | null;
  linkId: string | null;
  payload: unknown;
  state: 'pending' | 'done' | 'abandoned';
  /** What the writer noted on settling: the id the vendor returned, or why it was abandoned. */
  outcome: unknown;
  createdAt: Date;
  settledAt: Date | null;
}

export type NewWriteIntent = Pick<WriteIntent, 'idempotencyKey' | 'system' | 'object' | 'operation' | 'recordId' | 'linkId' | 'payload'>;

export class WriteIntentsRepository {
  constructor(private readonly context: StoreContext) {}

  /**
   * Records intents before a batch is sent. An intent whose key is already stored is left as it is, and the
   * stored state is returned for every key: a 'done' one means this write already went through.
   */
  async recordMany(intents: readonly NewWriteIntent[], now: Date): Promise<Map<string, WriteIntent>> {
    if (intents.length === 0) return new Map();
    const createdAt = now.toISOString();
    const rows = intents.map((intent) => ({
      ...intent,
      payload: JSON.stringify(intent.payload ?? null),
      state: 'pending',
      outcome: null,
      createdAt,
      settledAt: null,
    }));
    return this.context.transact(async (context) => {
      for (const batch of chunks(rows, 200)) {
        await context.db.insertInto('writeIntents').values(batch).onConflict((oc) => oc.column('idempotencyKey').doNothing()).execute();
      }
      return new WriteIntentsRepository(context).find(intents.map((i) => i.idempotencyKey));
    });
  }

  async find(idempotencyKeys: readonly string[]): Promise<Map<string, WriteIntent>> {
    const found = new Map<string, WriteIntent>();
    for (const batch of chunks([...new Set(idempotencyKeys)])) {
      const rows = await this.context.db.selectFrom('writeIntents').selectAll().where('idempotencyKey', 'in', batch).execute();
      for (const row of rows) found.set(row.idempotencyKey, toWriteIntent(row));
    }
    return found;
  }

  /** The vendor confirmed these writes. */
  async markDone(settled: ReadonlyArray<{ idempotencyKey: string; outcome: unknown }>, now: Date): Promise<void> {
    await this.settle(settled, 'done', now);
  }

  /** These writes will not be sent as recorded (refused by the vendor, or superseded after reconciliation). */
  async markAbandoned(settled: ReadonlyArray<{ idempotencyKey: string; outcome: unknown }>, now: Date): Promise<void> {
    await this.settle(settled, 'abandoned', now);
  }

  /**
   * Intents never settled, oldest first: after a crash, each one's fate must be looked up at the vendor.
   * `operations` keeps to those (creates), so that a pile of other pending writes cannot crowd them out of `limit`.
   */
  async listPending(limit: number, createdBefore?: Date, operations?: readonly string[]): Promise<WriteIntent[]> {
    let query = this.context.db.selectFrom('writeIntents').selectAll().where('state', '=', 'pending');
    if (createdBefore) query = query.where('createdAt', '<', createdBefore.toISOString());
    if (operations && operations.length > 0) query = query.where('operation', 'in', [...operations]);
    const rows = await query.orderBy('createdAt').orderBy('idempotencyKey').limit(limit).execute();
    return rows.map(toWriteIntent);
  }

  /** Deletes settled intents older than `cutoff`; pending ones are kept whatever their age. */
  async pruneSettledBefore(cutoff: Date): Promise<number> {
    const result = await this.context.db
      .deleteFrom('writeIntents')
      .where('state', '!=', 'pending')
      .where('settledAt', '<', cutoff.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async settle(settled: ReadonlyArray<{ idempotencyKey: string; outcome: unknown }>, state: 'done' | 'abandoned', now: Date): Promise<void> {
    if (settled.length === 0) return;
    const settledAt = now.toISOString();
    await this.context.transact(async ({ db }) => {
      for (const { idempotencyKey, outcome } of settled) {
        await db
          .updateTable('writeIntents')
          .set({ state, outcome: JSON.stringify(outcome ?? null), settledAt })
          .where('idempotencyKey', '=', idempotencyKey)
          .execute();
      }
    });
  }
}

function toWriteIntent(row: Selectable<WriteIntentsTable>): WriteIntent {
  return {
    idempotencyKey: row.idempotencyKey,
    system: row.system as WriteIntent['system'],
    object: row.object,
    operation: row.operation,
    recordId: row.recordId,
    linkId: row.linkId,
    payload: parseJson(row.payload, `write intent ${row.idempotencyKey}`),
    state: row.state as WriteIntent['state'],
    outcome: row.outcome === null ? null : parseJson(row.outcome, `write intent ${row.idempotencyKey}`),
    createdAt: new Date(row.createdAt),
    settledAt: row.settledAt === null ? null : new Date(row.settledAt),
  };
}
