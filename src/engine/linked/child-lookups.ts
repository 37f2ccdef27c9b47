/**
 * Lookups that children hold to this pair's records (Contact.AccountId → the company, from the companies
 * description's `{ via: 'lookup', on: 'Contact' }`): the child's HubSpot association to the parent follows the
 * lookup, and the other way round, for children already linked by their own pair. Runs in the parent's cycle,
 * after its plan was applied, so a parent created this cycle is linked already.
 *
 * The decision is the one parents get everywhere (`planLinkedSync` with the lookup as a parent and no mapped
 * field): two-way, the side that changed since the last sync wins, remembered on the child's link (`@companies`).
 * Never synced (pairs linked before this step existed): a side holding no parent is filled in from the other, never
 * wiped; when both hold different parents, Salesforce's stands, whichever record was modified last (a contact's
 * modification time says nothing about when its company changed).
 * Children looked at: Salesforce children polled on SystemModstamp (pages of 2,000; their own checkpoint,
 * `companies/Contact`); HubSpot children a webhook hint named (HubSpot does not move a record's modification time
 * when an association changes), and the children of parents this cycle read or a hint named.
 * A child whose parent has not synced is left alone with an audited reason; it follows when it is touched again.
 */
import { planLinkedSync, type LinkedHubspotRecord, type LinkedSalesforceRecord, type ParentLookup } from '../../core/linked/plan.ts';
import type { LinkedObjectDescription } from '../../objects/index.ts';
import type { CheckpointAdvance } from '../contacts/gather.ts';
import type { AuditEntry, SyncErrorReport } from '../contacts/ports.ts';
import { noPages, pollSalesforceChanges, type SalesforceChangedBatch } from '../detect/salesforce-poll.ts';
import { readCursor } from './gather.ts';
import { auditEntry, type AssociationContext, type AssociationSources } from './junctions.ts';
import { salesforceObjectOf, toLinkedSalesforce } from './records.ts';

export interface ChildLookupSummary {
  salesforce: { updated: number; failed: number };
  hubspot: { moved: number };
}

