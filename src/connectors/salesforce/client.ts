import { AsyncLocalStorage } from 'node:async_hooks';
import { Connection, type QueryResult } from '@jsforce/jsforce-node';
import { setDefaults } from '@jsforce/jsforce-node/lib/request.js';
import type { ApiCall, ApiCallMeter } from '../meter.ts';
import { CRMSYNC_CALL_CLIENT } from './change-events.ts';
import { classifySalesforceError, classifySalesforceTransportError } from './errors.ts';
import type { VendorError } from '../vendor-error.ts';
import { chunk } from '../../core/chunk.ts';

// jsforce retries GET/DELETE on 5xx and socket errors five times by itself (lib/request.js), invisibly to
// our ledger and our back-off. The engine owns retries, so they are off; setDefaults replaces all request
// defaults, hence followRedirect restated. The timeout keeps a hung socket from stalling a cycle forever.
setDefaults({ followRedirect: true, timeout: 120_000, retry: { maxRetries: 0 } });

/** Salesforce's documented batch sizes: sObject Collections take 200 records, retrieve 2,000 ids. */
export const COLLECTION_WRITE_LIMIT = 200;
export const COLLECTION_RETRIEVE_LIMIT = 2000;

export type SalesforceRecord = Record<string, unknown> & { Id?: string };

export interface SalesforceWriteResult {
  /** Index of the record in the input. */
  index: number;
  id: string | null;
  success: boolean;
  created?: boolean;
  errors: VendorError[];
}

export class SalesforceRequestError extends Error {
  constructor(readonly vendorError: VendorError) {
    super(`Salesforce ${vendorError.code}: ${vendorError.message}`);
    this.name = 'SalesforceRequestError';
  }
}

export type SalesforceCredentials =
  | { kind: 'session'; instanceUrl: string; accessToken: string }
  | { kind: 'oauth_refresh'; loginUrl: string; clientId: string; clientSecret: string; refreshToken: string; instanceUrl: string; accessToken?: string };

export interface SalesforceClientOptions {
  credentials: SalesforceCredentials;
  apiVersion: string;
  meter: ApiCallMeter;
  /** A refreshed access token, to be stored (encrypted) so a restart does not need another refresh. */
  onAccessTokenRefreshed?: (accessToken: string) => void;
  /**
   * How long an object's describe is reused (default 10 minutes). A service runs for months: a field an admin adds
   * (to map it) or a picklist value must show up without a restart, yet one describe per object per cycle would
   * cost more calls than the sync itself on a quiet org.
   */
  describeCacheMs?: number;
  /** The time, for the describe cache's age only. */
  now?: () => number;
  /**
   * The client id named on every call (Sforce-Call-Options), which change events carry back in changeOrigin; default
   * crmsync's own, whose events the trigger hub drops as echoes. Another name makes the writes someone else's.
   */
  callClient?: string;
}

const DEFAULT_DESCRIBE_CACHE_MS = 10 * 60_000;

interface TransportAnswer {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
}

interface CallContext {
  requests: number;
  /** The last answer, kept (not parsed) to be judged only when the call failed or came back as text. */
  lastAnswer?: TransportAnswer;
}

/**
 * A cut connection or a broken proxy can deliver half a JSON body. jsforce then passes the text on unparsed and the
 * failure surfaces later as a TypeError deep in our code ("Cannot read properties of undefined"), which names
 * neither the vendor nor the cause. Seen at the transport, it can be named; it is retried like any connection fault.
 */
function malformedAnswerError(call: Omit<ApiCall, 'system'>, malformed: { status: number; length: number }): SalesforceRequestError {
  return new SalesforceRequestError({
    system: 'salesforce',
    code: 'MALFORMED_RESPONSE',
    message: `Salesforce answered ${call.operation} on ${call.object} (HTTP ${malformed.status}, ${malformed.length} bytes) with a body that is not valid JSON`,
    fields: [],
    category: 'connection',
    reaction: { kind: 'retry' },
  });
}

