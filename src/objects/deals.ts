/**
 * HubSpot deals ↔ Salesforce Opportunities, when `deals.enabled` (SPEC section 3): stored link only, never
 * deduplicated. Deal stages meet Opportunity stages by label (`pipelineStage`); the engine reads the pipelines.
 * Deal types meet Opportunity types through the standard pairs (New Customer is newbusiness).
 */
import { dealTypeValues } from '../core/mapping/picklist-values.ts';
import { defaultMapping, ownerMapping, withValueMap } from './description.ts';
import type { LinkedObjectDescription } from './linked-description.ts';

export const dealsDescription: LinkedObjectDescription = {
  name: 'deals',
  hubspotObjectType: 'deals',
  salesforceObjects: ['Opportunity'],
  matchKey: { kind: 'link_only' },
  defaultMappings: [
    defaultMapping('dealname', 'Name', 'text', 'string'),
    defaultMapping('amount', 'Amount', 'number', 'currency'),
    // HubSpot's closedate is a datetime; an Opportunity's CloseDate is a date: the UTC day travels.
    defaultMapping('closedate', 'CloseDate', 'datetime', 'date'),
    defaultMapping('dealstage', 'StageName', 'choice', 'picklist'),
    withValueMap(defaultMapping('dealtype', 'Type', 'choice', 'picklist'), dealTypeValues),
    defaultMapping('description', 'Description', 'text', 'textarea'),
    ownerMapping(),
  ],
  deleteSettingKey: 'deals.onSalesforceDelete',
  enabledSettingKey: 'deals.enabled',
  // HubSpot's integration maps deal stages to Opportunity stages per pipeline; by label is its default pairing.
  pipelineStage: { hubspotProperty: 'dealstage', pipelineProperty: 'pipeline' },
  salesforceIdProperty: { Opportunity: 'salesforceopportunityid' },
  // Salesforce requires Name, StageName and CloseDate; a deal without them is refused with a property_value error, not guessed.
  requiredOnCreate: {},
  associations: [
    { hubspotObjectType: 'companies', salesforce: { via: 'lookup', on: 'Opportunity', field: 'AccountId' } },
    { hubspotObjectType: 'contacts', salesforce: { via: 'junction', object: 'OpportunityContactRole', thisSideField: 'OpportunityId', otherSideField: 'ContactId' } },
  ],
};
