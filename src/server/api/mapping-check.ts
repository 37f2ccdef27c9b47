/**
 * Checks a mapping edit (PUT /api/mappings/{object}) before anything is written, and turns it into the writes
 * to make: every problem is found at once and named by its field, so the editor can show them all.
 *
 * The type checks run src/core/mapping/compatibility.ts on the live schema read through the CrmSchemaPort
 * (the engine's resolveMappingTypes did not exist when this was written).
 */
import { checkTypeCompatibility, syncRuleRefusal } from '../../core/mapping/compatibility.ts';
import type { FieldSyncRule } from '../../core/mapping/model.ts';
import type { MappingRow } from '../../engine/mappings.ts';
import type { SyncObjectDescription } from '../../objects/description.ts';
import type { ApiErrorBody, MappingInput } from './contract.ts';
import type { CrmSchemaPort, HubSpotPropertySchema, SalesforceFieldSchema } from './crm-schema.ts';

export type MappingWrite =
  | { kind: 'remove'; hubspotProperty: string }
  | { kind: 'default_rule'; hubspotProperty: string; salesforceField: string; rule: FieldSyncRule }
  | { kind: 'custom'; hubspotProperty: string; salesforceField: string; rule: FieldSyncRule; replaces: boolean };

type Issues = NonNullable<ApiErrorBody['issues']>;

export interface LiveSchema {
  hubspot: Map<string, HubSpotPropertySchema>;
  /** Per Salesforce object, fields by lower-case API name (Salesforce names are case-insensitive). */
  salesforce: Map<string, Map<string, SalesforceFieldSchema>>;
}

export async function readLiveSchema(port: CrmSchemaPort, description: SyncObjectDescription): Promise<LiveSchema> {
  const properties = await port.hubspotProperties(description.hubspotObjectType);
  const salesforce = new Map<string, Map<string, SalesforceFieldSchema>>();
  for (const object of description.salesforceObjects) {
    salesforce.set(object, new Map((await port.salesforceFields(object)).map((field) => [field.name.toLowerCase(), field])));
  }
  return { hubspot: new Map(properties.map((property) => [property.name, property])), salesforce };
}

function fieldsOf(row: MappingRow): string[] {
  return Object.values(row.salesforceFields).filter((field): field is string => field !== null).map((field) => field.toLowerCase());
}

/**
 * The writes an edit makes, or every reason it cannot be made. `schema` is needed only when the edit adds or
 * re-points a custom mapping; without it such an edit is refused with `schemaMissing`.
 */
export function planMappingEdit(
  description: SyncObjectDescription,
  current: readonly MappingRow[],
  edit: { upsert: readonly MappingInput[]; remove: readonly string[] },
  schema: LiveSchema | null,
): { ok: true; writes: MappingWrite[] } | { ok: false; issues: Issues } {
  const issues: Issues = [];
  const writes: MappingWrite[] = [];
  const byProperty = new Map(current.map((row) => [row.hubspotProperty, row]));
  const defaults = new Map(description.defaultMappings.map((mapping) => [mapping.hubspotProperty, mapping]));
  const firstObject = description.salesforceObjects[0]!;

  const seen = new Map<string, string>();
  const named = (property: string, path: string) => {
    const earlier = seen.get(property);
    if (earlier) issues.push({ path, message: `${property} is already edited at ${earlier}; one change per property` });
    seen.set(property, path);
  };

  edit.remove.forEach((property, index) => {
    const path = `remove.${index}`;
    named(property, path);
    const row = byProperty.get(property);
    if (!row) issues.push({ path, message: `no mapping of HubSpot property ${property} exists for ${description.name}` });
    else if (row.origin === 'default') issues.push({ path, message: `the mapping of ${property} is a default and cannot be deleted; set its rule to dont_sync instead` });
    else writes.push({ kind: 'remove', hubspotProperty: property });
  });

  // Salesforce fields taken once the edit is made: every mapping that stays, by the property that holds it.
  const removed = new Set(writes.map((write) => write.hubspotProperty));
  const taken = new Map<string, string>();
  for (const row of current) if (!removed.has(row.hubspotProperty)) for (const field of fieldsOf(row)) taken.set(field, row.hubspotProperty);
  const editedCustom = new Set(edit.upsert.filter((input) => !defaults.has(input.hubspotProperty)).map((input) => input.hubspotProperty));
  for (const [field, property] of [...taken]) if (editedCustom.has(property)) taken.delete(field);

  edit.upsert.forEach((input, index) => {
    const path = `upsert.${index}`;
    named(input.hubspotProperty, path);
    const fallback = defaults.get(input.hubspotProperty);
    if (fallback) {
      if (input.salesforceField.toLowerCase() !== fallback.salesforceField.toLowerCase()) {
        issues.push({
          path: `${path}.salesforceField`,
          message: `${input.hubspotProperty} has a default mapping to ${fallback.salesforceField}, which cannot be re-pointed; only its rule can change`,
        });
        return;
      }
      if (fallback.value.meaning === 'owner' && input.rule !== 'two_way') {
        issues.push({ path: `${path}.rule`, message: `the owner mapping is always two_way (SPEC section 6), not ${input.rule}` });
        return;
      }
      writes.push({ kind: 'default_rule', hubspotProperty: input.hubspotProperty, salesforceField: fallback.salesforceField, rule: input.rule });
      return;
    }

    const holder = taken.get(input.salesforceField.toLowerCase());
    if (holder !== undefined) {
      issues.push({ path: `${path}.salesforceField`, message: `Salesforce field ${input.salesforceField} is already mapped to HubSpot property ${holder} for ${description.name}` });
      return;
    }
    if (!schema) {
      issues.push({ path: `${path}.salesforceField`, message: 'a custom mapping is checked against the live schema of both systems, which this server cannot read' });
      return;
    }
    const property = schema.hubspot.get(input.hubspotProperty);
    if (!property) {
      issues.push({ path: `${path}.hubspotProperty`, message: `HubSpot ${description.hubspotObjectType} have no property ${input.hubspotProperty}` });
      return;
    }
    let canonical = input.salesforceField;
    for (const object of description.salesforceObjects) {
      const field = schema.salesforce.get(object)?.get(input.salesforceField.toLowerCase());
      if (!field) {
        const served = description.salesforceObjects.length > 1 ? `; a ${description.name} mapping serves ${description.salesforceObjects.join(' and ')}, so the field must exist on each` : '';
        issues.push({ path: `${path}.salesforceField`, message: `Salesforce ${object} has no field ${input.salesforceField}${served}` });
        return;
      }
      if (object === firstObject) canonical = field.name;
      const compatible = checkTypeCompatibility(property, field);
      if (!compatible.ok) {
        issues.push({ path: `${path}.salesforceField`, message: compatible.reason });
        return;
      }
      const refusal = syncRuleRefusal(property, field, input.rule);
      if (refusal) {
        issues.push({ path: `${path}.rule`, message: refusal });
        return;
      }
    }
    taken.set(canonical.toLowerCase(), input.hubspotProperty);
    writes.push({ kind: 'custom', hubspotProperty: input.hubspotProperty, salesforceField: canonical, rule: input.rule, replaces: byProperty.has(input.hubspotProperty) });
  });

  return issues.length > 0 ? { ok: false, issues } : { ok: true, writes };
}
