import { describe, expect, it } from 'vitest';
import { liveMappingSchema, resolveMappingTypes, type StoredMappingRow } from '../../src/engine/mapping-types.ts';
import { contactsDescription } from '../../src/objects/contacts.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { useContactSyncWorld } from './contacts/world.ts';

const world = useContactSyncWorld();

const custom = (hubspotProperty: string, salesforceField: string, rule: StoredMappingRow['rule'] = 'two_way'): StoredMappingRow => ({ hubspotProperty, salesforceField, rule, origin: 'custom' });

async function addSalesforceField(object: 'Lead' | 'Contact', field: Record<string, unknown>): Promise<void> {
  await emulatorAdmin(world.salesforceEmulator.url, 'schema', { object, fields: [field] });
}

async function addHubspotProperty(name: string, type: string, fieldType: string, options: string[] = []): Promise<void> {
  await world.hubspot.client.crm.properties.coreApi.create('contacts', {
    name,
    label: name,
    type: type as never,
    fieldType: fieldType as never,
    groupName: 'contactinformation',
    options: options.map((value, index) => ({ label: value, value, displayOrder: index, hidden: false })),
  });
}

describe('resolveMappingTypes against both emulators', () => {
  it('types custom mappings from the live schema, reports the ones that cannot sync, and reads each schema once', async () => {
    await addSalesforceField('Lead', { name: 'Score__c', type: 'double' });
    await addSalesforceField('Contact', { name: 'Score__c', type: 'double' });
    await addSalesforceField('Lead', { name: 'Tier__c', type: 'picklist', picklistValues: ['Gold', 'Silver'], restrictedPicklist: true });
    await addSalesforceField('Lead', { name: 'Vip__c', type: 'boolean' });
    await addHubspotProperty('score', 'number', 'number');
    await addHubspotProperty('tier', 'enumeration', 'select', ['gold', 'silver', 'bronze']);
    await addHubspotProperty('vip_note', 'string', 'text');

    const schema = liveMappingSchema(world.salesforce, world.hubspot);
    const before = { salesforce: world.calls.salesforce.total, hubspot: world.calls.hubspot.total };
    const stored = [custom('score', 'Score__c'), custom('tier', 'Tier__c'), custom('vip_note', 'Vip__c'), custom('score_missing', 'Score__c'), custom('jobtitle', 'Title', 'dont_sync')];
    const resolved = await resolveMappingTypes(contactsDescription, stored, schema);
    // Asked twice, read once: the cycle and the API validation share one instance per cycle or request.
    await resolveMappingTypes(contactsDescription, stored, schema);
    expect(world.calls.hubspot.total - before.hubspot).toBe(1);
    expect(world.calls.salesforce.total - before.salesforce).toBeLessThanOrEqual(2);

    const byProperty = new Map(resolved.mappings.map((mapping) => [mapping.hubspotProperty, mapping]));
    expect(byProperty.get('score')).toMatchObject({ salesforceField: 'Score__c', rule: 'two_way', isDefault: false, value: { kind: 'number', salesforceType: 'double' } });
    expect(byProperty.get('score')?.salesforceFieldOn).toBeUndefined();
    // A field only Leads have serves Leads only.
    expect(byProperty.get('tier')).toMatchObject({ salesforceField: 'Tier__c', salesforceFieldOn: { Contact: null }, value: { kind: 'choice', salesforceType: 'picklist' } });
    expect(byProperty.get('tier')?.value.choices).toMatchObject({ salesforce: { values: ['Gold', 'Silver'], restricted: true }, hubspot: ['gold', 'silver', 'bronze'] });
    // A default keeps its shape and the admin's rule, and a stored row for it is not a second mapping.
    expect(byProperty.get('jobtitle')).toMatchObject({ salesforceField: 'Title', rule: 'dont_sync', isDefault: true });
    expect(resolved.mappings.filter((mapping) => mapping.hubspotProperty === 'jobtitle')).toHaveLength(1);
    // The lead status default takes both live option lists besides its standard value map.
    expect(byProperty.get('hs_lead_status')?.value.choices).toMatchObject({
      salesforce: { values: expect.arrayContaining(['Open - Not Contacted']), restricted: true },
      hubspot: expect.arrayContaining(['NEW', 'CONNECTED']),
      valueMap: { name: 'lead status' },
    });

    expect(resolved.refused).toEqual([
      { hubspotProperty: 'vip_note', salesforceField: 'Vip__c', reason: expect.stringMatching(/single-line text property maps only to Salesforce string/) },
      { hubspotProperty: 'score_missing', salesforceField: 'Score__c', reason: expect.stringContaining('HubSpot contacts have no property score_missing') },
    ]);
  });

  it('refuses a custom mapping onto a Salesforce field another mapping already uses, and one to a field that exists nowhere', async () => {
    await addHubspotProperty('second_title', 'string', 'text');
    const resolved = await resolveMappingTypes(contactsDescription, [custom('second_title', 'Title'), custom('second_title_2', 'Nope__c')], liveMappingSchema(world.salesforce, world.hubspot));
    expect(resolved.mappings.some((mapping) => mapping.hubspotProperty === 'second_title')).toBe(false);
    expect(resolved.refused[0]).toMatchObject({ hubspotProperty: 'second_title', reason: expect.stringContaining('Salesforce field Lead.Title is already mapped to HubSpot property jobtitle') });
    expect(resolved.refused).toHaveLength(2);
  });
});
