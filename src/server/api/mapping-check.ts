/**
 * Checks a mapping edit (PUT /api/mappings/{object}) before anything is written, and turns it into the writes
 * to make: every problem is found at once and named by its field, so the editor can show them all.
 *
 * Types of custom mappings are checked by the engine's resolveMappingTypes on the live schema: the cycle asks
 * the same function whether a stored mapping syncs, so the API never accepts what the cycle would refuse.
 */
import type { FieldSyncRule } from '../../core/mapping/model.ts';
import { resolveMappingTypes, type MappingSchemaPort } from '../../engine/mapping-types.ts';
import type { MappingRow } from '../../engine/mappings.ts';
import type { SyncObjectDescription } from '../../objects/description.ts';
import type { ApiErrorBody, MappingInput } from './contract.ts';

export type MappingWrite =
  | { kind: 'remove'; hubspotProperty: string }
  | { kind: 'default_rule'; hubspotProperty: string; salesforceField: string; rule: FieldSyncRule }
  | { kind: 'custom'; hubspotProperty: string; salesforceField: string; rule: FieldSyncRule; replaces: boolean };

type Issues = NonNullable<ApiErrorBody['issues']>;

function fieldsOf(row: MappingRow): string[] {
  return Object.values(row.salesforceFields).filter((field): field is string => field !== null).map((field) => field.toLowerCase());
}

/**
 * The writes an edit makes and every reason it cannot be made, before any type check: defaults keep their
 * field and cannot be deleted, a field is mapped once, a property is edited once. The edit is refused if any
 * issue is found here or by `checkCustomTypes` on the custom writes.
 */
export function planMappingEdit(
  description: SyncObjectDescription,
  current: readonly MappingRow[],
  edit: { upsert: readonly MappingInput[]; remove: readonly string[] },
): { writes: MappingWrite[]; issues: Issues; pathOf: Map<string, string> } {
  const issues: Issues = [];
  const writes: MappingWrite[] = [];
  const byProperty = new Map(current.map((row) => [row.hubspotProperty, row]));
  const defaults = new Map(description.defaultMappings.map((mapping) => [mapping.hubspotProperty, mapping]));

  const seen = new Map<string, string>();
  const named = (property: string, path: string) => {
    const earlier = seen.get(property);
    if (earlier) issues.push({ path, message: `${property} is already edited at ${earlier}; one change per property` });
    else seen.set(property, path);
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
    taken.set(input.salesforceField.toLowerCase(), input.hubspotProperty);
    writes.push({ kind: 'custom', hubspotProperty: input.hubspotProperty, salesforceField: input.salesforceField, rule: input.rule, replaces: byProperty.has(input.hubspotProperty) });
  });

  return { writes, issues, pathOf: seen };
}

/**
 * Checks the custom writes' types and rules on the live schema; returns them with the field named as
 * Salesforce spells it, or every refusal at the path of the edit that caused it.
 */
export async function checkCustomTypes(
  description: SyncObjectDescription,
  writes: readonly MappingWrite[],
  pathOf: ReadonlyMap<string, string>,
  schema: MappingSchemaPort,
): Promise<{ ok: true; writes: MappingWrite[] } | { ok: false; issues: Issues }> {
  const custom = writes.filter((write): write is Extract<MappingWrite, { kind: 'custom' }> => write.kind === 'custom');
  if (custom.length === 0) return { ok: true, writes: [...writes] };
  const resolved = await resolveMappingTypes(
    description,
    custom.map((write) => ({ hubspotProperty: write.hubspotProperty, salesforceField: write.salesforceField, rule: write.rule, origin: 'custom' })),
    schema,
  );
  if (resolved.refused.length > 0) {
    return {
      ok: false,
      issues: resolved.refused.map((refusal) => {
        const at = pathOf.get(refusal.hubspotProperty) ?? 'upsert';
        const part = / have no property /.test(refusal.reason) ? 'hubspotProperty' : /^sync rule /.test(refusal.reason) ? 'rule' : 'salesforceField';
        return { path: `${at}.${part}`, message: refusal.reason };
      }),
    };
  }
  const canonical = new Map(resolved.mappings.map((mapping) => [mapping.hubspotProperty, mapping.salesforceField]));
  return { ok: true, writes: writes.map((write) => (write.kind === 'custom' ? { ...write, salesforceField: canonical.get(write.hubspotProperty) ?? write.salesforceField } : write)) };
}
