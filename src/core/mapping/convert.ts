/**
 * Value conversion between HubSpot's wire values and Salesforce's JSON values, for one mapped field.
 *
 * HubSpot sends and accepts every property value as a string ("true", "12.5", "a;b", "2026-01-31" or midnight-UTC
 * epoch ms for dates, ISO 8601 or epoch ms for datetimes; "" clears a value). Salesforce's REST API speaks JSON:
 * booleans, numbers, "YYYY-MM-DD" dates and "2026-01-31T12:00:00.000+0000" datetimes, null for blank.
 * (HubSpot: https://developers.hubspot.com/docs/faq/how-should-timestamps-be-formatted-for-hubspots-apis, a date
 * property must be midnight UTC; Salesforce: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_valid_date_formats.htm,
 * a dateTime carries an offset or Z, a date carries none.)
 *
 * Contract:
 * - The canonical form of a mapped value is its Salesforce JSON value (`SalesforceValue`): last-synced values
 *   are stored in it and both sides are compared in it. `hubspotToSalesforce` gives it for a HubSpot value;
 *   `salesforceToHubspot` gives the HubSpot string to write for a canonical value.
 * - A value that cannot convert yields `{ ok: false, error }`, a `property_value` error naming the value and
 *   why: never a silent drop or a guess (a datetime without a time zone is refused, not assumed UTC).
 * - `sameSyncedValue(a, b, shape)` is equality at the precision both sides keep: a Salesforce datetime fed by
 *   a HubSpot date compares by UTC day, emails ignore case, multi-select values ignore order. Without it a
 *   lossy conversion would look like a change on the next cycle and bounce.
 * - Blank is null in canonical form. A Salesforce checkbox is never blank, so a blank HubSpot checkbox is false.
 * State and country values pass through here as text; src/core/mapping/address.ts matches them.
 */
import type { ValueShape } from './model.ts';
import { choiceToHubspot, choiceToSalesforce, type ChoiceResult } from './picklist-values.ts';

export type SalesforceValue = string | number | boolean | null;

export interface ValueConversionError {
  category: 'property_value';
  /** The value as it came, for the error card. */
  value: unknown;
  message: string;
  /**
   * 'unknown_owner': the owner has no counterpart with the same email. Not the record's fault and not an error
   * (HubSpot's own integration leaves the owner as it is): the field is simply not written.
   */
  reason?: 'unknown_owner';
}

export type Converted<T> = { ok: true; value: T } | { ok: false; error: ValueConversionError };

/** Owners map by email (SPEC section 3); the engine builds these maps from both user lists. */
export interface OwnerDirectory {
  salesforceUserIdByHubspotOwnerId: ReadonlyMap<string, string>;
  hubspotOwnerIdBySalesforceUserId: ReadonlyMap<string, string>;
}

export interface ConversionContext {
  owners?: OwnerDirectory;
}

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const refused = (value: unknown, message: string): Converted<never> => ({ ok: false, error: { category: 'property_value', value, message } });

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const decimalPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const epochPattern = /^-?\d{1,15}$/;
const MS_PER_DAY = 86_400_000;

export function hubspotToSalesforce(raw: string | null | undefined, shape: ValueShape, context: ConversionContext = {}): Converted<SalesforceValue> {
  const text = raw ?? '';
  if (shape.kind === 'boolean') return hubspotBoolean(text);
  if (text.trim() === '') return ok(null);
  switch (shape.kind) {
    case 'text':
      // Salesforce refuses the whole record with STRING_TOO_LONG; saying so here saves the call and names the field's limit.
      if (shape.maxLength !== undefined && text.length > shape.maxLength) {
        return refused(text, `value is ${text.length} characters; the Salesforce field holds at most ${shape.maxLength}`);
      }
      // Free text headed for a picklist (HubSpot's contact industry): matched to the picklist where it can be.
      return shape.salesforceType === 'picklist' && shape.choices ? fromChoice(text, choiceToSalesforce(text.trim(), shape.choices)) : ok(text);
    case 'choice':
      return shape.meaning === 'owner' ? translateOwner(text.trim(), context, 'hubspot') : fromChoice(text, choiceToSalesforce(text.trim(), shape.choices));
    case 'multi_choice': {
      const options = splitOptions(text);
      return ok(options.length > 0 ? options.join(';') : null);
    }
    case 'number':
      return salesforceNumber(text, shape);
    case 'date': {
      const day = hubspotDateToDay(text.trim());
      if (!day.ok) return day;
      return ok(shape.salesforceType === 'datetime' ? `${day.value}T00:00:00.000+0000` : day.value);
    }
    case 'datetime': {
      const instant = parseInstant(text.trim(), 'HubSpot datetime');
      if (!instant.ok) return instant;
      return ok(shape.salesforceType === 'date' ? utcDay(instant.value) : salesforceDateTime(instant.value));
    }
  }
}

