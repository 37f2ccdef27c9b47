import { z } from 'zod';
import { syncErrorCategories, type SyncErrorCategory } from '../../core/sync-error.ts';
import { errorType, parseErrorType } from '../../engine/health.ts';
import type { SyncErrorsTable } from '../../store/schema.ts';
import type { Store } from '../../store/open.ts';
import type { Selectable } from 'kysely';
import type { SyncErrorJson } from './contract.ts';
import { toCsv } from './csv.ts';
import type { ApiDeps, RecordLinks } from './index.ts';
import { invalid, type ApiRoutes } from './route-kit.ts';
import { errorsPage, resyncResponse } from './schemas.ts';

const category = z.enum(syncErrorCategories as unknown as [SyncErrorCategory, ...SyncErrorCategory[]]);
const type = z
  .string()
  .refine((value) => parseErrorType(value, syncErrorCategories) !== null, 'an error type as the cards name it: <category>:<vendor code or none>, e.g. property_value:INVALID_EMAIL_ADDRESS');

const filterFields = { type: type.optional(), category: category.optional(), object: z.string().trim().min(1).optional() };
const listQuery = z.strictObject({
  ...filterFields,
  cursor: z.string().optional(),
  limit: z.coerce.number({ error: 'a number from 1 to 500' }).int('a whole number').min(1).max(500).default(50),
});
const csvQuery = z.strictObject(filterFields);

interface ErrorFilter {
  type?: string | undefined;
  category?: SyncErrorCategory | undefined;
  object?: string | undefined;
}

function resolveFilter(filter: ErrorFilter): { category?: SyncErrorCategory; vendorCode?: string; object?: string } {
  const parsed = filter.type ? parseErrorType(filter.type, syncErrorCategories) : null;
  if (parsed && filter.category && parsed.category !== filter.category) {
    throw invalid([{ path: 'category', message: `type ${filter.type} is in category ${parsed.category}, not ${filter.category}` }]);
  }
  return {
    ...(parsed ? { category: parsed.category, vendorCode: parsed.vendorCode } : filter.category ? { category: filter.category } : {}),
    ...(filter.object ? { object: filter.object } : {}),
  };
}

// The repository filters by category but not by vendor code, which a card (type) needs: the query is here.
function openErrors(store: Store, filter: ErrorFilter) {
  const { category: byCategory, vendorCode, object } = resolveFilter(filter);
  let query = store.kysely.selectFrom('syncErrors').selectAll().where('resolvedAt', 'is', null);
  if (byCategory) query = query.where('category', '=', byCategory);
  if (vendorCode !== undefined) query = query.where('vendorCode', '=', vendorCode);
  if (object) query = query.where('object', '=', object);
  return query;
}

