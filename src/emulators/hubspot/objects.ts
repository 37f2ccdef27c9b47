import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { HubSpotApiError, notFound, validationError, type HubSpotErrorBody } from './errors.ts';
import type { HubSpotAssociationStore, HubSpotAssociationType } from './ports.ts';
import type { ObjectTypeDefinition } from './schema.ts';
import { checkSearchLimits, runSearch, searchRequestSchema, type SearchRequest } from './search.ts';
import type { HubSpotStore, StoredRecord, WriteSource } from './store.ts';

/**
 * `/crm/v3/objects/{type}`: list, get, create, update, archive, the five batch endpoints, search and merge,
 * answering with the status codes the official client accepts (create 201, batch create 201/207,
 * batch read/update/upsert 200/207, archive 204) and HubSpot's bodies.
 */

export const batchLimit = 100;
const apiSource: WriteSource = { sourceType: 'API' };

export interface ObjectRoutesContext {
  store: HubSpotStore;
  /** Present once the associations module is wired in. */
  associations: () => HubSpotAssociationStore | undefined;
  baseUrl: (request: { protocol: string; host: string }) => string;
}

/** `properties=a&properties=b` and `properties=a,b` both name properties, as HubSpot accepts either. */
export function listParam(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = (Array.isArray(raw) ? raw : [raw]).flatMap((item) => String(item).split(','));
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

function boolParam(raw: unknown): boolean {
  return raw === true || raw === 'true';
}

/** Parses a body with zod; a bad body gets HubSpot's VALIDATION_ERROR naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  throw validationError(`Invalid input JSON: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid body'}`, { context: { field: [path] } });
}

const propertyValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const associationTypeSchema = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
});
const associationInput = z.object({ to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }), types: z.array(associationTypeSchema) });
const createInput = z.object({ properties: propertyValues.default({}), associations: z.array(associationInput).optional(), objectWriteTraceId: z.string().optional() });
const updateInput = z.object({ id: z.union([z.string(), z.number()]).transform(String), properties: propertyValues, objectWriteTraceId: z.string().optional() });
const upsertInput = updateInput.extend({ idProperty: z.string().optional() });
const idInput = z.object({ id: z.union([z.string(), z.number()]).transform(String) });

const batch = <T extends z.ZodType>(input: T) => z.object({ inputs: z.array(input) });
const batchRead = z.object({
  inputs: z.array(idInput),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const mergeInput = z.object({ primaryObjectId: z.union([z.string(), z.number()]).transform(String), objectIdToMerge: z.union([z.string(), z.number()]).transform(String) });

interface RenderOptions {
  /** Exactly these (null when unset), plus the ids and dates HubSpot always returns. */
  properties?: string[];
  propertiesWithHistory?: string[];
  associations?: string[];
}

const alwaysReturned = ['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_lastmodifieddate'];

export class ObjectRenderer {
  constructor(private readonly ctx: ObjectRoutesContext) {}

  /** A record as the objects API returns it (SimplePublicObject / SimplePublicObjectWithAssociations). */
  render(type: ObjectTypeDefinition, record: StoredRecord, options: RenderOptions = {}, all = false): Record<string, unknown> {
    const properties: Record<string, string | null> = {};
    if (all) {
      for (const [name, value] of Object.entries(record.values)) if (value !== '') properties[name] = value;
    } else {
      const names = options.properties && options.properties.length > 0 ? options.properties : type.defaultProperties;
      // "If a requested property isn't defined, it won't be included in the response" (contacts API guide);
      // a defined one without a value comes back as null.
      for (const name of names) if (type.properties.has(name)) properties[name] = record.values[name] ?? null;
      for (const name of alwaysReturned) if (record.values[name] !== undefined && type.properties.has(name)) properties[name] = record.values[name];
    }
    const out: Record<string, unknown> = {
      id: record.id,
      properties,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
      archived: record.archived,
    };
    if (record.archivedAt !== undefined) out.archivedAt = new Date(record.archivedAt).toISOString();
    if (options.propertiesWithHistory && options.propertiesWithHistory.length > 0) {
      const history: Record<string, Array<Record<string, unknown>>> = {};
      for (const name of options.propertiesWithHistory) {
        const entries = record.history[name] ?? (record.values[name] ? [{ value: record.values[name], timestamp: record.updatedAt, sourceType: 'CALCULATED' }] : []);
        history[name] = [...entries].reverse().map((e) => ({ ...e, timestamp: new Date(e.timestamp).toISOString() }));
      }
      out.propertiesWithHistory = history;
    }
    if (options.associations && options.associations.length > 0) {
      const associations = this.associationsOf(type, record, options.associations);
      if (Object.keys(associations).length > 0) out.associations = associations;
    }
    return out;
  }

