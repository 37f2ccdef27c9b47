import { describeGlobal, describeObject } from './describe.ts';
import { RecordFailure, RequestError, messages } from './errors.ts';
import type { SalesforceOrg, WriteOptions } from './org.ts';
import type { ApiRequest, ApiResponse, ApiRouter } from './router.ts';
import type { FieldDefinition, ObjectDefinition } from './schema.ts';
import type { StoredRecord } from './store.ts';
import { formatDateTime, parseDateTime } from './values.ts';

export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** A record as retrieve returns it: `attributes` first, then the fields in describe order (or the asked ones). */
export function renderRecord(org: SalesforceOrg, def: ObjectDefinition, record: StoredRecord, version: string, fields?: FieldDefinition[]): Record<string, unknown> {
  const rendered: Record<string, unknown> = { attributes: { type: def.name, url: recordUrl(version, def.name, record.Id as string) } };
  for (const f of fields ?? org.visibleObject(def).fields) rendered[f.name] = record[f.name] ?? null;
  return rendered;
}

/** `?fields=Name,Email`: unknown names are refused as SOQL refuses them, since Salesforce runs a query underneath. */
export function resolveFieldList(org: SalesforceOrg, def: ObjectDefinition, names: string[]): FieldDefinition[] {
  const resolved: FieldDefinition[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!name) continue;
    const f = org.visibleField(def, name);
    if (!f) {
      throw new RequestError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    if (!resolved.includes(f)) resolved.push(f);
  }
  if (!resolved.some((f) => f.name === 'Id')) resolved.unshift(org.visibleField(def, 'Id') as FieldDefinition);
  return resolved;
}

export function bodyObject(request: ApiRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body is either invalid or incomplete');
  }
  return body as Record<string, unknown>;
}