/** One child lookup (`{ via: 'lookup', on: 'Contact', field: 'AccountId' }` on the companies description). */
export async function syncChildLookup(
  description: LinkedObjectDescription,
  child: { hubspotType: string; salesforceObject: string; field: string },
  sources: AssociationSources,
  context: AssociationContext,
  summary: ChildLookupSummary,
): Promise<CheckpointAdvance[]> {
  const { salesforce, hubspot, store } = sources;
  const parentObject = salesforceObjectOf(description);
  const parent: ParentLookup = { key: `@${description.hubspotObjectType}`, salesforceField: child.field, hubspotObjectType: description.hubspotObjectType, label: parentObject };
  const fields = ['Id', parent.salesforceField, 'LastModifiedDate', 'SystemModstamp'];

  // ---- which children ---------------------------------------------------------------------------------------
  const cursorKey = `${description.name}/${child.salesforceObject}`;
  const checkpoints: CheckpointAdvance[] = [];
  const salesforceIds = new Set<string>();
  // An import page is its own records: children changed elsewhere are the sync cycles' to poll.
  const polled = context.importScope === undefined ? pollSalesforceChanges(salesforce, { object: child.salesforceObject, fields, checkpoint: await readCursor(store, 'salesforce', cursorKey), overlapMs: context.overlapMs }) : noPages<SalesforceChangedBatch>();
  for await (const batch of polled) {
    for (const record of batch.records) salesforceIds.add(String(record.Id));
    checkpoints[0] = { system: 'salesforce', object: cursorKey, cursor: batch.checkpoint };
  }
  const hinted = (type: string) => context.hints.filter((hint) => hint.system === 'hubspot' && hint.object === type).map((hint) => hint.recordId);
  const parentsRead = [...new Set([...context.hubspotIds, ...hinted(description.hubspotObjectType)])];
  const childrenOfParents = parentsRead.length > 0 ? [...(await hubspot.associationsOf(description.hubspotObjectType, child.hubspotType, parentsRead)).values()].flat() : [];
  const hubspotIds = new Set([...hinted(child.hubspotType), ...childrenOfParents]);
  const ours = (link: { hubspotObjectType: string; salesforceObject: string }) => link.hubspotObjectType === child.hubspotType && link.salesforceObject === child.salesforceObject;
  const links = new Map<string, { linkId: string; hubspotId: string; salesforceId: string }>();
  for (const link of (await store.idLinks.findBySalesforceIds([...salesforceIds])).values()) if (ours(link)) links.set(link.linkId, link);
  for (const link of (await store.idLinks.findByHubspotIds(child.hubspotType, [...hubspotIds])).values()) if (ours(link)) links.set(link.linkId, link);
  if (links.size === 0) return checkpoints;

  // ---- both sides, and the parents' links -------------------------------------------------------------------
  const pairs = [...links.values()];
  const salesforceRecords: LinkedSalesforceRecord[] = (await salesforce.retrieve(child.salesforceObject, pairs.map((pair) => pair.salesforceId), fields)).flatMap((record) => (record ? [toLinkedSalesforce(record)] : []));
  const hubspotRead = await hubspot.batchRead(child.hubspotType, pairs.map((pair) => pair.hubspotId), ['hs_lastmodifieddate']);
  const parentOf = await hubspot.associationsOf(child.hubspotType, description.hubspotObjectType, hubspotRead.results.map((record) => record.id));
  const hubspotRecords: LinkedHubspotRecord[] = hubspotRead.results.map((record) => ({
    id: record.id,
    properties: {},
    modifiedAt: Date.parse(record.properties.hs_lastmodifieddate ?? record.updatedAt),
    parents: { [parent.key]: parentOf.get(record.id)?.[0] ?? null },
  }));
  const parentSalesforceIds = salesforceRecords.flatMap((record) => (typeof record.fields[parent.salesforceField] === 'string' ? [String(record.fields[parent.salesforceField])] : []));
  const parentHubspotIds = hubspotRecords.flatMap((record) => (record.parents?.[parent.key] ? [record.parents[parent.key]!] : []));
  const parentLinks = [...(await store.idLinks.findBySalesforceIds(parentSalesforceIds)).values(), ...(await store.idLinks.findByHubspotIds(description.hubspotObjectType, parentHubspotIds)).values()].filter(
    (link) => link.hubspotObjectType === description.hubspotObjectType && link.salesforceObject === parentObject,
  );
  const stored = await store.syncedValues.readForLinks(pairs.map((pair) => pair.linkId));
  const salesforceIdOfCompany = new Map(parentLinks.map((link) => [link.hubspotId, link.salesforceId]));
  const salesforceById = new Map(salesforceRecords.map((record) => [record.id, record]));
  const hubspotById = new Map(hubspotRecords.map((record) => [record.id, record]));
  // The last-synced value to assume for a pair never synced: blank, unless Salesforce holds a parent, then
  // HubSpot's, so that only Salesforce counts as changed (it fills HubSpot in, or its parent stands).
  const firstBaseline = (pair: { hubspotId: string; salesforceId: string }): string | null => {
    const salesforceParent = salesforceById.get(pair.salesforceId)?.fields[parent.salesforceField];
    if (typeof salesforceParent !== 'string' || salesforceParent === '') return null;
    const hubspotParent = hubspotById.get(pair.hubspotId)?.parents?.[parent.key];
    return hubspotParent ? (salesforceIdOfCompany.get(hubspotParent) ?? null) : null;
  };
  const plan = planLinkedSync({
    now: context.now.getTime(),
    pair: { name: child.hubspotType, salesforceObject: child.salesforceObject, requiredOnCreate: [], onSalesforceDelete: 'do_nothing', parents: [parent] },
    mappings: [],
    addressSettings: context.settings.contacts,
    hubspotChanges: hubspotRecords,
    salesforceChanges: salesforceRecords,
    links: pairs,
    lastSynced: new Map(pairs.map((pair) => [pair.linkId, { [parent.key]: (stored.get(pair.linkId)?.get(parent.key)?.value ?? firstBaseline(pair)) as string | null }])),
    parentLinks: new Map([[parent.key, { salesforceIdByHubspotId: new Map(parentLinks.map((link) => [link.hubspotId, link.salesforceId])), hubspotIdBySalesforceId: new Map(parentLinks.map((link) => [link.salesforceId, link.hubspotId])) }]]),
  });

  // ---- writes -----------------------------------------------------------------------------------------------
  const audit: AuditEntry[] = [];
  const reports: SyncErrorReport[] = [];
  const failed = new Set<string>();
  const entry = (system: 'salesforce' | 'hubspot', recordId: string, action: string, changes: Record<string, unknown>, reason: string): AuditEntry =>
    auditEntry(context, { system, object: system === 'salesforce' ? child.salesforceObject : child.hubspotType, recordId, linkId: null }, action, changes, reason);
  if (plan.salesforceUpdates.length > 0) {
    const results = await salesforce.update(child.salesforceObject, plan.salesforceUpdates.map((update) => ({ Id: update.id, ...update.fields })));
    results.forEach((result, index) => {
      const update = plan.salesforceUpdates[index]!;
      if (result.success) {
        summary.salesforce.updated += 1;
        audit.push(entry('salesforce', update.id, 'update', update.fields, `its HubSpot ${child.hubspotType} moved to another ${description.hubspotObjectType}`));
        return;
      }
      summary.salesforce.failed += 1;
      failed.add(update.id);
      const error = result.errors[0];
      const hubspotId = pairs.find((pair) => pair.salesforceId === update.id)?.hubspotId ?? null;
      reports.push({ object: child.hubspotType, hubspotId, salesforceId: update.id, category: 'associations', vendorCode: error?.code ?? '', field: parent.salesforceField, message: error?.message ?? 'the write was refused without a reason', nextRetryAt: null, retryable: error?.reaction.kind === 'retry' });
    });
  }
  const moves = plan.associationChanges;
  const removes = moves.filter((move) => move.remove !== null && move.remove !== move.add).map((move) => ({ fromId: move.hubspotId, toId: move.remove! }));
  const adds = moves.filter((move) => move.add !== null).map((move) => ({ fromId: move.hubspotId, toId: move.add! }));
  if (removes.length > 0) await hubspot.dissociate(child.hubspotType, description.hubspotObjectType, removes);
  const refused = adds.length > 0 ? await hubspot.associateDefault(child.hubspotType, description.hubspotObjectType, adds) : [];
  for (const error of refused) for (const id of error.ids) failed.add(id);
  summary.hubspot.moved += moves.length;
  for (const move of moves) audit.push(entry('hubspot', move.hubspotId, 'associate', { [description.hubspotObjectType]: move.add, removed: move.remove }, `its ${child.salesforceObject}.${parent.salesforceField} changed in Salesforce`));
  for (const error of plan.errors) audit.push(entry(error.side, error.id, 'skip_association', {}, error.error.message));

  await store.transaction(async (repositories) => {
    const values = plan.syncedValues.filter((synced) => synced.linkId && !failed.has(synced.pair.hubspotId) && !failed.has(synced.pair.salesforceId));
    await repositories.syncedValues.upsertMany(values.flatMap((synced) => Object.entries(synced.values).map(([field, value]) => ({ linkId: synced.linkId!, field, value }))), context.now);
    await repositories.auditTrail.append(audit);
    if (reports.length > 0) await repositories.syncErrors.recordMany(reports, context.now);
  });
  return checkpoints;
}
