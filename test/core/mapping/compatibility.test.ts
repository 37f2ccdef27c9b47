import { describe, expect, it } from 'vitest';
import { allowedSyncRules, checkTypeCompatibility, syncRuleRefusal } from '../../../src/core/mapping/compatibility.ts';
import type { HubSpotFieldType, HubSpotPropertyType, SalesforceFieldType } from '../../../src/core/mapping/model.ts';

const property = (type: HubSpotPropertyType, fieldType: HubSpotFieldType) => ({ name: 'p', type, fieldType });
const field = (type: SalesforceFieldType, referenceTo?: string[]) => ({ name: 'F__c', type, referenceTo });

describe('checkTypeCompatibility', () => {
  it.each([
    ['enumeration', 'select', 'picklist', 'choice'],
    ['enumeration', 'radio', 'reference', 'choice'],
    ['enumeration', 'checkbox', 'multipicklist', 'multi_choice'],
    ['enumeration', 'booleancheckbox', 'boolean', 'boolean'],
    ['bool', 'booleancheckbox', 'boolean', 'boolean'],
    ['number', 'number', 'currency', 'number'],
    ['number', 'number', 'percent', 'number'],
    ['number', 'number', 'int', 'number'],
    ['string', 'text', 'email', 'text'],
    ['string', 'text', 'url', 'text'],
    ['string', 'text', 'textarea', 'text'],
    ['string', 'textarea', 'textarea', 'text'],
    ['date', 'date', 'datetime', 'date'],
    ['datetime', 'date', 'date', 'datetime'],
  ] as const)('accepts %s/%s ↔ %s as %s', (type, fieldType, salesforceType, kind) => {
    expect(checkTypeCompatibility(property(type, fieldType), field(salesforceType))).toEqual({ ok: true, value: { kind, salesforceType } });
  });

  it.each([
    ['enumeration', 'select', 'multipicklist', /dropdown select \/ radio select property maps only to Salesforce picklist or reference fields/],
    ['enumeration', 'checkbox', 'picklist', /multiple checkboxes property maps only to Salesforce multipicklist/],
    ['string', 'textarea', 'string', /multi-line text property maps only to Salesforce textarea/],
    ['number', 'number', 'string', /number property maps only to Salesforce double, int, long, currency or percent/],
    ['string', 'text', 'boolean', /single-line text/],
    ['date', 'date', 'string', /date picker/],
  ] as const)('refuses %s/%s ↔ %s with the reason', (type, fieldType, salesforceType, reason) => {
    const result = checkTypeCompatibility(property(type, fieldType), field(salesforceType));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
    expect(!result.ok && result.reason).toContain('HubSpot property p');
    expect(!result.ok && result.reason).toContain('Salesforce field F__c');
  });

  it('carries a text field length so conversion can check it', () => {
    expect(checkTypeCompatibility(property('string', 'text'), { name: 'FirstName', type: 'string', length: 40 })).toEqual({ ok: true, value: { kind: 'text', salesforceType: 'string', maxLength: 40 } });
  });

  it('marks a reference to User as an owner value, translated rather than copied', () => {
    expect(checkTypeCompatibility(property('enumeration', 'select'), field('reference', ['User', 'Group']))).toEqual({
      ok: true,
      value: { kind: 'choice', salesforceType: 'reference', meaning: 'owner' },
    });
  });
});

describe('allowedSyncRules', () => {
  it('allows every rule for a writable pair', () => {
    expect(allowedSyncRules(property('string', 'text'), field('string'))).toHaveLength(6);
  });
  it('lets a non-updateable Salesforce field only feed HubSpot', () => {
    const formula = { name: 'Score__c', type: 'double' as const, updateable: false };
    expect(allowedSyncRules(property('number', 'number'), formula)).toEqual(['always_use_salesforce', 'dont_sync']);
    expect(syncRuleRefusal(property('number', 'number'), formula, 'two_way')).toBe(
      'sync rule two_way cannot be used for p ↔ Score__c: Salesforce field Score__c cannot be written (formula or system field); allowed: always_use_salesforce, dont_sync',
    );
    expect(syncRuleRefusal(property('number', 'number'), formula, 'always_use_salesforce')).toBeUndefined();
  });
  it('lets a HubSpot-calculated property only feed Salesforce', () => {
    expect(allowedSyncRules({ ...property('number', 'calculation_equation'), readOnlyValue: true, fieldType: 'number' }, field('double'))).toEqual(['always_use_hubspot', 'dont_sync']);
  });
  it('keeps owner mappings two_way', () => {
    expect(allowedSyncRules(property('enumeration', 'select'), field('reference', ['User']))).toEqual(['two_way']);
  });
});
