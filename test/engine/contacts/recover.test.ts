import { describe, expect, it } from 'vitest';
import { recoverUnrecordedCreates } from '../../../src/engine/contacts/recover.ts';
import { runContactSyncCycle } from '../../../src/engine/cycle.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus, cycle, engineNow, hubspotContacts, linksOf, salesforceRecords, settles, useContactSyncWorld, writeCalls } from './world.ts';

// Creates a killed run sent but never recorded (src/engine/contacts/recover.ts): the real engine against both
// emulators. Each test makes by hand what such a run leaves: the record at the vendor, a pending intent, no link.
const world = useContactSyncWorld({ freshEmulators: true });

const salesforceAdmin = (path: string, body?: unknown) => emulatorAdmin(world.salesforceEmulator.url, path, body);

/** What a run killed after HubSpot's answer leaves: the upserted contact carrying the Salesforce id, and the intent. */
async function unrecordedHubspotCreate(object: 'Lead' | 'Contact', salesforceId: string, email: string): Promise<string> {
  const properties = { email, lastname: 'Made', [object === 'Lead' ? 'salesforceleadid' : 'salesforcecontactid']: salesforceId };
  const key = `contacts:salesforce:${object}:${salesforceId}`;
  await world.store.writeIntents.recordMany([{ idempotencyKey: key, system: 'hubspot', object: 'contacts', operation: 'upsert', recordId: null, linkId: null, payload: properties }], new Date(engineNow(world).getTime() - 1_000));
  const created = await world.hubspot.batchCreate('contacts', [{ properties }]);
  return created.results[0]!.id;
}

/** What a run killed after Salesforce's answer leaves: the intent of a lead made from a HubSpot contact. */
async function unrecordedLeadIntent(hubspotId: string, email: string): Promise<string> {
  const key = `contacts:hubspot:${hubspotId}:Lead`;
  await world.store.writeIntents.recordMany(
    [{ idempotencyKey: key, system: 'salesforce', object: 'Lead', operation: 'create', recordId: null, linkId: null, payload: { Email: email, LastName: 'Sent', Company: '[not provided]' } }],
    new Date(engineNow(world).getTime() - 1_000),
  );
  return key;
}

/** Only the step under test: what it settles by itself, before a cycle's gather could propose the create again. */
function recoverOnly(): ReturnType<typeof recoverUnrecordedCreates> {
  return recoverUnrecordedCreates({ salesforce: world.salesforce, hubspot: world.hubspot, store: world.store }, { now: engineNow(world), runId: 'recover-test' });
}

