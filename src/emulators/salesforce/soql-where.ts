import type { FunctionExp, LiteralType, Query, WhereClause } from 'soql-parser-js';
import { dateFunction, isDateFunction } from './soql-date-functions.ts';
import { canonicalId } from './ids.ts';
import { locate, noSuchColumn, soqlError, unexpectedToken, unknownParentRelationship } from './soql-errors.ts';
import {
  canonicalDateTime,
  dateLiteralRange,
  dayToDateString,
  decodeStringLiteral,
  msToCanonicalDateTime,
  parseDateLiteral,
  parseDateTimeLiteral,
} from './soql-literals.ts';
import { compileConditionTree, type LeafCondition, type Test } from './soql-logic.ts';
import {
  familyOf,
  fieldReader,
  idKey,
  resolveFieldPath,
  soapTypeName,
  type Family,
  type FieldPath,
  type ObjectSchema,
  type SchemaCache,
} from './soql-schema.ts';
import type { SoqlDataSource, SoqlField, SoqlRecord } from './soql-source.ts';

export type Predicate = Test<SoqlRecord>;

export interface WhereContext {
  soql: string;
  source: SoqlDataSource;
  schemas: SchemaCache;
  now: Date;
  /** The FROM object's alias (`FROM Account a`), which field paths may start with. */
  alias: string | undefined;
  /** Where the clause being compiled starts in `soql`, so error carets land in the right place. */
  offset: number;
  /** Runs a semi-join's inner query once and returns the ids it selects, keyed by `idKey`. */
  semiJoin(query: Query, offset: number): Set<string>;
}

/**
 * Compiles a WHERE clause once into a predicate. Salesforce checks every field, operator and literal when it
 * parses the query, before touching a row, so all validation happens here and the predicate itself only reads.
 */
export function compileWhere(where: WhereClause, from: ObjectSchema, context: WhereContext): Predicate {
  return compileConditionTree(where, (condition) => compileFieldCondition(condition, from, context), context.soql, context.offset);
}

/** A field path as written (`Account.Owner.Email`, `a.Name` under `FROM Account a`), split for resolution. */
function pathSegments(text: string, alias: string | undefined): string[] {
  const segments = text.split('.');
  if (alias !== undefined && segments.length > 1 && segments[0]!.toLowerCase() === alias.toLowerCase()) segments.shift();
  return segments;
}

/** Resolves a field path or throws the INVALID_FIELD Salesforce answers for it. */
export function resolveOrThrow(context: WhereContext, from: ObjectSchema, text: string, at: number | undefined): FieldPath {
  const path = resolveFieldPath(context.schemas, from, pathSegments(text, context.alias));
  if ('hops' in path) return path;
  if (path.kind === 'noSuchColumn') throw soqlError('INVALID_FIELD', context.soql, at, noSuchColumn(path.field, path.entity));
  throw soqlError('INVALID_FIELD', context.soql, at, unknownParentRelationship(path.relationship));
}

/** One `field operator value` (or `field IN (SELECT …)`) leaf, as a predicate over records of `from`. */
export function compileFieldCondition(condition: LeafCondition, from: ObjectSchema, context: WhereContext): Predicate {
  const { soql, offset } = context;
  if ('fn' in condition) {
    // CALENDAR_YEAR(CreatedDate) = 2026: the function's result is compared like a field of its result type.
    const { read, result, at } = compileDateFunction(condition.fn, from, context);
    const test = compileValueTest(result, condition, context, at);
    return (record) => test(read(record));
  }
  if (!('field' in condition)) throw soqlError('MALFORMED_QUERY', soql, offset, unexpectedToken('('));
  const fieldOffset = locate(soql, condition.field, offset);
  const path = resolveOrThrow(context, from, condition.field, fieldOffset);
  const read = fieldReader(context.source, path);

  if ('valueQuery' in condition) {
    const operator = condition.operator.toUpperCase();
    if (operator !== 'IN' && operator !== 'NOT IN') throw soqlError('MALFORMED_QUERY', soql, fieldOffset, unexpectedToken('SELECT'));
    if (familyOf(path.field.type) !== 'id') {
      throw soqlError('INVALID_FIELD', soql, fieldOffset, `Invalid field in semi-join/anti-join: ${path.field.name}`);
    }
    // Run now rather than at the first row, so a bad inner query is refused even when no row is read.
    const ids = context.semiJoin(condition.valueQuery, fieldOffset ?? offset);
    const inSet: Predicate = (record) => {
      const value = read(record);
      return typeof value === 'string' && ids.has(idKey(value));
    };
    return operator === 'IN' ? inSet : (record) => !inSet(record);
  }

  const test = compileValueTest(path.field, condition, context, fieldOffset);
  return (record) => test(read(record));
}