/** The answer announced JSON and is not: jsforce hands such a body on as a string. Parsed again only when judged. */
function malformedAnswer(answer: TransportAnswer | undefined): { status: number; length: number } | null {
  const type = String(answer?.headers?.['content-type'] ?? '');
  if (!answer || !/json/i.test(type) || typeof answer.body !== 'string' || answer.body.length === 0) return null;
  try {
    JSON.parse(answer.body);
    return null;
  } catch {
    return { status: answer.statusCode, length: answer.body.length };
  }
}

function toVendorError(error: unknown): VendorError {
  const e = error as { errorCode?: string; name?: string; message?: string; code?: string; statusCode?: number; fields?: string[] };
  if (e.errorCode) {
    return classifySalesforceError({ code: e.errorCode, message: e.message ?? '', fields: e.fields ?? [], ...(e.statusCode ? { httpStatus: e.statusCode } : {}) });
  }
  // jsforce gives up on a refused refresh token with a plain Error and no errorCode. Retrying cannot help: the
  // admin must reconnect, so the integration is suspended as auth_failed.
  if (/unable to refresh session/i.test(e.message ?? '')) {
    return { system: 'salesforce', code: 'REFRESH_FAILED', message: e.message ?? '', fields: [], category: 'connection', reaction: { kind: 'suspend', reason: 'auth_failed' } };
  }
  // jsforce names HTTP errors after the status ("ERROR_HTTP_503") when the body had no errorCode.
  const http = /^ERROR_HTTP_(\d{3})$/.exec(e.name ?? '');
  if (http) return classifySalesforceError({ code: e.name!, message: e.message ?? '', httpStatus: Number(http[1]) });
  return classifySalesforceTransportError({ ...(e.code ? { code: e.code } : {}), message: e.message ?? String(error) });
}

/**
 * Salesforce over jsforce, batched and metered. Every method is one HTTP call per chunk (collections of 200,
 * retrieves of 2,000, query pages of up to 2,000), reserved against the budget before it is sent.
 */
export class SalesforceClient {
  readonly connection: Connection;
  private readonly meter: ApiCallMeter;
  private readonly context = new AsyncLocalStorage<CallContext>();
  private readonly describes = new Map<string, { at: number; answer: Promise<unknown> }>();
  private readonly describeCacheMs: number;
  private readonly now: () => number;

