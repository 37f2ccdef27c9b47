/**
 * Detect and gather for activities: everything `planActivitySync` needs, read in batches.
 *
 * - Changes: HubSpot search on hs_lastmodifieddate per engagement type whose timeline toggle is on; Salesforce
 *   SOQL on SystemModstamp (pages of 2,000) on Task and/or Event when a Salesforce → HubSpot toggle wants them.
 *   Activities waiting for their contact (`associations` errors that are due) and `importIds` are read by id as
 *   if they had changed.
 * - Then only for those: their links and last-synced values, the engagements' associations (v4 batch reads) and
 *   the links of the contacts, companies and deals (or WhoId/WhatId records) they point at.
 * Checkpoints are keyed `activities/<type or object>`, apart from the other pairs' cursors.
 */
import { ORIGIN_FIELD, type ActivityHubspotRecord, type ActivityLink, type ActivityPlanInput, type ActivitySalesforceRecord, type LinkedRecord } from '../../core/activities/plan.ts';
import type { SalesforceValue } from '../../core/mapping/convert.ts';
import type { Settings } from '../../core/settings.ts';
import type { HubSpotClient } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient, SalesforceRecord } from '../../connectors/salesforce/client.ts';
import { activityKinds, type ActivityKindDescription } from '../../objects/activities.ts';
import type { CheckpointAdvance } from '../contacts/gather.ts';
import type { ContactRepositories, StoredLink } from '../contacts/ports.ts';
import { pollHubSpotChanges } from '../detect/hubspot-poll.ts';
import { pollSalesforceChanges } from '../detect/salesforce-poll.ts';
import { readCursor } from '../linked/gather.ts';
import { readSetting, toLinkedSalesforce } from '../linked/records.ts';

/** What a HubSpot engagement is associated with that can travel to Salesforce as WhoId/WhatId. */
const ASSOCIATED_TYPES = ['contacts', 'companies', 'deals'] as const;

export interface ActivityImport {
  object: 'Task' | 'Event';
  ids: readonly string[];
}

export interface GatheredActivities {
  input: ActivityPlanInput;
  checkpoints: CheckpointAdvance[];
  read: { salesforce: number; hubspot: number };
  retriedErrorIds: number[];
}

/** The engagement types each direction's toggles switch on. */
export function enabledActivityTypes(settings: Settings, kinds: readonly ActivityKindDescription[] = activityKinds): { timeline: Set<string>; fromSalesforce: Set<string> } {
  const on = (key: string | null) => key !== null && readSetting(settings, key) === true;
  return {
    timeline: new Set(kinds.filter((kind) => on(kind.timelineSettingKey)).map((kind) => kind.hubspotObjectType)),
    fromSalesforce: new Set(kinds.filter((kind) => on(kind.fromSalesforceSettingKey)).map((kind) => kind.hubspotObjectType)),
  };
}

