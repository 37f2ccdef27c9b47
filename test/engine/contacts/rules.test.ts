import { describe, expect, it } from 'vitest';
import { alignLeadStatus, cycle, editInHubspot, hubspotContacts, salesforceRecords, useContactSyncWorld } from './world.ts';

const world = useContactSyncWorld();

describe('contact rules around the plan: company lifecycle, custom mappings', () => {
  it('with syncCompanyLifecycle, the other contacts of the company follow a contact made an opportunity by its role, never backwards', async () => {
    await alignLeadStatus(world);
    await world.store.settings.write({ contacts: { syncCompanyLifecycle: true } }, 0, new Date());
    const [sfContact] = await world.salesforce.create('Contact', [{ LastName: 'Lovelace', Email: 'ada@example.com' }]);
    await cycle(world);
    const ada = (await hubspotContacts(world)).find((record) => record.properties.email === 'ada@example.com')!;
    const colleagues = await world.hubspot.batchCreate('contacts', [
      { properties: { email: 'charles@example.com', lastname: 'Babbage', lifecyclestage: 'lead' } },
      { properties: { email: 'mary@example.com', lastname: 'Somerville', lifecyclestage: 'customer' } },
    ]);
    const outsider = (await world.hubspot.batchCreate('contacts', [{ properties: { email: 'other@example.com', lastname: 'Elsewhere', lifecyclestage: 'lead' } }])).results[0]!;
    const company = (await world.hubspot.batchCreate('companies', [{ properties: { name: 'Analytical Engines' } }])).results[0]!;
    await world.hubspot.associateDefault('contacts', 'companies', [ada, ...colleagues.results].map((contact) => ({ fromId: contact.id, toId: company.id })));
    await cycle(world);

    const [opportunity] = await world.salesforce.create('Opportunity', [{ Name: 'Engines', StageName: 'Prospecting', CloseDate: '2026-12-31' }]);
    await world.salesforce.create('OpportunityContactRole', [{ OpportunityId: String(opportunity!.id), ContactId: String(sfContact!.id) }]);
    await cycle(world);

    const stages = new Map((await hubspotContacts(world)).map((record) => [record.properties.email, record.properties.lifecyclestage]));
    expect(stages.get('ada@example.com')).toBe('opportunity');
    expect(stages.get('charles@example.com')).toBe('opportunity');
    expect(stages.get('mary@example.com')).toBe('customer');
    expect(stages.get(outsider.properties.email)).toBe('lead');
  });

  it('without it, only the contact with the role moves', async () => {
    await alignLeadStatus(world);
    const [sfContact] = await world.salesforce.create('Contact', [{ LastName: 'Hopper', Email: 'grace@example.com' }]);
    await cycle(world);
    const grace = (await hubspotContacts(world))[0]!;
    const colleague = (await world.hubspot.batchCreate('contacts', [{ properties: { email: 'colleague@example.com', lastname: 'Colleague', lifecyclestage: 'lead' } }])).results[0]!;
    const company = (await world.hubspot.batchCreate('companies', [{ properties: { name: 'Navy' } }])).results[0]!;
    await world.hubspot.associateDefault('contacts', 'companies', [grace, colleague].map((contact) => ({ fromId: contact.id, toId: company.id })));
    const [opportunity] = await world.salesforce.create('Opportunity', [{ Name: 'Compilers', StageName: 'Closed Won', CloseDate: '2026-11-01' }]);
    await world.salesforce.create('OpportunityContactRole', [{ OpportunityId: String(opportunity!.id), ContactId: String(sfContact!.id) }]);
    await cycle(world);
    const stages = new Map((await hubspotContacts(world)).map((record) => [record.properties.email, record.properties.lifecyclestage]));
    expect(stages.get('grace@example.com')).toBe('customer');
    expect(stages.get('colleague@example.com')).toBe('lead');
  });

  it('syncs a custom mapping by its rule with the type the live schema gives, and reports one whose types do not fit', async () => {
    await alignLeadStatus(world);
    await world.hubspot.client.crm.properties.coreApi.create('contacts', { name: 'score', label: 'Score', type: 'number' as never, fieldType: 'number' as never, groupName: 'contactinformation' });
    await world.hubspot.client.crm.properties.coreApi.create('contacts', { name: 'vip', label: 'VIP', type: 'string' as never, fieldType: 'text' as never, groupName: 'contactinformation' });
    for (const object of ['Lead', 'Contact']) {
      await fetch(`${world.salesforceEmulator.url}/__emulator/schema`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ object, fields: [{ name: 'Score__c', type: 'double' }, { name: 'Vip__c', type: 'boolean' }] }),
      });
    }
    await world.store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'score', salesforceField: 'Score__c', rule: 'two_way', origin: 'custom' }, new Date());
    await world.store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'vip', salesforceField: 'Vip__c', rule: 'two_way', origin: 'custom' }, new Date());
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'emmy@example.com', lastname: 'Noether', score: '42.5', vip: 'yes' } }]);

    const first = await cycle(world);
    expect(first.untypedMappings).toEqual(['vip']);
    expect(first.refusedMappings[0]?.reason).toMatch(/single-line text property maps only to Salesforce string/);
    const [lead] = await salesforceRecords(world, 'Lead');
    expect(lead).toMatchObject({ Email: 'emmy@example.com', Score__c: 42.5 });
    expect(lead?.Vip__c ?? false).toBe(false);

    // two_way: a change in Salesforce comes back to HubSpot, as a HubSpot number.
    await world.salesforce.update('Lead', [{ Id: String(lead!.Id), Score__c: 7 }]);
    await cycle(world);
    expect((await hubspotContacts(world)).find((record) => record.id === created.results[0]!.id)?.properties.score).toBe('7');
    await editInHubspot(world, created.results[0]!.id, { score: '8' });
    await cycle(world);
    expect((await salesforceRecords(world, 'Lead'))[0]).toMatchObject({ Score__c: 8 });
  });
});
