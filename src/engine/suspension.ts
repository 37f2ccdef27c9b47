/**
 * Whole-integration suspension (SPEC section 7): when a vendor says the integration itself cannot go on
 * (Salesforce's REQUEST_LIMIT_EXCEEDED, API access disabled, a refused refresh token, an object it may not read),
 * syncing stops with the reason until an admin clears it. Clearing only lets the next cycle try: if the cause is
 * still there, that cycle meets the same refusal and suspends again. Nothing pending is lost meanwhile: the
 * checkpoints have not moved past what was not written.
 */
import type { SuspensionReason, VendorError } from '../connectors/vendor-error.ts';

export interface SuspensionStorePort {
  read(): Promise<{ suspension: { state: SuspensionReason; reason: string; since: Date } | null }>;
  suspend(state: SuspensionReason, reason: string, now: Date): Promise<void>;
}

/** What an admin may want pushed somewhere (a chat webhook, a pager) when syncing stops by itself. */
export interface SuspensionNotice {
  event: 'crmsync.suspended';
  state: SuspensionReason;
  reason: string;
  at: string;
}

export class IntegrationSuspendedError extends Error {
  constructor(
    readonly state: SuspensionReason,
    readonly reason: string,
  ) {
    super(`syncing is suspended (${state}): ${reason}. Clear the suspension in Sync Health (POST /api/suspension/clear) once the cause is fixed.`);
    this.name = 'IntegrationSuspendedError';
  }
}

/** The suspension a vendor's refusal calls for, or null when it is not the integration's problem. */
export function suspensionCalledFor(error: unknown): { state: SuspensionReason; reason: string } | null {
  // HubSpot refused the OAuth refresh token (the app was uninstalled, the token revoked): nothing works until an admin reconnects.
  if (error instanceof Error && error.name === 'HubSpotAuthFailedError') return { state: 'auth_failed', reason: `HubSpot: ${error.message}` };
  const vendorError = (error as { vendorError?: VendorError } | null)?.vendorError;
  if (!vendorError || vendorError.reaction.kind !== 'suspend') return null;
  const system = vendorError.system === 'salesforce' ? 'Salesforce' : 'HubSpot';
  return { state: vendorError.reaction.reason, reason: `${system} answered ${vendorError.code}: ${vendorError.message}` };
}

/**
 * Runs one cycle unless the integration is suspended; a refusal that calls for suspension suspends it (and tells
 * `notify`) before the error goes on to the caller.
 */
export async function runUnlessSuspended<T>(
  state: SuspensionStorePort,
  clock: () => Date,
  work: () => Promise<T>,
  notify?: (notice: SuspensionNotice) => Promise<void>,
): Promise<T> {
  const { suspension } = await state.read();
  if (suspension) throw new IntegrationSuspendedError(suspension.state, suspension.reason);
  try {
    return await work();
  } catch (error) {
    const called = suspensionCalledFor(error);
    if (called) {
      const now = clock();
      await state.suspend(called.state, called.reason, now);
      await notify?.({ event: 'crmsync.suspended', state: called.state, reason: called.reason, at: now.toISOString() }).catch(() => undefined);
    }
    throw error;
  }
}

/** Posts a notice as JSON to the admin's webhook (CRMSYNC_NOTIFY_URL); a slow or failing receiver is not waited on long. */
export function notifyByWebhook(url: string, fetchImpl: typeof fetch = fetch): (notice: SuspensionNotice) => Promise<void> {
  return async (notice) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`the notification webhook answered HTTP ${response.status}`);
  };
}
