import { RecordFailure, RequestError, messages, type RecordError } from './errors.ts';
import { canonicalId } from './ids.ts';
import { MultipleMatches, type SalesforceOrg } from './org.ts';
import { bodyObject, renderRecord, resolveFieldList, writeOptionsOf } from './rest-records.ts';
import type { ApiRouter } from './router.ts';

/**
 * sObject Collections (REST API Developer Guide, "sObject Collections"): up to 200 records per write and 2,000
 * ids per retrieve; results in request order; with allOrNone, one failure rolls back the call and the innocent
 * records report ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */

const maxWriteRecords = 200;
const maxRetrieveIds = 2000;

export interface SaveResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

class RollBack extends Error {}

/** Collection errors carry statusCode (and a duplicateResult when a duplicate rule fired) as SaveResult.errors do. */
function asErrors(failure: RecordFailure): RecordError[] {
  return failure.errors.map(({ duplicateResult, statusCode, message, fields }) => ({ ...(duplicateResult ? { duplicateResult } : {}), statusCode, message, fields }));
}

/** Runs one operation per item; RequestErrors (a malformed request) still refuse the whole call. */
export function runCollection<T>(org: SalesforceOrg, items: T[], allOrNone: boolean, operation: (item: T) => SaveResult, idOf: (item: T) => string | undefined): SaveResult[] {
  const attempt = (item: T): SaveResult => {
    try {
      return operation(item);
    } catch (error) {
      if (error instanceof RecordFailure) return { ...(idOf(item) ? { id: idOf(item) } : {}), success: false, errors: asErrors(error) };
      if (error instanceof MultipleMatches) {
        return { success: false, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: error.message, fields: [error.fieldName] }] };
      }
      throw error;
    }
  };
  if (!allOrNone) return items.map(attempt);
  let results: SaveResult[] = [];
  try {
    org.store.transaction(() => {
      results = items.map(attempt);
      if (results.some((result) => !result.success)) throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    return results.map((result, index) =>
      result.success
        ? {
            ...(idOf(items[index] as T) ? { id: idOf(items[index] as T) } : {}),
            success: false,
            errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: messages.rolledBack, fields: [] }],
            ...(result.created !== undefined ? { created: false } : {}),
          }
        : result,
    );
  }
  return results;
}

function parseRecords(body: Record<string, unknown>): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const { records, allOrNone } = body;
  if (!Array.isArray(records) || records.some((record) => record === null || typeof record !== 'object' || Array.isArray(record))) {
    throw new RequestError(400, 'JSON_PARSER_ERROR', 'records: expected an array of sObjects');
  }
  if (records.length > maxWriteRecords) throw new RequestError(400, 'EXCEEDED_ID_LIMIT', messages.recordLimit);
  if (allOrNone !== undefined && typeof allOrNone !== 'boolean') throw new RequestError(400, 'JSON_PARSER_ERROR', 'allOrNone: expected a boolean');
  return { allOrNone: allOrNone ?? false, records: records as Array<Record<string, unknown>> };
}

function typeOf(record: Record<string, unknown>): string {
  const attributes = record.attributes as { type?: unknown } | undefined;
  if (!attributes || typeof attributes.type !== 'string' || attributes.type === '') {
    throw new RequestError(400, 'INVALID_TYPE', 'Must specify a type in the attributes of each record');
  }
  return attributes.type;
}

