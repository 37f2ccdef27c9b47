/**
 * HubSpot tickets ↔ Salesforce Cases, when `tickets.enabled` (SPEC section 3): stored link only, never deduplicated.
 * The ticket's pipeline stage meets Case `Status` by the stage's label, as deal stages meet StageName; priority
 * meets Case `Priority` by label, source meets `Origin` (a form is Web). A value with no counterpart (the stage "Waiting on contact", URGENT) is a
 * property_value error naming it, until the admin adds it on the other side or changes it.
 * A Case's contact and account are lookups (ContactId, AccountId): they follow the ticket's contact and company
 * associations through those records' own links.
 */
import { ticketPriorityValues, ticketSourceValues } from '../core/mapping/picklist-values.ts';
import { defaultMapping, ownerMapping, withValueMap } from './description.ts';
import type { LinkedObjectDescription } from './linked-description.ts';

export const ticketsDescription: LinkedObjectDescription = {
  name: 'tickets',
  hubspotObjectType: 'tickets',
  salesforceObjects: ['Case'],
  matchKey: { kind: 'link_only' },
  defaultMappings: [
    defaultMapping('subject', 'Subject', 'text', 'string'),
    defaultMapping('content', 'Description', 'text', 'textarea'),
    withValueMap(defaultMapping('hs_ticket_priority', 'Priority', 'choice', 'picklist'), ticketPriorityValues),
    defaultMapping('hs_pipeline_stage', 'Status', 'choice', 'picklist'),
    withValueMap(defaultMapping('source_type', 'Origin', 'choice', 'picklist'), ticketSourceValues),
    ownerMapping(),
  ],
  deleteSettingKey: 'tickets.onSalesforceDelete',
  enabledSettingKey: 'tickets.enabled',
  // HubSpot stores the stage id ("1"), Salesforce the status ("New"): the stage's label is what they share.
  pipelineStage: { hubspotProperty: 'hs_pipeline_stage', pipelineProperty: 'hs_pipeline' },
  // crmsync's own property: HubSpot's integration names only the lead, contact, account and opportunity id properties.
  salesforceIdProperty: { Case: 'salesforcecaseid' },
  salesforceNameField: 'Subject',
  requiredOnCreate: {},
  associations: [
    { hubspotObjectType: 'contacts', salesforce: { via: 'lookup', on: 'Case', field: 'ContactId' } },
    { hubspotObjectType: 'companies', salesforce: { via: 'lookup', on: 'Case', field: 'AccountId' } },
  ],
};
