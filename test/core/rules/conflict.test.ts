import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlankValue, type SalesforceValue } from '../../../src/core/mapping/convert.ts';
import { fieldSyncRules, type FieldSyncRule } from '../../../src/core/mapping/model.ts';
import { decideField, sidesWritableBy, type FieldDecision, type FieldState } from '../../../src/core/rules/conflict.ts';

const same = (a: SalesforceValue, b: SalesforceValue) => a === b;
const state = (hubspot: SalesforceValue, salesforce: SalesforceValue, lastSynced: SalesforceValue | undefined, times: { hubspot?: number; salesforce?: number } = {}): FieldState => ({
  hubspot: { value: hubspot, changedAt: times.hubspot ?? null },
  salesforce: { value: salesforce, changedAt: times.salesforce ?? null },
  lastSynced,
});
const outcome = (decision: FieldDecision) => (decision.write === 'none' ? 'none' : `${decision.write}=${JSON.stringify(decision.value)}`);

describe('two_way', () => {
  it('writes the side that did not change', () => {
    expect(outcome(decideField('two_way', state('new', 'old', 'old'), same))).toBe('salesforce="new"');
    expect(outcome(decideField('two_way', state('old', 'new', 'old'), same))).toBe('hubspot="new"');
  });
  it('lets the later change win when both changed, blanking included', () => {
    expect(outcome(decideField('two_way', state('h', 's', 'old', { hubspot: 20, salesforce: 10 }), same))).toBe('salesforce="h"');
    expect(outcome(decideField('two_way', state('h', null, 'old', { hubspot: 10, salesforce: 20 }), same))).toBe('hubspot=null');
  });
  it('gives Salesforce an equal or unknown time', () => {
    expect(outcome(decideField('two_way', state('h', 's', 'old', { hubspot: 10, salesforce: 10 }), same))).toBe('hubspot="s"');
    expect(outcome(decideField('two_way', state('h', 's', undefined), same))).toBe('hubspot="s"');
  });
  it('suppresses the echo of its own write', () => {
    expect(decideField('two_way', state('v', 'v', 'v'), same)).toEqual({ write: 'none', why: 'in_sync', nextLastSynced: 'v' });
  });
  it('fills an empty side on the first sync instead of blanking the other', () => {
    expect(outcome(decideField('two_way', state(null, 's', undefined), same))).toBe('hubspot="s"');
    expect(outcome(decideField('two_way', state('h', null, undefined), same))).toBe('salesforce="h"');
  });
});

describe('prefer_salesforce_unless_blank', () => {
  it('lets Salesforce win over a HubSpot edit', () => {
    expect(decideField('prefer_salesforce_unless_blank', state('edited', 's', 's'), same)).toMatchObject({ write: 'hubspot', value: 's', why: 'salesforce_wins' });
  });
  it('lets HubSpot write into an empty Salesforce field only', () => {
    expect(decideField('prefer_salesforce_unless_blank', state('h', null, null), same)).toMatchObject({ write: 'salesforce', value: 'h', why: 'fills_blank_salesforce' });
  });
  it('blanks HubSpot when Salesforce was blanked', () => {
    expect(decideField('prefer_salesforce_unless_blank', state('v', null, 'v'), same)).toMatchObject({ write: 'hubspot', value: null, why: 'blanked_in_salesforce' });
  });
});

describe('always_use_salesforce', () => {
  it('never writes Salesforce, even when it is empty', () => {
    expect(decideField('always_use_salesforce', state('h', null, undefined), same)).toEqual({ write: 'none', why: 'rule_forbids', nextLastSynced: undefined });
  });
  it('carries a Salesforce blanking to HubSpot', () => {
    expect(outcome(decideField('always_use_salesforce', state('v', null, 'v'), same))).toBe('hubspot=null');
  });
});

describe('HubSpot-preferring rules mirror the Salesforce ones', () => {
  it('prefer_hubspot_unless_blank', () => {
    expect(outcome(decideField('prefer_hubspot_unless_blank', state('h', 'edited', 'h'), same))).toBe('salesforce="h"');
    expect(outcome(decideField('prefer_hubspot_unless_blank', state(null, 's', null), same))).toBe('hubspot="s"');
  });
  it('always_use_hubspot', () => {
    expect(outcome(decideField('always_use_hubspot', state(null, 's', undefined), same))).toBe('none');
    expect(outcome(decideField('always_use_hubspot', state(null, 's', 's'), same))).toBe('salesforce=null');
  });
  it('dont_sync never writes', () => {
    expect(outcome(decideField('dont_sync', state('h', 's', 'x'), same))).toBe('none');
  });
});

describe('invariants', () => {
  const value = fc.oneof(fc.constant(null), fc.constantFrom('a', 'b', 'c'));
  const time = fc.option(fc.integer({ min: 0, max: 100 }), { nil: null });
  const field = fc.record({
    hubspot: fc.record({ value, changedAt: time }),
    salesforce: fc.record({ value, changedAt: time }),
    lastSynced: fc.oneof(fc.constant(undefined), value),
  });
  const rule = fc.constantFrom<FieldSyncRule>(...fieldSyncRules);

  it('deciding again after the decision was applied writes nothing (idempotent, echo-free)', () => {
    fc.assert(
      fc.property(rule, field, (syncRule, before) => {
        const decision = decideField(syncRule, before, same);
        const after: FieldState = {
          hubspot: decision.write === 'hubspot' ? { value: decision.value, changedAt: 1000 } : before.hubspot,
          salesforce: decision.write === 'salesforce' ? { value: decision.value, changedAt: 1000 } : before.salesforce,
          lastSynced: decision.nextLastSynced,
        };
        expect(decideField(syncRule, after, same).write).toBe('none');
      }),
    );
  });

  it('a first link never blanks a filled side: an empty field was never a deletion', () => {
    fc.assert(
      fc.property(rule, fc.constantFrom('a', 'b'), fc.boolean(), (syncRule, filled, hubspotIsFilled) => {
        const decision = decideField(syncRule, state(hubspotIsFilled ? filled : null, hubspotIsFilled ? null : filled, undefined), same);
        if (decision.write !== 'none') expect(decision.value).toBe(filled);
      }),
    );
  });

  it('a rule never writes into the side it forbids', () => {
    fc.assert(
      fc.property(rule, field, (syncRule, current) => {
        const decision = decideField(syncRule, current, same);
        if (decision.write === 'none') return;
        const allowed = sidesWritableBy(syncRule)[decision.write];
        expect(allowed).not.toBe('never');
        if (allowed === 'only_when_blank') expect(isBlankValue(current[decision.write].value)).toBe(true);
        // A write always copies the other side's value: nothing is invented.
        expect(decision.value).toBe(current[decision.write === 'hubspot' ? 'salesforce' : 'hubspot'].value);
      }),
    );
  });
});
