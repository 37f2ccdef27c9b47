/**
 * Apply and record an activity plan, in batches: sObject Collections of 200 per object (allOrNone=false: one
 * refused Task is a sync error, the other 199 sync), HubSpot batches of 100 per engagement type, associations v4
 * in batches of 100.
 *
 * Every create is a write intent (keyed by the source activity) before its batch is sent; the batch's links,
 * last-synced values (with the activity's origin) and settled intents are recorded in one transaction right after
 * it. The link keeps later cycles from creating the activity again, on either side; the intent covers a process
 * killed between the vendor's answer and that transaction (its record is found and linked, not made twice).
 *
 * A refusal keeps the value sent (src/engine/refusals.ts), so the cycle does not send it again while it is unchanged.
 */
import type { ActivityHubspotUpdate, ActivityPlan, ActivityPlanError, ActivitySalesforceUpdate } from '../../core/activities/plan.ts';
import type { SalesforceValue } from '../../core/mapping/convert.ts';
import { chunk } from '../../core/chunk.ts';
import { BATCH_LIMIT, type HubSpotClient } from '../../connectors/hubspot/client.ts';
import { COLLECTION_WRITE_LIMIT, type SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { SideCounts } from '../contacts/apply.ts';
import type { AuditEntry, ContactSyncStore, NewLink, SyncErrorReport } from '../contacts/ports.ts';
import type { VendorError } from '../../connectors/vendor-error.ts';
import { soqlInLists } from '../contacts/records.ts';
import { INTENT_CLOCK_SLACK_MS, soqlDateTime } from '../detect/salesforce-poll.ts';
import { idOf } from '../linked/apply.ts';
import { vendorErrorReports } from '../refusals.ts';
import { groupBy } from './gather.ts';

export interface ActivityApplyContext {
  store: ContactSyncStore;
  salesforce: SalesforceClient;
  hubspot: HubSpotClient;
  now: Date;
  runId: string;
}

export interface AppliedActivityPlan {
  salesforce: SideCounts;
  hubspot: SideCounts;
}

interface Recorded {
  links: NewLink[];
  /** Last-synced values of pairs whose link is being made, keyed like their link. */
  values: Array<{ link: NewLink; values: Record<string, SalesforceValue> }>;
  updatedValues: Array<{ linkId: string; values: Record<string, SalesforceValue> }>;
  audit: AuditEntry[];
  reports: SyncErrorReport[];
  synced: Array<{ object: string; hubspotId: string | null; salesforceId: string | null }>;
  done: Array<{ idempotencyKey: string; outcome: unknown }>;
  abandoned: Array<{ idempotencyKey: string; outcome: unknown }>;
}

export async function applyActivityPlan(context: ActivityApplyContext, plan: ActivityPlan): Promise<AppliedActivityPlan> {
  const counts: AppliedActivityPlan = { salesforce: emptyCounts(), hubspot: emptyCounts() };
  const audit = (system: 'salesforce' | 'hubspot', object: string, recordId: string, action: string, changes: Record<string, unknown>, reason: string): AuditEntry => ({
    at: context.now,
    system,
    object,
    recordId,
    linkId: null,
    action,
    changes,
    reason,
    runId: context.runId,
  });

  for (const [object, creates] of groupBy(plan.salesforceCreates, (create) => create.object)) {
    for (const part of chunk(creates, COLLECTION_WRITE_LIMIT)) {
      const known = await createdBefore(context, 'salesforce', object, part.map((create) => ({ idempotencyKey: create.idempotencyKey, payload: create.fields })), (payload, since) => findSalesforceCreate(context, object, payload, since));
      const toSend = part.filter((create) => !known.has(create.idempotencyKey));
      const results = toSend.length > 0 ? await context.salesforce.create(object, toSend.map((create) => create.fields)) : [];
      const refusals = new Map<string, VendorError[]>();
      results.forEach((result, index) => {
        const key = toSend[index]!.idempotencyKey;
        if (result.success && result.id) known.set(key, result.id);
        else refusals.set(key, result.errors);
      });
      const recorded = emptyRecorded();
      for (const create of part) {
        const id = known.get(create.idempotencyKey);
        if (!id) {
          counts.salesforce.failed += 1;
          recorded.abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { errors: refusals.get(create.idempotencyKey) ?? [] } });
          recorded.reports.push(...vendorErrorReports(refusals.get(create.idempotencyKey) ?? [], { object: create.hubspotObjectType, hubspotId: create.hubspotId, salesforceId: null }, { sent: { system: 'salesforce', payload: create.fields } }));
          continue;
        }
        counts.salesforce.created += 1;
        const link = { hubspotObjectType: create.hubspotObjectType, hubspotId: create.hubspotId, salesforceObject: object, salesforceId: id };
        recorded.links.push(link);
        recorded.values.push({ link, values: create.synced });
        recorded.done.push({ idempotencyKey: create.idempotencyKey, outcome: { id } });
        recorded.audit.push(audit('salesforce', object, id, 'create', create.fields, `HubSpot ${create.hubspotObjectType} ${create.hubspotId} (timeline sync)`));
        recorded.synced.push({ object: create.hubspotObjectType, hubspotId: create.hubspotId, salesforceId: null });
      }
      await record(context, recorded);
    }
  }

  for (const [object, updates] of groupBy(plan.salesforceUpdates, (update) => update.object)) {
    for (const part of chunk(updates, COLLECTION_WRITE_LIMIT)) {
      const results = await context.salesforce.update(object, part.map((update) => ({ Id: update.id, ...update.fields })));
      const recorded = emptyRecorded();
      part.forEach((update: ActivitySalesforceUpdate, index) => {
        const result = results[index];
        if (result?.success) {
          counts.salesforce.updated += 1;
          recorded.updatedValues.push({ linkId: update.linkId, values: update.synced });
          recorded.audit.push(audit('salesforce', object, update.id, 'update', update.fields, `changed in HubSpot (${update.hubspotObjectType} ${update.hubspotId})`));
          recorded.synced.push({ object: update.hubspotObjectType, hubspotId: update.hubspotId, salesforceId: update.id });
        } else {
          counts.salesforce.failed += 1;
          recorded.reports.push(...vendorErrorReports(result?.errors ?? [], { object: update.hubspotObjectType, hubspotId: update.hubspotId, salesforceId: update.id }, { sent: { system: 'salesforce', payload: update.fields } }));
        }
      });
      await record(context, recorded);
    }
  }

  for (const [type, creates] of groupBy(plan.hubspotCreates, (create) => create.hubspotObjectType)) {
    for (const part of chunk(creates, BATCH_LIMIT)) {
      const known = await createdBefore(context, 'hubspot', type, part.map((create) => ({ idempotencyKey: create.idempotencyKey, payload: create.properties })), (payload, since) => findHubspotCreate(context, type, payload, since));
      const toSend = part.filter((create) => !known.has(create.idempotencyKey));
      const outcome = toSend.length > 0 ? await context.hubspot.batchCreate(type, toSend.map((create) => ({ properties: create.properties }))) : { results: [], errors: [] };
      outcome.results.forEach((result, position) => known.set(toSend[result.inputIndex ?? position]!.idempotencyKey, result.id));
      const recorded = emptyRecorded();
      const associations = new Map<string, Array<{ fromId: string; toId: string; salesforceId: string }>>();
      for (const create of part) {
        const id = known.get(create.idempotencyKey);
        if (!id) {
          counts.hubspot.failed += 1;
          const index = toSend.indexOf(create);
          const refused = outcome.errors.filter((error) => error.inputIndexes.includes(index)).map((error) => error.error);
          recorded.abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { errors: refused } });
          recorded.reports.push(...vendorErrorReports(refused, { object: type, hubspotId: null, salesforceId: create.salesforceId }, { sent: { system: 'hubspot', payload: create.properties } }));
          continue;
        }
        counts.hubspot.created += 1;
        const link = { hubspotObjectType: type, hubspotId: id, salesforceObject: create.salesforceObject, salesforceId: create.salesforceId };
        recorded.links.push(link);
        recorded.values.push({ link, values: create.synced });
        recorded.done.push({ idempotencyKey: create.idempotencyKey, outcome: { id } });
        recorded.audit.push(audit('hubspot', type, id, 'create', create.properties, `${create.salesforceObject} ${create.salesforceId} (activity sync from Salesforce)`));
        recorded.synced.push({ object: type, hubspotId: null, salesforceId: create.salesforceId });
        for (const association of create.associations) associations.set(association.toType, [...(associations.get(association.toType) ?? []), { fromId: id, toId: association.toId, salesforceId: create.salesforceId }]);
      }
      await record(context, recorded);
      // Associating twice is harmless (v4 create is idempotent per pair), so a create found again is associated again.
      for (const [toType, pairs] of associations) await associate(context, type, toType, pairs);
    }
  }

  for (const [type, updates] of groupBy(plan.hubspotUpdates, (update) => update.hubspotObjectType)) {
    for (const part of chunk(updates, BATCH_LIMIT)) {
      const toSend = part.filter((update) => Object.keys(update.properties).length > 0);
      const outcome = toSend.length > 0 ? await context.hubspot.batchUpdate(type, toSend.map((update) => ({ id: update.id, properties: update.properties }))) : { results: [], errors: [] };
      const written = new Set(outcome.results.map((result) => result.id));
      const recorded = emptyRecorded();
      const moved: ActivityHubspotUpdate[] = [];
      for (const update of part) {
        const index = toSend.indexOf(update);
        if (index >= 0 && !written.has(update.id)) {
          counts.hubspot.failed += 1;
          const refused = outcome.errors.filter((error) => error.inputIndexes.includes(index) || error.ids.includes(update.id)).map((error) => error.error);
          recorded.reports.push(...vendorErrorReports(refused, { object: type, hubspotId: update.id, salesforceId: update.salesforceId }, { sent: { system: 'hubspot', payload: update.properties } }));
          continue;
        }
        counts.hubspot.updated += 1;
        moved.push(update);
        recorded.updatedValues.push({ linkId: update.linkId, values: update.synced });
        recorded.audit.push(audit('hubspot', type, update.id, 'update', update.properties, `changed in Salesforce (${update.salesforceId})`));
        recorded.synced.push({ object: type, hubspotId: update.id, salesforceId: update.salesforceId });
      }
      await moveAssociations(context, type, moved);
      await record(context, recorded);
    }
  }

  if (plan.errors.length > 0) await context.store.syncErrors.recordMany(plan.errors.map((error) => planError(error, context.now)), context.now);
  return counts;
}

