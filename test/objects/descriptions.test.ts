import { describe, expect, it } from 'vitest';
import { mappingsForSalesforceObject } from '../../src/core/mapping/model.ts';
import { isOwnerMapping, removeMapping, validateMappingSet } from '../../src/core/mapping/mapping-set.ts';
import { knownSettingKeys } from '../../src/core/settings.ts';
import { contactsDescription } from '../../src/objects/contacts.ts';
import { syncObjectDescriptions } from '../../src/objects/index.ts';

const descriptions = Object.values(syncObjectDescriptions);

describe('object descriptions', () => {
  it.each(descriptions.map((d) => [d.name, d] as const))('%s: default mappings form a valid set (one-to-one, owner two_way)', (_name, description) => {
    expect(validateMappingSet(description.defaultMappings, description.salesforceObjects)).toEqual([]);
  });

  it.each(descriptions.map((d) => [d.name, d] as const))('%s: every default is marked default and cannot be deleted', (_name, description) => {
    for (const mapping of description.defaultMappings) {
      expect(mapping.isDefault).toBe(true);
      expect(removeMapping(description.defaultMappings, mapping.hubspotProperty).ok).toBe(false);
    }
  });

  it.each(descriptions.map((d) => [d.name, d] as const))('%s: defaults start prefer_salesforce_unless_blank, the owner two_way', (_name, description) => {
    for (const mapping of description.defaultMappings) expect(mapping.rule).toBe(isOwnerMapping(mapping) ? 'two_way' : 'prefer_salesforce_unless_blank');
    expect(description.defaultMappings.filter(isOwnerMapping)).toHaveLength(1);
  });

  it.each(descriptions.map((d) => [d.name, d] as const))('%s: its setting keys are real settings', (_name, description) => {
    const known = knownSettingKeys();
    expect(known).toContain(description.deleteSettingKey);
    if (description.enabledSettingKey) expect(known).toContain(description.enabledSettingKey);
  });
});

describe('contacts description', () => {
  const onLead = mappingsForSalesforceObject(contactsDescription.defaultMappings, 'Lead');
  const onContact = mappingsForSalesforceObject(contactsDescription.defaultMappings, 'Contact');
  const fieldOf = (resolved: typeof onLead, property: string) => resolved.find((mapping) => mapping.hubspotProperty === property)?.salesforceField;

  it('matches by email and keeps the Salesforce id in salesforceleadid / salesforcecontactid (SPEC section 5)', () => {
    expect(contactsDescription.matchKey).toEqual({ kind: 'email', hubspotProperty: 'email', salesforceField: 'Email' });
    expect(contactsDescription.salesforceIdProperty).toEqual({ Lead: 'salesforceleadid', Contact: 'salesforcecontactid' });
  });

  it('one mapping serves Lead and Contact where the API name is the same', () => {
    for (const property of ['email', 'firstname', 'lastname', 'phone', 'jobtitle', 'hubspot_owner_id']) expect(fieldOf(onContact, property)).toBe(fieldOf(onLead, property));
    expect(fieldOf(onLead, 'jobtitle')).toBe('Title');
  });

  it('the address lands in Street/City/… on a Lead and Mailing… on a Contact', () => {
    expect(['address', 'city', 'state', 'zip', 'country'].map((p) => fieldOf(onLead, p))).toEqual(['Street', 'City', 'State', 'PostalCode', 'Country']);
    expect(['address', 'city', 'state', 'zip', 'country'].map((p) => fieldOf(onContact, p))).toEqual(['MailingStreet', 'MailingCity', 'MailingState', 'MailingPostalCode', 'MailingCountry']);
  });

  it('Lead-only fields are left out for a Contact', () => {
    for (const property of ['company', 'website', 'industry', 'annualrevenue', 'hs_lead_status']) {
      expect(fieldOf(onLead, property)).toBeDefined();
      expect(fieldOf(onContact, property)).toBeUndefined();
    }
  });

  it('state and country are marked for picklist matching, the owner for translation by email', () => {
    const meaningOf = (property: string) => contactsDescription.defaultMappings.find((m) => m.hubspotProperty === property)?.value.meaning;
    expect([meaningOf('state'), meaningOf('country'), meaningOf('hubspot_owner_id')]).toEqual(['state', 'country', 'owner']);
  });
});
