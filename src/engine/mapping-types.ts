/**
 * The value types of a pair's field mappings, from the live schema of both systems (SPEC section 6).
 *
 * A default mapping carries its shape in src/objects; a custom one is stored as names and a rule only, so its
 * shape comes from HubSpot's property definition and Salesforce's describe, through the compatibility table
 * (src/core/mapping/compatibility.ts). Picklists on either side also take their live value lists here, so a
 * value the other side cannot hold is an error before any call (src/core/mapping/picklist-values.ts).
 *
 * `resolveMappingTypes` is what the cycle uses each run and what the HTTP API uses to validate a mapping before
 * storing it: one answer for "will this mapping sync?". `liveMappingSchema` reads each object's metadata once per
 * instance (make one per cycle: one HubSpot properties call and one describe per Salesforce object).
 */
import { z } from 'zod';
import { checkTypeCompatibility, liveChoices, syncRuleRefusal } from '../core/mapping/compatibility.ts';
import { validateMappingSet } from '../core/mapping/mapping-set.ts';
import type { FieldSyncRule, HubSpotPropertyDescription, SalesforceFieldDescription, TypedFieldMapping, ValueShape } from '../core/mapping/model.ts';
import type { HubSpotClient } from '../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../connectors/salesforce/client.ts';
import type { SyncObjectDescription } from '../objects/description.ts';

/** Both systems' metadata, as the resolver needs it (the HTTP API's CrmSchemaPort satisfies it too). */
export interface MappingSchemaPort {
  hubspotProperties(objectType: string): Promise<readonly HubSpotPropertyDescription[]>;
  salesforceFields(object: string): Promise<readonly SalesforceFieldDescription[]>;
}

/** A mapping as the store keeps it. */
export interface StoredMappingRow {
  hubspotProperty: string;
  salesforceField: string;
  rule: FieldSyncRule;
  origin: 'default' | 'custom';
}

export interface MappingTypeRefusal {
  hubspotProperty: string;
  salesforceField: string;
  /** A sentence naming both sides and what is wrong, for the admin. */
  reason: string;
}

export interface ResolvedMappings {
  /** Every mapping that syncs: the defaults (with the admin's rule) and the compatible custom mappings. */
  mappings: TypedFieldMapping[];
  /** Custom mappings that cannot sync, and why: reported, never synced with a guessed type. */
  refused: MappingTypeRefusal[];
}

export async function resolveMappingTypes(description: SyncObjectDescription, stored: readonly StoredMappingRow[], schema: MappingSchemaPort): Promise<ResolvedMappings> {
  const properties = new Map((await schema.hubspotProperties(description.hubspotObjectType)).map((property) => [property.name, property]));
  const fieldsByObject = new Map<string, Map<string, SalesforceFieldDescription>>();
  for (const object of description.salesforceObjects) {
    fieldsByObject.set(object, new Map((await schema.salesforceFields(object)).map((field) => [field.name.toLowerCase(), field])));
  }
  const ruleByProperty = new Map(stored.map((mapping) => [mapping.hubspotProperty, mapping.rule]));
  const mappings: TypedFieldMapping[] = description.defaultMappings.map((mapping) => {
    const firstObject = description.salesforceObjects[0] ?? '';
    const field = fieldsByObject.get(firstObject)?.get(mapping.salesforceField.toLowerCase());
    const property = properties.get(mapping.hubspotProperty);
    return { ...mapping, rule: ruleByProperty.get(mapping.hubspotProperty) ?? mapping.rule, value: withLiveChoices(mapping.value, property, field) };
  });

  const defaults = new Set(description.defaultMappings.map((mapping) => mapping.hubspotProperty));
  const refused: MappingTypeRefusal[] = [];
  for (const row of stored) {
    if (defaults.has(row.hubspotProperty)) continue;
    const typed = typeCustomMapping(description, row, properties.get(row.hubspotProperty), fieldsByObject);
    if (!typed.ok) {
      refused.push({ hubspotProperty: row.hubspotProperty, salesforceField: row.salesforceField, reason: typed.reason });
      continue;
    }
    const clash = validateMappingSet([...mappings, typed.mapping], description.salesforceObjects);
    if (clash.length > 0) refused.push({ hubspotProperty: row.hubspotProperty, salesforceField: row.salesforceField, reason: clash.join('; ') });
    else mappings.push(typed.mapping);
  }
  return { mappings, refused };
}

/** A default's picklists take the live value lists; its kind and Salesforce type stay the description's. */
function withLiveChoices(value: ValueShape, property: HubSpotPropertyDescription | undefined, field: SalesforceFieldDescription | undefined): ValueShape {
  const live = property && field ? liveChoices(property, field) : undefined;
  if (!live || (value.kind !== 'choice' && value.salesforceType !== 'picklist') || value.meaning === 'owner') return value;
  // A HubSpot free-text property has no options to respect, whatever its metadata says.
  const hubspot = value.kind === 'choice' ? live.hubspot : undefined;
  return { ...value, choices: { ...value.choices, ...(live.salesforce ? { salesforce: live.salesforce } : {}), ...(hubspot ? { hubspot } : {}) } };
}

