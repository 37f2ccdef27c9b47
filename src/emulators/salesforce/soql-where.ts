import type { Condition, Query, ValueQueryCondition, WhereClause } from 'soql-parser-js';
import { locate, noSuchColumn, soqlError, unexpectedToken, unknownParentRelationship } from './soql-errors.ts';
import {
  dateLiteralRange,
  dayToDateString,
  decodeStringLiteral,
  parseDateLiteral,
  parseDateTimeLiteral,
  canonicalDateTime,
  msToCanonicalDateTime,
} from './soql-literals.ts';
import { fieldReader, resolveFieldPath, type ObjectSchema, type SchemaCache } from './soql-schema.ts';
import type { SalesforceFieldType, SoqlDataSource, SoqlField, SoqlRecord } from './soql-source.ts';

export type Predicate = (record: SoqlRecord) => boolean;

export interface WhereContext {
  soql: string;
  source: SoqlDataSource;
  schemas: SchemaCache;
  now: Date;
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
  const tokens = flatten(where);
  const parser = new BooleanParser(tokens, (condition) => compileCondition(condition, from, context), context);
  return parser.parse();
}

type Token =
  | { kind: '(' }
  | { kind: ')' }
  | { kind: 'AND' | 'OR' | 'NOT' }
  | { kind: 'condition'; condition: Condition | ValueQueryCondition };

/**
 * soql-parser-js hands WHERE over as a right-leaning list with paren counts on the conditions; turning it back
 * into tokens lets a small parser apply SOQL's own grouping rules instead of the list's shape.
 */
function flatten(where: WhereClause): Token[] {
  const tokens: Token[] = [];
  let node: WhereClause | undefined = where;
  while (node) {
    const left = node.left as (Partial<Condition & ValueQueryCondition> & { openParen?: number; closeParen?: number }) | null;
    const operator = 'operator' in node ? node.operator : undefined;
    for (let i = 0; i < (left?.openParen ?? 0); i++) tokens.push({ kind: '(' });
    if (operator === 'NOT') {
      // `NOT` arrives with a null left, or a left that only carries the parens opened before it.
      tokens.push({ kind: 'NOT' });
    } else if (left) {
      tokens.push({ kind: 'condition', condition: left as Condition });
      for (let i = 0; i < (left.closeParen ?? 0); i++) tokens.push({ kind: ')' });
      if (operator) tokens.push({ kind: operator });
    }
    node = 'right' in node ? node.right : undefined;
  }
  return tokens;
}

/**
 * SOQL's condition grammar: NOT binds to the expression right after it, and AND and OR may not be mixed at one
 * level without parentheses ("Parentheses are required whenever you mix the operators", Logical Operators,
 * https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-logicaloperators.html).
 */
class BooleanParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly compile: (condition: Condition | ValueQueryCondition) => Predicate,
    private readonly context: WhereContext,
  ) {}

  parse(): Predicate {
    const predicate = this.expression();
    if (this.position < this.tokens.length) this.unexpected(this.tokens[this.position]!);
    return predicate;
  }

  private expression(): Predicate {
    const operands = [this.unary()];
    let joiner: 'AND' | 'OR' | undefined;
    for (let token = this.peek(); token && (token.kind === 'AND' || token.kind === 'OR'); token = this.peek()) {
      if (joiner !== undefined && token.kind !== joiner) this.unexpected(token);
      joiner = token.kind;
      this.position++;
      operands.push(this.unary());
    }
    if (operands.length === 1) return operands[0]!;
    return joiner === 'AND' ? allOf(operands) : anyOf(operands);
  }

  private unary(): Predicate {
    const token = this.tokens[this.position++];
    if (!token) throw soqlError('MALFORMED_QUERY', this.context.soql, this.context.soql.length, unexpectedToken('<EOF>'));
    if (token.kind === 'NOT') {
      const inner = this.unary();
      return (record) => !inner(record);
    }
    if (token.kind === '(') {
      const inner = this.expression();
      const close = this.tokens[this.position++];
      if (close?.kind !== ')') this.unexpected(close);
      return inner;
    }
    if (token.kind === 'condition') return this.compile(token.condition);
    return this.unexpected(token);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private unexpected(token: Token | undefined): never {
    const { soql, offset } = this.context;
    if (!token) throw soqlError('MALFORMED_QUERY', soql, soql.length, unexpectedToken('<EOF>'));
    const text = token.kind === 'condition' ? ('field' in token.condition ? token.condition.field : '(') : token.kind;
    throw soqlError('MALFORMED_QUERY', soql, locate(soql, text, offset), unexpectedToken(text));
  }
}

