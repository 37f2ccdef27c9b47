import { orgId } from './auth.ts';
import { RecordFailure, RequestError } from './errors.ts';
import { MultipleMatches, type SalesforceOrg } from './org.ts';
import { registerBulk2Routes } from './rest-bulk2.ts';
import { registerCollectionRoutes } from './rest-collections.ts';
import { registerCompositeRoutes } from './rest-composite.ts';
import { QueryCursors, registerQueryRoutes } from './rest-query.ts';
import { recordUrl, registerRecordRoutes } from './rest-records.ts';
import { ApiRouter, type ApiRequest, type ApiResponse } from './router.ts';
import { SoqlError } from './soql-source.ts';
import type { ApiUsage } from './usage.ts';

/** Versions the emulator lists at /services/data/; any vXX.X is served. */
export const apiVersions = [
  { label: "Winter '24", url: '/services/data/v59.0', version: '59.0' },
  { label: "Spring '24", url: '/services/data/v60.0', version: '60.0' },
  { label: "Summer '24", url: '/services/data/v61.0', version: '61.0' },
  { label: "Winter '25", url: '/services/data/v62.0', version: '62.0' },
  { label: "Spring '25", url: '/services/data/v63.0', version: '63.0' },
  { label: "Summer '25", url: '/services/data/v64.0', version: '64.0' },
];

export interface SalesforceApi {
  /** Runs one request; never throws for anything Salesforce would answer with an error body. */
  dispatch(request: ApiRequest): ApiResponse;
  /** "/services/data/:version/sobjects/:type" for call statistics, or undefined when no route matches. */
  patternOf(method: string, path: string): string | undefined;
  cursors: QueryCursors;
}

/** Renders the errors the handlers throw the way Salesforce words them on the wire. */
export function errorResponse(error: unknown, version: string): ApiResponse | undefined {
  if (error instanceof RequestError) return { status: error.status, body: error.body };
  if (error instanceof RecordFailure) return { status: error.httpStatus, body: error.body };
  if (error instanceof SoqlError) return { status: 400, body: [{ message: error.message, errorCode: error.errorCode }] };
  if (error instanceof MultipleMatches) return { status: 300, body: error.ids.map((id) => recordUrl(version, error.objectName, id)) };
  return undefined;
}

/**
 * A change event's `changeOrigin`: "com/salesforce/api/<api>/<version>", with ";client=<id>" when the call named
 * its client in the Sforce-Call-Options header (Change Data Capture guide, "ChangeEventHeader Fields"), which is
 * how a subscriber tells its own writes from everyone else's.
 */
function changeOriginOf(request: ApiRequest): string {
  const client = /(?:^|[,\s])client=([^,\s]+)/.exec(request.headers['sforce-call-options'] ?? '')?.[1];
  return `com/salesforce/api/rest/${request.version}${client ? `;client=${client}` : ''}`;
}

export function buildApi(org: SalesforceOrg, usage: ApiUsage): SalesforceApi {
  const router = new ApiRouter();
  const cursors = new QueryCursors();

  const dispatch = (request: ApiRequest): ApiResponse => {
    const matched = router.match(request.method, request.path);
    if (!matched) {
      const allowed = router.allowedMethods(request.path);
      if (allowed.length) {
        const list = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
        return { status: 405, body: [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${request.method}' not allowed. Allowed are ${list.join(',')}` }] };
      }
      return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    }
    // Handlers are synchronous: no other request can write between setting the origin and restoring it.
    const outerOrigin = org.store.writeOrigin;
    org.store.writeOrigin = changeOriginOf(request);
    try {
      return matched.handler(request, matched.params);
    } catch (error) {
      const rendered = errorResponse(error, request.version);
      if (rendered) return rendered;
      throw error;
    } finally {
      org.store.writeOrigin = outerOrigin;
    }
  };

  router.add('GET', '/', (request) => {
    const base = `/services/data/v${request.version}`;
    const resources = ['sobjects', 'query', 'queryAll', 'composite', 'limits', 'search', 'recent', 'tooling', 'jobs/ingest', 'jobs/query'];
    // jsforce's identity() reads the identity URL from here (REST "Resources by Version").
    const identity = `http://${request.headers.host ?? 'localhost'}/id/${orgId}/${org.apiUserId}`;
    return { status: 200, body: { ...Object.fromEntries(resources.map((name) => [name.replace('/', ''), `${base}/${name}`])), identity } };
  });

  router.add('GET', '/limits', () => {
    const used = usage.used(org.now());
    const max = org.config.dailyApiLimit;
    return {
      status: 200,
      body: {
        ConcurrentAsyncGetReportInstances: { Max: 200, Remaining: 200 },
        DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
        DailyAsyncApexExecutions: { Max: 250_000, Remaining: 250_000 },
        DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 },
        DailyBulkV2QueryFileStorageMB: { Max: 976_562, Remaining: 976_562 },
        DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
        DataStorageMB: { Max: 5, Remaining: 5 },
        FileStorageMB: { Max: 20, Remaining: 20 },
        HourlyPublishedStandardVolumePlatformEvents: { Max: 100_000, Remaining: 100_000 },
        SingleEmail: { Max: 15, Remaining: 15 },
      },
    };
  });

  registerRecordRoutes(router, org);
  registerCollectionRoutes(router, org);
  registerQueryRoutes(router, org, cursors);
  registerCompositeRoutes(router, org, dispatch);
  registerBulk2Routes(router, org);

  return {
    dispatch,
    cursors,
    patternOf: (method, path) => {
      const matched = router.match(method, path);
      return matched ? `/services/data/:version${matched.pattern}` : undefined;
    },
  };
}
