import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { chunks, type StoreContext } from './context.ts';
import type { IdLinksTable } from './schema.ts';

/** One HubSpot record and the Salesforce record it is synced with. */
export interface IdLink {
  /** Our stable id for the pair: a key that survives re-pointing, usable as an external id on either side. */
  linkId: string;
  /** 'contacts', 'companies', 'deals', 'tickets', 'notes', … */
  hubspotObjectType: string;
  hubspotId: string;
  /** 'Lead', 'Contact', 'Account', 'Opportunity', 'Case', 'Task', … */
  salesforceObject: string;
  /** The 18-character id: Salesforce's case-insensitive form, so one record has one spelling here. */
  salesforceId: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewIdLink = Pick<IdLink, 'hubspotObjectType' | 'hubspotId' | 'salesforceObject' | 'salesforceId'>;

export interface IdLinkConflict {
  requested: NewIdLink;
  /** Which side of the request is already linked, and to what. */
  side: 'hubspot' | 'salesforce';
  existing: IdLink;
}

export class IdLinkConflictError extends Error {
  constructor(readonly conflict: IdLinkConflict) {
    const { requested, existing, side } = conflict;
    super(
      side === 'hubspot'
        ? `HubSpot ${requested.hubspotObjectType} ${requested.hubspotId} is already linked to Salesforce ${existing.salesforceObject} ${existing.salesforceId}`
        : `Salesforce ${requested.salesforceObject} ${requested.salesforceId} is already linked to HubSpot ${existing.hubspotObjectType} ${existing.hubspotId}`,
    );
    this.name = 'IdLinkConflictError';
  }
}

/** What a re-pointing did, link by link, for the audit trail. */
export interface RelinkOutcome {
  /** Links now pointing at the surviving record (before → after). */
  moved: Array<{ before: IdLink; after: IdLink }>;
  created: IdLink[];
  /** Links dropped because the surviving record was already linked: their other side is now a duplicate to merge. */
  removed: IdLink[];
}

export interface LeadConversion {
  leadId: string;
  contactId: string;
  /** The Account the conversion created or chose, and the HubSpot company of the contact, when both exist. */
  accountId: string | null;
  hubspotCompanyId: string | null;
}

/**
 * The links between the two systems: one per record on each side, enforced by unique keys. Re-pointing after
 * a lead conversion or a merge happens in one transaction, so a crash never leaves a record linked twice or
 * a pair half-moved.
 */
export class IdLinksRepository {
  constructor(private readonly context: StoreContext) {}

  /** Links one pair; throws IdLinkConflictError when either record is already linked. */
  async link(link: NewIdLink, now: Date): Promise<IdLink> {
    const { linked, conflicts } = await this.linkMany([link], now);
    if (conflicts[0]) throw new IdLinkConflictError(conflicts[0]);
    return linked[0]!;
  }

  /**
   * Links many pairs in one round trip. A pair already linked exactly so is returned as linked (retrying a
   * batch is harmless); a pair whose record is linked to another is reported as a conflict, not inserted.
   */
  async linkMany(links: readonly NewIdLink[], now: Date): Promise<{ linked: IdLink[]; conflicts: IdLinkConflict[] }> {
    if (links.length === 0) return { linked: [], conflicts: [] };
    const at = now.toISOString();
    return this.context.transact(async (context) => {
      const { db } = context;
      const rows = links.map((link) => ({ ...link, linkId: randomUUID(), createdAt: at, updatedAt: at }));
      const linked: IdLink[] = [];
      for (const batch of chunks(rows, 100)) {
        const inserted = await db.insertInto('idLinks').values(batch).onConflict((oc) => oc.doNothing()).returningAll().execute();
        linked.push(...inserted.map(toIdLink));
      }
      if (linked.length === links.length) return { linked, conflicts: [] };
      const pairKey = (l: NewIdLink) => `${l.hubspotObjectType}\u0000${l.hubspotId}\u0000${l.salesforceId}`;
      const inserted = new Set(linked.map(pairKey));
      // A pair requested twice in one batch is inserted once; the repeat is reported against the first.
      const refused = links.filter((l) => !inserted.delete(pairKey(l)));
      const repo = new IdLinksRepository(context);
      const bySalesforce = await repo.findBySalesforceIds(refused.map((l) => l.salesforceId));
      const conflicts: IdLinkConflict[] = [];
      for (const requested of refused) {
        const existingSalesforce = bySalesforce.get(requested.salesforceId);
        if (existingSalesforce && sameRecords(existingSalesforce, requested)) {
          // Already linked exactly so (a retried batch): nothing to refuse.
          linked.push(existingSalesforce);
          continue;
        }
        if (existingSalesforce) {
          conflicts.push({ requested, side: 'salesforce', existing: existingSalesforce });
          continue;
        }
        const existingHubspot = (await repo.findByHubspotIds(requested.hubspotObjectType, [requested.hubspotId])).get(requested.hubspotId);
        if (existingHubspot) conflicts.push({ requested, side: 'hubspot', existing: existingHubspot });
      }
      return { linked, conflicts };
    });
  }

