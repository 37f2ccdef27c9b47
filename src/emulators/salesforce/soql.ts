/**
 * The Salesforce emulator's SOQL evaluator: parses a query with soql-parser-js, validates it against the schema the
 * record store describes, and answers rows in the REST API's JSON shape. The store owns paging (2,000 rows a page);
 * this module returns every row the query selects after OFFSET and LIMIT.
 */
import type { FieldSubquery, FieldType, OrderByClause, Query, Subquery, WhereClause } from 'soql-parser-js';
import {
  locate,
  noSuchColumn,
  soqlError,
  unexpectedToken,
  unknownChildRelationship,
  unknownParentRelationship,
  unsupportedType,
} from './soql-errors.ts';
import { defaultNullsFirst, sortRows, type SortKey } from './soql-order.ts';
import { parseSoql } from './soql-parse.ts';
import { fieldReader, resolveFieldPath, SchemaCache, type FieldPath, type ObjectSchema } from './soql-schema.ts';
import type { SoqlDataSource, SoqlErrorCode, SoqlOptions, SoqlRecord, SoqlResult } from './soql-source.ts';
import { compileWhere, familyOf, idKey, type Predicate, type WhereContext } from './soql-where.ts';

export { SoqlError } from './soql-source.ts';
export type { SoqlDataSource, SoqlOptions, SoqlResult } from './soql-source.ts';

/** "The maximum offset is 2,000 rows" (OFFSET, https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_offset.htm). */
export const MAX_OFFSET = 2000;

export function runSoql(soql: string, source: SoqlDataSource, options: SoqlOptions): SoqlResult {
  const query = parseSoql(soql);
  const evaluator = new Evaluator(soql, source, options);
  return evaluator.run(query);
}

/** A column of the result, in SELECT order. */
type Column =
  | { kind: 'field'; path: FieldPath }
  | { kind: 'children'; relationshipName: string; plan: ChildPlan };

interface ChildPlan {
  schema: ObjectSchema;
  /** the child's reference field pointing at the parent, e.g. OpportunityId */
  parentField: string;
  columns: Column[];
  predicate: Predicate | undefined;
  sort: SortKey[];
  limit: number | undefined;
  offset: number;
}

interface AggregateColumn {
  /** output key: the alias, exprN, or the grouped field's name */
  key: string;
  compute: (records: SoqlRecord[]) => unknown;
}

class Evaluator {
  private readonly schemas: SchemaCache;

  constructor(
    private readonly soql: string,
    private readonly source: SoqlDataSource,
    private readonly options: SoqlOptions,
  ) {
    this.schemas = new SchemaCache(source);
  }

  run(query: Query): SoqlResult {
    const from = this.fromObject(query.sObject ?? '', 0);
    const fields = query.fields ?? [];
    const countOnly = fields.length === 1 && isFunction(fields[0]!, 'COUNT') && (fields[0] as { parameters?: unknown[] }).parameters?.length === 0;
    if (!countOnly && fields.some((field) => isFunction(field, 'COUNT') && (field as { parameters?: unknown[] }).parameters?.length === 0)) {
      // COUNT() stands alone: "SELECT COUNT() FROM …" (COUNT() and COUNT(fieldName), SOQL and SOSL Reference).
      throw this.error('MALFORMED_QUERY', 'COUNT', unexpectedToken('COUNT'));
    }
    const offset = this.checkOffset(query.offset);
    const predicate = query.where ? this.compileWhere(query.where, from) : undefined;
    const rows = this.filter(from, predicate);

    if (countOnly) {
      // "You can't use COUNT() with an ORDER BY clause" (COUNT() and COUNT(fieldName), SOQL and SOSL Reference).
      if (query.orderBy !== undefined) throw this.error('MALFORMED_QUERY', 'ORDER', unexpectedToken('ORDER BY'));
      if (query.groupBy !== undefined) throw this.error('MALFORMED_QUERY', 'GROUP', unexpectedToken('GROUP BY'));
      const counted = Math.max(0, Math.min(rows.length - offset, query.limit ?? Infinity));
      return { objectName: from.object.name, totalSize: counted, records: [] };
    }
    if (query.groupBy !== undefined || fields.some((field) => field.type === 'FieldFunctionExpression' && field.isAggregateFn)) {
      return this.aggregate(query, from, rows, offset);
    }

    const columns = this.columns(fields, from, query.limit);
    const sort = this.sortKeys(query.orderBy, from);
    const bound = query.limit === undefined ? undefined : offset + query.limit;
    const ordered = sort.length > 0 ? sortRows(rows, (record) => record, sort, bound) : rows;
    const page = ordered.slice(offset, bound);
    const records = page.map((record) => this.project(record, from.object.name, columns));
    return { objectName: from.object.name, totalSize: records.length, records };
  }

