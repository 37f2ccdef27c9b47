import { z } from 'zod';
import { validationError } from './errors.ts';
import type { ObjectTypeDefinition, PropertyDefinition } from './schema.ts';
import type { StoredRecord } from './store.ts';

/**
 * CRM search (`POST /crm/v3/objects/{type}/search`) as HubSpot documents it
 * (https://developers.hubspot.com/docs/api-reference/search/guide): filter groups are ORed, the filters in a
 * group ANDed; at most 5 groups of at most 6 filters and 18 filters in all; pages of at most 200; no result past
 * the 10,000th (paging beyond answers 400); dates compare as epoch milliseconds; archived records never match.
 * The filter limits are the reference page's (5 x 6, 18 in all), stricter than the August 2024 changelog's
 * 5 x 10 and 25: a client that keeps within them works against either.
 */
export const searchLimits = { maxGroups: 5, maxFiltersPerGroup: 6, maxFilters: 18, maxPageSize: 200, maxResults: 10_000 } as const;

export const filterOperators = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const filterSchema = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(filterOperators),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  highValue: z.union([z.string(), z.number()]).optional(),
  values: z.array(z.union([z.string(), z.number()])).optional(),
});

const sortSchema = z.union([
  z.string().min(1),
  z.object({ propertyName: z.string().min(1), direction: z.enum(['ASCENDING', 'DESCENDING']).optional() }),
]);

export const searchRequestSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).optional(),
  sorts: z.array(sortSchema).optional(),
  query: z.string().optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(0).optional(),
  after: z.union([z.string(), z.number()]).optional(),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;
type Filter = z.infer<typeof filterSchema>;

/** Checks HubSpot's documented limits; the messages name the limit that was passed. */
export function checkSearchLimits(request: SearchRequest): { offset: number; limit: number } {
  const groups = request.filterGroups ?? [];
  if (groups.length > searchLimits.maxGroups) {
    throw validationError(`Too many filter groups: ${groups.length}. The maximum is ${searchLimits.maxGroups}.`, { context: { filterGroups: [String(groups.length)] } });
  }
  let total = 0;
  for (const group of groups) {
    total += group.filters.length;
    if (group.filters.length > searchLimits.maxFiltersPerGroup) {
      throw validationError(`Too many filters in a filter group: ${group.filters.length}. The maximum is ${searchLimits.maxFiltersPerGroup}.`, { context: { filters: [String(group.filters.length)] } });
    }
  }
  if (total > searchLimits.maxFilters) {
    throw validationError(`Too many filters: ${total}. The maximum is ${searchLimits.maxFilters} across all filter groups.`, { context: { filters: [String(total)] } });
  }
  if ((request.sorts ?? []).length > 1) throw validationError('Only one sort is supported.', { context: { sorts: [String(request.sorts?.length)] } });
  const limit = request.limit ?? 10;
  if (limit > searchLimits.maxPageSize) {
    throw validationError(`The limit ${limit} is too high: a search page holds at most ${searchLimits.maxPageSize} results.`, { context: { limit: [String(limit)] } });
  }
  const offset = request.after === undefined || request.after === '' ? 0 : Number(request.after);
  if (!Number.isInteger(offset) || offset < 0) throw validationError(`Invalid after: ${String(request.after)}`, { context: { after: [String(request.after)] } });
  if (offset >= searchLimits.maxResults) {
    throw validationError(`Search results are limited to ${searchLimits.maxResults} records per query; after ${offset} is past the end.`, { context: { after: [String(offset)] } });
  }
  for (const group of groups) {
    for (const filter of group.filters) {
      const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(filter.operator);
      if (needsValue && filter.value === undefined) throw validationError(`Filter on ${filter.propertyName} with operator ${filter.operator} needs a value.`, { context: { propertyName: [filter.propertyName] } });
      if ((filter.operator === 'IN' || filter.operator === 'NOT_IN') && !filter.values?.length) {
        throw validationError(`Filter on ${filter.propertyName} with operator ${filter.operator} needs values.`, { context: { propertyName: [filter.propertyName] } });
      }
      if (filter.operator === 'BETWEEN' && filter.highValue === undefined) {
        throw validationError(`Filter on ${filter.propertyName} with operator BETWEEN needs a highValue.`, { context: { propertyName: [filter.propertyName] } });
      }
    }
  }
  return { offset, limit };
}

type Comparable = number | string;

function isNumeric(property: PropertyDefinition | undefined, name: string): boolean {
  return name === 'hs_object_id' || property?.type === 'number' || property?.type === 'date' || property?.type === 'datetime';
}

