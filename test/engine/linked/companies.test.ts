import { describe, expect, it } from 'vitest';
import { alignLeadStatus } from '../contacts/world.ts';
import { createInHubspot, createInSalesforce, fullCycle, hubspotRecords, objectWrites, salesforceRecords, saveSettings, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

describe('companies ⇄ Accounts', () => {
  it('creates a company for a new Account, updates it both ways by rule, and a second cycle writes nothing', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Acme', Phone: '555-0100' });
    const first = await fullCycle(world);
    expect(first.objects.map((object) => object.object)).toEqual(['companies']);
    const [company] = await hubspotRecords(world, 'companies');
    expect(company?.properties).toMatchObject({ name: 'Acme', phone: '555-0100', salesforceaccountid: accountId });
    expect(objectWrites(await fullCycle(world))).toBe(0);

    // prefer_salesforce_unless_blank: Salesforce's change reaches HubSpot; HubSpot fills a blank Salesforce field.
    await world.salesforce.update('Account', [{ Id: accountId, Phone: '555-0199' }]);
    await world.hubspot.batchUpdate('companies', [{ id: company!.id, properties: { city: 'Lyon' } }]);
    await fullCycle(world);
    expect((await hubspotRecords(world, 'companies'))[0]?.properties.phone).toBe('555-0199');
    expect((await salesforceRecords(world, 'Account'))[0]?.BillingCity).toBe('Lyon');
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('meets Salesforce\'s Industry picklist through the standard industry pairs, both ways, with no error and no bounce', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    await createInSalesforce(world, 'Account', { Name: 'Initech', Industry: 'Technology' });
    await createInSalesforce(world, 'Account', { Name: 'Umbrella' });
    await fullCycle(world);
    const companies = new Map((await hubspotRecords(world, 'companies')).map((company) => [company.properties.name, company]));
    expect(companies.get('Initech')?.properties.industry).toBe('COMPUTER_SOFTWARE');
    // HubSpot fills the Account's blank industry (prefer_salesforce_unless_blank), in Salesforce's value.
    await world.hubspot.batchUpdate('companies', [{ id: companies.get('Umbrella')!.id, properties: { industry: 'BANKING' } }]);
    await fullCycle(world);
    expect((await salesforceRecords(world, 'Account')).find((account) => account.Name === 'Umbrella')?.Industry).toBe('Banking');
    expect((await world.store.syncErrors.list({ status: 'open' }, { limit: 10 })).errors).toEqual([]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('does not sync companies while companies.enabled is off (the default)', async () => {
    await createInSalesforce(world, 'Account', { Name: 'Acme' });
    expect((await fullCycle(world)).objects).toEqual([]);
    expect(await hubspotRecords(world, 'companies')).toEqual([]);
  });

  it('creates an Account for the company of a contact synced as a Contact, and puts the Contact under it', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { companies: { enabled: true }, contacts: { hubspotCreatesIn: 'contact' } });
    const companyId = await createInHubspot(world, 'companies', { name: 'Globex', domain: 'globex.example' });
    const contactId = await createInHubspot(world, 'contacts', { email: 'hank@globex.example', lastname: 'Scorpio' });
    await world.hubspot.associateDefault('companies', 'contacts', [{ fromId: companyId, toId: contactId }]);
    await fullCycle(world);
    const accounts = await salesforceRecords(world, 'Account');
    expect(accounts.map((account) => account.Name)).toEqual(['Globex']);
    const [contact] = await salesforceRecords(world, 'Contact');
    expect(contact?.AccountId).toBe(accounts[0]?.Id);
    expect((await hubspotRecords(world, 'companies'))[0]?.properties.salesforceaccountid).toBe(accounts[0]?.Id);
    const second = await fullCycle(world);
    expect(objectWrites(second), JSON.stringify(second.objects)).toBe(0);
  });

  it('never creates an Account for a company whose contacts are all leads, nor for one without synced contacts', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { companies: { enabled: true } });
    const companyId = await createInHubspot(world, 'companies', { name: 'Initech', domain: 'initech.example' });
    const contactId = await createInHubspot(world, 'contacts', { email: 'peter@initech.example', lastname: 'Gibbons' });
    await world.hubspot.associateDefault('companies', 'contacts', [{ fromId: companyId, toId: contactId }]);
    await createInHubspot(world, 'companies', { name: 'Lonely', domain: 'lonely.example' });
    const summary = await fullCycle(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
    expect(await salesforceRecords(world, 'Account')).toEqual([]);
    expect(summary.objects[0]?.hubspot.skipped).toBe(2);
  });

  it('creates the company of a new Account and associates it with the HubSpot contacts of its Contacts', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { companies: { enabled: true } });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Umbrella Corp', Website: 'umbrella.example' });
    await createInSalesforce(world, 'Contact', { LastName: 'Wesker', Email: 'albert@umbrella.example', AccountId: accountId });
    await fullCycle(world);
    const companies = await hubspotRecords(world, 'companies');
    const [contact] = await hubspotRecords(world, 'contacts');
    expect(companies.map((company) => company.properties.salesforceaccountid)).toEqual([accountId]);
    expect((await world.hubspot.associationsOf('companies', 'contacts', [companies[0]!.id])).get(companies[0]!.id)).toEqual([contact?.id]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('matches an existing HubSpot company through its contacts, not its domain', async () => {
    await alignLeadStatus(world);
    const companyId = await createInHubspot(world, 'companies', { name: 'Umbrella', domain: 'umbrella.example' });
    const twinId = await createInHubspot(world, 'companies', { name: 'Umbrella Twin', domain: 'umbrella.example' });
    const contactId = await createInHubspot(world, 'contacts', { email: 'albert@umbrella.example', lastname: 'Wesker' });
    await world.hubspot.associateDefault('companies', 'contacts', [{ fromId: companyId, toId: contactId }]);
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Umbrella Corp', Website: 'umbrella.example' });
    await createInSalesforce(world, 'Contact', { LastName: 'Wesker', Email: 'albert@umbrella.example', AccountId: accountId });
    await fullCycle(world); // contacts link by email; companies are off
    await saveSettings(world, { companies: { enabled: true } });
    await fullCycle(world);
    const links = await world.store.idLinks.findBySalesforceIds([accountId]);
    expect(links.get(accountId)?.hubspotId).toBe(companyId);
    expect((await world.store.idLinks.findByHubspotIds('companies', [twinId])).size).toBe(0);
    expect(await hubspotRecords(world, 'companies')).toHaveLength(2);
  });

  it('deletes the company on a Salesforce delete only when companies.onSalesforceDelete is delete; a HubSpot delete deletes nothing in Salesforce', async () => {
    await saveSettings(world, { companies: { enabled: true, onSalesforceDelete: 'delete' } });
    const keptId = await createInSalesforce(world, 'Account', { Name: 'Kept' });
    const goneId = await createInSalesforce(world, 'Account', { Name: 'Gone' });
    await fullCycle(world);
    const byName = new Map((await hubspotRecords(world, 'companies')).map((company) => [company.properties.name, company.id]));
    await world.salesforce.delete('Account', [goneId]);
    await world.hubspot.batchArchive('companies', [byName.get('Kept')!]);
    await world.salesforce.update('Account', [{ Id: keptId, Phone: '555-0101' }]);
    const summary = await fullCycle(world);
    expect(summary.objects[0]?.hubspot.deleted).toBe(1);
    expect(await hubspotRecords(world, 'companies')).toEqual([]);
    expect((await salesforceRecords(world, 'Account')).map((account) => account.Name)).toEqual(['Kept']);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });
});
