import { Client } from '@hubspot/api-client';
import type { ApiCall, ApiCallMeter } from '../meter.ts';
import type { VendorError } from '../vendor-error.ts';
import { classifyHubSpotError } from './errors.ts';
import { chunk } from '../../core/chunk.ts';

/** HubSpot's documented page and batch sizes. */
export const BATCH_LIMIT = 100;
export const SEARCH_PAGE_LIMIT = 200;
/** CRM search answers at most 10,000 results per query; past that, the window is moved forward. */
export const SEARCH_RESULT_CAP = 10_000;

export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  /** Per-property change history, newest first, when asked for: the per-field change times two-way sync needs. */
  propertiesWithHistory?: Record<string, Array<{ value: string; timestamp: string; sourceType: string }>>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** When an archived record was archived (the archived listing carries it). */
  archivedAt?: string;
}

export interface HubSpotBatchOutcome {
  /** `inputIndex`: the position of the input this result answers, when the write traced it. */
  results: Array<HubSpotObject & { isNew?: boolean; inputIndex?: number }>;
  /** Errors the batch reported: `inputIndexes` for traced writes, `ids` when HubSpot named record ids. */
  errors: Array<{ ids: string[]; inputIndexes: number[]; error: VendorError }>;
}

export class HubSpotRequestError extends Error {
  constructor(readonly vendorError: VendorError) {
    super(`HubSpot ${vendorError.code}: ${vendorError.message}`);
    this.name = 'HubSpotRequestError';
  }
}

function parseBody(body: unknown): Record<string, unknown> {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as Record<string, unknown>;
}

function toVendorError(error: unknown): VendorError {
  const e = error as { code?: number | string; body?: unknown; headers?: Record<string, string>; message?: string };
  if (typeof e.code === 'number' && e.code >= 100) {
    const body = parseBody(e.body);
    const retryAfter = e.headers?.['retry-after'];
    return classifyHubSpotError({
      httpStatus: e.code,
      message: typeof body.message === 'string' ? body.message : (e.message ?? `HTTP ${e.code}`),
      ...(typeof body.category === 'string' ? { category: body.category } : {}),
      ...(typeof body.policyName === 'string' ? { policyName: body.policyName } : {}),
      ...(retryAfter ? { retryAfterSeconds: Number(retryAfter) } : {}),
    });
  }
  return { system: 'hubspot', code: typeof e.code === 'string' ? e.code : 'CONNECTION_ERROR', message: e.message ?? String(error), fields: [], category: 'connection', reaction: { kind: 'retry' } };
}

function toHubSpotObject(raw: {
  id: string;
  properties: Record<string, string | null>;
  propertiesWithHistory?: Record<string, Array<{ value: string; timestamp: Date; sourceType: string }>>;
  createdAt: Date;
  updatedAt: Date;
  archived?: boolean;
  archivedAt?: Date;
}): HubSpotObject {
  return {
    id: raw.id,
    properties: raw.properties,
    ...(raw.propertiesWithHistory
      ? {
          propertiesWithHistory: Object.fromEntries(
            Object.entries(raw.propertiesWithHistory).map(([name, history]) => [
              name,
              history.map((h) => ({ value: h.value, timestamp: new Date(h.timestamp).toISOString(), sourceType: h.sourceType })),
            ]),
          ),
        }
      : {}),
    createdAt: new Date(raw.createdAt).toISOString(),
    updatedAt: new Date(raw.updatedAt).toISOString(),
    archived: raw.archived ?? false,
    ...(raw.archivedAt ? { archivedAt: new Date(raw.archivedAt).toISOString() } : {}),
  };
}

function batchErrors(errors: Array<{ message: string; category: string; context?: Record<string, string[]>; status: string }> | undefined): HubSpotBatchOutcome['errors'] {
  return (errors ?? []).map((e) => ({
    ids: e.context?.ids ?? e.context?.id ?? [],
    inputIndexes: (e.context?.objectWriteTraceId ?? []).map(Number).filter(Number.isInteger),
    error: classifyHubSpotError({ httpStatus: 400, category: e.category, message: e.message, fields: e.context?.propertyName ?? [] }),
  }));
}

