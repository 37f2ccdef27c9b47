import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The UI's session cookie. Not `__Host-` prefixed: that prefix demands Secure, and the default UI is plain http on loopback. */
export const SESSION_COOKIE = 'crmsync_session';
export const CSRF_HEADER = 'x-csrf-token';

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface Session {
  csrfToken: string;
  lastSeenAt: number;
}

/**
 * UI sessions, in memory: a restart logs everyone out, which is the safe direction, and one admin token means
 * there is nothing per user to remember. A session ends after `idleMs` without a request.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly idleMs: number,
    private readonly clock: () => Date,
  ) {}

  create(): { sessionId: string; csrfToken: string } {
    this.sweep();
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    this.sessions.set(sessionId, { csrfToken, lastSeenAt: this.clock().getTime() });
    return { sessionId, csrfToken };
  }

  /** The live session of this id, its idle clock restarted; null when unknown or expired. */
  touch(sessionId: string): { csrfToken: string } | null {
    const session = this.sessions.get(sessionId);
    if (!session) return null;
    const now = this.clock().getTime();
    if (now - session.lastSeenAt > this.idleMs) {
      this.sessions.delete(sessionId);
      return null;
    }
    session.lastSeenAt = now;
    return { csrfToken: session.csrfToken };
  }

  end(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  private sweep(): void {
    const now = this.clock().getTime();
    for (const [id, session] of this.sessions) if (now - session.lastSeenAt > this.idleMs) this.sessions.delete(id);
  }
}

/**
 * Login attempts per client address in a sliding minute: the admin token is long, but a guess costs nothing
 * without a limit (ASVS 16.3.1; research reliability-security.md §4.5).
 */
export class LoginRateLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => Date,
  ) {}

  /** Counts one attempt; returns the seconds to wait when the address is over its limit, else null. */
  attempt(address: string): number | null {
    const now = this.clock().getTime();
    const recent = (this.attempts.get(address) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= this.perMinute) {
      this.attempts.set(address, recent);
      return Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.attempts.set(address, recent);
    if (this.attempts.size > 10_000) this.forgetQuietAddresses(now);
    return null;
  }

  private forgetQuietAddresses(now: number): void {
    for (const [address, times] of this.attempts) if (times.every((at) => now - at >= 60_000)) this.attempts.delete(address);
  }
}

/** One cookie's value from a Cookie header (RFC 6265 pairs separated by ";"), or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const index = pair.indexOf('=');
    if (index < 0) continue;
    if (pair.slice(0, index).trim() !== name) continue;
    const value = pair.slice(index + 1).trim();
    return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return null;
}

export function sessionCookie(value: string, options: { secure: boolean; clear?: boolean }): string {
  const parts = [`${SESSION_COOKIE}=${options.clear ? '' : value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) parts.push('Secure');
  if (options.clear) parts.push('Max-Age=0');
  return parts.join('; ');
}