  async findByHubspotIds(hubspotObjectType: string, hubspotIds: readonly string[]): Promise<Map<string, IdLink>> {
    return this.findBy('hubspotId', hubspotIds, hubspotObjectType);
  }

  async findBySalesforceIds(salesforceIds: readonly string[]): Promise<Map<string, IdLink>> {
    return this.findBy('salesforceId', salesforceIds, null);
  }

  async findByLinkIds(linkIds: readonly string[]): Promise<Map<string, IdLink>> {
    return this.findBy('linkId', linkIds, null);
  }

  /** `forUpdate`: lock the rows found (PostgreSQL) so that two workers re-pointing one link take turns. */
  private async findBy(
    key: 'hubspotId' | 'salesforceId' | 'linkId',
    ids: readonly string[],
    hubspotObjectType: string | null,
    forUpdate = false,
  ): Promise<Map<string, IdLink>> {
    const found = new Map<string, IdLink>();
    for (const batch of chunks([...new Set(ids)])) {
      let query = this.context.db.selectFrom('idLinks').selectAll().where(key, 'in', batch);
      if (hubspotObjectType !== null) query = query.where('hubspotObjectType', '=', hubspotObjectType);
      // SQLite has no row locks and needs none: the immediate transaction already holds the database's write lock.
      if (forUpdate && this.context.dialect === 'postgres') query = query.forUpdate();
      for (const row of await query.execute()) found.set(row[key], toIdLink(row));
    }
    return found;
  }

  /** Every link of one HubSpot object type, in pages ordered by link id (for drift reconciliation). */
  async listPage(hubspotObjectType: string, afterLinkId: string | null, limit: number): Promise<IdLink[]> {
    let query = this.context.db.selectFrom('idLinks').selectAll().where('hubspotObjectType', '=', hubspotObjectType);
    if (afterLinkId !== null) query = query.where('linkId', '>', afterLinkId);
    const rows = await query.orderBy('linkId').limit(limit).execute();
    return rows.map(toIdLink);
  }

  /** How many pairs are linked, per HubSpot type and Salesforce object (Sync Health, import progress). */
  async countByObject(): Promise<Array<{ hubspotObjectType: string; salesforceObject: string; links: number }>> {
    const rows = await this.context.db
      .selectFrom('idLinks')
      .select(['hubspotObjectType', 'salesforceObject', (eb) => eb.fn.countAll<number>().as('links')])
      .groupBy(['hubspotObjectType', 'salesforceObject'])
      .orderBy('hubspotObjectType')
      .orderBy('salesforceObject')
      .execute();
    return rows.map((r) => ({ ...r, links: Number(r.links) }));
  }