/** A changed WhoId/WhatId moves the engagement's associations: the old ones go, the new ones come, in batches. */
async function moveAssociations(context: ActivityApplyContext, type: string, updates: readonly ActivityHubspotUpdate[]): Promise<void> {
  const removals = new Map<string, Array<{ fromId: string; toId: string }>>();
  const additions = new Map<string, Array<{ fromId: string; toId: string; salesforceId: string }>>();
  for (const update of updates) {
    for (const { toType, toId } of update.associations.remove) removals.set(toType, [...(removals.get(toType) ?? []), { fromId: update.id, toId }]);
    for (const { toType, toId } of update.associations.add) additions.set(toType, [...(additions.get(toType) ?? []), { fromId: update.id, toId, salesforceId: update.salesforceId }]);
  }
  for (const [toType, pairs] of removals) await context.hubspot.dissociate(type, toType, pairs);
  for (const [toType, pairs] of additions) await associate(context, type, toType, pairs);
}

/** The engagement's associations to the records its Task/Event was about; a refused one is an `associations` error. */
async function associate(context: ActivityApplyContext, type: string, toType: string, pairs: ReadonlyArray<{ fromId: string; toId: string; salesforceId: string }>): Promise<void> {
  const errors = await context.hubspot.associateDefault(type, toType, pairs);
  const reports = errors.flatMap((error) =>
    error.ids.flatMap((id) => {
      const pair = pairs.find((candidate) => candidate.fromId === id || candidate.toId === id);
      return vendorErrorReports([error.error], { object: type, hubspotId: pair?.fromId ?? id, salesforceId: pair?.salesforceId ?? null }, { category: 'associations' });
    }),
  );
  const recorded = emptyRecorded();
  recorded.reports.push(...reports);
  recorded.audit.push(
    ...pairs.map((pair): AuditEntry => ({ at: context.now, system: 'hubspot', object: type, recordId: pair.fromId, linkId: null, action: 'associate', changes: { [toType]: pair.toId }, reason: `WhoId/WhatId of ${pair.salesforceId}`, runId: context.runId })),
  );
  await record(context, recorded);
}

