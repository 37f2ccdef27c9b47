import soqlParser, { type Query } from 'soql-parser-js';
import parserModule from 'soql-parser-js/dist/src/parser/parser.js';
import lexerModule from 'soql-parser-js/dist/src/parser/lexer.js';
import { soqlError, unexpectedToken } from './soql-errors.ts';
import type { SoqlError } from './soql-source.ts';

/**
 * Parses SOQL with soql-parser-js. On a syntax error Salesforce answers MALFORMED_QUERY naming the first token it
 * could not place ("unexpected token: 'FROM'"); the library's own error drops the token, so the query is
 * re-run through its lexer and parser (only on this failure path) to find it.
 */
export function parseSoql(soql: string): Query {
  try {
    return soqlParser.parseQuery(soql);
  } catch (error) {
    // Anything the diagnostic pass cannot pin on a token is not a syntax error: let it surface as it is.
    throw syntaxError(soql) ?? error;
  }
}

let diagnosticParser: InstanceType<typeof parserModule.SoqlParser> | undefined;

function syntaxError(soql: string): SoqlError | undefined {
  const lexed = lexerModule.lex(soql);
  diagnosticParser ??= new parserModule.SoqlParser();
  diagnosticParser.input = lexed.tokens;
  diagnosticParser.selectStatement();
  const failure = diagnosticParser.errors[0];
  const token = failure?.token;
  const tokenAt = token === undefined || Number.isNaN(token.startOffset) || token.tokenType.name === 'EOF' ? soql.length : token.startOffset;
  // Report whichever comes first, a character the lexer could not read or a token the parser could not place:
  // in `Name = 'O'Brien'` that is `Brien`, as Salesforce says, not the dangling quote after it.
  const lexError = lexed.errors[0];
  if (lexError && lexError.offset < tokenAt) {
    const word = /^\S+/.exec(soql.slice(lexError.offset))?.[0] ?? soql.charAt(lexError.offset);
    return soqlError('MALFORMED_QUERY', soql, lexError.offset, unexpectedToken(word));
  }
  if (!failure || !token) return undefined;
  if (tokenAt === soql.length) return soqlError('MALFORMED_QUERY', soql, soql.trimEnd().length, unexpectedToken('<EOF>'));
  return soqlError('MALFORMED_QUERY', soql, token.startOffset, unexpectedToken(token.image));
}
