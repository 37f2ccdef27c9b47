import { describe, expect, it } from 'vitest';
import { HubSpotRateLimiter, rateLimitBody } from '../../../src/emulators/hubspot/limits.ts';

/** The limiter takes the time as an argument, so its windows are checked here without waiting. */

const midnight = Date.UTC(2026, 10, 29);

describe('HubSpot rate limiter', () => {
  it('allows the burst limit per rolling 10 seconds, and frees each slot 10 s after it was used', () => {
    const limiter = new HubSpotRateLimiter();
    limiter.configure({ tenSecondly: 3 });
    const t = midnight + 5_000;
    expect([t, t + 1, t + 2].map((now) => limiter.take(now, 'standard').refusedBy)).toEqual([null, null, null]);
    expect(limiter.take(t + 9_999, 'standard').refusedBy).toBe('TEN_SECONDLY_ROLLING');
    // The first call leaves the window at t + 10 s: one slot is free again, not all three.
    expect(limiter.take(t + 10_000, 'standard').refusedBy).toBeNull();
    expect(limiter.take(t + 10_000, 'standard').refusedBy).toBe('TEN_SECONDLY_ROLLING');
    expect(limiter.describe(t + 10_000).refused.TEN_SECONDLY_ROLLING).toBe(2);
  });

  it('counts the day in UTC and starts afresh at midnight', () => {
    const limiter = new HubSpotRateLimiter();
    limiter.configure({ daily: 2, tenSecondly: 100 });
    const late = midnight - 60_000;
    limiter.take(late, 'standard');
    const second = limiter.take(late + 1, 'standard');
    expect(second.headers['X-HubSpot-RateLimit-Daily-Remaining']).toBe('0');
    expect(limiter.take(late + 2, 'standard').refusedBy).toBe('DAILY');
    expect(limiter.take(midnight, 'standard')).toMatchObject({ refusedBy: null, headers: { 'X-HubSpot-RateLimit-Daily-Remaining': '1' } });
  });

  it('limits search per second apart from the burst, spends the daily allowance, and sends no headers', () => {
    const limiter = new HubSpotRateLimiter();
    limiter.configure({ searchPerSecond: 2, tenSecondly: 1, daily: 10 });
    const t = midnight + 1_000;
    expect(limiter.take(t, 'search')).toEqual({ refusedBy: null, headers: {} });
    expect(limiter.take(t + 1, 'search').refusedBy).toBeNull();
    expect(limiter.take(t + 2, 'search').refusedBy).toBe('SECONDLY');
    expect(limiter.take(t + 1_000, 'search').refusedBy).toBeNull();
    // Searches left the one-call burst untouched.
    expect(limiter.take(t + 3, 'standard').refusedBy).toBeNull();
    expect(limiter.describe(t + 3).dailyUsed).toBe(4);
  });

  it('words each 429 as HubSpot does, with the policyName the official client retries on', () => {
    expect(rateLimitBody('TEN_SECONDLY_ROLLING', 'c')).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' });
    expect(rateLimitBody('DAILY', 'c')).toMatchObject({ policyName: 'DAILY', message: 'You have reached your daily limit.' });
    // The client retries search 429s on this exact message (RetryDecorator).
    expect(rateLimitBody('SECONDLY', 'c').message).toBe('You have reached your secondly limit.');
  });
});
