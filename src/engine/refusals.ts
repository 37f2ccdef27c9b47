/**
 * What a vendor refused, as sync errors, for every pair (contacts, link-matched objects, activities):
 *
 * - `vendorErrorReports`: one error per refusal, never dropped (a refusal without a reason is still one). Given the
 *   payload sent, a refusal that names a field and is not transient remembers the value refused (`refused`), so the
 *   cycle does not send it again while it is unchanged (src/core/refused-values.ts).
 * - `isolateRefusals`: HubSpot batches, split until a refused input stands alone, and an input refused for some of
 *   its properties sent once more without them, so one unacceptable value does not keep the rest of the record out.
 *   Salesforce's sObject Collections answer per record already; a record refused there is left out whole, and its
 *   refused value is held back from the next cycle's payload instead.
 */
import { HubSpotRequestError, BATCH_LIMIT, type HubSpotBatchOutcome, type HubSpotClient } from '../connectors/hubspot/client.ts';
import type { VendorError } from '../connectors/vendor-error.ts';
import { chunk } from '../core/chunk.ts';
import type { SyncErrorReport } from './contacts/ports.ts';

/** The payload a refused write carried, for remembering the value refused. */
export interface SentPayload {
  system: 'salesforce' | 'hubspot';
  payload: Readonly<Record<string, unknown>>;
}

/**
 * A vendor's refusal of one record as sync errors. A transient one is retried with back-off (the cycle schedules
 * it); with `sent`, a refused value is remembered as it was sent, so it is not sent again until it changes or an
 * admin asks for a resync.
 */
export function vendorErrorReports(
  errors: readonly VendorError[],
  record: { object: string; hubspotId: string | null; salesforceId: string | null },
  options: { category?: SyncErrorReport['category']; sent?: SentPayload } = {},
): SyncErrorReport[] {
  const { category, sent } = options;
  const reports = errors.length > 0 ? errors : [{ system: 'salesforce', code: 'UNKNOWN', message: 'the write was refused without a reason', fields: [], category: 'connection', reaction: { kind: 'retry' } } satisfies VendorError];
  return reports.map((error) => {
    const field = error.fields[0] ?? (sent?.system === 'hubspot' ? refusedProperties(error)[0] : undefined) ?? null;
    const retryable = error.reaction.kind === 'retry' || error.reaction.kind === 'resubmit';
    const report: SyncErrorReport = { ...record, category: category ?? error.category, vendorCode: error.code, field, message: error.message, nextRetryAt: null, retryable };
    if (!sent) return report;
    return { ...report, refused: !retryable && field !== null && Object.hasOwn(sent.payload, field) ? { system: sent.system, field, value: sent.payload[field] } : null };
  });
}

/**
 * A record HubSpot took without the properties it refused (`isolateRefusals`' `partly`): each refused property is a
 * sync error on its field with the value sent. The caller leaves them out of the pair's last-synced values, so
 * they are tried again when either side changes.
 */
export function partlyRefusedReports(
  partly: { properties: readonly string[]; error: VendorError },
  record: { object: string; hubspotId: string; salesforceId: string | null },
  payload: Readonly<Record<string, unknown>>,
): SyncErrorReport[] {
  return partly.properties.flatMap((property) => vendorErrorReports([{ ...partly.error, fields: [property] }], record, { sent: { system: 'hubspot', payload } }));
}

/** What HubSpot refused in one input: the properties it named, so the rest of the input can still be written. */
export function refusedProperties(error: VendorError): string[] {
  if (error.fields.length > 0) return error.fields;
  // A VALIDATION_ERROR lists each refused value as {"isValid":false,…,"name":"<property>"} inside its message.
  return [...error.message.matchAll(/"name"\s*:\s*"([^"]+)"/g)].map((match) => match[1]!);
}

export interface Isolated<T> {
  results: HubSpotBatchOutcome['results'];
  /** Inputs refused as a whole. */
  refused: Array<{ input: T; error: VendorError }>;
  /** Inputs written without the properties HubSpot refused: those are sync errors, the rest synced. */
  partly: Array<{ input: T; properties: string[]; error: VendorError }>;
}

