import { parseCsv, toCsv } from './csv.ts';
import { RecordFailure, RequestError } from './errors.ts';
import { IdFactory, canonicalId } from './ids.ts';
import { MultipleMatches, type SalesforceOrg } from './org.ts';
import { bodyObject } from './rest-records.ts';
import type { ApiRequest, ApiResponse, ApiRouter } from './router.ts';
import { runSoql } from './soql.ts';

/**
 * Bulk API 2.0 (Bulk API 2.0 and Bulk API Developer Guide): ingest jobs take CSV uploads and report per-row
 * results as CSV; query jobs answer CSV pages with `Sforce-Locator` / `Sforce-NumberOfRecords`. Jobs run to
 * completion the moment they are closed (UploadComplete) or created (query), so a poller sees JobComplete on its
 * first look. Every call is an API call, as on a real org.
 */

type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

interface JobBase {
  id: string;
  object: string;
  createdDate: string;
  systemModstamp: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  apiVersion: string;
  errorMessage?: string;
}

interface IngestJob extends JobBase {
  kind: 'ingest';
  operation: IngestOperation;
  externalIdFieldName?: string;
  lineEnding: 'LF' | 'CRLF';
  csv: string[];
  successful: unknown[][];
  failed: unknown[][];
  header: string[];
}

interface QueryJob extends JobBase {
  kind: 'query';
  operation: 'query' | 'queryAll';
  query: string;
  header: string[];
  rows: unknown[][];
}

const ingestOperations: IngestOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];

function csvResponse(text: string, headers: Record<string, string> = {}): ApiResponse {
  return { status: 200, text, headers: { 'Content-Type': 'text/csv', ...headers } };
}

/** "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --", the sf__Error layout. */
function errorColumn(failure: RecordFailure): string {
  return failure.errors.map((error) => `${error.statusCode}:${error.message}:${error.fields.join(',')} --`).join(' ');
}

/** Query rows to CSV columns: parent relationships flatten to "Account.Name" as Bulk API 2.0 writes them. */
function flatten(record: Record<string, unknown>, prefix = '', into: Map<string, unknown> = new Map()): Map<string, unknown> {
  for (const [key, value] of Object.entries(record)) {
    if (key === 'attributes') continue;
    if (value !== null && typeof value === 'object' && 'attributes' in (value as object)) flatten(value as Record<string, unknown>, `${prefix}${key}.`, into);
    else into.set(`${prefix}${key}`, value);
  }
  return into;
}

