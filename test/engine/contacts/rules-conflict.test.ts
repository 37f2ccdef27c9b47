/**
 * Each sync rule's outcome when both sides edit the same mapped field between two cycles (SPEC section 6), run
 * end to end: Salesforce edits first, HubSpot a moment later, so "most recent" means HubSpot.
 */
import { describe, expect, it } from 'vitest';
import type { FieldSyncRule } from '../../../src/core/mapping/model.ts';
import { alignLeadStatus, cycle, editInHubspot, hubspotContacts, salesforceRecords, useContactSyncWorld, writeCalls } from './world.ts';

const world = useContactSyncWorld();

const outcomes: Array<{ rule: FieldSyncRule; salesforce: string; hubspot: string }> = [
  { rule: 'prefer_salesforce_unless_blank', salesforce: 'Salesforce title', hubspot: 'Salesforce title' },
  { rule: 'always_use_salesforce', salesforce: 'Salesforce title', hubspot: 'Salesforce title' },
  { rule: 'two_way', salesforce: 'HubSpot title', hubspot: 'HubSpot title' },
  { rule: 'prefer_hubspot_unless_blank', salesforce: 'HubSpot title', hubspot: 'HubSpot title' },
  { rule: 'always_use_hubspot', salesforce: 'HubSpot title', hubspot: 'HubSpot title' },
  { rule: 'dont_sync', salesforce: 'Salesforce title', hubspot: 'HubSpot title' },
];

describe('both sides editing one field between two cycles', () => {
  it.each(outcomes)('$rule: Salesforce ends with "$salesforce", HubSpot with "$hubspot", and the next cycle writes nothing', async ({ rule, salesforce, hubspot }) => {
    await alignLeadStatus(world);
    await world.store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'jobtitle', salesforceField: 'Title', rule, origin: 'default' }, new Date());
    const [lead] = await world.salesforce.create('Lead', [{ LastName: 'Rule', Company: 'Acme', Email: `${rule}@example.com`, Title: 'First title' }]);
    await cycle(world);
    const [contact] = await hubspotContacts(world);
    // Rules that never write HubSpot from Salesforce leave the new contact's title empty; the others carried it over.
    expect(contact?.properties.jobtitle ?? null).toBe(rule === 'dont_sync' || rule === 'always_use_hubspot' ? null : 'First title');

    await world.salesforce.update('Lead', [{ Id: String(lead!.id), Title: 'Salesforce title' }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await editInHubspot(world, contact!.id, { jobtitle: 'HubSpot title' });
    await cycle(world);

    expect((await salesforceRecords(world, 'Lead'))[0]?.Title).toBe(salesforce);
    expect((await hubspotContacts(world))[0]?.properties.jobtitle).toBe(hubspot);
    await cycle(world);
    const before = await writeCalls(world);
    await cycle(world);
    expect(await writeCalls(world)).toEqual(before);
  });
});
