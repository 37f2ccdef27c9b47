/**
 * The rules a set of field mappings for one synced pair must keep (SPEC section 6): one-to-one (a HubSpot
 * property or a Salesforce field is mapped at most once, per Salesforce object the set serves), the owner
 * mapping always two-way, default mappings never deleted.
 *
 * Contract: every function is pure and returns a new list or the refusal reasons; none throws on bad input.
 * - `validateMappingSet(mappings, salesforceObjects)` → the problems of a whole set (empty when it is valid).
 * - `addMapping`, `changeMappingRule`, `removeMapping` → `{ ok: true, mappings }` or `{ ok: false, reasons }`.
 * - `proposeMapping(property, field, rule, mappings, salesforceObjects)`: what the mappings API calls for a new
 *   mapping from the two sides' metadata: type compatibility, the rules the pair can honour, then the set rules.
 */
import { checkTypeCompatibility, syncRuleRefusal } from './compatibility.ts';
import { mappingsForSalesforceObject, type FieldSyncRule, type HubSpotPropertyDescription, type SalesforceFieldDescription, type TypedFieldMapping } from './model.ts';

export type MappingSetResult = { ok: true; mappings: TypedFieldMapping[] } | { ok: false; reasons: string[] };

/** HubSpot's owner mapping may show another rule but behaves two-way; crmsync says so instead of pretending. */
export function isOwnerMapping(mapping: Pick<TypedFieldMapping, 'value' | 'hubspotProperty'>): boolean {
  return mapping.value.meaning === 'owner' || mapping.hubspotProperty === 'hubspot_owner_id';
}

export function validateMappingSet(mappings: readonly TypedFieldMapping[], salesforceObjects: readonly string[]): string[] {
  const reasons: string[] = [];
  const byProperty = new Map<string, TypedFieldMapping>();
  for (const mapping of mappings) {
    const earlier = byProperty.get(mapping.hubspotProperty);
    if (earlier) reasons.push(`HubSpot property ${mapping.hubspotProperty} is already mapped to Salesforce field ${earlier.salesforceField}`);
    else byProperty.set(mapping.hubspotProperty, mapping);
    if (isOwnerMapping(mapping) && mapping.rule !== 'two_way') {
      reasons.push(`the owner mapping ${mapping.hubspotProperty} ↔ ${mapping.salesforceField} is always two_way, not ${mapping.rule}`);
    }
  }
  for (const salesforceObject of salesforceObjects) {
    const byField = new Map<string, string>();
    for (const mapping of mappingsForSalesforceObject(mappings, salesforceObject)) {
      const earlier = byField.get(mapping.salesforceField);
      if (earlier !== undefined) reasons.push(`Salesforce field ${salesforceObject}.${mapping.salesforceField} is already mapped to HubSpot property ${earlier}`);
      else byField.set(mapping.salesforceField, mapping.hubspotProperty);
    }
  }
  return reasons;
}

export function addMapping(mappings: readonly TypedFieldMapping[], added: TypedFieldMapping, salesforceObjects: readonly string[]): MappingSetResult {
  return checked([...mappings, { ...added, isDefault: false }], salesforceObjects);
}

export function proposeMapping(
  property: HubSpotPropertyDescription,
  field: SalesforceFieldDescription,
  rule: FieldSyncRule,
  mappings: readonly TypedFieldMapping[],
  salesforceObjects: readonly string[],
): MappingSetResult {
  const compatibility = checkTypeCompatibility(property, field);
  if (!compatibility.ok) return { ok: false, reasons: [compatibility.reason] };
  const refusal = syncRuleRefusal(property, field, rule);
  if (refusal) return { ok: false, reasons: [refusal] };
  return addMapping(mappings, { hubspotProperty: property.name, salesforceField: field.name, rule, isDefault: false, value: compatibility.value }, salesforceObjects);
}

export function changeMappingRule(mappings: readonly TypedFieldMapping[], hubspotProperty: string, rule: FieldSyncRule, salesforceObjects: readonly string[]): MappingSetResult {
  if (!mappings.some((mapping) => mapping.hubspotProperty === hubspotProperty)) return { ok: false, reasons: [`HubSpot property ${hubspotProperty} is not mapped`] };
  return checked(
    mappings.map((mapping) => (mapping.hubspotProperty === hubspotProperty ? { ...mapping, rule } : mapping)),
    salesforceObjects,
  );
}

export function removeMapping(mappings: readonly TypedFieldMapping[], hubspotProperty: string): MappingSetResult {
  const removed = mappings.find((mapping) => mapping.hubspotProperty === hubspotProperty);
  if (!removed) return { ok: false, reasons: [`HubSpot property ${hubspotProperty} is not mapped`] };
  if (removed.isDefault) {
    return { ok: false, reasons: [`the mapping ${hubspotProperty} ↔ ${removed.salesforceField} is a default mapping and cannot be deleted; set its rule to dont_sync to stop it`] };
  }
  return { ok: true, mappings: mappings.filter((mapping) => mapping !== removed) };
}

function checked(mappings: TypedFieldMapping[], salesforceObjects: readonly string[]): MappingSetResult {
  const reasons = validateMappingSet(mappings, salesforceObjects);
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, mappings };
}