/** Replication windows are whole minutes: Salesforce drops the seconds of start and end (REST "sObject Get Updated"). */
function replicationWindow(org: SalesforceOrg, request: ApiRequest, maxDays: number): { start: number; end: number; now: number } {
  const { start: startText, end: endText } = request.query;
  if (!startText || !endText) throw new RequestError(400, 'MISSING_ARGUMENT', 'start and end are required');
  const start = parseDateTime(startText);
  const end = parseDateTime(endText);
  if (start === undefined || end === undefined) {
    throw new RequestError(400, 'INVALID_REPLICATION_DATE', `Unable to parse date: ${start === undefined ? startText : endText}`);
  }
  const minute = 60_000;
  const now = org.now();
  const startMinute = Math.floor(start / minute) * minute;
  const endMinute = Math.floor(end / minute) * minute;
  if (startMinute >= endMinute) throw new RequestError(400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate');
  if (startMinute < now - maxDays * 24 * 60 * minute) {
    throw new RequestError(400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${maxDays} days ago`);
  }
  // Never claim to cover time that has not finished: the next window starts at latestDateCovered.
  return { start: startMinute, end: Math.min(endMinute, Math.floor(now / minute) * minute), now };
}

const idLimit = 600_000;

/** `Sforce-Duplicate-Rule-Header: allowSave=true; includeRecordDetails=false; runAsCurrentUser=true` */
export function writeOptionsOf(request: ApiRequest): WriteOptions {
  return { allowSave: /(?:^|;)\s*allowSave\s*=\s*true\b/i.test(request.headers['sforce-duplicate-rule-header'] ?? '') };
}

export function registerRecordRoutes(router: ApiRouter, org: SalesforceOrg): void {
  const objectOf = (params: Record<string, string>) => org.objectOrThrow(params.type as string);

  router.add('GET', '/sobjects', (request) => ({ status: 200, body: describeGlobal(org, request.version) }));

  router.add('GET', '/sobjects/:type', (request, params) => {
    const def = objectOf(params);
    const global = describeGlobal(org, request.version) as { sobjects: Array<{ name: string }> };
    return { status: 200, body: { objectDescribe: global.sobjects.find((entry) => entry.name === def.name), recentItems: [] } };
  });

  router.add('GET', '/sobjects/:type/describe', (request, params) => ({ status: 200, body: describeObject(org, objectOf(params), request.version) }));

  router.add('POST', '/sobjects/:type', (request, params) => {
    const def = objectOf(params);
    const record = org.create(def.name, bodyObject(request), writeOptionsOf(request));
    return {
      status: 201,
      body: { id: record.Id, success: true, errors: [] },
      headers: { Location: recordUrl(request.version, def.name, record.Id as string) },
    };
  });

  router.add('GET', '/sobjects/:type/updated', (request, params): ApiResponse => {
    const def = objectOf(params);
    const window = replicationWindow(org, request, 30);
    const ids: string[] = [];
    for (const record of org.store.records(def.name)) {
      if (record.IsDeleted === true) continue;
      const stamp = Date.parse(String(record.SystemModstamp).replace('+0000', 'Z'));
      if (stamp >= window.start && stamp < window.end) ids.push(record.Id as string);
    }
    if (ids.length > idLimit) throw new RequestError(400, 'EXCEEDED_ID_LIMIT', 'too many ids, please narrow the date range');
    return { status: 200, body: { ids, latestDateCovered: formatDateTime(window.end) } };
  });

  router.add('GET', '/sobjects/:type/deleted', (request, params): ApiResponse => {
    const def = objectOf(params);
    const window = replicationWindow(org, request, 15);
    const deletedRecords = org.store
      .deletedLog(def.name)
      .filter((entry) => entry.at >= window.start && entry.at < window.end && org.store.find(entry.id)?.record.IsDeleted === true)
      .map((entry) => ({ id: entry.id, deletedDate: entry.deletedDate }));
    if (deletedRecords.length > idLimit) throw new RequestError(400, 'EXCEEDED_ID_LIMIT', 'too many ids, please narrow the date range');
    const fifteenDaysAgo = Math.floor((window.now - 15 * 24 * 60 * 60 * 1000) / 60_000) * 60_000;
    return { status: 200, body: { deletedRecords, earliestDateAvailable: formatDateTime(fifteenDaysAgo), latestDateCovered: formatDateTime(window.end) } };
  });

  router.add('GET', '/sobjects/:type/:id', (request, params) => {
    const def = objectOf(params);
    let found;
    try {
      found = org.findLive(params.id as string, def.name);
    } catch (error) {
      // A value that is not an id of this object reads as an external id field name (REST "sObject Rows").
      if (error instanceof RecordFailure && error.errors[0]?.statusCode === 'MALFORMED_ID') {
        throw new RequestError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${params.id}`);
      }
      throw error;
    }
    const fields = request.query.fields !== undefined ? resolveFieldList(org, def, request.query.fields.split(',')) : undefined;
    return { status: 200, body: renderRecord(org, def, found.record, request.version, fields) };
  });

  router.add('PATCH', '/sobjects/:type/:id', (request, params) => {
    const def = objectOf(params);
    org.update(def.name, params.id as string, bodyObject(request), writeOptionsOf(request));
    return { status: 204 };
  });

  router.add('DELETE', '/sobjects/:type/:id', (_request, params) => {
    const def = objectOf(params);
    org.delete(params.id as string, def.name);
    return { status: 204 };
  });

  router.add('GET', '/sobjects/:type/:field/:value', (request, params) => {
    const def = objectOf(params);
    const keyField = org.visibleField(def, params.field as string);
    if (!keyField || !(keyField.externalId || keyField.name === 'Id')) {
      throw new RequestError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${params.field}`);
    }
    const ids = keyField.name === 'Id' ? [org.findLive(params.value as string, def.name).record.Id as string] : org.store.lookup(def.name, keyField.name, params.value as string);
    if (ids.length === 0) throw new RequestError(404, 'NOT_FOUND', messages.notFound);
    if (ids.length > 1) return { status: 300, body: ids.map((id) => recordUrl(request.version, def.name, id)) };
    const record = org.store.find(ids[0] as string)?.record as StoredRecord;
    const fields = request.query.fields !== undefined ? resolveFieldList(org, def, request.query.fields.split(',')) : undefined;
    return { status: 200, body: renderRecord(org, def, record, request.version, fields) };
  });

  router.add('PATCH', '/sobjects/:type/:field/:value', (request, params) => {
    const def = objectOf(params);
    const { record, created } = org.upsert(def.name, params.field as string, params.value as string, bodyObject(request), writeOptionsOf(request));
    return {
      status: created ? 201 : 200,
      body: { id: record.Id, success: true, errors: [], created },
      ...(created ? { headers: { Location: recordUrl(request.version, def.name, record.Id as string) } } : {}),
    };
  });
}
