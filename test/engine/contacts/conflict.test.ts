import { describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus, cycle, editInHubspot, hubspotContacts, salesforceRecords, setRule, useContactSyncWorld, writeCalls } from './world.ts';

// Its own emulators: the Salesforce clock only moves forward, and this file needs it not to be ahead of HubSpot's.
const world = useContactSyncWorld();

describe('both sides changing one two-way field between two cycles', () => {
  it('decides a field both sides changed by the most recent change, using HubSpot\'s property history', async () => {
    await alignLeadStatus(world);
    await setRule(world, 'jobtitle', 'Title', 'two_way');
    const [lead] = await world.salesforce.create('Lead', [{ LastName: 'Hamilton', Company: 'MIT', Email: 'margaret@example.com', Title: 'Programmer' }]);
    const leadId = String(lead!.id);
    await cycle(world);
    const hubspotId = (await hubspotContacts(world))[0]!.id;

    // Salesforce first, HubSpot after: HubSpot's value is the newer one.
    await world.salesforce.update('Lead', [{ Id: leadId, Title: 'Lead Programmer' }]);
    await editInHubspot(world, hubspotId, { jobtitle: 'Director of Software Engineering' });
    await cycle(world);
    expect((await salesforceRecords(world, 'Lead'))[0]?.Title).toBe('Director of Software Engineering');
    expect((await hubspotContacts(world))[0]?.properties.jobtitle).toBe('Director of Software Engineering');

    // HubSpot first, Salesforce a minute later by its own clock: Salesforce's value is the newer one.
    await editInHubspot(world, hubspotId, { jobtitle: 'Founder' });
    await emulatorAdmin(world.salesforceEmulator.url, 'clock', { advanceMs: 60_000 });
    await world.salesforce.update('Lead', [{ Id: leadId, Title: 'CEO' }]);
    await cycle(world);
    expect((await hubspotContacts(world))[0]?.properties.jobtitle).toBe('CEO');
    expect((await salesforceRecords(world, 'Lead'))[0]?.Title).toBe('CEO');

    const before = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
  });

  it('remembers a value both sides changed to alike, writing nothing', async () => {
    await alignLeadStatus(world);
    await setRule(world, 'jobtitle', 'Title', 'two_way');
    const [lead] = await world.salesforce.create('Lead', [{ LastName: 'Easley', Company: 'NASA', Email: 'annie@example.com', Title: 'Computer' }]);
    await cycle(world);
    const hubspotId = (await hubspotContacts(world))[0]!.id;

    await world.salesforce.update('Lead', [{ Id: String(lead!.id), Title: 'Programmer' }]);
    await editInHubspot(world, hubspotId, { jobtitle: 'Programmer' });
    const before = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
    const [link] = [...(await world.store.idLinks.findByHubspotIds('contacts', [hubspotId])).values()];
    expect((await world.store.syncedValues.readForLinks([link!.linkId])).get(link!.linkId)?.get('jobtitle')?.value).toBe('Programmer');
  });
});
