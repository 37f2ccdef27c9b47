import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hubspotToSalesforce, salesforceToHubspot, sameSyncedValue, type SalesforceValue } from '../../../src/core/mapping/convert.ts';
import type { ValueShape } from '../../../src/core/mapping/model.ts';

const shape = (kind: ValueShape['kind'], salesforceType: ValueShape['salesforceType'], meaning?: ValueShape['meaning']): ValueShape => ({ kind, salesforceType, meaning });
const toSalesforce = (raw: string | null, valueShape: ValueShape) => {
  const result = hubspotToSalesforce(raw, valueShape);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};
const toHubspot = (value: SalesforceValue, valueShape: ValueShape) => {
  const result = salesforceToHubspot(value, valueShape);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};
const refusal = (raw: string, valueShape: ValueShape) => {
  const result = hubspotToSalesforce(raw, valueShape);
  return result.ok ? undefined : result.error;
};

describe('HubSpot → Salesforce', () => {
  it('converts booleans, blank checkbox as false', () => {
    expect(toSalesforce('true', shape('boolean', 'boolean'))).toBe(true);
    expect(toSalesforce('false', shape('boolean', 'boolean'))).toBe(false);
    expect(toSalesforce('', shape('boolean', 'boolean'))).toBe(false);
    expect(refusal('yes', shape('boolean', 'boolean'))).toMatchObject({ category: 'property_value', value: 'yes' });
  });

  it('converts numbers and refuses decimals into an int field', () => {
    expect(toSalesforce('1234.50', shape('number', 'currency'))).toBe(1234.5);
    expect(toSalesforce('', shape('number', 'double'))).toBeNull();
    expect(refusal('12.5', shape('number', 'int'))?.message).toMatch(/whole numbers/);
    expect(refusal('1,234', shape('number', 'double'))?.message).toMatch(/not a number/);
  });

  it('refuses text longer than the Salesforce field instead of letting the whole record fail', () => {
    const firstName = { ...shape('text', 'string'), maxLength: 5 };
    expect(toSalesforce('Alice', firstName)).toBe('Alice');
    expect(refusal('Alicia', firstName)?.message).toBe('value is 6 characters; the Salesforce field holds at most 5');
  });

  it('joins multi-checkbox values with ; and drops empty options', () => {
    expect(toSalesforce('a;b; c;', shape('multi_choice', 'multipicklist'))).toBe('a;b;c');
  });

  it('reads dates as YYYY-MM-DD or midnight-UTC epoch ms', () => {
    expect(toSalesforce('2026-01-31', shape('date', 'date'))).toBe('2026-01-31');
    expect(toSalesforce(String(Date.UTC(2026, 0, 31)), shape('date', 'date'))).toBe('2026-01-31');
    expect(toSalesforce('2026-01-31', shape('date', 'datetime'))).toBe('2026-01-31T00:00:00.000+0000');
    expect(refusal(String(Date.UTC(2026, 0, 31, 5)), shape('date', 'date'))?.message).toMatch(/not midnight UTC/);
    expect(refusal('2026-02-30', shape('date', 'date'))?.message).toMatch(/2026-02-30/);
  });

  it('keeps the instant of a datetime whatever its zone', () => {
    expect(toSalesforce('2026-01-31T13:00:00+01:00', shape('datetime', 'datetime'))).toBe('2026-01-31T12:00:00.000+0000');
    expect(toSalesforce(String(Date.UTC(2026, 0, 31, 12)), shape('datetime', 'datetime'))).toBe('2026-01-31T12:00:00.000+0000');
    // 23:30 in New York is already the next day in UTC: the HubSpot instant decides the Salesforce date.
    expect(toSalesforce('2026-01-31T23:30:00-05:00', shape('datetime', 'date'))).toBe('2026-02-01');
    expect(refusal('2026-01-31T12:00:00', shape('datetime', 'datetime'))?.message).toMatch(/no time zone/);
  });

  it('translates owners through the directory and refuses an unmatched owner', () => {
    const owners = { salesforceUserIdByHubspotOwnerId: new Map([['11', '005A']]), hubspotOwnerIdBySalesforceUserId: new Map([['005A', '11']]) };
    const owner = shape('choice', 'reference', 'owner');
    expect(hubspotToSalesforce('11', owner, { owners })).toEqual({ ok: true, value: '005A' });
    expect(salesforceToHubspot('005A', owner, { owners })).toEqual({ ok: true, value: '11' });
    const missing = hubspotToSalesforce('12', owner, { owners });
    expect(!missing.ok && missing.error.message).toBe('HubSpot owner 12 has no active Salesforce user with the same email');
  });
});

