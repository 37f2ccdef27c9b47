import { describe, expect, it } from 'vitest';
import { createInHubspot, createInSalesforce, fullCycle, hubspotRecords, objectWrites, salesforceRecords, saveSettings, useLinkedWorld } from '../linked/world.ts';
import { failedRecords, formatSyncSummary } from '../../../src/cli/sync.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { defineProjects, projectsEntry } from './world.ts';

const world = useLinkedWorld();

describe('custom objects: Salesforce Project__c → HubSpot p_projects', () => {
  it('creates and updates the HubSpot record from Salesforce through the link-matched path; a second cycle writes nothing', async () => {
    const { objectTypeId } = await defineProjects(world);
    await saveSettings(world, { customObjects: [projectsEntry()] });
    const projectId = await createInSalesforce(world, 'Project__c', { Name: 'Apollo', Stage__c: 'Planned', Budget__c: 1500, Notes__c: 'long text' });

    const first = await fullCycle(world);
    const summary = first.objects.find((object) => object.object === 'Project__c');
    expect(summary?.hubspot.created).toBe(1);
    // Notes__c is a textarea and `notes` a number; Code__c has no property: listed, never guessed.
    expect(summary?.unmappedFields?.map((field) => field.salesforceField).sort()).toEqual(['Account__c', 'Code__c', 'Contact__c', 'Notes__c']);
    const [project] = await hubspotRecords(world, objectTypeId);
    expect(project?.properties).toMatchObject({ project_name: 'Apollo', stage: 'Planned', budget: '1500', salesforce_id: projectId });
    expect(project?.properties.notes ?? null).toBeNull();

    await world.salesforce.update('Project__c', [{ Id: projectId, Stage__c: 'Running', Budget__c: 2500 }]);
    await fullCycle(world);
    expect((await hubspotRecords(world, objectTypeId))[0]?.properties).toMatchObject({ stage: 'Running', budget: '2500' });
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a HubSpot edit or create never writes to Salesforce; the edit stands until that field changes in Salesforce', async () => {
    const { objectTypeId } = await defineProjects(world);
    await saveSettings(world, { customObjects: [projectsEntry()] });
    const projectId = await createInSalesforce(world, 'Project__c', { Name: 'Gemini', Stage__c: 'Planned' });
    await fullCycle(world);
    const [project] = await hubspotRecords(world, objectTypeId);
    await world.hubspot.batchUpdate(objectTypeId, [{ id: project!.id, properties: { project_name: 'Renamed in HubSpot', stage: 'Done' } }]);
    await createInHubspot(world, objectTypeId, { project_name: 'Only in HubSpot' });

    const afterEdit = await fullCycle(world);
    expect(afterEdit.objects.find((object) => object.object === 'Project__c')?.salesforce).toMatchObject({ created: 0, updated: 0 });
    expect((await salesforceRecords(world, 'Project__c')).map((record) => [record.Name, record.Stage__c])).toEqual([['Gemini', 'Planned']]);
    // The edit stands in HubSpot until Salesforce changes the record again.
    expect((await world.hubspot.batchRead(objectTypeId, [project!.id], ['project_name'])).results[0]?.properties.project_name).toBe('Renamed in HubSpot');

    await world.salesforce.update('Project__c', [{ Id: projectId, Stage__c: 'Running' }]);
    await fullCycle(world);
    expect((await world.hubspot.batchRead(objectTypeId, [project!.id], ['project_name', 'stage'])).results[0]?.properties).toMatchObject({ project_name: 'Renamed in HubSpot', stage: 'Running' });
    await world.salesforce.update('Project__c', [{ Id: projectId, Name: 'Gemini II' }]);
    await fullCycle(world);
    expect((await world.hubspot.batchRead(objectTypeId, [project!.id], ['project_name'])).results[0]?.properties.project_name).toBe('Gemini II');
    expect((await salesforceRecords(world, 'Project__c')).map((record) => [record.Name, record.Stage__c])).toEqual([['Gemini II', 'Running']]);
  });

  it.each([
    ['delete', 0],
    ['do_nothing', 1],
  ] as const)('a Salesforce delete under onSalesforceDelete=%s leaves %i HubSpot record(s), and the delete sticks', async (rule, left) => {
    const { objectTypeId } = await defineProjects(world);
    await saveSettings(world, { customObjects: [projectsEntry({ onSalesforceDelete: rule })] });
    const projectId = await createInSalesforce(world, 'Project__c', { Name: 'Short-lived' });
    await fullCycle(world);
    expect(await hubspotRecords(world, objectTypeId)).toHaveLength(1);
    await world.salesforce.delete('Project__c', [projectId]);
    await fullCycle(world);
    expect(await hubspotRecords(world, objectTypeId)).toHaveLength(left);
    expect(objectWrites(await fullCycle(world))).toBe(0);
    expect(await hubspotRecords(world, objectTypeId)).toHaveLength(left);
  });

  it('lookups to a linked Contact and Account become associations with their HubSpot contact and company', async () => {
    const { objectTypeId } = await defineProjects(world);
    await saveSettings(world, { companies: { enabled: true }, customObjects: [projectsEntry({ associations: ['contacts', 'companies'] })] });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Acme' });
    const contactId = await createInSalesforce(world, 'Contact', { LastName: 'Lovelace', Email: 'ada@acme.example', AccountId: accountId });
    await createInSalesforce(world, 'Project__c', { Name: 'Engine', Contact__c: contactId, Account__c: accountId });

    const summary = await fullCycle(world);
    expect(summary.objects.map((object) => object.object)).toEqual(['companies', 'Project__c']);
    const [project] = await hubspotRecords(world, objectTypeId);
    const [contact] = await hubspotRecords(world, 'contacts');
    const [company] = await hubspotRecords(world, 'companies');
    expect((await world.hubspot.associationsOf(objectTypeId, 'contacts', [project!.id])).get(project!.id)).toEqual([contact!.id]);
    expect((await world.hubspot.associationsOf(objectTypeId, 'companies', [project!.id])).get(project!.id)).toEqual([company!.id]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('an entry naming an object or type that does not exist is a clear error for that entry; contacts and the other entry still sync', async () => {
    const { objectTypeId } = await defineProjects(world);
    await saveSettings(world, {
      customObjects: [
        { salesforceObject: 'Missing__c', hubspotObjectType: 'p_projects', onSalesforceDelete: 'do_nothing', associations: [] },
        projectsEntry({ salesforceObject: 'Project__c', hubspotObjectType: 'p_nothing_here' }),
        projectsEntry({ salesforceObject: 'Milestone__c', hubspotObjectType: 'deals' }),
      ],
    });
    await emulatorAdmin(world.salesforceEmulator.url, 'schema', { object: 'Milestone__c', fields: [] });
    await createInSalesforce(world, 'Contact', { LastName: 'Hopper', Email: 'grace@navy.example' });
    await createInSalesforce(world, 'Project__c', { Name: 'Never' });

    const summary = await fullCycle(world);
    expect(summary.contacts.hubspot.created).toBe(1);
    expect(summary.refusedCustomObjects.map((refusal) => refusal.salesforceObject)).toEqual(['Missing__c', 'Project__c', 'Milestone__c']);
    expect(summary.refusedCustomObjects[2]?.reason).toMatch(/HubSpot object type deals is HubSpot's own object type 0-3, not a custom object/);
    expect(summary.refusedCustomObjects[0]?.reason).toMatch(/Missing__c → p_projects does not sync: Salesforce object Missing__c cannot be read/);
    expect(summary.refusedCustomObjects[1]?.reason).toMatch(/HubSpot object type p_nothing_here cannot be read/);
    // `crmsync sync --once` prints it, and the run counts as partial.
    expect(formatSyncSummary(summary)).toContain(`Missing__c\n  ${summary.refusedCustomObjects[0]?.reason}`);
    expect(failedRecords(summary)).toBe(3);
    const open = await world.store.syncErrors.openForRecords('p_projects', { hubspotIds: [], salesforceIds: ['Missing__c'] });
    expect(open.map((error) => error.category)).toEqual(['permissions']);
    expect(await hubspotRecords(world, objectTypeId)).toEqual([]);

    // Fixed (the object created, the type named right): the error resolves and the records sync.
    await emulatorAdmin(world.salesforceEmulator.url, 'schema', { object: 'Missing__c', fields: [] });
    await saveSettings(world, { customObjects: [projectsEntry({ onSalesforceDelete: 'delete' }), { salesforceObject: 'Missing__c', hubspotObjectType: 'p_projects', onSalesforceDelete: 'do_nothing', associations: [] }] });
    const fixed = await fullCycle(world);
    expect(fixed.refusedCustomObjects).toEqual([]);
    expect(await world.store.syncErrors.openForRecords('p_projects', { hubspotIds: [], salesforceIds: ['Missing__c'] })).toEqual([]);
    expect(await hubspotRecords(world, objectTypeId)).toHaveLength(1);
  });

  it('a HubSpot delete only drops the link: the Salesforce record stays, and is not recreated until it changes', async () => {
    const { objectTypeId } = await defineProjects(world);
    await saveSettings(world, { customObjects: [projectsEntry({ onSalesforceDelete: 'delete' })] });
    const projectId = await createInSalesforce(world, 'Project__c', { Name: 'Kept' });
    await fullCycle(world);
    const [project] = await hubspotRecords(world, objectTypeId);
    await world.hubspot.batchArchive(objectTypeId, [project!.id]);
    // The Salesforce side must change for the pair to be looked at again: that is when the gone partner is noticed.
    await world.salesforce.update('Project__c', [{ Id: projectId, Stage__c: 'Done' }]);
    await fullCycle(world);
    expect((await salesforceRecords(world, 'Project__c')).map((record) => record.Id)).toEqual([projectId]);
    expect(await world.store.idLinks.findBySalesforceIds([projectId])).toEqual(new Map());
  });
});
