/**
 * A Salesforce custom object → HubSpot custom object pair, made from one `customObjects` setting entry and the two
 * live schemas (SPEC section 3: "custom object | Something__c | Salesforce → HubSpot | stored ID link").
 *
 * Unlike the standard pairs, the mappings cannot be written down in advance: they depend on the fields and
 * properties the admin created. So the description is computed, purely, from what the vendors say:
 * - Name → the HubSpot type's primary display property; each custom field `Foo_Bar__c` → the property named
 *   `foo_bar` (case-insensitive), when the types are compatible (SPEC section 6); OwnerId → hubspot_owner_id.
 *   A field with no such property, or an incompatible one, is listed in `unmapped` with the reason, never guessed.
 * - One direction. HubSpot's own custom object sync has read-only create and update rules (Salesforce → HubSpot)
 *   and lets the admin choose only what a Salesforce delete does (research: mission-hubspot-sf.md §9).
 * - The lookups to Contact, Account and Opportunity named by the entry's `associations` become HubSpot
 *   associations with the linked records; other lookups are listed as unmapped.
 * The engine (src/engine/custom-objects.ts) reads the schemas and runs the result through the same link-matched
 * path as companies and deals.
 */
import { checkTypeCompatibility } from '../core/mapping/compatibility.ts';
import type { HubSpotPropertyDescription, SalesforceFieldDescription, TypedFieldMapping } from '../core/mapping/model.ts';
import type { CustomObjectSync } from '../core/settings.ts';
import { defaultMapping, ownerMapping, type AssociationDescription } from './description.ts';
import type { LinkedObjectDescription } from './linked-description.ts';

/** What Salesforce's describe says of the object, as far as a description needs it. */
export interface SalesforceObjectSchema {
  name: string;
  /** describe's `queryable`: false when the integration user may not read the object. */
  queryable: boolean;
  fields: readonly SalesforceFieldDescription[];
}

/** What HubSpot's schemas API says of the custom object type. */
export interface HubSpotObjectSchema {
  /** `2-123`: stable, where `p_projects` is a name an admin could reuse after deleting the type. */
  objectTypeId: string;
  fullyQualifiedName: string;
  primaryDisplayProperty: string | null;
  properties: readonly HubSpotPropertyDescription[];
}

export interface UnmappedField {
  salesforceField: string;
  reason: string;
}

export interface CustomObjectDescription {
  description: LinkedObjectDescription;
  /** Fields of the object that do not sync, each with why: the admin maps them by hand or adds the property. */
  unmapped: UnmappedField[];
}

/** The entry's association names, and the Salesforce object a lookup must point at to express each. */
const associationTargets: Readonly<Record<string, string>> = { contacts: 'Contact', companies: 'Account', deals: 'Opportunity' };

/** HubSpot properties that may keep the Salesforce id, in the spellings admins use (SPEC section 5 names the standard ones). */
const salesforceIdPropertyPattern = /^(salesforce_?(object_?)?id|salesforce_?record_?id)$/i;

export function describeCustomObject(entry: CustomObjectSync, salesforce: SalesforceObjectSchema, hubspot: HubSpotObjectSchema): CustomObjectDescription {
  const object = salesforce.name;
  const properties = new Map(hubspot.properties.map((property) => [property.name.toLowerCase(), property]));
  const unmapped: UnmappedField[] = [];
  const mappings: TypedFieldMapping[] = [];
  const taken = new Set<string>();
  const map = (field: SalesforceFieldDescription, property: HubSpotPropertyDescription | undefined, missing: string): void => {
    if (!property) return void unmapped.push({ salesforceField: field.name, reason: missing });
    if (taken.has(property.name)) return void unmapped.push({ salesforceField: field.name, reason: `HubSpot property ${property.name} is already mapped` });
    const compatibility = checkTypeCompatibility(property, field);
    if (!compatibility.ok) return void unmapped.push({ salesforceField: field.name, reason: compatibility.reason });
    taken.add(property.name);
    const mapping = defaultMapping(property.name, field.name, compatibility.value.kind, compatibility.value.salesforceType);
    mappings.push({ ...mapping, value: compatibility.value });
  };

  const associations: AssociationDescription[] = [];
  const wanted = new Set(entry.associations);
  for (const field of salesforce.fields) {
    if (field.name === 'Name') {
      const primary = hubspot.primaryDisplayProperty ? properties.get(hubspot.primaryDisplayProperty.toLowerCase()) : undefined;
      map(field, primary, `HubSpot ${hubspot.fullyQualifiedName} has no primary display property to hold the record's name`);
    } else if (field.name === 'OwnerId') {
      if (properties.has('hubspot_owner_id')) {
        mappings.push(ownerMapping());
        taken.add('hubspot_owner_id');
      } else unmapped.push({ salesforceField: field.name, reason: `HubSpot ${hubspot.fullyQualifiedName} has no hubspot_owner_id property` });
    } else if (field.name.endsWith('__c') && field.type === 'reference') {
      const target = Object.entries(associationTargets).find(([, salesforceObject]) => field.referenceTo?.includes(salesforceObject));
      if (target && wanted.has(target[0])) {
        if (!associations.some((association) => association.hubspotObjectType === target[0])) {
          associations.push({ hubspotObjectType: target[0], salesforce: { via: 'lookup', on: object, field: field.name, references: target[1] } });
        }
      } else {
        const why = target ? `its ${target[0]} association is not switched on in the customObjects entry` : `a lookup to ${field.referenceTo?.join(' or ') ?? 'another object'} has no HubSpot counterpart`;
        unmapped.push({ salesforceField: field.name, reason: `${field.name} is a lookup: ${why}` });
      }
    } else if (field.name.endsWith('__c')) {
      const name = field.name.slice(0, -'__c'.length).toLowerCase();
      map(field, properties.get(name), `HubSpot ${hubspot.fullyQualifiedName} has no property ${name}`);
    }
  }
  for (const name of wanted) {
    if (!associations.some((association) => association.hubspotObjectType === name)) {
      const target = associationTargets[name];
      unmapped.push({ salesforceField: '(association)', reason: target ? `associations lists ${name}, but ${object} has no lookup to ${target}` : `associations lists ${name}; custom objects associate with contacts, companies or deals` });
    }
  }

  const idProperty = hubspot.properties.find((property) => salesforceIdPropertyPattern.test(property.name) && property.type === 'string');
  if (!idProperty) {
    // Without it a HubSpot create cut off before its link is stored cannot be recognised, and is made again.
    unmapped.push({ salesforceField: 'Id', reason: `HubSpot ${hubspot.fullyQualifiedName} has no text property salesforce_id to keep the Salesforce id: a create interrupted by a crash may be repeated; add one` });
  }
  const description: LinkedObjectDescription = {
    name: object as `${string}__c`,
    hubspotObjectType: hubspot.objectTypeId,
    salesforceObjects: [object],
    matchKey: { kind: 'link_only' },
    defaultMappings: mappings,
    // The rule is the entry's own (`onSalesforceDelete` below); the key names where it is set.
    deleteSettingKey: 'customObjects',
    onSalesforceDelete: entry.onSalesforceDelete,
    direction: 'salesforce_to_hubspot',
    salesforceIdProperty: idProperty ? { [object]: idProperty.name } : {},
    requiredOnCreate: {},
    associations,
  };
  return { description, unmapped };
}