function encodeCursor(row: Selectable<SyncErrorsTable>): string {
  return Buffer.from(JSON.stringify([row.lastSeenAt, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { lastSeenAt: string; id: number } {
  try {
    const [lastSeenAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof lastSeenAt === 'string' && !Number.isNaN(Date.parse(lastSeenAt)) && Number.isInteger(id)) return { lastSeenAt, id: id as number };
  } catch {
    // reported below
  }
  throw invalid([{ path: 'cursor', message: 'not a cursor this list returned (use nextCursor of the previous page)' }]);
}

/** One page, newest first (last seen), after the cursor's row. */
async function errorPage(store: Store, filter: ErrorFilter, limit: number, cursor: string | undefined) {
  let query = openErrors(store, filter);
  if (cursor) {
    const after = decodeCursor(cursor);
    query = query.where((eb) => eb.or([eb('lastSeenAt', '<', after.lastSeenAt), eb.and([eb('lastSeenAt', '=', after.lastSeenAt), eb('id', '<', after.id)])]));
  }
  const rows = await query.orderBy('lastSeenAt', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit && page.length > 0 ? encodeCursor(page.at(-1)!) : null };
}

/** HubSpot's object type ids, which its record URLs use. */
const hubspotTypeIds: Record<string, string> = { contacts: '0-1', companies: '0-2', deals: '0-3', tickets: '0-5' };

function toSyncErrorJson(row: Selectable<SyncErrorsTable>, links: RecordLinks): SyncErrorJson {
  const category = row.category as SyncErrorCategory;
  const hubspotType = hubspotTypeIds[row.object] ?? row.object;
  const hubspotApp = (links.hubspotAppUrl ?? 'https://app.hubspot.com').replace(/\/+$/, '');
  return {
    id: row.id,
    type: errorType(category, row.vendorCode),
    category,
    object: row.object,
    hubspotId: row.hubspotId,
    salesforceId: row.salesforceId,
    hubspotUrl: row.hubspotId && links.hubspotPortalId ? `${hubspotApp}/contacts/${encodeURIComponent(links.hubspotPortalId)}/record/${hubspotType}/${encodeURIComponent(row.hubspotId)}` : null,
    // Salesforce opens any record from its bare id, in Classic and Lightning alike.
    salesforceUrl: row.salesforceId && links.salesforceInstanceUrl ? `${links.salesforceInstanceUrl.replace(/\/+$/, '')}/${encodeURIComponent(row.salesforceId)}` : null,
    field: row.field,
    vendorCode: row.vendorCode,
    message: row.message,
    firstSeenAt: new Date(row.firstSeenAt).toISOString(),
    lastSeenAt: new Date(row.lastSeenAt).toISOString(),
    attempts: row.attempts,
    nextRetryAt: row.nextRetryAt === null ? null : new Date(row.nextRetryAt).toISOString(),
  };
}

const csvColumns: ReadonlyArray<keyof SyncErrorJson> = [
  'id', 'type', 'category', 'object', 'hubspotId', 'salesforceId', 'field', 'vendorCode', 'message', 'firstSeenAt', 'lastSeenAt', 'attempts', 'nextRetryAt', 'hubspotUrl', 'salesforceUrl',
];

/** Every open error matching the filter, as CSV (RFC 4180, formula-safe): the CLI's `errors --csv` too. */
export async function errorsCsv(store: Store, filter: ErrorFilter, links: RecordLinks = {}): Promise<string> {
  const rows: SyncErrorJson[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await errorPage(store, filter, 500, cursor);
    rows.push(...page.rows.map((row) => toSyncErrorJson(row, links)));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return toCsv(csvColumns, rows.map((row) => csvColumns.map((column) => row[column])));
}

/** One page of open errors, as GET /api/errors returns it: also the CLI's `errors`. */
export async function listErrors(store: Store, filter: ErrorFilter, page: { limit: number; cursor?: string | undefined }, links: RecordLinks = {}) {
  const { rows, nextCursor } = await errorPage(store, filter, page.limit, page.cursor);
  return { errors: rows.map((row) => toSyncErrorJson(row, links)), nextCursor };
}

export function registerErrorRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add(
    {
      method: 'GET',
      url: '/api/errors',
      summary: 'Open sync errors, newest first, filtered by card type, category or object, in pages (cursor)',
      tag: 'errors',
      query: listQuery,
      response: { status: 200, description: 'one page; pass nextCursor back as cursor for the next', schema: errorsPage },
    },
    async ({ query }) => listErrors(deps.store, query, { limit: query.limit, cursor: query.cursor }, deps.recordLinks),
  );

  routes.add(
    {
      method: 'GET',
      url: '/api/errors.csv',
      summary: 'Every open sync error matching the filter, as CSV (RFC 4180; cells that a spreadsheet would run as a formula start with \')',
      tag: 'errors',
      query: csvQuery,
      response: { status: 200, description: 'CSV with a header row', contentType: 'text/csv' },
    },
    async ({ query }, _request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="crmsync-sync-errors.csv"')
        .send(await errorsCsv(deps.store, query, deps.recordLinks)),
  );

  routes.add(
    {
      method: 'POST',
      url: '/api/errors/resync',
      summary: 'Retry errors now: the ones given by id, or every open one matching type/category/object; then a sync run is requested',
      tag: 'errors',
      body: z
        .strictObject({ ids: z.array(z.number().int().positive()).min(1, 'give at least one error id').max(10_000).optional(), ...filterFields })
        .refine((body) => body.ids === undefined || (body.type === undefined && body.category === undefined && body.object === undefined), {
          message: 'give either ids or a filter (type, category, object), not both',
          path: ['ids'],
        }),
      response: { status: 200, description: 'how many open errors were queued', schema: resyncResponse },
    },
    async ({ body }, request) => {
      const now = deps.clock();
      const ids = body.ids ?? (await openErrors(deps.store, body).select('id').execute()).map((row) => row.id);
      const queued = ids.length === 0 ? 0 : await deps.store.syncErrors.retryNow(ids, now);
      if (queued > 0) {
        deps.sync.requestRun(`resync of ${queued} error(s) asked by an admin`).catch((error: unknown) => request.log.warn({ err: error }, 'the resync run did not start'));
      }
      return { queued };
    },
  );
}

