import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { AssociationCatalogue, type AssociationDefinition, type UserDefinedLabel } from './associations-catalogue.ts';
import { HubSpotApiError, notFound, validationError, type HubSpotErrorBody } from './errors.ts';
import type { HubSpotAssociationStore, HubSpotAssociationType, HubSpotChange, HubSpotEmulatorModule, HubSpotObjectType, HubSpotRecordReader } from './ports.ts';

/**
 * Associations v4 (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide): links between
 * records, each carrying one or more association type ids. Every link is stored from both ends, the far end
 * with the inverse type id, so a contact's companies and a company's contacts never disagree. The module also
 * serves the record store (HubSpotAssociationStore) for create bodies and `?associations=` reads.
 */

export interface AssociationLimit {
  fromObjectType: HubSpotObjectType;
  toObjectType: HubSpotObjectType;
  /** How many records of `toObjectType` one record of `fromObjectType` may be associated with. */
  maxToObjects: number;
}

export interface AssociationsSnapshot {
  /** One row per direction: [fromType, fromId, toType, toId, typeIds]. */
  links: Array<[string, string, string, string, number[]]>;
  /** Links of archived records, kept so that a restore brings them back. */
  archived: Record<string, Array<[string, string, number[]]>>;
  catalogue: { userLabels: UserDefinedLabel[]; nextTypeId: number };
  limits: AssociationLimit[];
}

/**
 * HubSpot lets an admin cap associations per record "up to 10,000" (knowledge base, "Set limits for record
 * associations"); the emulator applies that ceiling to every pair unless the admin API sets a lower one.
 */
export const defaultAssociationLimit = 10_000;

/** Page size of GET …/associations/{toObjectType}: HubSpot's default and maximum are both 500. */
const maxPageSize = 500;

/** Inputs per v4 batch call. HubSpot documents 1,000 for batch/read; the emulator holds every batch to it. */
const maxBatchInputs = 1_000;

const recordKey = (type: string, id: string) => `${type}\u0000${id}`;

type Links = Map<string, Map<string, Map<string, Set<number>>>>;

const associationSpec = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
});
const associationSpecs = z.array(associationSpec).min(1);
const objectId = z.object({ id: z.union([z.string().min(1), z.number()]).transform(String) });
const batchCreateBody = z.object({ inputs: z.array(z.object({ from: objectId, to: objectId, types: z.array(associationSpec).min(1) })) });
const batchDefaultBody = z.object({ inputs: z.array(z.object({ from: objectId, to: objectId })) });
const batchReadBody = z.object({ inputs: z.array(z.object({ id: z.union([z.string().min(1), z.number()]).transform(String), after: z.string().optional() })) });
const batchArchiveBody = z.object({ inputs: z.array(z.object({ from: objectId, to: z.array(objectId) })) });
const labelCreateBody = z.object({ label: z.string().min(1), name: z.string().min(1), inverseLabel: z.string().min(1).optional() });
const labelUpdateBody = z.object({ associationTypeId: z.number().int(), label: z.string().min(1), inverseLabel: z.string().min(1).optional() });
const limitBody = z.object({ fromObjectType: z.string(), toObjectType: z.string(), maxToObjects: z.number().int().min(1).max(defaultAssociationLimit) });

/** A batch input's refusal, as the `errors[]` of a 207 carries it (HubSpot's StandardError). */
const batchError = (error: HubSpotApiError): HubSpotErrorBody => error.body();