  constructor(options: SalesforceClientOptions) {
    const { credentials } = options;
    this.meter = options.meter;
    this.describeCacheMs = options.describeCacheMs ?? DEFAULT_DESCRIBE_CACHE_MS;
    this.now = options.now ?? Date.now;
    this.connection =
      credentials.kind === 'session'
        ? new Connection({ instanceUrl: credentials.instanceUrl, accessToken: credentials.accessToken, version: options.apiVersion, callOptions: { client: options.callClient ?? CRMSYNC_CALL_CLIENT } })
        : new Connection({
            callOptions: { client: options.callClient ?? CRMSYNC_CALL_CLIENT },
            oauth2: { loginUrl: credentials.loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
            instanceUrl: credentials.instanceUrl,
            ...(credentials.accessToken ? { accessToken: credentials.accessToken } : {}),
            refreshToken: credentials.refreshToken,
            version: options.apiVersion,
          });
    if (options.onAccessTokenRefreshed) {
      const notify = options.onAccessTokenRefreshed;
      this.connection.on('refresh', (accessToken: string) => notify(accessToken));
    }
    this.countRequestsAtTheTransport();
  }

  /**
   * jsforce replays a request after refreshing a session inside its HTTP layer, below any public hook, so the
   * only place that sees every request is the transport. Requests are attributed to the operation that
   * caused them through AsyncLocalStorage.
   */
  private countRequestsAtTheTransport(): void {
    const transport = this.connection._transport;
    const send = transport.httpRequest.bind(transport);
    transport.httpRequest = (request, options) => {
      const context = this.context.getStore();
      if (context) context.requests += 1;
      const answer = send(request, options);
      if (context) {
        // Observed, not chained: jsforce keeps using the original promise (it also carries the response stream).
        answer.then(
          (response) => {
            context.lastAnswer = response;
          },
          () => undefined,
        );
      }
      return answer;
    };
  }

  private async call<T>(call: Omit<ApiCall, 'system'>, run: () => Promise<T>): Promise<T> {
    const apiCall: ApiCall = { system: 'salesforce', ...call };
    const reservation = await this.meter.reserve(apiCall, 1);
    const context: CallContext = { requests: 0 };
    try {
      const result = await this.context.run(context, run);
      // Every operation here answers an object or an array: text is a body jsforce could not parse.
      const malformed = typeof result === 'string' ? malformedAnswer(context.lastAnswer) : null;
      if (malformed) throw malformedAnswerError(call, malformed);
      return result;
    } catch (error) {
      if (error instanceof SalesforceRequestError) throw error;
      const malformed = malformedAnswer(context.lastAnswer);
      if (malformed) throw malformedAnswerError(call, malformed);
      throw new SalesforceRequestError(toVendorError(error));
    } finally {
      await this.meter.settle(reservation, apiCall, context.requests);
      const usage = this.connection.limitInfo?.apiUsage;
      if (usage) this.meter.observeVendorUsage('salesforce', usage.used, usage.limit);
    }
  }

  /** Runs a SOQL query and yields it page by page (Salesforce's pages: up to 2,000 rows each). */
  async *queryPages(soql: string, object: string): AsyncGenerator<SalesforceRecord[]> {
    yield* this.pagesOf(soql, object, 'query');
  }

  /**
   * The same through `/queryAll`: deleted records in the recycle bin and merged-away records come back too, with
   * IsDeleted and MasterRecordId, which is how a merge is told from a delete (REST API "QueryAll").
   */
  async *queryAllPages(soql: string, object: string): AsyncGenerator<SalesforceRecord[]> {
    yield* this.pagesOf(soql, object, 'queryAll');
  }

  private async *pagesOf(soql: string, object: string, operation: 'query' | 'queryAll'): AsyncGenerator<SalesforceRecord[]> {
    // jsforce's Query is a thenable, not a Promise: awaiting it inside an async function makes one.
    let page: QueryResult<SalesforceRecord> = await this.call({ object, operation }, async () =>
      this.connection.query<SalesforceRecord>(soql, { autoFetch: false, scanAll: operation === 'queryAll' }),
    );
    yield page.records;
    while (!page.done && page.nextRecordsUrl) {
      const locator = page.nextRecordsUrl;
      page = await this.call({ object, operation }, async () => this.connection.queryMore<SalesforceRecord>(locator));
      yield page.records;
    }
  }

  async describe(object: string): Promise<unknown> {
    const cached = this.describes.get(object);
    if (cached && this.now() - cached.at < this.describeCacheMs) return cached.answer;
    const answer = this.call({ object, operation: 'describe' }, () => this.connection.sobject(object).describe());
    const entry = { at: this.now(), answer };
    this.describes.set(object, entry);
    answer.catch(() => {
      if (this.describes.get(object) === entry) this.describes.delete(object);
    });
    return answer;
  }

  async limits(): Promise<{ dailyApiRequests: { max: number; remaining: number } }> {
    const limits = await this.call({ object: '-', operation: 'limits' }, () => this.connection.limits());
    const daily = limits.DailyApiRequests;
    if (!daily) throw new SalesforceRequestError(classifySalesforceError({ code: 'UNEXPECTED_RESPONSE', message: '/limits has no DailyApiRequests' }));
    return { dailyApiRequests: { max: daily.Max, remaining: daily.Remaining } };
  }

  async retrieve(object: string, ids: readonly string[], fields: readonly string[]): Promise<Array<SalesforceRecord | null>> {
    const results: Array<SalesforceRecord | null> = [];
    for (const part of chunk(ids, COLLECTION_RETRIEVE_LIMIT)) {
      // Always pass fields: without them jsforce first spends a describe call (ecosystem.md §1.3).
      const records = await this.call({ object, operation: 'retrieve' }, () => this.connection.sobject(object).retrieve(part, { fields: [...fields] }));
      results.push(...records.map((record) => (record ? (record as SalesforceRecord) : null)));
    }
    return results;
  }

  async create(object: string, records: readonly SalesforceRecord[]): Promise<SalesforceWriteResult[]> {
    return this.writeInChunks(object, 'create', records, (part) => this.connection.sobject(object).create(part, { allOrNone: false }));
  }

  async update(object: string, records: ReadonlyArray<SalesforceRecord & { Id: string }>): Promise<SalesforceWriteResult[]> {
    return this.writeInChunks(object, 'update', records, (part) =>
      this.connection.sobject(object).update(part as Array<SalesforceRecord & { Id: string }>, { allOrNone: false }),
    );
  }

  /** Upsert by an external id field: a retried create can never make a second record. */
  async upsert(object: string, records: readonly SalesforceRecord[], externalIdField: string): Promise<SalesforceWriteResult[]> {
    return this.writeInChunks(object, 'upsert', records, (part) => this.connection.sobject(object).upsert(part, externalIdField, { allOrNone: false }));
  }

  async delete(object: string, ids: readonly string[]): Promise<SalesforceWriteResult[]> {
    return this.writeInChunks(object, 'delete', ids, (part) => this.connection.sobject(object).destroy(part, { allOrNone: false }));
  }

  /** Ids changed in a window, by SystemModstamp (getUpdated: at most 30 days back). */
  async updatedIds(object: string, start: Date, end: Date): Promise<{ ids: string[]; latestDateCovered: string }> {
    return this.call({ object, operation: 'updated' }, async () => {
      const result = await this.connection.sobject(object).updated(start, end);
      return { ids: result.ids, latestDateCovered: result.latestDateCovered };
    });
  }

  /**
   * Records deleted in a window (getDeleted: at most 15 days back). `earliestDateAvailable` is when the recycle
   * bin was last purged: deletions before it are gone, so a window starting earlier needs a full reconciliation.
   */
  async deletedRecords(
    object: string,
    start: Date,
    end: Date,
  ): Promise<{ deleted: Array<{ id: string; deletedDate: string }>; latestDateCovered: string; earliestDateAvailable: string | null }> {
    return this.call({ object, operation: 'deleted' }, async () => {
      const result = await this.connection.sobject(object).deleted(start, end);
      return {
        deleted: result.deletedRecords.map((r) => ({ id: r.id, deletedDate: r.deletedDate })),
        latestDateCovered: result.latestDateCovered,
        earliestDateAvailable: (result as { earliestDateAvailable?: string }).earliestDateAvailable ?? null,
      };
    });
  }

  private async writeInChunks<I>(
    object: string,
    operation: string,
    inputs: readonly I[],
    send: (part: I[]) => Promise<Array<{ success: boolean; id?: string; created?: boolean; errors: unknown[] }>>,
  ): Promise<SalesforceWriteResult[]> {
    const results: SalesforceWriteResult[] = [];
    let offset = 0;
    for (const part of chunk(inputs, COLLECTION_WRITE_LIMIT)) {
      const answers = await this.call({ object, operation }, () => send(part));
      answers.forEach((answer, i) => {
        results.push({
          index: offset + i,
          id: answer.id ?? null,
          success: answer.success,
          ...(answer.created !== undefined ? { created: answer.created } : {}),
          errors: answer.errors.map((raw) => {
            // The REST API says statusCode; jsforce's types say errorCode: accept both.
            const e = raw as { statusCode?: string; errorCode?: string; message?: string; fields?: string[] };
            return classifySalesforceError({ code: e.statusCode ?? e.errorCode ?? 'UNKNOWN', message: e.message ?? '', fields: e.fields ?? [] });
          }),
        });
      });
      offset += part.length;
    }
    return results;
  }
}