/** A date function over a field (`CALENDAR_MONTH(CloseDate)`), as a reader of records and the type of its result. */
export function compileDateFunction(
  fn: FunctionExp,
  from: ObjectSchema,
  context: WhereContext,
): { read: (record: SoqlRecord) => unknown; result: SoqlField; at: number | undefined } {
  const { soql, offset } = context;
  const name = fn.functionName ?? '';
  const raw = fn.rawValue ?? name;
  const at = locate(soql, name, offset);
  const argument = fn.parameters?.[0];
  if (!isDateFunction(name) || typeof argument !== 'string' || fn.parameters?.length !== 1) {
    throw soqlError('MALFORMED_QUERY', soql, at, unexpectedToken(raw));
  }
  const path = resolveOrThrow(context, from, argument, locate(soql, argument, at));
  const applied = dateFunction(name, path.field, raw);
  if ('refused' in applied) throw soqlError('INVALID_FIELD', soql, at, applied.refused);
  const readField = fieldReader(context.source, path);
  return { read: (record) => applied.apply(readField(record)), result: applied.result, at };
}

/** The `operator value` half of a WHERE or HAVING leaf, as soql-parser-js hands it over. */
export interface ValueComparison {
  operator: string;
  value: string | string[];
  literalType?: LiteralType | LiteralType[];
  dateLiteralVariable?: number | number[];
}

/**
 * The comparison half of a condition (`operator value`), checked against the type of `field` and compiled into
 * a test of a stored value. HAVING reuses it for aggregates, with `field` describing the aggregate's result.
 */
