/**
 * The Salesforce emulator's SOQL evaluator: parses a query with soql-parser-js, validates it against the schema the
 * record store describes, and answers rows in the REST API's JSON shape. The store owns paging (2,000 rows a page);
 * this module returns every row the query selects after OFFSET and LIMIT.
 *
 * A query is compiled once (fields, WHERE, ORDER BY, semi-joins all checked before a row is read), then run as one
 * scan. Modules: soql-parse (syntax errors), soql-where and soql-logic (conditions), soql-literals and
 * soql-date-functions (values), soql-order (sorting), soql-aggregate (COUNT(field), GROUP BY, HAVING).
 *
 * Not emulated: user time zones and locales (UTC, weeks from Sunday, fiscal year = calendar year), toLabel(),
 * FORMAT(), convertCurrency(), convertTimezone(), GROUP BY ROLLUP/CUBE, DISTANCE(), WITH DATA CATEGORY; USING SCOPE,
 * WITH SECURITY_ENFORCED, FOR VIEW/UPDATE are accepted and ignored.
 */
import type { FieldSubquery, FieldType, FieldTypeOf, OrderByClause, Query, QueryBase } from 'soql-parser-js';
import { runAggregateQuery } from './soql-aggregate.ts';
import { locate, noSuchColumn, soqlError, unexpectedToken, unknownChildRelationship, unknownParentRelationship, unsupportedType } from './soql-errors.ts';
import { sortsNullsFirst, sortRows, type SortKey } from './soql-order.ts';
import { parseSoql } from './soql-parse.ts';
import { familyOf, fieldReader, idKey, SchemaCache, selectedFieldText, type FieldPath, type ObjectSchema } from './soql-schema.ts';
import type { SoqlDataSource, SoqlErrorCode, SoqlField, SoqlOptions, SoqlRecord, SoqlResult } from './soql-source.ts';
import { compileWhere, resolveOrThrow, type Predicate, type WhereContext } from './soql-where.ts';

export { SoqlError } from './soql-source.ts';
export type { SoqlDataSource, SoqlOptions, SoqlResult } from './soql-source.ts';

/** "The maximum offset is 2,000 rows" (OFFSET, https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_offset.htm). */
const MAX_OFFSET = 2000;

/** FIELDS(ALL) and FIELDS(CUSTOM) need "a LIMIT of at most 200" (FIELDS(), SOQL and SOSL Reference). */
const MAX_FIELDS_LIMIT = 200;

export function runSoql(soql: string, source: SoqlDataSource, options: SoqlOptions): SoqlResult {
  const query = parseSoql(soql);
  return new Evaluator(soql, source, options).run(query);
}

/** A column of the result, in SELECT order. */
type Column =
  | { kind: 'field'; path: FieldPath }
  | { kind: 'children'; relationshipName: string; plan: ChildPlan }
  | { kind: 'typeof'; reference: SoqlField; relationshipName: string; branches: Map<string, SoqlField[]>; otherwise: SoqlField[] };

interface ChildPlan {
  schema: ObjectSchema;
  /** the child's reference field pointing at the parent, e.g. OpportunityId */
  parentField: string;
  columns: Column[];
  predicate: Predicate | undefined;
  sort: Array<SortKey<SoqlRecord>>;
  limit: number | undefined;
  offset: number;
}

/** One SELECT (the query, a child subquery or a semi-join) and what its field paths resolve against. */
interface Scope {
  from: ObjectSchema;
  context: WhereContext;
}

class Evaluator {
  private readonly schemas: SchemaCache;
  private readonly childIndexes = new Map<ChildPlan, Map<string, SoqlRecord[]>>();

  constructor(
    private readonly soql: string,
    private readonly source: SoqlDataSource,
    private readonly options: SoqlOptions,
  ) {
    this.schemas = new SchemaCache(source);
  }

