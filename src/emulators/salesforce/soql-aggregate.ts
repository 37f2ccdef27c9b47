/**
 * Aggregate queries: COUNT(field), COUNT_DISTINCT, MIN, MAX, SUM, AVG, with or without GROUP BY and HAVING.
 * Each group answers one AggregateResult row: grouped fields by name, aliased aggregates by alias, the others as
 * expr0, expr1 … in SELECT order ("COUNT() and COUNT(fieldName)" and "Using Aliases with GROUP BY",
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_count.htm).
 */
import type { FunctionExp, OrderByClause, Query } from 'soql-parser-js';
import { locate, soqlError, unexpectedToken } from './soql-errors.ts';
import { compileConditionTree, type LeafCondition, type Test } from './soql-logic.ts';
import { sortsNullsFirst, sortRows, type SortKey } from './soql-order.ts';
import { familyOf, fieldReader, selectedFieldText, type FieldPath, type ObjectSchema } from './soql-schema.ts';
import { isDateFunction } from './soql-date-functions.ts';
import type { SoqlField, SoqlRecord, SoqlResult } from './soql-source.ts';
import { compileDateFunction, compileFieldCondition, compileValueTest, resolveOrThrow, type WhereContext } from './soql-where.ts';

type Group = SoqlRecord[];

interface Aggregate {
  compute: (group: Group) => unknown;
  /** describes the result, so HAVING literals and ORDER BY compare it by the right type */
  result: SoqlField;
}

/**
 * Which field types each aggregate accepts, from "Support for Field Types in Aggregate Functions"
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_agg_functions_field_types.htm):
 * AVG and SUM only numbers; COUNT, COUNT_DISTINCT, MIN and MAX also text, ids, dates and datetimes; nothing
 * takes booleans, multi-select picklists or addresses.
 */
const AGGREGATABLE: Record<string, ReadonlySet<string>> = {
  AVG: new Set(['number']),
  SUM: new Set(['number']),
  COUNT: new Set(['number', 'text', 'id', 'date', 'datetime']),
  COUNT_DISTINCT: new Set(['number', 'text', 'id', 'date', 'datetime']),
  MIN: new Set(['number', 'text', 'id', 'date', 'datetime']),
  MAX: new Set(['number', 'text', 'id', 'date', 'datetime']),
};

/** `scan` runs only once the whole query is compiled: a bad aggregate query is refused before a row is read. */
export function runAggregateQuery(query: Query, from: ObjectSchema, scan: () => SoqlRecord[], offset: number, context: WhereContext): SoqlResult {
  const { soql } = context;
  const fail = (word: string, text: string): never => {
    throw soqlError('MALFORMED_QUERY', soql, locate(soql, word), text);
  };
  const clauses = query.groupBy === undefined ? [] : Array.isArray(query.groupBy) ? query.groupBy : [query.groupBy];
  const groupAt = locate(soql, 'GROUP') ?? 0;
  // A GROUP BY item is a field or a date function over one (GROUP BY CALENDAR_YEAR(CloseDate)).
  const groupings = new Map<string, { read: (record: SoqlRecord) => unknown; result: SoqlField }>();
  for (const clause of clauses) {
    if ('field' in clause) {
      const path = resolveOrThrow(context, from, clause.field, locate(soql, clause.field, groupAt));
      groupings.set(pathKey(path), { read: fieldReader(context.source, path), result: path.field });
    } else {
      const { read, result } = compileDateFunction(clause.fn, from, { ...context, offset: groupAt });
      groupings.set(functionKey(clause.fn), { read, result });
    }
  }
  /** A plain field in an aggregate query must be one of the GROUP BY fields; its value is the group's. */
  const groupedField = (text: string): FieldPath => {
    const path = resolveOrThrow(context, from, text, locate(soql, text));
    if (!groupings.has(pathKey(path))) fail(text, `Field must be grouped or aggregated: ${path.field.name}`);
    return path;
  };
  /** Likewise a date function outside an aggregate: it must be grouped as written. */
  const groupedFunction = (fn: FunctionExp): { read: (record: SoqlRecord) => unknown; result: SoqlField } => {
    const grouping = groupings.get(functionKey(fn));
    return grouping ?? fail(fn.functionName ?? '', `Field must be grouped or aggregated: ${fn.rawValue ?? fn.functionName ?? ''}`);
  };
  const aggregate = (fn: FunctionExp): Aggregate => {
    if (!isDateFunction(fn.functionName ?? '')) return compileAggregate(fn, from, context);
    const { read, result } = groupedFunction(fn);
    return { compute: (group) => read(group[0]!), result };
  };

  const columns: Array<{ key: string; compute: (group: Group) => unknown }> = [];
  let unnamed = 0;
  for (const field of query.fields ?? []) {
    if (field.type === 'FieldFunctionExpression' && (field.isAggregateFn || isDateFunction(field.functionName))) {
      columns.push({ key: field.alias ?? `expr${unnamed++}`, compute: aggregate(field).compute });
    } else if (field.type === 'Field' || field.type === 'FieldRelationship') {
      const path = groupedField(selectedFieldText(field));
      const read = fieldReader(context.source, path);
      const alias = 'alias' in field ? field.alias : undefined;
      columns.push({ key: alias ?? path.field.name, compute: (group) => read(group[0]!) ?? null });
    } else {
      fail('SELECT', unexpectedToken(field.type === 'FieldSubquery' ? 'SELECT' : 'TYPEOF'));
    }
  }

  const having = query.having
    ? compileConditionTree<Group>(query.having, (condition) => havingLeaf(condition), soql, locate(soql, 'HAVING') ?? 0)
    : undefined;
  const orderBy = query.orderBy === undefined ? [] : Array.isArray(query.orderBy) ? query.orderBy : [query.orderBy];
  const sortKeys = orderBy.map((clause) => groupSortKey(clause));

  let groups = groupRows(scan(), [...groupings.values()].map((grouping) => grouping.read));
  if (having) groups = groups.filter(having);
  if (sortKeys.length > 0) groups = sortRows(groups, sortKeys);
  const bound = query.limit === undefined ? undefined : offset + query.limit;
  const records = groups.slice(offset, bound).map((group) => {
    const row: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const column of columns) row[column.key] = column.compute(group);
    return row;
  });
  return { objectName: from.object.name, totalSize: records.length, records };

  function havingLeaf(condition: LeafCondition): Test<Group> {
    if ('fn' in condition) {
      const { compute, result } = aggregate(condition.fn);
      const test = compileValueTest(result, condition, context, locate(soql, condition.fn.rawValue ?? '', context.offset));
      return (group) => test(compute(group));
    }
    if ('field' in condition && !('valueQuery' in condition)) {
      groupedField(condition.field);
      const test = compileFieldCondition(condition, from, context);
      return (group) => test(group[0]!);
    }
    return fail('HAVING', unexpectedToken('SELECT'));
  }

  function groupSortKey(clause: OrderByClause): SortKey<Group> {
    const descending = clause.order === 'DESC';
    if ('fn' in clause) {
      const { compute, result } = aggregate(clause.fn);
      return { read: compute, field: result, descending, nullsFirst: sortsNullsFirst(clause.nulls) };
    }
    const path = groupedField(clause.field);
    const read = fieldReader(context.source, path);
    return { read: (group) => read(group[0]!), field: path.field, descending, nullsFirst: sortsNullsFirst(clause.nulls) };
  }
}

