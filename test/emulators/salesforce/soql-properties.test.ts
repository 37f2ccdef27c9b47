import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSoql } from '../../../src/emulators/salesforce/soql.ts';
import { InMemorySoqlSource } from '../../../src/emulators/salesforce/soql-memory-source.ts';
import type { SoqlObject, SoqlRecord } from '../../../src/emulators/salesforce/soql-source.ts';

/** Properties of the evaluator over random records of one small object. */

const item: SoqlObject = {
  name: 'Item__c',
  fields: [
    { name: 'Id', type: 'id' },
    { name: 'IsDeleted', type: 'boolean' },
    { name: 'Name', type: 'string' },
    { name: 'Score__c', type: 'int' },
    { name: 'Flag__c', type: 'boolean' },
    { name: 'Stamp__c', type: 'datetime' },
    { name: 'Day__c', type: 'date' },
  ],
};

const now = new Date('2026-06-15T12:00:00.000Z');
const options = { apiVersion: '62.0', now, includeDeleted: false };
const DAY_MS = 86_400_000;

// Few distinct values, so that equal keys, case variants and nulls collide often.
const names = fc.constantFrom(null, 'a', 'A', 'ab', 'Ab', 'b', 'B c', 'z%', 'é');
const scores = fc.option(fc.integer({ min: -3, max: 3 }), { nil: null });
const stamps = fc.option(fc.integer({ min: -40, max: 40 }).map((offset) => now.getTime() + offset * DAY_MS / 4), { nil: null });

const records = fc.array(fc.record({ Name: names, Score__c: scores, Flag__c: fc.boolean(), Stamp__c: stamps, IsDeleted: fc.boolean() }), {
  minLength: 0,
  maxLength: 30,
});

function sourceOf(rows: Array<{ Name: string | null; Score__c: number | null; Flag__c: boolean; Stamp__c: number | null; IsDeleted: boolean }>) {
  const source = new InMemorySoqlSource([item]);
  rows.forEach((row, i) => {
    const stamp = row.Stamp__c === null ? null : new Date(row.Stamp__c).toISOString().replace('Z', '+0000');
    source.insert('Item__c', {
      ...row,
      Id: `a01000000${String(i).padStart(6, '0')}AAA`,
      Stamp__c: stamp,
      Day__c: stamp === null ? null : stamp.slice(0, 10),
    });
  });
  return source;
}

const literalDay = fc.integer({ min: -12, max: 12 }).map((offset) => new Date(now.getTime() + offset * DAY_MS).toISOString().slice(0, 10));
const quoted = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Single conditions covering each field family and operator the engine sends. */
const condition = fc.oneof(
  fc.tuple(fc.constantFrom('=', '!=', '<', '<=', '>', '>='), fc.constantFrom('a', 'AB', 'b', 'é')).map(([op, v]) => `Name ${op} ${quoted(v)}`),
  fc.constantFrom(`Name LIKE 'a%'`, `Name LIKE '_'`, `Name LIKE '%\\%'`, `Name = null`, `Name != null`, `Name IN ('a', 'b')`, `Name NOT IN ('A')`),
  fc.tuple(fc.constantFrom('=', '!=', '<', '<=', '>', '>='), fc.integer({ min: -3, max: 3 })).map(([op, v]) => `Score__c ${op} ${v}`),
  fc.constantFrom(`Score__c = null`, `Score__c IN (1, 2)`, `Score__c NOT IN (0)`, `Flag__c = true`, `Flag__c != false`, `IsDeleted = false`),
  fc.tuple(fc.constantFrom('=', '!=', '<', '>', '>='), fc.constantFrom('TODAY', 'YESTERDAY', 'LAST_N_DAYS:3', 'NEXT_N_DAYS:2', 'THIS_WEEK', 'THIS_MONTH'))
    .map(([op, v]) => `Stamp__c ${op} ${v}`),
  fc.tuple(fc.constantFrom('<', '<=', '>', '>='), literalDay).map(([op, v]) => `Stamp__c ${op} ${v}T06:00:00Z`),
  fc.tuple(fc.constantFrom('=', '<', '>='), literalDay).map(([op, v]) => `Day__c ${op} ${v}`),
);

const idsOf = (source: InMemorySoqlSource, soql: string): string[] => runSoql(soql, source, options).records.map((row) => String(row['Id']));
const where = (source: InMemorySoqlSource, clause: string): string[] => idsOf(source, `SELECT Id FROM Item__c WHERE ${clause}`);

