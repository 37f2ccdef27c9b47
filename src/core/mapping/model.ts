/**
 * The field-mapping model (SPEC section 6): which HubSpot property travels to which Salesforce field, under
 * which sync rule, and what kind of value it carries.
 *
 * Contract:
 * - A `FieldMapping` is what an admin sees and edits: `{ hubspotProperty, salesforceField, rule, isDefault }`.
 * - A `TypedFieldMapping` adds the `ValueShape` the planner converts with; default mappings carry theirs in
 *   src/objects, custom ones get theirs from `checkTypeCompatibility` on the two sides' metadata.
 * - One mapping may serve several Salesforce objects (a HubSpot contact is a Lead or a Contact): it names the
 *   field as it is on the first object, and `salesforceFieldOn` renames it (`Street` → `MailingStreet` on
 *   Contact) or leaves it out (`null`: `Company` exists on Lead only). `mappingsForSalesforceObject` resolves.
 */

/** SPEC section 6: which side wins for one mapped field. The store keeps the same names. */
export type FieldSyncRule =
  | 'prefer_salesforce_unless_blank'
  | 'always_use_salesforce'
  | 'two_way'
  | 'prefer_hubspot_unless_blank'
  | 'always_use_hubspot'
  | 'dont_sync';

export const fieldSyncRules: readonly FieldSyncRule[] = [
  'prefer_salesforce_unless_blank',
  'always_use_salesforce',
  'two_way',
  'prefer_hubspot_unless_blank',
  'always_use_hubspot',
  'dont_sync',
];

/** HubSpot's property `type` (the stored data type) as the properties API reports it. */
export type HubSpotPropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool' | 'phone_number' | 'object_coordinates' | 'json';

/** HubSpot's property `fieldType` (how the property is edited), which decides single vs multiple choice. */
export type HubSpotFieldType =
  | 'text'
  | 'textarea'
  | 'number'
  | 'date'
  | 'select'
  | 'radio'
  | 'checkbox'
  | 'booleancheckbox'
  | 'phonenumber'
  | 'calculation_equation'
  | 'html'
  | 'file';

export interface HubSpotPropertyDescription {
  name: string;
  type: HubSpotPropertyType;
  fieldType: HubSpotFieldType;
  /** HubSpot-calculated properties cannot be written; they may still feed Salesforce. */
  readOnlyValue?: boolean;
  /** An enumeration's option values (internal names, not labels): the only values HubSpot accepts. */
  options?: readonly string[];
}

/** Salesforce's `describe` field `type`. */
export type SalesforceFieldType =
  | 'string'
  | 'email'
  | 'phone'
  | 'url'
  | 'textarea'
  | 'picklist'
  | 'multipicklist'
  | 'reference'
  | 'boolean'
  | 'double'
  | 'int'
  | 'long'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'id'
  | 'address'
  | 'location'
  | 'combobox'
  | 'time'
  | 'base64'
  | 'encryptedstring'
  | 'anyType';

export interface SalesforceFieldDescription {
  name: string;
  type: SalesforceFieldType;
  /** `describe`'s extraTypeInfo 'richtextarea' / 'plaintextarea' and length matter little here; a textarea is text. */
  updateable?: boolean;
  /** `describe`'s length for text fields: the most characters Salesforce stores (FirstName 40, LastName 80). */
  length?: number;
  /** For a reference: the objects it may point to (OwnerId → ['User', 'Group']). */
  referenceTo?: string[];
  /** A picklist's active values, and whether the org refuses any other (`restrictedPicklist`). */
  picklistValues?: readonly string[];
  restrictedPicklist?: boolean;
}

/**
 * What a mapped value is, for conversion: one kind on both sides, plus the exact types where the wire forms
 * differ (a HubSpot date written to a Salesforce datetime, an integer field refusing decimals).
 */
export type ValueKind = 'text' | 'choice' | 'multi_choice' | 'boolean' | 'number' | 'date' | 'datetime';

export interface ValueShape {
  /** The kind of the HubSpot property; for dates, `date` or `datetime` as HubSpot stores it. */
  kind: ValueKind;
  salesforceType: SalesforceFieldType;
  /**
   * Values that mean something beyond their text: an owner id is translated through the owner map (SPEC
   * section 3: owners map by email); a state or country is matched to Salesforce's picklists (SPEC section 5).
   */
  meaning?: 'owner' | 'state' | 'country';
  /** For text written to Salesforce: its field length, checked before the call rather than refused by it. */
  maxLength?: number;
  /**
   * For a picklist on either side: the values each side accepts, from the live schema (absent when unknown),
   * and the standard translation between the two vendors' default values (src/core/mapping/picklist-values.ts).
   */
  choices?: PicklistChoices;
}

export interface PicklistChoices {
  /** Salesforce's active picklist values; `restricted`: the org refuses any other value. */
  salesforce?: { values: readonly string[]; restricted: boolean };
  /** HubSpot's option values for an enumeration property (HubSpot refuses any other). */
  hubspot?: readonly string[];
  /** Translation of the vendors' default values where a standard counterpart exists. */
  valueMap?: PicklistValueMap;
}

/** Both directions of one picklist translation; keys are matched case- and punctuation-insensitively. */
export interface PicklistValueMap {
  name: string;
  toSalesforce: Readonly<Record<string, string>>;
  toHubspot: Readonly<Record<string, string>>;
  /**
   * The map names every value that has a counterpart: a value neither side's list nor the map pairs is refused
   * even where the Salesforce picklist is open (Case Priority has no "Urgent"; sending HubSpot's URGENT would
   * invent a priority no Case page offers).
   */
  closed?: boolean;
}

export interface FieldMapping {
  hubspotProperty: string;
  /** The field's API name on the first Salesforce object the mapping serves. */
  salesforceField: string;
  rule: FieldSyncRule;
  /** Defaults are HubSpot's own mappings: they cannot be deleted, only have their rule changed. */
  isDefault: boolean;
  /** Per Salesforce object: another API name for the field there, or null when the object has no such field. */
  salesforceFieldOn?: Readonly<Record<string, string | null>>;
}

export interface TypedFieldMapping extends FieldMapping {
  value: ValueShape;
}

/** A mapping as it applies to one Salesforce object: `salesforceField` is that object's real API name. */
export interface ResolvedFieldMapping extends TypedFieldMapping {
  salesforceObject: string;
}

export function mappingsForSalesforceObject(mappings: readonly TypedFieldMapping[], salesforceObject: string): ResolvedFieldMapping[] {
  const resolved: ResolvedFieldMapping[] = [];
  for (const mapping of mappings) {
    const renamed = mapping.salesforceFieldOn?.[salesforceObject];
    if (renamed === null) continue;
    resolved.push({ ...mapping, salesforceField: renamed ?? mapping.salesforceField, salesforceObject });
  }
  return resolved;
}