function compileAggregate(fn: FunctionExp, from: ObjectSchema, context: WhereContext): Aggregate {
  const { soql } = context;
  const name = (fn.functionName ?? '').toUpperCase();
  const at = locate(soql, fn.functionName ?? name);
  const argument = fn.parameters?.[0];
  const allowed = AGGREGATABLE[name];
  if (!allowed || typeof argument !== 'string' || fn.parameters?.length !== 1) {
    throw soqlError('MALFORMED_QUERY', soql, at, unexpectedToken(fn.rawValue ?? name));
  }
  const path = resolveOrThrow(context, from, argument, locate(soql, argument, at));
  if (!allowed.has(familyOf(path.field.type))) {
    throw soqlError('INVALID_FIELD', soql, at, `field ${path.field.name} does not support aggregate operator ${name}`);
  }
  const read = fieldReader(context.source, path);
  const present = (group: Group): unknown[] => {
    const values: unknown[] = [];
    for (const record of group) {
      const value = read(record);
      if (value !== null && value !== undefined) values.push(value);
    }
    return values;
  };
  const count: SoqlField = { name: fn.rawValue ?? name, type: 'int' };
  switch (name) {
    case 'COUNT':
      return { compute: (group) => present(group).length, result: count };
    case 'COUNT_DISTINCT':
      return { compute: (group) => new Set(present(group).map(groupKeyPart)).size, result: count };
    case 'SUM':
    case 'AVG':
      return {
        compute: (group) => {
          const numbers = present(group) as number[];
          if (numbers.length === 0) return null;
          const sum = numbers.reduce((total, value) => total + value, 0);
          return name === 'SUM' ? sum : sum / numbers.length;
        },
        result: { name: fn.rawValue ?? name, type: name === 'AVG' ? 'double' : path.field.type },
      };
    default: {
      // MIN and MAX follow ORDER BY's collation: text by its upper-cased form.
      const sign = name === 'MIN' ? 1 : -1;
      const key = (value: unknown): unknown => (typeof value === 'string' && familyOf(path.field.type) === 'text' ? value.toUpperCase() : value);
      return {
        compute: (group) => {
          let best: unknown = null;
          for (const value of present(group)) {
            if (best === null || sign * compareValues(key(value), key(best)) < 0) best = value;
          }
          return best;
        },
        result: { name: fn.rawValue ?? name, type: path.field.type },
      };
    }
  }
}

/** Groups rows by the grouped fields' values; text groups case-insensitively, as Salesforce's GROUP BY does. */
function groupRows(rows: SoqlRecord[], readers: Array<(record: SoqlRecord) => unknown>): Group[] {
  if (readers.length === 0) return [rows];
  const groups = new Map<string, Group>();
  for (const record of rows) {
    const key = JSON.stringify(readers.map((read) => groupKeyPart(read(record))));
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  return [...groups.values()];
}

function groupKeyPart(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : (value ?? null);
}

function compareValues(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function pathKey(path: FieldPath): string {
  return path.names.join('.').toLowerCase();
}

function functionKey(fn: FunctionExp): string {
  return `${(fn.functionName ?? '').toUpperCase()}(${(fn.parameters ?? []).map((parameter) => String(parameter).toLowerCase()).join(',')})`;
}
