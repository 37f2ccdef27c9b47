import { describe, expect, it } from 'vitest';
import type { SyncCycleSummary } from '../../../src/engine/cycle.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { writeCalls } from '../contacts/world.ts';
import { activitiesOf, createEngagement, createInSalesforce, fullCycle, hubspotRecords, salesforceRecords, syncedPeople, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** A cycle with the production polling overlap: an activity changed lately is read again each cycle. */
async function cycle(target: LinkedWorld): Promise<SyncCycleSummary> {
  // HubSpot allows four searches a second; cycles back to back would spend test time waiting out its window.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return fullCycle(target);
}

function activities(summary: SyncCycleSummary) {
  const found = activitiesOf(summary);
  if (!found) throw new Error('no activities in the cycle');
  return found;
}

async function openErrors(target: LinkedWorld, type = 'calls') {
  return (await target.store.syncErrors.list({ object: type }, { limit: 50 })).errors;
}

/** The engine's writes to Salesforce so far (sObject Collections creates and updates), by endpoint. */
async function salesforceWrites(target: LinkedWorld): Promise<Record<string, number>> {
  return (await writeCalls(target)).salesforce;
}

/** An org rule refusing a Task whose Subject is exactly `subject`, as an admin would write one. */
async function refuseSubject(target: LinkedWorld, subject: string): Promise<void> {
  await emulatorAdmin(target.salesforceEmulator.url, 'config', { validationRules: [{ object: 'Task', field: 'Subject', operator: 'equals', value: subject, message: 'Say what the call was about' }] });
}

describe('activities: a value the other side refuses', () => {
  it('a call whose Task create was refused for its subject is made without it next cycle; the subject is not sent again, as a create or an update, until it changes', async () => {
    const people = await syncedPeople(world, { activities: { timeline: { calls: true } } });
    await refuseSubject(world, 'Call');
    const callId = await createEngagement(world, 'calls', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_call_title: 'Call', hs_call_body: 'Went well', hs_call_direction: 'OUTBOUND' }, { contacts: [people.hubspotContactId] });

    const refused = await cycle(world);
    expect(activities(refused).salesforce).toMatchObject({ created: 0, failed: 1 });
    const [error] = await openErrors(world);
    expect(error).toMatchObject({ hubspotId: callId, salesforceId: null, vendorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', field: 'Subject', retryable: false, nextRetryAt: null });
    expect(error!.refusedValues).toEqual([{ system: 'salesforce', field: 'Subject', value: 'Call' }]);

    // Read again in the overlap: the Task is created with everything but the subject.
    const created = await cycle(world);
    expect(activities(created)).toMatchObject({ withheldValues: 1, salesforce: { created: 1, failed: 0 } });
    expect(await salesforceRecords(world, 'Task')).toMatchObject([{ WhoId: people.contactId, TaskSubtype: 'Call', CallType: 'Outbound', Description: 'Went well', Subject: null }]);
    expect(await openErrors(world)).toMatchObject([{ id: error!.id, attempts: 1, field: 'Subject' }]);

    // Linked now, the unchanged subject would be an update of the Task: it is held back as well, no call spent.
    const before = await salesforceWrites(world);
    const quiet = await cycle(world);
    expect(activities(quiet)).toMatchObject({ withheldValues: 1, salesforce: { created: 0, updated: 0, failed: 0 } });
    await cycle(world);
    expect(await salesforceWrites(world)).toEqual(before);
    expect(await openErrors(world)).toMatchObject([{ id: error!.id, attempts: 1 }]);

    // A subject Salesforce takes is sent, and the error goes.
    await world.hubspot.batchUpdate('calls', [{ id: callId, properties: { hs_call_title: 'Pricing call' } }]);
    const fixed = await cycle(world);
    expect(activities(fixed).salesforce).toMatchObject({ updated: 1, failed: 0 });
    expect((await salesforceRecords(world, 'Task'))[0]).toMatchObject({ Subject: 'Pricing call', Description: 'Went well' });
    expect(await openErrors(world)).toEqual([]);
  });

  it('a Task update refused for its subject lets the other values through next cycle, and a changed subject is sent again', async () => {
    const people = await syncedPeople(world, { activities: { timeline: { calls: true } } });
    const callId = await createEngagement(world, 'calls', { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_call_title: 'Discovery call', hs_call_body: 'Went well' }, { contacts: [people.hubspotContactId] });
    await cycle(world);
    await refuseSubject(world, 'Call');

    await world.hubspot.batchUpdate('calls', [{ id: callId, properties: { hs_call_title: 'Call', hs_call_body: 'Went very well' } }]);
    const refused = await cycle(world);
    expect(activities(refused).salesforce).toMatchObject({ updated: 0, failed: 1 });
    const [error] = await openErrors(world);
    expect(error).toMatchObject({ hubspotId: callId, field: 'Subject', refusedValues: [{ system: 'salesforce', field: 'Subject', value: 'Call' }] });

    const rest = await cycle(world);
    expect(activities(rest)).toMatchObject({ withheldValues: 1, salesforce: { updated: 1, failed: 0 } });
    expect((await salesforceRecords(world, 'Task'))[0]).toMatchObject({ Subject: 'Discovery call', Description: 'Went very well' });

    const before = await salesforceWrites(world);
    await cycle(world);
    await cycle(world);
    expect(await salesforceWrites(world)).toEqual(before);
    expect(await openErrors(world)).toMatchObject([{ id: error!.id, attempts: 1 }]);

    // Changed, the subject is sent again, refused again (one more call), and the error stays.
    await world.hubspot.batchUpdate('calls', [{ id: callId, properties: { hs_call_title: 'Follow-up' } }]);
    await refuseSubject(world, 'Follow-up');
    const again = await cycle(world);
    expect(activities(again).salesforce).toMatchObject({ updated: 0, failed: 1 });
    const sum = (writes: Record<string, number>) => Object.values(writes).reduce((total, count) => total + count, 0);
    expect(sum(await salesforceWrites(world))).toBe(sum(before) + 1);
    expect(await openErrors(world)).toMatchObject([{ field: 'Subject', refusedValues: [{ system: 'salesforce', field: 'Subject', value: 'Follow-up' }] }]);
  });

  it('an engagement update HubSpot refused for one property lets the rest through next cycle, and the property is not sent again while unchanged', async () => {
    const people = await syncedPeople(world, { activities: { fromSalesforce: { tasks: true } } });
    const taskId = await createInSalesforce(world, 'Task', { Subject: 'Send contract', WhoId: people.contactId, Priority: 'Normal', Status: 'Not Started', ActivityDate: '2026-03-09' });
    await cycle(world);
    // An option taken away from the priority property since: HubSpot refuses HIGH with INVALID_OPTION.
    const options = [{ label: 'Low', value: 'LOW', displayOrder: 0 }, { label: 'Medium', value: 'MEDIUM', displayOrder: 1 }];
    const patched = await fetch(`${world.hubspotEmulator.url}/crm/v3/properties/tasks/hs_task_priority`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer token' }, body: JSON.stringify({ options }) });
    expect(patched.status).toBe(200);
    await world.salesforce.update('Task', [{ Id: taskId, Priority: 'High', Subject: 'Send contract now' }]);
    const refused = await cycle(world);
    expect(activities(refused).hubspot).toMatchObject({ updated: 0, failed: 1 });
    const [error] = await openErrors(world, 'tasks');
    expect(error).toMatchObject({ salesforceId: taskId, field: 'hs_task_priority', refusedValues: [{ system: 'hubspot', field: 'hs_task_priority', value: 'HIGH' }] });

    const rest = await cycle(world);
    expect(activities(rest)).toMatchObject({ withheldValues: 1, hubspot: { updated: 1, failed: 0 } });
    expect((await hubspotRecords(world, 'tasks'))[0]?.properties).toMatchObject({ hs_task_subject: 'Send contract now', hs_task_priority: 'MEDIUM' });
    // The refused priority is not remembered as synced (activities keep Salesforce's form): it is tried again when due.
    const [link] = [...(await world.store.idLinks.findBySalesforceIds([taskId])).values()];
    const synced = (await world.store.syncedValues.readForLinks([link!.linkId])).get(link!.linkId);
    expect([synced?.get('Subject')?.value, synced?.get('Priority')?.value]).toEqual(['Send contract now', 'Normal']);
    const before = (await writeCalls(world)).hubspot;
    await cycle(world);
    expect((await writeCalls(world)).hubspot).toEqual(before);
    expect(await openErrors(world, 'tasks')).toMatchObject([{ id: error!.id, attempts: 1 }]);

    // Back to a priority HubSpot has: sent, taken, and the error goes.
    await world.salesforce.update('Task', [{ Id: taskId, Priority: 'Low' }]);
    const fixed = await cycle(world);
    expect(activities(fixed).hubspot).toMatchObject({ updated: 1, failed: 0 });
    expect((await hubspotRecords(world, 'tasks'))[0]?.properties).toMatchObject({ hs_task_priority: 'LOW' });
    expect(await openErrors(world, 'tasks')).toEqual([]);
  });
});