export function createAssociationsModule(
  reader: HubSpotRecordReader,
  emit: (change: HubSpotChange) => void,
): HubSpotEmulatorModule<AssociationsSnapshot> & HubSpotAssociationStore {
  const catalogue = new AssociationCatalogue();
  const links: Links = new Map();
  let archived = new Map<string, Array<[string, string, number[]]>>();
  const limits = new Map<string, number>();

  // ---- reading the record store ----------------------------------------------------------------------

  const typeOf = (nameOrId: string): HubSpotObjectType => {
    const type = reader.resolveObjectType(nameOrId);
    if (type === undefined) throw validationError(`Unable to infer object type from: ${nameOrId}`, { context: { objectType: [nameOrId] } });
    return type;
  };

  /** The record's current id: a merged-away id answers with the record it was merged into, as HubSpot's reads do. */
  const liveId = (type: HubSpotObjectType, id: string): string | undefined => {
    const record = reader.get(type, id);
    return record && !record.archived ? record.id : undefined;
  };

  const singular = (type: HubSpotObjectType) => (type.endsWith('ies') ? `${type.slice(0, -3)}y` : type.replace(/s$/, ''));

  const missing = (type: HubSpotObjectType, id: string) =>
    new HubSpotApiError(404, 'OBJECT_NOT_FOUND', `No ${singular(type)} with id ${id} exists`, { context: { objectType: [type], id: [id] } });

  const requireRecord = (type: HubSpotObjectType, id: string): string => {
    const live = liveId(type, id);
    if (live === undefined) throw missing(type, id);
    return live;
  };

  // ---- the link table ------------------------------------------------------------------------------

  const linksOf = (type: string, id: string, toType: string, create = false): Map<string, Set<number>> | undefined => {
    let byType = links.get(recordKey(type, id));
    if (!byType) {
      if (!create) return undefined;
      links.set(recordKey(type, id), (byType = new Map()));
    }
    let byId = byType.get(toType);
    if (!byId && create) byType.set(toType, (byId = new Map()));
    return byId;
  };

  /** Linked ids whose record still exists: a record discarded after a refused create leaves no trace in reads. */
  const liveLinks = (type: string, id: string, toType: string): Array<[string, Set<number>]> =>
    [...(linksOf(type, id, toType)?.entries() ?? [])].filter(([toId]) => liveId(toType, toId) === toId).sort(([a], [b]) => compareIds(a, b));

  const setTypes = (type: string, id: string, toType: string, toId: string, typeIds: Set<number>) => {
    const byId = linksOf(type, id, toType, true) as Map<string, Set<number>>;
    if (typeIds.size === 0) {
      byId.delete(toId);
      if (byId.size === 0) links.get(recordKey(type, id))?.delete(toType);
      if (links.get(recordKey(type, id))?.size === 0) links.delete(recordKey(type, id));
    } else {
      byId.set(toId, typeIds);
    }
  };

  const announce = (fromType: string, fromId: string, toType: string, toId: string, typeId: number, removed: boolean) =>
    emit({ kind: 'associationChange', fromObjectType: fromType, fromId, toObjectType: toType, toId, associationTypeId: typeId, removed });

  /** Adds and removes type ids on one pair, keeping the far end's inverse ids in step, and announces each change from both ends. */
  const applyTypes = (fromType: string, fromId: string, toType: string, toId: string, add: AssociationDefinition[], remove: AssociationDefinition[]) => {
    const forward = new Set(linksOf(fromType, fromId, toType)?.get(toId) ?? []);
    const backward = new Set(linksOf(toType, toId, fromType)?.get(fromId) ?? []);
    const changes: Array<[AssociationDefinition, boolean]> = [];
    for (const d of remove) {
      if (forward.delete(d.typeId)) changes.push([d, true]);
      backward.delete(d.inverseTypeId);
    }
    for (const d of add) {
      if (!forward.has(d.typeId)) changes.push([d, false]);
      forward.add(d.typeId);
      backward.add(d.inverseTypeId);
    }
    setTypes(fromType, fromId, toType, toId, forward);
    if (fromType !== toType || fromId !== toId) setTypes(toType, toId, fromType, fromId, backward);
    else for (const id of backward) forward.add(id);
    for (const [d, removed] of changes) {
      announce(fromType, fromId, toType, toId, d.typeId, removed);
      announce(toType, toId, fromType, fromId, d.inverseTypeId, removed);
    }
  };

  const limitFor = (fromType: string, toType: string) => limits.get(`${fromType}\u0000${toType}`) ?? defaultAssociationLimit;

  const checkLimit = (fromType: string, fromId: string, toType: string, toId: string) => {
    if (linksOf(fromType, fromId, toType)?.has(toId)) return;
    for (const [type, id, other] of [[fromType, fromId, toType], [toType, toId, fromType]] as const) {
      const limit = limitFor(type, other);
      // The raw count bounds the live one: only a record near its limit pays for looking its links up.
      const stored = linksOf(type, id, other)?.size ?? 0;
      if (stored >= limit && liveLinks(type, id, other).length >= limit) {
        throw new HubSpotApiError(400, 'VALIDATION_ERROR', `${capitalise(singular(type))} ${id} has reached its limit of ${limit} associated ${other}; remove an association before adding another`, {
          context: { fromObjectId: [id], toObjectType: [other], limit: [String(limit)] },
        });
      }
    }
  };

  /**
   * Associates two records with the given types plus the pair's default type: HubSpot never holds a labelled
   * association without the unlabelled one. A single-valued type (Primary company) moves from the record's
   * previous holder to this one, leaving the previous pair unlabelled, as setting a new primary does in the UI.
   */
  const associate = (fromType: string, fromId: string, toType: string, toId: string, types: HubSpotAssociationType[]): AssociationDefinition[] => {
    const definitions = types.map((t) => {
      const definition = catalogue.find(fromType, toType, t.associationTypeId);
      if (!definition || definition.category !== t.associationCategory) {
        throw new HubSpotApiError(400, 'VALIDATION_ERROR', `${t.associationCategory} ${t.associationTypeId} is not a valid association type id for ${fromType} to ${toType}`, {
          context: { associationTypeId: [String(t.associationTypeId)], fromObjectType: [fromType], toObjectType: [toType] },
        });
      }
      return definition;
    });
    const fallback = catalogue.defaultOf(fromType, toType);
    if (!fallback) throw new HubSpotApiError(400, 'VALIDATION_ERROR', `There are no association types between ${fromType} and ${toType}`, { context: { fromObjectType: [fromType], toObjectType: [toType] } });
    if (!definitions.some((d) => d.typeId === fallback.typeId)) definitions.unshift(fallback);
    checkLimit(fromType, fromId, toType, toId);
    for (const single of definitions.filter((d) => d.single)) {
      for (const [otherId, typeIds] of [...(linksOf(fromType, fromId, toType)?.entries() ?? [])]) {
        if (otherId !== toId && typeIds.has(single.typeId)) applyTypes(fromType, fromId, toType, otherId, [], [single]);
      }
    }
    applyTypes(fromType, fromId, toType, toId, definitions, []);
    return definitions;
  };

  const removeAll = (fromType: string, fromId: string, toType: string, toId: string) => {
    const current = linksOf(fromType, fromId, toType)?.get(toId);
    if (!current) return;
    const definitions = [...current].map((id) => catalogue.find(fromType, toType, id) ?? orphan(fromType, toType, id, toId));
    applyTypes(fromType, fromId, toType, toId, [], definitions);
  };

  /** A type id whose user-defined label was deleted: still removable, with its inverse looked up on the far end. */
  const orphan = (fromType: string, toType: string, typeId: number, toId: string): AssociationDefinition => ({
    fromType, toType, typeId, category: 'USER_DEFINED', label: null, isDefault: false, single: false,
    inverseTypeId: [...(linksOf(toType, toId, fromType)?.values() ?? [])].flatMap((s) => [...s])[0] ?? typeId,
  });

  const typesWithLabels = (fromType: string, toType: string, typeIds: Iterable<number>) =>
    [...typeIds]
      .map((id) => catalogue.find(fromType, toType, id))
      .filter((d): d is AssociationDefinition => d !== undefined)
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.typeId - b.typeId)
      .map((d) => ({ category: d.category, typeId: d.typeId, label: d.label }));

  /** LabelsBetweenObjectPair: what the labelled create endpoints answer. Ids are numbers on HubSpot's wire. */
  const labelsBetween = (fromType: string, fromId: string, toType: string, toId: string) => ({
    fromObjectTypeId: reader.objectTypeId(fromType),
    fromObjectId: numericId(fromId),
    toObjectTypeId: reader.objectTypeId(toType),
    toObjectId: numericId(toId),
    labels: typesWithLabels(fromType, toType, linksOf(fromType, fromId, toType)?.get(toId) ?? []).flatMap((t) => (t.label === null ? [] : [t.label])),
  });

  const defaultResults = (fromType: string, fromId: string, toType: string, toId: string) => {
    const forward = catalogue.defaultOf(fromType, toType) as AssociationDefinition;
    return [
      { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: forward.category, associationTypeId: forward.typeId } },
      { from: { id: toId }, to: { id: fromId }, associationSpec: { associationCategory: forward.category, associationTypeId: forward.inverseTypeId } },
    ];
  };

  /** One page of a record's associations of one type, ordered by id; `after` is an opaque offset. */
  const page = (fromType: string, fromId: string, toType: string, after: string | undefined, limit: number) => {
    const all = liveLinks(fromType, fromId, toType);
    const start = after === undefined || after === '' ? 0 : decodeAfter(after);
    const slice = all.slice(start, start + limit);
    const results = slice.map(([toId, typeIds]) => ({ toObjectId: numericId(toId), associationTypes: typesWithLabels(fromType, toType, typeIds) }));
    const next = start + limit < all.length ? encodeAfter(start + limit) : undefined;
    return { results, next };
  };

  // ---- record lifecycle ----------------------------------------------------------------------------

  const archiveRecord = (type: string, id: string) => {
    const byType = links.get(recordKey(type, id));
    if (!byType) return;
    const kept: Array<[string, string, number[]]> = [];
    for (const [toType, byId] of [...byType]) {
      for (const [toId, typeIds] of [...byId]) {
        kept.push([toType, toId, [...typeIds]]);
        removeAll(type, id, toType, toId);
      }
    }
    archived.set(recordKey(type, id), kept);
  };

  const restoreRecord = (type: string, id: string) => {
    const kept = archived.get(recordKey(type, id));
    if (!kept) return;
    archived.delete(recordKey(type, id));
    for (const [toType, toId, typeIds] of kept) {
      if (liveId(toType, toId) !== toId) continue;
      const definitions = typeIds.map((t) => catalogue.find(type, toType, t)).filter((d): d is AssociationDefinition => d !== undefined);
      if (definitions.length > 0) applyTypes(type, id, toType, toId, definitions, []);
    }
  };

  /** The merged records' associations move to the primary; where both held a single-valued type, the primary's own stays. */
  const mergeRecords = (type: string, primaryId: string, mergedIds: string[]) => {
    for (const mergedId of mergedIds) {
      const byType = links.get(recordKey(type, mergedId));
      if (!byType) continue;
      for (const [toType, byId] of [...byType]) {
        for (const [toId, typeIds] of [...byId]) {
          const definitions = [...typeIds].map((t) => catalogue.find(type, toType, t)).filter((d): d is AssociationDefinition => d !== undefined);
          removeAll(type, mergedId, toType, toId);
          const target = toType === type && toId === primaryId ? undefined : toId;
          if (target === undefined) continue; // the two merged records were associated with each other
          const primaryHolds = (d: AssociationDefinition) => [...(linksOf(type, primaryId, toType)?.values() ?? [])].some((s) => s.has(d.typeId));
          const moved = definitions.filter((d) => !d.single || !primaryHolds(d));
          if (moved.length > 0) applyTypes(type, primaryId, toType, target, moved, []);
        }
      }
    }
  };

  // ---- HTTP ----------------------------------------------------------------------------------------

  /** Each route says what a partial batch answers: 207 where HubSpot's spec lists it, else the route's success status. */
  const batchReply = (reply: FastifyReply, okStatus: number, startedAt: string, results: unknown[], errors: ReturnType<typeof batchError>[], partialStatus = 207) => {
    const body = {
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      startedAt,
      completedAt: new Date().toISOString(),
    };
    return reply.code(errors.length > 0 ? partialStatus : okStatus).send(body);
  };

  const batchInputs = <T>(inputs: T[]): T[] => {
    if (inputs.length > maxBatchInputs) throw validationError(`Too many inputs: ${inputs.length}. The maximum is ${maxBatchInputs}.`, { context: { inputs: [String(inputs.length)] } });
    return inputs;
  };

  /** Runs one batch input; a refusal becomes an entry of `errors[]`, anything else is a real failure. */
  const attempt = <T>(run: () => T, errors: ReturnType<typeof batchError>[]): T | undefined => {
    try {
      return run();
    } catch (error) {
      if (error instanceof HubSpotApiError) {
        errors.push(batchError(error));
        return undefined;
      }
      throw error;
    }
  };

  const register = (app: FastifyInstance) => {
    type PairParams = { objectType: string; objectId: string; toObjectType: string; toObjectId: string };

    app.put<{ Params: PairParams }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (request, reply) => {
      const types = associationSpecs.parse(request.body);
      const fromType = typeOf(request.params.objectType);
      const toType = typeOf(request.params.toObjectType);
      const fromId = requireRecord(fromType, request.params.objectId);
      const toId = requireRecord(toType, request.params.toObjectId);
      associate(fromType, fromId, toType, toId, types);
      return reply.code(201).send(labelsBetween(fromType, fromId, toType, toId));
    });

    app.put<{ Params: { fromObjectType: string; fromObjectId: string; toObjectType: string; toObjectId: string } }>(
      '/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId',
      async (request, reply) => {
        const startedAt = new Date().toISOString();
        const fromType = typeOf(request.params.fromObjectType);
        const toType = typeOf(request.params.toObjectType);
        const fromId = requireRecord(fromType, request.params.fromObjectId);
        const toId = requireRecord(toType, request.params.toObjectId);
        associate(fromType, fromId, toType, toId, []);
        return batchReply(reply, 200, startedAt, defaultResults(fromType, fromId, toType, toId), []);
      },
    );

    app.get<{ Params: { objectType: string; objectId: string; toObjectType: string }; Querystring: { after?: string; limit?: string } }>(
      '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType',
      async (request) => {
        const fromType = typeOf(request.params.objectType);
        const toType = typeOf(request.params.toObjectType);
        const fromId = requireRecord(fromType, request.params.objectId);
        const limit = request.query.limit === undefined ? maxPageSize : Number(request.query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
          throw validationError(`limit must be between 1 and ${maxPageSize}, got ${String(request.query.limit)}`, { context: { limit: [String(request.query.limit)] } });
        }
        const { results, next } = page(fromType, fromId, toType, request.query.after, limit);
        // HubSpot leaves `paging` out on the last page (hubspot-api-python#187).
        return { results, ...(next ? { paging: { next: { after: next, link: `${request.url.split('?')[0]}?after=${next}` } } } : {}) };
      },
    );

    app.delete<{ Params: PairParams }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (request, reply) => {
      const fromType = typeOf(request.params.objectType);
      const toType = typeOf(request.params.toObjectType);
      const fromId = requireRecord(fromType, request.params.objectId);
      const toId = liveId(toType, request.params.toObjectId) ?? request.params.toObjectId;
      removeAll(fromType, fromId, toType, toId);
      return reply.code(204).send();
    });

    type BatchParams = { fromObjectType: string; toObjectType: string };
    const batchPath = (action: string) => `/crm/v4/associations/:fromObjectType/:toObjectType/batch/${action}`;

    /** A v4 batch route: each input runs alone, and a refused one becomes an entry of `errors[]`. */
    const batchRoute = <I>(action: string, body: z.ZodType<{ inputs: I[] }>, status: { ok: number; partial: number }, run: (input: I, fromType: string, toType: string) => unknown[]) =>
      app.post<{ Params: BatchParams }>(batchPath(action), async (request, reply) => {
        const startedAt = new Date().toISOString();
        const { inputs } = body.parse(request.body);
        const fromType = typeOf(request.params.fromObjectType);
        const toType = typeOf(request.params.toObjectType);
        const results: unknown[] = [];
        const errors: ReturnType<typeof batchError>[] = [];
        for (const input of batchInputs(inputs)) results.push(...(attempt(() => run(input, fromType, toType), errors) ?? []));
        return batchReply(reply, status.ok, startedAt, results, errors, status.partial);
      });

    batchRoute('create', batchCreateBody, { ok: 201, partial: 207 }, (input, fromType, toType) => {
      const fromId = requireRecord(fromType, input.from.id);
      const toId = requireRecord(toType, input.to.id);
      associate(fromType, fromId, toType, toId, input.types);
      return [labelsBetween(fromType, fromId, toType, toId)];
    });

    // HubSpot's spec lists only 200 for associate/default, so refused inputs ride inside a 200 with `errors[]`.
    batchRoute('associate/default', batchDefaultBody, { ok: 200, partial: 200 }, (input, fromType, toType) => {
      const fromId = requireRecord(fromType, input.from.id);
      const toId = requireRecord(toType, input.to.id);
      associate(fromType, fromId, toType, toId, []);
      return defaultResults(fromType, fromId, toType, toId);
    });

    batchRoute('read', batchReadBody, { ok: 200, partial: 207 }, (input, fromType, toType) => {
      const fromId = requireRecord(fromType, input.id);
      const { results: to, next } = page(fromType, fromId, toType, input.after, maxPageSize);
      // HubSpot answers a record with nothing associated as an error of the batch, not an empty `to`.
      if (to.length === 0) {
        throw new HubSpotApiError(404, 'OBJECT_NOT_FOUND', `No ${singular(toType)} is associated with ${singular(fromType)} ${input.id}.`, {
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          context: { fromObjectId: [input.id], toObjectType: [toType] },
        });
      }
      return [{ from: { id: input.id }, to, ...(next ? { paging: { next: { after: next } } } : {}) }];
    });

    app.post<{ Params: BatchParams }>(batchPath('archive'), async (request, reply) => {
      const { inputs } = batchArchiveBody.parse(request.body);
      const fromType = typeOf(request.params.fromObjectType);
      const toType = typeOf(request.params.toObjectType);
      for (const input of batchInputs(inputs)) {
        const fromId = liveId(fromType, input.from.id) ?? input.from.id;
        for (const to of input.to) removeAll(fromType, fromId, toType, liveId(toType, to.id) ?? to.id);
      }
      return reply.code(204).send();
    });

    app.post<{ Params: BatchParams }>(batchPath('labels/archive'), async (request, reply) => {
      const { inputs } = batchCreateBody.parse(request.body);
      const fromType = typeOf(request.params.fromObjectType);
      const toType = typeOf(request.params.toObjectType);
      for (const input of batchInputs(inputs)) {
        const fromId = liveId(fromType, input.from.id) ?? input.from.id;
        const toId = liveId(toType, input.to.id) ?? input.to.id;
        const fallback = catalogue.defaultOf(fromType, toType);
        // Taking away the unlabelled type takes the whole association: no label survives without it.
        if (fallback && input.types.some((t) => t.associationTypeId === fallback.typeId)) {
          removeAll(fromType, fromId, toType, toId);
          continue;
        }
        const definitions = input.types.map((t) => catalogue.find(fromType, toType, t.associationTypeId)).filter((d): d is AssociationDefinition => d !== undefined);
        applyTypes(fromType, fromId, toType, toId, [], definitions);
      }
      return reply.code(204).send();
    });

    // ---- association type catalogue (associations schema v4) ----

    const labelsPath = '/crm/v4/associations/:fromObjectType/:toObjectType/labels';
    const labelList = (fromType: string, toType: string) => ({
      results: catalogue.definitions(fromType, toType).map((d) => ({ category: d.category, typeId: d.typeId, label: d.label })),
    });

    app.get<{ Params: BatchParams }>(labelsPath, async (request) => labelList(typeOf(request.params.fromObjectType), typeOf(request.params.toObjectType)));

    app.post<{ Params: BatchParams }>(labelsPath, async (request) => {
      const input = labelCreateBody.parse(request.body);
      const fromType = typeOf(request.params.fromObjectType);
      const toType = typeOf(request.params.toObjectType);
      if (catalogue.definitions(fromType, toType).some((d) => d.label === input.label)) {
        throw new HubSpotApiError(409, 'CONFLICT', `An association label named '${input.label}' already exists between ${fromType} and ${toType}`, { context: { label: [input.label] } });
      }
      const created = catalogue.createLabel(fromType, toType, input.name, input.label, input.inverseLabel);
      return { results: created.map((d) => ({ category: d.category, typeId: d.typeId, label: d.label })) };
    });

    app.put<{ Params: BatchParams }>(labelsPath, async (request, reply) => {
      const input = labelUpdateBody.parse(request.body);
      const fromType = typeOf(request.params.fromObjectType);
      const toType = typeOf(request.params.toObjectType);
      if (!catalogue.updateLabel(fromType, toType, input.associationTypeId, input.label, input.inverseLabel)) {
        throw notFound(`No user-defined association type ${input.associationTypeId} between ${fromType} and ${toType}`, { associationTypeId: [String(input.associationTypeId)] });
      }
      return reply.code(204).send();
    });

    app.delete<{ Params: BatchParams & { associationTypeId: string } }>(`${labelsPath}/:associationTypeId`, async (request, reply) => {
      const fromType = typeOf(request.params.fromObjectType);
      const toType = typeOf(request.params.toObjectType);
      const typeId = Number(request.params.associationTypeId);
      const definition = catalogue.find(fromType, toType, typeId);
      if (!definition || definition.category !== 'USER_DEFINED' || definition.isDefault) {
        throw notFound(`No user-defined association type ${request.params.associationTypeId} between ${fromType} and ${toType}`, { associationTypeId: [request.params.associationTypeId] });
      }
      // Records keep their association, unlabelled: the label goes, the link stays.
      for (const [key, byType] of links) {
        const [type] = key.split('\u0000') as [string, string];
        if (type !== fromType && type !== toType) continue;
        for (const [, byId] of byType) for (const typeIds of byId.values()) for (const id of [typeId, definition.inverseTypeId]) typeIds.delete(id);
      }
      catalogue.deleteLabel(fromType, toType, typeId);
      return reply.code(204).send();
    });

    // ---- admin: association limits, not counted as API calls ----

    app.get('/__emulator/associations/limits', async () => ({ default: defaultAssociationLimit, limits: limitList() }));
    app.post('/__emulator/associations/limits', async (request) => {
      const input = limitBody.parse(request.body);
      const fromType = typeOf(input.fromObjectType);
      const toType = typeOf(input.toObjectType);
      limits.set(`${fromType}\u0000${toType}`, input.maxToObjects);
      return { default: defaultAssociationLimit, limits: limitList() };
    });
  };

  const limitList = (): AssociationLimit[] =>
    [...limits].map(([key, maxToObjects]) => {
      const [fromObjectType, toObjectType] = key.split('\u0000') as [string, string];
      return { fromObjectType, toObjectType, maxToObjects };
    });

  return {
    name: 'associations',
    register,

    associate(fromType, fromId, toType, toId, types) {
      // The store has checked both records; a refusal's message is what HubSpot shows in the create's 400.
      associate(fromType, fromId, toType, toId, types);
    },

    associationsOf(fromType, fromId, toType) {
      return liveLinks(fromType, fromId, toType).map(([toId, typeIds]) => ({
        toId,
        types: [...typeIds]
          .map((id) => catalogue.find(fromType, toType, id))
          .filter((d): d is AssociationDefinition => d !== undefined)
          .map((d) => ({ associationCategory: d.category, associationTypeId: d.typeId })),
      }));
    },

    onChange(change) {
      switch (change.kind) {
        case 'deletion':
          archiveRecord(change.objectType, change.id);
          return;
        case 'restore':
          restoreRecord(change.record.objectType, change.record.id);
          return;
        case 'merge':
          mergeRecords(change.objectType, change.newId, change.mergedIds.filter((id) => id !== change.newId));
          return;
        default:
          return;
      }
    },

    state: {
      reset() {
        links.clear();
        archived = new Map();
        limits.clear();
        catalogue.reset();
      },
      snapshot() {
        const rows: AssociationsSnapshot['links'] = [];
        for (const [key, byType] of links) {
          const [type, id] = key.split('\u0000') as [string, string];
          for (const [toType, byId] of byType) for (const [toId, typeIds] of byId) rows.push([type, id, toType, toId, [...typeIds]]);
        }
        return { links: rows, archived: Object.fromEntries(archived), catalogue: catalogue.snapshot(), limits: limitList() };
      },
      restore(snapshot) {
        links.clear();
        limits.clear();
        catalogue.restore(snapshot.catalogue);
        for (const [type, id, toType, toId, typeIds] of snapshot.links) setTypes(type, id, toType, toId, new Set(typeIds));
        archived = new Map(Object.entries(snapshot.archived));
        for (const limit of snapshot.limits) limits.set(`${limit.fromObjectType}\u0000${limit.toObjectType}`, limit.maxToObjects);
      },
    },
  };
}

function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}

/** HubSpot serialises record ids in v4 association bodies as JSON numbers (they are longs in its API). */
function numericId(id: string): number | string {
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : id;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const encodeAfter = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

function decodeAfter(after: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(after, 'base64url').toString());
  if (!match) throw validationError(`Invalid after cursor: ${after}`, { context: { after: [after] } });
  return Number(match[1]);
}