/**
 * Without an objectWriteTraceId on each input, HubSpot refuses a whole batch of 100 for one bad input; with
 * them it answers 207 naming the failing inputs and writes the rest (HubSpot's error-handling guide, "Multi-status
 * errors"). The trace id is the input's position in the caller's list, so results and errors map straight back.
 */
const traceIdOf = (inputIndex: number): string => String(inputIndex);

function tracedResult<T extends { objectWriteTraceId?: string }>(raw: T): { inputIndex?: number } {
  const index = raw.objectWriteTraceId === undefined ? Number.NaN : Number(raw.objectWriteTraceId);
  return Number.isInteger(index) ? { inputIndex: index } : {};
}

/** Per-call options of the generated SDK: just what the counter needs. */
interface CallOptions {
  middlewareMergeStrategy: 'append';
  middleware: Array<{ pre: (context: never) => Promise<never>; post: (context: never) => Promise<never> }>;
}

const MAX_RATE_LIMIT_WAITS = 4;

/**
 * HubSpot's per-app burst limit (e.g. 190 calls per rolling 10 s) is announced on every response
 * (X-HubSpot-RateLimit-Remaining, -Interval-Milliseconds: https://developers.hubspot.com/docs/api/usage-details).
 * When the window is nearly spent, the next call waits for it to free instead of collecting a 429.
 */
class HubSpotPacing {
  private pauseUntil = 0;
  private intervalMs = 10_000;
  /**
   * When the last searches were answered (sent, while in flight): the search endpoints allow four a second per
   * token and say so only by a 429. An answer comes after HubSpot counted the call, so spacing from answers can
   * never be early, whatever the network's delay.
   */
  private recentSearches: Array<{ at: number }> = [];

  observe(headers: Record<string, string>): void {
    const remaining = Number(headers['x-hubspot-ratelimit-remaining']);
    const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
    if (Number.isFinite(interval) && interval > 0) this.intervalMs = interval;
    if (Number.isFinite(remaining) && remaining <= 1) this.pauseUntil = Date.now() + this.intervalMs;
  }

  async beforeCall(): Promise<void> {
    const wait = this.pauseUntil - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /**
   * "The search endpoints are rate limited to four requests per second per authentication token" (CRM search
   * guide; developer changelog, "CRM Search API Rate Limit Increase"). Paging through changes sends searches
   * back to back, so they are spaced here rather than refused.
   */
  async beforeSearch(): Promise<{ answered(): void }> {
    for (;;) {
      const now = Date.now();
      this.recentSearches = this.recentSearches.filter((search) => search.at > now - SEARCH_WINDOW_MS);
      if (this.recentSearches.length < SEARCHES_PER_WINDOW) break;
      const oldest = Math.min(...this.recentSearches.map((search) => search.at));
      await new Promise((resolve) => setTimeout(resolve, oldest + SEARCH_WINDOW_MS - now + 1));
    }
    const search = { at: Date.now() };
    this.recentSearches.push(search);
    return { answered: () => (search.at = Date.now()) };
  }

  async waitOutWindow(afterMs: number): Promise<void> {
    this.pauseUntil = Math.max(this.pauseUntil, Date.now() + Math.min(afterMs, this.intervalMs));
    await this.beforeCall();
  }
}

const SEARCH_WINDOW_MS = 1_000;
const SEARCHES_PER_WINDOW = 4;

export interface HubSpotClientOptions {
  accessToken: string;
  basePath: string;
  meter: ApiCallMeter;
  /**
   * For an app installed by OAuth (src/connectors/hubspot/oauth.ts, HubSpotOAuthSession): a call answered 401 gets
   * one token refresh and is sent again. Without it (a private-app token) a 401 goes to the engine.
   */
  oauth?: { refresh(refusedToken: string): Promise<string> };
}

/**
 * HubSpot over @hubspot/api-client, batched and metered. The client's own retries stay off
 * (numberOfApiCallRetries unset) and so does its process-global limiter: the engine owns back-off.
 */
export class HubSpotClient {
  readonly client: Client;
  private readonly meter: ApiCallMeter;
  private readonly pacing = new HubSpotPacing();
  private readonly oauth: HubSpotClientOptions['oauth'];
  private accessToken: string;

