import type { Selectable } from 'kysely';
import { chunks, parseJson, type StoreContext } from './context.ts';
import type { AuditEntry as PortAuditEntry } from '../engine/contacts/ports.ts';
import type { AuditTrailTable } from './schema.ts';

/** An audit row as stored: the engine's AuditEntry (the port this repository implements) and its row id. */
export interface AuditEntry extends NewAuditEntry {
  id: number;
}
export type NewAuditEntry = PortAuditEntry;

/** Append-only: entries are never changed, only pruned past the retention period. */
export class AuditTrailRepository {
  constructor(private readonly context: StoreContext) {}

  async append(entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => ({ ...entry, at: entry.at.toISOString(), changes: JSON.stringify(entry.changes) }));
    await this.context.transact(async ({ db }) => {
      for (const batch of chunks(rows, 200)) await db.insertInto('auditTrail').values(batch).execute();
    });
  }

  /** One record's history, newest first. */
  async listForRecord(recordId: string, limit: number): Promise<AuditEntry[]> {
    const rows = await this.context.db.selectFrom('auditTrail').selectAll().where('recordId', '=', recordId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toAuditEntry);
  }

  /**
   * Each record's newest entry, for many records in one query per chunk: what happened to it last. `actions` narrows
   * it to the newest of those actions (what happened last to its link, say, past the property writes that follow).
   */
  async latestForRecords(recordIds: readonly string[], actions?: readonly string[]): Promise<Map<string, AuditEntry>> {
    const latest = new Map<string, AuditEntry>();
    for (const batch of chunks([...new Set(recordIds)], 500)) {
      let newest = this.context.db.selectFrom('auditTrail').select((eb) => eb.fn.max('id').as('id')).where('recordId', 'in', batch);
      if (actions && actions.length > 0) newest = newest.where('action', 'in', [...actions]);
      newest = newest.groupBy('recordId');
      const rows = await this.context.db.selectFrom('auditTrail').selectAll().where('id', 'in', newest).execute();
      for (const row of rows) if (row.recordId !== null) latest.set(row.recordId, toAuditEntry(row));
    }
    return latest;
  }

  /** Newest first; pass the last id seen as `beforeId` for the next page. */
  async listRecent(limit: number, beforeId?: number): Promise<AuditEntry[]> {
    let query = this.context.db.selectFrom('auditTrail').selectAll();
    if (beforeId !== undefined) query = query.where('id', '<', beforeId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toAuditEntry);
  }

  /** Deletes entries older than `cutoff` (the retention period); returns how many. */
  async pruneBefore(cutoff: Date): Promise<number> {
    const result = await this.context.db.deleteFrom('auditTrail').where('at', '<', cutoff.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toAuditEntry(row: Selectable<AuditTrailTable>): AuditEntry {
  return {
    ...row,
    at: new Date(row.at),
    system: row.system as AuditEntry['system'],
    changes: parseJson(row.changes, `audit entry ${row.id}`) as Record<string, unknown>,
  };
}