describe('WHERE obeys boolean algebra', () => {
  it('A OR B selects the union of A and B, in scan order', () => {
    fc.assert(
      fc.property(records, condition, condition, (rows, a, b) => {
        const source = sourceOf(rows);
        const all = idsOf(source, 'SELECT Id FROM Item__c');
        const union = new Set([...where(source, a), ...where(source, b)]);
        expect(where(source, `${a} OR ${b}`)).toEqual(all.filter((id) => union.has(id)));
      }),
    );
  });

  it('A AND B selects the intersection, and NOT A the complement', () => {
    fc.assert(
      fc.property(records, condition, condition, (rows, a, b) => {
        const source = sourceOf(rows);
        const all = idsOf(source, 'SELECT Id FROM Item__c');
        const inA = new Set(where(source, a));
        const inB = new Set(where(source, b));
        expect(where(source, `${a} AND ${b}`)).toEqual(all.filter((id) => inA.has(id) && inB.has(id)));
        expect(where(source, `NOT (${a})`)).toEqual(all.filter((id) => !inA.has(id)));
        expect(where(source, `NOT (${a} OR ${b})`)).toEqual(where(source, `(NOT ${a}) AND (NOT ${b})`));
      }),
    );
  });

  it('a datetime literal means the same instant whatever offset spells it', () => {
    fc.assert(
      fc.property(records, literalDay, fc.integer({ min: -12, max: 14 }), fc.constantFrom('<', '<=', '=', '>'), (rows, day, hours, op) => {
        const source = sourceOf(rows);
        const instant = Date.parse(`${day}T06:00:00Z`);
        const local = new Date(instant + hours * 3_600_000).toISOString().slice(0, 19);
        const offset = `${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`;
        expect(where(source, `Stamp__c ${op} ${local}${offset}`)).toEqual(where(source, `Stamp__c ${op} ${day}T06:00:00.000Z`));
      }),
    );
  });
});

/** Salesforce's documented order: nulls first unless told otherwise, text by its upper-cased form. */
function reference(descending: boolean, nullsFirst: boolean) {
  return (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null) return nullsFirst ? -1 : 1;
    if (b === null) return nullsFirst ? 1 : -1;
    const x = typeof a === 'string' ? a.toUpperCase() : (a as number);
    const y = typeof b === 'string' ? b.toUpperCase() : (b as number);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -order : order;
  };
}

const orderBy = fc.record({
  field: fc.constantFrom('Name', 'Score__c', 'Stamp__c'),
  direction: fc.constantFrom('', ' ASC', ' DESC'),
  nulls: fc.constantFrom('', ' NULLS FIRST', ' NULLS LAST'),
});

describe('ORDER BY, LIMIT and OFFSET', () => {
  it('returns the selected rows, each no greater than the next', () => {
    fc.assert(
      fc.property(records, orderBy, (rows, { field, direction, nulls }) => {
        const source = sourceOf(rows);
        const result = runSoql(`SELECT Id, ${field} FROM Item__c ORDER BY ${field}${direction}${nulls}`, source, options).records;
        const descending = direction === ' DESC';
        const compare = reference(descending, nulls !== ' NULLS LAST');
        for (let i = 1; i < result.length; i++) expect(compare(result[i - 1]![field], result[i]![field])).toBeLessThanOrEqual(0);
        const unordered = idsOf(source, 'SELECT Id FROM Item__c');
        expect(result.map((row) => String(row['Id'])).sort()).toEqual([...unordered].sort());
      }),
    );
  });

  it('pages with LIMIT and OFFSET exactly as slicing the full ordered result', () => {
    fc.assert(
      fc.property(records, orderBy, fc.nat(12), fc.nat(12), (rows, { field, direction, nulls }, limit, offset) => {
        const source = sourceOf(rows);
        const ordered = `SELECT Id FROM Item__c ORDER BY ${field}${direction}${nulls}, Id`;
        const full = idsOf(source, ordered);
        expect(idsOf(source, `${ordered} LIMIT ${limit} OFFSET ${offset}`)).toEqual(full.slice(offset, offset + limit));
        expect(idsOf(source, `${ordered} LIMIT ${limit}`)).toEqual(full.slice(0, limit));
      }),
    );
  });

  it('keeps scan order among equal keys, with or without a LIMIT', () => {
    fc.assert(
      fc.property(records, fc.nat(30), (rows, limit) => {
        const source = sourceOf(rows);
        const full = idsOf(source, 'SELECT Id FROM Item__c ORDER BY Flag__c');
        const scan = idsOf(source, 'SELECT Id FROM Item__c');
        const flags = new Map(runSoql('SELECT Id, Flag__c FROM Item__c', source, options).records.map((row) => [row['Id'], row['Flag__c']]));
        expect(full).toEqual([...scan.filter((id) => flags.get(id) === false), ...scan.filter((id) => flags.get(id) === true)]);
        expect(idsOf(source, `SELECT Id FROM Item__c ORDER BY Flag__c LIMIT ${limit}`)).toEqual(full.slice(0, limit));
      }),
    );
  });
});

describe('COUNT() agrees with the rows', () => {
  it('counts what SELECT Id returns, for query and queryAll', () => {
    fc.assert(
      fc.property(records, condition, fc.boolean(), (rows, clause, includeDeleted) => {
        const source = sourceOf(rows);
        const soql = (select: string): string => `SELECT ${select} FROM Item__c WHERE ${clause}`;
        const count = runSoql(soql('COUNT()'), source, { ...options, includeDeleted }).totalSize;
        const selected = runSoql(soql('Id'), source, { ...options, includeDeleted }).records as SoqlRecord[];
        expect(count).toBe(selected.length);
        const aggregate = runSoql(soql('COUNT(Id)'), source, { ...options, includeDeleted }).records[0];
        expect(aggregate?.['expr0']).toBe(count);
      }),
    );
  });
});
