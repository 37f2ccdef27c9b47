/**
 * Custom mappings of a custom object through the same field-mappings store and HTTP API as the standard pairs,
 * named by the Salesforce API name; and the cycle syncing what the admin added.
 */
import { describe, expect, it } from 'vitest';
import { useVendorApi } from '../../server/api-harness.ts';
import { createInSalesforce, fullCycle, hubspotRecords, saveSettings, useLinkedWorld } from '../linked/world.ts';
import { defineProjects, projectsEntry } from './world.ts';

const world = useLinkedWorld();
const { get, put } = useVendorApi(world);

describe('mappings of a custom object (API name Project__c)', () => {
  it('lists the schema-made defaults, accepts a custom mapping checked against the live types, and the cycle syncs it', async () => {
    const { objectTypeId } = await defineProjects(world);
    await saveSettings(world, { customObjects: [projectsEntry()] });
    await world.hubspot.client.crm.properties.coreApi.create(objectTypeId, { name: 'project_code', label: 'Code', type: 'string' as never, fieldType: 'text' as never, groupName: 'projects_information' });

    const listed = await get('/api/mappings/Project__c');
    expect(listed.statusCode).toBe(200);
    // The defaults come from both schemas; Code__c has no property named code, so it waits for the admin.
    expect(listed.json().mappings.map((row: { hubspotProperty: string; salesforceField: string }) => `${row.salesforceField}→${row.hubspotProperty}`)).toEqual([
      'OwnerId→hubspot_owner_id',
      'Name→project_name',
      'Stage__c→stage',
      'Budget__c→budget',
    ]);

    const refused = await put('/api/mappings/Project__c', { upsert: [{ hubspotProperty: 'notes', salesforceField: 'Notes__c', rule: 'prefer_salesforce_unless_blank' }] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().message).toMatch(/a number property maps only to Salesforce double, int, long, currency or percent fields/);

    const added = await put('/api/mappings/Project__c', { upsert: [{ hubspotProperty: 'project_code', salesforceField: 'Code__c', rule: 'prefer_salesforce_unless_blank' }] });
    expect(added.statusCode).toBe(200);
    expect(added.json().mappings.at(-1)).toMatchObject({ hubspotProperty: 'project_code', salesforceField: 'Code__c', origin: 'custom' });

    await createInSalesforce(world, 'Project__c', { Name: 'Mapped', Code__c: 'PX-1' });
    await fullCycle(world);
    expect((await hubspotRecords(world, objectTypeId))[0]?.properties).toMatchObject({ project_name: 'Mapped', project_code: 'PX-1' });
  });

  it('refuses an object that is neither a standard pair nor a configured custom object, naming what is accepted', async () => {
    await defineProjects(world);
    await saveSettings(world, { customObjects: [projectsEntry()] });
    const response = await get('/api/mappings/Invoice__c');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe('object: Invoice__c is not a synced object: use contacts, companies, deals, tickets, or a custom object configured in customObjects (Project__c)');
    const put400 = await put('/api/mappings/Invoice__c', { upsert: [{ hubspotProperty: 'x', salesforceField: 'X__c', rule: 'two_way' }] });
    expect(put400.statusCode).toBe(400);
  });
});
