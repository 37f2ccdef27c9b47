/**
 * Every vendor call passes through a meter: the Salesforce budget (SPEC section 7) is enforced BEFORE a call
 * is sent, and the ledger must agree exactly with the vendor's own count, so calls the client library makes
 * by itself (a replay after a session refresh) are settled afterwards.
 */
export interface ApiCall {
  system: 'salesforce' | 'hubspot';
  /** The object the call is about ("Lead", "contacts"), or "-" for org-level calls such as limits. */
  object: string;
  /** What the call does: "query", "create", "update", "upsert", "delete", "retrieve", "describe", "limits" … */
  operation: string;
}

export class ApiBudgetExhaustedError extends Error {
  constructor(
    readonly call: ApiCall,
    readonly usedLast24h: number,
    readonly allocation: number,
  ) {
    super(`the Salesforce API allocation is spent (${usedLast24h} of ${allocation} calls in the last 24 hours); ${call.operation} on ${call.object} waits`);
    this.name = 'ApiBudgetExhaustedError';
  }
}

/** Whatever a meter needs to settle a reservation later (a ledger row id, say). */
export type MeterReservation = unknown;

export interface ApiCallMeter {
  /** Before a call crmsync initiates; rejects with ApiBudgetExhaustedError when the allocation has no room. */
  reserve(call: ApiCall, calls: number): Promise<MeterReservation>;
  /** After it: how many HTTP requests it really made (0 when it failed before sending, 2 after a refresh replay). */
  settle(reservation: MeterReservation, call: ApiCall, actual: number): Promise<void>;
  /** The org-wide use and limit the vendor reported (Salesforce's Sforce-Limit-Info header). */
  observeVendorUsage(system: ApiCall['system'], used: number, limit: number): void;
}

/** A meter that only counts: for tests, one-off commands, and HubSpot, whose limits its own headers enforce. */
export class CountingMeter implements ApiCallMeter {
  readonly calls: Array<ApiCall & { count: number }> = [];
  vendorUsage: { used: number; limit: number } | null = null;

  async reserve(): Promise<MeterReservation> {
    return null;
  }

  async settle(_reservation: MeterReservation, call: ApiCall, actual: number): Promise<void> {
    if (actual > 0) this.calls.push({ ...call, count: actual });
  }

  observeVendorUsage(_system: ApiCall['system'], used: number, limit: number): void {
    this.vendorUsage = { used, limit };
  }

  get total(): number {
    return this.calls.reduce((sum, call) => sum + call.count, 0);
  }
}
