import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubSpotSchema } from '../../../src/emulators/hubspot/schema.ts';
import { runSearch } from '../../../src/emulators/hubspot/search.ts';
import { HubSpotStore } from '../../../src/emulators/hubspot/store.ts';

/** Invariants of search evaluation, checked against a plain reading of each operator on random data. */

function storeWith(employees: Array<number | null>) {
  const schema = new HubSpotSchema(() => 1);
  const store = new HubSpotStore(schema, () => true);
  const companies = schema.require('companies');
  const at = store.tick();
  for (const [i, n] of employees.entries()) {
    store.create(companies, { name: `C${i}`, ...(n === null ? {} : { numberofemployees: String(n) }) }, { sourceType: 'IMPORT' }, at);
  }
  return { store, companies };
}

const operators = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'] as const;

function expected(op: (typeof operators)[number], value: number, high: number, n: number | null): boolean {
  switch (op) {
    case 'HAS_PROPERTY':
      return n !== null;
    case 'NOT_HAS_PROPERTY':
      return n === null;
    case 'NEQ':
      return n !== value;
    case 'NOT_IN':
      return n !== value && n !== high;
    default:
      if (n === null) return false;
      return { EQ: n === value, LT: n < value, LTE: n <= value, GT: n > value, GTE: n >= value, BETWEEN: n >= value && n <= high, IN: n === value || n === high }[op];
  }
}

describe('HubSpot search evaluation (property-based)', () => {
  it('each operator on a number property matches exactly the records a plain comparison selects', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }), { maxLength: 40 }), fc.constantFrom(...operators), fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }), (employees, op, value, high) => {
        const { store, companies } = storeWith(employees);
        const filter = { propertyName: 'numberofemployees', operator: op, value: String(value), highValue: String(high), values: [String(value), String(high)] };
        const got = runSearch(companies, store.records('companies').values(), { filterGroups: [{ filters: [filter] }] }).map((r) => r.values.name);
        const want = employees.flatMap((n, i) => (expected(op, value, high, n) ? [`C${i}`] : []));
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('a sorted result is ordered by value, records without one last, ties by id, in either direction', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), { maxLength: 30 }), fc.boolean(), (employees, descending) => {
        const { store, companies } = storeWith(employees);
        const sorted = runSearch(companies, store.records('companies').values(), { sorts: [{ propertyName: 'numberofemployees', direction: descending ? 'DESCENDING' : 'ASCENDING' }] });
        expect(sorted).toHaveLength(employees.length);
        const keys = sorted.map((r) => (r.values.numberofemployees === undefined ? null : Number(r.values.numberofemployees)));
        const firstNull = keys.indexOf(null);
        if (firstNull >= 0) expect(keys.slice(firstNull).every((k) => k === null)).toBe(true);
        for (let i = 1; i < sorted.length; i += 1) {
          const [a, b] = [keys[i - 1], keys[i]];
          if (a === null || b === null || a === undefined || b === undefined) continue;
          if (a === b) expect(Number(sorted[i - 1]?.id)).toBeLessThan(Number(sorted[i]?.id));
          else expect(descending ? a > b : a < b).toBe(true);
        }
      }),
    );
  });

  it('filter groups are ORed: the result is the union of each group alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 30 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), (employees, low, high) => {
        const { store, companies } = storeWith(employees);
        const records = () => store.records('companies').values();
        const below = { filters: [{ propertyName: 'numberofemployees', operator: 'LT' as const, value: String(low) }] };
        const above = { filters: [{ propertyName: 'numberofemployees', operator: 'GT' as const, value: String(high) }] };
        const union = new Set([...runSearch(companies, records(), { filterGroups: [below] }), ...runSearch(companies, records(), { filterGroups: [above] })].map((r) => r.id));
        const both = runSearch(companies, records(), { filterGroups: [below, above] }).map((r) => r.id);
        expect(new Set(both)).toEqual(union);
        expect(both).toHaveLength(union.size);
      }),
    );
  });
});
