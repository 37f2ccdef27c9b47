/**
 * A synced pair of objects, described as data (STYLE: "an object is a description, not a new code path").
 *
 * Contract: a `SyncObjectDescription` says which HubSpot object type syncs with which Salesforce object(s),
 * how records are matched, the default field mappings (with the value shape each converts with), which setting
 * governs Salesforce deletes and sync at all, where the Salesforce id is kept on the HubSpot record, what
 * Salesforce requires on create, and which associations follow. The engine reads these; adding an object
 * should mostly be adding a description.
 */
import type { FieldSyncRule, PicklistValueMap, SalesforceFieldType, TypedFieldMapping, ValueKind, ValueShape } from '../core/mapping/model.ts';
import type { Settings } from '../core/settings.ts';

export type SyncObjectName = 'contacts' | 'companies' | 'deals' | 'tickets';

/** A custom object pair is named by its Salesforce API name (`Project__c`): mappings and checkpoints are kept under it. */
export type CustomObjectName = `${string}__c`;

/** How a record without a stored ID link finds its partner (SPEC section 3). */
export type MatchKey =
  /** People: email, trimmed and case-insensitive; a record without one never syncs. */
  | { kind: 'email'; hubspotProperty: string; salesforceField: string }
  /** Companies: the stored link, then the Account of the company's already-linked contacts; never the domain alone. */
  | { kind: 'link_then_associated_contacts' }
  /** Deals and tickets: the stored link only; no dedup. */
  | { kind: 'link_only' };

export interface AssociationDescription {
  /** The HubSpot object type at the other end (companies, contacts, deals, tickets). */
  hubspotObjectType: string;
  /** How Salesforce expresses it: a lookup field on this object, or a junction object. */
  /** `references`: the object the lookup points at, when the field's name does not say it (`Client__c` → Account). */
  salesforce: { via: 'lookup'; field: string; on: string; references?: string } | { via: 'junction'; object: string; thisSideField: string; otherSideField: string };
}

/** A field Salesforce refuses a create without; the placeholder is what HubSpot's integration also sends. */
export interface RequiredOnCreate {
  field: string;
  placeholder: string;
}

type DottedKeys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends Record<string, unknown> ? DottedKeys<T[K], `${Prefix}${K}.`> : `${Prefix}${K}`;
}[keyof T & string];

/** A settings key, checked against the settings type so a renamed setting breaks the description at compile time. */
export type SettingKey = DottedKeys<Settings>;

export interface SyncObjectDescription {
  name: SyncObjectName | CustomObjectName;
  hubspotObjectType: string;
  /** The first is the object a mapping names its field on; see `salesforceFieldOn` for the others. */
  salesforceObjects: readonly string[];
  matchKey: MatchKey;
  defaultMappings: readonly TypedFieldMapping[];
  /** The setting deciding whether a Salesforce delete deletes in HubSpot. A HubSpot delete never deletes in Salesforce. */
  deleteSettingKey: SettingKey;
  /** The setting switching the pair on; contacts always sync. */
  enabledSettingKey?: SettingKey;
  /** The HubSpot property holding the linked Salesforce id, per Salesforce object (SPEC section 5). */
  salesforceIdProperty: Readonly<Record<string, string>>;
  requiredOnCreate: Readonly<Record<string, readonly RequiredOnCreate[]>>;
  associations: readonly AssociationDescription[];
}

/** Builds a default mapping: HubSpot's defaults start as prefer_salesforce_unless_blank (SPEC section 6). */
export function defaultMapping(
  hubspotProperty: string,
  salesforceField: string,
  kind: ValueKind,
  salesforceType: SalesforceFieldType,
  options: { meaning?: ValueShape['meaning']; rule?: FieldSyncRule; salesforceFieldOn?: Readonly<Record<string, string | null>> } = {},
): TypedFieldMapping {
  const value: ValueShape = { kind, salesforceType };
  if (options.meaning) value.meaning = options.meaning;
  const mapping: TypedFieldMapping = { hubspotProperty, salesforceField, rule: options.rule ?? 'prefer_salesforce_unless_blank', isDefault: true, value };
  if (options.salesforceFieldOn) mapping.salesforceFieldOn = options.salesforceFieldOn;
  return mapping;
}

/** A picklist whose default values differ between the vendors: translated by its standard value map. */
export function withValueMap(mapping: TypedFieldMapping, valueMap: PicklistValueMap): TypedFieldMapping {
  return { ...mapping, value: { ...mapping.value, choices: { valueMap } } };
}

/** The owner mapping is two-way whatever HubSpot's UI shows (SPEC section 6); ids are translated by user email. */
export function ownerMapping(): TypedFieldMapping {
  return defaultMapping('hubspot_owner_id', 'OwnerId', 'choice', 'reference', { meaning: 'owner', rule: 'two_way' });
}
