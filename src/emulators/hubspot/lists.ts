import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { HubSpotApiError, notFound, validationError } from './errors.ts';
import { matches, parseFilterBranch, type FilterBranch } from './lists-filters.ts';
import type { HubSpotChange, HubSpotEmulatorModule, HubSpotObjectType, HubSpotRecordReader, HubSpotRecordView } from './ports.ts';

/**
 * Lists v3 (https://developers.hubspot.com/docs/api-reference/crm-lists-v3/guide): MANUAL lists whose members
 * are added and removed by hand, SNAPSHOT lists filled once from their filters and manual afterwards, and
 * DYNAMIC lists whose membership follows their filters: the module re-evaluates a record against every
 * dynamic list of its type on each change the record store announces.
 */

type ProcessingType = 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC';

interface StoredList {
  listId: string;
  name: string;
  objectType: HubSpotObjectType;
  objectTypeId: string;
  processingType: ProcessingType;
  filterBranch?: FilterBranch;
  listVersion: number;
  createdAt: number;
  updatedAt: number;
  filtersUpdatedAt: number;
  deletedAt?: number;
  /** recordId → when it (last) joined; Map keeps join order for the join-order endpoint. */
  members: Map<string, { first: number; last: number }>;
}

interface SnapshotList extends Omit<StoredList, 'members'> {
  members: Array<[string, number, number]>;
}

export interface ListsSnapshot {
  lists: SnapshotList[];
  nextListId: number;
}

const createBody = z.object({
  name: z.string().trim().min(1),
  objectTypeId: z.string().min(1),
  processingType: z.enum(['MANUAL', 'SNAPSHOT', 'DYNAMIC']),
  filterBranch: z.unknown().optional(),
  listFolderId: z.number().optional(),
  customProperties: z.record(z.string(), z.string()).optional(),
  membershipSettings: z.object({ membershipTeamId: z.number().optional(), includeUnassigned: z.boolean().optional() }).optional(),
  listPermissions: z.unknown().optional(),
});
const adminBody = createBody.extend({ recordIds: z.array(z.union([z.string(), z.number()]).transform(String)).optional() });
const idList = z.array(z.union([z.string().min(1), z.number()]).transform(String));
const changeBody = z.object({ recordIdsToAdd: idList.default([]), recordIdsToRemove: idList.default([]) });
const searchBody = z.object({
  query: z.string().optional(),
  listIds: z.array(z.string()).optional(),
  processingTypes: z.array(z.enum(['MANUAL', 'SNAPSHOT', 'DYNAMIC'])).optional(),
  offset: z.number().int().min(0).default(0),
  count: z.number().int().min(1).max(500).default(20),
  additionalProperties: z.array(z.string()).optional(),
  sort: z.string().optional(),
});

/** Memberships pages: HubSpot's default is 100, its maximum 250. */
const defaultPageSize = 100;
const maxPageSize = 250;

