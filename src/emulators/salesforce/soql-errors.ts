import { SoqlError, type SoqlErrorCode } from './soql-source.ts';

/**
 * Salesforce prefixes every query error with the query and a caret under the offending token:
 *
 *   \nSELECT Foo FROM Lead\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Lead'. …
 *
 * Clients (and people reading logs) key on the last line, so that text is verbatim from Salesforce; the
 * position is our best reconstruction because the parser's AST does not carry token offsets.
 */
export function soqlError(code: SoqlErrorCode, soql: string, offset: number | undefined, text: string): SoqlError {
  if (offset === undefined || offset < 0) return new SoqlError(code, text);
  const before = soql.slice(0, offset);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', offset);
  const line = soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const column = offset - lineStart + 1;
  return new SoqlError(code, `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${text}`);
}

/**
 * Where `word` (an identifier, a dotted path or a literal as written) first appears at or after `from`, as a
 * whole word and case-insensitively: the position the error caret points at. Quoted literals are skipped unless
 * `word` is itself one, so `Company = 'Black and White'` does not hide the `AND` after it.
 */
export function locate(soql: string, word: string, from = 0): number | undefined {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![\\w.])${escaped}(?![\\w])`, 'iy');
  const skipLiterals = !word.startsWith("'");
  for (let i = Math.max(0, from); i < soql.length; i++) {
    if (skipLiterals && soql[i] === "'") {
      // Jump to the closing quote; a backslash escapes the character after it.
      for (i++; i < soql.length && soql[i] !== "'"; i++) if (soql[i] === '\\') i++;
      continue;
    }
    re.lastIndex = i;
    if (re.test(soql)) return i;
  }
  return undefined;
}

// The messages below are Salesforce's own wording, as the REST API returns it.

export const noSuchColumn = (field: string, entity: string): string =>
  `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append ` +
  `the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;

export const unsupportedType = (type: string): string =>
  `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the ` +
  `'__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`;

export const unknownParentRelationship = (name: string): string =>
  `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be ` +
  `sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for ` +
  `the appropriate names.`;

export const unknownChildRelationship = (name: string): string =>
  `Didn't understand relationship '${name}' in FROM part of query call. If you are attempting to use a custom ` +
  `relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the ` +
  `describe call for the appropriate names.`;

export const unexpectedToken = (token: string): string => `unexpected token: '${token}'`;
