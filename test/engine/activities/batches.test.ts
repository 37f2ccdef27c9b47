import { describe, expect, it } from 'vitest';
import { runActivitySyncCycle } from '../../../src/engine/activities/cycle.ts';
import { readSettings } from '../../../src/engine/settings.ts';
import { hubspotRecords, salesforceRecords, saveSettings, syncedPeople, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** Vendor calls one activities cycle makes, run alone so that nothing else's calls are counted. */
async function activityCycleCalls(): Promise<{ salesforce: number; hubspot: number }> {
  const { settings } = await readSettings(world.store.settings);
  const { store, salesforce, hubspot, calls } = world;
  const before = { salesforce: calls.salesforce.total, hubspot: calls.hubspot.total };
  await runActivitySyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() }, { settings, runId: 'test' });
  return { salesforce: calls.salesforce.total - before.salesforce, hubspot: calls.hubspot.total - before.hubspot };
}

describe('activities are written in batches', () => {
  it('250 HubSpot notes become 250 Tasks in 2 sObject Collections calls', async () => {
    const people = await syncedPeople(world, { activities: { timeline: { notes: true } } });
    const inputs = Array.from({ length: 250 }, (_, index) => ({ properties: { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_note_body: `Note ${index}` } }));
    const { results } = await world.hubspot.batchCreate('notes', inputs);
    await world.hubspot.associateDefault('notes', 'contacts', results.map((note) => ({ fromId: note.id, toId: people.hubspotContactId })));
    const used = await activityCycleCalls();
    expect(await salesforceRecords(world, 'Task')).toHaveLength(250);
    // Reads are on HubSpot's side only (search pages, associations in batches of 100); Salesforce sees the writes.
    expect(used.salesforce).toBe(2);
    expect(used.hubspot).toBeLessThanOrEqual(12);
  });

  it('250 Salesforce Tasks become 250 HubSpot tasks in 3 batch creates and 3 association batches', async () => {
    const people = await syncedPeople(world, {});
    await saveSettings(world, { activities: { fromSalesforce: { tasks: true } } });
    await world.salesforce.create('Task', Array.from({ length: 250 }, (_, index) => ({ WhoId: people.contactId, TaskSubtype: 'Task', Subject: `Task ${index}` })));
    const used = await activityCycleCalls();
    expect(await hubspotRecords(world, 'tasks')).toHaveLength(250);
    expect(used.hubspot).toBe(6);
    // One SOQL page for the changes; the WhoIds' links are in the store.
    expect(used.salesforce).toBe(1);
  });
});