describe('a create a killed run sent but never recorded', () => {
  it('in HubSpot: the contact is linked to its Salesforce record before anything is read, and the intent is done', async () => {
    await alignLeadStatus(world);
    const [contact] = await world.salesforce.create('Contact', [{ LastName: 'Made', Email: 'made@example.com' }]);
    const hubspotId = await unrecordedHubspotCreate('Contact', String(contact!.id), 'made@example.com');

    const summary = await cycle(world);
    expect(summary.hubspot.created).toBe(0);
    expect(await linksOf(world, [hubspotId])).toMatchObject([{ salesforceObject: 'Contact', salesforceId: String(contact!.id) }]);
    const audit = await world.store.auditTrail.listForRecord(hubspotId, 10);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'link', reason: expect.stringMatching(/^recovered/) as string }));
    expect(await world.store.writeIntents.listPending(10)).toEqual([]);
    await settles(world);
    expect(await hubspotContacts(world)).toHaveLength(1);
  });

  it("in HubSpot, then another person's lead converted into that Contact: the contact keeps it, the lead's contact is held", async () => {
    // Found by the convergence test (seed 6): the conversion moved the lead's link onto the Contact nobody had
    // linked yet, the lead's contact then took the Contact's email, and HubSpot refused it (CONFLICT), for good.
    await alignLeadStatus(world);
    const [lead] = await world.salesforce.create('Lead', [{ Company: 'Acme', LastName: 'Taken', Email: 'taken@example.com' }]);
    await cycle(world);
    const takenId = (await hubspotContacts(world)).find((contact) => contact.properties.email === 'taken@example.com')!.id;
    const [owner] = await world.salesforce.create('Contact', [{ LastName: 'Owner', Email: 'owner@example.com' }]);
    const ownerContactId = await unrecordedHubspotCreate('Contact', String(owner!.id), 'owner@example.com');
    await salesforceAdmin('convertLead', { leadId: String(lead!.id), contactId: String(owner!.id), convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true });

    await cycle(world);
    expect(await linksOf(world, [ownerContactId])).toMatchObject([{ salesforceObject: 'Contact', salesforceId: String(owner!.id) }]);
    expect(await linksOf(world, [takenId])).toEqual([]);
    expect(await world.store.syncErrors.list({ status: 'open' }, { limit: 10 })).toMatchObject({ errors: [] });
    await settles(world);
    expect((await hubspotContacts(world)).map((contact) => contact.properties.email).sort()).toEqual(['owner@example.com', 'taken@example.com']);
    expect(await salesforceRecords(world, 'Contact')).toHaveLength(1);
  });

  it('in Salesforce, then the lead converted: the contact is linked to the lead and follows it to its Contact, no second lead', async () => {
    await alignLeadStatus(world);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'sent@example.com', lastname: 'Sent' } }]);
    const hubspotId = created.results[0]!.id;
    const key = `contacts:hubspot:${hubspotId}:Lead`;
    await world.store.writeIntents.recordMany([{ idempotencyKey: key, system: 'salesforce', object: 'Lead', operation: 'create', recordId: null, linkId: null, payload: { Email: 'sent@example.com', LastName: 'Sent', Company: '[not provided]' } }], new Date(engineNow(world).getTime() - 1_000));
    const [lead] = await world.salesforce.create('Lead', [{ Company: '[not provided]', LastName: 'Sent', Email: 'sent@example.com' }]);
    const conversion = (await salesforceAdmin('convertLead', { leadId: String(lead!.id), convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true })) as { contactId: string };

    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(0);
    expect(await linksOf(world, [hubspotId])).toMatchObject([{ salesforceObject: 'Contact', salesforceId: conversion.contactId }]);
    await settles(world);
    expect((await salesforceRecords(world, 'Lead')).filter((record) => record.IsConverted !== true)).toEqual([]);
    expect(await hubspotContacts(world)).toHaveLength(1);
  });

  it('that never arrived: the intent is abandoned and the create is sent once', async () => {
    await alignLeadStatus(world);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'lost@example.com', lastname: 'Lost' } }]);
    const hubspotId = created.results[0]!.id;
    await world.store.writeIntents.recordMany(
      [{ idempotencyKey: `contacts:hubspot:${hubspotId}:Lead`, system: 'salesforce', object: 'Lead', operation: 'create', recordId: null, linkId: null, payload: { Email: 'lost@example.com', LastName: 'Lost', Company: '[not provided]' } }],
      new Date(engineNow(world).getTime() - 1_000),
    );

    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(1);
    expect(await world.store.writeIntents.listPending(10)).toEqual([]);
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });

  it('in Salesforce, then the lead deleted: recovery alone settles the intent and holds the contact, and no lead is made again', async () => {
    // Settled by the apply step only when a plan proposed the create again; until then each cycle looked it up anew.
    await alignLeadStatus(world);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'deleted@example.com', lastname: 'Sent' } }]);
    const hubspotId = created.results[0]!.id;
    const key = await unrecordedLeadIntent(hubspotId, 'deleted@example.com');
    const [lead] = await world.salesforce.create('Lead', [{ Company: '[not provided]', LastName: 'Sent', Email: 'deleted@example.com' }]);
    await world.salesforce.delete('Lead', [String(lead!.id)]);

    await recoverOnly();
    expect(await world.store.writeIntents.listPending(10)).toEqual([]);
    expect((await world.store.writeIntents.find([key])).get(key)?.state).toBe('abandoned');
    const [held] = await world.store.auditTrail.listForRecord(hubspotId, 1);
    expect(held).toMatchObject({ action: 'unlink', changes: { from: { salesforceObject: 'Lead', salesforceId: String(lead!.id) }, partnerGone: true } });

    const summary = await cycle(world);
    expect(summary.salesforce.created).toBe(0);
    await settles(world);
    expect(await salesforceRecords(world, 'Lead')).toEqual([]);
    expect(await hubspotContacts(world)).toHaveLength(1);
  });

  it('in Salesforce from a contact since deleted in HubSpot: recovery ends the intent, which nothing will send again', async () => {
    await alignLeadStatus(world);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'orphan@example.com', lastname: 'Sent' } }]);
    const hubspotId = created.results[0]!.id;
    const key = await unrecordedLeadIntent(hubspotId, 'orphan@example.com');
    await world.salesforce.create('Lead', [{ Company: '[not provided]', LastName: 'Sent', Email: 'orphan@example.com' }]);
    await world.hubspot.batchArchive('contacts', [hubspotId]);

    const before = await writeCalls(world);
    await recoverOnly();
    expect((await world.store.writeIntents.find([key])).get(key)?.state).toBe('abandoned');
    expect(await linksOf(world, [hubspotId])).toEqual([]);
    expect(await writeCalls(world)).toEqual(before);
  });

  it('in HubSpot, then that contact deleted there: the archived listing is read at once, and the lead is held, not brought back', async () => {
    // Without the listing the lead looks new (no link, no contact with its email) and a second upsert would bring
    // back the person HubSpot just deleted: only the archived contact, carrying the lead id, says otherwise.
    await alignLeadStatus(world);
    const { store, salesforce, hubspot, calls } = world;
    const serviceCycle = () => runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => engineNow(world) });
    await world.salesforce.create('Lead', [{ Company: 'Acme', LastName: 'Kept', Email: 'kept@example.com' }]);
    await serviceCycle();
    await serviceCycle(); // the first cycle with links reads the listing: the next read is due in 15 minutes
    const [lead] = await world.salesforce.create('Lead', [{ Company: 'Acme', LastName: 'Made', Email: 'erased@example.com' }]);
    const hubspotId = await unrecordedHubspotCreate('Lead', String(lead!.id), 'erased@example.com');
    await world.hubspot.batchArchive('contacts', [hubspotId]);

    const summary = await serviceCycle();
    expect(summary.hubspot.created).toBe(0);
    const emails = async () => (await hubspotContacts(world)).map((contact) => contact.properties.email);
    expect(await emails()).toEqual(['kept@example.com']);
    await settles(world);
    expect(await emails()).toEqual(['kept@example.com']);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(2);
  });
});
