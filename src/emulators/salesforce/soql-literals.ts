/**
 * SOQL literal values: quoted strings, dates, datetimes and the relative date literals (TODAY, LAST_N_DAYS:n …).
 *
 * Everything is evaluated in UTC: the emulator has no user locale, and Salesforce documents that dateTime values
 * are stored in UTC ("Date Formats and Date Literals in WHERE",
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm).
 * Weeks start on Sunday (the en_US locale) and the fiscal year is the calendar year (the org default).
 */

const DAY_MS = 86_400_000;

/**
 * Decodes a quoted SOQL string literal as the lexer hands it over (quotes included). The escapes are the ones
 * Salesforce lists under "Quoted String Escape Sequences"
 * (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-quotedstringescapes.html):
 * "If you use a backslash character in any other context, an error occurs." `\b` is read as Java reads it.
 * `\%` and `\_` survive decoding as `\%`/`\_` so that LIKE can still tell them from wildcards; outside LIKE
 * Salesforce rejects them, and the caller says which context it is.
 * Returns undefined for an illegal escape.
 */
export function decodeStringLiteral(raw: string, forLike: boolean): string | undefined {
  const body = raw.slice(1, -1);
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[++i];
    switch (next) {
      case 'n': case 'N': out += '\n'; break;
      case 'r': case 'R': out += '\r'; break;
      case 't': case 'T': out += '\t'; break;
      case 'b': case 'B': out += '\b'; break;
      case 'f': case 'F': out += '\f'; break;
      case '"': out += '"'; break;
      case "'": out += "'"; break;
      case '\\': out += forLike ? '\\\\' : '\\'; break;
      case '%': case '_':
        if (!forLike) return undefined;
        out += `\\${next}`;
        break;
      case 'u': {
        const hex = body.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        return undefined;
    }
  }
  return out;
}

/** A datetime literal (`2026-01-01T00:00:00Z`, `…+01:00`, `….123Z`) as epoch milliseconds; undefined if not a real instant. */
export function parseDateTimeLiteral(raw: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})$/i.exec(raw);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as [string, string, string, string, string, string, string, string | undefined, string];
  if (!isRealDate(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms) - offsetMinutes * 60_000;
}

/** A date literal (`2026-01-01`) checked to be a real calendar day. */
export function parseDateLiteral(raw: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  return raw;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Datetimes are compared as strings in the store's canonical UTC shape, "2026-11-29T00:14:44.000+0000" (as the
 * REST API returns them): for four-digit years that order is chronological, and the hot path of every modstamp
 * window then reads a stored value without parsing or allocating. Any other shape is re-encoded; unparseable
 * text reads as null.
 */
export function canonicalDateTime(value: string): string | null {
  if (value.length === 28 && value[10] === 'T' && value.endsWith('+0000')) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : msToCanonicalDateTime(ms);
}

/**
 * A datetime as epoch milliseconds, for sorting: numbers compare about twice as fast as the 28-character strings,
 * which matters once a sort runs over hundreds of thousands of rows. The canonical shape is decoded by hand.
 */
export function dateTimeMs(value: string): number | null {
  if (value.length === 28 && value[10] === 'T' && value.endsWith('+0000')) {
    return Date.UTC(
      digits(value, 0, 4), digits(value, 5, 2) - 1, digits(value, 8, 2),
      digits(value, 11, 2), digits(value, 14, 2), digits(value, 17, 2), digits(value, 20, 3),
    );
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

export function msToCanonicalDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function dayToDateString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A half-open range of UTC days, [startDay, endDay), days counted from the epoch. */
export interface DayRange {
  startDay: number;
  endDay: number;
}

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * The range a relative date literal covers, per the table in "Date Formats and Date Literals in WHERE".
 * `n` is the `:n` of the N_ literals. Undefined for a name that is not a date literal.
 */
export function dateLiteralRange(name: string, n: number | undefined, now: Date): DayRange | undefined {
  const today = Math.floor(now.getTime() / DAY_MS);
  const upper = name.toUpperCase().replace('_FISCAL_', '_');
  const fixed: Record<string, () => DayRange> = {
    YESTERDAY: () => ({ startDay: today - 1, endDay: today }),
    TODAY: () => ({ startDay: today, endDay: today + 1 }),
    TOMORROW: () => ({ startDay: today + 1, endDay: today + 2 }),
    // "Starts with the current day and continues for the past 90 days": today is included, so 91 days.
    LAST_90_DAYS: () => ({ startDay: today - 90, endDay: today + 1 }),
    NEXT_90_DAYS: () => ({ startDay: today + 1, endDay: today + 91 }),
  };
  const fixedRange = fixed[upper];
  if (fixedRange) return fixedRange();

  const periodic = /^(LAST|THIS|NEXT)_(WEEK|MONTH|QUARTER|YEAR)$/.exec(upper);
  if (periodic) {
    const unit = periodic[2]!.toLowerCase() as Unit;
    const shift = periodic[1] === 'LAST' ? -1 : periodic[1] === 'NEXT' ? 1 : 0;
    return { startDay: periodStart(today, unit, shift), endDay: periodStart(today, unit, shift + 1) };
  }

  if (n === undefined) return undefined;
  const relative = /^(?:(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)|N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)_AGO)$/.exec(upper);
  if (!relative) return undefined;
  const unit = (relative[2] ?? relative[3])!.toLowerCase().slice(0, -1) as Unit;
  if (unit === 'day') {
    // LAST_N_DAYS:n includes today ("LAST_N_DAYS:1 includes yesterday and today"); NEXT_N_DAYS:n starts tomorrow.
    if (relative[1] === 'LAST') return { startDay: today - n, endDay: today + 1 };
    if (relative[1] === 'NEXT') return { startDay: today + 1, endDay: today + 1 + n };
    return { startDay: today - n, endDay: today - n + 1 };
  }
  // The week/month/quarter/year forms cover whole periods and leave the current one out.
  if (relative[1] === 'LAST') return { startDay: periodStart(today, unit, -n), endDay: periodStart(today, unit, 0) };
  if (relative[1] === 'NEXT') return { startDay: periodStart(today, unit, 1), endDay: periodStart(today, unit, 1 + n) };
  return { startDay: periodStart(today, unit, -n), endDay: periodStart(today, unit, -n + 1) };
}

/** First day of the period `shift` periods away from the one holding `today`. */
function periodStart(today: number, unit: Unit, shift: number): number {
  if (unit === 'day') return today + shift;
  if (unit === 'week') {
    const weekday = new Date(today * DAY_MS).getUTCDay(); // 0 = Sunday, the first day of an en_US week
    return today - weekday + 7 * shift;
  }
  const date = new Date(today * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const months = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
  const first = unit === 'month' ? month : unit === 'quarter' ? month - (month % 3) : 0;
  return Date.UTC(year, first + shift * months, 1) / DAY_MS;
}
