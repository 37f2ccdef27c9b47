/**
 * Importing existing Salesforce leads, contacts and campaign members: records polling will not bring because they
 * did not change since crmsync was connected (here: created while "do nothing" was the setting, then the setting
 * changed). And the orders an import refuses, each with the reason.
 */
import { describe, expect, it } from 'vitest';
import { runSyncCycle } from '../../../src/engine/cycle.ts';
import { ImportRefusedError } from '../../../src/engine/import-control.ts';
import { alignLeadStatus, hubspotContacts, type ContactSyncWorld, useContactSyncWorld } from '../contacts/world.ts';
import { createInSalesforce } from '../linked/world.ts';
import { imported, importerOf } from './world.ts';

const world = useContactSyncWorld();

/** People created in Salesforce while contacts.onSalesforceUpsert was do_nothing: polling has passed them by. */
async function peoplePollingPassedBy(target: ContactSyncWorld, create: () => Promise<void>): Promise<void> {
  await alignLeadStatus(target);
  const { store, salesforce, hubspot, calls } = target;
  await store.settings.write({ contacts: { onSalesforceUpsert: 'do_nothing' } }, 0, new Date());
  await create();
  await runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() });
  expect(await hubspotContacts(target)).toEqual([]);
  const settings = await store.settings.read();
  await store.settings.write({ contacts: { onSalesforceUpsert: 'create_or_update_contact' } }, settings!.version, new Date());
}

const emails = async () => (await hubspotContacts(world)).map((contact) => contact.properties.email).sort();

describe('import of leads, contacts and campaign members', () => {
  it('brings leads that polling will not see again, dedups on a second import, and skips people without an email', async () => {
    await peoplePollingPassedBy(world, async () => {
      await world.salesforce.create('Lead', [
        { LastName: 'Old One', Company: 'Acme', Email: 'one@example.com' },
        { LastName: 'Old Two', Company: 'Acme', Email: 'two@example.com' },
        { LastName: 'No Email', Company: 'Acme' },
      ]);
    });
    const importer = importerOf(world);
    // The page query reads the mapped fields: the leads are not retrieved a second time by id.
    const retrieved: string[] = [];
    const { retrieve } = world.salesforce;
    world.salesforce.retrieve = (object, ...rest) => {
      retrieved.push(object);
      return retrieve.call(world.salesforce, object, ...rest);
    };
    const done = await imported(importer, { object: 'Lead', createdAfter: new Date(Date.now() - 3_600_000) }).finally(() => {
      world.salesforce.retrieve = retrieve;
    });
    expect(retrieved.filter((object) => object === 'Lead')).toEqual([]);
    expect(done).toMatchObject({ object: 'Lead', state: 'succeeded', read: 2, total: 2, created: 2, failed: 0, failure: null });
    expect(done.apiCalls.salesforce).toBeGreaterThan(0);
    expect(done.apiCalls.hubspot).toBeGreaterThan(0);
    expect(done.finishedAt).not.toBeNull();
    expect(await emails()).toEqual(['one@example.com', 'two@example.com']);

    const again = await imported(importer, { object: 'lead' });
    expect(again).toMatchObject({ object: 'Lead', state: 'succeeded', read: 2, created: 0 });
    expect(await hubspotContacts(world)).toHaveLength(2);
    // Status is the stored row: another importer over the same store (another process) reads the same.
    expect(await importerOf(world).status(done.importId)).toEqual(done);
  });

  it('a campaign brings the leads and contacts of active campaigns once each, not the members of an inactive one nor people in no campaign', async () => {
    let members: string[] = [];
    await peoplePollingPassedBy(world, async () => {
      const active = await createInSalesforce(world, 'Campaign', { Name: 'Webinar', IsActive: true });
      const second = await createInSalesforce(world, 'Campaign', { Name: 'Conference', IsActive: true });
      const inactive = await createInSalesforce(world, 'Campaign', { Name: 'Old mailing', IsActive: false });
      const lead = await createInSalesforce(world, 'Lead', { LastName: 'Member', Company: 'Acme', Email: 'lead-member@example.com' });
      const contact = await createInSalesforce(world, 'Contact', { LastName: 'Member', Email: 'contact-member@example.com' });
      const outsider = await createInSalesforce(world, 'Lead', { LastName: 'Outsider', Company: 'Acme', Email: 'outsider@example.com' });
      await createInSalesforce(world, 'Lead', { LastName: 'Nobody', Company: 'Acme', Email: 'nobody@example.com' });
      members = [lead, contact];
      await world.salesforce.create('CampaignMember', [
        { CampaignId: active, LeadId: lead },
        { CampaignId: active, ContactId: contact },
        { CampaignId: second, ContactId: contact },
        { CampaignId: inactive, LeadId: outsider },
      ]);
    });
    const done = await imported(importerOf(world), { object: 'Campaign' });
    // Three memberships read, two people: the contact in both campaigns is created once.
    expect(done).toMatchObject({ object: 'Campaign', state: 'succeeded', total: 3, read: 3, created: 2, failed: 0 });
    expect(await emails()).toEqual(['contact-member@example.com', 'lead-member@example.com']);
    const links = await world.store.idLinks.findBySalesforceIds(members);
    expect(links.size).toBe(2);
  });

  it('refuses an object it does not import, activities with their toggles off, a custom object with no pair, a switched-off pair and a bound in the future, each with the reason', async () => {
    const importer = importerOf(world);
    const refusal = (object: string, bounds: { modifiedAfter?: Date } = {}) => importer.start({ object, createdAfter: null, modifiedAfter: bounds.modifiedAfter ?? null });
    await expect(refusal('Pricebook2')).rejects.toMatchObject({ name: 'ImportRefusedError', field: 'object', message: expect.stringContaining('importable objects are Lead, Contact, Account, Opportunity') });
    await expect(refusal('Task')).rejects.toMatchObject({ field: 'object', message: expect.stringContaining('activities.fromSalesforce.tasks or activities.fromSalesforce.emails or activities.fromSalesforce.calls') });
    await expect(refusal('Event')).rejects.toMatchObject({ field: 'object', message: expect.stringContaining('activities.fromSalesforce.meetings') });
    await expect(refusal('Invoice__c')).rejects.toMatchObject({ field: 'object', message: expect.stringContaining('Invoice__c is not a synced custom object') });
    await expect(refusal('Account')).rejects.toMatchObject({ field: 'object', message: expect.stringContaining('companies.enabled') });
    await expect(refusal('Opportunity')).rejects.toMatchObject({ field: 'object', message: expect.stringContaining('deals.enabled') });
    const future = refusal('Contact', { modifiedAfter: new Date(Date.now() + 86_400_000) });
    await expect(future).rejects.toBeInstanceOf(ImportRefusedError);
    await expect(future).rejects.toMatchObject({ field: 'modifiedAfter' });
    await expect(importer.resume('no-such-import')).rejects.toMatchObject({ field: 'importId' });
    expect(await importer.status('no-such-import')).toBeNull();
    expect(await world.store.imports.listUnfinished()).toEqual([]);
  });
});