async function record(context: ActivityApplyContext, recorded: Recorded): Promise<void> {
  await context.store.transaction(async (store) => {
    const { linked, conflicts } = await store.idLinks.linkMany(recorded.links, context.now);
    const linkIdOf = new Map(linked.map((link) => [`${link.hubspotObjectType}|${link.hubspotId}|${link.salesforceId}`, link.linkId]));
    const rows = [
      ...recorded.values.flatMap(({ link, values }) => {
        const linkId = linkIdOf.get(`${link.hubspotObjectType}|${link.hubspotId}|${link.salesforceId}`);
        return linkId ? Object.entries(values).map(([field, value]) => ({ linkId, field, value })) : [];
      }),
      ...recorded.updatedValues.flatMap(({ linkId, values }) => Object.entries(values).map(([field, value]) => ({ linkId, field, value }))),
    ];
    await store.syncedValues.upsertMany(rows, context.now);
    await store.auditTrail.append(recorded.audit);
    if (recorded.synced.length > 0) await store.syncErrors.resolveForRecords(recorded.synced, context.now);
    await store.writeIntents.markDone(recorded.done, context.now);
    await store.writeIntents.markAbandoned(recorded.abandoned, context.now);
    const reports = [
      ...recorded.reports,
      ...conflicts.map(
        (conflict): SyncErrorReport => ({
          object: conflict.requested.hubspotObjectType,
          hubspotId: conflict.requested.hubspotId,
          salesforceId: conflict.requested.salesforceId,
          category: 'duplicates',
          vendorCode: '',
          field: null,
          message: `${conflict.requested.hubspotObjectType} ${conflict.requested.hubspotId} and ${conflict.requested.salesforceObject} ${conflict.requested.salesforceId} cannot be linked: the ${conflict.side} record is already linked`,
          nextRetryAt: null,
        }),
      ),
    ];
    if (reports.length > 0) await store.syncErrors.recordMany(reports, context.now);
  });
}

