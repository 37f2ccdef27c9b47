/**
 * HubSpot deals ↔ Salesforce Opportunities, when `deals.enabled` (SPEC section 3): stored link only, never
 * deduplicated. Deal stages map per pipeline to Opportunity stages; the value mapping is the engine's, this
 * description only says the fields travel.
 */
import { defaultMapping, ownerMapping, type SyncObjectDescription } from './description.ts';

export const dealsDescription: SyncObjectDescription = {
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
    defaultMapping('dealtype', 'Type', 'choice', 'picklist'),
    defaultMapping('description', 'Description', 'text', 'textarea'),
    ownerMapping(),
  ],
  deleteSettingKey: 'deals.onSalesforceDelete',
  enabledSettingKey: 'deals.enabled',
  salesforceIdProperty: { Opportunity: 'salesforceopportunityid' },
  // Salesforce requires Name, StageName and CloseDate; a deal without them is refused with a property_value error, not guessed.
  requiredOnCreate: {},
  associations: [
    { hubspotObjectType: 'companies', salesforce: { via: 'lookup', on: 'Opportunity', field: 'AccountId' } },
    { hubspotObjectType: 'contacts', salesforce: { via: 'junction', object: 'OpportunityContactRole', thisSideField: 'OpportunityId', otherSideField: 'ContactId' } },
  ],
};