  /** Drops a link (a record deleted on one side); its last-synced values go with it. */
  async unlink(linkId: string): Promise<boolean> {
    const result = await this.context.db.deleteFrom('idLinks').where('linkId', '=', linkId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * A converted lead (SPEC section 5): the contact's link moves from the Lead to the new Contact, and the
   * contact's HubSpot company is linked to the Account, so that no duplicate company is created for it.
   */
  async recordLeadConversion(conversion: LeadConversion, now: Date): Promise<RelinkOutcome> {
    return this.context.transact(async (context) => {
      const repo = new IdLinksRepository(context);
      const outcome = await repo.repointSalesforceRecords([conversion.leadId], { salesforceObject: 'Contact', salesforceId: conversion.contactId }, now);
      if (conversion.accountId !== null && conversion.hubspotCompanyId !== null) {
        const companyLinked = (await repo.findByHubspotIds('companies', [conversion.hubspotCompanyId])).size > 0;
        const accountLinked = (await repo.findBySalesforceIds([conversion.accountId])).size > 0;
        // Either side already linked (to each other or elsewhere) is the normal case of an existing Account.
        if (!companyLinked && !accountLinked) {
          const { linked } = await repo.linkMany(
            [{ hubspotObjectType: 'companies', hubspotId: conversion.hubspotCompanyId, salesforceObject: 'Account', salesforceId: conversion.accountId }],
            now,
          );
          outcome.created.push(...linked);
        }
      }
      return outcome;
    });
  }

  /** A Salesforce merge: links of the merged-away records move to the master record. */
  async recordSalesforceMerge(merge: { masterObject: string; masterId: string; mergedIds: readonly string[] }, now: Date): Promise<RelinkOutcome> {
    return this.context.transact((context) =>
      new IdLinksRepository(context).repointSalesforceRecords(merge.mergedIds, { salesforceObject: merge.masterObject, salesforceId: merge.masterId }, now),
    );
  }

  /**
   * A HubSpot merge: links of the merged records move to the surviving one (HubSpot's `newObjectId`, which
   * may be neither of the merged records).
   */
  async recordHubspotMerge(merge: { hubspotObjectType: string; survivingId: string; mergedIds: readonly string[] }, now: Date): Promise<RelinkOutcome> {
    return this.context.transact((context) =>
      new IdLinksRepository(context).repoint({ side: 'hubspot', hubspotObjectType: merge.hubspotObjectType }, merge.mergedIds, merge.survivingId, { hubspotId: merge.survivingId }, now),
    );
  }

  private repointSalesforceRecords(fromIds: readonly string[], to: { salesforceObject: string; salesforceId: string }, now: Date): Promise<RelinkOutcome> {
    return this.repoint({ side: 'salesforce' }, fromIds, to.salesforceId, to, now);
  }

  /**
   * Moves the links of `fromIds` (ids on one side) to the surviving record `toId` on that side. The first
   * link found moves; once the survivor is linked, the other links are dropped, since a record has one link.
   * Must run inside a transaction: it writes depending on what it read.
   */
  private async repoint(
    side: { side: 'salesforce' } | { side: 'hubspot'; hubspotObjectType: string },
    fromIds: readonly string[],
    toId: string,
    change: { salesforceObject: string; salesforceId: string } | { hubspotId: string },
    now: Date,
  ): Promise<RelinkOutcome> {
    const outcome: RelinkOutcome = { moved: [], created: [], removed: [] };
    const sources = fromIds.filter((id) => id !== toId);
    if (sources.length === 0) return outcome;
    const links =
      side.side === 'salesforce'
        ? await this.findBy('salesforceId', [...sources, toId], null, true)
        : await this.findBy('hubspotId', [...sources, toId], side.hubspotObjectType, true);
    let survivorLinked = links.has(toId);
    for (const id of sources) {
      const before = links.get(id);
      if (!before) continue;
      if (survivorLinked) {
        await this.context.db.deleteFrom('idLinks').where('linkId', '=', before.linkId).execute();
        outcome.removed.push(before);
        continue;
      }
      const row = await this.context.db
        .updateTable('idLinks')
        .set({ ...change, updatedAt: now.toISOString() })
        .where('linkId', '=', before.linkId)
        .returningAll()
        .executeTakeFirstOrThrow();
      outcome.moved.push({ before, after: toIdLink(row) });
      survivorLinked = true;
    }
    return outcome;
  }
}

function sameRecords(link: IdLink, pair: NewIdLink): boolean {
  return link.hubspotObjectType === pair.hubspotObjectType && link.hubspotId === pair.hubspotId && link.salesforceId === pair.salesforceId;
}

function toIdLink(row: Selectable<IdLinksTable>): IdLink {
  return { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}
