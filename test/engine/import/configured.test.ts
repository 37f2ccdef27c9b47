/**
 * Imports of the objects whose sync exists only once settings switch it on: Salesforce Tasks and Events (the
 * activities cycle, per `activities.fromSalesforce` toggle) and a custom object pair (described from its
 * `customObjects` entry and both live schemas). Records made before the sync was on are brought by the import,
 * through the same cycle as sync, once.
 */
import { describe, expect, it } from 'vitest';
import { alignLeadStatus, type ContactSyncWorld } from '../contacts/world.ts';
import { defineProjects, projectsEntry } from '../custom-objects/world.ts';
import { createInSalesforce, fullCycle, hubspotRecords, saveSettings, useLinkedWorld } from '../linked/world.ts';
import { imported, importerOf } from './world.ts';

const world = useLinkedWorld();

/** Moves every polling checkpoint past what exists now: what follows is brought by the import or not at all. */
async function pollingPassedBy(target: ContactSyncWorld): Promise<void> {
  await fullCycle(target);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}

describe('imports of configured objects', () => {
  it('brings Tasks made before activity sync was on, linked, once', async () => {
    await alignLeadStatus(world);
    const contactId = await createInSalesforce(world, 'Contact', { LastName: 'Tasked', Email: 'tasked@example.com' });
    await fullCycle(world);
    const taskIds = [
      await createInSalesforce(world, 'Task', { Subject: 'Call back', WhoId: contactId, ActivityDate: '2026-11-01', Status: 'Completed', TaskSubtype: 'Task' }),
      await createInSalesforce(world, 'Task', { Subject: 'Send deck', WhoId: contactId, ActivityDate: '2026-11-02', Status: 'Not Started', TaskSubtype: 'Task' }),
    ];
    await pollingPassedBy(world);
    // Switched on now: the Tasks made before are behind the checkpoint the first activity cycle starts from.
    const current = await world.store.settings.read();
    await world.store.settings.write({ ...(current?.document ?? {}), activities: { fromSalesforce: { tasks: true } } }, current?.version ?? 0, new Date());

    const done = await imported(importerOf(world), { object: 'Task' });
    expect(done).toMatchObject({ object: 'Task', state: 'succeeded', read: 2, total: 2, created: 2, failed: 0 });
    const tasks = await hubspotRecords(world, 'tasks');
    expect(tasks.map((task) => task.properties.hs_task_subject).sort()).toEqual(['Call back', 'Send deck']);
    const links = await world.store.idLinks.findBySalesforceIds(taskIds);
    expect(links.size).toBe(2);

    const again = await imported(importerOf(world), { object: 'Task' });
    expect(again).toMatchObject({ state: 'succeeded', read: 2, created: 0 });
    expect(await hubspotRecords(world, 'tasks')).toHaveLength(2);
  });

  it('brings a custom object pair\'s records through its description, and refuses the object until its entry exists', async () => {
    await defineProjects(world);
    const projects = [
      await createInSalesforce(world, 'Project__c', { Name: 'Apollo', Stage__c: 'Running', Budget__c: 1200 }),
      await createInSalesforce(world, 'Project__c', { Name: 'Gemini', Stage__c: 'Planned' }),
    ];
    await expect(importerOf(world).start({ object: 'Project__c', createdAfter: null, modifiedAfter: null })).rejects.toMatchObject({ field: 'object', message: expect.stringContaining('Project__c is not a synced custom object') });

    await saveSettings(world, { customObjects: [projectsEntry()] });
    const done = await imported(importerOf(world), { object: 'Project__c' });
    expect(done).toMatchObject({ object: 'Project__c', state: 'succeeded', read: 2, created: 2, failed: 0 });
    const records = await hubspotRecords(world, 'p_projects');
    expect(records.map((record) => [record.properties.project_name, record.properties.stage]).sort()).toEqual([['Apollo', 'Running'], ['Gemini', 'Planned']]);
    expect((await world.store.idLinks.findBySalesforceIds(projects)).size).toBe(2);
  });
});
