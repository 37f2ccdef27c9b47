import { RequestError } from './errors.ts';
import { IdFactory } from './ids.ts';
import type { SalesforceOrg } from './org.ts';
import type { ApiRequest, ApiResponse, ApiRouter } from './router.ts';
import { runSoql } from './soql.ts';

/**
 * query / queryAll with Salesforce's paging (REST API Developer Guide, "Execute a SOQL Query"): pages of 2,000
 * rows by default (`Sforce-Query-Options: batchSize=200..2000`), `nextRecordsUrl` pointing at
 * `/services/data/vXX.X/query/<locator>-<offset>`. A user holds at most 10 open cursors; opening another
 * drops the oldest, whose locator then answers INVALID_QUERY_LOCATOR.
 */

const defaultBatchSize = 2000;
const maxOpenCursors = 10;

interface Cursor {
  rows: Array<Record<string, unknown>>;
  totalSize: number;
  batchSize: number;
}

export class QueryCursors {
  private readonly open = new Map<string, Cursor>();
  private readonly ids = new IdFactory();

  add(cursor: Cursor): string {
    const locator = this.ids.next('01g');
    this.open.set(locator, cursor);
    while (this.open.size > maxOpenCursors) this.open.delete(this.open.keys().next().value as string);
    return locator;
  }

  get(locator: string): Cursor | undefined {
    return this.open.get(locator);
  }

  close(locator: string): void {
    this.open.delete(locator);
  }

  clear(): void {
    this.open.clear();
  }
}

function batchSizeOf(request: ApiRequest): number {
  const match = /batchSize\s*=\s*(\d+)/i.exec(request.headers['sforce-query-options'] ?? '');
  if (!match) return defaultBatchSize;
  // Salesforce treats the batch size as a hint within 200..2000.
  return Math.min(2000, Math.max(200, Number(match[1])));
}

function page(request: ApiRequest, cursors: QueryCursors, locator: string | undefined, cursor: Cursor, offset: number): ApiResponse {
  const end = offset + cursor.batchSize;
  const records = cursor.rows.slice(offset, end);
  const done = end >= cursor.rows.length;
  if (done && locator) cursors.close(locator);
  const id = done ? undefined : (locator ?? cursors.add(cursor));
  return {
    status: 200,
    body: {
      totalSize: cursor.totalSize,
      done,
      ...(id ? { nextRecordsUrl: `/services/data/v${request.version}/query/${id}-${end}` } : {}),
      records,
    },
  };
}

export function registerQueryRoutes(router: ApiRouter, org: SalesforceOrg, cursors: QueryCursors): void {
  const run = (includeDeleted: boolean) => (request: ApiRequest): ApiResponse => {
    const soql = request.query.q;
    if (soql === undefined || soql.trim() === '') throw new RequestError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    const result = runSoql(soql, org.store, { apiVersion: request.version, now: new Date(org.now()), includeDeleted });
    return page(request, cursors, undefined, { rows: result.records, totalSize: result.totalSize, batchSize: batchSizeOf(request) }, 0);
  };
  const more = (request: ApiRequest, params: Record<string, string>): ApiResponse => {
    const match = /^(.+)-(\d+)$/.exec(params.locator as string);
    const cursor = match ? cursors.get(match[1] as string) : undefined;
    if (!match || !cursor) throw new RequestError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return page(request, cursors, match[1], cursor, Number(match[2]));
  };
  router.add('GET', '/query', run(false));
  router.add('GET', '/queryAll', run(true));
  router.add('GET', '/query/:locator', more);
  router.add('GET', '/queryAll/:locator', more);
}
