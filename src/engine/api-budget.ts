import { ApiBudgetExhaustedError, type ApiCall, type ApiCallMeter, type MeterReservation } from '../connectors/meter.ts';

/** What the budget needs of the store's API ledger (the store's ApiLedgerRepository satisfies it). */
export interface ApiLedgerPort {
  tryReserveCalls(
    calls: number,
    allocation: number,
    now: Date,
    call: { object: string; operation: string },
  ): Promise<{ granted: true; reservationId: number; usedInWindow: number } | { granted: false; usedInWindow: number }>;
  settle(reservationId: number, actualCalls: number, call?: { object: string; operation: string }): Promise<void>;
  record(call: { object: string; operation: string }, calls: number, now: Date): Promise<void>;
  usedInWindow(now: Date): Promise<number>;
}

/** The api_limit condition Sync Health shows while crmsync holds back (the store's IntegrationStateRepository). */
export interface ApiLimitConditionPort {
  raiseApiLimit(detail: string, now: Date): Promise<void>;
  clearApiLimit(now: Date): Promise<void>;
  /** Keeps the org-wide figures Salesforce reported, for Sync Health's "Limited by Salesforce" and /metrics. */
  observeSalesforceUsage?(used: number, limit: number, observedAt: Date): Promise<void>;
}

/** Salesforce reports its usage on every response; storing it once in a while is enough for a dashboard. */
const USAGE_PERSIST_INTERVAL_MS = 30_000;

type Reservation = { kind: 'reserved'; id: number } | { kind: 'unmetered' } | { kind: 'hubspot' };

/**
 * Retries of failed records stop at 75% of the allocation, so that fresh changes always have room
 * (HubSpot's own integration does the same: research mission-hubspot-sf.md, "retries stopped above 75%").
 */
export const RETRY_SHARE_OF_ALLOCATION = 0.75;

/**
 * The Salesforce API budget (SPEC section 7): every Salesforce call is reserved in the shared ledger BEFORE it
 * is sent, against the allocation over a rolling 24 hours, and settled to what it really cost. At the
 * allocation, calls are refused (nothing is sent, pending changes stay pending) and the api_limit condition is
 * raised; the first call granted after the window frees clears it. HubSpot calls pass through unmetered here:
 * HubSpot's limits are enforced from its own headers.
 */
export class SalesforceApiBudget implements ApiCallMeter {
  private apiLimitRaised = false;
  /** The org-wide figures Salesforce reported last (Sforce-Limit-Info), for Sync Health. */
  salesforceUsage: { used: number; limit: number } | null = null;
  private usagePersistedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ledger: ApiLedgerPort,
    private readonly condition: ApiLimitConditionPort,
    private readonly allocation: () => Promise<number | null>,
    private readonly clock: () => Date,
  ) {}

  async reserve(call: ApiCall, calls: number): Promise<MeterReservation> {
    if (call.system !== 'salesforce') return { kind: 'hubspot' } satisfies Reservation;
    const allocation = await this.allocation();
    if (allocation === null) return { kind: 'unmetered' } satisfies Reservation;
    const now = this.clock();
    const reservation = await this.ledger.tryReserveCalls(calls, allocation, now, { object: call.object, operation: call.operation });
    if (!reservation.granted) {
      if (!this.apiLimitRaised) {
        await this.condition.raiseApiLimit(`${reservation.usedInWindow} of ${allocation} Salesforce calls used in the last 24 hours`, now);
        this.apiLimitRaised = true;
      }
      throw new ApiBudgetExhaustedError(call, reservation.usedInWindow, allocation);
    }
    if (this.apiLimitRaised) {
      await this.condition.clearApiLimit(now);
      this.apiLimitRaised = false;
    }
    return { kind: 'reserved', id: reservation.reservationId } satisfies Reservation;
  }

  async settle(reservation: MeterReservation, call: ApiCall, actual: number): Promise<void> {
    const held = reservation as Reservation;
    if (held.kind === 'reserved') await this.ledger.settle(held.id, actual, { object: call.object, operation: call.operation });
    // With no allocation set, calls are still counted: Sync Health shows usage either way.
    else if (held.kind === 'unmetered' && actual > 0) await this.ledger.record({ object: call.object, operation: call.operation }, actual, this.clock());
  }

  observeVendorUsage(system: ApiCall['system'], used: number, limit: number): void {
    if (system !== 'salesforce') return;
    this.salesforceUsage = { used, limit };
    const now = this.clock();
    if (!this.condition.observeSalesforceUsage || now.getTime() - this.usagePersistedAt < USAGE_PERSIST_INTERVAL_MS) return;
    this.usagePersistedAt = now.getTime();
    // Sync Health reads it from the store (shared by every worker); a failed write only delays the figure.
    void this.condition.observeSalesforceUsage(used, limit, now).catch(() => undefined);
  }

  /**
   * Salesforce calls crmsync may still spend in the rolling window: what the allocation leaves, and never more
   * than Salesforce itself last said remains. Null: no limit is known (no allocation set, nothing reported yet).
   */
  async remainingCalls(): Promise<{ remaining: number; usage: string } | null> {
    const allocation = await this.allocation();
    const vendor = this.salesforceUsage ? Math.max(0, this.salesforceUsage.limit - this.salesforceUsage.used) : null;
    if (allocation === null && vendor === null) return null;
    const used = allocation === null ? 0 : await this.ledger.usedInWindow(this.clock());
    const own = allocation === null ? Number.POSITIVE_INFINITY : Math.max(0, allocation - used);
    const remaining = Math.min(own, vendor ?? Number.POSITIVE_INFINITY);
    const usage =
      remaining === own
        ? `${used.toLocaleString('en-US')} of ${allocation?.toLocaleString('en-US')} calls used in the last 24 hours`
        : `Salesforce reports ${this.salesforceUsage?.used.toLocaleString('en-US')} of ${this.salesforceUsage?.limit.toLocaleString('en-US')} daily calls used`;
    return { remaining, usage };
  }

  /** Whether failed records may be retried now: only below 75% of the allocation. */
  async mayRetryFailedRecords(): Promise<boolean> {
    const allocation = await this.allocation();
    if (allocation === null) return true;
    return (await this.ledger.usedInWindow(this.clock())) < allocation * RETRY_SHARE_OF_ALLOCATION;
  }
}