  constructor(options: HubSpotClientOptions) {
    this.meter = options.meter;
    this.oauth = options.oauth;
    this.accessToken = options.accessToken;
    this.client = new Client({ accessToken: options.accessToken, basePath: options.basePath });
  }

  /**
   * Runs one SDK call, counted per HTTP request, paced by HubSpot's own rate-limit headers. The count rides on
   * call-time middleware: in @hubspot/api-client 13.5 the generated ObservableAPI starts from an empty middleware
   * list and applies only call-time middleware, so middleware given to `new Client()` never runs (verified against
   * the emulator).
   */
  private async call<T>(call: Omit<ApiCall, 'system'>, run: (options: CallOptions) => Promise<T>): Promise<T> {
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const token = this.accessToken;
      try {
        return await this.callOnce(call, run);
      } catch (error) {
        const expired = (error as HubSpotRequestError).vendorError?.reaction.kind === 'refresh_session';
        if (expired && this.oauth && !refreshed) {
          refreshed = true;
          this.accessToken = await this.oauth.refresh(token);
          this.client.setAccessToken(this.accessToken);
          continue;
        }
        // The ten-second window frees by itself: waiting it out is the documented reaction. Any other refusal,
        // and a window still full after a few waits, goes to the engine.
        const vendor = (error as HubSpotRequestError).vendorError;
        if (!(vendor?.code === 'RATE_LIMITS' && vendor.reaction.kind === 'retry' && (vendor.reaction.afterMs ?? 0) <= 10_000) || attempt >= MAX_RATE_LIMIT_WAITS) throw error;
        await this.pacing.waitOutWindow(vendor.reaction.afterMs ?? 10_000);
      }
    }
  }

  private async callOnce<T>(call: Omit<ApiCall, 'system'>, run: (options: CallOptions) => Promise<T>): Promise<T> {
    await this.pacing.beforeCall();
    const search = call.operation === 'search' ? await this.pacing.beforeSearch() : null;
    const apiCall: ApiCall = { system: 'hubspot', ...call };
    const reservation = await this.meter.reserve(apiCall, 1);
    let requests = 0;
    const options: CallOptions = {
      middlewareMergeStrategy: 'append',
      middleware: [
        {
          pre: async (context) => {
            requests += 1;
            return context;
          },
          post: async (context) => {
            this.pacing.observe((context as unknown as { headers: Record<string, string> }).headers ?? {});
            return context;
          },
        },
      ],
    };
    try {
      return await run(options);
    } catch (error) {
      throw new HubSpotRequestError(toVendorError(error));
    } finally {
      search?.answered();
      await this.meter.settle(reservation, apiCall, requests);
    }
  }

  /**
   * Records modified at or after `since`, oldest first, page by page. HubSpot caps one search at 10,000
   * results, so the window restarts from the last timestamp seen; records at that exact timestamp are
   * filtered out by id so none is yielded twice.
   */
  async *searchModifiedSince(objectType: string, since: Date, properties: readonly string[], modifiedProperty = 'hs_lastmodifieddate'): AsyncGenerator<HubSpotObject[]> {
    let windowStart = since.getTime();
    let seenAtWindowStart = new Set<string>();
    for (;;) {
      let after: string | undefined;
      let fetched = 0;
      let lastTimestamp = windowStart;
      const seenAtLast = new Set<string>();
      let exhausted = false;
      for (;;) {
        const page = await this.call({ object: objectType, operation: 'search' }, (options) =>
          this.client.crm.objects.searchApi.doSearch(objectType, {
            filterGroups: [{ filters: [{ propertyName: modifiedProperty, operator: 'GTE' as never, value: String(windowStart) }] }],
            // The SDK types sorts as strings, but the API takes {propertyName, direction} objects, which it passes through.
            sorts: [{ propertyName: modifiedProperty, direction: 'ASCENDING' }] as never,
            properties: [...properties, modifiedProperty],
            limit: SEARCH_PAGE_LIMIT,
            ...(after ? { after } : {}),
          }, options),
        );
        const records = page.results.map(toHubSpotObject).filter((r) => !seenAtWindowStart.has(r.id));
        for (const record of records) {
          const stamp = Date.parse(record.properties[modifiedProperty] ?? record.updatedAt);
          if (stamp > lastTimestamp) {
            lastTimestamp = stamp;
            seenAtLast.clear();
          }
          seenAtLast.add(record.id);
        }
        if (records.length > 0) yield records;
        fetched += page.results.length;
        after = page.paging?.next?.after;
        if (!after) {
          exhausted = true;
          break;
        }
        if (fetched + SEARCH_PAGE_LIMIT > SEARCH_RESULT_CAP) break;
      }
      if (exhausted) return;
      windowStart = lastTimestamp;
      seenAtWindowStart = seenAtLast;
    }
  }

