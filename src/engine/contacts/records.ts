/**
 * The contact pair as the engine reads and writes it: which mappings are in force, which fields and properties to
 * ask each vendor for, and the vendors' records turned into the planner's shapes (src/core/plan.ts).
 */
import type { HubspotContactRecord, SalesforcePersonRecord, ContactPairFacts } from '../../core/plan.ts';
import { mappingsForSalesforceObject, type TypedFieldMapping } from '../../core/mapping/model.ts';
import type { SalesforceValue } from '../../core/mapping/convert.ts';
import type { SalesforcePersonObject } from '../../core/rules/contact-identity.ts';
import type { HubSpotObject } from '../../connectors/hubspot/client.ts';
import type { SalesforceRecord } from '../../connectors/salesforce/client.ts';
import { contactsDescription } from '../../objects/contacts.ts';
import { parseSalesforceDateTime } from '../detect/salesforce-poll.ts';
import { resolveMappingTypes, type MappingSchemaPort, type MappingTypeRefusal } from '../mapping-types.ts';
import type { ContactRepositories } from './ports.ts';

export const PERSON_OBJECTS: readonly SalesforcePersonObject[] = ['Lead', 'Contact'];
export const HUBSPOT_CONTACTS = contactsDescription.hubspotObjectType;

export const contactPairFacts: ContactPairFacts = {
  salesforceIdProperty: contactsDescription.salesforceIdProperty,
  requiredOnCreate: contactsDescription.requiredOnCreate,
};

export interface ContactMappings {
  /** The typed mappings the planner decides with: the defaults and the custom mappings the live schema types. */
  mappings: TypedFieldMapping[];
  /** Custom mappings that cannot sync (a type the other side cannot hold, a field that does not exist), and why. */
  refused: MappingTypeRefusal[];
}

/**
 * The mappings in force: the description's defaults with the rule the admin chose (defaults cannot be deleted,
 * only set to dont_sync) and the admin's custom mappings, typed from both systems' live schema.
 */
export async function contactMappings(store: Pick<ContactRepositories, 'fieldMappings'>, schema: MappingSchemaPort): Promise<ContactMappings> {
  return resolveMappingTypes(contactsDescription, await store.fieldMappings.list(contactsDescription.name), schema);
}

/**
 * HubSpot's "Recent Conversion Date", the time of the contact's latest form submission (a default contact
 * property: https://knowledge.hubspot.com/properties/hubspots-default-contact-properties): changes a form made
 * go before bulk updates when the Salesforce budget is short.
 */
export const FORM_SUBMISSION_PROPERTY = 'recent_conversion_date';

/** Fields every Salesforce person read carries, besides the mapped ones: identity, times, and the record's fate. */
const personFields: Record<SalesforcePersonObject, readonly string[]> = {
  Lead: ['Id', 'Email', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'IsConverted', 'ConvertedContactId', 'ConvertedAccountId'],
  Contact: ['Id', 'Email', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'AccountId'],
};

export function salesforceFieldsToRead(object: SalesforcePersonObject, mappings: readonly TypedFieldMapping[]): string[] {
  const fields = new Map<string, string>();
  for (const field of [...personFields[object], ...mappingsForSalesforceObject(mappings, object).map((mapping) => mapping.salesforceField)]) {
    // SOQL refuses a field named twice, in any casing.
    fields.set(field.toLowerCase(), field);
  }
  return [...fields.values()];
}

export function hubspotPropertiesToRead(mappings: readonly TypedFieldMapping[]): string[] {
  // lifecyclestage: opportunity roles move it forward only, from the stage the contact has. hs_additional_emails:
  // a contact is also known by the emails of the contacts merged into it; without them a merged person's own record
  // would look like another person's (a duplicate contact made for it).
  return [...new Set(['email', 'hs_additional_emails', 'createdate', 'hs_lastmodifieddate', 'lifecyclestage', FORM_SUBMISSION_PROPERTY, ...Object.values(contactsDescription.salesforceIdProperty), ...mappings.map((mapping) => mapping.hubspotProperty)])];
}

export function toSalesforcePerson(object: SalesforcePersonObject, record: SalesforceRecord): SalesforcePersonRecord {
  const fields: Record<string, SalesforceValue> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = value;
  }
  const converted = object === 'Lead' && record.IsConverted === true && typeof record.ConvertedContactId === 'string';
  return {
    object,
    id: String(record.Id),
    fields,
    createdAt: parseSalesforceDateTime(record.CreatedDate),
    modifiedAt: parseSalesforceDateTime(record.LastModifiedDate),
    ...(converted ? { converted: { contactId: String(record.ConvertedContactId), accountId: typeof record.ConvertedAccountId === 'string' ? record.ConvertedAccountId : null } } : {}),
  };
}

export function toHubspotContact(record: HubSpotObject, propertyChangedAt?: Readonly<Record<string, number>>): HubspotContactRecord {
  const modified = record.properties.hs_lastmodifieddate ?? record.updatedAt;
  return {
    id: record.id,
    properties: record.properties,
    createdAt: Date.parse(record.properties.createdate ?? record.createdAt),
    modifiedAt: Date.parse(modified),
    ...(propertyChangedAt ? { propertyChangedAt } : {}),
    ...(record.archived ? { deleted: true } : {}),
  };
}

/** HubSpot's per-property history, newest first: the time each property last took its current value. */
export function propertyChangeTimes(record: HubSpotObject): Record<string, number> {
  const times: Record<string, number> = {};
  for (const [property, history] of Object.entries(record.propertiesWithHistory ?? {})) {
    const newest = history.reduce((latest, entry) => Math.max(latest, Date.parse(entry.timestamp)), Number.NEGATIVE_INFINITY);
    if (Number.isFinite(newest)) times[property] = newest;
  }
  return times;
}

export const isPersonObject = (object: string): object is SalesforcePersonObject => object === 'Lead' || object === 'Contact';
export const salesforceKey = (object: string, id: string): string => `${object}:${id}`;

/**
 * SOQL `IN (…)` lists for many values, each small enough for Salesforce's documented 4,000-character limit on a
 * WHERE clause (the whole statement may be 100,000), quoted and escaped as SOQL string literals.
 */
export function soqlInLists(values: readonly string[], budget = 3_900): string[] {
  const lists: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    const literal = `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    if (current.length > 0 && length + literal.length + 2 > budget) {
      lists.push(current.join(', '));
      current = [];
      length = 0;
    }
    current.push(literal);
    length += literal.length + 2;
  }
  if (current.length > 0) lists.push(current.join(', '));
  return lists;
}