  private fromObject(name: string, after: number): ObjectSchema {
    const schema = this.schemas.get(name);
    if (!schema) throw this.error('INVALID_TYPE', name, unsupportedType(name), locateAfterFrom(this.soql, name, after));
    return schema;
  }

  private checkOffset(offset: number | undefined): number {
    if (offset === undefined) return 0;
    if (offset > MAX_OFFSET) {
      // NUMBER_OUTSIDE_VALID_RANGE is the code the OFFSET documentation names; the shared contract's code list
      // does not carry it yet, so it is asserted here rather than widened in soql-source.ts (not ours to change).
      throw soqlError('NUMBER_OUTSIDE_VALID_RANGE' as SoqlErrorCode, this.soql, locate(this.soql, 'OFFSET'), `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
    return offset;
  }

  private compileWhere(where: WhereClause, from: ObjectSchema): Predicate {
    const context: WhereContext = {
      soql: this.soql,
      source: this.source,
      schemas: this.schemas,
      now: this.options.now,
      offset: locate(this.soql, 'WHERE') ?? 0,
      semiJoin: (inner, at) => this.semiJoin(inner, at),
    };
    return compileWhere(where, from, context);
  }

  /** Every record of `from` the predicate keeps, in scan order; deleted ones only for queryAll. */
  private filter(from: ObjectSchema, predicate: Predicate | undefined): SoqlRecord[] {
    const rows: SoqlRecord[] = [];
    for (const record of this.source.scan(from.object.name, this.options.includeDeleted)) {
      if (predicate === undefined || predicate(record)) rows.push(record);
    }
    return rows;
  }

  /** `Id IN (SELECT AccountId FROM Contact …)`: the inner query runs once, its single Id column becomes a set. */
  private semiJoin(inner: Query, at: number): Set<string> {
    const from = this.fromObject(inner.sObject ?? '', at);
    const fields = inner.fields ?? [];
    const only = fields[0];
    if (fields.length !== 1 || !only || (only.type !== 'Field' && only.type !== 'FieldRelationship')) {
      throw this.error('MALFORMED_QUERY', inner.sObject ?? '', unexpectedToken(inner.sObject ?? ''), at);
    }
    const path = this.resolve(from, fieldSegments(only), at);
    if (familyOf(path.field.type) !== 'id') {
      throw this.error('INVALID_FIELD', path.field.name, `Invalid field in semi-join/anti-join: ${path.field.name}`, at);
    }
    const read = fieldReader(this.source, path);
    const predicate = inner.where ? this.compileWhere(inner.where, from) : undefined;
    const ids = new Set<string>();
    for (const record of this.filter(from, predicate)) {
      const value = read(record);
      if (typeof value === 'string' && value !== '') ids.add(idKey(value));
    }
    return ids;
  }

  private columns(fields: FieldType[], from: ObjectSchema, limit: number | undefined, inSubquery = false): Column[] {
    const columns: Column[] = [];
    const seen = new Set<string>();
    const add = (path: FieldPath): void => {
      const key = path.names.join('.').toLowerCase();
      if (seen.has(key)) throw this.error('MALFORMED_QUERY', path.names.join('.'), `duplicate field selected: ${path.names.join('.')}`);
      seen.add(key);
      columns.push({ kind: 'field', path });
    };
    for (const field of fields) {
      switch (field.type) {
        case 'Field':
        case 'FieldRelationship':
          add(this.resolve(from, fieldSegments(field)));
          break;
        case 'FieldFunctionExpression': {
          if (field.functionName.toUpperCase() !== 'FIELDS') {
            throw this.error('MALFORMED_QUERY', field.functionName, unexpectedToken(field.functionName));
          }
          for (const path of this.expandFields(field.parameters, from, limit)) add(path);
          break;
        }
        case 'FieldSubquery':
          if (inSubquery) throw this.error('MALFORMED_QUERY', 'SELECT', unexpectedToken('SELECT'));
          columns.push(this.childColumn(field, from));
          break;
        default:
          throw this.error('MALFORMED_QUERY', 'TYPEOF', unexpectedToken('TYPEOF'));
      }
    }
    return columns;
  }

  /**
   * FIELDS(ALL | STANDARD | CUSTOM). Salesforce caps the unbounded forms at LIMIT 200 ("FIELDS()", SOQL and SOSL
   * Reference); compound address fields are returned as they are stored.
   */
  private expandFields(parameters: unknown[], from: ObjectSchema, limit: number | undefined): FieldPath[] {
    const which = String(parameters[0] ?? '').toUpperCase();
    if (which !== 'ALL' && which !== 'STANDARD' && which !== 'CUSTOM') {
      throw this.error('MALFORMED_QUERY', 'FIELDS', unexpectedToken(which));
    }
    if (which !== 'STANDARD' && (limit === undefined || limit > 200)) {
      throw this.error(
        'MALFORMED_QUERY',
        'FIELDS',
        `The SOQL FIELDS function must have a LIMIT of at most 200`,
      );
    }
    return from.object.fields
      .filter((field) => which === 'ALL' || field.name.endsWith('__c') === (which === 'CUSTOM'))
      .map((field) => ({ hops: [], field, names: [field.name] }));
  }

  private childColumn(field: FieldSubquery, from: ObjectSchema): Column {
    const subquery: Subquery = field.subquery;
    const relationship = from.children.get(subquery.relationshipName.toLowerCase());
    const childSchema = relationship ? this.schemas.get(relationship.childSObject) : undefined;
    if (!relationship || !childSchema) {
      throw this.error('INVALID_TYPE', subquery.relationshipName, unknownChildRelationship(subquery.relationshipName));
    }
    const plan: ChildPlan = {
      schema: childSchema,
      parentField: relationship.field,
      columns: this.columns(subquery.fields ?? [], childSchema, subquery.limit, true),
      predicate: subquery.where ? this.compileWhere(subquery.where, childSchema) : undefined,
      sort: this.sortKeys(subquery.orderBy, childSchema),
      limit: subquery.limit,
      offset: subquery.offset ?? 0,
    };
    return { kind: 'children', relationshipName: relationship.relationshipName, plan };
  }

  private resolve(from: ObjectSchema, segments: string[], after = 0): FieldPath {
    const path = resolveFieldPath(this.schemas, from, segments);
    if ('hops' in path) return path;
    const text = segments.join('.');
    if (path.kind === 'noSuchColumn') throw this.error('INVALID_FIELD', text, noSuchColumn(path.field, path.entity), after);
    throw this.error('INVALID_FIELD', text, unknownParentRelationship(path.relationship), after);
  }

  private sortKeys(orderBy: OrderByClause | OrderByClause[] | undefined, from: ObjectSchema): SortKey[] {
    const clauses = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
    const orderByAt = locate(this.soql, 'ORDER') ?? 0;
    return clauses.map((clause) => {
      if (!('field' in clause)) {
        throw this.error('MALFORMED_QUERY', 'ORDER', unexpectedToken(clause.fn.rawValue ?? 'ORDER BY'), orderByAt);
      }
      const path = this.resolve(from, clause.field.split('.'), orderByAt);
      if (path.field.type === 'multipicklist' || path.field.type === 'address') {
        throw this.error('INVALID_FIELD', clause.field, `field '${path.field.name}' can not be sorted in a query call`, orderByAt);
      }
      const descending = clause.order === 'DESC';
      const nullsFirst = clause.nulls === undefined ? defaultNullsFirst(descending) : clause.nulls === 'FIRST';
      return { read: fieldReader(this.source, path), field: path.field, descending, nullsFirst };
    });
  }

  /** One row in REST shape: `attributes` first, then the selected columns in SELECT order. */
  private project(record: SoqlRecord, type: string, columns: Column[]): Record<string, unknown> {
    const row: Record<string, unknown> = { attributes: this.attributes(type, record) };
    for (const column of columns) {
      if (column.kind === 'children') {
        row[column.relationshipName] = this.children(record, column.plan);
      } else {
        this.place(row, record, column.path, 0);
      }
    }
    return row;
  }

  /**
   * Writes one field path into `row`: a parent becomes a nested `{ attributes, Field }` object shared by every
   * column that goes through it, and `null` when the reference is empty.
   */
  private place(row: Record<string, unknown>, record: SoqlRecord, path: FieldPath, depth: number): void {
    if (depth === path.hops.length) {
      row[path.field.name] = record[path.field.name] ?? null;
      return;
    }
    const hop = path.hops[depth]!;
    const key = hop.relationshipName;
    const existing = row[key];
    if (existing === null) return;
    if (existing !== undefined) {
      const parent = (existing as { [PARENT_RECORD]?: SoqlRecord })[PARENT_RECORD];
      if (parent) this.place(existing as Record<string, unknown>, parent, path, depth + 1);
      return;
    }
    const id = record[hop.field.name];
    const found = typeof id === 'string' && id !== '' ? this.source.get(id) : undefined;
    if (!found) {
      row[key] = null;
      return;
    }
    const type = this.schemas.get(found.objectName)?.object.name ?? found.objectName;
    const nested: Record<string, unknown> = { attributes: this.attributes(type, found.record) };
    Object.defineProperty(nested, PARENT_RECORD, { value: found.record, enumerable: false });
    row[key] = nested;
    this.place(nested, found.record, path, depth + 1);
  }

  private attributes(type: string, record: SoqlRecord): { type: string; url: string } {
    return { type, url: `/services/data/v${this.options.apiVersion}/sobjects/${type}/${String(record['Id'] ?? '')}` };
  }

  /** A child subquery's records for one parent, or null when there are none (as the REST API answers). */
  private children(parent: SoqlRecord, plan: ChildPlan): unknown {
    const index = this.childIndex(plan);
    const parentId = parent['Id'];
    let rows = typeof parentId === 'string' ? (index.get(idKey(parentId)) ?? []) : [];
    if (rows.length === 0) return null;
    const bound = plan.limit === undefined ? undefined : plan.offset + plan.limit;
    if (plan.sort.length > 0) rows = sortRows(rows, (record) => record, plan.sort, bound);
    rows = rows.slice(plan.offset, bound);
    if (rows.length === 0) return null;
    const records = rows.map((record) => this.project(record, plan.schema.object.name, plan.columns));
    return { totalSize: records.length, done: true, records };
  }

  private readonly childIndexes = new Map<ChildPlan, Map<string, SoqlRecord[]>>();

  /** The child object is scanned once per query and grouped by parent, not once per parent row. */
  private childIndex(plan: ChildPlan): Map<string, SoqlRecord[]> {
    let index = this.childIndexes.get(plan);
    if (!index) {
      index = new Map();
      for (const record of this.filter(plan.schema, plan.predicate)) {
        const parentId = record[plan.parentField];
        if (typeof parentId !== 'string' || parentId === '') continue;
        const key = idKey(parentId);
        const group = index.get(key);
        if (group) group.push(record);
        else index.set(key, [record]);
      }
      this.childIndexes.set(plan, index);
    }
    return index;
  }

  /**
   * Aggregate queries (COUNT(Id), MIN, MAX, SUM, AVG, COUNT_DISTINCT, with or without GROUP BY) answer
   * AggregateResult rows: grouped fields by name, unaliased aggregates as expr0, expr1 … ("Using Aliases with
   * GROUP BY", SOQL and SOSL Reference).
   */
  private aggregate(query: Query, from: ObjectSchema, rows: SoqlRecord[], offset: number): SoqlResult {
    const groupClauses = query.groupBy === undefined ? [] : Array.isArray(query.groupBy) ? query.groupBy : [query.groupBy];
    const groupPaths = groupClauses.map((clause) => {
      if (!('field' in clause)) throw this.error('MALFORMED_QUERY', 'GROUP', unexpectedToken('GROUP BY'));
      return this.resolve(from, clause.field.split('.'));
    });
    const groupKeys = new Set(groupPaths.map((path) => path.names.join('.').toLowerCase()));
    const columns: AggregateColumn[] = [];
    let expression = 0;
    for (const field of query.fields ?? []) {
      if (field.type === 'FieldFunctionExpression' && field.isAggregateFn) {
        const name = field.functionName.toUpperCase();
        const argument = field.parameters[0];
        const path = typeof argument === 'string' ? this.resolve(from, argument.split('.')) : undefined;
        const key = field.alias ?? `expr${expression++}`;
        columns.push({ key, compute: this.aggregateFunction(name, path) });
      } else if (field.type === 'Field' || field.type === 'FieldRelationship') {
        const path = this.resolve(from, fieldSegments(field));
        const text = path.names.join('.');
        if (!groupKeys.has(text.toLowerCase())) {
          throw this.error('MALFORMED_QUERY', fieldSegments(field).join('.'), `Field must be grouped or aggregated: ${path.field.name}`);
        }
        const read = fieldReader(this.source, path);
        const key = (field as { alias?: string }).alias ?? path.field.name;
        columns.push({ key, compute: (records) => (records.length > 0 ? (read(records[0]!) ?? null) : null) });
      } else {
        throw this.error('MALFORMED_QUERY', 'SELECT', unexpectedToken('SELECT'));
      }
    }

    const groups = new Map<string, SoqlRecord[]>();
    if (groupPaths.length === 0) {
      groups.set('', rows);
    } else {
      const readers = groupPaths.map((path) => fieldReader(this.source, path));
      for (const record of rows) {
        const key = JSON.stringify(readers.map((read) => normalizeGroupValue(read(record))));
        const group = groups.get(key);
        if (group) group.push(record);
        else groups.set(key, [record]);
      }
    }

    let groupRows = [...groups.values()];
    const sort = this.sortKeys(query.orderBy, from);
    if (sort.length > 0) groupRows = sortRows(groupRows, (records) => records[0]!, sort);
    const bound = query.limit === undefined ? undefined : offset + query.limit;
    const records = groupRows.slice(offset, bound).map((records) => {
      const row: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
      for (const column of columns) row[column.key] = column.compute(records);
      return row;
    });
    return { objectName: from.object.name, totalSize: records.length, records };
  }

  private aggregateFunction(name: string, path: FieldPath | undefined): (records: SoqlRecord[]) => unknown {
    const read = path ? fieldReader(this.source, path) : () => null;
    const values = (records: SoqlRecord[]): unknown[] => records.map(read).filter((value) => value !== null && value !== undefined);
    switch (name) {
      case 'COUNT':
        return path ? (records) => values(records).length : (records) => records.length;
      case 'COUNT_DISTINCT':
        return (records) => new Set(values(records).map((value) => normalizeGroupValue(value))).size;
      case 'SUM':
        return (records) => {
          const numbers = values(records) as number[];
          return numbers.length === 0 ? null : numbers.reduce((sum, value) => sum + value, 0);
        };
      case 'AVG':
        return (records) => {
          const numbers = values(records) as number[];
          return numbers.length === 0 ? null : numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
        };
      case 'MIN':
      case 'MAX': {
        const sign = name === 'MIN' ? 1 : -1;
        return (records) => {
          let best: unknown = null;
          for (const value of values(records)) {
            if (best === null || compareScalars(value, best) * sign < 0) best = value;
          }
          return best;
        };
      }
      default:
        throw this.error('MALFORMED_QUERY', name, unexpectedToken(name));
    }
  }

  private error(code: SoqlErrorCode, word: string, text: string, after = 0): Error {
    return soqlError(code, this.soql, locate(this.soql, word, after), text);
  }
}

/** A parent row's source record, kept off the JSON so later columns through the same parent can reuse it. */
const PARENT_RECORD = Symbol('parentRecord');

function isFunction(field: FieldType, name: string): boolean {
  return field.type === 'FieldFunctionExpression' && field.functionName.toUpperCase() === name;
}

function fieldSegments(field: FieldType): string[] {
  if (field.type === 'FieldRelationship') return [...field.relationships, field.field];
  if (field.type === 'Field') return field.field.split('.');
  return [];
}

function locateAfterFrom(soql: string, name: string, after: number): number {
  const fromAt = locate(soql, 'FROM', after) ?? after;
  return locate(soql, name, fromAt) ?? fromAt;
}

/** Text groups case-insensitively, as Salesforce's GROUP BY does. */
function normalizeGroupValue(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : (value ?? null);
}

function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toUpperCase();
    const y = b.toUpperCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}