function allOf(predicates: Predicate[]): Predicate {
  if (predicates.length === 2) {
    const [a, b] = predicates as [Predicate, Predicate];
    return (record) => a(record) && b(record);
  }
  return (record) => predicates.every((p) => p(record));
}

function anyOf(predicates: Predicate[]): Predicate {
  if (predicates.length === 2) {
    const [a, b] = predicates as [Predicate, Predicate];
    return (record) => a(record) || b(record);
  }
  return (record) => predicates.some((p) => p(record));
}

/** How a field's values compare, by the family its describe type belongs to. */
type Family = 'text' | 'id' | 'boolean' | 'number' | 'date' | 'datetime' | 'multipicklist' | 'address';

export function familyOf(type: SalesforceFieldType): Family {
  switch (type) {
    case 'id': case 'reference': return 'id';
    case 'boolean': return 'boolean';
    case 'int': case 'double': case 'currency': case 'percent': return 'number';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'multipicklist': return 'multipicklist';
    case 'address': return 'address';
    default: return 'text';
  }
}

/** The type name Salesforce's filter errors use ("must be of type dateTime"). */
function soapTypeName(field: SoqlField): string {
  switch (field.type) {
    case 'int': return 'integer';
    case 'currency': case 'percent': return 'double';
    case 'datetime': return 'dateTime';
    case 'reference': return 'id';
    case 'textarea': case 'phone': case 'url': case 'email': case 'picklist': case 'combobox': return 'string';
    default: return field.type;
  }
}

