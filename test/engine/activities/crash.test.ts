import { describe, expect, it } from 'vitest';
import { activityWrites, createEngagement, createInSalesforce, fullCycle, hubspotRecords, salesforceRecords, syncedPeople, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** What a process killed after sending a create leaves: the intent, pending since before the kill. */
async function pendingIntent(key: string, system: 'salesforce' | 'hubspot', object: string): Promise<void> {
  await world.store.writeIntents.recordMany([{ idempotencyKey: key, system, object, operation: 'create', recordId: null, linkId: null, payload: {} }], new Date(Date.now() - 30_000));
}

describe('activity creates survive a kill between the vendor’s answer and the link', () => {
  it('a Task a dead process made for a note is found and linked, not made twice', async () => {
    const people = await syncedPeople(world, { activities: { timeline: { notes: true } } });
    const noteId = await createEngagement(world, 'notes', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_note_body: 'Before the kill' }, { contacts: [people.hubspotContactId] });
    await pendingIntent(`activities:hubspot:notes:${noteId}`, 'salesforce', 'Task');
    await createInSalesforce(world, 'Task', { WhoId: people.contactId, WhatId: people.accountId, Subject: 'Note', TaskSubtype: 'Task', Type: 'Other', Status: 'Completed', Description: 'Before the kill', ActivityDate: '2026-03-02' });
    await fullCycle(world);
    expect(await salesforceRecords(world, 'Task')).toHaveLength(1);
    expect(activityWrites(await fullCycle(world))).toBe(0);
  });

  it('an engagement a dead process made for a Task is found and linked, not made twice', async () => {
    const people = await syncedPeople(world, { activities: { fromSalesforce: { tasks: true } } });
    const taskId = await createInSalesforce(world, 'Task', { WhoId: people.contactId, TaskSubtype: 'Task', Subject: 'Follow up' });
    const [task] = await salesforceRecords(world, 'Task');
    await pendingIntent(`activities:salesforce:Task:${taskId}`, 'hubspot', 'tasks');
    const timestamp = new Date(Date.parse(String(task?.CreatedDate).replace('+0000', 'Z'))).toISOString();
    await createEngagement(world, 'tasks', { hs_task_subject: 'Follow up', hs_timestamp: timestamp, hs_task_status: 'NOT_STARTED', hs_task_priority: 'MEDIUM' }, { contacts: [people.hubspotContactId] });
    await fullCycle(world);
    expect(await hubspotRecords(world, 'tasks')).toHaveLength(1);
    expect(activityWrites(await fullCycle(world))).toBe(0);
  });
});
