import { validationError } from './errors.ts';
import type { HubSpotRecordView } from './ports.ts';

/**
 * The part of HubSpot's list filter language the emulator evaluates (https://developers.hubspot.com/docs/
 * api-reference/crm-lists-v3/list-filters): nested AND/OR/NOT_ALL/NOT_ANY branches under a root OR branch,
 * holding PROPERTY filters whose `operation` is ALL_PROPERTY (IS_KNOWN, IS_UNKNOWN), STRING or MULTISTRING
 * (IS_EQUAL_TO, IS_NOT_EQUAL_TO, CONTAINS, DOES_NOT_CONTAIN, STARTS_WITH, ENDS_WITH), ENUMERATION (IS_ANY_OF,
 * IS_NONE_OF, IS_EXACTLY, IS_NOT_EXACTLY, CONTAINS_ALL, DOES_NOT_CONTAIN_ALL), NUMBER and BOOL. Other filter
 * types (association, form submission, email events…) and the refineBy time windows are refused by name, so a
 * test never passes on a filter the emulator silently ignored.
 */

export interface PropertyOperation {
  operationType: string;
  operator: string;
  value?: string | number | boolean;
  values?: string[];
  includeObjectsWithNoValueSet?: boolean;
}

export interface PropertyFilter {
  filterType: 'PROPERTY';
  property: string;
  operation: PropertyOperation;
}

export interface FilterBranch {
  filterBranchType: 'OR' | 'AND' | 'NOT_ALL' | 'NOT_ANY';
  filterBranchOperator?: string;
  filters: PropertyFilter[];
  filterBranches: FilterBranch[];
}

const branchTypes = new Set(['OR', 'AND', 'NOT_ALL', 'NOT_ANY']);

