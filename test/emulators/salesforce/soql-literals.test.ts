import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dateLiteralRange,
  dayToDateString,
  decodeStringLiteral,
  parseDateLiteral,
  parseDateTimeLiteral,
  type DayRange,
} from '../../../src/emulators/salesforce/soql-literals.ts';

const days = (range: DayRange | undefined): [string, string] => {
  if (!range) throw new Error('not a date literal');
  return [dayToDateString(range.startDay), dayToDateString(range.endDay)];
};
const at = (iso: string): Date => new Date(iso);

describe('relative date literal ranges (Date Formats and Date Literals in WHERE), as [first day, day after last)', () => {
  it.each([
    ['TODAY', undefined, '2026-11-29T23:59:59Z', '2026-11-29', '2026-11-30'],
    ['YESTERDAY', undefined, '2026-01-01T00:00:00Z', '2025-12-31', '2026-01-01'],
    ['TOMORROW', undefined, '2026-12-31T12:00:00Z', '2027-01-01', '2027-01-02'],
    // Weeks start on Sunday in the en_US locale; 2026-11-25 is a Wednesday.
    ['THIS_WEEK', undefined, '2026-11-25T08:00:00Z', '2026-11-22', '2026-11-29'],
    ['LAST_WEEK', undefined, '2026-11-25T08:00:00Z', '2026-11-15', '2026-11-22'],
    ['NEXT_N_WEEKS', 2, '2026-11-25T08:00:00Z', '2026-11-29', '2026-12-13'],
    ['N_WEEKS_AGO', 1, '2026-11-25T08:00:00Z', '2026-11-15', '2026-11-22'],
    ['THIS_MONTH', undefined, '2028-02-15T00:00:00Z', '2028-02-01', '2028-03-01'],
    ['LAST_MONTH', undefined, '2026-01-15T00:00:00Z', '2025-12-01', '2026-01-01'],
    ['LAST_N_MONTHS', 2, '2026-01-15T00:00:00Z', '2025-11-01', '2026-01-01'],
    ['NEXT_N_MONTHS', 1, '2026-12-15T00:00:00Z', '2027-01-01', '2027-02-01'],
    ['N_MONTHS_AGO', 3, '2026-02-28T00:00:00Z', '2025-11-01', '2025-12-01'],
    ['THIS_QUARTER', undefined, '2026-02-10T00:00:00Z', '2026-01-01', '2026-04-01'],
    ['LAST_QUARTER', undefined, '2026-02-10T00:00:00Z', '2025-10-01', '2026-01-01'],
    ['NEXT_QUARTER', undefined, '2026-11-10T00:00:00Z', '2027-01-01', '2027-04-01'],
    ['LAST_N_QUARTERS', 2, '2026-05-10T00:00:00Z', '2025-10-01', '2026-04-01'],
    ['THIS_YEAR', undefined, '2026-07-04T00:00:00Z', '2026-01-01', '2027-01-01'],
    ['LAST_N_YEARS', 2, '2026-07-04T00:00:00Z', '2024-01-01', '2026-01-01'],
    ['N_YEARS_AGO', 1, '2026-07-04T00:00:00Z', '2025-01-01', '2026-01-01'],
    // The org default fiscal year is the calendar year.
    ['THIS_FISCAL_QUARTER', undefined, '2026-08-01T00:00:00Z', '2026-07-01', '2026-10-01'],
    ['LAST_N_FISCAL_YEARS', 1, '2026-08-01T00:00:00Z', '2025-01-01', '2026-01-01'],
    // "LAST_90_DAYS … includes the current day": 91 days.
    ['LAST_90_DAYS', undefined, '2026-03-31T10:00:00Z', '2025-12-31', '2026-04-01'],
    ['NEXT_90_DAYS', undefined, '2026-03-31T10:00:00Z', '2026-04-01', '2026-06-30'],
    // "LAST_N_DAYS:1 includes yesterday and today"; NEXT_N_DAYS starts tomorrow.
    ['LAST_N_DAYS', 1, '2026-03-01T00:00:00Z', '2026-02-28', '2026-03-02'],
    ['NEXT_N_DAYS', 1, '2026-03-01T00:00:00Z', '2026-03-02', '2026-03-03'],
    ['N_DAYS_AGO', 3, '2026-03-01T00:00:00Z', '2026-02-26', '2026-02-27'],
  ])('%s:%s at %s covers %s … %s', (name, n, now, first, end) => {
    expect(days(dateLiteralRange(name, n, at(now)))).toEqual([first, end]);
  });

  it('does not know names that are not date literals', () => {
    expect(dateLiteralRange('SOMEDAY', undefined, at('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(dateLiteralRange('LAST_N_DAYS', undefined, at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  const anyNow = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T23:59:59Z'), noInvalidDate: true });
  const dayOf = (date: Date): number => Math.floor(date.getTime() / 86_400_000);

  it('places today in every THIS_ period, whose first day starts a week, month, quarter or year', () => {
    fc.assert(
      fc.property(anyNow, (now) => {
        const today = dayOf(now);
        for (const unit of ['WEEK', 'MONTH', 'QUARTER', 'YEAR']) {
          const range = dateLiteralRange(`THIS_${unit}`, undefined, now)!;
          expect(range.startDay <= today && today < range.endDay).toBe(true);
          const first = new Date(range.startDay * 86_400_000);
          if (unit === 'WEEK') expect(first.getUTCDay()).toBe(0);
          else expect(first.getUTCDate()).toBe(1);
          if (unit === 'QUARTER') expect(first.getUTCMonth() % 3).toBe(0);
          if (unit === 'YEAR') expect(first.getUTCMonth()).toBe(0);
        }
      }),
    );
  });

  it('chains LAST_, THIS_ and NEXT_ periods without gaps, and LAST_N_x:1 is LAST_x', () => {
    fc.assert(
      fc.property(anyNow, fc.constantFrom('WEEK', 'MONTH', 'QUARTER', 'YEAR'), (now, unit) => {
        const last = dateLiteralRange(`LAST_${unit}`, undefined, now)!;
        const current = dateLiteralRange(`THIS_${unit}`, undefined, now)!;
        const next = dateLiteralRange(`NEXT_${unit}`, undefined, now)!;
        expect(last.endDay).toBe(current.startDay);
        expect(current.endDay).toBe(next.startDay);
        expect(dateLiteralRange(`LAST_N_${unit}S`, 1, now)).toEqual(last);
        expect(dateLiteralRange(`NEXT_N_${unit}S`, 1, now)).toEqual(next);
        expect(dateLiteralRange(`N_${unit}S_AGO`, 1, now)).toEqual(last);
      }),
    );
  });

  it('gives LAST_N_DAYS:n n+1 days ending today and NEXT_N_DAYS:n n days starting tomorrow', () => {
    fc.assert(
      fc.property(anyNow, fc.integer({ min: 0, max: 2000 }), (now, n) => {
        const today = dayOf(now);
        expect(dateLiteralRange('LAST_N_DAYS', n, now)).toEqual({ startDay: today - n, endDay: today + 1 });
        expect(dateLiteralRange('NEXT_N_DAYS', n, now)).toEqual({ startDay: today + 1, endDay: today + 1 + n });
      }),
    );
  });
});

describe('datetime and date literals', () => {
  it('reads Z, ±hh:mm offsets and milliseconds as one instant', () => {
    const instant = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseDateTimeLiteral('2026-01-01T00:00:00Z')).toBe(instant);
    expect(parseDateTimeLiteral('2026-01-01T01:00:00+01:00')).toBe(instant);
    expect(parseDateTimeLiteral('2025-12-31T16:00:00-08:00')).toBe(instant);
    expect(parseDateTimeLiteral('2026-01-01T00:00:00.5Z')).toBe(instant + 500);
    expect(parseDateTimeLiteral('2026-01-01T00:00:00.123Z')).toBe(instant + 123);
  });

  it('refuses instants that do not exist', () => {
    expect(parseDateTimeLiteral('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(parseDateTimeLiteral('2026-01-01T24:00:00Z')).toBeUndefined();
    expect(parseDateTimeLiteral('2026-01-01')).toBeUndefined();
    expect(parseDateLiteral('2027-02-29')).toBeUndefined();
    expect(parseDateLiteral('2028-02-29')).toBe('2028-02-29');
  });
});

describe('quoted string literals ("Quoted String Escape Sequences")', () => {
  it('decodes the documented escapes', () => {
    expect(decodeStringLiteral(String.raw`'a\'b\\c\nd\te\"f'`, false)).toBe(`a'b\\c\nd\te"f`);
    expect(decodeStringLiteral(String.raw`'\u00e9t\u00C9'`, false)).toBe('étÉ');
    expect(decodeStringLiteral(`'plain'`, false)).toBe('plain');
  });

  it('keeps \\% and \\_ for LIKE and refuses them elsewhere, as any unknown escape', () => {
    expect(decodeStringLiteral(String.raw`'100\%'`, true)).toBe(String.raw`100\%`);
    expect(decodeStringLiteral(String.raw`'100\%'`, false)).toBeUndefined();
    expect(decodeStringLiteral(String.raw`'a\qb'`, false)).toBeUndefined();
    expect(decodeStringLiteral(String.raw`'\u12'`, false)).toBeUndefined();
  });
});
