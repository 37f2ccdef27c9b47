import { describe, expect, it } from 'vitest';
import { createInSalesforce, fullCycle, hubspotRecords, objectWrites, salesforceRecords, saveSettings, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** Two Accounts synced as companies and a Contact under the first, synced as a HubSpot contact. */
async function twoCompaniesAndAPerson(target: LinkedWorld) {
  const first = await createInSalesforce(target, 'Account', { Name: 'First' });
  const second = await createInSalesforce(target, 'Account', { Name: 'Second' });
  const contactId = await createInSalesforce(target, 'Contact', { LastName: 'Mover', Email: 'mover@first.example', AccountId: first });
  await fullCycle(target);
  const companies = await hubspotRecords(target, 'companies');
  const companyOf = (accountId: string) => companies.find((company) => company.properties.salesforceaccountid === accountId)!.id;
  const hubspotContactId = (await hubspotRecords(target, 'contacts'))[0]!.id;
  return { first, second, firstCompany: companyOf(first), secondCompany: companyOf(second), contactId, hubspotContactId };
}

/** Someone moves a record to another associated record in HubSpot; its associationChange webhook names it. */
async function moveInHubspot(target: LinkedWorld, type: string, id: string, toType: string, from: string, to: string): Promise<void> {
  await target.hubspot.dissociate(type, toType, [{ fromId: id, toId: from }]);
  await target.hubspot.associateDefault(type, toType, [{ fromId: id, toId: to }]);
  await fullCycle(target, [{ object: type, recordId: id }]);
}

async function associated(target: LinkedWorld, fromType: string, toType: string, id: string): Promise<string[]> {
  return (await target.hubspot.associationsOf(fromType, toType, [id])).get(id) ?? [];
}

describe('associations of linked records move with either side', () => {
  it('an Opportunity moved to another Account moves its deal; a deal moved to another company moves its Opportunity', async () => {
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });
    const { first, second, firstCompany, secondCompany } = await twoCompaniesAndAPerson(world);
    const opportunityId = await createInSalesforce(world, 'Opportunity', { Name: 'Mover deal', StageName: 'Closed Won', CloseDate: '2026-03-31', AccountId: first });
    await fullCycle(world);
    const dealId = (await hubspotRecords(world, 'deals'))[0]!.id;
    expect(await associated(world, 'deals', 'companies', dealId)).toEqual([firstCompany]);

    await world.salesforce.update('Opportunity', [{ Id: opportunityId, AccountId: second }]);
    await fullCycle(world);
    expect(await associated(world, 'deals', 'companies', dealId)).toEqual([secondCompany]);
    expect(objectWrites(await fullCycle(world))).toBe(0);

    await moveInHubspot(world, 'deals', dealId, 'companies', secondCompany, firstCompany);
    expect((await salesforceRecords(world, 'Opportunity'))[0]?.AccountId).toBe(first);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a Contact moved to another Account moves its contact to that company, and the other way round', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    const { first, second, firstCompany, secondCompany, contactId, hubspotContactId } = await twoCompaniesAndAPerson(world);
    expect(await associated(world, 'contacts', 'companies', hubspotContactId)).toEqual([firstCompany]);

    await world.salesforce.update('Contact', [{ Id: contactId, AccountId: second }]);
    await fullCycle(world);
    expect(await associated(world, 'contacts', 'companies', hubspotContactId)).toEqual([secondCompany]);
    expect(objectWrites(await fullCycle(world))).toBe(0);

    await moveInHubspot(world, 'contacts', hubspotContactId, 'companies', secondCompany, firstCompany);
    expect((await salesforceRecords(world, 'Contact'))[0]?.AccountId).toBe(first);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a Case moved to another Contact moves its ticket to that contact, and a ticket moved in HubSpot moves its Case', async () => {
    await saveSettings(world, { tickets: { enabled: true } });
    const ada = await createInSalesforce(world, 'Contact', { LastName: 'Ada', Email: 'ada@example.com' });
    const bob = await createInSalesforce(world, 'Contact', { LastName: 'Bob', Email: 'bob@example.com' });
    const caseId = await createInSalesforce(world, 'Case', { Subject: 'Moves', Status: 'New', ContactId: ada });
    await fullCycle(world);
    const contacts = await hubspotRecords(world, 'contacts');
    const hubspotOf = (email: string) => contacts.find((contact) => contact.properties.email === email)!.id;
    const ticketId = (await hubspotRecords(world, 'tickets'))[0]!.id;
    expect(await associated(world, 'tickets', 'contacts', ticketId)).toEqual([hubspotOf('ada@example.com')]);

    await world.salesforce.update('Case', [{ Id: caseId, ContactId: bob }]);
    await fullCycle(world);
    expect(await associated(world, 'tickets', 'contacts', ticketId)).toEqual([hubspotOf('bob@example.com')]);

    await moveInHubspot(world, 'tickets', ticketId, 'contacts', hubspotOf('bob@example.com'), hubspotOf('ada@example.com'));
    expect((await salesforceRecords(world, 'Case'))[0]?.ContactId).toBe(ada);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a contact linked before its company association was kept: Salesforce\'s Account stands even when the HubSpot contact changed later', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    const { first, firstCompany, secondCompany, contactId, hubspotContactId } = await twoCompaniesAndAPerson(world);
    // As a link made before this step existed: no remembered company, and HubSpot says another one, changed later.
    const [link] = [...(await world.store.idLinks.findByHubspotIds('contacts', [hubspotContactId])).values()];
    await world.store.syncedValues.forget(link!.linkId, ['@companies']);
    await world.hubspot.dissociate('contacts', 'companies', [{ fromId: hubspotContactId, toId: firstCompany }]);
    await world.hubspot.associateDefault('contacts', 'companies', [{ fromId: hubspotContactId, toId: secondCompany }]);
    await world.hubspot.batchUpdate('contacts', [{ id: hubspotContactId, properties: { jobtitle: 'Engineer' } }]);
    await fullCycle(world, [{ object: 'contacts', recordId: hubspotContactId }]);
    expect((await salesforceRecords(world, 'Contact')).find((contact) => contact.Id === contactId)?.AccountId).toBe(first);
    expect(await associated(world, 'contacts', 'companies', hubspotContactId)).toEqual([firstCompany]);
  });
});
