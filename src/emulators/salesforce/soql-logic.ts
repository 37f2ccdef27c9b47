import type { Condition, HavingClause, ValueQueryCondition, WhereClause } from 'soql-parser-js';
import { locate, soqlError, unexpectedToken } from './soql-errors.ts';

export type Test<T> = (item: T) => boolean;

/**
 * Compiles a WHERE or HAVING condition tree once, each leaf by `compile`: rows are tested by the returned
 * function without re-reading the query.
 */
export function compileConditionTree<T>(
  clause: WhereClause | HavingClause,
  compile: (condition: LeafCondition) => Test<T>,
  soql: string,
  offset: number,
): Test<T> {
  return new BooleanParser(flatten(clause), compile, soql, offset).parse();
}

/** A WHERE or HAVING leaf: a field, date function or aggregate compared with a value or a subquery. */
export type LeafCondition = Condition | ValueQueryCondition;

type Token =
  | { kind: '(' }
  | { kind: ')' }
  | { kind: 'AND' | 'OR' | 'NOT' }
  | { kind: 'condition'; condition: LeafCondition };

/**
 * soql-parser-js hands WHERE over as a right-leaning list with paren counts on the conditions; turning it back
 * into tokens lets a small parser apply SOQL's own grouping rules instead of the list's shape.
 */
function flatten(where: WhereClause | HavingClause): Token[] {
  const tokens: Token[] = [];
  let node: WhereClause | HavingClause | undefined = where;
  while (node) {
    const left = node.left as (Partial<LeafCondition> & { openParen?: number; closeParen?: number }) | null;
    const operator = 'operator' in node ? node.operator : undefined;
    for (let i = 0; i < (left?.openParen ?? 0); i++) tokens.push({ kind: '(' });
    if (operator === 'NOT') {
      // `NOT` arrives with a null left, or a left that only carries the parens opened before it.
      tokens.push({ kind: 'NOT' });
    } else if (left) {
      tokens.push({ kind: 'condition', condition: left as LeafCondition });
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
class BooleanParser<T> {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly compile: (condition: LeafCondition) => Test<T>,
    private readonly soql: string,
    private readonly offset: number,
  ) {}

  parse(): Test<T> {
    const predicate = this.expression();
    if (this.position < this.tokens.length) this.unexpected(this.position);
    return predicate;
  }

  private expression(): Test<T> {
    const operands = [this.unary()];
    let joiner: 'AND' | 'OR' | undefined;
    for (let token = this.peek(); token && (token.kind === 'AND' || token.kind === 'OR'); token = this.peek()) {
      if (joiner !== undefined && token.kind !== joiner) this.unexpected(this.position);
      joiner = token.kind;
      this.position++;
      operands.push(this.unary());
    }
    if (operands.length === 1) return operands[0]!;
    return joiner === 'AND' ? allOf(operands) : anyOf(operands);
  }

  private unary(): Test<T> {
    const token = this.tokens[this.position++];
    if (!token) return this.unexpected(this.position - 1);
    if (token.kind === 'NOT') {
      const inner = this.unary();
      return (item) => !inner(item);
    }
    if (token.kind === '(') {
      const inner = this.expression();
      if (this.tokens[this.position]?.kind !== ')') this.unexpected(this.position);
      this.position++;
      return inner;
    }
    if (token.kind === 'condition') return this.compile(token.condition);
    return this.unexpected(this.position - 1);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  /** Refuses the token at `index`, pointing at it: tokens are found in the text in order, each after the last. */
  private unexpected(index: number): never {
    const { soql, offset, tokens } = this;
    const token = tokens[index];
    if (!token) throw soqlError('MALFORMED_QUERY', soql, soql.trimEnd().length, unexpectedToken('<EOF>'));
    let cursor = offset;
    let at: number | undefined;
    for (let i = 0; i <= index; i++) {
      const text = textOf(tokens[i]!);
      if (text === undefined) continue;
      at = locate(soql, text, cursor);
      if (at !== undefined) cursor = at + text.length;
    }
    throw soqlError('MALFORMED_QUERY', soql, at, unexpectedToken(textOf(token) ?? token.kind));
  }
}

/** How a token is spelled in the query, for locating it; parentheses are not looked for. */
function textOf(token: Token): string | undefined {
  if (token.kind === 'condition') {
    const condition = token.condition;
    return 'field' in condition ? condition.field : 'fn' in condition ? condition.fn.functionName : undefined;
  }
  return token.kind === '(' || token.kind === ')' ? undefined : token.kind;
}

function allOf<T>(tests: Array<Test<T>>): Test<T> {
  if (tests.length === 2) {
    const [a, b] = tests as [Test<T>, Test<T>];
    return (item) => a(item) && b(item);
  }
  return (item) => tests.every((test) => test(item));
}

function anyOf<T>(tests: Array<Test<T>>): Test<T> {
  if (tests.length === 2) {
    const [a, b] = tests as [Test<T>, Test<T>];
    return (item) => a(item) || b(item);
  }
  return (item) => tests.some((test) => test(item));
}