  private associationsOf(type: ObjectTypeDefinition, record: StoredRecord, toTypes: string[]) {
    const store = this.ctx.associations();
    const out: Record<string, { results: Array<{ id: string; type: string }> }> = {};
    if (!store) return out;
    for (const requested of toTypes) {
      const toTypeName = this.ctx.store.resolveObjectType(requested);
      const toType = toTypeName === undefined ? undefined : this.ctx.store.schema.get(toTypeName);
      if (!toType) continue;
      const results = store.associationsOf(type.name, record.id, toType.name).flatMap(({ toId, types }) =>
        types.map((t) => ({ id: toId, type: associationLabel(type, toType, t) })),
      );
      if (results.length > 0) out[toType.custom ? toType.name : requested] = { results };
    }
    return out;
  }
}

/**
 * The default (unlabelled) type ids of the pairs that also have a Primary type: contact/company 279/280,
 * deal/company 341/342, ticket/company 339/340. v3 reads call those "contact_to_company_unlabeled" and the
 * Primary one "contact_to_company"; pairs without a Primary ("deal_to_contact") carry no suffix.
 */
const unlabelledBesidePrimary = new Set([279, 280, 341, 342, 339, 340]);

/** An association type as v3 object reads name it. */
function associationLabel(from: ObjectTypeDefinition, to: ObjectTypeDefinition, type: HubSpotAssociationType): string {
  const base = `${from.singular}_to_${to.singular}`;
  if (type.associationCategory !== 'HUBSPOT_DEFINED') return `${base}_${type.associationTypeId}`;
  return unlabelledBesidePrimary.has(type.associationTypeId) ? `${base}_unlabeled` : base;
}

function batchBody(results: unknown[], errors: HubSpotErrorBody[], startedAt: string) {
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  return body;
}

interface InputOutcome<T> {
  input: T;
  error?: HubSpotApiError;
}

/** One batch input after planning: refused with an error, or ready to apply at the batch's timestamp. */
interface PlannedWrite<T> extends InputOutcome<T> {
  apply?: (at: number) => Record<string, unknown>;
}

/**
 * HubSpot answers a batch write with 207 and per-input errors only when the failing inputs carry an
 * `objectWriteTraceId` (error-handling page, "Multi-status errors"); otherwise one bad input fails the whole
 * call with that input's error, and nothing is written.
 */
function batchFailure<T extends { objectWriteTraceId?: string }>(outcomes: Array<InputOutcome<T>>): HubSpotApiError | undefined {
  const failed = outcomes.filter((o) => o.error);
  if (failed.length === 0) return undefined;
  if (failed.every((o) => o.input.objectWriteTraceId !== undefined)) return undefined;
  return failed.find((o) => o.input.objectWriteTraceId === undefined)?.error;
}

function partialErrors<T extends { objectWriteTraceId?: string }>(outcomes: Array<InputOutcome<T>>): HubSpotErrorBody[] {
  return outcomes
    .filter((o) => o.error)
    .map((o) => {
      const body = (o.error as HubSpotApiError).body();
      return { ...body, context: { ...(body.context ?? {}), objectWriteTraceId: [o.input.objectWriteTraceId as string] } };
    });
}

