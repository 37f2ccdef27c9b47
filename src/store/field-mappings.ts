import type { FieldSyncRule } from '../core/mapping/model.ts';
import type { StoreContext } from './context.ts';

export type { FieldSyncRule };

export interface FieldMapping {
  /** The synced pair, named by its HubSpot object type: 'contacts' serves both Lead and Contact. */
  objectPair: string;
  hubspotProperty: string;
  salesforceField: string;
  rule: FieldSyncRule;
  /** Defaults are HubSpot's own mappings and cannot be deleted; custom ones are the admin's. */
  origin: 'default' | 'custom';
}

export class FieldMappingConflictError extends Error {
  constructor(
    readonly objectPair: string,
    readonly side: 'hubspotProperty' | 'salesforceField',
    readonly mappedName: string,
    readonly existing: FieldMapping,
  ) {
    super(
      side === 'hubspotProperty'
        ? `HubSpot property ${mappedName} is already mapped to Salesforce field ${existing.salesforceField} for ${objectPair}`
        : `Salesforce field ${mappedName} is already mapped to HubSpot property ${existing.hubspotProperty} for ${objectPair}`,
    );
    this.name = 'FieldMappingConflictError';
  }
}

export class FieldMappingNotFoundError extends Error {
  constructor(objectPair: string, hubspotProperty: string) {
    super(`no mapping of HubSpot property ${hubspotProperty} exists for ${objectPair}`);
    this.name = 'FieldMappingNotFoundError';
  }
}

/**
 * Field mappings per synced pair. The unique keys (one mapping per HubSpot property and per Salesforce field
 * within a pair) live in the schema, so a concurrent double add cannot slip past a check done in code.
 */
export class FieldMappingsRepository {
  constructor(private readonly context: StoreContext) {}

  async list(objectPair: string): Promise<FieldMapping[]> {
    const rows = await this.context.db
      .selectFrom('fieldMappings')
      .select(['objectPair', 'hubspotProperty', 'salesforceField', 'rule', 'origin'])
      .where('objectPair', '=', objectPair)
      .orderBy('createdAt')
      .orderBy('hubspotProperty')
      .execute();
    return rows.map(toFieldMapping);
  }

  /** Adds a mapping; throws FieldMappingConflictError naming the property or field already mapped. */
  async add(mapping: FieldMapping, now: Date): Promise<void> {
    const at = now.toISOString();
    const result = await this.context.db
      .insertInto('fieldMappings')
      .values({ ...mapping, createdAt: at, updatedAt: at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (result.numInsertedOrUpdatedRows === 1n) return;
    const clash = await this.context.db
      .selectFrom('fieldMappings')
      .select(['objectPair', 'hubspotProperty', 'salesforceField', 'rule', 'origin'])
      .where('objectPair', '=', mapping.objectPair)
      .where((eb) => eb.or([eb('hubspotProperty', '=', mapping.hubspotProperty), eb('salesforceField', '=', mapping.salesforceField)]))
      .executeTakeFirstOrThrow();
    const side = clash.hubspotProperty === mapping.hubspotProperty ? 'hubspotProperty' : 'salesforceField';
    throw new FieldMappingConflictError(mapping.objectPair, side, mapping[side], toFieldMapping(clash));
  }

  /** Inserts the default mappings that are missing, leaving the admin's edits to existing ones alone. */
  async ensureDefaults(objectPair: string, defaults: ReadonlyArray<Omit<FieldMapping, 'objectPair' | 'origin'>>, now: Date): Promise<number> {
    if (defaults.length === 0) return 0;
    const at = now.toISOString();
    const result = await this.context.db
      .insertInto('fieldMappings')
      .values(defaults.map((d) => ({ ...d, objectPair, origin: 'default', createdAt: at, updatedAt: at })))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  }

  async changeRule(objectPair: string, hubspotProperty: string, rule: FieldSyncRule, now: Date): Promise<void> {
    const result = await this.context.db
      .updateTable('fieldMappings')
      .set({ rule, updatedAt: now.toISOString() })
      .where('objectPair', '=', objectPair)
      .where('hubspotProperty', '=', hubspotProperty)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new FieldMappingNotFoundError(objectPair, hubspotProperty);
  }

  /** Removes a custom mapping. Defaults cannot be deleted (SPEC section 6): set their rule to dont_sync. */
  async remove(objectPair: string, hubspotProperty: string): Promise<void> {
    const result = await this.context.db
      .deleteFrom('fieldMappings')
      .where('objectPair', '=', objectPair)
      .where('hubspotProperty', '=', hubspotProperty)
      .where('origin', '=', 'custom')
      .executeTakeFirst();
    if (result.numDeletedRows === 1n) return;
    const exists = await this.context.db
      .selectFrom('fieldMappings')
      .select('origin')
      .where('objectPair', '=', objectPair)
      .where('hubspotProperty', '=', hubspotProperty)
      .executeTakeFirst();
    if (!exists) throw new FieldMappingNotFoundError(objectPair, hubspotProperty);
    throw new Error(`the mapping of ${hubspotProperty} for ${objectPair} is a default and cannot be deleted; set its rule to dont_sync instead`);
  }
}

function toFieldMapping(row: { objectPair: string; hubspotProperty: string; salesforceField: string; rule: string; origin: string }): FieldMapping {
  return { ...row, rule: row.rule as FieldSyncRule, origin: row.origin as FieldMapping['origin'] };
}
