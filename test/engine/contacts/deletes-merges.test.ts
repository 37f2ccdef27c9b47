import { describe, expect, it } from 'vitest';
import { planContactSync } from '../../../src/core/plan.ts';
import { hubspotDeletions } from '../../../src/engine/contacts/fates.ts';
import { runContactSyncCycle } from '../../../src/engine/cycle.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus, allHubspotContacts, cycle, editInHubspot, engineNow, hubspotContacts, linksOf, passMinute, salesforceRecords, settles, useContactSyncWorld, type ContactSyncWorld } from './world.ts';

// SPEC section 5, "Deletes" and "Merges": the real engine against both emulators, through the official clients.
const world = useContactSyncWorld({ freshEmulators: true });

const salesforceAdmin = (path: string, body?: unknown) => emulatorAdmin(world.salesforceEmulator.url, path, body);
const hubspotAdmin = (path: string, body?: unknown) => emulatorAdmin(world.hubspotEmulator.url, path, body);

/** Changes some contact settings, keeping the others, as an admin saving the settings page would. */
async function settings(contacts: Record<string, unknown>): Promise<void> {
  const current = await world.store.settings.read();
  const document = current?.document ?? {};
  const before = (document.contacts ?? {}) as Record<string, unknown>;
  await world.store.settings.write({ ...document, contacts: { ...before, ...contacts } }, current?.version ?? 0, new Date());
}

/** One lead synced to one HubSpot contact: the pair most tests start from. */
async function syncedLead(target: ContactSyncWorld, fields: Record<string, string>): Promise<{ leadId: string; contactId: string }> {
  const [lead] = await target.salesforce.create('Lead', [{ Company: 'Acme', ...fields }]);
  await cycle(target);
  const contact = (await hubspotContacts(target)).find((record) => record.properties.email === fields.Email!.toLowerCase());
  return { leadId: String(lead!.id), contactId: contact!.id };
}

/** One HubSpot contact synced to a new Lead: the pair the tests of a contact made in HubSpot start from. */
async function syncedContact(target: ContactSyncWorld, properties: Record<string, string>): Promise<{ contactId: string; leadId: string }> {
  await alignLeadStatus(target);
  const created = await target.hubspot.batchCreate('contacts', [{ properties }]);
  await cycle(target);
  const [lead] = await salesforceRecords(target, 'Lead');
  return { contactId: created.results[0]!.id, leadId: String(lead!.Id) };
}

/** A cycle told of a lead's delete by a change event: no minute to wait for getDeleted, so every clock stays put. */
function cycleToldOfLeadDelete(leadId: string): ReturnType<typeof runContactSyncCycle> {
  const { store, salesforce, hubspot, calls } = world;
  const deleted = { system: 'salesforce' as const, object: 'Lead', recordId: leadId, happenings: { deleted: new Date() }, changedFields: [] };
  return runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(), archivedScanIntervalMs: 0, triggers: { records: [deleted], reconciliations: [] } });
}

