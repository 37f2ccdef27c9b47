/**
 * The API against the real emulators through the connectors: the Sync Health figures after a real contact sync
 * cycle equal the Salesforce emulator's own count of calls, and the schema, lists and mapping routes read the
 * live schema.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { alignLeadStatus, cycle, useContactSyncWorld } from '../engine/contacts/world.ts';
import { apiServer, bearer, FakeSync, useVendorApi } from './api-harness.ts';

const world = useContactSyncWorld();
const { get, put } = useVendorApi(world);

async function salesforceCalls(): Promise<number> {
  return ((await emulatorAdmin(world.salesforceEmulator.url, 'stats')) as { total: number }).total;
}

describe('Sync Health after a real contact sync cycle', () => {
  it('reports exactly the calls the Salesforce emulator counted, and the refused record on its card', async () => {
    await alignLeadStatus(world);
    await world.salesforce.create('Lead', [{ FirstName: 'Ada', LastName: 'Lovelace', Company: 'Analytical Engines', Email: 'ada@example.com' }]);
    await world.hubspot.batchCreate('contacts', [
      { properties: { email: 'grace@example.com', firstname: 'Grace', lastname: 'Hopper' } },
      // A Lead's FirstName holds 40 characters: Salesforce refuses this one.
      { properties: { email: 'long@example.com', firstname: 'Bartholomew-Maximilian-Alexander-Fitzgerald', lastname: 'Long' } },
    ]);
    await cycle(world);

    const health = (await get('/api/health')).json();
    const counted = await salesforceCalls();
    expect(counted).toBeGreaterThan(3);
    expect(health.apiUsage.usedLast24h).toBe(counted);
    expect(health.apiUsage.hourly.reduce((sum: number, hour: { calls: number }) => sum + hour.calls, 0)).toBe(counted);
    expect(health.apiUsage.byOperation.reduce((sum: number, entry: { calls: number }) => sum + entry.calls, 0)).toBe(counted);
    expect(health.errors).toEqual([{ type: 'property_value:STRING_TOO_LONG', category: 'property_value', title: 'Value too long', count: 1, affectedRecords: 1 }]);

    // Reading the schema for the editor is a Salesforce call too, and shows up as one.
    await get('/api/schema/contacts');
    expect((await get('/api/health')).json().apiUsage.usedLast24h).toBe(await salesforceCalls());
  });
});

describe('live schema and lists', () => {
  it('GET /api/schema/{object} lists both sides’ fields with their types', async () => {
    const response = await get('/api/schema/contacts');
    expect(response.statusCode).toBe(200);
    const schema = response.json();
    expect(schema.object).toBe('contacts');
    expect(schema.hubspot).toContainEqual(expect.objectContaining({ name: 'email', type: 'string/text' }));
    expect(schema.salesforce.Lead).toContainEqual(expect.objectContaining({ name: 'Email', type: 'email' }));
    expect(schema.salesforce.Contact).toContainEqual(expect.objectContaining({ name: 'MailingStreet' }));
    expect((await get('/api/schema/widgets')).json().issues[0].path).toBe('object');
  });

  it('GET /api/hubspot/lists gives the contact lists with their sizes', async () => {
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'member@example.com' } }]);
    await emulatorAdmin(world.hubspotEmulator.url, 'lists', { name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL', recordIds: [created.results[0]!.id] });
    await emulatorAdmin(world.hubspotEmulator.url, 'lists', { name: 'Big deals', objectTypeId: '0-3', processingType: 'MANUAL' });
    const response = await get('/api/hubspot/lists');
    expect(response.statusCode).toBe(200);
    expect(response.json().lists).toEqual([{ listId: expect.any(String), name: 'Sync to Salesforce', size: 1 }]);
  });

  it('answers 501 when the server has no connections to read them through', async () => {
    const bare = apiServer(world.store, new FakeSync());
    const response = await bare.inject({ method: 'GET', url: '/api/hubspot/lists', headers: bearer });
    expect(response.statusCode).toBe(501);
    expect(response.json().error).toBe('not_configured');
    await bare.close();
  });
});

describe('PUT /api/mappings/{object}', () => {
  beforeEach(async () => {
    for (const object of ['Lead', 'Contact']) {
      await emulatorAdmin(world.salesforceEmulator.url, 'schema', { object, fields: [{ name: 'Shoe_Size__c', type: 'double' }, { name: 'Nickname__c', type: 'string', length: 80 }] });
    }
    await emulatorAdmin(world.salesforceEmulator.url, 'schema', { object: 'Lead', fields: [{ name: 'Lead_Only__c', type: 'string', length: 80 }] });
    const properties = world.hubspot.client.crm.properties.coreApi;
    await properties.create('contacts', { name: 'shoe_size', label: 'Shoe size', type: 'number', fieldType: 'number', groupName: 'contactinformation' } as never);
    await properties.create('contacts', { name: 'nickname', label: 'Nickname', type: 'string', fieldType: 'text', groupName: 'contactinformation' } as never);
  });

  const mappingOf = async (property: string) => ((await get('/api/mappings/contacts')).json().mappings as Array<{ hubspotProperty: string }>).find((m) => m.hubspotProperty === property);

  it('adds a compatible custom mapping, changes a default rule, removes the custom one', async () => {
    const added = await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'shoe_size', salesforceField: 'shoe_size__c', rule: 'two_way' }, { hubspotProperty: 'firstname', salesforceField: 'FirstName', rule: 'two_way' }] });
    expect(added.statusCode).toBe(200);
    expect(added.json().mappings).toContainEqual({ hubspotProperty: 'shoe_size', salesforceField: 'Shoe_Size__c', rule: 'two_way', origin: 'custom', salesforceObjects: ['Lead', 'Contact'] });
    expect(await mappingOf('firstname')).toMatchObject({ rule: 'two_way', origin: 'default' });
    expect(await mappingOf('company')).toMatchObject({ salesforceObjects: ['Lead'] });

    const removed = await put('/api/mappings/contacts', { remove: ['shoe_size'] });
    expect(removed.statusCode).toBe(200);
    expect(await mappingOf('shoe_size')).toBeUndefined();
  });

  it('refuses, naming each field and reason, and writes nothing of a refused edit', async () => {
    const refused = await put('/api/mappings/contacts', {
      upsert: [
        { hubspotProperty: 'firstname', salesforceField: 'FirstName', rule: 'always_use_hubspot' },
        { hubspotProperty: 'nickname', salesforceField: 'Shoe_Size__c', rule: 'two_way' },
        { hubspotProperty: 'shoe_size', salesforceField: 'Email', rule: 'two_way' },
        { hubspotProperty: 'hubspot_owner_id', salesforceField: 'OwnerId', rule: 'always_use_hubspot' },
        { hubspotProperty: 'nickname', salesforceField: 'Lead_Only__c', rule: 'two_way' },
      ],
      remove: ['email'],
    });
    expect(refused.statusCode).toBe(400);
    const issues = refused.json().issues as Array<{ path: string; message: string }>;
    const at = (path: string) => issues.find((issue) => issue.path === path)?.message;
    expect(at('upsert.1.salesforceField')).toMatch(/single-line text property maps only to Salesforce string/);
    expect(at('upsert.2.salesforceField')).toMatch(/Email is already mapped to HubSpot property email/);
    expect(at('upsert.3.rule')).toMatch(/owner mapping is always two_way/);
    expect(at('upsert.4')).toMatch(/nickname is already edited at upsert.1/);
    expect(at('remove.0')).toMatch(/default and cannot be deleted/);
    // The valid part of the edit was not applied either.
    expect(await mappingOf('firstname')).toMatchObject({ rule: 'prefer_salesforce_unless_blank' });
    expect(await mappingOf('nickname')).toBeUndefined();
  });

  it('takes a field that exists on Lead only (contacts on Contact leave it out), and refuses a field already mapped by another custom mapping', async () => {
    const leadOnly = await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'shoe_size', salesforceField: 'lead_only__c', rule: 'two_way' }] });
    expect(leadOnly.statusCode).toBe(400);
    expect(leadOnly.json().issues[0]).toMatchObject({ path: 'upsert.0.salesforceField', message: expect.stringContaining('a number property maps only to Salesforce') });
    expect((await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'shoe_size', salesforceField: 'Shoe_Size__c', rule: 'two_way' }] })).statusCode).toBe(200);

    expect((await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'nickname', salesforceField: 'Nickname__c', rule: 'two_way' }] })).statusCode).toBe(200);
    const taken = await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'jobtitle_alt', salesforceField: 'NICKNAME__C', rule: 'two_way' }] });
    expect(taken.json().issues[0].message).toMatch(/already mapped to HubSpot property nickname/);
    const unknownProperty = await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'no_such_property', salesforceField: 'Lead_Only__c', rule: 'two_way' }] });
    expect(unknownProperty.json().issues[0]).toMatchObject({ path: 'upsert.0.hubspotProperty' });
    const badRule = await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'nickname', salesforceField: 'Nickname__c', rule: 'sometimes' }] });
    expect(badRule.json().issues[0].path).toBe('upsert.0.rule');
    const missing = await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'jobtitle_alt', salesforceField: 'Nowhere__c', rule: 'two_way' }] });
    expect(missing.statusCode).toBe(400);
    // Re-pointing nickname to a Lead-only field: accepted, as the cycle would sync it (to Leads).
    const moved = await put('/api/mappings/contacts', { upsert: [{ hubspotProperty: 'nickname', salesforceField: 'lead_only__c', rule: 'two_way' }] });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().mappings).toContainEqual(expect.objectContaining({ hubspotProperty: 'nickname', salesforceField: 'Lead_Only__c', origin: 'custom' }));
  });
});
