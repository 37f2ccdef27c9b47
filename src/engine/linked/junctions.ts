/**
 * Junction associations of a link-matched pair (its description's `via: 'junction'` associations: a deal's contacts
 * as OpportunityContactRole rows), kept in step both ways, in batch. Runs after the pair's own plan was applied,
 * so pairs created this cycle are linked already.
 *
 * Which pairs: those the pair's cycle read (changed on either side, hinted, partners), and the records whose
 * junction rows changed in Salesforce: rows polled on SystemModstamp (pages of 2,000) and rows deleted since the
 * checkpoint through queryAll (IsDeleted), as gather.ts reads the records themselves. HubSpot does not move a
 * record's modification time when an association changes; its associationChange webhook (a trigger hint) or any
 * change to the record brings the pair here.
 * Reads: links (store), the HubSpot associations (v4 batch read, 100 a call), the rows (SOQL, `IN` lists), the
 * other records' links. Writes: rows created and deleted through sObject Collections (200 a call), HubSpot
 * associations added and removed through the v4 batch API (100 a call). The set both sides hold is remembered per
 * pair beside the last-synced values (`~OpportunityContactRole`), only once none of the pair's writes failed.
 */
import { planJunctionSync, type JunctionPair } from '../../core/linked/junction.ts';
import type { HubSpotClient } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { AssociationDescription } from '../../objects/description.ts';
import type { LinkedObjectDescription } from '../../objects/index.ts';
import type { CheckpointAdvance } from '../contacts/gather.ts';
import type { Settings } from '../../core/settings.ts';
import type { AuditEntry, ContactSyncStore, SyncErrorReport } from '../contacts/ports.ts';
import type { RecordHint } from '../detect/triggers.ts';
import { syncChildLookup, type ChildLookupSummary } from './child-lookups.ts';
import { soqlInLists } from '../contacts/records.ts';
import { noPages, pollSalesforceChanges, soqlDateTime, type SalesforceChangedBatch } from '../detect/salesforce-poll.ts';
import { readCursor, type LinkedStore } from './gather.ts';
import { salesforceObjectOf } from './records.ts';

type Junction = Extract<AssociationDescription['salesforce'], { via: 'junction' }>;

export interface JunctionSummary {
  salesforce: { created: number; deleted: number; failed: number };
  hubspot: { created: number; deleted: number; failed: number };
  skipped: number;
}

export interface AssociationContext {
  now: Date;
  runId: string;
  settings: Settings;
  overlapMs: number;
  /** The trigger hub's hints for this cycle: HubSpot records whose associations changed. */
  hints: readonly RecordHint[];
  /** The pair's records this cycle read, on each side. */
  hubspotIds: readonly string[];
  salesforceIds: readonly string[];
  /** An import page: a SOQL condition on the pair's object selecting the page's records (src/engine/import). */
  importScope?: { condition: string; ids: readonly string[] };
}

export type AssociationSources = { salesforce: SalesforceClient; hubspot: HubSpotClient; store: LinkedStore & ContactSyncStore };

export interface AssociationSummary {
  junctions: JunctionSummary;
  childLookups: ChildLookupSummary;
}

/** For a summary whose pair keeps no junction or child lookup (activities write their own associations). */
export function noAssociations(): AssociationSummary {
  return {
    junctions: { salesforce: { created: 0, deleted: 0, failed: 0 }, hubspot: { created: 0, deleted: 0, failed: 0 }, skipped: 0 },
    childLookups: { salesforce: { updated: 0, failed: 0 }, hubspot: { moved: 0 } },
  };
}

/**
 * The associations a pair's own plan does not carry, from its description: junctions (OpportunityContactRole)
 * and children's lookups to it (Contact.AccountId on the companies pair). Its own lookups to parents
 * (Opportunity.AccountId) are fields of the plan.
 */
export async function syncAssociations(description: LinkedObjectDescription, sources: AssociationSources, context: AssociationContext): Promise<{ summary: AssociationSummary; checkpoints: CheckpointAdvance[] }> {
  const summary: AssociationSummary = {
    junctions: { salesforce: { created: 0, deleted: 0, failed: 0 }, hubspot: { created: 0, deleted: 0, failed: 0 }, skipped: 0 },
    childLookups: { salesforce: { updated: 0, failed: 0 }, hubspot: { moved: 0 } },
  };
  const checkpoints: CheckpointAdvance[] = [];
  const object = salesforceObjectOf(description);
  for (const { hubspotObjectType, salesforce } of description.associations) {
    if (salesforce.via === 'junction') checkpoints.push(...(await syncJunction(description, hubspotObjectType, salesforce, sources, context, summary.junctions)));
    else if (salesforce.on !== object) {
      const child = { hubspotType: hubspotObjectType, salesforceObject: salesforce.on, field: salesforce.field };
      checkpoints.push(...(await syncChildLookup(description, child, sources, context, summary.childLookups)));
    }
  }
  return { summary, checkpoints };
}

