import { describe, expect, it } from 'vitest';
import { dealsDescription } from '../../../src/objects/deals.ts';
import { runLinkedSyncCycle } from '../../../src/engine/linked/cycle.ts';
import { readSettings } from '../../../src/engine/settings.ts';
import { createInHubspot, createInSalesforce, fullCycle, hubspotRecords, objectWrites, salesforceRecords, saveSettings, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

describe('deals ⇄ Opportunities', () => {
  it('creates a deal for an Opportunity, stage by label, on the company of its Account; a second cycle writes nothing', async () => {
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Acme' });
    const opportunityId = await createInSalesforce(world, 'Opportunity', { Name: 'Acme renewal', StageName: 'Closed Won', CloseDate: '2026-03-31', Amount: 1200, AccountId: accountId, Type: 'New Customer' });
    const first = await fullCycle(world);
    expect(first.objects.map((object) => object.object)).toEqual(['companies', 'deals']);
    const [deal] = await hubspotRecords(world, 'deals');
    // Salesforce's default Type pairs with HubSpot's default deal type (picklist-values.ts, dealTypeValues).
    expect(deal?.properties).toMatchObject({ dealname: 'Acme renewal', dealstage: 'closedwon', dealtype: 'newbusiness', amount: '1200', salesforceopportunityid: opportunityId });
    const [company] = await hubspotRecords(world, 'companies');
    expect((await world.hubspot.associationsOf('deals', 'companies', [deal!.id])).get(deal!.id)).toEqual([company?.id]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('creates an Opportunity for a HubSpot deal, with StageName by label and AccountId from its company', async () => {
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Acme' });
    await fullCycle(world);
    const [company] = await hubspotRecords(world, 'companies');
    const dealId = await createInHubspot(world, 'deals', { dealname: 'New deal', dealstage: 'closedlost', pipeline: 'default', closedate: '2026-04-30T00:00:00.000Z', amount: '50', dealtype: 'existingbusiness' });
    await world.hubspot.associateDefault('deals', 'companies', [{ fromId: dealId, toId: company!.id }]);
    await fullCycle(world);
    const [opportunity] = await salesforceRecords(world, 'Opportunity');
    expect(opportunity).toMatchObject({ Name: 'New deal', StageName: 'Closed Lost', CloseDate: '2026-04-30', Amount: 50, AccountId: accountId, Type: 'Existing Customer - Upgrade' });
    expect((await hubspotRecords(world, 'deals'))[0]?.properties.salesforceopportunityid).toBe(opportunity?.Id);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('an Opportunity whose Account has not synced waits with an associations error, and syncs once the Account has', async () => {
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Later Inc' });
    const opportunityId = await createInSalesforce(world, 'Opportunity', { Name: 'Waits', StageName: 'Closed Won', CloseDate: '2026-03-31', AccountId: accountId });
    // Deals alone first, as when the Account's own sync has not happened yet.
    const { settings } = await readSettings(world.store.settings);
    const { store, salesforce, hubspot, calls } = world;
    const waiting = await runLinkedSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() }, dealsDescription, { settings, runId: 'test' });
    expect(waiting.waitingForParent).toBe(1);
    expect(await hubspotRecords(world, 'deals')).toEqual([]);
    const open = await world.store.syncErrors.openForRecords('deals', { hubspotIds: [], salesforceIds: [opportunityId] });
    expect(open.map((error) => [error.category, error.message.split(':')[0]])).toEqual([['associations', 'waiting for account to sync']]);

    await fullCycle(world);
    const [deal] = await hubspotRecords(world, 'deals');
    expect(deal?.properties.salesforceopportunityid).toBe(opportunityId);
    expect(await world.store.syncErrors.openForRecords('deals', { hubspotIds: [], salesforceIds: [opportunityId] })).toEqual([]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a deleted Opportunity leaves its deal in HubSpot under the default deals.onSalesforceDelete (do_nothing), and the delete sticks', async () => {
    await saveSettings(world, { deals: { enabled: true } });
    const opportunityId = await createInSalesforce(world, 'Opportunity', { Name: 'Short-lived', StageName: 'Closed Won', CloseDate: '2026-03-31' });
    await fullCycle(world);
    expect(await hubspotRecords(world, 'deals')).toHaveLength(1);
    await world.salesforce.delete('Opportunity', [opportunityId]);
    await fullCycle(world);
    expect(await hubspotRecords(world, 'deals')).toHaveLength(1);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });
});
