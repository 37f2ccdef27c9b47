/**
 * HubSpot's API rate limits (usage guidelines, https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines):
 * a rolling 10-second burst limit per app and a daily limit per account that resets at midnight in the
 * account's time zone (UTC here). CRM search has its own per-second limit, does not count against the burst,
 * and its responses carry no rate-limit headers. 429 bodies carry `policyName`, which the official client reads
 * to decide whether to retry (it retries TEN_SECONDLY_ROLLING, and "You have reached your secondly limit.").
 */
export interface RateLimitConfig {
  /** Requests per rolling 10 s (Professional and Enterprise private apps: 190). */
  tenSecondly: number;
  /** Requests per day (Professional: 625,000). */
  daily: number;
  /** CRM search requests per second (the changelog's 4; the current reference page says 5). */
  searchPerSecond: number;
}

export const defaultRateLimits: RateLimitConfig = { tenSecondly: 190, daily: 625_000, searchPerSecond: 4 };

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';

export interface RateLimitDecision {
  /** The policy that refused the call, or null when it may proceed. */
  refusedBy: RateLimitPolicy | null;
  headers: Record<string, string>;
}

const tenSeconds = 10_000;
const day = 86_400_000;

/** Timestamps of the calls inside a rolling window, oldest first, in a queue that never shifts an array. */
class RollingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly widthMs: number) {}

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.widthMs) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}

export class HubSpotRateLimiter {
  private config: RateLimitConfig = { ...defaultRateLimits };
  private burst = new RollingWindow(tenSeconds);
  private search = new RollingWindow(1_000);
  private dailyUsed = 0;
  private dayStartedAt = 0;
  readonly refused: Record<RateLimitPolicy, number> = { TEN_SECONDLY_ROLLING: 0, DAILY: 0, SECONDLY: 0 };

  configure(config: Partial<RateLimitConfig>): RateLimitConfig {
    this.config = { ...this.config, ...config };
    return this.config;
  }

  get limits(): RateLimitConfig {
    return { ...this.config };
  }

  reset(): void {
    this.burst.clear();
    this.search.clear();
    this.dailyUsed = 0;
    for (const key of Object.keys(this.refused) as RateLimitPolicy[]) this.refused[key] = 0;
  }

  describe(now = Date.now()): { limits: RateLimitConfig; tenSecondlyUsed: number; dailyUsed: number; refused: Record<RateLimitPolicy, number> } {
    this.rollDay(now);
    return { limits: this.limits, tenSecondlyUsed: this.burst.count(now), dailyUsed: this.dailyUsed, refused: { ...this.refused } };
  }

  private rollDay(now: number): void {
    const start = now - (now % day);
    if (start !== this.dayStartedAt) {
      this.dayStartedAt = start;
      this.dailyUsed = 0;
    }
  }

  /** Decides one call and, when it proceeds, counts it. */
  take(now: number, kind: 'standard' | 'search'): RateLimitDecision {
    this.rollDay(now);
    const { tenSecondly, daily, searchPerSecond } = this.config;
    if (kind === 'search') {
      if (this.dailyUsed >= daily) return this.refuse('DAILY', {});
      if (this.search.count(now) >= searchPerSecond) return this.refuse('SECONDLY', {});
      this.search.add(now);
      this.dailyUsed += 1;
      return { refusedBy: null, headers: {} };
    }
    const used = this.burst.count(now);
    const headers = (usedNow: number, dailyNow: number): Record<string, string> => ({
      'X-HubSpot-RateLimit-Daily': String(daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, daily - dailyNow)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(tenSeconds),
      'X-HubSpot-RateLimit-Max': String(tenSecondly),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, tenSecondly - usedNow)),
      // Deprecated, but still sent and still read by older clients.
      'X-HubSpot-RateLimit-Secondly': String(Math.ceil(tenSecondly / 10)),
      'X-HubSpot-RateLimit-Secondly-Remaining': String(Math.max(0, Math.ceil(tenSecondly / 10) - Math.ceil(usedNow / 10))),
    });
    if (this.dailyUsed >= daily) return this.refuse('DAILY', headers(used, this.dailyUsed));
    if (used >= tenSecondly) return this.refuse('TEN_SECONDLY_ROLLING', headers(used, this.dailyUsed));
    this.burst.add(now);
    this.dailyUsed += 1;
    return { refusedBy: null, headers: headers(used + 1, this.dailyUsed) };
  }

  private refuse(policy: RateLimitPolicy, headers: Record<string, string>): RateLimitDecision {
    this.refused[policy] += 1;
    return { refusedBy: policy, headers };
  }
}

/** The 429 body for a policy, worded as HubSpot words it. */
export function rateLimitBody(policy: RateLimitPolicy, correlationId: string): Record<string, string> {
  const message =
    policy === 'DAILY'
      ? 'You have reached your daily limit.'
      : policy === 'SECONDLY'
        ? 'You have reached your secondly limit.'
        : 'You have reached your ten_secondly_rolling limit.';
  return { status: 'error', message, errorType: 'RATE_LIMIT', correlationId, policyName: policy, category: 'RATE_LIMITS' };
}
