/**
 * A link-matched pair as the engine reads and writes it, all from its description: the mappings in force (with
 * deal stages meeting StageName by label), which fields and properties to ask each vendor for, the parent lookups,
 * and vendors' records turned into the planner's shapes (src/core/linked/plan.ts).
 */
import type { SalesforceValue } from '../../core/mapping/convert.ts';
import type { PicklistValueMap, TypedFieldMapping } from '../../core/mapping/model.ts';
import { picklistKey } from '../../core/mapping/picklist-values.ts';
import type { LinkedHubspotRecord, LinkedPairFacts, LinkedSalesforceRecord, ParentLookup } from '../../core/linked/plan.ts';
import type { Settings } from '../../core/settings.ts';
import type { HubSpotClient, HubSpotObject } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient, SalesforceRecord } from '../../connectors/salesforce/client.ts';
import { syncObjectDescriptions, type LinkedObjectDescription } from '../../objects/index.ts';
import { parseSalesforceDateTime } from '../detect/salesforce-poll.ts';
import { liveMappingSchema, resolveMappingTypes, type MappingTypeRefusal } from '../mapping-types.ts';
import type { ContactRepositories } from '../contacts/ports.ts';

export function salesforceObjectOf(description: LinkedObjectDescription): string {
  const object = description.salesforceObjects[0];
  if (!object) throw new TypeError(`the ${description.name} description names no Salesforce object`);
  return object;
}

/** Whether the pair is switched on; a description without a setting always syncs. */
export function isEnabled(description: LinkedObjectDescription, settings: Settings): boolean {
  if (!description.enabledSettingKey) return true;
  return readSetting(settings, description.enabledSettingKey) === true;
}

export function readSetting(settings: Settings, key: string): unknown {
  return key.split('.').reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), settings);
}

/**
 * Lookups from this object to a parent that syncs (Opportunity.AccountId → the deal's company), from the
 * description's associations: only parents whose own pair is on, since a parent that never syncs would keep
 * every child waiting.
 */
export function parentLookups(description: LinkedObjectDescription, settings: Settings): ParentLookup[] {
  const object = salesforceObjectOf(description);
  const parents: ParentLookup[] = [];
  for (const association of description.associations) {
    const salesforce = association.salesforce;
    if (salesforce.via !== 'lookup' || salesforce.on !== object) continue;
    const parent = Object.values(syncObjectDescriptions).find((candidate) => candidate.hubspotObjectType === association.hubspotObjectType);
    if (!parent || (parent.enabledSettingKey && readSetting(settings, parent.enabledSettingKey) !== true)) continue;
    const label = salesforce.references ?? salesforce.field.replace(/Id$/, '');
    parents.push({ key: `@${association.hubspotObjectType}`, salesforceField: salesforce.field, hubspotObjectType: association.hubspotObjectType, label });
  }
  return parents;
}

export function pairFacts(description: LinkedObjectDescription, settings: Settings): LinkedPairFacts {
  const object = salesforceObjectOf(description);
  const onDelete = description.onSalesforceDelete ?? readSetting(settings, description.deleteSettingKey);
  const idProperty = description.salesforceIdProperty[object];
  return {
    name: description.name,
    salesforceObject: object,
    ...(idProperty ? { salesforceIdProperty: idProperty } : {}),
    requiredOnCreate: description.requiredOnCreate[object] ?? [],
    onSalesforceDelete: onDelete === 'delete' ? 'delete' : 'do_nothing',
    parents: parentLookups(description, settings),
    ...(description.direction ? { direction: description.direction } : {}),
  };
}

export interface LinkedMappings {
  mappings: TypedFieldMapping[];
  refused: MappingTypeRefusal[];
  /** Stage id → its pipeline id, for records HubSpot creates. */
  pipelineOfStage: Map<string, string>;
}

/**
 * The mappings in force (defaults with the admin's rule, custom mappings typed from the live schema) and, for a
 * pipeline stage property, the translation between stage ids and labels: HubSpot stores `closedwon`, Salesforce
 * `Closed Won`, and the label is what they share. Stages of the first pipeline win a label both pipelines use.
 */
export async function linkedMappings(description: LinkedObjectDescription, store: Pick<ContactRepositories, 'fieldMappings'>, salesforce: SalesforceClient, hubspot: HubSpotClient): Promise<LinkedMappings> {
  const { mappings, refused } = await resolveMappingTypes(description, await store.fieldMappings.list(description.name), liveMappingSchema(salesforce, hubspot));
  const pipelineOfStage = new Map<string, string>();
  const stage = description.pipelineStage;
  const index = stage ? mappings.findIndex((mapping) => mapping.hubspotProperty === stage.hubspotProperty) : -1;
  if (stage && index >= 0) {
    const toSalesforce: Record<string, string> = {};
    const toHubspot: Record<string, string> = {};
    for (const pipeline of await hubspot.pipelines(description.hubspotObjectType)) {
      for (const { id, label } of pipeline.stages) {
        pipelineOfStage.set(id, pipeline.id);
        toSalesforce[picklistKey(id)] ??= label;
        toHubspot[picklistKey(label)] ??= id;
      }
    }
    const valueMap: PicklistValueMap = { name: `${description.hubspotObjectType} stages`, toSalesforce, toHubspot };
    const mapping = mappings[index]!;
    mappings[index] = { ...mapping, value: { ...mapping.value, choices: { ...mapping.value.choices, valueMap } } };
  }
  return { mappings, refused, pipelineOfStage };
}

export function salesforceFieldsToRead(facts: LinkedPairFacts, mappings: readonly TypedFieldMapping[]): string[] {
  const fields = new Map<string, string>();
  const wanted = ['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', ...mappings.map((mapping) => mapping.salesforceFieldOn?.[facts.salesforceObject] ?? mapping.salesforceField), ...facts.parents.map((parent) => parent.salesforceField)];
  // SOQL refuses a field named twice, in any casing.
  for (const field of wanted) if (field) fields.set(field.toLowerCase(), field);
  return [...fields.values()];
}

export function hubspotPropertiesToRead(description: LinkedObjectDescription, facts: LinkedPairFacts, mappings: readonly TypedFieldMapping[]): string[] {
  const extra = [description.pipelineStage?.pipelineProperty, facts.salesforceIdProperty].filter((property): property is string => property !== undefined);
  return [...new Set(['createdate', 'hs_lastmodifieddate', ...extra, ...mappings.map((mapping) => mapping.hubspotProperty)])];
}

export function toLinkedSalesforce(record: SalesforceRecord): LinkedSalesforceRecord {
  const fields: Record<string, SalesforceValue> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = value;
  }
  return { id: String(record.Id), fields, modifiedAt: parseSalesforceDateTime(record.LastModifiedDate ?? record.SystemModstamp) };
}

export function toLinkedHubspot(record: HubSpotObject, parents?: Record<string, string | null>): LinkedHubspotRecord {
  return {
    id: record.id,
    properties: record.properties,
    modifiedAt: Date.parse(record.properties.hs_lastmodifieddate ?? record.updatedAt),
    ...(record.archived ? { deleted: true } : {}),
    ...(parents ? { parents } : {}),
  };
}