  run(query: Query): SoqlResult {
    const scope = this.scope(query.sObject ?? '', query, 0);
    const fields = query.fields ?? [];
    const countAll = fields.filter((field) => isFunction(field, 'COUNT') && field.parameters.length === 0);
    const offset = this.checkOffset(query.offset);
    const predicate = query.where ? compileWhere(query.where, scope.from, scope.context) : undefined;

    if (countAll.length > 0) {
      // "COUNT() must be the only element in the SELECT list"; "You can't use COUNT() with an ORDER BY clause"
      // (COUNT() and COUNT(fieldName), https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_count.htm).
      if (fields.length > 1) throw this.error('MALFORMED_QUERY', 'COUNT', unexpectedToken('COUNT'));
      if (query.orderBy !== undefined) throw this.error('MALFORMED_QUERY', 'ORDER', unexpectedToken('ORDER BY'));
      if (query.groupBy !== undefined) throw this.error('MALFORMED_QUERY', 'GROUP', unexpectedToken('GROUP BY'));
      let matched = 0;
      for (const record of this.source.scan(scope.from.object.name, this.options.includeDeleted)) if (!predicate || predicate(record)) matched++;
      return { objectName: scope.from.object.name, totalSize: Math.max(0, Math.min(matched - offset, query.limit ?? Infinity)), records: [] };
    }
    if (query.groupBy !== undefined || query.having !== undefined || fields.some((field) => field.type === 'FieldFunctionExpression' && field.isAggregateFn)) {
      return runAggregateQuery(query, scope.from, () => this.filter(scope.from, predicate), offset, scope.context);
    }

    // Everything is validated before the scan, as Salesforce refuses a bad query before reading a row.
    const columns = this.columns(fields, scope, query.limit, false);
    const sort = this.sortKeys(query.orderBy, scope);
    const rows = this.filter(scope.from, predicate);
    const bound = query.limit === undefined ? undefined : offset + query.limit;
    const ordered = sort.length > 0 ? sortRows(rows, sort, bound) : rows;
    const records = ordered.slice(offset, bound).map((record) => this.project(record, scope.from.object.name, columns));
    return { objectName: scope.from.object.name, totalSize: records.length, records };
  }

  /**
   * Resolves a SELECT's FROM object. `after` is where to look for it in the text, so that an error in a subquery
   * points into the subquery.
   */
  private scope(objectName: string, query: QueryBase, after: number): Scope {
    const fromAt = locate(this.soql, 'FROM', after) ?? after;
    const nameAt = locate(this.soql, objectName, fromAt) ?? fromAt;
    const from = this.schemas.get(objectName);
    if (!from) throw soqlError('INVALID_TYPE', this.soql, nameAt, unsupportedType(objectName));
    return { from, context: this.context(query.sObjectAlias, nameAt) };
  }

  private context(alias: string | undefined, offset: number): WhereContext {
    return {
      soql: this.soql,
      source: this.source,
      schemas: this.schemas,
      now: this.options.now,
      alias,
      offset,
      semiJoin: (inner, at) => this.semiJoin(inner, at),
    };
  }