/**
 * Sends inputs in one batch call; when HubSpot refuses the call as a whole for what one input holds, halves it
 * until each refused input stands alone, so the others still go through. An input refused for some of its
 * properties is sent once more without them (`without`), so one unacceptable value (a Lead Status HubSpot has no
 * option for) does not keep the whole person out of HubSpot. Refusals that are not about the data (rate limits,
 * outages, authentication) are not the inputs' fault and end the cycle: the intents stay pending.
 */
export async function isolateRefusals<T>(
  inputs: readonly T[],
  send: (inputs: T[]) => Promise<HubSpotBatchOutcome>,
  keys: { input: (input: T) => string | null; result: (result: HubSpotBatchOutcome['results'][number]) => string | null },
  without: (input: T, properties: readonly string[]) => T | null,
): Promise<Isolated<T>> {
  const isolated: Isolated<T> = { results: [], refused: [], partly: [] };
  const sendOnce = async (part: T[]): Promise<{ results: HubSpotBatchOutcome['results']; errors: ReadonlyArray<{ error: VendorError }> }> => {
    try {
      return await send(part);
    } catch (error) {
      const dataRefusal = error instanceof HubSpotRequestError && (error.vendorError.reaction.kind === 'record_error' || error.vendorError.reaction.kind === 'reconcile');
      if (!dataRefusal) throw error;
      return { results: [], errors: [{ error: error.vendorError }] };
    }
  };
  const answeredIn = (outcome: { results: HubSpotBatchOutcome['results'] }, part: readonly T[]) => {
    const answered = new Set(outcome.results.map(keys.result));
    return part.filter((input) => !answered.has(keys.input(input)));
  };
  const attempt = async (part: T[]): Promise<void> => {
    if (part.length === 0) return;
    const outcome = await sendOnce(part);
    isolated.results.push(...outcome.results);
    const unanswered = answeredIn(outcome, part);
    if (unanswered.length === 0) return;
    if (part.length > 1) {
      // Which input HubSpot objected to is not always said: halve what was not answered until it stands alone.
      const middle = Math.ceil(unanswered.length / 2);
      await attempt(unanswered.slice(0, middle));
      await attempt(unanswered.slice(middle));
      return;
    }
    const input = part[0]!;
    const error = outcome.errors[0]?.error;
    const properties = error ? refusedProperties(error) : [];
    const reduced = error && properties.length > 0 ? without(input, properties) : null;
    if (reduced !== null && error) {
      const retried = await sendOnce([reduced]);
      if (answeredIn(retried, [reduced]).length === 0) {
        isolated.results.push(...retried.results);
        isolated.partly.push({ input, properties, error });
        return;
      }
    }
    isolated.refused.push(...outcome.errors.map((refusal) => ({ input, error: refusal.error })));
  };
  for (const part of chunk(inputs, BATCH_LIMIT)) await attempt(part);
  return isolated;
}

/**
 * `isolateRefusals`' `without` for inputs that carry their `properties`: the input without the refused ones, or null
 * when a property in `keep` (an identity) was refused or nothing but those would be left to write.
 */
export function withoutRefused<T extends { properties: Record<string, string> }>(keep: readonly string[] = []): (input: T, refused: readonly string[]) => T | null {
  return (input, refused) => {
    if (refused.some((property) => keep.includes(property))) return null;
    const rest = Object.fromEntries(Object.entries(input.properties).filter(([property]) => !refused.includes(property)));
    return Object.keys(rest).some((property) => !keep.includes(property)) ? { ...input, properties: rest } : null;
  };
}

/** HubSpot updates by id, refusals isolated: what each pair uses to write its HubSpot side. */
export function batchUpdateIsolated<T extends { id: string; properties: Record<string, string> }>(hubspot: Pick<HubSpotClient, 'batchUpdate'>, objectType: string, updates: readonly T[]): Promise<Isolated<T>> {
  return isolateRefusals(updates, (inputs) => hubspot.batchUpdate(objectType, inputs), { input: (update) => update.id, result: (result) => result.id }, withoutRefused<T>());
}
