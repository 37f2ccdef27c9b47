import { describe, expect, it } from 'vitest';
import type { HubSpotPropertyDescription, SalesforceFieldDescription } from '../../src/core/mapping/model.ts';
import { parseSettings, type CustomObjectSync } from '../../src/core/settings.ts';
import { describeCustomObject, type HubSpotObjectSchema, type SalesforceObjectSchema } from '../../src/objects/custom.ts';

const fields: SalesforceFieldDescription[] = [
  { name: 'Id', type: 'id' },
  { name: 'OwnerId', type: 'reference', referenceTo: ['User', 'Group'] },
  { name: 'Name', type: 'string', length: 80 },
  { name: 'CreatedDate', type: 'datetime' },
  { name: 'Stage__c', type: 'picklist', picklistValues: ['Planned', 'Done'] },
  { name: 'Go_Live__c', type: 'date' },
  { name: 'Budget__c', type: 'currency' },
  { name: 'Is_Active__c', type: 'boolean' },
  { name: 'Notes__c', type: 'textarea' },
  { name: 'Orphan__c', type: 'string', length: 10 },
  { name: 'Client__c', type: 'reference', referenceTo: ['Account'] },
  { name: 'Lead_Person__c', type: 'reference', referenceTo: ['Contact'] },
  { name: 'Vendor__c', type: 'reference', referenceTo: ['Vendor__c'] },
];

const properties: HubSpotPropertyDescription[] = [
  { name: 'hs_object_id', type: 'number', fieldType: 'number' },
  { name: 'hubspot_owner_id', type: 'enumeration', fieldType: 'select' },
  { name: 'project_name', type: 'string', fieldType: 'text' },
  { name: 'stage', type: 'enumeration', fieldType: 'select', options: ['Planned', 'Done'] },
  { name: 'GO_LIVE', type: 'date', fieldType: 'date' },
  { name: 'budget', type: 'number', fieldType: 'number' },
  { name: 'is_active', type: 'bool', fieldType: 'booleancheckbox' },
  { name: 'notes', type: 'number', fieldType: 'number' },
  { name: 'salesforceobjectid', type: 'string', fieldType: 'text' },
];

const salesforce: SalesforceObjectSchema = { name: 'Project__c', queryable: true, fields };
const hubspot: HubSpotObjectSchema = { objectTypeId: '2-7', fullyQualifiedName: 'p42_projects', primaryDisplayProperty: 'project_name', properties };

function entry(overrides: Partial<CustomObjectSync> = {}): CustomObjectSync {
  const parsed = parseSettings({ customObjects: [{ salesforceObject: 'Project__c', hubspotObjectType: 'p_projects', ...overrides }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.settings.customObjects[0]!;
}

describe('describeCustomObject: a customObjects entry and two live schemas → a link-matched description', () => {
  it('maps Name to the primary display property and Foo_Bar__c to foo_bar (any case) with the compatible value shape', () => {
    const { description } = describeCustomObject(entry(), salesforce, hubspot);
    expect(description.defaultMappings.map((mapping) => [mapping.salesforceField, mapping.hubspotProperty, mapping.value.kind, mapping.value.salesforceType])).toEqual([
      ['OwnerId', 'hubspot_owner_id', 'choice', 'reference'],
      ['Name', 'project_name', 'text', 'string'],
      ['Stage__c', 'stage', 'choice', 'picklist'],
      ['Go_Live__c', 'GO_LIVE', 'date', 'date'],
      ['Budget__c', 'budget', 'number', 'currency'],
      ['Is_Active__c', 'is_active', 'boolean', 'boolean'],
    ]);
    expect(description.defaultMappings.find((mapping) => mapping.salesforceField === 'Name')?.value.maxLength).toBe(80);
    expect(description.defaultMappings.every((mapping) => mapping.isDefault)).toBe(true);
  });

  it('lists incompatible, unmatched and unused lookup fields with the reason instead of guessing', () => {
    const { unmapped } = describeCustomObject(entry(), salesforce, hubspot);
    const reasons = Object.fromEntries(unmapped.map((field) => [field.salesforceField, field.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['Client__c', 'Lead_Person__c', 'Notes__c', 'Orphan__c', 'Vendor__c']);
    expect(reasons.Notes__c).toMatch(/a number property maps only to Salesforce double, int, long, currency or percent fields/);
    expect(reasons.Orphan__c).toBe('HubSpot p42_projects has no property orphan');
    expect(reasons.Client__c).toMatch(/companies association is not switched on/);
    expect(reasons.Vendor__c).toMatch(/a lookup to Vendor__c has no HubSpot counterpart/);
  });

  it('is one-way, link-only, with the entry delete rule, the stable type id and the Salesforce id property when the type has one', () => {
    const { description } = describeCustomObject(entry({ onSalesforceDelete: 'delete' }), salesforce, hubspot);
    expect(description).toMatchObject({
      name: 'Project__c',
      hubspotObjectType: '2-7',
      salesforceObjects: ['Project__c'],
      matchKey: { kind: 'link_only' },
      direction: 'salesforce_to_hubspot',
      onSalesforceDelete: 'delete',
      salesforceIdProperty: { Project__c: 'salesforceobjectid' },
    });
    const withoutId = describeCustomObject(entry(), salesforce, { ...hubspot, properties: properties.filter((property) => property.name !== 'salesforceobjectid') });
    expect(withoutId.description.salesforceIdProperty).toEqual({});
    expect(withoutId.unmapped.find((field) => field.salesforceField === 'Id')?.reason).toMatch(/no text property salesforce_id .* a create interrupted by a crash may be repeated/);
  });

  it("turns the entry's associations into lookups to the linked Contact, Account or Opportunity, and names the ones it cannot make", () => {
    const { description, unmapped } = describeCustomObject(entry({ associations: ['contacts', 'companies', 'deals'] }), salesforce, hubspot);
    expect(description.associations).toEqual([
      { hubspotObjectType: 'companies', salesforce: { via: 'lookup', on: 'Project__c', field: 'Client__c', references: 'Account' } },
      { hubspotObjectType: 'contacts', salesforce: { via: 'lookup', on: 'Project__c', field: 'Lead_Person__c', references: 'Contact' } },
    ]);
    expect(unmapped.find((field) => field.salesforceField === '(association)')?.reason).toBe('associations lists deals, but Project__c has no lookup to Opportunity');
  });

  it('a type without a primary display property leaves Name unmapped with the reason', () => {
    const { unmapped } = describeCustomObject(entry(), salesforce, { ...hubspot, primaryDisplayProperty: null });
    expect(unmapped.find((field) => field.salesforceField === 'Name')?.reason).toBe('HubSpot p42_projects has no primary display property to hold the record\'s name');
  });
});
