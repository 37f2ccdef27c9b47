/**
 * Activities between HubSpot engagements and Salesforce Tasks/Events: changed records on both sides, their
 * stored links and the links of the people and records they are about → the writes of one cycle. Pure.
 *
 * Contract:
 * - An activity syncs from the side it was made on (`origin`, kept with the link) and only while that
 *   direction's toggle for its kind is on. A change on the copy is ignored: no bounce, no echo.
 * - An unlinked HubSpot engagement becomes a Task/Event only when one of its contacts is linked (HubSpot's rule):
 *   WhoId is that Lead or Contact; WhatId the linked Opportunity of an associated deal, else the linked Account of
 *   an associated company, and never with a Lead (Salesforce refuses a WhatId beside a Lead WhoId). Contacts
 *   associated but none linked yet: an `associations` error, retried until the contact syncs.
 * - An unlinked Task/Event becomes an engagement associated with the HubSpot records its WhoId and WhatId are
 *   linked to; a WhoId or WhatId not linked yet waits the same way. One with neither is skipped. A later change
 *   of WhoId/WhatId moves those associations.
 * - Last-synced values are kept in Salesforce's form per field (with WhoId/WhatId and `@origin`): a value equal
 *   to its last-synced one is not written again, so a quiet cycle writes nothing.
 * - A value that cannot convert is a `property_value` error for that record; the rest continue.
 */
import type { ActivityFieldPair, ActivityKind } from './kinds.ts';
import { hubspotToSalesforce, isBlankValue, salesforceToHubspot, samePlannedValue, type SalesforceValue } from '../mapping/convert.ts';
import type { CoreSyncError } from '../sync-error.ts';

export const ORIGIN_FIELD = '@origin';

export interface ActivityHubspotRecord {
  hubspotObjectType: string;
  id: string;
  properties: Readonly<Record<string, string | null>>;
  /** Associated record ids per type (contacts, companies, deals), as HubSpot lists them. */
  associated: Readonly<Record<string, readonly string[]>>;
}

export interface ActivitySalesforceRecord {
  object: string;
  id: string;
  fields: Readonly<Record<string, SalesforceValue | undefined>>;
}

export interface ActivityLink {
  linkId: string;
  hubspotObjectType: string;
  hubspotId: string;
  salesforceObject: string;
  salesforceId: string;
  /** Last-synced values by Salesforce field, with `@origin`. */
  synced: Readonly<Record<string, SalesforceValue>>;
}

/** A CRM record (contact, company, deal…) linked across: how WhoId/WhatId and associations are resolved. */
export interface LinkedRecord {
  hubspotObjectType: string;
  hubspotId: string;
  salesforceObject: string;
  salesforceId: string;
}

export interface ActivityPlanInput {
  kinds: readonly ActivityKind[];
  /** Engagement types whose HubSpot → Salesforce toggle is on. */
  timeline: ReadonlySet<string>;
  /** Engagement types whose Salesforce → HubSpot toggle is on. */
  fromSalesforce: ReadonlySet<string>;
  hubspotChanges: readonly ActivityHubspotRecord[];
  salesforceChanges: readonly ActivitySalesforceRecord[];
  links: readonly ActivityLink[];
  /** Links of the records activities point at, found by either id. */
  related: readonly LinkedRecord[];
}

export interface ActivitySalesforceCreate {
  /** The same activity planned again (a cycle re-run after a kill) has the same key: it is never created twice. */
  idempotencyKey: string;
  hubspotObjectType: string;
  hubspotId: string;
  object: string;
  fields: Record<string, SalesforceValue>;
  synced: Record<string, SalesforceValue>;
}

export interface ActivitySalesforceUpdate {
  object: string;
  id: string;
  hubspotObjectType: string;
  hubspotId: string;
  linkId: string;
  fields: Record<string, SalesforceValue>;
  synced: Record<string, SalesforceValue>;
}

export interface ActivityHubspotCreate {
  idempotencyKey: string;
  hubspotObjectType: string;
  salesforceObject: string;
  salesforceId: string;
  properties: Record<string, string>;
  associations: Array<{ toType: string; toId: string }>;
  synced: Record<string, SalesforceValue>;
}

export interface ActivityHubspotUpdate {
  hubspotObjectType: string;
  id: string;
  salesforceId: string;
  linkId: string;
  /** Empty when only WhoId/WhatId changed: then only the associations move. */
  properties: Record<string, string>;
  /** The engagement's associations that follow a changed WhoId/WhatId (one not synced is left out). */
  associations: { add: Array<{ toType: string; toId: string }>; remove: Array<{ toType: string; toId: string }> };
  synced: Record<string, SalesforceValue>;
}