describe('a Salesforce lead or contact deleted', () => {
  it('with do_nothing keeps the HubSpot contact, drops the link, and never recreates the person in Salesforce', async () => {
    await alignLeadStatus(world);
    const { leadId, contactId } = await syncedLead(world, { LastName: 'Gone', Email: 'gone@example.com' });
    await world.salesforce.delete('Lead', [leadId]);
    await passMinute(world);

    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(0);
    expect(await linksOf(world, [contactId])).toEqual([]);
    const [contact] = await hubspotContacts(world);
    expect(contact).toMatchObject({ id: contactId, properties: { email: 'gone@example.com', salesforceleadid: leadId } });
    const audit = await world.store.auditTrail.listForRecord(contactId, 10);
    expect(audit.map((entry) => entry.action)).toContain('unlink');

    // The contact is still inside the overlap window: re-read, cycle after cycle, it stays out of Salesforce.
    for (let i = 0; i < 2; i += 1) expect((await cycle(world)).salesforce.created).toBe(0);
    expect(await salesforceRecords(world, 'Lead')).toEqual([]);
  });

  it('holds the contact by what the store remembers when it no longer carries the deleted record\'s id', async () => {
    const { contactId, leadId } = await syncedContact(world, { email: 'forgotten@example.com', lastname: 'Forgotten' });
    await world.salesforce.delete('Lead', [leadId]);
    await cycleToldOfLeadDelete(leadId);
    expect(await linksOf(world, [contactId])).toEqual([]);
    const [entry] = await world.store.auditTrail.listForRecord(contactId, 1);
    expect(entry).toMatchObject({ action: 'unlink', changes: { partnerGone: true, partnerGoneAt: expect.any(Number) } });

    // The id property is gone from the contact (a run killed before writing it, or cleared since): nothing on the
    // contact says its person was deleted in Salesforce, yet it is not sent back as a new lead.
    await editInHubspot(world, contactId, { salesforceleadid: '' });
    for (let i = 0; i < 2; i += 1) {
      const summary = await cycle(world);
      expect(summary.hubspot.read).toBeGreaterThan(0);
      expect(summary.salesforce.created).toBe(0);
    }
    expect(await salesforceRecords(world, 'Lead')).toEqual([]);
    expect(await linksOf(world, [contactId])).toEqual([]);

    // A change made after the delete (past the second Salesforce stamped it with) sends it again, as a new Lead.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await editInHubspot(world, contactId, { lastname: 'Remembered' });
    expect((await cycle(world)).salesforce.created).toBe(1);
    expect(await salesforceRecords(world, 'Lead')).toMatchObject([{ Email: 'forgotten@example.com', LastName: 'Remembered' }]);
  });

  it('holds the survivor of a HubSpot merge as its merged-away contact was held: the merge does not recreate the person', async () => {
    const { contactId: heldId, leadId } = await syncedContact(world, { email: 'held@example.com', lastname: 'Held' });
    // Merged in HubSpot with a contact crmsync never saw, and the lead deleted: one cycle sees both.
    const other = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'unseen@example.com', lastname: 'Unseen' } }]);
    const merged = (await hubspotAdmin('merge', { objectType: 'contacts', primaryObjectId: heldId, objectIdToMerge: other.results[0]!.id })) as { id: string };
    await world.salesforce.delete('Lead', [leadId]);
    const summary = await cycleToldOfLeadDelete(leadId);
    expect(summary.salesforce.created).toBe(0);
    expect(await linksOf(world, [heldId, merged.id])).toEqual([]);

    // Later cycles re-read the survivor; with the deleted lead's id gone from it, the store's memory of the merged-away
    // contact's unlink still holds it.
    await editInHubspot(world, merged.id, { salesforceleadid: '' });
    for (let i = 0; i < 2; i += 1) expect((await cycle(world)).salesforce.created).toBe(0);
    expect(await salesforceRecords(world, 'Lead')).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await editInHubspot(world, merged.id, { lastname: 'Edited' });
    expect((await cycle(world)).salesforce.created).toBe(1);
    expect(await salesforceRecords(world, 'Lead')).toMatchObject([{ Email: 'held@example.com', LastName: 'Edited' }]);
  });

  it('a lead converted into a Contact another contact is linked to: its contact is held, not sent back as a new Lead', async () => {
    await alignLeadStatus(world);
    const { leadId, contactId } = await syncedLead(world, { LastName: 'Taken', Email: 'taken@example.com' });
    const [other] = await world.salesforce.create('Contact', [{ LastName: 'Owner', Email: 'owner@example.com' }]);
    await cycle(world);
    await salesforceAdmin('convertLead', { leadId, contactId: String(other!.id), convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true });

    await cycle(world);
    expect(await linksOf(world, [contactId])).toEqual([]);
    // The unlink cleared the contact's lead id (a write, audited after the unlink): the store still holds it.
    expect((await hubspotContacts(world)).find((contact) => contact.id === contactId)?.properties.salesforceleadid ?? '').toBe('');
    for (let i = 0; i < 2; i += 1) expect((await cycle(world)).salesforce.created).toBe(0);
    expect((await salesforceRecords(world, 'Lead')).filter((lead) => lead.IsConverted !== true)).toEqual([]);
  });

  it('a create left pending by a dead process is not taken for done by a converted lead with the same email', async () => {
    await alignLeadStatus(world);
    // The person's old lead was converted, and its Contact then took another email: nothing in Salesforce stands for
    // the address now, so the contact is sent as a new Lead.
    const [old] = await world.salesforce.create('Lead', [{ Company: 'Acme', LastName: 'Old', Email: 'again@example.com' }]);
    const conversion = (await salesforceAdmin('convertLead', { leadId: String(old!.id), convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true })) as { contactId: string };
    await world.salesforce.update('Contact', [{ Id: conversion.contactId, Email: 'elsewhere@example.com' }]);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'again@example.com', lastname: 'Again' } }]);
    const contactId = created.results[0]!.id;
    // A process died after recording the create's intent, before knowing whether Salesforce had the Lead.
    await world.store.writeIntents.recordMany([{ idempotencyKey: `contacts:hubspot:${contactId}:Lead`, system: 'salesforce', object: 'Lead', operation: 'create', recordId: null, linkId: null, payload: {} }], new Date(engineNow(world).getTime() - 60_000));

    await cycle(world);
    const [link] = await linksOf(world, [contactId]);
    expect(link?.salesforceObject).toBe('Lead');
    expect(link?.salesforceId).not.toBe(String(old!.id));
    await settles(world);
    expect((await linksOf(world, [contactId]))[0]?.salesforceId).toBe(link?.salesforceId);
  });

  it('a create left pending by a dead process whose lead was then merged away: the contact is held, no second lead', async () => {
    await alignLeadStatus(world);
    const master = await syncedLead(world, { LastName: 'Master', Email: 'master@example.com' });
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'merged@example.com', lastname: 'Merged' } }]);
    const contactId = created.results[0]!.id;
    // A process recorded the create's intent, Salesforce made the Lead, and the process died before storing the
    // link. Someone then merged that Lead into another person's before any run came back.
    await world.store.writeIntents.recordMany([{ idempotencyKey: `contacts:hubspot:${contactId}:Lead`, system: 'salesforce', object: 'Lead', operation: 'create', recordId: null, linkId: null, payload: {} }], new Date(engineNow(world).getTime() - 1_000));
    const [made] = await world.salesforce.create('Lead', [{ Company: 'Acme', LastName: 'Merged', Email: 'merged@example.com' }]);
    await salesforceAdmin('merge', { masterRecordId: master.leadId, recordIdsToMerge: [String(made!.id)] });

    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(0);
    expect(await linksOf(world, [contactId])).toEqual([]);
    const [entry] = await world.store.auditTrail.listForRecord(contactId, 1);
    expect(entry).toMatchObject({ action: 'unlink', changes: { from: { salesforceObject: 'Lead', salesforceId: String(made!.id) }, partnerGone: true } });
    // Re-read in the overlap window, cycle after cycle, the contact stays out of Salesforce.
    await settles(world);
    expect((await salesforceRecords(world, 'Lead')).map((lead) => lead.Email)).toEqual(['master@example.com']);
  });

  it('with delete_contact archives the HubSpot contact, also outside the inclusion list, and recreates nothing', async () => {
    await alignLeadStatus(world);
    await settings({ onSalesforceDelete: 'delete_contact' });
    const [person] = await world.salesforce.create('Contact', [{ LastName: 'Member', Email: 'member@example.com' }]);
    const [outsider] = await world.salesforce.create('Contact', [{ LastName: 'Outsider', Email: 'outsider@example.com' }]);
    await cycle(world);
    const contacts = await hubspotContacts(world);
    const member = contacts.find((record) => record.properties.email === 'member@example.com')!;
    const { list } = (await hubspotAdmin('lists', { name: 'Sync', objectTypeId: '0-1', processingType: 'MANUAL', recordIds: [member.id] })) as { list: { listId: string } };
    await settings({ onSalesforceDelete: 'delete_contact', inclusionListId: list.listId });

    await world.salesforce.delete('Contact', [String(person!.id), String(outsider!.id)]);
    await passMinute(world);
    const summary = await cycle(world);
    expect(summary.hubspot.deleted).toBe(2);
    expect(await hubspotContacts(world)).toEqual([]);
    expect(await linksOf(world, contacts.map((record) => record.id))).toEqual([]);
    await settles(world);
    expect(await hubspotContacts(world)).toEqual([]);
    expect(await salesforceRecords(world, 'Contact')).toEqual([]);
  });
});

