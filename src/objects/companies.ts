/**
 * HubSpot companies ↔ Salesforce Accounts, when `companies.enabled` (SPEC section 3). Matched by the stored
 * link, then by the Account of the company's linked contacts; never by domain alone (HubSpot's integration
 * does the same: https://knowledge.hubspot.com/salesforce/sync-salesforce-accounts-to-hubspot).
 */
import { industryValues } from '../core/mapping/picklist-values.ts';
import { defaultMapping, ownerMapping, withValueMap, type SyncObjectDescription } from './description.ts';

export const companiesDescription: SyncObjectDescription = {
  name: 'companies',
  hubspotObjectType: 'companies',
  salesforceObjects: ['Account'],
  matchKey: { kind: 'link_then_associated_contacts' },
  defaultMappings: [
    defaultMapping('name', 'Name', 'text', 'string'),
    defaultMapping('domain', 'Website', 'text', 'url'),
    defaultMapping('phone', 'Phone', 'text', 'phone'),
    defaultMapping('address', 'BillingStreet', 'text', 'textarea'),
    defaultMapping('city', 'BillingCity', 'text', 'string'),
    defaultMapping('state', 'BillingState', 'text', 'string', { meaning: 'state' }),
    defaultMapping('zip', 'BillingPostalCode', 'text', 'string'),
    defaultMapping('country', 'BillingCountry', 'text', 'string', { meaning: 'country' }),
    // HubSpot's company industry is a dropdown with its own values (COMPUTER_SOFTWARE): they meet Salesforce's
    // Industry picklist through the same standard pairs as a lead's industry (Technology ↔ COMPUTER_SOFTWARE).
    withValueMap(defaultMapping('industry', 'Industry', 'choice', 'picklist'), industryValues),
    defaultMapping('annualrevenue', 'AnnualRevenue', 'number', 'currency'),
    defaultMapping('numberofemployees', 'NumberOfEmployees', 'number', 'int'),
    defaultMapping('description', 'Description', 'text', 'textarea'),
    ownerMapping(),
  ],
  deleteSettingKey: 'companies.onSalesforceDelete',
  enabledSettingKey: 'companies.enabled',
  salesforceIdProperty: { Account: 'salesforceaccountid' },
  requiredOnCreate: { Account: [{ field: 'Name', placeholder: '[not provided]' }] },
  associations: [{ hubspotObjectType: 'contacts', salesforce: { via: 'lookup', on: 'Contact', field: 'AccountId' } }],
};