/** Salesforce compares Ids on their case-sensitive 15-character form: the 18-character suffix only encodes case. */
export function idKey(value: string): string {
  return value.length === 18 ? value.slice(0, 15) : value;
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A literal turned into the comparable form of its field's family; a range for relative date literals. */
type Operand = { kind: 'null' } | { kind: 'value'; value: string | number | boolean } | { kind: 'range'; low: string | number; high: string | number };

const DAY_MS = 86_400_000;
const ORDERING = new Set(['<', '<=', '>', '>=']);

function compileCondition(condition: Condition | ValueQueryCondition, from: ObjectSchema, context: WhereContext): Predicate {
  const { soql, offset } = context;
  if (!('field' in condition)) {
    // Date functions (CALENDAR_YEAR(CreatedDate) = 2026) are outside what this emulator evaluates.
    const raw = 'fn' in condition ? (condition.fn.rawValue ?? condition.fn.functionName ?? '') : '';
    throw soqlError('MALFORMED_QUERY', soql, locate(soql, raw.split('(')[0] ?? raw, offset), unexpectedToken(raw));
  }
  const fieldText = condition.field;
  const fieldOffset = locate(soql, fieldText, offset);
  const path = resolveFieldPath(context.schemas, from, fieldText.split('.'));
  if ('kind' in path) {
    if (path.kind === 'noSuchColumn') throw soqlError('INVALID_FIELD', soql, fieldOffset, noSuchColumn(path.field, path.entity));
    throw soqlError('INVALID_FIELD', soql, fieldOffset, unknownParentRelationship(path.relationship));
  }
  const field = path.field;
  const family = familyOf(field.type);
  const read = fieldReader(context.source, path);
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

  if ('valueQuery' in condition) {
    if (operator !== 'IN' && operator !== 'NOT IN') operatorError(unexpectedToken('SELECT'));
    if (family !== 'id') {
      throw soqlError('INVALID_FIELD', soql, fieldOffset, `Invalid field in semi-join/anti-join: ${field.name}`);
    }
    const ids = lazy(() => context.semiJoin(condition.valueQuery, fieldOffset ?? offset));
    const inSet: Predicate = (record) => {
      const value = read(record);
      return typeof value === 'string' && ids().has(idKey(value));
    };
    return operator === 'IN' ? inSet : (record) => !inSet(record);
  }

  const values: string[] = Array.isArray(condition.value) ? condition.value : [condition.value];
  const literalType = condition.literalType;
  const literalTypes: Array<string | undefined> = Array.isArray(literalType) ? literalType : values.map(() => literalType);
  const nArguments = 'dateLiteralVariable' in condition ? condition.dateLiteralVariable : undefined;
  const operands = values.map((raw, i) => {
    const n = Array.isArray(nArguments) ? nArguments[i] : nArguments;
    return toOperand(raw, literalTypes[i], n, field, operator, context);
  });

  if (operator === 'LIKE') return likePredicate(operands[0]!, read);
  if (family === 'multipicklist') return multipicklistPredicate(operator, operands, read);

  const normalize = normalizer(family, operator);
  const test = operator === 'IN' || operator === 'NOT IN' ? membershipTest(operands, operator === 'NOT IN') : comparisonTest(operator, operands[0]!);
  return (record) => test(normalize(read(record)));
}

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
    case 'boolean': return (value) => (typeof value === 'boolean' ? value : null);
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
  if (literalType === 'NULL') return { kind: 'null' };

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
        return { kind: 'value', value: idKey(decoded) };
      }
      if (forLike) return { kind: 'value', value: decoded };
      return { kind: 'value', value: ORDERING.has(operator) ? decoded.toUpperCase() : decoded.toLowerCase() };
    }
    case 'boolean':
      if (literalType !== 'BOOLEAN') return mismatch();
      return { kind: 'value', value: raw.toUpperCase() === 'TRUE' };
    case 'number': {
      if (literalType !== 'INTEGER' && literalType !== 'DECIMAL') return mismatch();
      if (field.type === 'int' && literalType === 'DECIMAL') return mismatch();
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
function likePredicate(operand: Operand, read: (record: SoqlRecord) => unknown): Predicate {
  if (operand.kind !== 'value' || typeof operand.value !== 'string') return () => false;
  const pattern = likeToRegExp(operand.value);
  return (record) => {
    const value = read(record);
    return typeof value === 'string' && pattern.test(value);
  };
}

export function likeToRegExp(pattern: string): RegExp {
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
function multipicklistPredicate(operator: string, operands: Operand[], read: (record: SoqlRecord) => unknown): Predicate {
  const wanted = operands.map((operand) => (operand.kind === 'value' ? toSet(String(operand.value)) : null));
  const valueSet = (record: SoqlRecord): Set<string> | null => {
    const value = read(record);
    return typeof value === 'string' && value !== '' ? toSet(value.toLowerCase()) : null;
  };
  const sameSet = (a: Set<string> | null, b: Set<string> | null): boolean =>
    a === null || b === null ? a === b : a.size === b.size && [...a].every((item) => b.has(item));
  const includesAny = (value: Set<string> | null): boolean =>
    value !== null && wanted.some((set) => set !== null && [...set].every((item) => value.has(item)));
  switch (operator) {
    case 'INCLUDES': return (record) => includesAny(valueSet(record));
    case 'EXCLUDES': return (record) => !includesAny(valueSet(record));
    case '=': case 'IN': return (record) => {
      const value = valueSet(record);
      return wanted.some((set) => sameSet(set, value));
    };
    default: return (record) => {
      const value = valueSet(record);
      return !wanted.some((set) => sameSet(set, value));
    };
  }
}

function toSet(value: string): Set<string> {
  return new Set(value.toLowerCase().split(';').map((item) => item.trim()).filter((item) => item !== ''));
}

function lazy<T>(compute: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => (cached ??= { value: compute() }).value;
}