export function salesforceToHubspot(value: unknown, shape: ValueShape, context: ConversionContext = {}): Converted<string> {
  if (shape.kind === 'boolean') {
    if (value === null || value === undefined || value === false || value === 'false') return ok('false');
    if (value === true || value === 'true') return ok('true');
    return refused(value, `Salesforce checkbox value ${JSON.stringify(value)} is neither true nor false`);
  }
  if (value === null || value === undefined || value === '') return ok('');
  switch (shape.kind) {
    case 'text':
    case 'multi_choice':
      return typeof value === 'string' ? ok(shape.kind === 'multi_choice' ? splitOptions(value).join(';') : value) : ok(String(value));
    case 'choice':
      return shape.meaning === 'owner' ? translateOwner(String(value), context, 'salesforce') : fromChoice(value, choiceToHubspot(String(value), shape.choices));
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && decimalPattern.test(value.trim()) ? Number(value) : Number.NaN;
      if (!Number.isFinite(number)) return refused(value, `Salesforce ${shape.salesforceType} value ${JSON.stringify(value)} is not a number`);
      return ok(formatNumber(number));
    }
    case 'date':
    case 'datetime': {
      if (typeof value !== 'string') return refused(value, `Salesforce ${shape.salesforceType} value ${JSON.stringify(value)} is not a date`);
      const instant = shape.salesforceType === 'date' ? dayToInstant(value, 'Salesforce date') : parseInstant(value, 'Salesforce datetime');
      if (!instant.ok) return instant;
      // A HubSpot date is the UTC calendar day: a Salesforce datetime lands on the day it is in UTC.
      return ok(shape.kind === 'date' ? utcDay(instant.value) : new Date(instant.value).toISOString());
    }
  }
}

/** Equality at the precision both sides keep (see the header). */
/** `sameSyncedValue` for planning, where a blank text ('') and no value (null) mean the same. */
export function samePlannedValue(a: SalesforceValue, b: SalesforceValue, shape: ValueShape): boolean {
  return sameSyncedValue(a === '' ? null : a, b === '' ? null : b, shape);
}

/** Whether a side already holds, letter for letter, what would be written (blank and absent alike): nothing to send. */
export function holdsWrittenValue(current: SalesforceValue | undefined, written: SalesforceValue): boolean {
  const blank = (value: SalesforceValue | undefined): boolean => value === null || value === undefined || value === '';
  return blank(current) ? blank(written) : current === written;
}

export function sameSyncedValue(a: SalesforceValue, b: SalesforceValue, shape: ValueShape): boolean {
  if (a === b) return true;
  if (shape.kind === 'boolean') return (a ?? false) === (b ?? false);
  if (a === null || b === null) return false;
  if (shape.kind === 'multi_choice') {
    const left = new Set(splitOptions(String(a)));
    const right = new Set(splitOptions(String(b)));
    return left.size === right.size && [...left].every((option) => right.has(option));
  }
  if (shape.kind === 'number') return Number(a) === Number(b);
  if (shape.kind === 'date' && shape.salesforceType === 'datetime') {
    const left = parseInstant(String(a), 'datetime');
    const right = parseInstant(String(b), 'datetime');
    return left.ok && right.ok && utcDay(left.value) === utcDay(right.value);
  }
  if (shape.kind === 'datetime' && shape.salesforceType === 'datetime') {
    const left = parseInstant(String(a), 'datetime');
    const right = parseInstant(String(b), 'datetime');
    return left.ok && right.ok && left.value === right.value;
  }
  if (shape.salesforceType === 'email') return String(a).trim().toLowerCase() === String(b).trim().toLowerCase();
  return false;
}

export function isBlankValue(value: SalesforceValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}

function fromChoice(raw: unknown, result: ChoiceResult): Converted<string> {
  return result.ok ? ok(result.value) : refused(raw, result.message);
}

function hubspotBoolean(text: string): Converted<boolean> {
  const normalised = text.trim().toLowerCase();
  if (normalised === 'true') return ok(true);
  if (normalised === 'false' || normalised === '') return ok(false);
  return refused(text, `HubSpot checkbox value ${JSON.stringify(text)} is neither "true" nor "false"`);
}

