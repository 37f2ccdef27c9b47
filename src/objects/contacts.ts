/**
 * HubSpot contacts ↔ Salesforce Leads and Contacts (SPEC sections 3, 5 and 6).
 *
 * One HubSpot person is a Lead or a Contact in Salesforce, so every mapping names the Lead field and says, in
 * `salesforceFieldOn.Contact`, what the Contact calls it: the same API name (no entry), a Mailing… address
 * field, or null where only a Lead has the field (Company, Website, Industry, AnnualRevenue, Status). A Contact's
 * company is its Account, which syncs through the company pair, not through a text field.
 * Default mappings follow HubSpot's own list (https://knowledge.hubspot.com/salesforce/map-hubspot-properties-to-salesforce-fields).
 *
 * Not mapped by default, on purpose: HubSpot's contact `numemployees` is a dropdown of ranges ("25-50") that no
 * Salesforce integer accepts, and `lifecyclestage` is moved by opportunity roles (src/core/rules/lifecycle.ts),
 * never copied to Salesforce.
 */
import { industryValues, leadStatusValues } from '../core/mapping/picklist-values.ts';
import { defaultMapping, ownerMapping, withValueMap, type SyncObjectDescription } from './description.ts';

const leadOnly = { Contact: null } as const;

export const contactsDescription: SyncObjectDescription = {
  name: 'contacts',
  hubspotObjectType: 'contacts',
  salesforceObjects: ['Lead', 'Contact'],
  matchKey: { kind: 'email', hubspotProperty: 'email', salesforceField: 'Email' },
  defaultMappings: [
    defaultMapping('email', 'Email', 'text', 'email'),
    defaultMapping('firstname', 'FirstName', 'text', 'string'),
    defaultMapping('lastname', 'LastName', 'text', 'string'),
    defaultMapping('salutation', 'Salutation', 'text', 'picklist'),
    defaultMapping('phone', 'Phone', 'text', 'phone'),
    defaultMapping('mobilephone', 'MobilePhone', 'text', 'phone'),
    defaultMapping('fax', 'Fax', 'text', 'phone'),
    defaultMapping('jobtitle', 'Title', 'text', 'string'),
    defaultMapping('address', 'Street', 'text', 'textarea', { salesforceFieldOn: { Contact: 'MailingStreet' } }),
    defaultMapping('city', 'City', 'text', 'string', { salesforceFieldOn: { Contact: 'MailingCity' } }),
    defaultMapping('state', 'State', 'text', 'string', { meaning: 'state', salesforceFieldOn: { Contact: 'MailingState' } }),
    defaultMapping('zip', 'PostalCode', 'text', 'string', { salesforceFieldOn: { Contact: 'MailingPostalCode' } }),
    defaultMapping('country', 'Country', 'text', 'string', { meaning: 'country', salesforceFieldOn: { Contact: 'MailingCountry' } }),
    defaultMapping('leadsource', 'LeadSource', 'text', 'picklist'),
    defaultMapping('company', 'Company', 'text', 'string', { salesforceFieldOn: leadOnly }),
    defaultMapping('website', 'Website', 'text', 'url', { salesforceFieldOn: leadOnly }),
    // HubSpot's contact industry is free text; Salesforce's is a picklist: HubSpot's own industry names ("Computer
    // Software") are matched to Salesforce's defaults, and a value a restricted picklist cannot hold is an error.
    withValueMap(defaultMapping('industry', 'Industry', 'text', 'picklist', { salesforceFieldOn: leadOnly }), industryValues),
    // A single-line text property on HubSpot contacts: a value that is not a number becomes a property_value error.
    defaultMapping('annualrevenue', 'AnnualRevenue', 'number', 'currency', { salesforceFieldOn: leadOnly }),
    // The default values differ (NEW vs Open - Not Contacted): translated both ways; a value with no counterpart
    // in the other side's list is a property_value error naming it.
    withValueMap(defaultMapping('hs_lead_status', 'Status', 'choice', 'picklist', { salesforceFieldOn: leadOnly }), leadStatusValues),
    ownerMapping(),
  ],
  deleteSettingKey: 'contacts.onSalesforceDelete',
  salesforceIdProperty: { Lead: 'salesforceleadid', Contact: 'salesforcecontactid' },
  // Salesforce refuses a Lead without LastName and Company; HubSpot's integration sends "[not provided]".
  requiredOnCreate: {
    Lead: [
      { field: 'LastName', placeholder: '[not provided]' },
      { field: 'Company', placeholder: '[not provided]' },
    ],
    Contact: [{ field: 'LastName', placeholder: '[not provided]' }],
  },
  associations: [{ hubspotObjectType: 'companies', salesforce: { via: 'lookup', on: 'Contact', field: 'AccountId' } }],
};