/** Waiting for a contact is due again at once: the next cycle reads the activity again, cheaply, by id. */
function planError(planned: ActivityPlanError, now: Date): SyncErrorReport {
  return {
    object: planned.hubspotObjectType,
    hubspotId: planned.hubspotId,
    salesforceId: planned.salesforceId,
    category: planned.error.category,
    vendorCode: '',
    field: planned.error.field ?? null,
    message: planned.error.message,
    nextRetryAt: planned.waiting ? now : null,
    retryable: planned.waiting,
  };
}

/**
 * Write intents for a batch of creates, before it is sent. A key already done names its record; a key left
 * pending by a process that died may have reached the vendor, so its record is looked for before it is sent again.
 */
async function createdBefore(
  context: ActivityApplyContext,
  system: 'salesforce' | 'hubspot',
  object: string,
  creates: ReadonlyArray<{ idempotencyKey: string; payload: Record<string, unknown> }>,
  find: (payload: Record<string, unknown>, since: Date) => Promise<string | null>,
): Promise<Map<string, string>> {
  const intents = await context.store.writeIntents.recordMany(
    creates.map((create) => ({ idempotencyKey: create.idempotencyKey, system, object, operation: 'create', recordId: null, linkId: null, payload: create.payload })),
    context.now,
  );
  const known = new Map<string, string>();
  for (const create of creates) {
    const intent = intents.get(create.idempotencyKey);
    const id = intent?.state === 'done' ? idOf(intent.outcome) : intent && intent.state === 'pending' && intent.createdAt < context.now ? await find(create.payload, intent.createdAt) : null;
    if (id) known.set(create.idempotencyKey, id);
  }
  return known;
}

/** A Task/Event a dead process may have made: same WhoId and Subject, created since its intent, linked to nothing. */
async function findSalesforceCreate(context: ActivityApplyContext, object: string, payload: Record<string, unknown>, since: Date): Promise<string | null> {
  const literal = (value: unknown) => (typeof value === 'string' ? soqlInLists([value])[0]! : 'null');
  const soql = `SELECT Id FROM ${object} WHERE WhoId = ${literal(payload.WhoId)} AND Subject = ${literal(payload.Subject)} AND CreatedDate >= ${soqlDateTime(new Date(since.getTime() - INTENT_CLOCK_SLACK_MS))}`;
  const found: string[] = [];
  for await (const page of context.salesforce.queryPages(soql, object)) found.push(...page.map((record) => String(record.Id)));
  return onlyUnlinked(found, await context.store.idLinks.findBySalesforceIds(found));
}

/** An engagement a dead process may have made: changed since its intent with every property as sent, linked to nothing. */
async function findHubspotCreate(context: ActivityApplyContext, type: string, payload: Record<string, unknown>, since: Date): Promise<string | null> {
  const properties = Object.keys(payload);
  const found: string[] = [];
  for await (const page of context.hubspot.searchModifiedSince(type, new Date(since.getTime() - INTENT_CLOCK_SLACK_MS), properties)) {
    for (const record of page) if (properties.every((name) => sameHubspotValue(record.properties[name], payload[name]))) found.push(record.id);
  }
  return onlyUnlinked(found, await context.store.idLinks.findByHubspotIds(type, found));
}

function sameHubspotValue(stored: string | null | undefined, sent: unknown): boolean {
  if (stored === sent) return true;
  // HubSpot answers datetimes in its own ISO form whatever form was sent.
  const a = Date.parse(String(stored));
  const b = Date.parse(String(sent));
  return !Number.isNaN(a) && a === b;
}

function onlyUnlinked(found: readonly string[], linked: ReadonlyMap<string, unknown>): string | null {
  const unlinked = found.filter((id) => !linked.has(id));
  return unlinked.length === 1 ? unlinked[0]! : null;
}

function emptyRecorded(): Recorded {
  return { links: [], values: [], updatedValues: [], audit: [], reports: [], synced: [], done: [], abandoned: [] };
}

function emptyCounts(): SideCounts {
  return { created: 0, updated: 0, deleted: 0, failed: 0 };
}
