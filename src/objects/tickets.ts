/**
 * HubSpot tickets ↔ Salesforce Cases, when `tickets.enabled` (SPEC section 3): stored link only. Priority and
 * status values differ between the systems (HIGH vs High, pipeline stage ids vs Case statuses); refused values
 * surface as property_value errors until the admin aligns them.
 */
import { defaultMapping, ownerMapping, type SyncObjectDescription } from './description.ts';

export const ticketsDescription: SyncObjectDescription = {
  name: 'tickets',
  hubspotObjectType: 'tickets',
  salesforceObjects: ['Case'],
  matchKey: { kind: 'link_only' },
  defaultMappings: [
    defaultMapping('subject', 'Subject', 'text', 'string'),
    defaultMapping('content', 'Description', 'text', 'textarea'),
    defaultMapping('hs_ticket_priority', 'Priority', 'choice', 'picklist'),
    defaultMapping('hs_pipeline_stage', 'Status', 'choice', 'picklist'),
    defaultMapping('source_type', 'Origin', 'choice', 'picklist'),
    ownerMapping(),
  ],
  deleteSettingKey: 'tickets.onSalesforceDelete',
  enabledSettingKey: 'tickets.enabled',
  // crmsync's own property: HubSpot's integration names only the lead, contact, account and opportunity id properties.
  salesforceIdProperty: { Case: 'salesforcecaseid' },
  requiredOnCreate: {},
  associations: [
    { hubspotObjectType: 'contacts', salesforce: { via: 'lookup', on: 'Case', field: 'ContactId' } },
    { hubspotObjectType: 'companies', salesforce: { via: 'lookup', on: 'Case', field: 'AccountId' } },
  ],
};