export function registerObjectRoutes(app: FastifyInstance, ctx: ObjectRoutesContext): void {
  const { store } = ctx;
  const renderer = new ObjectRenderer(ctx);
  const typeOf = (name: string) => store.schema.require(name);

  const missing = (type: ObjectTypeDefinition, id: string) => notFound(`Object not found.  objectId are usually numeric.`, { id: [id], objectType: [type.name] });

  /** The record a path names: by id, or by any unique property through `idProperty`. */
  const lookup = (type: ObjectTypeDefinition, id: string, idProperty: string | undefined, archived = false): StoredRecord | undefined => {
    if (idProperty && idProperty !== 'hs_object_id') {
      const property = store.schema.property(type, idProperty);
      if (!property?.hasUniqueValue) throw validationError(`Property ${idProperty} is not a unique identifier property for ${type.name}`, { context: { idProperty: [idProperty] } });
      return store.findByUnique(type, idProperty, id);
    }
    const record = store.find(type.name, id);
    return record && record.archived === archived ? record : undefined;
  };

  const associate = (type: ObjectTypeDefinition, record: StoredRecord, inputs: Array<z.infer<typeof associationInput>>) => {
    const associations = ctx.associations();
    for (const input of inputs) {
      const toType = store.typeOf(input.to.id);
      const target = toType === undefined ? undefined : store.find(toType, input.to.id);
      if (!toType || !target || target.archived) {
        throw validationError(`Cannot create association: object ${input.to.id} does not exist`, { context: { toObjectId: [input.to.id] } });
      }
      if (!associations) throw validationError('Associations are not available in this emulator build');
      try {
        associations.associate(type.name, record.id, toType, target.id, input.types);
      } catch (error) {
        throw validationError(error instanceof Error ? error.message : String(error), { context: { toObjectId: [input.to.id] } });
      }
    }
  };

  /** Creates one record with its associations; nothing is kept or announced when an association is refused. */
  const createOne = (type: ObjectTypeDefinition, values: Record<string, string>, associations: Array<z.infer<typeof associationInput>>, at: number): StoredRecord => {
    if (associations.length === 0) return store.create(type, values, apiSource, at);
    const record = store.create(type, values, apiSource, at, { announce: 'none' });
    try {
      associate(type, record, associations);
    } catch (error) {
      store.discard(type, record);
      throw error;
    }
    store.announceCreation(record);
    return record;
  };

  // ---- list, get, create, update, archive --------------------------------------------------------------

  app.get<{ Params: { objectType: string }; Querystring: Record<string, unknown> }>('/crm/v3/objects/:objectType', async (request) => {
    const type = typeOf(request.params.objectType);
    const q = request.query;
    const limit = q.limit === undefined ? 10 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validationError(`limit must be between 1 and 100, got ${String(q.limit)}`, { context: { limit: [String(q.limit)] } });
    const after = q.after === undefined ? undefined : String(q.after);
    if (after !== undefined && !/^\d+$/.test(after)) throw validationError(`after must be a cursor from paging.next.after, got ${after}`, { context: { after: [after] } });
    const page = store.page(type.name, { limit, archived: boolParam(q.archived), ...(after !== undefined ? { after } : {}) });
    const options: RenderOptions = { properties: listParam(q.properties), propertiesWithHistory: listParam(q.propertiesWithHistory), associations: listParam(q.associations) };
    const body: Record<string, unknown> = { results: page.records.map((r) => renderer.render(type, r, options)) };
    if (page.nextAfter !== undefined) {
      const base = ctx.baseUrl(request);
      body.paging = { next: { after: page.nextAfter, link: `${base}/crm/v3/objects/${request.params.objectType}?limit=${limit}&after=${page.nextAfter}` } };
    }
    return body;
  });

  app.get<{ Params: { objectType: string; objectId: string }; Querystring: Record<string, unknown> }>('/crm/v3/objects/:objectType/:objectId', async (request) => {
    const type = typeOf(request.params.objectType);
    const q = request.query;
    const idProperty = typeof q.idProperty === 'string' ? q.idProperty : undefined;
    const record = lookup(type, request.params.objectId, idProperty, boolParam(q.archived));
    if (!record) throw missing(type, request.params.objectId);
    return renderer.render(type, record, { properties: listParam(q.properties), propertiesWithHistory: listParam(q.propertiesWithHistory), associations: listParam(q.associations) });
  });

  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType', async (request, reply) => {
    const type = typeOf(request.params.objectType);
    const input = parseBody(createInput, request.body);
    const checked = store.checkWrite(type, input.properties, undefined);
    if ('error' in checked) throw checked.error;
    const record = createOne(type, checked.values, input.associations ?? [], store.tick());
    return reply.code(201).send(renderer.render(type, record, {}, true));
  });

  app.patch<{ Params: { objectType: string; objectId: string }; Querystring: Record<string, unknown> }>('/crm/v3/objects/:objectType/:objectId', async (request) => {
    const type = typeOf(request.params.objectType);
    const input = parseBody(z.object({ properties: propertyValues }), request.body);
    const idProperty = typeof request.query.idProperty === 'string' ? request.query.idProperty : undefined;
    const record = lookup(type, request.params.objectId, idProperty);
    if (!record) throw missing(type, request.params.objectId);
    const checked = store.checkWrite(type, input.properties, record);
    if ('error' in checked) throw checked.error;
    store.update(type, record, checked.values, apiSource, store.tick());
    return renderer.render(type, record, {}, true);
  });

  app.delete<{ Params: { objectType: string; objectId: string } }>('/crm/v3/objects/:objectType/:objectId', async (request, reply) => {
    const type = typeOf(request.params.objectType);
    const record = store.find(type.name, request.params.objectId);
    // Archiving an id that does not exist (or is archived already) answers 204 too: the call is idempotent.
    if (record && !record.archived) store.archive(type, record, store.tick());
    return reply.code(204).send();
  });

  // ---- batch -------------------------------------------------------------------------------------------

  const checkBatchSize = (inputs: unknown[]) => {
    if (inputs.length > batchLimit) {
      throw validationError(`Batch size ${inputs.length} exceeds the limit of ${batchLimit} inputs`, { context: { inputs: [String(inputs.length)] } });
    }
  };

  const duplicateIds = (ids: string[]) => {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const id of ids) (seen.has(id) ? duplicates : seen).add(id);
    if (duplicates.size > 0) throw validationError(`Duplicate IDs found in batch input: [${[...duplicates].join(', ')}]. IDs must be unique`, { context: { ids: [...duplicates] } });
  };

  const send = (reply: FastifyReply, okStatus: number, results: unknown[], errors: HubSpotErrorBody[], startedAt: string) =>
    reply.code(errors.length > 0 ? 207 : okStatus).send(batchBody(results, errors, startedAt));

  app.post<{ Params: { objectType: string }; Querystring: Record<string, unknown> }>('/crm/v3/objects/:objectType/batch/read', async (request, reply) => {
    const startedAt = new Date().toISOString();
    const type = typeOf(request.params.objectType);
    const body = parseBody(batchRead, request.body);
    checkBatchSize(body.inputs);
    const archived = boolParam(request.query.archived);
    const options: RenderOptions = { properties: body.properties, propertiesWithHistory: body.propertiesWithHistory };
    const results: unknown[] = [];
    const notFoundIds: string[] = [];
    const seen = new Set<string>();
    for (const { id } of body.inputs) {
      const record = lookup(type, id, body.idProperty, archived);
      if (!record) notFoundIds.push(id);
      else if (!seen.has(record.id)) {
        seen.add(record.id);
        results.push(renderer.render(type, record, options));
      }
    }
    const errors: HubSpotErrorBody[] =
      notFoundIds.length === 0
        ? []
        : [
            new HubSpotApiError(404, 'OBJECT_NOT_FOUND', `Could not get some ${type.singular.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`, {
              context: { ids: notFoundIds },
            }).body(),
          ];
    return send(reply, 200, results, errors, startedAt);
  });

  /**
   * Plans every input first (validation, uniqueness, lookups), refuses the whole call or goes partial as
   * HubSpot does, then applies the valid inputs at one timestamp.
   */
  const runBatchWrite = <I extends { objectWriteTraceId?: string }>(reply: FastifyReply, okStatus: number, inputs: I[], plan: (input: I) => PlannedWrite<I>) => {
    const startedAt = new Date().toISOString();
    checkBatchSize(inputs);
    const outcomes = inputs.map(plan);
    const failure = batchFailure(outcomes);
    if (failure) throw failure;
    const at = store.tick();
    const results: unknown[] = [];
    for (const outcome of outcomes) {
      if (!outcome.apply) continue;
      try {
        const trace = outcome.input.objectWriteTraceId;
        results.push({ ...outcome.apply(at), ...(trace ? { objectWriteTraceId: trace } : {}) });
      } catch (error) {
        if (!(error instanceof HubSpotApiError) || outcome.input.objectWriteTraceId === undefined) throw error;
        outcome.error = error;
      }
    }
    return send(reply, okStatus, results, partialErrors(outcomes), startedAt);
  };

  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/batch/create', async (request, reply) => {
    const type = typeOf(request.params.objectType);
    const { inputs } = parseBody(batch(createInput), request.body);
    const pending = new Map<string, string>();
    return runBatchWrite(reply, 201, inputs, (input) => {
      const checked = store.checkWrite(type, input.properties, undefined, pending);
      if ('error' in checked) return { input, error: checked.error };
      return { input, apply: (at) => renderer.render(type, createOne(type, checked.values, input.associations ?? [], at), {}, true) };
    });
  });

  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/batch/update', async (request, reply) => {
    const type = typeOf(request.params.objectType);
    const { inputs } = parseBody(batch(updateInput), request.body);
    duplicateIds(inputs.map((i) => i.id));
    const pending = new Map<string, string>();
    return runBatchWrite(reply, 200, inputs, (input) => {
      const record = lookup(type, input.id, undefined);
      if (!record) return { input, error: missing(type, input.id) };
      const checked = store.checkWrite(type, input.properties, record, pending);
      if ('error' in checked) return { input, error: checked.error };
      return {
        input,
        apply: (at) => {
          store.update(type, record, checked.values, apiSource, at);
          return renderer.render(type, record, {}, true);
        },
      };
    });
  });

  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/batch/upsert', async (request, reply) => {
    const type = typeOf(request.params.objectType);
    const { inputs } = parseBody(batch(upsertInput), request.body);
    const pending = new Map<string, string>();
    const keys = new Set<string>();
    return runBatchWrite(reply, 200, inputs, (input) => {
      const idProperty = input.idProperty ?? 'hs_object_id';
      const property = idProperty === 'hs_object_id' ? undefined : store.schema.property(type, idProperty);
      if (idProperty !== 'hs_object_id' && !property?.hasUniqueValue) {
        return { input, error: validationError(`Property ${idProperty} is not a unique identifier property for ${type.name}`, { context: { idProperty: [idProperty] } }) };
      }
      const key = `${idProperty}\u0000${idProperty === 'email' ? input.id.toLowerCase() : input.id}`;
      if (keys.has(key)) return { input, error: validationError(`Duplicate ${idProperty} found in batch input: ${input.id}`, { context: { [idProperty]: [input.id] } }) };
      keys.add(key);
      const existing = store.findByUnique(type, idProperty, input.id);
      if (!existing && idProperty === 'hs_object_id') return { input, error: missing(type, input.id) };
      const properties = existing ? input.properties : { ...input.properties, [idProperty]: input.id };
      const checked = store.checkWrite(type, properties, existing, pending);
      if ('error' in checked) return { input, error: checked.error };
      return {
        input,
        apply: (at) => {
          if (!existing) return { ...renderer.render(type, store.create(type, checked.values, apiSource, at), {}, true), new: true };
          store.update(type, existing, checked.values, apiSource, at);
          return { ...renderer.render(type, existing, {}, true), new: false };
        },
      };
    });
  });

  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/batch/archive', async (request, reply) => {
    const type = typeOf(request.params.objectType);
    const body = parseBody(batch(idInput), request.body);
    checkBatchSize(body.inputs);
    const at = store.tick();
    for (const { id } of body.inputs) {
      const record = store.find(type.name, id);
      if (record && !record.archived) store.archive(type, record, at);
    }
    return reply.code(204).send();
  });

  // ---- search ------------------------------------------------------------------------------------------

  /** One cached result list: paging a large search re-sorts nothing until the data changes. */
  let cache: { key: string; version: number; matches: StoredRecord[] } | undefined;

  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/search', async (request) => {
    const type = typeOf(request.params.objectType);
    const search: SearchRequest = parseBody(searchRequestSchema, request.body);
    const { offset, limit } = checkSearchLimits(search);
    const key = JSON.stringify([type.name, search.filterGroups, search.sorts, search.query]);
    if (!cache || cache.key !== key || cache.version !== store.version) {
      const associatedIds = (record: StoredRecord, toTypeName: string) => {
        const toType = store.resolveObjectType(toTypeName);
        return toType === undefined ? undefined : ctx.associations()?.associationsOf(type.name, record.id, toType).map((a) => a.toId);
      };
      cache = { key, version: store.version, matches: runSearch(type, store.records(type.name).values(), search, associatedIds) };
    }
    const { matches } = cache;
    const page = matches.slice(offset, offset + limit);
    const body: Record<string, unknown> = { total: matches.length, results: page.map((r) => renderer.render(type, r, { properties: search.properties })) };
    const next = offset + limit;
    if (limit > 0 && next < matches.length) body.paging = { next: { after: String(next) } };
    return body;
  });

  // ---- merge -------------------------------------------------------------------------------------------

  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/merge', async (request) => {
    const type = typeOf(request.params.objectType);
    if (!['contacts', 'companies', 'deals', 'tickets'].includes(type.name)) {
      throw validationError(`Merging is not supported for object type ${type.name}`);
    }
    const input = parseBody(mergeInput, request.body);
    const primary = store.merge(type, input.primaryObjectId, input.objectIdToMerge);
    return renderer.render(type, primary, {}, true);
  });
}