export interface ActivityPlanError {
  hubspotObjectType: string;
  hubspotId: string | null;
  salesforceId: string | null;
  error: CoreSyncError;
  /** Waiting for a contact or related record to sync: retried every cycle until it has. */
  waiting: boolean;
}

export interface ActivitySkip {
  side: 'hubspot' | 'salesforce';
  id: string;
  because: string;
}

export interface ActivityPlan {
  salesforceCreates: ActivitySalesforceCreate[];
  salesforceUpdates: ActivitySalesforceUpdate[];
  hubspotCreates: ActivityHubspotCreate[];
  hubspotUpdates: ActivityHubspotUpdate[];
  errors: ActivityPlanError[];
  skips: ActivitySkip[];
}

/** The kind a Salesforce record is: Events are meetings; a Task by its subtype, blank meaning a plain Task. */
export function kindOfSalesforce(kinds: readonly ActivityKind[], record: ActivitySalesforceRecord): ActivityKind | undefined {
  const subtype = typeof record.fields.TaskSubtype === 'string' && record.fields.TaskSubtype !== '' ? record.fields.TaskSubtype : 'Task';
  return kinds.find((kind) => kind.fromSalesforceSettingKey !== null && kind.salesforceObject === record.object && (kind.taskSubtype === null || kind.taskSubtype === subtype));
}