  /**
   * Archived (deleted) records, page by page. Search never returns archived records, so without webhooks this
   * listing is how polling learns of HubSpot deletions.
   */
  async *archivedPages(objectType: string, properties: readonly string[]): AsyncGenerator<HubSpotObject[]> {
    let after: string | undefined;
    do {
      const page = await this.call({ object: objectType, operation: 'list.archived' }, (options) =>
        this.client.crm.objects.basicApi.getPage(objectType, 100, after, [...properties], undefined, undefined, true, options),
      );
      yield page.results.map(toHubSpotObject);
      after = page.paging?.next?.after;
    } while (after);
  }

  async batchRead(objectType: string, ids: readonly string[], properties: readonly string[], lookup: { idProperty?: string; propertiesWithHistory?: readonly string[] } = {}): Promise<HubSpotBatchOutcome> {
    const outcome: HubSpotBatchOutcome = { results: [], errors: [] };
    for (const part of chunk(ids, BATCH_LIMIT)) {
      const response = await this.call({ object: objectType, operation: 'read' }, (options) =>
        this.client.crm.objects.batchApi.read(objectType, {
          inputs: part.map((id) => ({ id })),
          properties: [...properties],
          propertiesWithHistory: [...(lookup.propertiesWithHistory ?? [])],
          ...(lookup.idProperty ? { idProperty: lookup.idProperty } : {}),
        }, undefined, options),
      );
      outcome.results.push(...response.results.map(toHubSpotObject));
      outcome.errors.push(...batchErrors('errors' in response ? response.errors : undefined));
    }
    return outcome;
  }

  async batchCreate(objectType: string, inputs: ReadonlyArray<{ properties: Record<string, string> }>): Promise<HubSpotBatchOutcome> {
    return this.tracedWrite(objectType, 'create', inputs, (part, options) =>
      this.client.crm.objects.batchApi.create(objectType, { inputs: part.map(({ input, traceId }) => ({ properties: input.properties, associations: [], objectWriteTraceId: traceId })) }, options),
    );
  }

  async batchUpdate(objectType: string, inputs: ReadonlyArray<{ id: string; properties: Record<string, string> }>): Promise<HubSpotBatchOutcome> {
    return this.tracedWrite(objectType, 'update', inputs, (part, options) =>
      this.client.crm.objects.batchApi.update(objectType, { inputs: part.map(({ input, traceId }) => ({ id: input.id, properties: input.properties, objectWriteTraceId: traceId })) }, options),
    );
  }

  /** Create-or-update by a unique property (email for contacts): a retried create never duplicates. */
  async batchUpsert(objectType: string, idProperty: string, inputs: ReadonlyArray<{ id: string; properties: Record<string, string> }>): Promise<HubSpotBatchOutcome> {
    return this.tracedWrite(objectType, 'upsert', inputs, async (part, options) => {
      const response = await this.client.crm.objects.batchApi.upsert(
        objectType,
        { inputs: part.map(({ input, traceId }) => ({ id: input.id, idProperty, properties: input.properties, objectWriteTraceId: traceId })) },
        options,
      );
      return { ...response, results: response.results.map((r) => ({ ...r, isNew: r._new })) };
    });
  }

