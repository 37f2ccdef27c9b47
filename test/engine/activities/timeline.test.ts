import { describe, expect, it } from 'vitest';
import { formatSyncSummary } from '../../../src/cli/sync.ts';
import { activitiesOf, activityWrites, allTimeline, createEngagement, createInSalesforce, fullCycle, hubspotRecords, salesforceRecords, saveSettings, syncedPeople, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

describe('activities: HubSpot timeline → Salesforce Tasks and Events', () => {
  it('turns each engagement type into its Task subtype or an Event, with WhoId and WhatId, and a second cycle writes nothing', async () => {
    const people = await syncedPeople(world, { activities: { timeline: allTimeline } });
    const about = { contacts: [people.hubspotContactId], companies: [people.companyId] };
    const at = '2026-03-02T10:00:00.000Z';
    await createEngagement(world, 'notes', { hs_timestamp: at, hs_note_body: '<p>Spoke about <b>renewal</b> &amp; pricing</p>' }, about);
    await createEngagement(world, 'emails', { hs_timestamp: at, hs_email_subject: 'Quote', hs_email_html: '<p>Here is the quote</p>', hs_email_direction: 'EMAIL' }, about);
    await createEngagement(world, 'calls', { hs_timestamp: at, hs_call_title: 'Discovery call', hs_call_body: 'Went well', hs_call_direction: 'OUTBOUND' }, about);
    await createEngagement(world, 'tasks', { hs_timestamp: '2026-03-09T00:00:00.000Z', hs_task_subject: 'Send contract', hs_task_status: 'NOT_STARTED', hs_task_priority: 'HIGH' }, about);
    await createEngagement(world, 'meetings', { hs_timestamp: at, hs_meeting_title: 'Demo', hs_meeting_start_time: at, hs_meeting_end_time: '2026-03-02T11:00:00.000Z', hs_meeting_location: 'Zoom' }, about);

    const first = await fullCycle(world);
    expect(activitiesOf(first)?.salesforce.created).toBe(5);
    const tasks = await salesforceRecords(world, 'Task');
    const bySubject = new Map(tasks.map((task) => [task.Subject, task]));
    const related = { WhoId: people.contactId, WhatId: people.accountId };
    expect(bySubject.get('Note')).toMatchObject({ ...related, TaskSubtype: 'Task', Status: 'Completed', ActivityDate: '2026-03-02', Description: 'Spoke about renewal & pricing' });
    expect(bySubject.get('Quote')).toMatchObject({ ...related, TaskSubtype: 'Email', Type: 'Email', Status: 'Completed', Description: 'Here is the quote' });
    expect(bySubject.get('Discovery call')).toMatchObject({ ...related, TaskSubtype: 'Call', Type: 'Call', CallType: 'Outbound', Description: 'Went well' });
    expect(bySubject.get('Send contract')).toMatchObject({ ...related, TaskSubtype: 'Task', Status: 'Not Started', Priority: 'High', ActivityDate: '2026-03-09' });
    const [event] = await salesforceRecords(world, 'Event');
    expect(event).toMatchObject({ ...related, Subject: 'Demo', Location: 'Zoom', Type: 'Meeting' });
    expect(Date.parse(String(event?.StartDateTime).replace('+0000', 'Z'))).toBe(Date.parse(at));
    expect(Date.parse(String(event?.EndDateTime).replace('+0000', 'Z'))).toBe(Date.parse('2026-03-02T11:00:00.000Z'));

    expect(activityWrites(await fullCycle(world))).toBe(0);
    expect(await salesforceRecords(world, 'Task')).toHaveLength(4);
  });

  it('points WhatId at the linked Opportunity of an associated deal before the Account', async () => {
    const people = await syncedPeople(world, { deals: { enabled: true }, activities: { timeline: { calls: true } } });
    const opportunityId = await createInSalesforce(world, 'Opportunity', { Name: 'Acme renewal', StageName: 'Prospecting', CloseDate: '2026-06-30', AccountId: people.accountId });
    await fullCycle(world);
    const [deal] = await hubspotRecords(world, 'deals');
    await createEngagement(world, 'calls', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_call_title: 'Pricing call' }, { contacts: [people.hubspotContactId], companies: [people.companyId], deals: [deal!.id] });
    await fullCycle(world);
    expect(await salesforceRecords(world, 'Task')).toMatchObject([{ Subject: 'Pricing call', WhoId: people.contactId, WhatId: opportunityId }]);
  });

  it('follows a change to the engagement with an update, and ignores an edit of the Task in Salesforce', async () => {
    await syncedPeople(world, { activities: { timeline: { tasks: true }, fromSalesforce: { tasks: true } } });
    const [contact] = await hubspotRecords(world, 'contacts');
    const taskId = await createEngagement(world, 'tasks', { hs_timestamp: '2026-03-09T00:00:00.000Z', hs_task_subject: 'Send contract', hs_task_status: 'NOT_STARTED' }, { contacts: [contact!.id] });
    await fullCycle(world);
    await world.hubspot.batchUpdate('tasks', [{ id: taskId, properties: { hs_task_status: 'COMPLETED', hs_task_subject: 'Contract sent' } }]);
    const updated = await fullCycle(world);
    expect(activitiesOf(updated)?.salesforce.updated).toBe(1);
    const [task] = await salesforceRecords(world, 'Task');
    expect(task).toMatchObject({ Subject: 'Contract sent', Status: 'Completed' });

    // The copy is Salesforce's to read, not to drive: its edit does not flow back, even with tasks on both ways.
    await world.salesforce.update('Task', [{ Id: String(task!.Id), Subject: 'Edited in Salesforce' }]);
    expect(activityWrites(await fullCycle(world))).toBe(0);
    expect((await hubspotRecords(world, 'tasks')).map((record) => record.properties.hs_task_subject)).toEqual(['Contract sent']);
    expect(await hubspotRecords(world, 'tasks')).toHaveLength(1);
  });

  it('recomputes WhoId and WhatId from the engagement’s associations when it changes', async () => {
    const people = await syncedPeople(world, { activities: { timeline: { calls: true } } });
    const otherId = await createInSalesforce(world, 'Contact', { LastName: 'Byron', Email: 'byron@acme.example', AccountId: people.accountId });
    await fullCycle(world);
    const other = (await hubspotRecords(world, 'contacts')).find((contact) => contact.properties.email === 'byron@acme.example');
    const callId = await createEngagement(world, 'calls', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_call_title: 'Call' }, { contacts: [people.hubspotContactId], companies: [people.companyId] });
    await fullCycle(world);
    await world.hubspot.dissociate('calls', 'contacts', [{ fromId: callId, toId: people.hubspotContactId }]);
    await world.hubspot.dissociate('calls', 'companies', [{ fromId: callId, toId: people.companyId }]);
    await world.hubspot.associateDefault('calls', 'contacts', [{ fromId: callId, toId: other!.id }]);
    await world.hubspot.batchUpdate('calls', [{ id: callId, properties: { hs_call_title: 'Call, moved' } }]);
    await fullCycle(world);
    expect(await salesforceRecords(world, 'Task')).toMatchObject([{ Subject: 'Call, moved', WhoId: otherId }]);
    expect((await salesforceRecords(world, 'Task'))[0]?.WhatId ?? null).toBeNull();
  });

  it('with the toggles off syncs nothing, and one type on syncs only that type', async () => {
    const people = await syncedPeople(world, {});
    const about = { contacts: [people.hubspotContactId] };
    await createEngagement(world, 'notes', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_note_body: 'A note' }, about);
    await createEngagement(world, 'calls', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_call_title: 'A call' }, about);
    const off = await fullCycle(world);
    expect(activitiesOf(off)).toBeUndefined();
    expect(await salesforceRecords(world, 'Task')).toEqual([]);

    await saveSettings(world, { activities: { timeline: { notes: true } } });
    await fullCycle(world);
    expect((await salesforceRecords(world, 'Task')).map((task) => task.Subject)).toEqual(['Note']);
  });

  it('an engagement of a contact not synced yet waits with an associations error, and syncs once the contact has', async () => {
    await saveSettings(world, { contacts: { onSalesforceUpsert: 'create_or_update_contact' }, activities: { timeline: { notes: true } } });
    const contactId = (await world.hubspot.batchCreate('contacts', [{ properties: { email: 'grace@navy.example', firstname: 'Grace', lastname: 'Hopper' } }])).results[0]!.id;
    const noteId = await createEngagement(world, 'notes', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_note_body: 'Met at the conference' }, { contacts: [contactId] });
    // Activities alone first, as when the contact's own sync has not happened yet.
    const { runActivitySyncCycle } = await import('../../../src/engine/activities/cycle.ts');
    const { readSettings } = await import('../../../src/engine/settings.ts');
    const { settings } = await readSettings(world.store.settings);
    const { store, salesforce, hubspot, calls } = world;
    const waiting = await runActivitySyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() }, { settings, runId: 'test' });
    expect(waiting.waitingForParent).toBe(1);
    expect(await salesforceRecords(world, 'Task')).toEqual([]);
    const open = await world.store.syncErrors.openForRecords('notes', { hubspotIds: [noteId], salesforceIds: [] });
    expect(open.map((error) => [error.category, error.message.split(':')[0]])).toEqual([['associations', 'waiting for contact to sync']]);

    await fullCycle(world);
    const [lead] = await salesforceRecords(world, 'Lead');
    expect(await salesforceRecords(world, 'Task')).toMatchObject([{ Subject: 'Note', WhoId: lead?.Id, Description: 'Met at the conference' }]);
    // A Lead takes no WhatId in Salesforce.
    expect((await salesforceRecords(world, 'Task'))[0]?.WhatId ?? null).toBeNull();
    expect(await world.store.syncErrors.openForRecords('notes', { hubspotIds: [noteId], salesforceIds: [] })).toEqual([]);
    expect(activityWrites(await fullCycle(world))).toBe(0);
  });

  it('an engagement with no contact at all is skipped, not an error', async () => {
    const people = await syncedPeople(world, { activities: { timeline: { notes: true } } });
    await createEngagement(world, 'notes', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_note_body: 'Company-only note' }, { companies: [people.companyId] });
    const summary = await fullCycle(world);
    expect(activitiesOf(summary)).toMatchObject({ planErrors: 0, hubspot: { skipped: 1 } });
    expect(await salesforceRecords(world, 'Task')).toEqual([]);
  });

  it('says that form submissions and marketing emails are not synced when their toggles are on, rather than doing nothing quietly', async () => {
    await syncedPeople(world, { activities: { timeline: { formSubmissions: true, marketingEmails: true } } });
    const summary = await fullCycle(world);
    expect(activitiesOf(summary)).toMatchObject({ notSynced: ['activities.timeline.formSubmissions', 'activities.timeline.marketingEmails'] });
    expect(formatSyncSummary(summary)).toContain("activities.timeline.formSubmissions is on, but HubSpot's API has no CRM object for it: not synced");
  });
});