describe('Salesforce → HubSpot', () => {
  it('writes every value as HubSpot text, blank as ""', () => {
    expect(toHubspot(true, shape('boolean', 'boolean'))).toBe('true');
    expect(toHubspot(null, shape('boolean', 'boolean'))).toBe('false');
    expect(toHubspot(1e21, shape('number', 'double'))).toBe('1000000000000000000000');
    expect(toHubspot(-5e-7, shape('number', 'double'))).toBe('-0.0000005');
    expect(toHubspot(1.5e-7, shape('number', 'double'))).toBe('0.00000015');
    expect(toHubspot(null, shape('text', 'string'))).toBe('');
    expect(toHubspot('2026-01-31', shape('date', 'date'))).toBe('2026-01-31');
    expect(toHubspot('2026-01-31T23:30:00.000-0500', shape('datetime', 'datetime'))).toBe('2026-02-01T04:30:00.000Z');
    expect(toHubspot('2026-01-31T23:30:00.000-0500', shape('date', 'datetime'))).toBe('2026-02-01');
  });
});

describe('round trips are stable (echo-free)', () => {
  const day = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2199, 11, 31)), noInvalidDate: true });
  const cases: Array<[string, ValueShape, fc.Arbitrary<SalesforceValue>]> = [
    ['number', shape('number', 'double'), fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }))],
    ['int', shape('number', 'int'), fc.oneof(fc.constant(null), fc.integer())],
    ['text', shape('text', 'string'), fc.oneof(fc.constant(null), fc.string({ minLength: 1 }).filter((text) => text.trim() !== ''))],
    ['boolean', shape('boolean', 'boolean'), fc.boolean()],
    ['date', shape('date', 'date'), day.map((date) => date.toISOString().slice(0, 10))],
    ['date on datetime', shape('date', 'datetime'), day.map((date) => date.toISOString().replace('Z', '+0000'))],
    ['datetime', shape('datetime', 'datetime'), day.map((date) => date.toISOString().replace('Z', '+0000'))],
    ['datetime on date', shape('datetime', 'date'), day.map((date) => date.toISOString().slice(0, 10))],
    ['multi', shape('multi_choice', 'multipicklist'), fc.array(fc.constantFrom('a', 'b', 'c d'), { minLength: 1 }).map((options) => options.join(';'))],
  ];
  it.each(cases)('%s: a Salesforce value written to HubSpot reads back as the same synced value', (_name, valueShape, values) => {
    fc.assert(
      fc.property(values, (value) => {
        const back = toSalesforce(toHubspot(value, valueShape), valueShape);
        expect(sameSyncedValue(back, value, valueShape)).toBe(true);
      }),
    );
  });

  it("takes a Salesforce int's whole range, whose lowest value has no positive twin, and refuses one beyond it", () => {
    expect(toSalesforce('-2147483648', shape('number', 'int'))).toBe(-2_147_483_648);
    expect(toSalesforce('2147483647', shape('number', 'int'))).toBe(2_147_483_647);
    expect(() => toSalesforce('-2147483649', shape('number', 'int'))).toThrow(/beyond a Salesforce int field's range/);
    expect(() => toSalesforce('2147483648', shape('number', 'int'))).toThrow(/beyond a Salesforce int field's range/);
  });

  it('compares at the precision both sides keep', () => {
    expect(sameSyncedValue('a@X.com', 'A@x.com', shape('text', 'email'))).toBe(true);
    expect(sameSyncedValue('a@X.com', 'A@x.com', shape('text', 'string'))).toBe(false);
    expect(sameSyncedValue('b;a', 'a;b', shape('multi_choice', 'multipicklist'))).toBe(true);
    expect(sameSyncedValue('2026-01-31T00:00:00.000+0000', '2026-01-31T15:00:00.000+0000', shape('date', 'datetime'))).toBe(true);
    expect(sameSyncedValue('2026-01-31T00:00:00.000+0000', '2026-01-31T15:00:00.000+0000', shape('datetime', 'datetime'))).toBe(false);
    expect(sameSyncedValue(null, false, shape('boolean', 'boolean'))).toBe(true);
    expect(sameSyncedValue(null, '', shape('text', 'string'))).toBe(false);
  });
});
