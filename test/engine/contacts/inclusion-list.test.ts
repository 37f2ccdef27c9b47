/**
 * SPEC section 5: with an inclusion list, only its members sync HubSpot → Salesforce, and a member that leaves gets
 * no further updates either way; a contact entering (or re-entering) the list syncs then, even if nothing else about
 * it changed (joining a list does not touch its modification time, so search alone would never see it).
 */
import { describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { runContactSyncCycle, type ContactSyncSummary } from '../../../src/engine/cycle.ts';
import { alignLeadStatus, editInHubspot, engineNow, hubspotContacts, salesforceRecords, setRule, useContactSyncWorld } from './world.ts';

const world = useContactSyncWorld();

/**
 * Cycles with no overlap window: the edits made while she was outside are then behind both checkpoints, so only
 * noticing the list join can bring her back (with the usual two-minute overlap, the re-read would hide that).
 */
function cycle(): Promise<ContactSyncSummary> {
  const { store, salesforce, hubspot, calls } = world;
  return runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => engineNow(world), overlapMs: 0, archivedScanIntervalMs: 0 });
}

async function listMembership(listId: string, action: 'add' | 'remove', ids: string[]): Promise<void> {
  const response = await fetch(`${world.hubspotEmulator.url}/crm/v3/lists/${listId}/memberships/${action}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: 'Bearer token' },
    body: JSON.stringify(ids),
  });
  if (!response.ok) throw new Error(`list ${action}: ${response.status} ${await response.text()}`);
}

describe('a contact leaving and re-entering the inclusion list', () => {
  it('gets no updates either way while outside, and syncs what changed meanwhile once it is back in', async () => {
    await alignLeadStatus(world);
    await setRule(world, 'jobtitle', 'Title', 'two_way');
    await setRule(world, 'company', 'Company', 'two_way');
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'ines@example.com', lastname: 'Ines', company: 'Acme', jobtitle: 'Analyst' } }]);
    const contactId = created.results[0]!.id;
    const { list } = (await emulatorAdmin(world.hubspotEmulator.url, 'lists', { name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL', recordIds: [contactId] })) as { list: { listId: string } };
    await world.store.settings.write({ contacts: { inclusionListId: list.listId } }, 0, new Date());
    await cycle();
    const [lead] = await salesforceRecords(world, 'Lead');
    expect(lead).toMatchObject({ Email: 'ines@example.com', Title: 'Analyst' });

    // Out of the list: her HubSpot edit stays in HubSpot, and a Salesforce edit does not come back either.
    await listMembership(list.listId, 'remove', [contactId]);
    await editInHubspot(world, contactId, { jobtitle: 'Senior Analyst' });
    await world.salesforce.update('Lead', [{ Id: String(lead!.Id), Company: 'Acme Group' }]);
    const outside = await cycle();
    expect(outside.salesforce.updated + outside.hubspot.updated).toBe(0);
    expect((await salesforceRecords(world, 'Lead'))[0]).toMatchObject({ Title: 'Analyst', Company: 'Acme Group' });
    expect((await hubspotContacts(world))[0]?.properties).toMatchObject({ jobtitle: 'Senior Analyst', company: 'Acme' });

    // Later changes elsewhere move both checkpoints past her edits (Salesforce stamps whole seconds).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await world.hubspot.batchCreate('contacts', [{ properties: { email: 'later@example.com', lastname: 'Later' } }]);
    await world.salesforce.create('Lead', [{ LastName: 'Later', Company: 'Elsewhere', Email: 'later-lead@example.com' }]);
    await cycle();
    expect((await salesforceRecords(world, 'Lead')).find((record) => record.Email === 'ines@example.com')).toMatchObject({ Title: 'Analyst' });

    // Back in, with no edit of its own: the next cycle notices the join and both sides catch up.
    await listMembership(list.listId, 'add', [contactId]);
    await cycle();
    expect((await salesforceRecords(world, 'Lead')).find((record) => record.Email === 'ines@example.com')).toMatchObject({ Title: 'Senior Analyst', Company: 'Acme Group' });
    expect((await hubspotContacts(world)).find((record) => record.id === contactId)?.properties).toMatchObject({ jobtitle: 'Senior Analyst', company: 'Acme Group' });
    expect((await salesforceRecords(world, 'Lead')).filter((record) => record.Email === 'ines@example.com')).toHaveLength(1);
  });
});
