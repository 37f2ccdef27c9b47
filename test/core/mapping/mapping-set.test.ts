import { describe, expect, it } from 'vitest';
import { addMapping, changeMappingRule, proposeMapping, removeMapping, validateMappingSet } from '../../../src/core/mapping/mapping-set.ts';
import { mappingsForSalesforceObject, type TypedFieldMapping } from '../../../src/core/mapping/model.ts';

const text = { kind: 'text', salesforceType: 'string' } as const;
const base: TypedFieldMapping[] = [
  { hubspotProperty: 'city', salesforceField: 'City', salesforceFieldOn: { Contact: 'MailingCity' }, rule: 'prefer_salesforce_unless_blank', isDefault: true, value: text },
  { hubspotProperty: 'company', salesforceField: 'Company', salesforceFieldOn: { Contact: null }, rule: 'prefer_salesforce_unless_blank', isDefault: true, value: text },
  { hubspotProperty: 'hubspot_owner_id', salesforceField: 'OwnerId', rule: 'two_way', isDefault: true, value: { kind: 'choice', salesforceType: 'reference', meaning: 'owner' } },
];
const objects = ['Lead', 'Contact'];

describe('mappingsForSalesforceObject', () => {
  it('renames per object and leaves out fields the object lacks', () => {
    expect(mappingsForSalesforceObject(base, 'Contact').map((mapping) => mapping.salesforceField)).toEqual(['MailingCity', 'OwnerId']);
    expect(mappingsForSalesforceObject(base, 'Lead').map((mapping) => mapping.salesforceField)).toEqual(['City', 'Company', 'OwnerId']);
  });
});

describe('mapping set rules', () => {
  it('accepts the base set', () => expect(validateMappingSet(base, objects)).toEqual([]));

  it('refuses a HubSpot property mapped twice', () => {
    const result = addMapping(base, { hubspotProperty: 'city', salesforceField: 'Other__c', rule: 'two_way', isDefault: false, value: text }, objects);
    expect(result).toEqual({ ok: false, reasons: ['HubSpot property city is already mapped to Salesforce field City'] });
  });

  it('refuses a Salesforce field mapped twice on the object where the names collide', () => {
    const result = addMapping(base, { hubspotProperty: 'mailing_city', salesforceField: 'MailingCity', salesforceFieldOn: { Lead: null }, rule: 'two_way', isDefault: false, value: text }, objects);
    expect(result).toEqual({ ok: false, reasons: ['Salesforce field Contact.MailingCity is already mapped to HubSpot property city'] });
  });

  it('adds a custom mapping as not default', () => {
    const result = addMapping(base, { hubspotProperty: 'x', salesforceField: 'X__c', rule: 'two_way', isDefault: true, value: text }, objects);
    expect(result.ok && result.mappings.at(-1)?.isDefault).toBe(false);
  });

  it('keeps the owner mapping two_way', () => {
    expect(changeMappingRule(base, 'hubspot_owner_id', 'always_use_salesforce', objects)).toEqual({
      ok: false,
      reasons: ['the owner mapping hubspot_owner_id ↔ OwnerId is always two_way, not always_use_salesforce'],
    });
    const changed = changeMappingRule(base, 'city', 'two_way', objects);
    expect(changed.ok && changed.mappings[0]?.rule).toBe('two_way');
  });

  it('never deletes a default mapping, deletes a custom one', () => {
    const refused = removeMapping(base, 'city');
    expect(!refused.ok && refused.reasons[0]).toMatch(/default mapping and cannot be deleted/);
    const added = addMapping(base, { hubspotProperty: 'x', salesforceField: 'X__c', rule: 'two_way', isDefault: false, value: text }, objects);
    if (!added.ok) throw new Error('setup');
    expect(removeMapping(added.mappings, 'x')).toEqual({ ok: true, mappings: base });
    expect(removeMapping(base, 'nope')).toEqual({ ok: false, reasons: ['HubSpot property nope is not mapped'] });
  });
});

describe('proposeMapping', () => {
  const score = { name: 'score', type: 'number', fieldType: 'number' } as const;
  it('adds a compatible mapping with the value shape from both sides', () => {
    const result = proposeMapping(score, { name: 'Score__c', type: 'double' }, 'two_way', base, objects);
    expect(result.ok && result.mappings.at(-1)).toEqual({ hubspotProperty: 'score', salesforceField: 'Score__c', rule: 'two_way', isDefault: false, value: { kind: 'number', salesforceType: 'double' } });
  });
  it('refuses incompatible types, impossible rules and taken fields, each with its reason', () => {
    expect(proposeMapping(score, { name: 'Score__c', type: 'string' }, 'two_way', base, objects)).toEqual({ ok: false, reasons: [expect.stringMatching(/number property maps only to/)] });
    expect(proposeMapping(score, { name: 'Score__c', type: 'double', updateable: false }, 'two_way', base, objects)).toEqual({ ok: false, reasons: [expect.stringMatching(/cannot be written/)] });
    expect(proposeMapping({ name: 'town', type: 'string', fieldType: 'text' }, { name: 'City', type: 'string' }, 'two_way', base, objects)).toEqual({
      ok: false,
      reasons: ['Salesforce field Lead.City is already mapped to HubSpot property city'],
    });
  });
});