function typeCustomMapping(
  description: SyncObjectDescription,
  row: StoredMappingRow,
  property: HubSpotPropertyDescription | undefined,
  fieldsByObject: ReadonlyMap<string, ReadonlyMap<string, SalesforceFieldDescription>>,
): { ok: true; mapping: TypedFieldMapping } | { ok: false; reason: string } {
  const pair = `${row.hubspotProperty} ↔ ${row.salesforceField}`;
  if (!property) return { ok: false, reason: `${pair}: HubSpot ${description.hubspotObjectType} have no property ${row.hubspotProperty}` };
  const present: Array<{ object: string; field: SalesforceFieldDescription; value: ValueShape }> = [];
  for (const object of description.salesforceObjects) {
    const field = fieldsByObject.get(object)?.get(row.salesforceField.toLowerCase());
    if (!field) continue;
    const compatibility = checkTypeCompatibility(property, field);
    if (!compatibility.ok) return { ok: false, reason: compatibility.reason };
    const refusal = syncRuleRefusal(property, field, row.rule);
    if (refusal) return { ok: false, reason: refusal };
    present.push({ object, field, value: compatibility.value });
  }
  const first = present[0];
  if (!first) return { ok: false, reason: `${pair}: Salesforce has no field ${row.salesforceField} on ${description.salesforceObjects.join(' or ')}` };
  const differing = present.find((entry) => entry.value.kind !== first.value.kind || entry.value.salesforceType !== first.value.salesforceType);
  if (differing) {
    return { ok: false, reason: `${pair}: ${row.salesforceField} is a ${first.value.salesforceType} on ${first.object} but a ${differing.value.salesforceType} on ${differing.object}; one mapping needs one type` };
  }
  // The mapping names the field on the pair's first object; objects without it are left out (`null`).
  const salesforceFieldOn: Record<string, string | null> = {};
  for (const object of description.salesforceObjects) {
    const entry = present.find((candidate) => candidate.object === object);
    if (!entry) salesforceFieldOn[object] = null;
    else if (entry.field.name !== first.field.name) salesforceFieldOn[object] = entry.field.name;
  }
  const maxLengths = present.flatMap((entry) => (entry.value.maxLength === undefined ? [] : [entry.value.maxLength]));
  const value: ValueShape = { ...first.value, ...(maxLengths.length > 0 ? { maxLength: Math.min(...maxLengths) } : {}) };
  return {
    ok: true,
    mapping: {
      hubspotProperty: row.hubspotProperty,
      salesforceField: first.field.name,
      rule: row.rule,
      isDefault: false,
      value,
      ...(Object.keys(salesforceFieldOn).length > 0 ? { salesforceFieldOn } : {}),
    },
  };
}

const describeSchema = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      updateable: z.boolean().optional(),
      length: z.number().optional(),
      referenceTo: z.array(z.string()).nullish(),
      restrictedPicklist: z.boolean().optional(),
      picklistValues: z.array(z.object({ value: z.string(), active: z.boolean().optional() })).nullish(),
    }),
  ),
});

/**
 * Metadata from the connectors, each object read once per instance. Salesforce describes count against the API
 * allocation like any call; one per object per cycle is the price of custom mappings and live picklists.
 */
export function liveMappingSchema(salesforce: Pick<SalesforceClient, 'describe'>, hubspot: Pick<HubSpotClient, 'properties'>): MappingSchemaPort {
  const properties = new Map<string, Promise<HubSpotPropertyDescription[]>>();
  const fields = new Map<string, Promise<SalesforceFieldDescription[]>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let cached = cache.get(key);
    if (!cached) {
      cached = read();
      cache.set(key, cached);
      cached.catch(() => cache.delete(key));
    }
    return cached;
  };
  return {
    hubspotProperties: (objectType) =>
      once(properties, objectType, async () =>
        (await hubspot.properties(objectType)).map((property) => ({
          name: property.name,
          type: property.type as HubSpotPropertyDescription['type'],
          fieldType: property.fieldType as HubSpotPropertyDescription['fieldType'],
          ...(property.readOnlyValue ? { readOnlyValue: true } : {}),
          ...(property.options.length > 0 ? { options: property.options } : {}),
        })),
      ),
    salesforceFields: (object) =>
      once(fields, object, async () => {
        const described = describeSchema.safeParse(await salesforce.describe(object));
        if (!described.success) throw new Error(`Salesforce describe of ${object} is not what crmsync expects: ${described.error.issues[0]?.message ?? 'unreadable'}`);
        return described.data.fields.map((field) => ({
          name: field.name,
          type: field.type as SalesforceFieldDescription['type'],
          ...(field.updateable === undefined ? {} : { updateable: field.updateable }),
          ...(field.length ? { length: field.length } : {}),
          ...(field.referenceTo && field.referenceTo.length > 0 ? { referenceTo: field.referenceTo } : {}),
          ...(field.picklistValues && field.picklistValues.length > 0
            ? { picklistValues: field.picklistValues.filter((entry) => entry.active !== false).map((entry) => entry.value), restrictedPicklist: field.restrictedPicklist === true }
            : {}),
        }));
      }),
  };
}
