import { sql } from 'kysely';
import { chunks, parseJson, type StoreContext } from './context.ts';

/**
 * The value each linked pair held for a field after crmsync last synced it. It is what makes "most recent
 * change wins" decidable (which side moved away from it) and what suppresses echoes: a change that arrives
 * carrying exactly the value we wrote is our own write coming back.
 */
export interface SyncedValue {
  linkId: string;
  field: string;
  /** Any JSON value; null means blank was synced. */
  value: unknown;
  syncedAt: Date;
}

export class SyncedValuesRepository {
  constructor(private readonly context: StoreContext) {}

  /** Records many values in one transaction; a later value for the same (link, field) replaces the earlier. */
  async upsertMany(values: ReadonlyArray<{ linkId: string; field: string; value: unknown }>, now: Date): Promise<void> {
    if (values.length === 0) return;
    const syncedAt = now.toISOString();
    // One statement cannot touch the same key twice (PostgreSQL refuses it): keep the last of each.
    const latest = new Map(values.map((v) => [`${v.linkId}\u0000${v.field}`, v]));
    const rows = [...latest.values()].map((v) => ({ linkId: v.linkId, field: v.field, value: JSON.stringify(v.value ?? null), syncedAt }));
    await this.context.transact(async ({ db }) => {
      for (const batch of chunks(rows, 200)) {
        await db
          .insertInto('syncedValues')
          .values(batch)
          .onConflict((oc) => oc.columns(['linkId', 'field']).doUpdateSet({ value: sql.ref('excluded.value'), syncedAt: sql.ref('excluded.synced_at') }))
          .execute();
      }
    });
  }

  /** The values of many links: link id → field → value. Links never synced are absent. */
  async readForLinks(linkIds: readonly string[]): Promise<Map<string, Map<string, SyncedValue>>> {
    const found = new Map<string, Map<string, SyncedValue>>();
    for (const batch of chunks([...new Set(linkIds)])) {
      const rows = await this.context.db.selectFrom('syncedValues').selectAll().where('linkId', 'in', batch).execute();
      for (const row of rows) {
        let fields = found.get(row.linkId);
        if (!fields) found.set(row.linkId, (fields = new Map()));
        fields.set(row.field, { linkId: row.linkId, field: row.field, value: parseJson(row.value, `synced value ${row.field}`), syncedAt: new Date(row.syncedAt) });
      }
    }
    return found;
  }

  /** Forgets fields of one link, e.g. after a mapping is removed, so a re-added mapping starts fresh. */
  async forget(linkId: string, fields: readonly string[]): Promise<void> {
    if (fields.length === 0) return;
    await this.context.db.deleteFrom('syncedValues').where('linkId', '=', linkId).where('field', 'in', [...fields]).execute();
  }
}
