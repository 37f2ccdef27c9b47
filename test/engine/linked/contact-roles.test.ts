import { describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus } from '../contacts/world.ts';
import { createInSalesforce, fullCycle, hubspotRecords, objectWrites, salesforceRecords, saveSettings, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** An Account with Contacts and an Opportunity, all synced: the deal and the contacts' HubSpot ids. */
async function syncedDealWithPeople(target: LinkedWorld, emails: readonly string[]) {
  const accountId = await createInSalesforce(target, 'Account', { Name: 'Acme' });
  const contactIds: string[] = [];
  for (const email of emails) contactIds.push(await createInSalesforce(target, 'Contact', { LastName: email.split('@')[0], Email: email, AccountId: accountId }));
  const opportunityId = await createInSalesforce(target, 'Opportunity', { Name: 'Acme renewal', StageName: 'Closed Won', CloseDate: '2026-03-31', AccountId: accountId });
  await fullCycle(target);
  const [deal] = await hubspotRecords(target, 'deals');
  const contacts = await hubspotRecords(target, 'contacts');
  const hubspotContactOf = (email: string) => contacts.find((contact) => contact.properties.email === email)!.id;
  return { accountId, contactIds, opportunityId, dealId: deal!.id, hubspotContactIds: emails.map(hubspotContactOf) };
}

async function dealContacts(target: LinkedWorld, dealId: string): Promise<string[]> {
  return [...((await target.hubspot.associationsOf('deals', 'contacts', [dealId])).get(dealId) ?? [])].sort();
}

async function roles(target: LinkedWorld): Promise<Array<[unknown, unknown]>> {
  return (await salesforceRecords(target, 'OpportunityContactRole')).map((role) => [role.OpportunityId, role.ContactId] as [unknown, unknown]).sort();
}

describe('deal ↔ contact through OpportunityContactRole', () => {
  it('a contact role added in Salesforce associates the deal with the contact; deleting the role removes it', async () => {
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });
    const { contactIds, opportunityId, dealId, hubspotContactIds } = await syncedDealWithPeople(world, ['ada@acme.example', 'bob@acme.example']);
    expect(await dealContacts(world, dealId)).toEqual([]);
    const [role] = (await world.salesforce.create('OpportunityContactRole', contactIds.map((ContactId) => ({ OpportunityId: opportunityId, ContactId, Role: 'Decision Maker' })))).map((result) => result.id);
    const added = await fullCycle(world);
    expect(added.objects.find((object) => object.object === 'deals')?.associations.junctions.hubspot.created).toBe(2);
    expect(await dealContacts(world, dealId)).toEqual([...hubspotContactIds].sort());
    expect(objectWrites(await fullCycle(world))).toBe(0);

    await world.salesforce.delete('OpportunityContactRole', [role!]);
    await fullCycle(world);
    expect(await dealContacts(world, dealId)).toEqual([hubspotContactIds[1]]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a contact associated with a deal in HubSpot becomes a contact role, in one collection call; removing it deletes the role', async () => {
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });
    const { contactIds, opportunityId, dealId, hubspotContactIds } = await syncedDealWithPeople(world, ['ada@acme.example', 'bob@acme.example', 'cy@acme.example']);
    await world.hubspot.associateDefault('deals', 'contacts', hubspotContactIds.map((toId) => ({ fromId: dealId, toId })));
    const collectionsBefore = await collectionCalls(world);
    await fullCycle(world, [{ object: 'deals', recordId: dealId }]);
    expect(await collectionCalls(world)).toBe(collectionsBefore + 1);
    expect(await roles(world)).toEqual(contactIds.map((contactId) => [opportunityId, contactId]).sort());
    expect(objectWrites(await fullCycle(world))).toBe(0);

    await world.hubspot.dissociate('deals', 'contacts', [{ fromId: dealId, toId: hubspotContactIds[0]! }]);
    await fullCycle(world, [{ object: 'deals', recordId: dealId }]);
    expect(await roles(world)).toEqual(contactIds.slice(1).map((contactId) => [opportunityId, contactId]).sort());
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a deal contact synced as a Lead is skipped with its reason, not an error, and the others still become roles', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });
    const { contactIds, opportunityId, dealId, hubspotContactIds } = await syncedDealWithPeople(world, ['ada@acme.example']);
    await createInSalesforce(world, 'Lead', { LastName: 'Lead', Company: 'Acme', Email: 'lee@acme.example' });
    await fullCycle(world);
    const leadContact = (await hubspotRecords(world, 'contacts')).find((contact) => contact.properties.email === 'lee@acme.example')!.id;
    await world.hubspot.associateDefault('deals', 'contacts', [{ fromId: dealId, toId: leadContact }, { fromId: dealId, toId: hubspotContactIds[0]! }]);
    const summary = await fullCycle(world, [{ object: 'deals', recordId: dealId }]);
    expect(summary.objects.find((object) => object.object === 'deals')?.associations.junctions.skipped).toBe(1);
    expect(await roles(world)).toEqual([[opportunityId, contactIds[0]]]);
    expect(await world.store.syncErrors.openForRecords('deals', { hubspotIds: [dealId], salesforceIds: [opportunityId] })).toEqual([]);
    const [skip] = (await world.store.auditTrail.listForRecord(dealId, 10)).filter((entry) => entry.action === 'skip_association');
    expect(skip?.reason).toContain('is a Lead in Salesforce; only a Contact can be in an OpportunityContactRole');
  });
});

/** sObject Collections creates the Salesforce emulator served (its call statistics). */
async function collectionCalls(target: LinkedWorld): Promise<number> {
  const { byEndpoint } = (await emulatorAdmin(target.salesforceEmulator.url, 'stats')) as { byEndpoint: Record<string, number> };
  return Object.entries(byEndpoint).reduce((sum, [endpoint, count]) => sum + (endpoint.startsWith('POST ') && endpoint.endsWith('/composite/sobjects') ? count : 0), 0);
}