/** An audit row of an association step. */
export function auditEntry(
  context: Pick<AssociationContext, 'now' | 'runId'>,
  target: Pick<AuditEntry, 'system' | 'object' | 'recordId' | 'linkId'>,
  action: string,
  changes: Record<string, unknown>,
  reason: string,
): AuditEntry {
  return { at: context.now, ...target, action, changes, reason, runId: context.runId };
}

async function syncJunction(
  description: LinkedObjectDescription,
  otherType: string,
  junction: Junction,
  sources: AssociationSources,
  context: AssociationContext,
  summary: JunctionSummary,
): Promise<CheckpointAdvance[]> {
  const { salesforce, hubspot, store } = sources;
  const type = description.hubspotObjectType;
  const object = salesforceObjectOf(description);
  const otherObject = junction.otherSideField.replace(/Id$/, '');
  const key = `~${junction.object}`;

  // ---- which pairs ----------------------------------------------------------------------------------------
  const touched = new Set(context.salesforceIds);
  const cursorKey = `${description.name}/${junction.object}`;
  const checkpoint = await readCursor(store, 'salesforce', cursorKey);
  const checkpoints: CheckpointAdvance[] = [];
  const fields = ['Id', junction.thisSideField, junction.otherSideField, 'SystemModstamp'];
  // An import page is its own records: the junction's changes elsewhere are the sync cycles' to poll.
  const polls = context.importScope === undefined;
  for await (const batch of polls ? pollSalesforceChanges(salesforce, { object: junction.object, fields, checkpoint, overlapMs: context.overlapMs }) : noPages<SalesforceChangedBatch>()) {
    for (const row of batch.records) touched.add(String(row[junction.thisSideField]));
    checkpoints[0] = { system: 'salesforce', object: cursorKey, cursor: batch.checkpoint };
  }
  if (checkpoint && polls) {
    const since = soqlDateTime(new Date(checkpoint.time.getTime() - context.overlapMs));
    for await (const page of salesforce.queryAllPages(`SELECT ${fields.join(', ')} FROM ${junction.object} WHERE IsDeleted = true AND SystemModstamp >= ${since}`, junction.object)) {
      for (const row of page) touched.add(String(row[junction.thisSideField]));
    }
  }
  const links = new Map<string, { linkId: string; hubspotId: string; salesforceId: string }>();
  const ours = (link: { hubspotObjectType: string; salesforceObject: string }) => link.hubspotObjectType === type && link.salesforceObject === object;
  for (const link of (await store.idLinks.findBySalesforceIds([...touched])).values()) if (ours(link)) links.set(link.linkId, link);
  for (const link of (await store.idLinks.findByHubspotIds(type, context.hubspotIds)).values()) if (ours(link)) links.set(link.linkId, link);
  if (links.size === 0) return checkpoints;

  // ---- both sides -------------------------------------------------------------------------------------------
  const pairs = [...links.values()];
  const associated = await hubspot.associationsOf(type, otherType, pairs.map((pair) => pair.hubspotId));
  const rows = new Map<string, Array<{ rowId: string; otherId: string }>>();
  const select = `SELECT Id, ${junction.thisSideField}, ${junction.otherSideField} FROM ${junction.object} WHERE ${junction.thisSideField}`;
  // An import page of 2,000 records is one semi-join on the page's scope, not a dozen id lists of 4,000 characters.
  const page = context.importScope;
  const inPage = new Set(page?.ids ?? []);
  const conditions = [
    ...(page ? [`IN (SELECT Id FROM ${object} WHERE ${page.condition})`] : []),
    ...soqlInLists(pairs.map((pair) => pair.salesforceId).filter((id) => !inPage.has(id))).map((list) => `IN (${list})`),
  ];
  for (const condition of conditions) {
    for await (const found of salesforce.queryPages(`${select} ${condition}`, junction.object)) {
      for (const row of found) {
        const thisId = String(row[junction.thisSideField]);
        rows.set(thisId, [...(rows.get(thisId) ?? []), { rowId: String(row.Id), otherId: String(row[junction.otherSideField]) }]);
      }
    }
  }
  const otherHubspotIds = [...new Set([...associated.values()].flat())];
  const otherSalesforceIds = [...new Set([...rows.values()].flat().map((row) => row.otherId))];
  const otherLinks = [...(await store.idLinks.findByHubspotIds(otherType, otherHubspotIds)).values(), ...(await store.idLinks.findBySalesforceIds(otherSalesforceIds)).values()].filter(
    (link) => link.hubspotObjectType === otherType,
  );
  const stored = await store.syncedValues.readForLinks(pairs.map((pair) => pair.linkId));
  const input: JunctionPair[] = pairs.map((pair) => {
    const last = stored.get(pair.linkId)?.get(key)?.value;
    return {
      ...pair,
      hubspotOthers: associated.get(pair.hubspotId) ?? [],
      salesforceRows: rows.get(pair.salesforceId) ?? [],
      ...(Array.isArray(last) ? { lastSynced: last.map(String) } : {}),
    };
  });
  const plan = planJunctionSync({
    junction: { object: junction.object, otherSalesforceObject: otherObject, otherHubspotType: otherType },
    pairs: input,
    others: {
      byHubspotId: new Map(otherLinks.map((link) => [link.hubspotId, { salesforceId: link.salesforceId, salesforceObject: link.salesforceObject }])),
      hubspotIdBySalesforceId: new Map(otherLinks.map((link) => [link.salesforceId, link.hubspotId])),
    },
  });

  // ---- writes -----------------------------------------------------------------------------------------------
  const failed = new Set<string>();
  const audit: AuditEntry[] = [];
  const reports: SyncErrorReport[] = [];
  const linkOf = new Map(pairs.map((pair) => [pair.linkId, pair]));
  const entry = (system: 'salesforce' | 'hubspot', recordId: string, linkId: string, action: string, changes: Record<string, unknown>, reason: string): AuditEntry =>
    auditEntry(context, { system, object: system === 'salesforce' ? junction.object : type, recordId, linkId }, action, changes, reason);
  const refused = (linkId: string, message: string, code: string, retryable: boolean) => {
    const pair = linkOf.get(linkId)!;
    failed.add(linkId);
    reports.push({ object: type, hubspotId: pair.hubspotId, salesforceId: pair.salesforceId, category: 'associations', vendorCode: code, field: junction.otherSideField, message, nextRetryAt: null, retryable });
  };

  if (plan.salesforceCreates.length > 0) {
    const results = await salesforce.create(junction.object, plan.salesforceCreates.map((create) => ({ [junction.thisSideField]: create.salesforceId, [junction.otherSideField]: create.otherId })));
    results.forEach((result, index) => {
      const create = plan.salesforceCreates[index]!;
      if (result.success && result.id) {
        summary.salesforce.created += 1;
        audit.push(entry('salesforce', result.id, create.linkId, 'create', { [junction.thisSideField]: create.salesforceId, [junction.otherSideField]: create.otherId }, `associated in HubSpot (${type} ↔ ${otherType})`));
        return;
      }
      summary.salesforce.failed += 1;
      const error = result.errors[0];
      refused(create.linkId, `${junction.object} for ${otherObject} ${create.otherId} was refused: ${error?.message ?? 'no reason given'}`, error?.code ?? '', error?.reaction.kind === 'retry');
    });
  }
  if (plan.salesforceDeletes.length > 0) {
    const results = await salesforce.delete(junction.object, plan.salesforceDeletes.map((remove) => remove.rowId));
    results.forEach((result, index) => {
      const remove = plan.salesforceDeletes[index]!;
      if (result.success) {
        summary.salesforce.deleted += 1;
        audit.push(entry('salesforce', remove.rowId, remove.linkId, 'delete', { [junction.otherSideField]: remove.otherId }, `dissociated in HubSpot (${type} ↔ ${otherType})`));
        return;
      }
      summary.salesforce.failed += 1;
      const error = result.errors[0];
      refused(remove.linkId, `deleting ${junction.object} ${remove.rowId} was refused: ${error?.message ?? 'no reason given'}`, error?.code ?? '', error?.reaction.kind === 'retry');
    });
  }
  if (plan.hubspotRemoves.length > 0) {
    await hubspot.dissociate(type, otherType, plan.hubspotRemoves.map((remove) => ({ fromId: remove.hubspotId, toId: remove.otherHubspotId })));
    summary.hubspot.deleted += plan.hubspotRemoves.length;
    for (const remove of plan.hubspotRemoves) audit.push(entry('hubspot', remove.hubspotId, remove.linkId, 'dissociate', { [otherType]: remove.otherHubspotId }, `its ${junction.object} was deleted in Salesforce`));
  }
  if (plan.hubspotAdds.length > 0) {
    const errors = await hubspot.associateDefault(type, otherType, plan.hubspotAdds.map((add) => ({ fromId: add.hubspotId, toId: add.otherHubspotId })));
    const refusedIds = new Set(errors.flatMap((error) => error.ids));
    for (const add of plan.hubspotAdds) {
      if (refusedIds.has(add.hubspotId) || refusedIds.has(add.otherHubspotId)) {
        summary.hubspot.failed += 1;
        const error = errors.find((candidate) => candidate.ids.includes(add.hubspotId) || candidate.ids.includes(add.otherHubspotId))?.error;
        refused(add.linkId, `associating HubSpot ${otherType} ${add.otherHubspotId} was refused: ${error?.message ?? 'no reason given'}`, error?.code ?? '', false);
        continue;
      }
      summary.hubspot.created += 1;
      audit.push(entry('hubspot', add.hubspotId, add.linkId, 'associate', { [otherType]: add.otherHubspotId }, `a ${junction.object} was added in Salesforce`));
    }
  }
  for (const skip of plan.skips) audit.push(entry('hubspot', skip.hubspotId, skip.linkId, 'skip_association', { [otherType]: skip.otherHubspotId }, skip.reason));
  summary.skipped += plan.skips.length;

  await store.transaction(async (repositories) => {
    const values = plan.synced.filter((synced) => !failed.has(synced.linkId)).map((synced) => ({ linkId: synced.linkId, field: key, value: synced.others }));
    await repositories.syncedValues.upsertMany(values, context.now);
    await repositories.auditTrail.append(audit);
    if (reports.length > 0) await repositories.syncErrors.recordMany(reports, context.now);
  });
  return checkpoints;
}
