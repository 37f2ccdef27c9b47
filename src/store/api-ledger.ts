import { sql } from 'kysely';
import type { StoreContext } from './context.ts';

/** Salesforce's allocation is counted over a rolling 24 hours (SPEC section 7). */
export const BUDGET_WINDOW_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** What a Salesforce call was about, as the connectors' meter describes it. */
export interface LedgerCall {
  /** "Lead", "Contact", or "-" for org-level calls such as limits. */
  object: string;
  /** "query", "create", "update", "upsert", "delete", "retrieve", "describe", "limits", … */
  operation: string;
}

export type BudgetReservation =
  | { granted: true; reservationId: number; usedInWindow: number }
  | { granted: false; usedInWindow: number };

export interface HourlyUsage {
  hourStart: Date;
  calls: number;
}

/**
 * The Salesforce API ledger: every call crmsync makes, kept as rows, because the budget is shared by every
 * worker process and shown by the dashboard (ecosystem research 6.4: the budget lives in the database, not in
 * process memory). A reservation is a ledger row written before the call and settled to the real count after.
 */
export class ApiLedgerRepository {
  constructor(private readonly context: StoreContext) {}

  /**
   * Reserves `calls` if the calls in the last 24 hours plus them stay within `allocation`, atomically across
   * processes: on PostgreSQL under a row lock that serialises reservers, on SQLite under the write lock an
   * immediate transaction takes. Two processes can therefore never both take the last calls.
   */
  async tryReserveCalls(calls: number, allocation: number, now: Date, call: LedgerCall = { object: '-', operation: 'reserved' }): Promise<BudgetReservation> {
    assertCount(calls, 'calls', 1);
    assertCount(allocation, 'allocation', 0);
    return this.context.transact(async (context) => {
      if (context.dialect === 'postgres') {
        await context.db.selectFrom('apiBudgetLock').select('id').where('id', '=', 'salesforce').forUpdate().execute();
      }
      const usedInWindow = await new ApiLedgerRepository(context).usedInWindow(now);
      if (usedInWindow + calls > allocation) return { granted: false, usedInWindow };
      const { id } = await context.db
        .insertInto('apiLedger')
        .values({ at: now.toISOString(), object: call.object, operation: call.operation, calls })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { granted: true, reservationId: id, usedInWindow: usedInWindow + calls };
    });
  }

  /**
   * Replaces a reservation by what the call really cost: 0 when it failed before being sent, more when the
   * client replayed it after a session refresh. The ledger must match Salesforce's own count.
   */
  async settle(reservationId: number, actualCalls: number, call?: LedgerCall): Promise<void> {
    assertCount(actualCalls, 'actualCalls', 0);
    const query =
      actualCalls === 0
        ? this.context.db.deleteFrom('apiLedger').where('id', '=', reservationId)
        : this.context.db
            .updateTable('apiLedger')
            .set({ calls: actualCalls, ...(call ? { object: call.object, operation: call.operation } : {}) })
            .where('id', '=', reservationId);
    await query.execute();
  }

  /** Records calls made outside any reservation (e.g. with no allocation set). */
  async record(call: LedgerCall, calls: number, now: Date): Promise<void> {
    assertCount(calls, 'calls', 1);
    await this.context.db.insertInto('apiLedger').values({ at: now.toISOString(), object: call.object, operation: call.operation, calls }).execute();
  }

  /** Calls in the rolling 24 hours that end at `now`. */
  async usedInWindow(now: Date): Promise<number> {
    const row = await this.context.db
      .selectFrom('apiLedger')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('calls'), sql<number>`0`).as('used'))
      .where('at', '>', windowStart(now))
      .executeTakeFirst();
    return Number(row?.used ?? 0);
  }

  /** The 24 hourly buckets ending with the hour of `now` (oldest first, empty hours as 0): the dashboard's chart. */
  async hourlyUsage(now: Date): Promise<HourlyUsage[]> {
    const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const firstHour = currentHour - 23 * HOUR_MS;
    // 'YYYY-MM-DDTHH' is the first 13 characters of the stored ISO text, in both dialects.
    const hour = sql<string>`substr(at, 1, 13)`;
    const rows = await this.context.db
      .selectFrom('apiLedger')
      .select([hour.as('hour'), (eb) => eb.fn.sum<number>('calls').as('calls')])
      .where('at', '>=', new Date(firstHour).toISOString())
      .where('at', '<=', now.toISOString())
      .groupBy(hour)
      .execute();
    const byHour = new Map(rows.map((r) => [r.hour, Number(r.calls)]));
    return Array.from({ length: 24 }, (_, i) => {
      const hourStart = new Date(firstHour + i * HOUR_MS);
      return { hourStart, calls: byHour.get(hourStart.toISOString().slice(0, 13)) ?? 0 };
    });
  }

  /** Calls per object and operation in the window, for /metrics and the "where did the budget go" question. */
  async usageByOperation(now: Date): Promise<Array<LedgerCall & { calls: number }>> {
    const rows = await this.context.db
      .selectFrom('apiLedger')
      .select(['object', 'operation', (eb) => eb.fn.sum<number>('calls').as('calls')])
      .where('at', '>', windowStart(now))
      .groupBy(['object', 'operation'])
      .orderBy('object')
      .orderBy('operation')
      .execute();
    return rows.map((r) => ({ object: r.object, operation: r.operation, calls: Number(r.calls) }));
  }

  /** Deletes entries older than `cutoff` (keep at least the 24-hour window); returns how many. */
  async pruneBefore(cutoff: Date): Promise<number> {
    const result = await this.context.db.deleteFrom('apiLedger').where('at', '<', cutoff.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function windowStart(now: Date): string {
  return new Date(now.getTime() - BUDGET_WINDOW_MS).toISOString();
}

function assertCount(value: number, name: string, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`${name} must be a whole number of ${minimum} or more, got ${value}`);
}
