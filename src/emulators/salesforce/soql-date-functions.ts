/**
 * SOQL date functions (CALENDAR_YEAR(CreatedDate) = 2026, GROUP BY CALENDAR_MONTH(CloseDate) …), from "Date
 * Functions" (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-date-functions.html).
 * Salesforce applies them in the user's time zone; the emulator has no users, so it applies them in UTC. The
 * fiscal forms equal the calendar ones under the org default fiscal year (starting in January).
 */
import { dateTimeMs } from './soql-literals.ts';
import type { SoqlField } from './soql-source.ts';

export interface DateFunction {
  /** the function's result as a field: an int, or a date for DAY_ONLY */
  result: SoqlField;
  apply(value: unknown): number | string | null;
}

const DAY_MS = 86_400_000;

const PARTS: Record<string, (date: Date) => number> = {
  CALENDAR_MONTH: (date) => date.getUTCMonth() + 1,
  CALENDAR_QUARTER: (date) => Math.floor(date.getUTCMonth() / 3) + 1,
  CALENDAR_YEAR: (date) => date.getUTCFullYear(),
  DAY_IN_MONTH: (date) => date.getUTCDate(),
  // "1 for Sunday, 7 for Saturday"
  DAY_IN_WEEK: (date) => date.getUTCDay() + 1,
  // "32 for February 1"
  DAY_IN_YEAR: (date) => dayInYear(date),
  FISCAL_MONTH: (date) => date.getUTCMonth() + 1,
  FISCAL_QUARTER: (date) => Math.floor(date.getUTCMonth() / 3) + 1,
  FISCAL_YEAR: (date) => date.getUTCFullYear(),
  HOUR_IN_DAY: (date) => date.getUTCHours(),
  // Weeks counted from the first day of the month or year: days 1–7 are week 1.
  WEEK_IN_MONTH: (date) => Math.floor((date.getUTCDate() - 1) / 7) + 1,
  WEEK_IN_YEAR: (date) => Math.floor((dayInYear(date) - 1) / 7) + 1,
};

/** Functions that only make sense with a time of day: "DAY_ONLY() … for a dateTime field", HOUR_IN_DAY likewise. */
const DATETIME_ONLY = new Set(['DAY_ONLY', 'HOUR_IN_DAY']);

export function isDateFunction(name: string): boolean {
  const upper = name.toUpperCase();
  return upper in PARTS || upper === 'DAY_ONLY';
}

/**
 * The date function `name` over `field`, or a reason it does not apply: a field that is not a date or datetime,
 * or a datetime-only function over a date.
 */
export function dateFunction(name: string, field: SoqlField, rawValue: string): DateFunction | { refused: string } {
  const upper = name.toUpperCase();
  if (field.type !== 'date' && field.type !== 'datetime') return { refused: `${upper} can only be applied to date or dateTime fields` };
  if (DATETIME_ONLY.has(upper) && field.type !== 'datetime') return { refused: `${upper} can only be applied to dateTime fields` };
  const toDate = (value: unknown): Date | null => {
    if (typeof value !== 'string' || value === '') return null;
    const ms = field.type === 'date' ? Date.parse(value.slice(0, 10)) : dateTimeMs(value);
    return ms === null || Number.isNaN(ms) ? null : new Date(ms);
  };
  if (upper === 'DAY_ONLY') {
    return {
      result: { name: rawValue, type: 'date' },
      apply: (value) => {
        const date = toDate(value);
        return date === null ? null : new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
      },
    };
  }
  const part = PARTS[upper]!;
  return {
    result: { name: rawValue, type: 'int' },
    apply: (value) => {
      const date = toDate(value);
      return date === null ? null : part(date);
    },
  };
}

function dayInYear(date: Date): number {
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
}
