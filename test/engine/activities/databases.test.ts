import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../store/databases.ts';
import { activityWrites, allFromSalesforce, allTimeline, createEngagement, createInSalesforce, fullCycle, hubspotRecords, salesforceRecords, syncedPeople, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** Runs `work` with the world's store swapped for one of the database under test, and puts the world's back. */
async function withStore(store: LinkedWorld['store'], work: () => Promise<void>): Promise<void> {
  const own = world.store;
  world.store = store;
  try {
    await work();
  } finally {
    world.store = own;
  }
}

describeEachDatabase('activities on each store', (database) => {
  it('syncs both ways, keeps each origin, and the next cycle writes nothing', async () => {
    await withStore(await database.fresh().open(), async () => {
      const people = await syncedPeople(world, { activities: { timeline: allTimeline, fromSalesforce: allFromSalesforce } });
      await createEngagement(world, 'notes', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_note_body: 'From HubSpot' }, { contacts: [people.hubspotContactId] });
      await createInSalesforce(world, 'Task', { WhoId: people.contactId, TaskSubtype: 'Call', Subject: 'From Salesforce' });
      await fullCycle(world);
      expect((await salesforceRecords(world, 'Task')).map((task) => task.Subject).sort()).toEqual(['From Salesforce', 'Note']);
      expect((await hubspotRecords(world, 'calls')).map((call) => call.properties.hs_call_title)).toEqual(['From Salesforce']);
      expect(await hubspotRecords(world, 'notes')).toHaveLength(1);
      expect(activityWrites(await fullCycle(world))).toBe(0);
    });
  });
});