describe('a HubSpot contact deleted', () => {
  it('never deletes in Salesforce: the link goes (audited), the lead stays and is not sent back until it changes', async () => {
    await alignLeadStatus(world);
    const { leadId, contactId } = await syncedLead(world, { LastName: 'Kept', Email: 'kept@example.com' });
    await world.hubspot.batchArchive('contacts', [contactId]);

    const summary = await cycle(world);
    expect(summary.salesforce).toMatchObject({ updated: 0, deleted: 0 });
    expect(summary.hubspot.created).toBe(0);
    expect(await salesforceRecords(world, 'Lead')).toMatchObject([{ Id: leadId, Email: 'kept@example.com' }]);
    expect(await linksOf(world, [contactId])).toEqual([]);
    const audit = await world.store.auditTrail.listForRecord(contactId, 10);
    expect(audit.find((entry) => entry.action === 'unlink')?.reason).toMatch(/never deletes in Salesforce/);
    // The lead is in the overlap window: re-read, but unchanged since the deletion, it does not bring the contact back.
    expect((await cycle(world)).hubspot.created).toBe(0);
    expect(await hubspotContacts(world)).toEqual([]);

    // Edited in Salesforce after the deletion, the person is someone still worked with: HubSpot gets it again.
    // (A minute on, as Salesforce's whole-second stamps cannot order an edit within the deletion's second.)
    await passMinute(world);
    await world.salesforce.update('Lead', [{ Id: leadId, Title: 'Still here' }]);
    expect((await cycle(world)).hubspot.created).toBe(1);
    const [again] = await hubspotContacts(world);
    expect(again?.properties).toMatchObject({ email: 'kept@example.com', jobtitle: 'Still here', salesforceleadid: leadId });
    await settles(world);
  });

  it('restored in HubSpot, relinks to its lead without creating anyone', async () => {
    await alignLeadStatus(world);
    const { leadId, contactId } = await syncedLead(world, { LastName: 'Back', Email: 'back@example.com' });
    await world.hubspot.batchArchive('contacts', [contactId]);
    await cycle(world);
    await hubspotAdmin('restore', { objectType: 'contacts', id: contactId });

    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(0);
    expect(summary.hubspot.created).toBe(0);
    expect(await linksOf(world, [contactId])).toMatchObject([{ salesforceObject: 'Lead', salesforceId: leadId }]);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
    await settles(world);
  });

  it('is found from a webhook hint even when the archived listing is not read', async () => {
    await alignLeadStatus(world);
    const { contactId } = await syncedLead(world, { LastName: 'Hinted', Email: 'hinted@example.com' });
    await world.hubspot.batchArchive('contacts', [contactId]);
    const found = await hubspotDeletions(world.hubspot, world.store, {
      polled: [],
      hints: [{ system: 'hubspot', object: 'contacts', recordId: contactId, happenings: { deleted: new Date() }, changedFields: [] }],
      scanArchived: false,
      now: new Date(),
    });
    expect(found.records).toMatchObject([{ id: contactId, deleted: true }]);
    expect(found.records[0]?.mergedIntoId).toBeUndefined();
    // And planned as a delete of the link only.
    const links = found.links.map((link) => ({ linkId: link.linkId, hubspotId: link.hubspotId, salesforceObject: link.salesforceObject as 'Lead', salesforceId: link.salesforceId }));
    const plan = planContactSync({ now: Date.now(), settings: (await import('../../../src/core/settings.ts')).defaultSettings(), mappings: [], pair: { salesforceIdProperty: {}, requiredOnCreate: {} }, hubspotChanges: found.records, salesforceChanges: [], links, lastSynced: new Map() });
    expect(plan.linkChanges).toMatchObject([{ change: 'unlink', hubspotId: contactId }]);
    expect(plan.salesforceUpdates).toEqual([]);
  });
});