export async function gatherActivityChanges(
  sources: { salesforce: SalesforceClient; hubspot: HubSpotClient; store: ContactRepositories },
  options: { now: Date; settings: Settings; overlapMs: number; importIds?: ActivityImport },
): Promise<GatheredActivities> {
  const { salesforce, hubspot, store } = sources;
  const kinds = activityKinds;
  const { timeline, fromSalesforce } = enabledActivityTypes(options.settings, kinds);
  const checkpoints: CheckpointAdvance[] = [];
  const kindOf = new Map(kinds.map((kind) => [kind.hubspotObjectType, kind]));

  // ---- HubSpot engagements ------------------------------------------------------------------------------
  const hubspotChanges = new Map<string, { type: string; id: string; properties: Record<string, string | null> }>();
  const propertiesOf = (type: string) => hubspotProperties(kindOf.get(type)!);
  for (const type of timeline) {
    const cursorKey = `activities/${type}`;
    let last: CheckpointAdvance | undefined;
    for await (const batch of pollHubSpotChanges(hubspot, { objectType: type, properties: propertiesOf(type), checkpoint: await readCursor(store, 'hubspot', cursorKey), overlapMs: options.overlapMs })) {
      for (const record of batch.records) hubspotChanges.set(`${type}|${record.id}`, { type, id: record.id, properties: record.properties });
      last = { system: 'hubspot', object: cursorKey, cursor: batch.checkpoint };
    }
    if (last) checkpoints.push(last);
  }

  // ---- Salesforce Tasks and Events ----------------------------------------------------------------------
  const salesforceObjects = [...new Set(kinds.filter((kind) => fromSalesforce.has(kind.hubspotObjectType)).map((kind) => kind.salesforceObject))];
  const salesforceChanges = new Map<string, ActivitySalesforceRecord>();
  for (const object of salesforceObjects) {
    const cursorKey = `activities/${object}`;
    let last: CheckpointAdvance | undefined;
    for await (const batch of pollSalesforceChanges(salesforce, { object, fields: salesforceFields(kinds, object), checkpoint: await readCursor(store, 'salesforce', cursorKey), overlapMs: options.overlapMs })) {
      for (const record of batch.records) salesforceChanges.set(String(record.Id), toActivitySalesforce(object, record));
      last = { system: 'salesforce', object: cursorKey, cursor: batch.checkpoint };
    }
    if (last) checkpoints.push(last);
  }
  if (options.importIds && options.importIds.ids.length > 0) await readSalesforce(salesforce, kinds, options.importIds.object, options.importIds.ids, salesforceChanges);

  // ---- activities waiting for their contact, read again --------------------------------------------------
  const due = (await store.syncErrors.dueForRetry(options.now, 2_000)).filter((error) => kindOf.has(error.object) && error.category === 'associations');
  const retryHubspot = new Map<string, string[]>();
  const retrySalesforce = new Map<'Task' | 'Event', string[]>();
  for (const error of due) {
    const kind = kindOf.get(error.object)!;
    if (error.salesforceId === null && error.hubspotId && timeline.has(kind.hubspotObjectType) && !hubspotChanges.has(`${kind.hubspotObjectType}|${error.hubspotId}`)) {
      retryHubspot.set(kind.hubspotObjectType, [...(retryHubspot.get(kind.hubspotObjectType) ?? []), error.hubspotId]);
    }
    if (error.salesforceId && fromSalesforce.has(kind.hubspotObjectType) && !salesforceChanges.has(error.salesforceId)) {
      retrySalesforce.set(kind.salesforceObject, [...(retrySalesforce.get(kind.salesforceObject) ?? []), error.salesforceId]);
    }
  }
  for (const [type, ids] of retryHubspot) {
    for (const record of (await hubspot.batchRead(type, ids, propertiesOf(type))).results) if (!record.archived) hubspotChanges.set(`${type}|${record.id}`, { type, id: record.id, properties: record.properties });
  }
  for (const [object, ids] of retrySalesforce) await readSalesforce(salesforce, kinds, object, ids, salesforceChanges);

  // ---- links and last-synced values -----------------------------------------------------------------------
  const activityTypes = new Set(kinds.map((kind) => kind.hubspotObjectType));
  const isActivityLink = (link: StoredLink) => activityTypes.has(link.hubspotObjectType) && (link.salesforceObject === 'Task' || link.salesforceObject === 'Event');
  const storedLinks = new Map<string, StoredLink>();
  const byType = groupBy([...hubspotChanges.values()], (record) => record.type);
  for (const [type, records] of byType) {
    for (const link of (await store.idLinks.findByHubspotIds(type, records.map((record) => record.id))).values()) if (isActivityLink(link)) storedLinks.set(link.linkId, link);
  }
  for (const link of (await store.idLinks.findBySalesforceIds([...salesforceChanges.keys()])).values()) if (isActivityLink(link)) storedLinks.set(link.linkId, link);
  const synced = await store.syncedValues.readForLinks([...storedLinks.keys()]);
  const links: ActivityLink[] = [...storedLinks.values()].map((link) => ({
    ...link,
    synced: Object.fromEntries([...(synced.get(link.linkId) ?? new Map<string, { value: unknown }>())].map(([field, entry]) => [field, entry.value as SalesforceValue])),
  }));

  // ---- what the activities are about -----------------------------------------------------------------------
  const hubspotRecords: ActivityHubspotRecord[] = [];
  const relatedHubspotIds = new Map<string, Set<string>>(ASSOCIATED_TYPES.map((type) => [type, new Set<string>()]));
  // An engagement made from Salesforce takes nothing from HubSpot, so its associations are not read.
  const fromSalesforceOrigin = new Set(links.filter((link) => link.synced[ORIGIN_FIELD] === 'salesforce').map((link) => `${link.hubspotObjectType}|${link.hubspotId}`));
  for (const [type, records] of byType) {
    const associated: Record<string, Map<string, string[]>> = {};
    const wanted = records.filter((record) => !fromSalesforceOrigin.has(`${type}|${record.id}`)).map((record) => record.id);
    for (const toType of ASSOCIATED_TYPES) {
      associated[toType] = wanted.length > 0 ? await hubspot.associationsOf(type, toType, wanted) : new Map<string, string[]>();
      for (const ids of associated[toType].values()) for (const id of ids) relatedHubspotIds.get(toType)!.add(id);
    }
    for (const record of records) {
      hubspotRecords.push({ hubspotObjectType: type, id: record.id, properties: record.properties, associated: Object.fromEntries(ASSOCIATED_TYPES.map((toType) => [toType, associated[toType]!.get(record.id) ?? []])) });
    }
  }
  const related = new Map<string, LinkedRecord>();
  for (const [type, ids] of relatedHubspotIds) {
    for (const link of (await store.idLinks.findByHubspotIds(type, [...ids])).values()) related.set(link.linkId, link);
  }
  // Also the ones last synced: a moved WhoId/WhatId takes the engagement's association away from them.
  const whoAndWhat = [...[...salesforceChanges.values()].map((record) => record.fields), ...links.map((link) => link.synced)].flatMap((fields) =>
    [fields.WhoId, fields.WhatId].filter((id): id is string => typeof id === 'string' && id !== ''),
  );
  for (const link of (await store.idLinks.findBySalesforceIds([...new Set(whoAndWhat)])).values()) if (!isActivityLink(link)) related.set(link.linkId, link);

  return {
    input: { kinds, timeline, fromSalesforce, hubspotChanges: hubspotRecords, salesforceChanges: [...salesforceChanges.values()], links, related: [...related.values()] },
    checkpoints,
    read: { salesforce: salesforceChanges.size, hubspot: hubspotChanges.size },
    retriedErrorIds: due.map((error) => error.id),
  };
}

