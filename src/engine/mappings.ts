import type { FieldSyncRule } from '../core/mapping/model.ts';
import type { SyncObjectDescription } from '../objects/description.ts';

/** What mapping listings need of the store (the store's FieldMappingsRepository satisfies it). */
export interface FieldMappingsPort {
  list(objectPair: string): Promise<Array<{ hubspotProperty: string; salesforceField: string; rule: FieldSyncRule; origin: 'default' | 'custom' }>>;
}

export interface MappingRow {
  hubspotProperty: string;
  /** Per Salesforce object of the pair: the field's API name there, or null when that object has no such field. */
  salesforceFields: Record<string, string | null>;
  rule: FieldSyncRule;
  origin: 'default' | 'custom';
}

/**
 * The mappings in force for a pair: the description's defaults with any rule the admin changed (defaults
 * cannot be deleted, SPEC section 6), then the admin's own mappings.
 */
export async function listMappings(store: FieldMappingsPort, description: SyncObjectDescription): Promise<MappingRow[]> {
  const stored = await store.list(description.name);
  const storedByProperty = new Map(stored.map((mapping) => [mapping.hubspotProperty, mapping]));
  const fieldsFor = (field: string, renames: Readonly<Record<string, string | null>> | undefined) =>
    Object.fromEntries(description.salesforceObjects.map((object, index) => [object, index === 0 ? field : renames?.[object] === undefined ? field : (renames[object] ?? null)]));
  const defaults: MappingRow[] = description.defaultMappings.map((mapping) => ({
    hubspotProperty: mapping.hubspotProperty,
    salesforceFields: fieldsFor(mapping.salesforceField, mapping.salesforceFieldOn),
    rule: storedByProperty.get(mapping.hubspotProperty)?.rule ?? mapping.rule,
    origin: 'default',
  }));
  const defaultProperties = new Set(description.defaultMappings.map((mapping) => mapping.hubspotProperty));
  const custom: MappingRow[] = stored
    .filter((mapping) => mapping.origin === 'custom' && !defaultProperties.has(mapping.hubspotProperty))
    .map((mapping) => ({ hubspotProperty: mapping.hubspotProperty, salesforceFields: fieldsFor(mapping.salesforceField, undefined), rule: mapping.rule, origin: 'custom' }));
  return [...defaults, ...custom];
}

/** A fixed-width table a terminal shows well. */
export function formatMappingTable(rows: readonly MappingRow[], salesforceObjects: readonly string[]): string {
  const header = ['HubSpot property', ...salesforceObjects.map((object) => `Salesforce ${object}`), 'rule', 'origin'];
  const lines = rows.map((row) => [row.hubspotProperty, ...salesforceObjects.map((object) => row.salesforceFields[object] ?? '—'), row.rule, row.origin]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const render = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}
