/**
 * A custom object on both emulators, made the way an admin makes it: Project__c through Salesforce's metadata
 * (the emulator's admin API stands in for Setup) and p_projects through HubSpot's schemas API with the official
 * client. The fields line up by name (Stage__c ↔ stage), as `describeCustomObject` expects.
 */
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import type { LinkedWorld } from '../linked/world.ts';

export async function defineProjects(world: LinkedWorld): Promise<{ objectTypeId: string }> {
  await emulatorAdmin(world.salesforceEmulator.url, 'schema', {
    object: 'Project__c',
    fields: [
      { name: 'Stage__c', type: 'picklist', picklistValues: ['Planned', 'Running', 'Done'] },
      { name: 'Budget__c', type: 'currency' },
      { name: 'Notes__c', type: 'textarea' },
      { name: 'Code__c', type: 'string', length: 20 },
      { name: 'Contact__c', type: 'reference', referenceTo: ['Contact'] },
      { name: 'Account__c', type: 'reference', referenceTo: ['Account'] },
    ],
  });
  const schema = await world.hubspot.client.crm.schemas.coreApi.create({
    name: 'projects',
    labels: { singular: 'Project', plural: 'Projects' },
    primaryDisplayProperty: 'project_name',
    requiredProperties: [],
    associatedObjects: ['CONTACT', 'COMPANY'],
    properties: [
      { name: 'project_name', label: 'Project name', type: 'string' as never, fieldType: 'text' },
      {
        name: 'stage',
        label: 'Stage',
        type: 'enumeration' as never,
        fieldType: 'select',
        options: ['Planned', 'Running', 'Done'].map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false })),
      },
      { name: 'budget', label: 'Budget', type: 'number' as never, fieldType: 'number' },
      // A number cannot hold a Salesforce textarea (SPEC section 6): listed as unmapped, not guessed.
      { name: 'notes', label: 'Notes', type: 'number' as never, fieldType: 'number' },
      { name: 'salesforce_id', label: 'Salesforce ID', type: 'string' as never, fieldType: 'text' },
    ],
  });
  return { objectTypeId: schema.objectTypeId! };
}

export function projectsEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { salesforceObject: 'Project__c', hubspotObjectType: 'p_projects', onSalesforceDelete: 'do_nothing', associations: [], ...overrides };
}