export function planActivitySync(input: ActivityPlanInput): ActivityPlan {
  const plan: ActivityPlan = { salesforceCreates: [], salesforceUpdates: [], hubspotCreates: [], hubspotUpdates: [], errors: [], skips: [] };
  const kindByType = new Map(input.kinds.map((kind) => [kind.hubspotObjectType, kind]));
  const linkByHubspot = new Map(input.links.map((link) => [`${link.hubspotObjectType}|${link.hubspotId}`, link]));
  const linkBySalesforce = new Map(input.links.map((link) => [link.salesforceId, link]));
  const relatedByHubspot = new Map(input.related.map((record) => [`${record.hubspotObjectType}|${record.hubspotId}`, record]));
  const relatedBySalesforce = new Map(input.related.map((record) => [record.salesforceId, record]));

  for (const record of input.hubspotChanges) {
    const kind = kindByType.get(record.hubspotObjectType);
    const link = linkByHubspot.get(`${record.hubspotObjectType}|${record.id}`);
    if (!kind || !input.timeline.has(record.hubspotObjectType)) {
      plan.skips.push({ side: 'hubspot', id: record.id, because: `timeline sync of ${record.hubspotObjectType} is off` });
      continue;
    }
    if (link && link.synced[ORIGIN_FIELD] !== 'hubspot') {
      plan.skips.push({ side: 'hubspot', id: record.id, because: 'made in Salesforce: changes flow from there only' });
      continue;
    }
    const error = (message: string, waiting: boolean, field?: string): ActivityPlanError => ({
      hubspotObjectType: kind.hubspotObjectType,
      hubspotId: record.id,
      salesforceId: link?.salesforceId ?? null,
      error: { category: waiting ? 'associations' : 'property_value', message, ...(field ? { field } : {}) },
      waiting,
    });
    const who = (record.associated.contacts ?? []).map((id) => relatedByHubspot.get(`contacts|${id}`)).find((found) => found !== undefined);
    if (!who && !link) {
      if ((record.associated.contacts ?? []).length === 0) plan.skips.push({ side: 'hubspot', id: record.id, because: 'associated with no contact (timeline sync follows contacts)' });
      else plan.errors.push(error(`waiting for contact to sync: HubSpot contact ${record.associated.contacts![0]} is not linked to a Salesforce Lead or Contact yet`, true));
      continue;
    }
    const converted = toSalesforceValues(kind, record.properties);
    if (!converted.ok) {
      plan.errors.push(error(converted.message, false, converted.field));
      continue;
    }
    const values: Record<string, SalesforceValue> = { ...converted.values };
    if (who) {
      values.WhoId = who.salesforceId;
      // Salesforce refuses a WhatId beside a Lead: a lead has no account or opportunity yet.
      values.WhatId = who.salesforceObject === 'Lead' ? null : (firstLinked(record.associated.deals, 'deals', relatedByHubspot) ?? firstLinked(record.associated.companies, 'companies', relatedByHubspot) ?? null);
    }
    if (!link) {
      const synced = { ...values, [ORIGIN_FIELD]: 'hubspot' };
      plan.salesforceCreates.push({ idempotencyKey: `activities:hubspot:${kind.hubspotObjectType}:${record.id}`, hubspotObjectType: kind.hubspotObjectType, hubspotId: record.id, object: kind.salesforceObject, fields: { ...onCreate(kind), ...withoutBlanks(values) }, synced });
      continue;
    }
    const changed = changedValues(kind, values, link.synced);
    if (Object.keys(changed).length > 0) {
      plan.salesforceUpdates.push({ object: link.salesforceObject, id: link.salesforceId, hubspotObjectType: kind.hubspotObjectType, hubspotId: record.id, linkId: link.linkId, fields: changed, synced: { ...link.synced, ...changed } });
    }
  }

  for (const record of input.salesforceChanges) {
    const link = linkBySalesforce.get(record.id);
    const kind = link ? kindByType.get(link.hubspotObjectType) : kindOfSalesforce(input.kinds, record);
    if (!kind || !input.fromSalesforce.has(kind.hubspotObjectType)) {
      plan.skips.push({ side: 'salesforce', id: record.id, because: `sync of this ${record.object} kind to HubSpot is off` });
      continue;
    }
    if (link && link.synced[ORIGIN_FIELD] !== 'salesforce') {
      plan.skips.push({ side: 'salesforce', id: record.id, because: 'made in HubSpot: changes flow from there only' });
      continue;
    }
    const error = (message: string, waiting: boolean, field?: string): ActivityPlanError => ({
      hubspotObjectType: kind.hubspotObjectType,
      hubspotId: link?.hubspotId ?? null,
      salesforceId: record.id,
      error: { category: waiting ? 'associations' : 'property_value', message, ...(field ? { field } : {}) },
      waiting,
    });
    // WhoId and WhatId ride along: on a later change they move the engagement's associations.
    const values = { ...salesforceValues(kind, record), WhoId: stringOf(record.fields.WhoId), WhatId: stringOf(record.fields.WhatId) };
    if (!link) {
      const whoId = stringOf(record.fields.WhoId);
      const whatId = stringOf(record.fields.WhatId);
      if (!whoId && !whatId) {
        plan.skips.push({ side: 'salesforce', id: record.id, because: 'related to no lead, contact or record' });
        continue;
      }
      const who = whoId ? relatedBySalesforce.get(whoId) : undefined;
      const what = whatId ? relatedBySalesforce.get(whatId) : undefined;
      if (whoId && !who) {
        plan.errors.push(error(`waiting for contact to sync: ${whoId} is not linked to a HubSpot contact yet`, true));
        continue;
      }
      if (!whoId && whatId && !what) {
        plan.errors.push(error(`waiting for related record to sync: ${whatId} is not linked to a HubSpot record yet`, true));
        continue;
      }
      const properties = toHubspotProperties(kind, values, 'create');
      if (!properties.ok) {
        plan.errors.push(error(properties.message, false, properties.field));
        continue;
      }
      if (isBlank(properties.values.hs_timestamp)) {
        const fallback = salesforceToHubspot(record.fields[kind.hubspotTimestampFallback], instantShape);
        if (fallback.ok && fallback.value !== '') properties.values.hs_timestamp = fallback.value;
      }
      const associations = [who, what].flatMap((related) => (related ? [{ toType: related.hubspotObjectType, toId: related.hubspotId }] : []));
      plan.hubspotCreates.push({
        idempotencyKey: `activities:salesforce:${record.object}:${record.id}`,
        hubspotObjectType: kind.hubspotObjectType,
        salesforceObject: record.object,
        salesforceId: record.id,
        properties: { ...kind.hubspotOnCreate, ...withoutBlankText(properties.values) },
        associations,
        synced: { ...values, [ORIGIN_FIELD]: 'salesforce' },
      });
      continue;
    }
    const changed = changedValues(kind, values, link.synced);
    if (Object.keys(changed).length === 0) continue;
    const properties = toHubspotProperties(kind, changed, 'update');
    if (!properties.ok) {
      plan.errors.push(error(properties.message, false, properties.field));
      continue;
    }
    const move = { add: [] as Array<{ toType: string; toId: string }>, remove: [] as Array<{ toType: string; toId: string }> };
    for (const field of ['WhoId', 'WhatId'] as const) {
      if (!(field in changed)) continue;
      const before = stringOf(link.synced[field]);
      const after = stringOf(changed[field]);
      const gone = before ? relatedBySalesforce.get(before) : undefined;
      const come = after ? relatedBySalesforce.get(after) : undefined;
      if (gone) move.remove.push({ toType: gone.hubspotObjectType, toId: gone.hubspotId });
      if (come) move.add.push({ toType: come.hubspotObjectType, toId: come.hubspotId });
    }
    plan.hubspotUpdates.push({
      hubspotObjectType: kind.hubspotObjectType,
      id: link.hubspotId,
      salesforceId: record.id,
      linkId: link.linkId,
      properties: properties.values,
      associations: move,
      synced: { ...link.synced, ...changed },
    });
  }
  return plan;
}

