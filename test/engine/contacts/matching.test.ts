import { describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus, cycle, hubspotContacts, linksOf, salesforceRecords, useContactSyncWorld } from './world.ts';

// Its own emulators: the Salesforce clock is moved on so that a record falls outside the polling window.
const world = useContactSyncWorld();

describe('email matching on a later cycle', () => {
  it('links a new HubSpot contact to a Salesforce lead that has not changed for a long time, instead of creating another', async () => {
    await alignLeadStatus(world);
    // Salesforce people do not reach HubSpot here, so the lead stays unlinked until HubSpot has the same person.
    await world.store.settings.write({ contacts: { onSalesforceUpsert: 'do_nothing' } }, 0, new Date());
    const [quiet] = await world.salesforce.create('Lead', [{ LastName: 'Quiet', Company: 'Old Co', Email: 'quiet@example.com' }]);
    await cycle(world);
    // Ten minutes later another lead changes: the checkpoint moves past the quiet one, which is no longer polled.
    await emulatorAdmin(world.salesforceEmulator.url, 'clock', { advanceMs: 10 * 60_000 });
    await world.salesforce.create('Lead', [{ LastName: 'Busy', Company: 'New Co', Email: 'busy@example.com' }]);
    await cycle(world);

    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'Quiet@Example.com', firstname: 'Q' } }]);
    const summary = await cycle(world);
    expect(summary.salesforce.read).toBe(1);
    expect(summary.salesforce.created).toBe(0);
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(2);
    expect(await linksOf(world, [created.results[0]!.id])).toMatchObject([{ salesforceObject: 'Lead', salesforceId: quiet!.id }]);
    expect((await hubspotContacts(world))[0]?.properties.salesforceleadid).toBe(quiet!.id);
  });
});