const operators: Record<string, Set<string>> = {
  ALL_PROPERTY: new Set(['IS_KNOWN', 'IS_UNKNOWN']),
  STRING: new Set(['IS_EQUAL_TO', 'IS_NOT_EQUAL_TO', 'CONTAINS', 'DOES_NOT_CONTAIN', 'STARTS_WITH', 'ENDS_WITH']),
  MULTISTRING: new Set(['IS_EQUAL_TO', 'IS_NOT_EQUAL_TO', 'CONTAINS', 'DOES_NOT_CONTAIN', 'STARTS_WITH', 'ENDS_WITH']),
  ENUMERATION: new Set(['IS_ANY_OF', 'IS_NONE_OF', 'IS_EXACTLY', 'IS_NOT_EXACTLY', 'CONTAINS_ALL', 'DOES_NOT_CONTAIN_ALL']),
  NUMBER: new Set(['IS_EQUAL_TO', 'IS_NOT_EQUAL_TO', 'IS_GREATER_THAN', 'IS_GREATER_THAN_OR_EQUAL_TO', 'IS_LESS_THAN', 'IS_LESS_THAN_OR_EQUAL_TO']),
  BOOL: new Set(['IS_EQUAL_TO', 'IS_NOT_EQUAL_TO']),
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a filterBranch as the create call receives it; the error names the path of the offending part. */
export function parseFilterBranch(input: unknown): FilterBranch {
  const root = parseBranch(input, 'filterBranch');
  if (root.filterBranchType !== 'OR') throw validationError(`filterBranch: the root filter branch must be of type OR, got ${root.filterBranchType}`, { context: { filterBranchType: [root.filterBranchType] } });
  return root;
}

function parseBranch(input: unknown, path: string): FilterBranch {
  if (!isObject(input)) throw validationError(`${path}: a filter branch must be an object`);
  const type = input.filterBranchType;
  if (typeof type !== 'string' || !branchTypes.has(type)) throw validationError(`${path}.filterBranchType: must be one of OR, AND, NOT_ALL, NOT_ANY`, { context: { filterBranchType: [String(type)] } });
  const filters = input.filters ?? [];
  const branches = input.filterBranches ?? [];
  if (!Array.isArray(filters) || !Array.isArray(branches)) throw validationError(`${path}: filters and filterBranches must be arrays`);
  return {
    filterBranchType: type as FilterBranch['filterBranchType'],
    filterBranchOperator: typeof input.filterBranchOperator === 'string' ? input.filterBranchOperator : type,
    filters: filters.map((f, i) => parseFilter(f, `${path}.filters[${i}]`)),
    filterBranches: branches.map((b, i) => parseBranch(b, `${path}.filterBranches[${i}]`)),
  };
}

function parseFilter(input: unknown, path: string): PropertyFilter {
  if (!isObject(input)) throw validationError(`${path}: a filter must be an object`);
  if (input.filterType !== 'PROPERTY') {
    throw validationError(`${path}.filterType: ${String(input.filterType)} filters are not supported by this emulator; use PROPERTY`, { context: { filterType: [String(input.filterType)] } });
  }
  if (typeof input.property !== 'string' || input.property === '') throw validationError(`${path}.property: required`);
  const operation = input.operation;
  if (!isObject(operation) || typeof operation.operationType !== 'string' || typeof operation.operator !== 'string') {
    throw validationError(`${path}.operation: operationType and operator are required`);
  }
  const allowed = operators[operation.operationType];
  if (!allowed) throw validationError(`${path}.operation.operationType: ${operation.operationType} is not supported by this emulator`, { context: { operationType: [operation.operationType] } });
  if (!allowed.has(operation.operator)) {
    throw validationError(`${path}.operation.operator: ${operation.operator} is not a valid operator for ${operation.operationType}`, { context: { operator: [operation.operator] } });
  }
  if ('refineBy' in operation || 'pruningRefineBy' in operation) throw validationError(`${path}.operation: refineBy time windows are not supported by this emulator`);
  const usesValues = operation.operationType === 'ENUMERATION' || operation.operationType === 'MULTISTRING';
  if (usesValues && (!Array.isArray(operation.values) || operation.values.some((v) => typeof v !== 'string'))) throw validationError(`${path}.operation.values: an array of strings is required`);
  if (!usesValues && operation.operationType !== 'ALL_PROPERTY' && operation.value === undefined) throw validationError(`${path}.operation.value: required`);
  return {
    filterType: 'PROPERTY',
    property: input.property,
    operation: {
      operationType: operation.operationType,
      operator: operation.operator,
      ...(operation.value !== undefined ? { value: operation.value as string | number | boolean } : {}),
      ...(usesValues ? { values: operation.values as string[] } : {}),
      includeObjectsWithNoValueSet: operation.includeObjectsWithNoValueSet === true,
    },
  };
}

/** Whether a record passes a branch. */
export function matches(branch: FilterBranch, record: HubSpotRecordView): boolean {
  const results = [...branch.filters.map((f) => passes(f, record)), ...branch.filterBranches.map((b) => matches(b, record))];
  switch (branch.filterBranchType) {
    case 'AND':
      return results.every(Boolean);
    case 'OR':
      return results.some(Boolean);
    case 'NOT_ALL':
      return !results.every(Boolean);
    case 'NOT_ANY':
      return !results.some(Boolean);
  }
}

/** HubSpot compares list filter text case-insensitively; enumeration values are split on ";" as multi-checkboxes store them. */
function passes(filter: PropertyFilter, record: HubSpotRecordView): boolean {
  const raw = record.properties[filter.property];
  const known = raw !== undefined && raw !== null && raw !== '';
  const { operationType, operator } = filter.operation;
  if (operationType === 'ALL_PROPERTY') return operator === 'IS_KNOWN' ? known : !known;
  // `includeObjectsWithNoValueSet` alone decides for a record without a value, whatever the operator: the UI's
  // "is none of" leaves blank records out until "include records with no value" is ticked.
  if (!known) return filter.operation.includeObjectsWithNoValueSet === true;
  const value = raw.toLowerCase();
  switch (operationType) {
    case 'STRING':
      return compareText(operator, value, [String(filter.operation.value).toLowerCase()]);
    case 'MULTISTRING':
      return compareText(operator, value, (filter.operation.values ?? []).map((v) => v.toLowerCase()));
    case 'ENUMERATION': {
      const held = new Set(value.split(';'));
      const wanted = (filter.operation.values ?? []).map((v) => v.toLowerCase());
      switch (operator) {
        case 'IS_ANY_OF':
          return wanted.some((w) => held.has(w));
        case 'IS_NONE_OF':
          return !wanted.some((w) => held.has(w));
        case 'IS_EXACTLY':
          return held.size === new Set(wanted).size && wanted.every((w) => held.has(w));
        case 'IS_NOT_EXACTLY':
          return !(held.size === new Set(wanted).size && wanted.every((w) => held.has(w)));
        case 'CONTAINS_ALL':
          return wanted.every((w) => held.has(w));
        default: // DOES_NOT_CONTAIN_ALL
          return !wanted.every((w) => held.has(w));
      }
    }
    case 'NUMBER': {
      const n = Number(raw);
      const target = Number(filter.operation.value);
      const compared: Record<string, boolean> = {
        IS_EQUAL_TO: n === target,
        IS_NOT_EQUAL_TO: n !== target,
        IS_GREATER_THAN: n > target,
        IS_GREATER_THAN_OR_EQUAL_TO: n >= target,
        IS_LESS_THAN: n < target,
        IS_LESS_THAN_OR_EQUAL_TO: n <= target,
      };
      return compared[operator] ?? false;
    }
    default: {
      // BOOL: HubSpot stores booleans as "true"/"false".
      const equal = value === String(filter.operation.value).toLowerCase();
      return operator === 'IS_EQUAL_TO' ? equal : !equal;
    }
  }
}

function compareText(operator: string, value: string, candidates: string[]): boolean {
  const any = (test: (candidate: string) => boolean) => candidates.some(test);
  switch (operator) {
    case 'IS_EQUAL_TO':
      return any((c) => value === c);
    case 'IS_NOT_EQUAL_TO':
      return !any((c) => value === c);
    case 'CONTAINS':
      return any((c) => value.includes(c));
    case 'DOES_NOT_CONTAIN':
      return !any((c) => value.includes(c));
    case 'STARTS_WITH':
      return any((c) => value.startsWith(c));
    default: // ENDS_WITH
      return any((c) => value.endsWith(c));
  }
}