  private checkOffset(offset: number | undefined): number {
    if (offset === undefined) return 0;
    if (offset > MAX_OFFSET) {
      // The code the OFFSET documentation names for an offset past 2,000.
      throw soqlError('NUMBER_OUTSIDE_VALID_RANGE', this.soql, locate(this.soql, 'OFFSET'), `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
    return offset;
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
    const scope = this.scope(inner.sObject ?? '', inner, at);
    const fields = inner.fields ?? [];
    const only = fields[0];
    if (fields.length !== 1 || !only || (only.type !== 'Field' && only.type !== 'FieldRelationship')) {
      throw this.error('MALFORMED_QUERY', 'SELECT', unexpectedToken(','), at);
    }
    const path = resolveOrThrow(scope.context, scope.from, selectedFieldText(only), locate(this.soql, selectedFieldText(only), at));
    if (familyOf(path.field.type) !== 'id') {
      throw this.error('INVALID_FIELD', path.field.name, `Invalid field in semi-join/anti-join: ${path.field.name}`, at);
    }
    const read = fieldReader(this.source, path);
    const predicate = inner.where ? compileWhere(inner.where, scope.from, scope.context) : undefined;
    const ids = new Set<string>();
    for (const record of this.filter(scope.from, predicate)) {
      const value = read(record);
      if (typeof value === 'string' && value !== '') ids.add(idKey(value));
    }
    return ids;
  }

  private columns(fields: FieldType[], scope: Scope, limit: number | undefined, inSubquery: boolean): Column[] {
    const columns: Column[] = [];
    const seen = new Set<string>();
    // "The fieldList cannot contain duplicate field names" (Queries and the Partner WSDL, SOAP API Developer Guide).
    const add = (path: FieldPath): void => {
      const text = path.names.join('.');
      if (seen.has(text.toLowerCase())) throw this.error('MALFORMED_QUERY', text, `duplicate field selected: ${text}`, scope.context.offset);
      seen.add(text.toLowerCase());
      columns.push({ kind: 'field', path });
    };
    for (const field of fields) {
      switch (field.type) {
        case 'Field':
        case 'FieldRelationship': {
          // Aliases belong to aggregate queries; on a plain field Salesforce does not expect one.
          if ('alias' in field && field.alias) throw this.error('MALFORMED_QUERY', field.alias, unexpectedToken(field.alias));
          const text = selectedFieldText(field);
          add(resolveOrThrow(scope.context, scope.from, text, locate(this.soql, text)));
          break;
        }
        case 'FieldFunctionExpression':
          if (field.functionName.toUpperCase() !== 'FIELDS') throw this.error('MALFORMED_QUERY', field.functionName, unexpectedToken(field.functionName));
          for (const path of this.expandFields(field.parameters, scope.from, limit)) add(path);
          break;
        case 'FieldSubquery':
          if (inSubquery) throw this.error('MALFORMED_QUERY', 'SELECT', unexpectedToken('SELECT'), scope.context.offset);
          columns.push(this.childColumn(field, scope, limit));
          break;
        case 'FieldTypeof':
          if (seen.has(field.field.toLowerCase())) throw this.error('MALFORMED_QUERY', field.field, `duplicate field selected: ${field.field}`);
          seen.add(field.field.toLowerCase());
          columns.push(this.typeofColumn(field, scope));
          break;
        default:
          throw this.error('MALFORMED_QUERY', 'SELECT', unexpectedToken('SELECT'));
      }
    }
    return columns;
  }

  /**
   * TYPEOF over a polymorphic relationship (`TYPEOF Owner WHEN User THEN Email ELSE Name END`): each record's
   * parent answers the fields of the branch its type selects ("TYPEOF", SOQL and SOSL Reference).
   */
  private typeofColumn(field: FieldTypeOf, scope: Scope): Column {
    const at = locate(this.soql, field.field, locate(this.soql, 'TYPEOF') ?? 0);
    const reference = scope.from.parents.get(field.field.toLowerCase());
    if (!reference) throw soqlError('INVALID_FIELD', this.soql, at, unknownParentRelationship(field.field));
    const targets = (reference.referenceTo ?? []).flatMap((name) => this.schemas.get(name) ?? []);
    const fieldsOf = (objects: ObjectSchema[], names: string[]): SoqlField[] =>
      names.map((name) => {
        const found = objects.map((object) => object.fields.get(name.toLowerCase())).find((candidate) => candidate !== undefined);
        if (!found) throw soqlError('INVALID_FIELD', this.soql, locate(this.soql, name, at), noSuchColumn(name, objects[0]?.object.name ?? field.field));
        return found;
      });
    const branches = new Map<string, SoqlField[]>();
    let otherwise: SoqlField[] = [];
    for (const condition of field.conditions) {
      if (condition.type === 'ELSE') {
        otherwise = fieldsOf(targets, condition.fieldList);
        continue;
      }
      const objectType = condition.objectType ?? '';
      const target = targets.find((candidate) => candidate.object.name.toLowerCase() === objectType.toLowerCase());
      if (!target) throw soqlError('INVALID_TYPE', this.soql, locate(this.soql, objectType, at), unsupportedType(objectType));
      branches.set(target.object.name.toLowerCase(), fieldsOf([target], condition.fieldList));
    }
    return { kind: 'typeof', reference, relationshipName: reference.relationshipName ?? field.field, branches, otherwise };
  }

  /** FIELDS(ALL | STANDARD | CUSTOM), expanded in schema order; compound address fields come as they are stored. */
  private expandFields(parameters: unknown[], from: ObjectSchema, limit: number | undefined): FieldPath[] {
    const which = String(parameters[0] ?? '').toUpperCase();
    if (which !== 'ALL' && which !== 'STANDARD' && which !== 'CUSTOM') throw this.error('MALFORMED_QUERY', 'FIELDS', unexpectedToken(which));
    if (which !== 'STANDARD' && (limit === undefined || limit > MAX_FIELDS_LIMIT)) {
      throw this.error('MALFORMED_QUERY', 'FIELDS', `The SOQL FIELDS function must have a LIMIT of at most ${MAX_FIELDS_LIMIT}`);
    }
    return from.object.fields
      .filter((field) => which === 'ALL' || field.name.endsWith('__c') === (which === 'CUSTOM'))
      .map((field) => ({ hops: [], field, names: [field.name] }));
  }

  private childColumn(field: FieldSubquery, parent: Scope, parentLimit: number | undefined): Column {
    const subquery = field.subquery;
    // "A subquery can use OFFSET only if the parent query has a LIMIT 1 clause" (OFFSET, SOQL and SOSL Reference).
    if (subquery.offset !== undefined && parentLimit !== 1) throw this.error('MALFORMED_QUERY', 'OFFSET', unexpectedToken('OFFSET'));
    const name = subquery.relationshipName;
    const relationship = parent.from.children.get(name.toLowerCase());
    const childSchema = relationship ? this.schemas.get(relationship.childSObject) : undefined;
    if (!relationship || !childSchema) throw this.error('INVALID_TYPE', name, unknownChildRelationship(name));
    // The subquery names the relationship, not the object: its errors point after `FROM <relationship>`.
    const scope: Scope = { from: childSchema, context: this.context(subquery.sObjectAlias, locate(this.soql, name) ?? 0) };
    const plan: ChildPlan = {
      schema: scope.from,
      parentField: relationship.field,
      columns: this.columns(subquery.fields ?? [], scope, subquery.limit, true),
      predicate: subquery.where ? compileWhere(subquery.where, scope.from, scope.context) : undefined,
      sort: this.sortKeys(subquery.orderBy, scope),
      limit: subquery.limit,
      offset: subquery.offset ?? 0,
    };
    return { kind: 'children', relationshipName: relationship.relationshipName, plan };
  }

  private sortKeys(orderBy: OrderByClause | OrderByClause[] | undefined, scope: Scope): Array<SortKey<SoqlRecord>> {
    const clauses = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
    const orderAt = locate(this.soql, 'ORDER', scope.context.offset) ?? scope.context.offset;
    return clauses.map((clause) => {
      if (!('field' in clause)) throw this.error('MALFORMED_QUERY', 'ORDER', unexpectedToken(clause.fn.rawValue ?? 'ORDER BY'), orderAt);
      const path = resolveOrThrow(scope.context, scope.from, clause.field, locate(this.soql, clause.field, orderAt));
      // ORDER BY does not support multi-select picklists (ORDER BY, SOQL and SOSL Reference), nor compound fields.
      if (path.field.type === 'multipicklist' || path.field.type === 'address') {
        throw this.error('INVALID_FIELD', clause.field, `field '${path.field.name}' can not be sorted in a query call`, orderAt);
      }
      const descending = clause.order === 'DESC';
        return { read: fieldReader(this.source, path), field: path.field, descending, nullsFirst: sortsNullsFirst(clause.nulls) };
    });
  }

  /** One row in REST shape: `attributes` first, then the selected columns in SELECT order. */
  private project(record: SoqlRecord, type: string, columns: Column[]): Record<string, unknown> {
    const row: Record<string, unknown> = { attributes: this.attributes(type, record) };
    // Parents already placed in this row, by relationship path, so `Account.Name, Account.Industry` share one;
    // made on the first parent column only, as most rows of a large window have none.
    let parents: PlacedParents | undefined;
    for (const column of columns) {
      if (column.kind === 'children') row[column.relationshipName] = this.children(record, column.plan);
      else if (column.kind === 'typeof') row[column.relationshipName] = this.typeofParent(record, column);
      else if (column.path.hops.length === 0) row[column.path.field.name] = record[column.path.field.name] ?? null;
      else this.place(row, record, column.path, (parents ??= new Map()));
    }
    return row;
  }

  /**
   * Writes one field path into `row`: each parent on the way becomes a nested `{ attributes, Field }` object,
   * or `null` where the reference is empty; deeper fields of a null parent are not written.
   */
  private place(
    row: Record<string, unknown>,
    record: SoqlRecord,
    path: FieldPath,
    parents: PlacedParents,
  ): void {
    let target = row;
    let current = record;
    let key = '';
    for (const hop of path.hops) {
      key += `${hop.relationshipName.toLowerCase()}.`;
      let parent = parents.get(key);
      if (parent === undefined) {
        const id = current[hop.field.name];
        const found = typeof id === 'string' && id !== '' ? this.source.get(id) : undefined;
        if (found) {
          const type = this.schemas.get(found.objectName)?.object.name ?? found.objectName;
          parent = { row: { attributes: this.attributes(type, found.record) }, record: found.record };
        } else {
          parent = null;
        }
        parents.set(key, parent);
        target[hop.relationshipName] = parent === null ? null : parent.row;
      }
      if (parent === null) return;
      target = parent.row;
      current = parent.record;
    }
    // `Owner.Type` is the parent's object, which its attributes already name.
    target[path.field.name] = path.objectType ? (target['attributes'] as { type: string }).type : (current[path.field.name] ?? null);
  }

  private typeofParent(record: SoqlRecord, column: Extract<Column, { kind: 'typeof' }>): Record<string, unknown> | null {
    const id = record[column.reference.name];
    const found = typeof id === 'string' && id !== '' ? this.source.get(id) : undefined;
    if (!found) return null;
    const type = this.schemas.get(found.objectName)?.object.name ?? found.objectName;
    const parent: Record<string, unknown> = { attributes: this.attributes(type, found.record) };
    for (const field of column.branches.get(type.toLowerCase()) ?? column.otherwise) parent[field.name] = found.record[field.name] ?? null;
    return parent;
  }

  private attributes(type: string, record: SoqlRecord): { type: string; url: string } {
    return { type, url: `/services/data/v${this.options.apiVersion}/sobjects/${type}/${String(record['Id'] ?? '')}` };
  }

  /** A child subquery's records for one parent, or null when there are none (as the REST API answers). */
  private children(parent: SoqlRecord, plan: ChildPlan): unknown {
    const parentId = parent['Id'];
    let rows = typeof parentId === 'string' ? (this.childIndex(plan).get(idKey(parentId)) ?? []) : [];
    const bound = plan.limit === undefined ? undefined : plan.offset + plan.limit;
    if (plan.sort.length > 0) rows = sortRows(rows, plan.sort, bound);
    rows = rows.slice(plan.offset, bound);
    if (rows.length === 0) return null;
    const records = rows.map((record) => this.project(record, plan.schema.object.name, plan.columns));
    return { totalSize: records.length, done: true, records };
  }

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

  private error(code: SoqlErrorCode, word: string, text: string, after = 0): Error {
    return soqlError(code, this.soql, locate(this.soql, word, after), text);
  }
}

/** Parent objects already written into a row, by lower-cased relationship path ("account.owner."). */
type PlacedParents = Map<string, { row: Record<string, unknown>; record: SoqlRecord } | null>;

function isFunction(field: FieldType, name: string): field is Extract<FieldType, { type: 'FieldFunctionExpression' }> {
  return field.type === 'FieldFunctionExpression' && field.functionName.toUpperCase() === name;
}