/** Epoch ms for dates ("2024-01-01", ISO date-times or epoch-ms strings), numbers as numbers, text lower-cased. */
function comparable(raw: string | number | boolean, numeric: boolean): Comparable | undefined {
  const text = String(raw);
  if (!numeric) return text.toLowerCase();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

function containsToken(value: string, token: string): boolean {
  const pattern = globToRegExp(token);
  const lower = value.toLowerCase();
  if (pattern.test(lower)) return true;
  return lower.split(/[\s,;]+/).some((part) => pattern.test(part) || part.split(/[@.\-_/]+/).some((piece) => pattern.test(piece)));
}

/** The ids of the records of another type associated with one record (the associations module's view). */
export type AssociatedIds = (record: StoredRecord, toType: string) => string[] | undefined;

/**
 * `associations.{type}` pseudo-properties ("associations.company" EQ "123") filter by associated record ids,
 * as HubSpot's search allows; they are compared as the list of associated ids.
 */
function compileAssociationFilter(filter: Filter, toType: string, associatedIds: AssociatedIds): (record: StoredRecord) => boolean {
  const wanted = new Set([filter.value, ...(filter.values ?? [])].filter((v) => v !== undefined).map(String));
  const ids = (record: StoredRecord) => associatedIds(record, toType) ?? [];
  switch (filter.operator) {
    case 'EQ':
    case 'IN':
      return (r) => ids(r).some((id) => wanted.has(id));
    case 'NEQ':
    case 'NOT_IN':
      return (r) => !ids(r).some((id) => wanted.has(id));
    case 'HAS_PROPERTY':
      return (r) => ids(r).length > 0;
    case 'NOT_HAS_PROPERTY':
      return (r) => ids(r).length === 0;
    default:
      throw validationError(`Operator ${filter.operator} is not supported on ${filter.propertyName}`, { context: { propertyName: [filter.propertyName] } });
  }
}

function compile(type: ObjectTypeDefinition, filter: Filter, associatedIds?: AssociatedIds): (record: StoredRecord) => boolean {
  if (filter.propertyName.startsWith('associations.') && associatedIds) {
    return compileAssociationFilter(filter, filter.propertyName.slice('associations.'.length), associatedIds);
  }
  const property = type.properties.get(filter.propertyName);
  const numeric = isNumeric(property, filter.propertyName);
  const multi = property?.fieldType === 'checkbox';
  const valueOf = (record: StoredRecord): string => record.values[filter.propertyName] ?? '';
  const partsOf = (raw: string): Comparable[] =>
    (multi ? raw.split(';') : [raw]).map((p) => comparable(p, numeric)).filter((c): c is Comparable => c !== undefined);
  const target = filter.value === undefined ? undefined : comparable(filter.value, numeric);
  const high = filter.highValue === undefined ? undefined : comparable(filter.highValue, numeric);
  const set = new Set((filter.values ?? []).map((v) => comparable(v, numeric)));
  const some = (record: StoredRecord, test: (c: Comparable) => boolean) => {
    const raw = valueOf(record);
    return raw !== '' && partsOf(raw).some(test);
  };
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return (r) => valueOf(r) !== '';
    case 'NOT_HAS_PROPERTY':
      return (r) => valueOf(r) === '';
    case 'EQ':
      return (r) => some(r, (c) => c === target);
    case 'NEQ':
      return (r) => !some(r, (c) => c === target);
    case 'LT':
      return (r) => target !== undefined && some(r, (c) => c < target);
    case 'LTE':
      return (r) => target !== undefined && some(r, (c) => c <= target);
    case 'GT':
      return (r) => target !== undefined && some(r, (c) => c > target);
    case 'GTE':
      return (r) => target !== undefined && some(r, (c) => c >= target);
    case 'BETWEEN':
      return (r) => target !== undefined && high !== undefined && some(r, (c) => c >= target && c <= high);
    case 'IN':
      return (r) => some(r, (c) => set.has(c));
    case 'NOT_IN':
      return (r) => !some(r, (c) => set.has(c));
    case 'CONTAINS_TOKEN':
      return (r) => valueOf(r) !== '' && containsToken(valueOf(r), String(filter.value));
    case 'NOT_CONTAINS_TOKEN':
      return (r) => !containsToken(valueOf(r), String(filter.value));
  }
}

function sortKey(sort: NonNullable<SearchRequest['sorts']>[number]): { propertyName: string; descending: boolean } {
  if (typeof sort !== 'string') return { propertyName: sort.propertyName, descending: sort.direction === 'DESCENDING' };
  return sort.startsWith('-') ? { propertyName: sort.slice(1), descending: true } : { propertyName: sort, descending: false };
}

/** All matching records in result order (the caller pages and caps). */
export function runSearch(type: ObjectTypeDefinition, records: Iterable<StoredRecord>, request: SearchRequest, associatedIds?: AssociatedIds): StoredRecord[] {
  const groups = (request.filterGroups ?? []).filter((g) => g.filters.length > 0).map((g) => g.filters.map((f) => compile(type, f, associatedIds)));
  const query = request.query?.trim().toLowerCase();
  const matches: StoredRecord[] = [];
  for (const record of records) {
    if (record.archived) continue;
    if (groups.length > 0 && !groups.some((group) => group.every((test) => test(record)))) continue;
    if (query && !type.searchableProperties.some((name) => (record.values[name] ?? '').toLowerCase().includes(query))) continue;
    matches.push(record);
  }
  const sort = request.sorts?.[0];
  if (sort !== undefined) {
    const { propertyName, descending } = sortKey(sort);
    const numeric = isNumeric(type.properties.get(propertyName), propertyName);
    const keyed = matches.map((record) => {
      const raw = record.values[propertyName] ?? '';
      return { record, key: raw === '' ? undefined : comparable(raw, numeric) };
    });
    keyed.sort((a, b) => {
      // Records without the value come last in either direction, as HubSpot orders nulls.
      if (a.key === undefined || b.key === undefined) {
        if (a.key === b.key) return Number(a.record.id) - Number(b.record.id);
        return a.key === undefined ? 1 : -1;
      }
      const order = a.key < b.key ? -1 : a.key > b.key ? 1 : Number(a.record.id) - Number(b.record.id);
      return descending && a.key !== b.key ? -order : order;
    });
    return keyed.map((k) => k.record);
  }
  return matches;
}