export function registerBulk2Routes(router: ApiRouter, org: SalesforceOrg): void {
  const jobs = new Map<string, IngestJob | QueryJob>();
  const ids = new IdFactory();

  const info = (job: IngestJob | QueryJob): Record<string, unknown> => ({
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: org.apiUserId,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    jobType: job.kind === 'ingest' ? 'V2Ingest' : 'V2Query',
    lineEnding: job.kind === 'ingest' ? job.lineEnding : 'LF',
    columnDelimiter: 'COMMA',
    ...(job.kind === 'ingest'
      ? {
          externalIdFieldName: job.externalIdFieldName,
          contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`,
          numberRecordsProcessed: job.successful.length + job.failed.length,
          numberRecordsFailed: job.failed.length,
        }
      : { numberRecordsProcessed: job.rows.length }),
    retries: 0,
    totalProcessingTime: 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  });

  const find = <K extends 'ingest' | 'query'>(kind: K, id: string): Extract<IngestJob | QueryJob, { kind: K }> => {
    const job = jobs.get(canonicalId(id) ?? id);
    if (!job || job.kind !== kind) throw new RequestError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return job as Extract<IngestJob | QueryJob, { kind: K }>;
  };

  // ---- ingest
  router.add('POST', '/jobs/ingest', (request) => {
    const body = bodyObject(request);
    const operation = body.operation as IngestOperation;
    if (!ingestOperations.includes(operation)) throw new RequestError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(body.operation)}`);
    const def = org.schema.object(String(body.object ?? ''));
    if (!def) throw new RequestError(400, 'INVALIDJOB', `InvalidJob : Invalid object: ${String(body.object)}`);
    if (operation === 'upsert' && typeof body.externalIdFieldName !== 'string') throw new RequestError(400, 'INVALIDJOB', 'InvalidJob : External ID was blank for upsert');
    if (body.contentType !== undefined && body.contentType !== 'CSV') throw new RequestError(400, 'INVALIDJOB', `InvalidJob : Unsupported content type: ${String(body.contentType)}`);
    const stamp = org.stamp();
    const job: IngestJob = {
      kind: 'ingest', id: ids.next('750'), object: def.name, operation, lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
      createdDate: stamp, systemModstamp: stamp, state: 'Open', apiVersion: request.version, csv: [], successful: [], failed: [], header: [],
      ...(typeof body.externalIdFieldName === 'string' ? { externalIdFieldName: body.externalIdFieldName } : {}),
    };
    jobs.set(job.id, job);
    return { status: 200, body: info(job) };
  });

  router.add('PUT', '/jobs/ingest/:id/batches', (request, params) => {
    const job = find('ingest', params.id as string);
    if (job.state !== 'Open') throw new RequestError(409, 'INVALIDJOBSTATE', 'Job is not in the Open state');
    if (typeof request.body !== 'string') throw new RequestError(400, 'INVALIDJOB', 'Upload the data as text/csv');
    job.csv.push(request.body);
    return { status: 201 };
  });

  router.add('PATCH', '/jobs/ingest/:id', (request, params) => {
    const job = find('ingest', params.id as string);
    const state = bodyObject(request).state;
    if (state === 'Aborted') {
      job.state = 'Aborted';
      return { status: 200, body: info(job) };
    }
    if (state !== 'UploadComplete') throw new RequestError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(state)}`);
    if (job.state !== 'Open') throw new RequestError(409, 'INVALIDJOBSTATE', 'Job is not in the Open state');
    job.state = 'UploadComplete';
    const answer = info(job);
    runIngest(org, job);
    job.systemModstamp = org.stamp();
    return { status: 200, body: answer };
  });

  router.add('GET', '/jobs/ingest/:id', (_request, params) => ({ status: 200, body: info(find('ingest', params.id as string)) }));
  router.add('GET', '/jobs/ingest', () => ({
    status: 200,
    body: { done: true, records: [...jobs.values()].filter((job) => job.kind === 'ingest').map(info), nextRecordsUrl: null },
  }));
  router.add('GET', '/jobs/ingest/:id/successfulResults', (_request, params) => {
    const job = find('ingest', params.id as string);
    return csvResponse(toCsv(['sf__Id', 'sf__Created', ...job.header], job.successful));
  });
  router.add('GET', '/jobs/ingest/:id/failedResults', (_request, params) => {
    const job = find('ingest', params.id as string);
    return csvResponse(toCsv(['sf__Id', 'sf__Error', ...job.header], job.failed));
  });
  router.add('GET', '/jobs/ingest/:id/unprocessedrecords', (_request, params) => {
    const job = find('ingest', params.id as string);
    return csvResponse(toCsv(job.header, []));
  });
  router.add('DELETE', '/jobs/ingest/:id', (_request, params) => {
    jobs.delete(find('ingest', params.id as string).id);
    return { status: 204 };
  });

  // ---- query
  router.add('POST', '/jobs/query', (request) => {
    const body = bodyObject(request);
    const operation = body.operation ?? 'query';
    if (operation !== 'query' && operation !== 'queryAll') throw new RequestError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(operation)}`);
    const query = String(body.query ?? '');
    if (/\(\s*select\b/i.test(query)) throw new RequestError(400, 'API_ERROR', 'Nested queries are not supported in Bulk API 2.0');
    const result = runSoql(query, org.store, { apiVersion: request.version, now: new Date(org.now()), includeDeleted: operation === 'queryAll' });
    const flattened = result.records.map((record) => flatten(record));
    const header = [...new Set(flattened.flatMap((row) => [...row.keys()]))];
    const stamp = org.stamp();
    const job: QueryJob = {
      kind: 'query', id: ids.next('750'), object: result.objectName, operation, query, createdDate: stamp, systemModstamp: stamp,
      state: 'JobComplete', apiVersion: request.version, header, rows: flattened.map((row) => header.map((column) => row.get(column) ?? null)),
    };
    jobs.set(job.id, job);
    return { status: 200, body: { ...info(job), state: 'UploadComplete' } };
  });

  router.add('GET', '/jobs/query/:id', (_request, params) => ({ status: 200, body: info(find('query', params.id as string)) }));
  router.add('GET', '/jobs/query/:id/results', (request: ApiRequest, params) => {
    const job = find('query', params.id as string);
    // Locators are opaque to clients; Salesforce's happen to be base64 row offsets, and so are these.
    const offset = request.query.locator ? Number(Buffer.from(request.query.locator, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > job.rows.length) throw new RequestError(400, 'INVALIDLOCATOR', 'Invalid locator');
    const maxRecords = request.query.maxRecords ? Number(request.query.maxRecords) : job.rows.length;
    if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new RequestError(400, 'INVALIDREQUEST', 'maxRecords must be a positive integer');
    const page = job.rows.slice(offset, offset + maxRecords);
    const next = offset + page.length;
    return csvResponse(toCsv(job.header, page), {
      'Sforce-Locator': next < job.rows.length ? Buffer.from(String(next)).toString('base64').replace(/=+$/, '') : 'null',
      'Sforce-NumberOfRecords': String(page.length),
    });
  });
  router.add('DELETE', '/jobs/query/:id', (_request, params) => {
    jobs.delete(find('query', params.id as string).id);
    return { status: 204 };
  });
}

function runIngest(org: SalesforceOrg, job: IngestJob): void {
  let rows: string[][];
  try {
    rows = job.csv.flatMap((chunk, index) => {
      const parsed = parseCsv(chunk);
      // Every uploaded chunk repeats the header row.
      return index === 0 ? parsed : parsed.slice(1);
    });
  } catch (error) {
    job.state = 'Failed';
    job.errorMessage = `InvalidBatch : ${(error as Error).message}`;
    return;
  }
  const [header, ...data] = rows;
  job.header = header ?? [];
  const idColumn = job.header.findIndex((column) => column.toLowerCase() === 'id');
  for (const row of data) {
    if (row.length === 1 && row[0] === '') continue;
    const input: Record<string, unknown> = {};
    // An empty cell leaves a field alone; #N/A sets it to null (Bulk API 2.0 "Valid Date Format in Records").
    job.header.forEach((column, index) => {
      const cell = row[index] ?? '';
      if (cell === '#N/A') input[column] = null;
      else if (cell !== '') input[column] = cell;
    });
    const id = idColumn >= 0 ? (row[idColumn] ?? '') : '';
    try {
      switch (job.operation) {
        case 'insert':
          job.successful.push([org.create(job.object, input).Id, true, ...row]);
          break;
        case 'update':
          job.successful.push([org.update(job.object, id, input).Id, false, ...row]);
          break;
        case 'upsert': {
          const key = job.externalIdFieldName as string;
          const value = Object.entries(input).find(([column]) => column.toLowerCase() === key.toLowerCase())?.[1];
          const { record, created } = org.upsert(job.object, key, value === undefined || value === null ? '' : String(value), input);
          job.successful.push([record.Id, created, ...row]);
          break;
        }
        default:
          org.delete(id, job.object);
          job.successful.push([canonicalId(id) ?? id, false, ...row]);
      }
    } catch (error) {
      if (error instanceof RecordFailure) job.failed.push([canonicalId(id) ?? '', errorColumn(error), ...row]);
      else if (error instanceof MultipleMatches) job.failed.push(['', `DUPLICATE_EXTERNAL_ID:${error.message}:${error.fieldName} --`, ...row]);
      else if (error instanceof RequestError) {
        // A column the object does not have fails the whole job, as Salesforce's InvalidBatch does.
        job.state = 'Failed';
        job.errorMessage = `InvalidBatch : ${error.message}`;
        return;
      } else throw error;
    }
  }
  job.state = 'JobComplete';
}