export function createListsModule(reader: HubSpotRecordReader): HubSpotEmulatorModule<ListsSnapshot> {
  const lists = new Map<string, StoredList>();
  let nextListId = 1;

  const iso = (ms: number) => new Date(ms).toISOString();

  const live = (listId: string): StoredList => {
    const list = lists.get(listId);
    if (!list || list.deletedAt !== undefined) throw notFound(`List ${listId} does not exist.`, { listId: [listId] });
    return list;
  };

  const typeOf = (objectTypeId: string): HubSpotObjectType => {
    const type = reader.resolveObjectType(objectTypeId);
    if (type === undefined) throw validationError(`Unable to infer object type from: ${objectTypeId}`, { context: { objectTypeId: [objectTypeId] } });
    return type;
  };

  const existing = (list: StoredList, id: string): HubSpotRecordView | undefined => {
    const record = reader.get(list.objectType, id);
    return record && !record.archived && record.id === id ? record : undefined;
  };

  /** PublicObjectList; the filter definition only when asked for, as `includeFilters` does. */
  const render = (list: StoredList, includeFilters: boolean) => ({
    listId: list.listId,
    listVersion: list.listVersion,
    name: list.name,
    objectTypeId: list.objectTypeId,
    processingType: list.processingType,
    processingStatus: 'COMPLETE',
    createdAt: iso(list.createdAt),
    updatedAt: iso(list.updatedAt),
    filtersUpdatedAt: iso(list.filtersUpdatedAt),
    size: list.members.size,
    ...(list.deletedAt !== undefined ? { deletedAt: iso(list.deletedAt) } : {}),
    ...(includeFilters && list.filterBranch ? { filterBranch: list.filterBranch } : {}),
  });

  const join = (list: StoredList, id: string, at: number): boolean => {
    const held = list.members.get(id);
    if (held) return false;
    list.members.set(id, { first: at, last: at });
    return true;
  };

  /** Fills a SNAPSHOT or DYNAMIC list from its filters over every record of its type. */
  const evaluateAll = (list: StoredList) => {
    if (!list.filterBranch) return;
    const at = Date.now();
    for (const record of reader.scan(list.objectType)) {
      if (!record.archived && matches(list.filterBranch, record)) join(list, record.id, at);
    }
  };

  const create = (input: z.infer<typeof createBody>, recordIds: string[] = []): StoredList => {
    const objectType = typeOf(input.objectTypeId);
    const objectTypeId = reader.objectTypeId(objectType);
    const filterBranch = input.filterBranch === undefined ? undefined : parseFilterBranch(input.filterBranch);
    if (input.processingType === 'MANUAL' && filterBranch) throw validationError('MANUAL lists cannot have a filterBranch; use SNAPSHOT or DYNAMIC', { context: { processingType: ['MANUAL'] } });
    if (input.processingType === 'DYNAMIC' && !filterBranch) throw validationError('DYNAMIC lists require a filterBranch', { context: { filterBranch: [] } });
    const clash = [...lists.values()].find((l) => l.deletedAt === undefined && l.name.toLowerCase() === input.name.toLowerCase());
    if (clash) throw new HubSpotApiError(409, 'CONFLICT', `A list named '${input.name}' already exists (list ${clash.listId}).`, { context: { name: [input.name] } });
    const now = Date.now();
    const list: StoredList = {
      listId: String(nextListId++),
      name: input.name,
      objectType,
      objectTypeId,
      processingType: input.processingType,
      ...(filterBranch ? { filterBranch } : {}),
      listVersion: 1,
      createdAt: now,
      updatedAt: now,
      filtersUpdatedAt: now,
      members: new Map(),
    };
    evaluateAll(list);
    for (const id of recordIds) if (existing(list, id)) join(list, id, now);
    lists.set(list.listId, list);
    return list;
  };

  const requireManual = (list: StoredList) => {
    if (list.processingType === 'DYNAMIC') {
      throw validationError(`List ${list.listId} is a DYNAMIC list: its memberships follow its filters and cannot be changed by hand. Only MANUAL and SNAPSHOT lists accept membership changes.`, {
        context: { listId: [list.listId], processingType: ['DYNAMIC'] },
      });
    }
  };

  /** MembershipsUpdateResponse; `recordsIdsAdded` is HubSpot's own spelling of the field. */
  const change = (list: StoredList, toAdd: string[], toRemove: string[]) => {
    requireManual(list);
    const at = Date.now();
    const added: string[] = [];
    const removed: string[] = [];
    const missing: string[] = [];
    for (const id of toAdd) {
      if (!existing(list, id)) missing.push(id);
      else if (join(list, id, at)) added.push(id);
    }
    for (const id of toRemove) {
      if (list.members.delete(id)) removed.push(id);
      else if (!existing(list, id)) missing.push(id);
    }
    if (added.length > 0 || removed.length > 0) list.updatedAt = at;
    return { recordsIdsAdded: added, recordIdsRemoved: removed, recordIdsMissing: [...new Set(missing)] };
  };

  const pageOf = <T>(entries: T[], after: string | undefined, limitParam: string | undefined) => {
    const limit = limitParam === undefined ? defaultPageSize : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) throw validationError(`limit must be between 1 and ${maxPageSize}, got ${String(limitParam)}`, { context: { limit: [String(limitParam)] } });
    const start = after === undefined || after === '' ? 0 : decodeAfter(after);
    const slice = entries.slice(start, start + limit);
    const next = start + limit < entries.length ? encodeAfter(start + limit) : undefined;
    return { slice, next };
  };

  const reevaluate = (record: HubSpotRecordView) => {
    const at = Date.now();
    for (const list of lists.values()) {
      if (list.deletedAt !== undefined || list.processingType !== 'DYNAMIC' || list.objectType !== record.objectType || !list.filterBranch) continue;
      const belongs = !record.archived && matches(list.filterBranch, record);
      if (belongs && join(list, record.id, at)) list.updatedAt = at;
      if (!belongs && list.members.delete(record.id)) list.updatedAt = at;
    }
  };

  const forget = (objectType: HubSpotObjectType, id: string) => {
    for (const list of lists.values()) if (list.objectType === objectType && list.members.delete(id)) list.updatedAt = Date.now();
  };

  const onChange = (change: HubSpotChange) => {
    switch (change.kind) {
      case 'creation':
      case 'propertyChange':
      case 'restore':
        reevaluate(change.record);
        return;
      case 'deletion':
        forget(change.objectType, change.id);
        return;
      case 'merge': {
        // The merged records' manual memberships pass to the record that survives; dynamic lists ask the filters.
        const at = Date.now();
        for (const list of lists.values()) {
          if (list.objectType !== change.objectType) continue;
          for (const mergedId of change.mergedIds) {
            if (mergedId === change.newId || !list.members.delete(mergedId)) continue;
            if (list.processingType !== 'DYNAMIC') join(list, change.newId, at);
            list.updatedAt = at;
          }
        }
        const survivor = reader.get(change.objectType, change.newId);
        if (survivor) reevaluate(survivor);
        return;
      }
      default:
        return;
    }
  };

  const sendChange = (reply: FastifyReply, body: unknown) => reply.code(200).send(body);

  const register = (app: FastifyInstance) => {
    type ListParams = { Params: { listId: string } };
    const includeFilters = (q: unknown) => (q as { includeFilters?: string }).includeFilters === 'true';

    // The official client posts to "/crm/v3/lists/" (trailing slash); HubSpot answers both spellings.
    for (const path of ['/crm/v3/lists', '/crm/v3/lists/']) {
      app.post(path, async (request) => {
        const list = create(createBody.parse(request.body));
        return { list: render(list, true) };
      });
      app.get<{ Querystring: { listIds?: string | string[]; includeFilters?: string } }>(path, async (request) => {
        const ids = request.query.listIds === undefined ? undefined : [request.query.listIds].flat();
        const chosen = [...lists.values()].filter((l) => l.deletedAt === undefined && (ids === undefined || ids.includes(l.listId)));
        return { lists: chosen.map((l) => render(l, includeFilters(request.query))) };
      });
    }

    app.post('/crm/v3/lists/search', async (request) => {
      const input = searchBody.parse(request.body);
      const query = input.query?.toLowerCase() ?? '';
      const found = [...lists.values()].filter(
        (l) =>
          l.deletedAt === undefined &&
          l.name.toLowerCase().includes(query) &&
          (input.listIds === undefined || input.listIds.length === 0 || input.listIds.includes(l.listId)) &&
          (input.processingTypes === undefined || input.processingTypes.length === 0 || input.processingTypes.includes(l.processingType)),
      );
      const slice = found.slice(input.offset, input.offset + input.count);
      return {
        lists: slice.map((l) => {
          const { size, ...rest } = render(l, false);
          return { ...rest, additionalProperties: { hs_list_size: String(size), hs_list_reference_count: '0' } };
        }),
        total: found.length,
        offset: input.offset + slice.length,
        hasMore: input.offset + slice.length < found.length,
      };
    });

    app.get<ListParams>('/crm/v3/lists/:listId', async (request) => ({ list: render(live(request.params.listId), includeFilters(request.query)) }));

    app.get<{ Params: { objectTypeId: string; listName: string } }>('/crm/v3/lists/object-type-id/:objectTypeId/name/:listName', async (request) => {
      const objectType = typeOf(request.params.objectTypeId);
      const list = [...lists.values()].find((l) => l.deletedAt === undefined && l.objectType === objectType && l.name.toLowerCase() === request.params.listName.toLowerCase());
      if (!list) throw notFound(`List with name ${request.params.listName} does not exist.`, { listName: [request.params.listName] });
      return { list: render(list, includeFilters(request.query)) };
    });

    app.delete<ListParams>('/crm/v3/lists/:listId', async (request, reply) => {
      const list = live(request.params.listId);
      // HubSpot keeps a deleted list restorable (for 90 days); its members go with it.
      list.deletedAt = Date.now();
      return reply.code(204).send();
    });

    app.put<ListParams>('/crm/v3/lists/:listId/restore', async (request, reply) => {
      const list = lists.get(request.params.listId);
      if (!list || list.deletedAt === undefined) throw notFound(`No deleted list ${request.params.listId} to restore.`, { listId: [request.params.listId] });
      delete list.deletedAt;
      return reply.code(204).send();
    });

    app.put<ListParams & { Querystring: { listName?: string } }>('/crm/v3/lists/:listId/update-list-name', async (request) => {
      const list = live(request.params.listId);
      const name = request.query.listName?.trim();
      if (!name) throw validationError('listName is required', { context: { listName: [''] } });
      const clash = [...lists.values()].find((l) => l.deletedAt === undefined && l !== list && l.name.toLowerCase() === name.toLowerCase());
      if (clash) throw new HubSpotApiError(409, 'CONFLICT', `A list named '${name}' already exists (list ${clash.listId}).`, { context: { name: [name] } });
      list.name = name;
      list.listVersion += 1;
      list.updatedAt = Date.now();
      return { updatedList: render(list, includeFilters(request.query)) };
    });

    // New filters take effect at once: members that no longer pass leave, records that now pass join.
    app.put<ListParams>('/crm/v3/lists/:listId/update-list-filters', async (request) => {
      const list = live(request.params.listId);
      if (list.processingType !== 'DYNAMIC') {
        throw validationError(`List ${list.listId} is a ${list.processingType} list; only DYNAMIC lists have filters that can be updated.`, { context: { listId: [list.listId] } });
      }
      const { filterBranch } = z.object({ filterBranch: z.unknown() }).parse(request.body);
      list.filterBranch = parseFilterBranch(filterBranch);
      const now = Date.now();
      list.listVersion += 1;
      list.updatedAt = list.filtersUpdatedAt = now;
      // Members that still pass keep their join time; the others leave, and newly passing records join.
      const branch = list.filterBranch;
      for (const id of [...list.members.keys()]) {
        const record = existing(list, id);
        if (!record || !matches(branch, record)) list.members.delete(id);
      }
      evaluateAll(list);
      return { updatedList: render(list, true) };
    });

    app.get<ListParams & { Querystring: { after?: string; limit?: string } }>('/crm/v3/lists/:listId/memberships', async (request) => {
      const list = live(request.params.listId);
      const ordered = [...list.members].sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b));
      const { slice, next } = pageOf(ordered, request.query.after, request.query.limit);
      return {
        results: slice.map(([recordId, joined]) => ({ recordId, membershipTimestamp: iso(joined.last) })),
        total: list.members.size,
        ...(next ? { paging: { next: { after: next } } } : {}),
      };
    });

    app.get<ListParams & { Querystring: { after?: string; limit?: string } }>('/crm/v3/lists/:listId/memberships/join-order', async (request) => {
      const list = live(request.params.listId);
      const ordered = [...list.members].sort(([, a], [, b]) => a.last - b.last);
      const { slice, next } = pageOf(ordered, request.query.after, request.query.limit);
      return {
        results: slice.map(([recordId, joined]) => ({ recordId, membershipTimestamp: iso(joined.last) })),
        total: list.members.size,
        ...(next ? { paging: { next: { after: next } } } : {}),
      };
    });

    app.put<ListParams>('/crm/v3/lists/:listId/memberships/add', async (request, reply) => sendChange(reply, change(live(request.params.listId), idList.parse(request.body), [])));
    app.put<ListParams>('/crm/v3/lists/:listId/memberships/remove', async (request, reply) => sendChange(reply, change(live(request.params.listId), [], idList.parse(request.body))));
    app.put<ListParams>('/crm/v3/lists/:listId/memberships/add-and-remove', async (request, reply) => {
      const input = changeBody.parse(request.body);
      return sendChange(reply, change(live(request.params.listId), input.recordIdsToAdd, input.recordIdsToRemove));
    });
    app.delete<ListParams>('/crm/v3/lists/:listId/memberships', async (request, reply) => {
      const list = live(request.params.listId);
      requireManual(list);
      list.members.clear();
      list.updatedAt = Date.now();
      return reply.code(204).send();
    });

    app.get<{ Params: { objectTypeId: string; recordId: string } }>('/crm/v3/lists/records/:objectTypeId/:recordId/memberships', async (request) => {
      const objectType = typeOf(request.params.objectTypeId);
      const results = [...lists.values()]
        .filter((l) => l.deletedAt === undefined && l.objectType === objectType && l.members.has(request.params.recordId))
        .map((l) => {
          const joined = l.members.get(request.params.recordId) as { first: number; last: number };
          return { listId: l.listId, listVersion: l.listVersion, firstAddedTimestamp: iso(joined.first), lastAddedTimestamp: iso(joined.last) };
        });
      return { results, total: results.length };
    });

    // Admin: seed a list (with manual members) without spending API calls.
    app.post('/__emulator/lists', async (request) => {
      const input = adminBody.parse(request.body);
      const { recordIds, ...definition } = input;
      return { list: render(create(definition, recordIds), true) };
    });
    app.get('/__emulator/lists', async () => ({ lists: [...lists.values()].map((l) => ({ ...render(l, true), memberIds: [...l.members.keys()] })) }));
  };

  return {
    name: 'lists',
    register,
    onChange,
    state: {
      reset() {
        lists.clear();
        nextListId = 1;
      },
      snapshot() {
        return {
          nextListId,
          lists: [...lists.values()].map((l) => ({ ...l, members: [...l.members].map(([id, t]): [string, number, number] => [id, t.first, t.last]) })),
        };
      },
      restore(snapshot) {
        lists.clear();
        nextListId = snapshot.nextListId;
        for (const l of snapshot.lists) lists.set(l.listId, { ...l, members: new Map(l.members.map(([id, first, last]) => [id, { first, last }])) });
      },
    },
  };
}

const encodeAfter = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

function decodeAfter(after: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(after, 'base64url').toString());
  if (!match) throw validationError(`Invalid after cursor: ${after}`, { context: { after: [after] } });
  return Number(match[1]);
}