describe('a HubSpot merge', () => {
  it('of two linked contacts: the new merged contact keeps the primary\'s link, nothing is created in Salesforce', async () => {
    await alignLeadStatus(world);
    const primary = await syncedLead(world, { LastName: 'Primary', Email: 'primary@example.com' });
    const other = await syncedLead(world, { LastName: 'Other', Email: 'other@example.com' });
    const merged = (await hubspotAdmin('merge', { objectType: 'contacts', primaryObjectId: primary.contactId, objectIdToMerge: other.contactId })) as { id: string };
    expect(merged.id).not.toBe(primary.contactId);

    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(0);
    expect(await linksOf(world, [merged.id])).toMatchObject([{ salesforceObject: 'Lead', salesforceId: primary.leadId }]);
    expect(await linksOf(world, [primary.contactId, other.contactId])).toEqual([]);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(2);
    // The other lead, re-read, finds its email on the merged contact (an additional email) and is left alone.
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(2);
    expect(await hubspotContacts(world)).toHaveLength(1);
  });

  it('where only the merged-away contact was linked: its link moves to the new contact', async () => {
    await alignLeadStatus(world);
    const linked = await syncedLead(world, { LastName: 'Linked', Email: 'linked@example.com' });
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'fresh@example.com', lastname: 'Fresh' } }]);
    const merged = (await hubspotAdmin('merge', { objectType: 'contacts', primaryObjectId: created.results[0]!.id, objectIdToMerge: linked.contactId })) as { id: string };

    await cycle(world);
    expect(await linksOf(world, [merged.id])).toMatchObject([{ salesforceId: linked.leadId }]);
    expect((await hubspotContacts(world))[0]?.properties.salesforceleadid).toBe(linked.leadId);
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });

  it('whose primary a killed run created without storing its link: the merged contact keeps the primary\'s lead and email', async () => {
    await alignLeadStatus(world);
    const other = await syncedLead(world, { LastName: 'Other', Email: 'other@example.com' });
    // What a run killed between HubSpot's answer and the store's transaction leaves: the lead, a contact that
    // names it, and no link.
    const [lead] = await world.salesforce.create('Lead', [{ Company: 'Acme', LastName: 'Primary', Email: 'primary@example.com' }]);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'primary@example.com', lastname: 'Primary', salesforceleadid: String(lead!.id) } }]);
    const merged = (await hubspotAdmin('merge', { objectType: 'contacts', primaryObjectId: created.results[0]!.id, objectIdToMerge: other.contactId })) as { id: string };

    await cycle(world);
    expect(await linksOf(world, [merged.id])).toMatchObject([{ salesforceObject: 'Lead', salesforceId: String(lead!.id) }]);
    await settles(world);
    const contacts = await hubspotContacts(world);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ id: merged.id, properties: { email: 'primary@example.com', hs_additional_emails: 'other@example.com' } });
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(2);
  });
});

