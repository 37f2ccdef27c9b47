import { describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus, cycle, editInHubspot, hubspotContacts, linksOf, salesforceRecords, setRule, totalCalls, useContactSyncWorld, writeCalls } from './world.ts';

const world = useContactSyncWorld();

describe('runContactSyncCycle against both emulators and a real store', () => {
  it('brings Salesforce leads and contacts to HubSpot and HubSpot contacts to Salesforce as leads, then writes nothing on a second cycle', async () => {
    await alignLeadStatus(world);
    const [lead] = await world.salesforce.create('Lead', [{ FirstName: 'Ada', LastName: 'Lovelace', Company: 'Analytical Engines', Email: 'ada@example.com', Title: 'Countess' }]);
    const [contact] = await world.salesforce.create('Contact', [{ FirstName: 'Charles', LastName: 'Babbage', Email: 'charles@example.com', Phone: '+44 20 7946 0000' }]);
    const grace = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'grace@example.com', firstname: 'Grace', lastname: 'Hopper', jobtitle: 'Rear Admiral' } }]);
    const graceId = grace.results[0]!.id;

    const callsBefore = await totalCalls(world);
    const first = await cycle(world);
    expect(first.salesforce).toMatchObject({ read: 2, created: 1, failed: 0 });
    expect(first.hubspot).toMatchObject({ read: 1, created: 2, failed: 0 });
    // The calls the summary reports are the calls the vendors counted.
    const callsAfter = await totalCalls(world);
    expect(first.salesforce.apiCalls).toBe(callsAfter.salesforce - callsBefore.salesforce);
    expect(first.hubspot.apiCalls).toBe(callsAfter.hubspot - callsBefore.hubspot);

    const contacts = await hubspotContacts(world);
    const ada = contacts.find((record) => record.properties.email === 'ada@example.com');
    const charles = contacts.find((record) => record.properties.email === 'charles@example.com');
    expect(ada?.properties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines', jobtitle: 'Countess', salesforceleadid: lead!.id });
    expect(charles?.properties).toMatchObject({ firstname: 'Charles', lastname: 'Babbage', phone: '+44 20 7946 0000', salesforcecontactid: contact!.id });

    const leads = await salesforceRecords(world, 'Lead');
    const graceLead = leads.find((record) => record.Email === 'grace@example.com');
    // A Lead needs a Company; HubSpot's integration sends "[not provided]" when the contact has none.
    expect(graceLead).toMatchObject({ FirstName: 'Grace', LastName: 'Hopper', Title: 'Rear Admiral', Company: '[not provided]' });
    expect(contacts.find((record) => record.id === graceId)?.properties.salesforceleadid).toBe(graceLead?.Id);

    const links = await linksOf(world, contacts.map((record) => record.id));
    expect(links.map((link) => `${link.salesforceObject}:${link.salesforceId}`).sort()).toEqual(
      [`Lead:${lead!.id}`, `Contact:${contact!.id}`, `Lead:${String(graceLead?.Id)}`].sort(),
    );
    const synced = await world.store.syncedValues.readForLinks(links.map((link) => link.linkId));
    for (const link of links) expect(synced.get(link.linkId)?.get('email')?.value).toBeTruthy();

    const before = await writeCalls(world);
    const second = await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
    expect(second.salesforce).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(second.hubspot).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect((await world.store.syncErrors.list({}, { limit: 10 })).errors).toEqual([]);
  });

  it('links a person who exists on both sides before the first sync instead of creating anyone', async () => {
    await alignLeadStatus(world);
    const [lead] = await world.salesforce.create('Lead', [{ LastName: 'Noether', Company: 'Erlangen', Email: 'EMMY@example.com' }]);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'emmy@example.com', firstname: 'Emmy', phone: '+49 9131 0' } }]);
    const hubspotId = created.results[0]!.id;

    const summary = await cycle(world);
    expect(summary.salesforce).toMatchObject({ created: 0, failed: 0 });
    expect(summary.hubspot).toMatchObject({ created: 0, failed: 0 });

    expect(await hubspotContacts(world)).toHaveLength(1);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
    expect(await salesforceRecords(world, 'Contact')).toHaveLength(0);
    const links = await linksOf(world, [hubspotId]);
    expect(links).toMatchObject([{ hubspotId, salesforceObject: 'Lead', salesforceId: lead!.id }]);
    // prefer_salesforce_unless_blank: HubSpot fills what Salesforce lacks, Salesforce fills what HubSpot lacks.
    const [person] = await salesforceRecords(world, 'Lead');
    expect(person).toMatchObject({ FirstName: 'Emmy', Phone: '+49 9131 0', LastName: 'Noether' });
    expect((await hubspotContacts(world))[0]?.properties).toMatchObject({ lastname: 'Noether', company: 'Erlangen', salesforceleadid: lead!.id });

    const before = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
  });

  it('links the oldest of two Salesforce records sharing an email on the first sync', async () => {
    await alignLeadStatus(world);
    const [older] = await world.salesforce.create('Lead', [{ LastName: 'Older', Company: 'First Ltd', Email: 'twin@example.com' }]);
    await emulatorAdmin(world.salesforceEmulator.url, 'clock', { advanceMs: 60_000 });
    const [newer] = await world.salesforce.create('Lead', [{ LastName: 'Newer', Company: 'Second Ltd', Email: 'Twin@example.com' }]);

    const summary = await cycle(world);
    expect(summary.hubspot.created).toBe(1);
    expect(summary.salesforce.skipped).toBe(1);
    const contacts = await hubspotContacts(world);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.properties).toMatchObject({ lastname: 'Older', company: 'First Ltd', salesforceleadid: older!.id });
    const olderId = String(older!.id);
    expect((await world.store.idLinks.findBySalesforceIds([olderId, String(newer!.id)])).size).toBe(1);
    expect((await world.store.idLinks.findBySalesforceIds([olderId])).get(olderId)?.hubspotId).toBe(contacts[0]?.id);
  });

  it('records a value Salesforce refuses as a sync error with its message, and syncs the rest of the batch', async () => {
    await alignLeadStatus(world);
    const tooLong = 'Bartholomew-Maximilian-Alexander-Fitzgerald'; // 43 characters; a Lead's FirstName holds 40
    const created = await world.hubspot.batchCreate('contacts', [
      { properties: { email: 'one@example.com', firstname: 'One', lastname: 'Fine' } },
      { properties: { email: 'long@example.com', firstname: tooLong, lastname: 'Long' } },
      { properties: { email: 'three@example.com', firstname: 'Three', lastname: 'Fine' } },
    ]);
    const longId = created.results.find((record) => record.properties.email === 'long@example.com')!.id;

    const summary = await cycle(world);
    expect(summary.salesforce).toMatchObject({ created: 2, failed: 1 });
    expect((await salesforceRecords(world, 'Lead')).map((lead) => lead.Email).sort()).toEqual(['one@example.com', 'three@example.com']);

    const { errors } = await world.store.syncErrors.list({}, { limit: 10 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ object: 'contacts', hubspotId: longId, category: 'property_value', vendorCode: 'STRING_TOO_LONG' });
    expect(errors[0]?.message).toMatch(/First Name: data value too large/);
    expect(await linksOf(world, [longId])).toEqual([]);

    // Fixed in HubSpot, the contact syncs and its error is resolved.
    await editInHubspot(world, longId, { firstname: 'Bart' });
    await cycle(world);
    expect((await salesforceRecords(world, 'Lead')).find((lead) => lead.Email === 'long@example.com')).toMatchObject({ FirstName: 'Bart' });
    expect((await world.store.syncErrors.list({ status: 'open' }, { limit: 10 })).errors).toEqual([]);
  });

  it('carries an update from one side to the other without bouncing it back', async () => {
    await alignLeadStatus(world);
    await setRule(world, 'firstname', 'FirstName', 'two_way');
    const [lead] = await world.salesforce.create('Lead', [{ FirstName: 'Alan', LastName: 'Turing', Company: 'Bletchley', Email: 'alan@example.com', Title: 'Cryptanalyst' }]);
    await cycle(world);
    const hubspotId = (await linksOf(world, (await hubspotContacts(world)).map((record) => record.id)))[0]!.hubspotId;

    // Salesforce → HubSpot: the Title changes in Salesforce.
    await world.salesforce.update('Lead', [{ Id: String(lead!.id), Title: 'Mathematician' }]);
    let before = await writeCalls(world);
    const fromSalesforce = await cycle(world);
    expect(fromSalesforce.hubspot.updated).toBe(1);
    expect(fromSalesforce.salesforce.updated).toBe(0);
    expect((await writeCalls(world)).salesforce).toEqual(before.salesforce);
    expect((await hubspotContacts(world))[0]?.properties.jobtitle).toBe('Mathematician');

    // HubSpot → Salesforce: a user edits the two-way first name in HubSpot.
    await editInHubspot(world, hubspotId, { firstname: 'Alan M.' });
    before = await writeCalls(world);
    const fromHubspot = await cycle(world);
    expect(fromHubspot.salesforce.updated).toBe(1);
    expect(fromHubspot.hubspot.updated).toBe(0);
    expect((await writeCalls(world)).hubspot).toEqual(before.hubspot);
    expect((await salesforceRecords(world, 'Lead'))[0]).toMatchObject({ FirstName: 'Alan M.', Title: 'Mathematician' });

    // Both writes come back as changes on the next poll; neither is sent again.
    before = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
  });

  it('splits a HubSpot batch refused as a whole until the refused contact stands alone, and creates the others', async () => {
    await alignLeadStatus(world);
    // Salesforce takes any top-level domain of two letters or more; HubSpot refuses one longer than 63.
    const unacceptable = `grace@example.${'a'.repeat(64)}`;
    await world.salesforce.create('Lead', [
      { LastName: 'First', Company: 'A', Email: 'first@example.com' },
      { LastName: 'Refused', Company: 'B', Email: unacceptable },
      { LastName: 'Third', Company: 'C', Email: 'third@example.com' },
    ]);
    const refusedLead = (await salesforceRecords(world, 'Lead')).find((lead) => lead.LastName === 'Refused')!;

    const summary = await cycle(world);
    expect(summary.hubspot).toMatchObject({ created: 2, failed: 1 });
    expect((await hubspotContacts(world)).map((record) => record.properties.email).sort()).toEqual(['first@example.com', 'third@example.com']);
    const { errors } = await world.store.syncErrors.list({}, { limit: 10 });
    expect(errors).toMatchObject([{ salesforceId: refusedLead.Id, category: 'property_value' }]);
    expect(errors[0]?.message).toContain(unacceptable);
  });

  it('moves the link of a lead converted after sync to its new Contact, without a second HubSpot contact', async () => {
    await alignLeadStatus(world);
    const [lead] = await world.salesforce.create('Lead', [{ FirstName: 'Katherine', LastName: 'Johnson', Company: 'NASA', Email: 'katherine@example.com' }]);
    await cycle(world);
    const [contact] = await hubspotContacts(world);
    const [before] = await linksOf(world, [contact!.id]);
    const company = (await world.hubspot.batchCreate('companies', [{ properties: { name: 'NASA' } }])).results[0]!;
    await world.hubspot.associateDefault('contacts', 'companies', [{ fromId: contact!.id, toId: company.id }]);

    const conversion = (await emulatorAdmin(world.salesforceEmulator.url, 'convertLead', {
      leadId: lead!.id,
      convertedStatus: 'Closed - Converted',
      doNotCreateOpportunity: true,
    })) as { contactId: string; accountId: string };
    const summary = await cycle(world);
    expect(summary.hubspot.created).toBe(0);

    const contacts = await hubspotContacts(world);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.properties.salesforcecontactid).toBe(conversion.contactId);
    const [after] = await linksOf(world, [contact!.id]);
    expect(after).toMatchObject({ linkId: before!.linkId, salesforceObject: 'Contact', salesforceId: conversion.contactId });
    expect((await world.store.syncedValues.readForLinks([after!.linkId])).get(after!.linkId)?.get('email')?.value).toBe('katherine@example.com');
    // The contact's company is linked to the Account the conversion made: no second company for it later.
    expect([...(await world.store.idLinks.findByHubspotIds('companies', [company.id])).values()]).toMatchObject([{ salesforceObject: 'Account', salesforceId: conversion.accountId }]);

    const writesBefore = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(writesBefore);
  });

  it('creates a HubSpot contact without the one value HubSpot has no option for, and records that field as a sync error naming it', async () => {
    // An admin took NEW out of HubSpot's Lead Status: a Lead's default "Open - Not Contacted" has no counterpart.
    await world.hubspot.client.crm.properties.coreApi.update('contacts', 'hs_lead_status', {
      options: ['OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED'].map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false })),
    });
    const [lead] = await world.salesforce.create('Lead', [{ FirstName: 'Dorothy', LastName: 'Vaughan', Company: 'NACA', Email: 'dorothy@example.com' }]);

    const summary = await cycle(world);
    expect(summary.hubspot).toMatchObject({ created: 1, failed: 0 });
    const [contact] = await hubspotContacts(world);
    expect(contact?.properties).toMatchObject({ email: 'dorothy@example.com', firstname: 'Dorothy', lastname: 'Vaughan', salesforceleadid: lead!.id });
    expect(contact?.properties.hs_lead_status ?? null).toBeNull();

    const { errors } = await world.store.syncErrors.list({}, { limit: 10 });
    expect(errors).toMatchObject([{ salesforceId: lead!.id, category: 'property_value', field: 'hs_lead_status' }]);
    expect(errors[0]?.message).toContain('"Open - Not Contacted" has no counterpart among the HubSpot property\'s options (OPEN, IN_PROGRESS');
    const [link] = await linksOf(world, [contact!.id]);
    const synced = (await world.store.syncedValues.readForLinks([link!.linkId])).get(link!.linkId);
    expect(synced?.get('firstname')?.value).toBe('Dorothy');
    expect(synced?.has('hs_lead_status')).toBe(false);
  });

  it('resumes a cycle cut short by a HubSpot outage without creating anyone twice', async () => {
    await alignLeadStatus(world);
    const grace = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'grace@example.com', firstname: 'Grace', lastname: 'Hopper' } }]);
    const graceId = grace.results[0]!.id;
    await world.salesforce.create('Lead', [{ LastName: 'Lovelace', Company: 'Analytical Engines', Email: 'ada@example.com' }]);
    // Grace's Lead is created, then HubSpot fails: Ada's contact and Grace's salesforceleadid are not written.
    await emulatorAdmin(world.hubspotEmulator.url, 'faults', { rules: [{ kind: 'unavailable', next: 1, pathIncludes: '/batch/upsert' }] });
    await expect(cycle(world)).rejects.toThrow(/HubSpot/);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(2);
    expect((await world.store.syncRuns.listRecent(1))[0]).toMatchObject({ outcome: 'failed' });

    const resumed = await cycle(world);
    expect(resumed.salesforce.created).toBe(0);
    expect(resumed.hubspot.created).toBe(1);
    const leads = await salesforceRecords(world, 'Lead');
    expect(leads).toHaveLength(2);
    const contacts = await hubspotContacts(world);
    expect(contacts.map((record) => record.properties.email).sort()).toEqual(['ada@example.com', 'grace@example.com']);
    expect(contacts.find((record) => record.id === graceId)?.properties.salesforceleadid).toBe(leads.find((lead) => lead.Email === 'grace@example.com')?.Id);

    const before = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
  });

  it('with an inclusion list, sends only its members to Salesforce, while a new Salesforce lead still reaches HubSpot', async () => {
    await alignLeadStatus(world);
    const created = await world.hubspot.batchCreate('contacts', [
      { properties: { email: 'member@example.com', lastname: 'Member' } },
      { properties: { email: 'outsider@example.com', lastname: 'Outsider' } },
    ]);
    const member = created.results.find((record) => record.properties.email === 'member@example.com')!;
    const { list } = (await emulatorAdmin(world.hubspotEmulator.url, 'lists', { name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL', recordIds: [member.id] })) as {
      list: { listId: string };
    };
    await world.store.settings.write({ contacts: { inclusionListId: list.listId } }, 0, new Date());
    await world.salesforce.create('Lead', [{ LastName: 'Fresh', Company: 'New Co', Email: 'fresh@example.com' }]);

    const summary = await cycle(world);
    expect(summary.hubspot.skipped).toBe(1);
    expect((await salesforceRecords(world, 'Lead')).map((lead) => lead.Email).sort()).toEqual(['fresh@example.com', 'member@example.com']);
    expect((await hubspotContacts(world)).map((record) => record.properties.email).sort()).toEqual(['fresh@example.com', 'member@example.com', 'outsider@example.com']);
  });

  it('never syncs a person without an email, on either side', async () => {
    await alignLeadStatus(world);
    await world.salesforce.create('Lead', [{ LastName: 'Nobody', Company: 'Nowhere' }]);
    await world.hubspot.batchCreate('contacts', [{ properties: { firstname: 'No', lastname: 'Email' } }]);

    const summary = await cycle(world);
    expect(summary.salesforce).toMatchObject({ read: 1, skipped: 1, created: 0 });
    expect(summary.hubspot).toMatchObject({ read: 1, skipped: 1, created: 0 });
    expect(await hubspotContacts(world)).toHaveLength(1);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });

  it('with hubspotCreatesIn = auto, makes a Contact on the Account of a linked company, and a Lead otherwise', async () => {
    await alignLeadStatus(world);
    await world.store.settings.write({ contacts: { hubspotCreatesIn: 'auto' } }, 0, new Date());
    const [account] = await world.salesforce.create('Account', [{ Name: 'Initech' }]);
    const company = (await world.hubspot.batchCreate('companies', [{ properties: { name: 'Initech' } }])).results[0]!;
    await world.store.idLinks.link({ hubspotObjectType: 'companies', hubspotId: company.id, salesforceObject: 'Account', salesforceId: String(account!.id) }, new Date());
    const people = await world.hubspot.batchCreate('contacts', [
      { properties: { email: 'peter@example.com', lastname: 'Gibbons' } },
      { properties: { email: 'freelancer@example.com', lastname: 'Solo' } },
    ]);
    const peter = people.results.find((record) => record.properties.email === 'peter@example.com')!;
    await world.hubspot.associateDefault('contacts', 'companies', [{ fromId: peter.id, toId: company.id }]);

    const summary = await cycle(world);
    expect(summary.salesforce).toMatchObject({ created: 2, failed: 0 });
    expect(await salesforceRecords(world, 'Contact')).toMatchObject([{ Email: 'peter@example.com', AccountId: account!.id }]);
    expect(await salesforceRecords(world, 'Lead')).toMatchObject([{ Email: 'freelancer@example.com' }]);
    expect((await hubspotContacts(world)).find((record) => record.id === peter.id)?.properties.salesforcecontactid).toBe((await salesforceRecords(world, 'Contact'))[0]?.Id);
  });

  it('moves a contact to opportunity when it gets a role on an open opportunity, and to customer when that closes won', async () => {
    await alignLeadStatus(world);
    const [contact] = await world.salesforce.create('Contact', [{ LastName: 'Lovelace', Email: 'ada@example.com' }]);
    await cycle(world);
    const [hubspotContact] = await hubspotContacts(world);

    const [opportunity] = await world.salesforce.create('Opportunity', [{ Name: 'Engines', StageName: 'Prospecting', CloseDate: '2026-12-31' }]);
    await world.salesforce.create('OpportunityContactRole', [{ OpportunityId: String(opportunity!.id), ContactId: String(contact!.id), Role: 'Decision Maker' }]);
    await cycle(world);
    expect((await hubspotContacts(world))[0]?.properties.lifecyclestage).toBe('opportunity');

    await world.salesforce.update('Opportunity', [{ Id: String(opportunity!.id), StageName: 'Closed Won' }]);
    await cycle(world);
    expect((await hubspotContacts(world)).find((record) => record.id === hubspotContact!.id)?.properties.lifecyclestage).toBe('customer');

    const before = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
  });

  it('makes a contact a customer when its role is added to an opportunity already closed won', async () => {
    await alignLeadStatus(world);
    const [contact] = await world.salesforce.create('Contact', [{ LastName: 'Hopper', Email: 'grace@example.com' }]);
    const [opportunity] = await world.salesforce.create('Opportunity', [{ Name: 'Compilers', StageName: 'Closed Won', CloseDate: '2026-11-01' }]);
    await cycle(world);
    expect((await hubspotContacts(world))[0]?.properties.lifecyclestage ?? null).not.toBe('customer');

    await world.salesforce.create('OpportunityContactRole', [{ OpportunityId: String(opportunity!.id), ContactId: String(contact!.id) }]);
    await cycle(world);
    expect((await hubspotContacts(world))[0]?.properties.lifecyclestage).toBe('customer');
  });

  it('stops at the Salesforce API allocation without losing the pending change, and resumes once there is room', async () => {
    await alignLeadStatus(world);
    await world.hubspot.batchCreate('contacts', [{ properties: { email: 'patient@example.com', lastname: 'Patient' } }]);
    world.allocation = 2;

    await expect(cycle(world)).rejects.toThrow(/allocation is spent/);
    expect((await world.store.integrationState.read()).apiLimit).not.toBeNull();
    expect(await salesforceRecords(world, 'Lead')).toEqual([]);
    expect((await world.store.syncRuns.listRecent(1))[0]).toMatchObject({ outcome: 'failed' });

    world.allocation = 1_000;
    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(1);
    expect(await salesforceRecords(world, 'Lead')).toMatchObject([{ Email: 'patient@example.com' }]);
    expect((await world.store.integrationState.read()).apiLimit).toBeNull();
  });
});
