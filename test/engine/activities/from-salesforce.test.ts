import { describe, expect, it } from 'vitest';
import { runActivitySyncCycle } from '../../../src/engine/activities/cycle.ts';
import { runSyncCycle } from '../../../src/engine/cycle.ts';
import { readSettings } from '../../../src/engine/settings.ts';
import { activitiesOf, activityWrites, allFromSalesforce, allTimeline, createInSalesforce, fullCycle, hubspotRecords, salesforceRecords, saveSettings, syncedPeople, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

async function associated(type: string, id: string): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const toType of ['contacts', 'companies', 'deals']) result[toType] = (await world.hubspot.associationsOf(type, toType, [id])).get(id) ?? [];
  return result;
}

describe('activities: Salesforce Tasks and Events → HubSpot engagements', () => {
  it('makes a task, an email, a call and a meeting, associated with the contact and the deal or company, and nothing echoes back', async () => {
    // Both directions on: what crmsync makes on one side must not come back as a new activity on the other.
    const people = await syncedPeople(world, { deals: { enabled: true }, activities: { timeline: allTimeline, fromSalesforce: allFromSalesforce } });
    const opportunityId = await createInSalesforce(world, 'Opportunity', { Name: 'Acme renewal', StageName: 'Prospecting', CloseDate: '2026-06-30', AccountId: people.accountId });
    await fullCycle(world);
    const [deal] = await hubspotRecords(world, 'deals');
    const who = { WhoId: people.contactId };
    await createInSalesforce(world, 'Task', { ...who, WhatId: opportunityId, TaskSubtype: 'Task', Subject: 'Send contract', ActivityDate: '2026-03-09', Status: 'In Progress', Priority: 'High', Description: 'Before Friday' });
    await createInSalesforce(world, 'Task', { ...who, WhatId: people.accountId, TaskSubtype: 'Email', Subject: 'Quote sent', ActivityDate: '2026-03-02', Status: 'Completed', Description: 'The quote' });
    await createInSalesforce(world, 'Task', { ...who, TaskSubtype: 'Call', Subject: 'Intro call', Status: 'Completed', CallType: 'Inbound' });
    await createInSalesforce(world, 'Event', { ...who, WhatId: opportunityId, Subject: 'Onsite demo', StartDateTime: '2026-03-03T14:00:00.000Z', EndDateTime: '2026-03-03T15:30:00.000Z', Location: 'HQ' });

    const first = await fullCycle(world);
    expect(activitiesOf(first)?.hubspot.created).toBe(4);
    const [task] = await hubspotRecords(world, 'tasks');
    expect(task?.properties).toMatchObject({ hs_task_subject: 'Send contract', hs_task_status: 'IN_PROGRESS', hs_task_priority: 'HIGH', hs_task_body: 'Before Friday' });
    expect(Date.parse(task!.properties.hs_timestamp!)).toBe(Date.parse('2026-03-09T00:00:00.000Z'));
    expect(await associated('tasks', task!.id)).toMatchObject({ contacts: [people.hubspotContactId], deals: [deal!.id] });

    const [email] = await hubspotRecords(world, 'emails');
    expect(email?.properties).toMatchObject({ hs_email_subject: 'Quote sent', hs_email_text: 'The quote', hs_email_direction: 'EMAIL', hs_email_status: 'SENT' });
    expect(await associated('emails', email!.id)).toMatchObject({ contacts: [people.hubspotContactId], companies: [people.companyId] });

    const [call] = await hubspotRecords(world, 'calls');
    expect(call?.properties).toMatchObject({ hs_call_title: 'Intro call', hs_call_direction: 'INBOUND', hs_call_status: 'COMPLETED' });
    // No due date: the engagement's timestamp is when the Task was created.
    expect(call?.properties.hs_timestamp).toBeTruthy();

    const [meeting] = await hubspotRecords(world, 'meetings');
    expect(meeting?.properties).toMatchObject({ hs_meeting_title: 'Onsite demo', hs_meeting_location: 'HQ' });
    expect(Date.parse(meeting!.properties.hs_meeting_start_time!)).toBe(Date.parse('2026-03-03T14:00:00.000Z'));
    expect(Date.parse(meeting!.properties.hs_timestamp!)).toBe(Date.parse('2026-03-03T14:00:00.000Z'));
    expect(Date.parse(meeting!.properties.hs_meeting_end_time!)).toBe(Date.parse('2026-03-03T15:30:00.000Z'));
    expect(await associated('meetings', meeting!.id)).toMatchObject({ contacts: [people.hubspotContactId], deals: [deal!.id] });

    const quiet = await fullCycle(world);
    expect(activityWrites(quiet)).toBe(0);
    expect(await salesforceRecords(world, 'Task')).toHaveLength(3);
    expect(await salesforceRecords(world, 'Event')).toHaveLength(1);
  });

  it('follows a change to the Task with an update of the engagement', async () => {
    const people = await syncedPeople(world, { activities: { fromSalesforce: { tasks: true } } });
    const taskId = await createInSalesforce(world, 'Task', { WhoId: people.contactId, TaskSubtype: 'Task', Subject: 'Call back', Status: 'Not Started', ActivityDate: '2026-03-09' });
    await fullCycle(world);
    await world.salesforce.update('Task', [{ Id: taskId, Status: 'Completed', Subject: 'Called back' }]);
    const updated = await fullCycle(world);
    expect(activitiesOf(updated)?.hubspot.updated).toBe(1);
    expect((await hubspotRecords(world, 'tasks')).map((task) => [task.properties.hs_task_subject, task.properties.hs_task_status])).toEqual([['Called back', 'COMPLETED']]);
    expect(activityWrites(await fullCycle(world))).toBe(0);
  });

  it('moves the engagement’s associations when the Task moves to another contact or record', async () => {
    const people = await syncedPeople(world, { deals: { enabled: true }, activities: { fromSalesforce: { calls: true } } });
    const otherId = await createInSalesforce(world, 'Contact', { LastName: 'Byron', Email: 'byron@acme.example', AccountId: people.accountId });
    const opportunityId = await createInSalesforce(world, 'Opportunity', { Name: 'Acme renewal', StageName: 'Prospecting', CloseDate: '2026-06-30', AccountId: people.accountId });
    const callId = await createInSalesforce(world, 'Task', { WhoId: people.contactId, WhatId: people.accountId, TaskSubtype: 'Call', Subject: 'Call' });
    await fullCycle(world);
    const [call] = await hubspotRecords(world, 'calls');
    expect(await associated('calls', call!.id)).toMatchObject({ contacts: [people.hubspotContactId], companies: [people.companyId] });

    await world.salesforce.update('Task', [{ Id: callId, WhoId: otherId, WhatId: opportunityId }]);
    await fullCycle(world);
    const other = (await hubspotRecords(world, 'contacts')).find((contact) => contact.properties.email === 'byron@acme.example');
    const [deal] = await hubspotRecords(world, 'deals');
    expect(await associated('calls', call!.id)).toEqual({ contacts: [other!.id], companies: [], deals: [deal!.id] });
    expect(activityWrites(await fullCycle(world))).toBe(0);
  });

  it('syncs only the kinds whose toggle is on', async () => {
    const people = await syncedPeople(world, { activities: { fromSalesforce: { calls: true } } });
    await createInSalesforce(world, 'Task', { WhoId: people.contactId, TaskSubtype: 'Task', Subject: 'A task' });
    await createInSalesforce(world, 'Task', { WhoId: people.contactId, TaskSubtype: 'Call', Subject: 'A call' });
    await createInSalesforce(world, 'Event', { WhoId: people.contactId, Subject: 'A meeting', StartDateTime: '2026-03-03T14:00:00.000Z', EndDateTime: '2026-03-03T15:00:00.000Z' });
    const summary = await fullCycle(world);
    expect(activitiesOf(summary)).toMatchObject({ hubspot: { created: 1 }, salesforce: { skipped: 1 } });
    expect((await hubspotRecords(world, 'calls')).map((call) => call.properties.hs_call_title)).toEqual(['A call']);
    expect(await hubspotRecords(world, 'tasks')).toEqual([]);
    expect(await hubspotRecords(world, 'meetings')).toEqual([]);
  });

  it('a Task whose contact has not synced waits with an associations error, and syncs once the contact has', async () => {
    await saveSettings(world, { activities: { fromSalesforce: { tasks: true } } });
    const contactId = await createInSalesforce(world, 'Contact', { LastName: 'Hopper', Email: 'grace@navy.example' });
    const taskId = await createInSalesforce(world, 'Task', { WhoId: contactId, TaskSubtype: 'Task', Subject: 'Follow up' });
    const { settings } = await readSettings(world.store.settings);
    const { store, salesforce, hubspot, calls } = world;
    const waiting = await runActivitySyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() }, { settings, runId: 'test' });
    expect(waiting.waitingForParent).toBe(1);
    const open = await world.store.syncErrors.openForRecords('tasks', { hubspotIds: [], salesforceIds: [taskId] });
    expect(open.map((error) => [error.category, error.message.split(':')[0]])).toEqual([['associations', 'waiting for contact to sync']]);

    await fullCycle(world);
    const [contact] = await hubspotRecords(world, 'contacts');
    const [task] = await hubspotRecords(world, 'tasks');
    expect(task?.properties.hs_task_subject).toBe('Follow up');
    expect((await world.hubspot.associationsOf('tasks', 'contacts', [task!.id])).get(task!.id)).toEqual([contact?.id]);
    expect(await world.store.syncErrors.openForRecords('tasks', { hubspotIds: [], salesforceIds: [taskId] })).toEqual([]);
    expect(activityWrites(await fullCycle(world))).toBe(0);
  });

  it('importIds brings Tasks the checkpoint has passed, as if they had changed', async () => {
    // Calls on, tasks off: the Task is read and skipped, and the checkpoint moves past it.
    const people = await syncedPeople(world, { activities: { fromSalesforce: { calls: true } } });
    const taskId = await createInSalesforce(world, 'Task', { WhoId: people.contactId, TaskSubtype: 'Task', Subject: 'Old task' });
    await fullCycle(world);
    await saveSettings(world, { activities: { fromSalesforce: { calls: true, tasks: true } } });
    // Time passes beyond the overlap window: only an import brings the Task now.
    await world.store.checkpoints.advance('salesforce', 'activities/Task', { time: new Date(Date.now() + 3_600_000), lastId: null }, new Date());
    const quiet = await fullCycle(world);
    expect(activitiesOf(quiet)?.hubspot.created).toBe(0);
    const { store, salesforce, hubspot, calls } = world;
    const imported = await runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(), activityImportIds: { object: 'Task', ids: [taskId] } });
    expect(activitiesOf(imported)?.hubspot.created).toBe(1);
    expect((await hubspotRecords(world, 'tasks')).map((task) => task.properties.hs_task_subject)).toEqual(['Old task']);
  });
});