describe('a Salesforce merge', () => {
  it('re-points the loser\'s link to the master; its contact is not deleted, even with delete_contact', async () => {
    await alignLeadStatus(world);
    await settings({ onSalesforceDelete: 'delete_contact' });
    // The master has no email, so it was never synced: only the loser is linked.
    const [master] = await world.salesforce.create('Lead', [{ LastName: 'Master', Company: 'Acme' }]);
    const { leadId, contactId } = await syncedLead(world, { LastName: 'Loser', Email: 'loser@example.com' });
    await salesforceAdmin('merge', { masterRecordId: master!.id, recordIdsToMerge: [leadId] });
    await passMinute(world);

    const summary = await cycle(world);
    expect(summary.hubspot).toMatchObject({ deleted: 0, created: 0 });
    expect(await linksOf(world, [contactId])).toMatchObject([{ salesforceObject: 'Lead', salesforceId: master!.id }]);
    // The contact now stands for the master, which was never read before (no email, never synced, not changed by
    // the merge): its values are synced in the same cycle, Salesforce winning.
    expect((await hubspotContacts(world)).find((record) => record.id === contactId)?.properties).toMatchObject({ salesforceleadid: master!.id, lastname: 'Master' });
    await settles(world);
    expect(await hubspotContacts(world)).toHaveLength(1);
    expect(await salesforceRecords(world, 'Lead')).toMatchObject([{ Id: master!.id, LastName: 'Master' }]);
  });

  it('into a new master when the loser\'s contact is outside the inclusion list: the master reaches HubSpot as itself', async () => {
    await alignLeadStatus(world);
    const { list } = (await hubspotAdmin('lists', { name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL' })) as { list: { listId: string } };
    await settings({ inclusionListId: list.listId });
    // A Salesforce lead reaches HubSpot outside the list, but its contact takes no further updates either way.
    const loser = await syncedLead(world, { LastName: 'Loser', Email: 'loser@example.com' });
    const [master] = await world.salesforce.create('Lead', [{ LastName: 'Master', Company: 'Acme', Email: 'master@example.com' }]);
    await salesforceAdmin('merge', { masterRecordId: master!.id, recordIdsToMerge: [loser.leadId] });
    await passMinute(world);

    await cycle(world);
    const contacts = new Map((await hubspotContacts(world)).map((contact) => [contact.properties.email, contact]));
    expect(contacts.get('master@example.com')?.properties).toMatchObject({ lastname: 'Master', salesforceleadid: master!.id });
    expect(await linksOf(world, [contacts.get('master@example.com')!.id])).toMatchObject([{ salesforceId: master!.id }]);
    // The loser's contact stays as it was, unlinked, still naming its merged-away lead (so it is never sent back).
    expect(contacts.get('loser@example.com')).toMatchObject({ id: loser.contactId, properties: { lastname: 'Loser', salesforceleadid: loser.leadId } });
    expect(await linksOf(world, [loser.contactId])).toEqual([]);
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });

  it("a converted lead's Contact merged into another person's, outside the inclusion list: that person reaches HubSpot as itself", async () => {
    await alignLeadStatus(world);
    const { list } = (await hubspotAdmin('lists', { name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL' })) as { list: { listId: string } };
    await settings({ inclusionListId: list.listId });
    const converted = await syncedLead(world, { LastName: 'Converted', Email: 'converted@example.com' });
    const conversion = (await salesforceAdmin('convertLead', { leadId: converted.leadId, convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true })) as { contactId: string };
    const [other] = await world.salesforce.create('Contact', [{ LastName: 'Other', Email: 'other@example.com' }]);
    // Salesforce re-points the lead's ConvertedContactId at the master: the conversion now names another person.
    await salesforceAdmin('merge', { masterRecordId: other!.id, recordIdsToMerge: [conversion.contactId] });
    await passMinute(world);

    await cycle(world);
    const contacts = new Map((await hubspotContacts(world)).map((contact) => [contact.properties.email, contact]));
    expect(contacts.get('other@example.com')?.properties).toMatchObject({ lastname: 'Other', salesforcecontactid: other!.id });
    expect(contacts.get('converted@example.com')?.id).toBe(converted.contactId);
    expect(await linksOf(world, [converted.contactId])).toEqual([]);
    await settles(world);
  });

  it('into a master not linked yet whose email HubSpot already holds: the two contacts become one, linked to the master', async () => {
    await alignLeadStatus(world);
    const loser = await syncedLead(world, { LastName: 'Loser', Phone: '+1 555 0101', Email: 'loser@example.com' });
    // Between two cycles: the person appears in HubSpot and in Salesforce, and the loser is merged into the new lead.
    const [holder] = (await world.hubspot.batchCreate('contacts', [{ properties: { email: 'master@example.com', lastname: 'Holder' } }])).results;
    const [master] = await world.salesforce.create('Lead', [{ LastName: 'Master', Company: 'Acme', Email: 'master@example.com' }]);
    await salesforceAdmin('merge', { masterRecordId: master!.id, recordIdsToMerge: [loser.leadId] });
    await passMinute(world);

    await cycle(world);
    // Not the loser's contact taking over the master and then colliding with the holder on the email (a CONFLICT
    // every cycle after): HubSpot's merge, the holder as primary, linked to the master.
    expect(await world.store.syncErrors.list({ status: 'open' }, { limit: 10 })).toMatchObject({ errors: [] });
    const contacts = await hubspotContacts(world);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.properties).toMatchObject({ email: 'master@example.com', lastname: 'Master', phone: '+1 555 0101', salesforceleadid: master!.id });
    expect(await linksOf(world, [contacts[0]!.id])).toMatchObject([{ salesforceObject: 'Lead', salesforceId: master!.id }]);
    expect(contacts[0]!.id).not.toBe(holder!.id);
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });

  it("of two linked leads whose master's contact was deleted in HubSpot unseen: the merge is skipped, the cycle goes on", async () => {
    await alignLeadStatus(world);
    const master = await syncedLead(world, { LastName: 'Master', Email: 'master@example.com' });
    const loser = await syncedLead(world, { LastName: 'Loser', Email: 'loser@example.com' });
    const deleted = await fetch(`${world.hubspotEmulator.url}/crm/v3/objects/contacts/${master.contactId}`, { method: 'DELETE', headers: { authorization: 'Bearer token' } });
    expect(deleted.status).toBe(204);
    await salesforceAdmin('merge', { masterRecordId: master.leadId, recordIdsToMerge: [loser.leadId] });
    await passMinute(world);

    // No webhook and no archived scan due (it ran a minute ago): the plan still merges into the deleted contact.
    const { store, salesforce, hubspot, calls } = world;
    await runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => engineNow(world) });
    expect(await world.store.idLinks.findBySalesforceIds([loser.leadId])).toEqual(new Map());
    const audit = await world.store.auditTrail.listForRecord(master.contactId, 10);
    expect(audit.map((entry) => entry.action)).toContain('merge_skipped');

    // The delete is seen next (the archived listing): the master's link goes; nothing is left open or bouncing.
    await cycle(world);
    expect(await linksOf(world, [master.contactId])).toEqual([]);
    expect(await world.store.syncErrors.list({ status: 'open' }, { limit: 10 })).toMatchObject({ errors: [] });
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });

  it('of two linked leads merges their HubSpot contacts into one, linked to the master', async () => {
    await alignLeadStatus(world);
    await settings({ onSalesforceDelete: 'delete_contact' });
    const master = await syncedLead(world, { LastName: 'Master', Email: 'master@example.com' });
    const loser = await syncedLead(world, { LastName: 'Loser', Phone: '+1 555 0100', Email: 'loser@example.com' });
    await salesforceAdmin('merge', { masterRecordId: master.leadId, recordIdsToMerge: [loser.leadId] });
    await passMinute(world);

    const summary = await cycle(world);
    expect(summary.hubspot.deleted).toBe(0);
    const contacts = await hubspotContacts(world);
    expect(contacts).toHaveLength(1);
    const [survivor] = contacts;
    // HubSpot's merge: the master's contact is the primary; its values stand, the loser's fill its blanks.
    expect(survivor?.properties).toMatchObject({ email: 'master@example.com', lastname: 'Master', phone: '+1 555 0100', salesforceleadid: master.leadId });
    expect(await linksOf(world, [survivor!.id])).toMatchObject([{ salesforceObject: 'Lead', salesforceId: master.leadId }]);
    expect(await world.store.idLinks.findBySalesforceIds([loser.leadId])).toEqual(new Map());
    const audit = await world.store.auditTrail.listForRecord(survivor!.id, 10);
    expect(audit.map((entry) => entry.action)).toContain('merge');
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
    expect(await hubspotContacts(world)).toHaveLength(1);
  });
});

describe('conversions, merges and restores together', () => {
  it('a lead converted into a Contact that is then merged into another ends linked to the master Contact, with no duplicate', async () => {
    await alignLeadStatus(world);
    const { leadId, contactId } = await syncedLead(world, { LastName: 'Convert', Email: 'convert@example.com' });
    await settings({ onSalesforceUpsert: 'do_nothing' });
    const [masterContact] = await world.salesforce.create('Contact', [{ LastName: 'Master', Email: 'master.contact@example.com' }]);
    const conversion = (await salesforceAdmin('convertLead', { leadId, convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true })) as { contactId: string };
    await salesforceAdmin('merge', { masterRecordId: masterContact!.id, recordIdsToMerge: [conversion.contactId] });
    await passMinute(world);
    await settings({ onSalesforceUpsert: 'create_or_update_contact' });

    await cycle(world);
    expect(await linksOf(world, [contactId])).toMatchObject([{ salesforceObject: 'Contact', salesforceId: masterContact!.id }]);
    await settles(world);
    expect(await allHubspotContacts(world)).toHaveLength(1);
    expect((await hubspotContacts(world))[0]?.properties.salesforcecontactid).toBe(masterContact!.id);
  });

  it('a lead deleted and undeleted is linked again to its contact (do_nothing), with no duplicate on either side', async () => {
    await alignLeadStatus(world);
    const { leadId, contactId } = await syncedLead(world, { LastName: 'Phoenix', Email: 'phoenix@example.com' });
    await world.salesforce.delete('Lead', [leadId]);
    await passMinute(world);
    await cycle(world);
    expect(await linksOf(world, [contactId])).toEqual([]);

    await salesforceAdmin('undelete', { ids: [leadId] });
    await cycle(world);
    expect(await linksOf(world, [contactId])).toMatchObject([{ salesforceId: leadId }]);
    await settles(world);
    expect(await hubspotContacts(world)).toHaveLength(1);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });

  it('a lead deleted (delete_contact) and undeleted comes back as one live contact', async () => {
    await alignLeadStatus(world);
    await settings({ onSalesforceDelete: 'delete_contact' });
    const { leadId } = await syncedLead(world, { LastName: 'Lazarus', Email: 'lazarus@example.com' });
    await world.salesforce.delete('Lead', [leadId]);
    await passMinute(world);
    await cycle(world);
    expect(await hubspotContacts(world)).toEqual([]);

    await salesforceAdmin('undelete', { ids: [leadId] });
    await cycle(world);
    const contacts = await hubspotContacts(world);
    expect(contacts).toHaveLength(1);
    expect(await linksOf(world, [contacts[0]!.id])).toMatchObject([{ salesforceId: leadId }]);
    await settles(world);
    expect(await hubspotContacts(world)).toHaveLength(1);
  });
});

describe('several Salesforce records with one email', () => {
  it('a contact that was linked before relinks to the most recently modified of them, not the oldest', async () => {
    await alignLeadStatus(world);
    const first = await syncedLead(world, { LastName: 'First', Email: 'twin@example.com' });
    await settings({ onSalesforceUpsert: 'do_nothing' });
    const [older] = await world.salesforce.create('Lead', [{ LastName: 'Older', Company: 'B', Email: 'twin@example.com' }]);
    await salesforceAdmin('clock', { advanceMs: 60_000 });
    await world.salesforce.update('Lead', [{ Id: String(older!.id), Title: 'Touched' }]);
    const [recent] = await world.salesforce.create('Lead', [{ LastName: 'Recent', Company: 'C', Email: 'twin@example.com' }]);
    await salesforceAdmin('clock', { advanceMs: 60_000 });
    await world.salesforce.update('Lead', [{ Id: String(recent!.id), Title: 'Latest' }]);
    await world.salesforce.update('Lead', [{ Id: first.leadId, Email: 'moved@example.com' }]);
    // The contact's link goes (HubSpot delete and restore); linked before, it now takes the most recent record.
    await world.hubspot.batchArchive('contacts', [first.contactId]);
    await cycle(world);
    await hubspotAdmin('restore', { objectType: 'contacts', id: first.contactId });
    await editInHubspot(world, first.contactId, { firstname: 'Twin' });

    await cycle(world);
    expect(await linksOf(world, [first.contactId])).toMatchObject([{ salesforceId: recent!.id }]);
  });
});