/** Every record's type must exist before any record is written. */
function checkTypes(org: SalesforceOrg, records: Array<Record<string, unknown>>): void {
  for (const record of records) {
    const type = typeOf(record);
    if (!org.schema.object(type)) {
      throw new RequestError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`);
    }
  }
}

function idField(record: Record<string, unknown>): string | undefined {
  const value = record.id ?? record.Id;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stripId(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'id' && key !== 'Id'));
}

export function registerCollectionRoutes(router: ApiRouter, org: SalesforceOrg): void {
  router.add('POST', '/composite/sobjects', (request) => {
    const { allOrNone, records } = parseRecords(bodyObject(request));
    checkTypes(org, records);
    const results = runCollection(org, records, allOrNone, (record) => ({ id: org.create(typeOf(record), record, writeOptionsOf(request)).Id as string, success: true, errors: [] }), () => undefined);
    return { status: 200, body: results };
  });

  router.add('PATCH', '/composite/sobjects', (request) => {
    const { allOrNone, records } = parseRecords(bodyObject(request));
    checkTypes(org, records);
    const results = runCollection(
      org,
      records,
      allOrNone,
      (record) => {
        const id = idField(record);
        if (!id) throw RecordFailure.of('MISSING_ARGUMENT', 'Id not specified in an update call');
        return { id: org.update(typeOf(record), id, stripId(record), writeOptionsOf(request)).Id as string, success: true, errors: [] };
      },
      (record) => {
        const id = idField(record);
        return id ? (canonicalId(id) ?? id) : undefined;
      },
    );
    return { status: 200, body: results };
  });

  router.add('PATCH', '/composite/sobjects/:type/:field', (request, params) => {
    const def = org.objectOrThrow(params.type as string);
    const { allOrNone, records } = parseRecords(bodyObject(request));
    const keyField = org.visibleField(def, params.field as string);
    if (!keyField || (!keyField.externalId && keyField.name !== 'Id')) {
      throw new RequestError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${params.field}`);
    }
    for (const record of records) {
      if (typeOf(record).toLowerCase() !== def.name.toLowerCase()) throw new RequestError(400, 'INVALID_TYPE', `Records must all be of type ${def.name}`);
    }
    const keyOf = (record: Record<string, unknown>) => Object.entries(record).find(([key]) => key.toLowerCase() === keyField.name.toLowerCase())?.[1];
    // Two records with one external id in the same call both fail: Salesforce cannot order them (DUPLICATE_EXTERNAL_ID).
    const seen = new Map<string, number>();
    for (const record of records) {
      const value = keyOf(record);
      if (value !== undefined && value !== null && value !== '') seen.set(String(value).toLowerCase(), (seen.get(String(value).toLowerCase()) ?? 0) + 1);
    }
    const results = runCollection(
      org,
      records,
      allOrNone,
      (record) => {
        const value = keyOf(record);
        if (keyField.name !== 'Id' && (value === undefined || value === null || value === '')) {
          throw RecordFailure.of('MISSING_ARGUMENT', `${keyField.name} not specified`, [keyField.name]);
        }
        if (value !== undefined && value !== null && (seen.get(String(value).toLowerCase()) ?? 0) > 1) {
          throw RecordFailure.of('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${String(value)}`, [keyField.name]);
        }
        const { record: saved, created } = org.upsert(def.name, keyField.name, value === undefined || value === null ? '' : String(value), record, writeOptionsOf(request));
        return { id: saved.Id as string, success: true, errors: [], created };
      },
      () => undefined,
    );
    return { status: 200, body: results };
  });

  router.add('DELETE', '/composite/sobjects', (request) => {
    const ids = (request.query.ids ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    if (ids.length === 0) throw new RequestError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
    if (ids.length > maxWriteRecords) throw new RequestError(400, 'EXCEEDED_ID_LIMIT', messages.recordLimit);
    const allOrNone = request.query.allOrNone === 'true';
    const results = runCollection(
      org,
      ids,
      allOrNone,
      (id) => {
        org.delete(id);
        return { id: canonicalId(id) as string, success: true, errors: [] };
      },
      (id) => canonicalId(id) ?? id,
    );
    return { status: 200, body: results };
  });

  const retrieve = (version: string, type: string, ids: unknown, fields: unknown) => {
    const def = org.objectOrThrow(type);
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) throw new RequestError(400, 'MISSING_ARGUMENT', 'ids: give a list of record ids');
    if (!Array.isArray(fields) || fields.length === 0 || fields.some((name) => typeof name !== 'string')) throw new RequestError(400, 'MISSING_ARGUMENT', 'fields: give a list of field names');
    if (ids.length > maxRetrieveIds) throw new RequestError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${maxRetrieveIds} records into this call`);
    const columns = resolveFieldList(org, def, fields as string[]);
    const body = (ids as string[]).map((id) => {
      const canonical = canonicalId(id);
      if (!canonical) throw new RequestError(400, 'MALFORMED_ID', `malformed id ${id}`);
      const found = org.store.find(canonical);
      // Ids that name no live record of the type come back as null in their slot.
      if (!found || found.record.IsDeleted === true || found.objectName !== def.name) return null;
      return renderRecord(org, def, found.record, version, columns);
    });
    return { status: 200, body };
  };

  router.add('GET', '/composite/sobjects/:type', (request, params) =>
    retrieve(request.version, params.type as string, request.query.ids?.split(',').filter(Boolean), request.query.fields?.split(',').filter(Boolean)),
  );
  router.add('POST', '/composite/sobjects/:type', (request, params) => {
    const body = bodyObject(request);
    return retrieve(request.version, params.type as string, body.ids, body.fields);
  });
}
