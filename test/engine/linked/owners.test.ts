import { describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus } from '../contacts/world.ts';
import { createInHubspot, fullCycle, objectWrites, salesforceRecords, saveSettings, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

describe('owners of new Accounts, Opportunities and Cases', () => {
  it('a HubSpot owner with no Salesforce user of the same email leaves OwnerId out (Salesforce makes the integration user the owner), without a sync error', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true }, tickets: { enabled: true }, contacts: { hubspotCreatesIn: 'contact' } });
    const { id: ownerId } = (await emulatorAdmin(world.hubspotEmulator.url, 'owners', { email: 'nobody-in-salesforce@example.com', firstName: 'No', lastName: 'Body' })) as { id: string };
    const owned = { hubspot_owner_id: String(ownerId) };
    const companyId = await createInHubspot(world, 'companies', { name: 'Owned Inc', ...owned });
    const contactId = await createInHubspot(world, 'contacts', { email: 'person@owned.example', lastname: 'Person' });
    await world.hubspot.associateDefault('companies', 'contacts', [{ fromId: companyId, toId: contactId }]);
    const dealId = await createInHubspot(world, 'deals', { dealname: 'Owned deal', dealstage: 'closedwon', pipeline: 'default', closedate: '2026-04-30T00:00:00.000Z', ...owned });
    await world.hubspot.associateDefault('deals', 'companies', [{ fromId: dealId, toId: companyId }]);
    await createInHubspot(world, 'tickets', { subject: 'Owned ticket', hs_pipeline: '0', hs_pipeline_stage: '1', ...owned });
    await fullCycle(world);

    const integrationUser: string[] = [];
    for await (const page of world.salesforce.queryPages(`SELECT Id FROM User WHERE Email = 'integration@crmsync-emulator.example.com'`, 'User')) integrationUser.push(...page.map((user) => String(user.Id)));
    for (const object of ['Account', 'Opportunity', 'Case']) {
      const records = await salesforceRecords(world, object);
      expect(records, object).toHaveLength(1);
      expect(records[0]?.OwnerId, object).toBe(integrationUser[0]);
    }
    const { errors } = await world.store.syncErrors.list({ status: 'all' }, { limit: 100 });
    expect(errors.map((error) => `${error.object}: ${error.message}`)).toEqual([]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('reads the owner directory once a cycle for every object it syncs, not once per object', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true }, tickets: { enabled: true } });
    await createInHubspot(world, 'companies', { name: 'Once Inc' });
    await createInHubspot(world, 'contacts', { email: 'once@owned.example', lastname: 'Once' });
    const userQueries: string[] = [];
    const queryPages = world.salesforce.queryPages.bind(world.salesforce);
    world.salesforce.queryPages = (soql: string, object: string) => {
      if (object === 'User') userQueries.push(soql);
      return queryPages(soql, object);
    };
    const summary = await fullCycle(world);
    expect(summary.objects.map((object) => object.object)).toEqual(expect.arrayContaining(['companies', 'deals', 'tickets']));
    expect(userQueries).toHaveLength(1);
  });
});