export function compileValueTest(
  field: SoqlField,
  condition: ValueComparison,
  context: WhereContext,
  fieldOffset: number | undefined,
): (value: unknown) => boolean {
  const { soql } = context;
  const family = familyOf(field.type);
  const operator = condition.operator.toUpperCase();
  const operatorError = (text: string): never => {
    throw soqlError('INVALID_QUERY_FILTER_OPERATOR', soql, fieldOffset, text);
  };
  if (family === 'address') {
    throw soqlError('INVALID_FIELD', soql, fieldOffset, `field '${field.name}' can not be filtered in a query call`);
  }
  const setOperator = operator === 'INCLUDES' || operator === 'EXCLUDES';
  if (setOperator && family !== 'multipicklist') operatorError('includes or excludes operator only valid on multipicklist field');
  if (family === 'multipicklist' && !setOperator && !['=', '!=', 'IN', 'NOT IN'].includes(operator)) {
    operatorError('invalid operator on multipicklist field');
  }
  if (operator === 'LIKE' && family !== 'text') operatorError(`invalid operator on ${soapTypeName(field)} field`);
  if (family === 'boolean' && !['=', '!=', 'IN', 'NOT IN'].includes(operator)) operatorError('invalid operator on boolean field');

  const values: string[] = Array.isArray(condition.value) ? condition.value : [condition.value];
  const literalType = condition.literalType;
  const literalTypes: Array<string | undefined> = Array.isArray(literalType) ? literalType : values.map(() => literalType);
  const nArguments = condition.dateLiteralVariable;
  const operands = values.map((raw, i) => {
    const n = Array.isArray(nArguments) ? nArguments[i] : nArguments;
    return toOperand(raw, literalTypes[i], n, field, operator, context);
  });

  if (operator === 'LIKE') return likeTest(operands[0]!);
  if (family === 'multipicklist') return multipicklistTest(operator, operands);

  const normalize = normalizer(family, operator);
  const test = operator === 'IN' || operator === 'NOT IN' ? membershipTest(operands, operator === 'NOT IN') : comparisonTest(operator, operands[0]!);
  return (value) => test(normalize(value));
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A literal turned into the comparable form of its field's family; a range for relative date literals. */
type Operand = { kind: 'null' } | { kind: 'value'; value: string | number | boolean } | { kind: 'range'; low: string | number; high: string | number };

const DAY_MS = 86_400_000;
const ORDERING = new Set(['<', '<=', '>', '>=']);

type Comparable = string | number | boolean | null;

/**
 * IN and NOT IN. A sync engine's `Id IN (…200 ids…)` is answered with a set lookup rather than 200 comparisons
 * per row; relative date literals in the list are ranges and are tested one by one.
 */
function membershipTest(operands: Operand[], negated: boolean): (value: Comparable) => boolean {
  const values = new Set<Comparable>();
  const ranges: Array<(value: Comparable) => boolean> = [];
  for (const operand of operands) {
    if (operand.kind === 'null') values.add(null);
    else if (operand.kind === 'value') values.add(operand.value);
    else ranges.push(comparisonTest('=', operand));
  }
  const member = ranges.length === 0
    ? (value: Comparable) => values.has(value)
    : (value: Comparable) => values.has(value) || ranges.some((inRange) => inRange(value));
  return negated ? (value) => !member(value) : member;
}

/**
 * One comparison, specialised once per condition. SOQL has no three-valued logic: `Name != 'x'` matches records
 * whose Name is null, and a null never satisfies `<` or `>`.
 */
function comparisonTest(operator: string, operand: Operand): (value: Comparable) => boolean {
  if (operand.kind === 'null') {
    if (operator === '=') return (value) => value === null;
    if (operator === '!=') return (value) => value !== null;
    return () => false;
  }
  if (operand.kind === 'range') {
    // A relative date literal is a span of time: `= TODAY` means within it, `> TODAY` after its end.
    const { low, high } = operand;
    switch (operator) {
      case '=': return (value) => value !== null && value >= low && value < high;
      case '!=': return (value) => value === null || value < low || value >= high;
      case '<': return (value) => value !== null && value < low;
      case '<=': return (value) => value !== null && value < high;
      case '>': return (value) => value !== null && value >= high;
      case '>=': return (value) => value !== null && value >= low;
      default: return () => false;
    }
  }
  const literal = operand.value;
  switch (operator) {
    case '=': return (value) => value === literal;
    case '!=': return (value) => value !== literal;
    case '<': return (value) => value !== null && value < literal;
    case '<=': return (value) => value !== null && value <= literal;
    case '>': return (value) => value !== null && value > literal;
    case '>=': return (value) => value !== null && value >= literal;
    default: return () => false;
  }
}

/**
 * How a stored value is made comparable with a literal of its family. Text equality is case-insensitive;
 * text order follows ORDER BY's rule for English locales (upper-cased values), see "ORDER BY",
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm.
 */
function normalizer(family: Family, operator: string): (value: unknown) => Comparable {
  switch (family) {
    case 'text':
      return ORDERING.has(operator)
        ? (value) => (typeof value === 'string' ? value.toUpperCase() : null)
        : (value) => (typeof value === 'string' ? value.toLowerCase() : null);
    case 'id': return (value) => (typeof value === 'string' && value !== '' ? idKey(value) : null);
    // "If you run a query on a boolean field, null matches FALSE values" (Use null in WHERE,
    // https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_null.htm).
    case 'boolean': return (value) => value === true;
    case 'number': return (value) => (typeof value === 'number' ? value : null);
    case 'date': return (value) => (typeof value === 'string' && value !== '' ? value.slice(0, 10) : null);
    case 'datetime': return (value) => (typeof value === 'string' && value !== '' ? canonicalDateTime(value) : null);
    default: return (value) => (value === undefined ? null : (value as string));
  }
}

function toOperand(
  raw: string,
  literalType: string | undefined,
  n: number | undefined,
  field: SoqlField,
  operator: string,
  context: WhereContext,
): Operand {
  const forLike = operator === 'LIKE';
  const { soql, offset } = context;
  const family = familyOf(field.type);
  const at = locate(soql, raw, offset);
  const mismatch = (): never => {
    const quoted = family === 'text' || family === 'id' || family === 'multipicklist';
    throw soqlError(
      'INVALID_FIELD',
      soql,
      at,
      `value of filter criterion for field '${field.name}' must be of type ${soapTypeName(field)} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
    );
  };
  if (literalType === 'NULL') return family === 'boolean' ? { kind: 'value', value: false } : { kind: 'null' };

  switch (family) {
    case 'text':
    case 'id':
    case 'multipicklist': {
      if (literalType !== 'STRING') return mismatch();
      const decoded = decodeStringLiteral(raw, forLike);
      if (decoded === undefined) {
        throw soqlError('MALFORMED_QUERY', soql, at, `Invalid string literal '${raw.slice(1, -1)}'. Illegal character sequence '\\${illegalEscape(raw)}' in string literal.`);
      }
      if (family === 'id') {
        if (!ID_PATTERN.test(decoded)) {
          throw soqlError('INVALID_QUERY_FILTER_OPERATOR', soql, at, `invalid ID field: ${decoded}`);
        }
        // An 18-character id is case-insensitive: its suffix restores the case of the first 15.
        return { kind: 'value', value: idKey(canonicalId(decoded) ?? decoded) };
      }
      if (forLike) return { kind: 'value', value: decoded };
      return { kind: 'value', value: ORDERING.has(operator) ? decoded.toUpperCase() : decoded.toLowerCase() };
    }
    case 'boolean':
      if (literalType !== 'BOOLEAN') return mismatch();
      return { kind: 'value', value: raw.toUpperCase() === 'TRUE' };
    case 'number': {
      if (literalType !== 'INTEGER' && literalType !== 'DECIMAL') return mismatch();
      return { kind: 'value', value: Number(raw) };
    }
    case 'date':
    case 'datetime': {
      if (literalType === 'DATE_LITERAL' || literalType === 'DATE_N_LITERAL') {
        const name = raw.split(':')[0]!;
        const range = dateLiteralRange(name, n, context.now);
        if (!range) throw soqlError('MALFORMED_QUERY', soql, at, unexpectedToken(raw));
        return family === 'date'
          ? { kind: 'range', low: dayToDateString(range.startDay), high: dayToDateString(range.endDay) }
          : { kind: 'range', low: msToCanonicalDateTime(range.startDay * DAY_MS), high: msToCanonicalDateTime(range.endDay * DAY_MS) };
      }
      if (family === 'date') {
        if (literalType !== 'DATE') return mismatch();
        const date = parseDateLiteral(raw);
        if (date === undefined) throw soqlError('MALFORMED_QUERY', soql, at, unexpectedToken(raw));
        return { kind: 'value', value: date };
      }
      if (literalType !== 'DATETIME') return mismatch();
      const ms = parseDateTimeLiteral(raw);
      if (ms === undefined) throw soqlError('MALFORMED_QUERY', soql, at, unexpectedToken(raw));
      return { kind: 'value', value: msToCanonicalDateTime(ms) };
    }
    default:
      return mismatch();
  }
}

function illegalEscape(raw: string): string {
  const match = /\\([^nNrRtTbBfF"'\\u])/.exec(raw) ?? /\\([%_])/.exec(raw);
  return match?.[1] ?? '';
}

/**
 * LIKE: `%` is any run of characters, `_` exactly one, `\%` and `\_` the characters themselves; matching is
 * case-insensitive ("Comparison Operators",
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm).
 */
function likeTest(operand: Operand): (value: unknown) => boolean {
  if (operand.kind !== 'value' || typeof operand.value !== 'string') return () => false;
  const pattern = likeToRegExp(operand.value);
  return (value) => typeof value === 'string' && pattern.test(value);
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]!);
    } else if (c === '%') {
      source += '.*';
    } else if (c === '_') {
      source += '.';
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`, 'is');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * Multi-select picklists hold `a;b;c`. `=` matches the exact set in any order; INCLUDES ('a;b', 'c') matches a
 * value holding both a and b, or c; EXCLUDES is its negation ("Querying Multi-Select Picklists",
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_querying_multiselect_picklists.htm).
 */
function multipicklistTest(operator: string, operands: Operand[]): (value: unknown) => boolean {
  const wanted = operands.map((operand) => (operand.kind === 'value' ? toSet(String(operand.value)) : null));
  const valueSet = (value: unknown): Set<string> | null => (typeof value === 'string' && value !== '' ? toSet(value) : null);
  const sameSet = (a: Set<string> | null, b: Set<string> | null): boolean =>
    a === null || b === null ? a === b : a.size === b.size && [...a].every((item) => b.has(item));
  const includesAny = (value: Set<string> | null): boolean =>
    value !== null && wanted.some((set) => set !== null && [...set].every((item) => value.has(item)));
  switch (operator) {
    case 'INCLUDES': return (value) => includesAny(valueSet(value));
    case 'EXCLUDES': return (value) => !includesAny(valueSet(value));
    case '=': case 'IN': return (value) => {
      const set = valueSet(value);
      return wanted.some((candidate) => sameSet(candidate, set));
    };
    default: return (value) => {
      const set = valueSet(value);
      return !wanted.some((candidate) => sameSet(candidate, set));
    };
  }
}

function toSet(value: string): Set<string> {
  return new Set(value.toLowerCase().split(';').map((item) => item.trim()).filter((item) => item !== ''));
}