  /**
   * One batch write in chunks of 100, each input traced by its position in `inputs` (see traceIdOf), so every
   * result and error maps back to the input it answers.
   */
  private async tracedWrite<I>(
    objectType: string,
    operation: string,
    inputs: readonly I[],
    send: (
      part: Array<{ input: I; traceId: string }>,
      options: CallOptions,
    ) => Promise<{ results: Array<Parameters<typeof toHubSpotObject>[0] & { objectWriteTraceId?: string; isNew?: boolean }>; errors?: unknown }>,
  ): Promise<HubSpotBatchOutcome> {
    const outcome: HubSpotBatchOutcome = { results: [], errors: [] };
    let offset = 0;
    for (const part of chunk(inputs, BATCH_LIMIT)) {
      const traced = part.map((input, i) => ({ input, traceId: traceIdOf(offset + i) }));
      const response = await this.call({ object: objectType, operation }, (options) => send(traced, options));
      outcome.results.push(
        ...response.results.map((r) => ({ ...toHubSpotObject(r), ...(r.isNew === undefined ? {} : { isNew: r.isNew }), ...tracedResult(r) })),
      );
      outcome.errors.push(...batchErrors(response.errors as Parameters<typeof batchErrors>[0]));
      offset += part.length;
    }
    return outcome;
  }

  async batchArchive(objectType: string, ids: readonly string[]): Promise<void> {
    for (const part of chunk(ids, BATCH_LIMIT)) {
      await this.call({ object: objectType, operation: 'archive' }, (options) => this.client.crm.objects.batchApi.archive(objectType, { inputs: part.map((id) => ({ id })) }, options));
    }
  }

  /**
   * Merges one contact into another (POST /crm/v3/objects/contacts/merge). The answer is the record that stands
   * after it, which may carry a NEW id (HubSpot's merge change for contacts and companies): callers must take the
   * id from the answer, never assume the primary's.
   */
  async mergeContacts(primaryId: string, mergedId: string): Promise<HubSpotObject> {
    const merged = await this.call({ object: 'contacts', operation: 'merge' }, (options) =>
      this.client.crm.contacts.basicApi.merge({ primaryObjectId: primaryId, objectIdToMerge: mergedId }, options),
    );
    return toHubSpotObject(merged);
  }

  /** Associated record ids per record, in batches of 100 (associations v4 batch read). */
  async associationsOf(fromType: string, toType: string, ids: readonly string[]): Promise<Map<string, string[]>> {
    const associated = new Map<string, string[]>();
    for (const part of chunk(ids, BATCH_LIMIT)) {
      const response = await this.call({ object: fromType, operation: 'associations.read' }, (options) =>
        this.client.crm.associations.v4.batchApi.getPage(fromType, toType, { inputs: part.map((id) => ({ id })) }, options),
      );
      for (const result of response.results) {
        // HubSpot sends ids as JSON numbers here although the SDK types them as strings: normalise to strings.
        associated.set(String(result._from.id), result.to.map((to) => String(to.toObjectId)));
      }
    }
    return associated;
  }

  /**
   * Default-type associations, in batches of 100. HubSpot answers a partly failed batch with 200 and `errors[]`
   * (a missing record, a limit reached): those come back to the caller, never dropped.
   */
  async associateDefault(fromType: string, toType: string, pairs: ReadonlyArray<{ fromId: string; toId: string }>): Promise<HubSpotBatchOutcome['errors']> {
    const errors: HubSpotBatchOutcome['errors'] = [];
    for (const part of chunk(pairs, BATCH_LIMIT)) {
      const response = await this.call({ object: fromType, operation: 'associations.create' }, (options) =>
        this.client.crm.associations.v4.batchApi.createDefault(fromType, toType, { inputs: part.map((p) => ({ _from: { id: p.fromId }, to: { id: p.toId } })) }, options),
      );
      errors.push(...batchErrors((response as { errors?: Parameters<typeof batchErrors>[0] }).errors));
    }
    return errors;
  }