function salesforceNumber(text: string, shape: ValueShape): Converted<number> {
  const trimmed = text.trim();
  if (!decimalPattern.test(trimmed)) return refused(text, `HubSpot number ${JSON.stringify(text)} is not a number`);
  const number = Number(trimmed);
  if (!Number.isFinite(number)) return refused(text, `HubSpot number ${JSON.stringify(text)} is out of range`);
  if ((shape.salesforceType === 'int' || shape.salesforceType === 'long') && !Number.isInteger(number)) {
    return refused(text, `HubSpot number ${text} has decimals; Salesforce ${shape.salesforceType} fields hold whole numbers only`);
  }
  // A 32-bit signed int: the range is not symmetric, -2,147,483,648 is a valid value.
  if (shape.salesforceType === 'int' && (number < -2_147_483_648 || number > 2_147_483_647)) return refused(text, `HubSpot number ${text} is beyond a Salesforce int field's range`);
  return ok(number);
}

function formatNumber(number: number): string {
  // String(1e21) is "1e+21" and String(5e-7) "5e-7", which HubSpot's number parser refuses: spell the digits
  // out by moving the decimal point in the shortest round-tripping form, so no digit is lost or invented.
  const shortest = String(number);
  const exponentAt = shortest.indexOf('e');
  if (exponentAt < 0) return shortest;
  const sign = shortest.startsWith('-') ? '-' : '';
  const mantissa = shortest.slice(sign.length, exponentAt);
  const exponent = Number(shortest.slice(exponentAt + 1));
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const pointAt = whole.length + exponent;
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

function splitOptions(text: string): string[] {
  return text
    .split(';')
    .map((option) => option.trim())
    .filter((option) => option !== '');
}

function translateOwner(id: string, context: ConversionContext, from: 'hubspot' | 'salesforce'): Converted<string> {
  if (!context.owners) return refused(id, 'owner ids cannot be converted without the owner directory (owners map by email)');
  const translated = from === 'hubspot' ? context.owners.salesforceUserIdByHubspotOwnerId.get(id) : context.owners.hubspotOwnerIdBySalesforceUserId.get(id);
  if (translated !== undefined) return ok(translated);
  const message = from === 'hubspot' ? `HubSpot owner ${id} has no active Salesforce user with the same email` : `Salesforce user ${id} has no HubSpot owner with the same email`;
  return { ok: false, error: { category: 'property_value', value: id, message, reason: 'unknown_owner' } };
}

/** HubSpot date properties: "YYYY-MM-DD", or epoch ms that must fall on midnight UTC (HubSpot's own rule). */
function hubspotDateToDay(text: string): Converted<string> {
  if (epochPattern.test(text)) {
    const ms = Number(text);
    if (ms % MS_PER_DAY !== 0) return refused(text, `HubSpot date ${text} is not midnight UTC, as date properties must be`);
    return ok(utcDay(ms));
  }
  const instant = dayToInstant(text, 'HubSpot date');
  if (instant.ok) return ok(text);
  // Some exports hold a date as midnight-UTC ISO; any other time is not a date.
  const asInstant = parseInstant(text, 'HubSpot date');
  if (asInstant.ok && asInstant.value % MS_PER_DAY === 0) return ok(utcDay(asInstant.value));
  return refused(text, `HubSpot date ${JSON.stringify(text)} is neither YYYY-MM-DD nor midnight-UTC epoch milliseconds`);
}

function dayToInstant(text: string, what: string): Converted<number> {
  const match = dayPattern.exec(text);
  if (!match) return refused(text, `${what} ${JSON.stringify(text)} is not YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  if (utcDay(ms) !== text) return refused(text, `${what} ${text} is not a calendar date`);
  return ok(ms);
}

/** An instant from epoch ms or ISO 8601 with a zone; a time without a zone is ambiguous and refused. */
export function parseInstant(text: string, what: string): Converted<number> {
  if (epochPattern.test(text)) return ok(Number(text));
  const match = dateTimePattern.exec(text);
  if (!match) return refused(text, `${what} ${JSON.stringify(text)} is neither ISO 8601 nor epoch milliseconds`);
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (!zone) return refused(text, `${what} ${text} has no time zone; crmsync will not guess one`);
  const base = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0), Number((fraction ?? '0').padEnd(3, '0').slice(0, 3)));
  if (utcDay(Date.UTC(Number(year), Number(month) - 1, Number(day))) !== `${year}-${month}-${day}` || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) {
    return refused(text, `${what} ${text} is not a real date and time`);
  }
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return ok(base - offsetMinutes * 60_000);
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Salesforce's REST datetime form, always in UTC: "2026-01-31T12:00:00.000+0000". */
export function salesforceDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
