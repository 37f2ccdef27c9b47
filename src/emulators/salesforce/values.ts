import { RequestError } from './errors.ts';
import type { FieldDefinition } from './schema.ts';

/** "2026-11-29T00:14:44.000+0000": the datetime form the REST API writes. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Parses the datetimes Salesforce accepts: ISO 8601 with Z, ±hh:mm or ±hhmm offsets. */
export function parseDateTime(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!match) return undefined;
  const zone = match[3] ?? 'Z';
  const normalisedZone = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${match[1]}T${match[2]}${normalisedZone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const soapTypes: Record<string, string> = {
  boolean: 'boolean', int: 'int', double: 'double', currency: 'double', percent: 'double', date: 'date', datetime: 'datetime',
};

/**
 * A value Salesforce cannot deserialise fails the whole request with JSON_PARSER_ERROR (REST API Developer Guide,
 * "Status Codes and Error Responses"), before any record is looked at.
 */
function unparseable(fieldDefinition: FieldDefinition, value: unknown): RequestError {
  const kind = typeof value === 'string' ? 'VALUE_STRING' : typeof value === 'object' ? (Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT') : 'VALUE_TRUE';
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new RequestError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${soapTypes[fieldDefinition.type] ?? 'string'} from ${kind} value ${shown} or request may be missing a required field`,
  );
}

/** Converts a JSON value to the field's stored REST form; blanks become null as Salesforce stores them. */
export function coerceValue(fieldDefinition: FieldDefinition, value: unknown): unknown {
  if (value === null || value === undefined) return fieldDefinition.type === 'boolean' ? false : null;
  switch (fieldDefinition.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw unparseable(fieldDefinition, value);
    }
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      if (typeof value === 'string' && value.trim() === '') return null;
      const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      if (!Number.isFinite(number)) throw unparseable(fieldDefinition, value);
      if (fieldDefinition.type === 'int' && !Number.isInteger(number)) throw unparseable(fieldDefinition, value);
      // Stored rounded to the field's scale, half away from zero, as a Number(18, 2) column rounds.
      if (fieldDefinition.scale !== undefined && fieldDefinition.type !== 'int') {
        const factor = 10 ** fieldDefinition.scale;
        return Math.sign(number) * Math.round(Math.abs(number) * factor) / factor;
      }
      return number;
    }
    case 'date': {
      if (typeof value !== 'string') throw unparseable(fieldDefinition, value);
      if (value === '') return null;
      const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
      const ms = match ? Date.parse(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`) : Number.NaN;
      if (!match || Number.isNaN(ms) || formatDate(ms) !== match[0]) throw unparseable(fieldDefinition, value);
      return match[0];
    }
    case 'datetime': {
      if (typeof value !== 'string') throw unparseable(fieldDefinition, value);
      if (value === '') return null;
      const ms = parseDateTime(value);
      if (ms === undefined) throw unparseable(fieldDefinition, value);
      return formatDateTime(ms);
    }
    default: {
      if (typeof value === 'object') throw unparseable(fieldDefinition, value);
      const text = String(value);
      return text === '' ? null : text;
    }
  }
}

/**
 * The shape Salesforce's email validation accepts: a local part of the characters RFC 5322 allows unquoted,
 * an "@", and a dotted domain whose last label has two or more letters.
 */
const emailPattern = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

export function isValidEmail(text: string): boolean {
  return emailPattern.test(text) && !text.includes('..') && !text.startsWith('.') && !text.includes('.@');
}
