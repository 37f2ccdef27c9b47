import type { VendorError } from '../vendor-error.ts';

/**
 * HubSpot refusals → crmsync's reaction. Statuses and categories from HubSpot's error-handling page
 * (https://developers.hubspot.com/docs/api-reference/error-handling) and usage guidelines; the reasoning per
 * case is in shared/research/reliability-security.md §3.
 */
export interface HubSpotErrorInput {
  httpStatus: number;
  /** The body's `category` (VALIDATION_ERROR, OBJECT_NOT_FOUND, CONFLICT, RATE_LIMITS …), when there is one. */
  category?: string;
  message: string;
  /** The 429 body's policyName: TEN_SECONDLY_ROLLING, SECONDLY (the search endpoints) or DAILY. */
  policyName?: string;
  /** Seconds, as HubSpot sends it on 477. */
  retryAfterSeconds?: number;
  /** `context.propertyName` or the property named in a validation error. */
  fields?: string[];
}

export function classifyHubSpotError(input: HubSpotErrorInput): VendorError {
  const code = input.category ?? `HTTP_${input.httpStatus}`;
  const base = { system: 'hubspot' as const, code, message: input.message, fields: input.fields ?? [] };
  const { httpStatus } = input;
  if (httpStatus === 429) {
    // TEN_SECONDLY_ROLLING clears within the window, SECONDLY (search: four requests a second per token) within a
    // second; DAILY only at midnight in the account's time zone.
    const afterMs = input.policyName === 'DAILY' ? 3_600_000 : input.policyName === 'SECONDLY' ? 1_000 : 10_000;
    return { ...base, category: 'api_limit', reaction: { kind: 'retry', afterMs } };
  }
  if (httpStatus === 401) return { ...base, category: 'connection', reaction: { kind: 'refresh_session' } };
  if (httpStatus === 403) return { ...base, category: 'permissions', reaction: { kind: 'record_error' } };
  if (httpStatus === 404 || input.category === 'OBJECT_NOT_FOUND') {
    return { ...base, category: 'associations', reaction: { kind: 'reconcile', why: 'not_found' } };
  }
  if (httpStatus === 409 || input.category === 'CONFLICT') return { ...base, category: 'duplicates', reaction: { kind: 'record_error' } };
  // "Locks will last for 2 seconds" after bursts of upserts on one record.
  if (httpStatus === 423) return { ...base, category: 'connection', reaction: { kind: 'retry', afterMs: 2_000 } };
  // Account migration between data centres: Retry-After in seconds, "typically up to 24 hours".
  if (httpStatus === 477) return { ...base, category: 'connection', reaction: { kind: 'retry', afterMs: (input.retryAfterSeconds ?? 600) * 1000 } };
  if (httpStatus >= 500) return { ...base, category: 'connection', reaction: { kind: 'retry' } };
  if (input.category === 'VALIDATION_ERROR' || httpStatus === 400) return { ...base, category: 'property_value', reaction: { kind: 'record_error' } };
  return { ...base, category: 'connection', reaction: { kind: 'record_error' } };
}

/** HubSpot's 409 names the record that already holds the email: "Contact already exists. Existing ID: 777". */
export function existingIdFromConflict(message: string): string | null {
  return /Existing ID:\s*(\d+)/i.exec(message)?.[1] ?? null;
}