const instantShape = { kind: 'datetime', salesforceType: 'datetime' } as const;

type ConvertedValues<T> = { ok: true; values: Record<string, T> } | { ok: false; message: string; field: string };

function towardSalesforce(kind: ActivityKind): ActivityFieldPair[] {
  return kind.fields.filter((pair) => pair.only !== 'to_hubspot');
}

function towardHubspot(kind: ActivityKind): ActivityFieldPair[] {
  return kind.fields.filter((pair) => pair.only !== 'to_salesforce');
}

/** A HubSpot engagement's values in Salesforce's form, one per field. */
export function toSalesforceValues(kind: ActivityKind, properties: Readonly<Record<string, string | null>>): ConvertedValues<SalesforceValue> {
  const values: Record<string, SalesforceValue> = {};
  for (const pair of towardSalesforce(kind)) {
    const source = [pair.hubspotProperty, ...(pair.hubspotFallbacks ?? [])].find((property) => !isBlank(properties[property])) ?? pair.hubspotProperty;
    const raw = properties[source] ?? null;
    const converted = hubspotToSalesforce(pair.html && raw !== null ? plainText(raw) : raw, pair.value);
    if (!converted.ok) return { ok: false, message: `${pair.hubspotProperty}: ${converted.error.message}`, field: pair.salesforceField };
    values[pair.salesforceField] = converted.value;
  }
  return { ok: true, values };
}

/** The Salesforce record's synced fields, as read. */
function salesforceValues(kind: ActivityKind, record: ActivitySalesforceRecord): Record<string, SalesforceValue> {
  const values: Record<string, SalesforceValue> = {};
  for (const pair of towardHubspot(kind)) values[pair.salesforceField] = record.fields[pair.salesforceField] ?? null;
  return values;
}

function toHubspotProperties(kind: ActivityKind, values: Readonly<Record<string, SalesforceValue>>, mode: 'create' | 'update'): ConvertedValues<string> {
  const properties: Record<string, string> = {};
  for (const pair of towardHubspot(kind)) {
    if (!(pair.salesforceField in values)) continue;
    const converted = salesforceToHubspot(values[pair.salesforceField], pair.value);
    if (!converted.ok) return { ok: false, message: `${pair.salesforceField}: ${converted.error.message}`, field: pair.salesforceField };
    // hs_timestamp cannot be cleared on an engagement: a Task whose due date went blank keeps its timestamp.
    if (mode === 'update' && converted.value === '' && pair.hubspotProperty === 'hs_timestamp') continue;
    properties[pair.hubspotProperty] = converted.value;
  }
  return { ok: true, values: properties };
}

function changedValues(kind: ActivityKind, values: Readonly<Record<string, SalesforceValue>>, synced: Readonly<Record<string, SalesforceValue>>): Record<string, SalesforceValue> {
  const shapes = new Map(kind.fields.map((pair) => [pair.salesforceField, pair.value]));
  const changed: Record<string, SalesforceValue> = {};
  for (const [field, value] of Object.entries(values)) {
    const shape = shapes.get(field);
    const before = synced[field] ?? null;
    const same = shape ? samePlannedValue(value, before, shape) : value === before;
    if (!same) changed[field] = value;
  }
  return changed;
}

function onCreate(kind: ActivityKind): Record<string, SalesforceValue> {
  return { ...kind.salesforceOnCreate, ...(kind.taskSubtype ? { TaskSubtype: kind.taskSubtype } : {}) };
}

function firstLinked(ids: readonly string[] | undefined, type: string, related: ReadonlyMap<string, LinkedRecord>): string | undefined {
  return (ids ?? []).map((id) => related.get(`${type}|${id}`)?.salesforceId).find((id) => id !== undefined);
}

function withoutBlanks(values: Readonly<Record<string, SalesforceValue>>): Record<string, SalesforceValue> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => !isBlankValue(value)));
}

function withoutBlankText(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
}

function stringOf(value: SalesforceValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

/**
 * HubSpot's rich text as Salesforce's plain text: block ends become line breaks, other tags go, the common
 * entities are decoded. Not an HTML parser; enough for the bodies HubSpot's editor writes.
 */
export function plainText(html: string): string {
  if (!/[<&]/.test(html)) return html;
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n+$/, '');
}