  /** Removes associations of any type between record pairs, in batches of 100 (associations v4 batch archive). */
  async dissociate(fromType: string, toType: string, pairs: ReadonlyArray<{ fromId: string; toId: string }>): Promise<void> {
    for (const part of chunk(pairs, BATCH_LIMIT)) {
      await this.call({ object: fromType, operation: 'associations.archive' }, (options) =>
        this.client.crm.associations.v4.batchApi.archive(fromType, toType, { inputs: part.map((p) => ({ _from: { id: p.fromId }, to: [{ id: p.toId }] })) }, options),
      );
    }
  }

  /** An object type's pipelines and their stages (ids and labels): how deal stages meet Opportunity stages. */
  async pipelines(objectType: string): Promise<Array<{ id: string; label: string; stages: Array<{ id: string; label: string }> }>> {
    const response = await this.call({ object: objectType, operation: 'pipelines' }, (options) => this.client.crm.pipelines.pipelinesApi.getAll(objectType, options));
    return response.results.map((pipeline) => ({ id: pipeline.id, label: pipeline.label, stages: pipeline.stages.map((stage) => ({ id: stage.id, label: stage.label })) }));
  }

  /** Every record id in a list (lists v3 memberships, paged). */
  async listMemberIds(listId: string): Promise<Set<string>> {
    return new Set((await this.listMembers(listId)).keys());
  }

  /** Every record in a list with when it (last) joined: how a record entering an inclusion list is noticed. */
  async listMembers(listId: string): Promise<Map<string, Date>> {
    const members = new Map<string, Date>();
    let after: string | undefined;
    do {
      const page = await this.call({ object: 'lists', operation: 'memberships' }, (options) => this.client.crm.lists.membershipsApi.getPage(listId, after, undefined, 250, options));
      for (const member of page.results) members.set(String(member.recordId), new Date(member.membershipTimestamp));
      after = page.paging?.next?.after;
    } while (after);
    return members;
  }

  async owners(): Promise<Array<{ id: string; email: string | null; archived: boolean }>> {
    const owners: Array<{ id: string; email: string | null; archived: boolean }> = [];
    let after: string | undefined;
    do {
      const page = await this.call({ object: 'owners', operation: 'list' }, (options) => this.client.crm.owners.ownersApi.getPage(undefined, after, 100, false, options));
      owners.push(...page.results.map((o) => ({ id: o.id, email: o.email ?? null, archived: o.archived })));
      after = page.paging?.next?.after;
    } while (after);
    return owners;
  }

  /** A custom object type's schema; its properties come from `properties`, which also serves standard types. */
  async objectSchema(objectType: string): Promise<HubSpotObjectSchemaDefinition> {
    const schema = await this.call({ object: objectType, operation: 'schema' }, (options) => this.client.crm.schemas.coreApi.getById(objectType, options));
    // Both ids are always set on a schema HubSpot returns; the generated model marks every field optional.
    return { objectTypeId: schema.objectTypeId ?? objectType, fullyQualifiedName: schema.fullyQualifiedName ?? objectType, primaryDisplayProperty: schema.primaryDisplayProperty ?? null };
  }

  /**
   * An object type's property definitions (one call: the properties API is not paged): what type checks of a
   * mapping and picklist matching need. Option values are the internal names HubSpot accepts, not labels.
   */
  async properties(objectType: string): Promise<HubSpotPropertyDefinition[]> {
    const response = await this.call({ object: objectType, operation: 'properties' }, (options) => this.client.crm.properties.coreApi.getAll(objectType, false, undefined, options));
    return response.results.map((property) => ({
      name: property.name,
      label: property.label,
      type: property.type,
      fieldType: property.fieldType,
      readOnlyValue: property.modificationMetadata?.readOnlyValue === true,
      options: (property.options ?? []).filter((option) => !option.hidden).map((option) => option.value),
    }));
  }
}

/** A custom object type as the schemas API describes it (`p_projects`, `2-123` or `p123_projects` all name it). */
export interface HubSpotObjectSchemaDefinition {
  objectTypeId: string;
  fullyQualifiedName: string;
  primaryDisplayProperty: string | null;
}

export interface HubSpotPropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  readOnlyValue: boolean;
  options: string[];
}