function hubspotProperties(kind: ActivityKindDescription): string[] {
  return [...new Set(['hs_lastmodifieddate', ...kind.fields.flatMap((pair) => [pair.hubspotProperty, ...(pair.hubspotFallbacks ?? [])])])];
}

function salesforceFields(kinds: readonly ActivityKindDescription[], object: string): string[] {
  const ofObject = kinds.filter((kind) => kind.salesforceObject === object);
  const fields = ['Id', 'CreatedDate', 'SystemModstamp', 'WhoId', 'WhatId', ...(ofObject.some((kind) => kind.taskSubtype !== null) ? ['TaskSubtype'] : [])];
  for (const kind of ofObject) fields.push(kind.hubspotTimestampFallback, ...kind.fields.map((pair) => pair.salesforceField));
  return [...new Set(fields)];
}

async function readSalesforce(salesforce: SalesforceClient, kinds: readonly ActivityKindDescription[], object: 'Task' | 'Event', ids: readonly string[], into: Map<string, ActivitySalesforceRecord>): Promise<void> {
  for (const record of await salesforce.retrieve(object, ids, salesforceFields(kinds, object))) if (record) into.set(String(record.Id), toActivitySalesforce(object, record));
}

function toActivitySalesforce(object: string, record: SalesforceRecord): ActivitySalesforceRecord {
  return { object, id: String(record.Id), fields: toLinkedSalesforce(record).fields };
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
