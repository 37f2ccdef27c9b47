/**
 * Detect and gather: everything `planContactSync` needs to decide one cycle, read in batches.
 *
 * Changes come from polling both sides since their checkpoints, minus an overlap window (SPEC section 7): the
 * overlap re-reads a little on purpose and costs query pages, never writes, because the planner finds those
 * records equal to their last-synced values. Then, only for the records that changed: their stored links and
 * last-synced values, their linked counterparts (batch reads by id), the other side's records sharing an email
 * for the unlinked ones (SOQL `Email IN (…)` on Lead and Contact; HubSpot batch read by email), HubSpot's
 * per-property change times where both sides moved a two-way field, the inclusion list and the owner directory.
 *
 * Polling itself is src/engine/detect's (keyset paging, expired query locators, the overlap); this file decides
 * what to poll and what else to read.
 */
import { mappingsForSalesforceObject, type TypedFieldMapping } from '../../core/mapping/model.ts';
import { sameSyncedValue, type SalesforceValue } from '../../core/mapping/convert.ts';
import { readHubspotRecord, readSalesforceRecord } from '../../core/mapping/record.ts';
import { normaliseEmail, type SalesforcePersonObject } from '../../core/rules/contact-identity.ts';
import type { ContactSyncInput, HubspotContactRecord, SalesforcePersonRecord, StoredContactLink } from '../../core/plan.ts';
import type { Settings } from '../../core/settings.ts';
import type { HubSpotClient, HubSpotObject } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { PollCursor } from '../detect/cursor.ts';
import { pollHubSpotChanges } from '../detect/hubspot-poll.ts';
import { gatherOpportunityRoles } from './lifecycle.ts';
import { pollSalesforceChanges } from '../detect/salesforce-poll.ts';
import type { RecordHint } from '../detect/triggers.ts';
import { carriesSalesforceId, deletedFormerPartners, hubspotDeletions, salesforceDeletions } from './fates.ts';
import type { AuditEntry, ContactRepositories, StoredLink } from './ports.ts';
import {
  HUBSPOT_CONTACTS,
  PERSON_OBJECTS,
  contactPairFacts,
  hubspotPropertiesToRead,
  isPersonObject,
  propertyChangeTimes,
  salesforceFieldsToRead,
  salesforceKey,
  soqlInLists,
  toHubspotContact,
  toSalesforcePerson,
} from './records.ts';
import { ownerDirectoryFor, type OwnerDirectoryCache } from '../owners.ts';

export { DEFAULT_OVERLAP_MS } from '../detect/cursor.ts';

export interface CheckpointAdvance {
  system: 'salesforce' | 'hubspot';
  object: string;
  cursor: { time: Date; lastId: string | null };
}

export interface GatheredContactChanges {
  input: ContactSyncInput;
  /** Where each poll got to: stored once the cycle's writes are applied. */
  checkpoints: CheckpointAdvance[];
  /** Changed records read on each side (the summary's "read"). */
  read: { salesforce: number; hubspot: number };
  /** Things the cycle could not see and the admin should know (deletions past Salesforce's 15-day log). */
  notices: string[];
}

export interface GatherOptions {
  now: Date;
  settings: Settings;
  mappings: readonly TypedFieldMapping[];
  overlapMs: number;
  /** The trigger hub's hints taken for this cycle: HubSpot deletions and merges that polling cannot see. */
  hints?: readonly RecordHint[];
  /**
   * False: leave Salesforce's changes to a later cycle (its checkpoints stay where they are, so nothing is
   * missed). The service polls Salesforce less often while its change events are live: an idle poll costs
   * Salesforce calls from the org's daily limit, HubSpot's search does not.
   */
  pollSalesforce?: boolean;
  /**
   * Scan the archived listing now: a trigger asked for HubSpot contacts to be compared in full (a webhook gap), or
   * recovery found an upsert of a dead run nowhere (recover.ts, `scanArchivedContacts`).
   */
  reconcileHubspot?: boolean;
  /** How often the archived listing is read in full; default ARCHIVED_SCAN_INTERVAL_MS. */
  archivedScanIntervalMs?: number;
  /** Records whose sync errors are due for a retry (src/engine/contacts/retry.ts): planned as if they changed. */
  retry?: { hubspot: readonly HubSpotObject[]; salesforce: readonly SalesforcePersonRecord[] };
}

/** How often the whole archived-contacts listing is read (one HubSpot call per 100 archived contacts). */
export const ARCHIVED_SCAN_INTERVAL_MS = 15 * 60 * 1000;
const ARCHIVED_SCAN_CHECKPOINT = `${HUBSPOT_CONTACTS}#archived`;

export async function gatherContactChanges(
  sources: { salesforce: SalesforceClient; hubspot: HubSpotClient; store: ContactRepositories; ownerCache?: OwnerDirectoryCache },
  options: GatherOptions,
): Promise<GatheredContactChanges> {
  const { salesforce, hubspot, store } = sources;
  const { mappings, settings } = options;
  const hubspotProperties = hubspotPropertiesToRead(mappings);
  // A merge's survivor names the records merged into it: the only trace of a HubSpot merge that polling can see.
  const polledHubspotProperties = [...hubspotProperties, 'hs_merged_object_ids', 'hs_additional_emails'];
  const checkpoints: CheckpointAdvance[] = [];

  // ---- detect ------------------------------------------------------------------------------------------
  const salesforceChanges: SalesforcePersonRecord[] = [];
  // A poll from no checkpoint reads every record: then no record of that side needs looking up by email.
  const pollSalesforce = options.pollSalesforce ?? true;
  let everySalesforcePerson = pollSalesforce;
  for (const object of pollSalesforce ? PERSON_OBJECTS : []) {
    const checkpoint = await readCursor(store, 'salesforce', object);
    if (checkpoint) everySalesforcePerson = false;
    let last: CheckpointAdvance | undefined;
    for await (const batch of pollSalesforceChanges(salesforce, { object, fields: salesforceFieldsToRead(object, mappings), checkpoint, overlapMs: options.overlapMs })) {
      salesforceChanges.push(...batch.records.map((record) => toSalesforcePerson(object, record)));
      last = { system: 'salesforce', object, cursor: batch.checkpoint };
    }
    if (last) checkpoints.push(last);
  }
  const hubspotChanged: HubSpotObject[] = [];
  const hubspotCheckpoint = await readCursor(store, 'hubspot', HUBSPOT_CONTACTS);
  let lastHubspot: CheckpointAdvance | undefined;
  for await (const batch of pollHubSpotChanges(hubspot, { objectType: HUBSPOT_CONTACTS, properties: polledHubspotProperties, checkpoint: hubspotCheckpoint, overlapMs: options.overlapMs })) {
    hubspotChanged.push(...batch.records);
    lastHubspot = { system: 'hubspot', object: HUBSPOT_CONTACTS, cursor: batch.checkpoint };
  }
  if (lastHubspot) checkpoints.push(lastHubspot);
  // Joining a list does not change a contact's modification time, so search cannot see it: a member that joined
  // since the last poll (with the overlap) is read as a change, which is when it starts to sync (SPEC section 5).
  const inclusionList = settings.contacts.inclusionListId !== null ? await hubspot.listMembers(settings.contacts.inclusionListId) : undefined;
  if (inclusionList && hubspotCheckpoint) {
    const since = hubspotCheckpoint.time.getTime() - options.overlapMs;
    const seen = new Set(hubspotChanged.map((record) => record.id));
    const joined = [...inclusionList].filter(([id, at]) => at.getTime() >= since && !seen.has(id)).map(([id]) => id);
    if (joined.length > 0) hubspotChanged.push(...(await hubspot.batchRead(HUBSPOT_CONTACTS, joined, polledHubspotProperties)).results);
  }
  const polledHubspot = new Set(hubspotChanged.map((record) => record.id));
  hubspotChanged.push(...(options.retry?.hubspot ?? []).filter((record) => !polledHubspot.has(record.id)));
  const polledSalesforce = new Set(salesforceChanges.map((record) => salesforceKey(record.object, record.id)));
  salesforceChanges.push(...(options.retry?.salesforce ?? []).filter((record) => !polledSalesforce.has(salesforceKey(record.object, record.id))));

  // Linked Contacts whose opportunity roles moved are read as changes, with their roles.
  if (pollSalesforce && settings.contacts.onOpportunityStage === 'update_lifecycle_stage') {
    const roles = await gatherOpportunityRoles(
      salesforce,
      { roles: await readCursor(store, 'salesforce', 'OpportunityContactRole'), opportunities: await readCursor(store, 'salesforce', 'Opportunity') },
      options.overlapMs,
    );
    checkpoints.push(...roles.checkpoints);
    const polled = new Set(salesforceChanges.filter((record) => record.object === 'Contact').map((record) => record.id));
    const linkedUnpolled = [...(await store.idLinks.findBySalesforceIds([...roles.rolesByContact.keys()].filter((id) => !polled.has(id)))).values()].filter(
      (link) => link.hubspotObjectType === HUBSPOT_CONTACTS && link.salesforceObject === 'Contact',
    );
    if (linkedUnpolled.length > 0) {
      const records = await salesforce.retrieve('Contact', linkedUnpolled.map((link) => link.salesforceId), salesforceFieldsToRead('Contact', mappings));
      for (const record of records) if (record) salesforceChanges.push(toSalesforcePerson('Contact', record));
    }
    for (const [index, record] of salesforceChanges.entries()) {
      const opportunityRoles = record.object === 'Contact' ? roles.rolesByContact.get(record.id) : undefined;
      if (opportunityRoles) salesforceChanges[index] = { ...record, opportunityRoles };
    }
  }

  // ---- deletes and merges (fates.ts) -------------------------------------------------------------------
  const hints = options.hints ?? [];
  const salesforceGone = !pollSalesforce ? { records: [], links: [], checkpoints: [], notices: [] } : await salesforceDeletions(salesforce, store, {
    now: options.now,
    overlapMs: options.overlapMs,
    conversionTargets: new Set(salesforceChanges.flatMap((record) => (record.converted ? [record.converted.contactId] : []))),
    hintedIds: new Set(hints.filter((hint) => hint.system === 'salesforce' && hint.happenings.deleted).map((hint) => hint.recordId)),
    cursor: (object) => readCursor(store, 'salesforce', object),
  });
  checkpoints.push(...salesforceGone.checkpoints);
  const polledKeys = new Set(salesforceChanges.map((record) => salesforceKey(record.object, record.id)));
  salesforceChanges.push(...salesforceGone.records.filter((record) => !polledKeys.has(salesforceKey(record.object, record.id))));
  // The very first cycle has no links that an archive could concern: the listing is read from the second on.
  // The archived listing has no time filter, so each scan reads every archived contact: it runs every
  // ARCHIVED_SCAN_INTERVAL_MS (and when a trigger asks HubSpot contacts to be reconciled), not every cycle. Deletions
  // in between come sooner through webhook hints; a scan only catches the ones no webhook told of.
  const lastArchivedScan = await readCursor(store, 'hubspot', ARCHIVED_SCAN_CHECKPOINT);
  const archivedScanDue =
    lastArchivedScan === null ||
    options.now.getTime() - lastArchivedScan.time.getTime() >= (options.archivedScanIntervalMs ?? ARCHIVED_SCAN_INTERVAL_MS) ||
    (options.reconcileHubspot ?? false);
  const scanArchived = (hubspotCheckpoint !== null || !everySalesforcePerson) && archivedScanDue;
  if (scanArchived) checkpoints.push({ system: 'hubspot', object: ARCHIVED_SCAN_CHECKPOINT, cursor: { time: options.now, lastId: null } });
  const hubspotGone = await hubspotDeletions(hubspot, store, { polled: hubspotChanged, hints, scanArchived, now: options.now });
  const goneHubspotIds = new Set(hubspotGone.records.map((record) => record.id));

  // ---- links of the changed records, and their counterparts ---------------------------------------------
  const links = new LinkIndex();
  links.add(salesforceGone.links);
  links.add(hubspotGone.links);
  // A merge's master is looked at with its link: the loser's link moves onto it, or the two contacts merge.
  const masterIds = salesforceGone.records.flatMap((record) => (record.masterRecordId ? [record.masterRecordId] : []));
  if (masterIds.length > 0) links.add((await store.idLinks.findBySalesforceIds(masterIds)).values());
  // A master is read as changed: it now stands for the merged person (Salesforce may leave its SystemModstamp alone),
  // and an unlinked one has no other way into the plan, which would move the loser's link onto a record it never saw.
  for (const object of PERSON_OBJECTS) {
    const polled = new Set(salesforceChanges.filter((record) => record.object === object).map((record) => record.id));
    const unread = [...new Set(salesforceGone.records.filter((record) => record.object === object && record.masterRecordId && !polled.has(record.masterRecordId)).map((record) => record.masterRecordId!))];
    if (unread.length === 0) continue;
    for (const record of await salesforce.retrieve(object, unread, salesforceFieldsToRead(object, mappings))) if (record) salesforceChanges.push(toSalesforcePerson(object, record));
  }
  links.add((await store.idLinks.findByHubspotIds(HUBSPOT_CONTACTS, hubspotChanged.map((record) => record.id))).values());
  links.add((await store.idLinks.findBySalesforceIds(salesforceChanges.map((record) => record.id))).values());

  const hubspotById = new Map(hubspotChanged.map((record) => [record.id, record]));
  const salesforceByKey = new Map(salesforceChanges.map((record) => [salesforceKey(record.object, record.id), record]));
  const hubspotCounterpartIds = links.all().filter((link) => !hubspotById.has(link.hubspotId) && !goneHubspotIds.has(link.hubspotId)).map((link) => link.hubspotId);
  const counterparts = hubspotCounterpartIds.length > 0 ? await hubspot.batchRead(HUBSPOT_CONTACTS, hubspotCounterpartIds, hubspotProperties) : { results: [] };
  const hubspotCounterparts = counterparts.results;
  const salesforceCounterparts: SalesforcePersonRecord[] = [];
  for (const object of PERSON_OBJECTS) {
    const ids = links.all().filter((link) => link.salesforceObject === object && !salesforceByKey.has(salesforceKey(object, link.salesforceId))).map((link) => link.salesforceId);
    if (ids.length === 0) continue;
    const records = await salesforce.retrieve(object, ids, salesforceFieldsToRead(object, mappings));
    for (const record of records) if (record) salesforceCounterparts.push(toSalesforcePerson(object, record));
  }

  // ---- email matches for the unlinked -----------------------------------------------------------------
  const unlinkedHubspotEmails = hubspotChanged.filter((record) => !links.byHubspot.has(record.id)).map((record) => normaliseEmail(record.properties.email));
  const unlinkedSalesforceEmails = salesforceChanges.filter((record) => !record.deleted && !links.bySalesforce.has(record.id)).map((record) => normaliseEmail(record.fields.Email));
  // Salesforce rivals are looked up for both: an older record with the same email may not have changed this cycle.
  const salesforceMatches = everySalesforcePerson ? [] : await salesforceRecordsByEmail(salesforce, present([...unlinkedHubspotEmails, ...unlinkedSalesforceEmails]), mappings);
  const changedEmails = new Set(hubspotChanged.map((record) => normaliseEmail(record.properties.email)));
  const hubspotMatchEmails = hubspotCheckpoint === null ? [] : present(unlinkedSalesforceEmails).filter((email) => !changedEmails.has(email));
  // HubSpot finds a contact by any of its emails, a merged-away contact's included (hs_additional_emails): the
  // planner must see them, or a merged-away person's Salesforce record would be upserted onto the merged contact.
  const hubspotMatches = hubspotMatchEmails.length > 0 ? (await hubspot.batchRead(HUBSPOT_CONTACTS, hubspotMatchEmails, [...hubspotProperties, 'hs_additional_emails'], { idProperty: 'email' })).results : [];
  // A match may itself be linked elsewhere: the planner must know, or it would link one record twice.
  links.add((await store.idLinks.findByHubspotIds(HUBSPOT_CONTACTS, hubspotMatches.map((record) => record.id))).values());
  links.add((await store.idLinks.findBySalesforceIds(salesforceMatches.map((record) => record.id))).values());

  const lastSynced = await readLastSynced(store, links.all());
  const personLinks = links.all().flatMap((link): StoredContactLink[] =>
    isPersonObject(link.salesforceObject) ? [{ linkId: link.linkId, hubspotId: link.hubspotId, salesforceObject: link.salesforceObject, salesforceId: link.salesforceId }] : [],
  );

  // ---- per-property change times, only where both sides moved a two-way field ---------------------------
  const salesforceSeen = new Map([...salesforceCounterparts, ...salesforceChanges].map((record) => [salesforceKey(record.object, record.id), record]));
  const contested = contestedHubspotContacts(personLinks, hubspotById, salesforceSeen, lastSynced, mappings, settings);
  const changeTimes = new Map<string, Record<string, number>>();
  if (contested.ids.length > 0) {
    const history = await hubspot.batchRead(HUBSPOT_CONTACTS, contested.ids, hubspotProperties, { propertiesWithHistory: contested.properties });
    for (const record of history.results) changeTimes.set(record.id, propertyChangeTimes(record));
  }

  // ---- unlinked contacts whose Salesforce record was deleted: held until they change (links.ts) -------------
  const unlinkedChanged = hubspotChanged.filter((record) => !links.byHubspot.has(record.id));
  const formerPartners = await deletedFormerPartners(salesforce, unlinkedChanged.filter(carriesSalesforceId));
  for (const [id, formerPartner] of await unlinkedWhenPartnerWent(store, unlinkedChanged.filter((record) => !formerPartners.has(record.id)))) formerPartners.set(id, formerPartner);
  if (formerPartners.size > 0) {
    const history = await hubspot.batchRead(HUBSPOT_CONTACTS, [...formerPartners.keys()], hubspotProperties, { propertiesWithHistory: mappings.map((mapping) => mapping.hubspotProperty) });
    for (const record of history.results) changeTimes.set(record.id, propertyChangeTimes(record));
  }
  const withFormerPartner = (record: HubspotContactRecord): HubspotContactRecord => {
    const formerPartner = formerPartners.get(record.id);
    return formerPartner ? { ...record, formerPartner } : record;
  };
  const salesforceWithFormerPartner = (record: SalesforcePersonRecord): SalesforcePersonRecord => {
    const formerPartner = links.bySalesforce.has(record.id) ? undefined : hubspotGone.formerPartnerBySalesforceId.get(record.id);
    return formerPartner ? { ...record, formerPartner } : record;
  };

  // ---- companies, where they decide something -----------------------------------------------------------
  // A new contact becomes a Contact on its company's Account (hubspotCreatesIn contact/auto), and a converted
  // lead's Account is linked to the contact's company: only those contacts' companies are read.
  const routed = settings.contacts.hubspotCreatesIn === 'lead' ? [] : hubspotChanged.filter((record) => !links.byHubspot.has(record.id)).map((record) => record.id);
  const converted = salesforceChanges.flatMap((record) => (record.converted ? [links.bySalesforce.get(record.id)?.hubspotId ?? ''] : [])).filter((id) => id !== '');
  const companies = await contactCompanies(hubspot, store, [...new Set([...routed, ...converted])]);
  const withCompany = (record: HubspotContactRecord): HubspotContactRecord => {
    const companyId = companies.companyIdByContact.get(record.id);
    return companyId === undefined ? record : { ...record, companyId };
  };

  // ---- inclusion list and owners ------------------------------------------------------------------------
  const inclusionListMembers = inclusionList ? new Set(inclusionList.keys()) : undefined;
  const owners = await ownerDirectoryFor(mappings, salesforce, hubspot, sources.ownerCache);

  return {
    input: {
      now: options.now.getTime(),
      settings,
      mappings,
      pair: contactPairFacts,
      hubspotChanges: [...hubspotChanged.map((record) => withFormerPartner(withCompany(toHubspotContact(record, changeTimes.get(record.id))))), ...hubspotGone.records],
      salesforceChanges: salesforceChanges.map(salesforceWithFormerPartner),
      links: personLinks,
      lastSynced,
      salesforceMatches: [...salesforceCounterparts, ...salesforceMatches.filter((record) => !salesforceByKey.has(salesforceKey(record.object, record.id)))],
      hubspotMatches: [...hubspotCounterparts, ...hubspotMatches].filter((record) => !hubspotById.has(record.id)).map((record) => withCompany(toHubspotContact(record))),
      ...(inclusionListMembers ? { inclusionListMembers } : {}),
      ...(owners ? { owners } : {}),
      accountIdByHubspotCompanyId: companies.accountIdByCompany,
    },
    checkpoints,
    read: { salesforce: salesforceChanges.length, hubspot: hubspotChanged.length + hubspotGone.records.length },
    notices: salesforceGone.notices,
  };
}

/** The links seen so far, by either side's id. */
class LinkIndex {
  readonly byHubspot = new Map<string, StoredLink>();
  readonly bySalesforce = new Map<string, StoredLink>();

  add(links: Iterable<StoredLink>): void {
    for (const link of links) {
      if (link.hubspotObjectType !== HUBSPOT_CONTACTS) continue;
      this.byHubspot.set(link.hubspotId, link);
      this.bySalesforce.set(link.salesforceId, link);
    }
  }

  all(): StoredLink[] {
    return [...this.byHubspot.values()];
  }
}

function present(emails: ReadonlyArray<string | null>): string[] {
  return [...new Set(emails.filter((email): email is string => email !== null))];
}

async function salesforceRecordsByEmail(client: SalesforceClient, emails: readonly string[], mappings: readonly TypedFieldMapping[]): Promise<SalesforcePersonRecord[]> {
  const found: SalesforcePersonRecord[] = [];
  for (const object of PERSON_OBJECTS) {
    for (const list of soqlInLists(emails)) {
      const soql = `SELECT ${salesforceFieldsToRead(object, mappings).join(', ')} FROM ${object} WHERE Email IN (${list})`;
      for await (const page of client.queryPages(soql, object)) found.push(...page.map((record) => toSalesforcePerson(object, record)));
    }
  }
  return found;
}

/**
 * The company of each contact asked about (its first associated company: the v4 batch read does not mark the
 * primary) and the Account each of those companies is linked to.
 */
async function contactCompanies(
  hubspot: HubSpotClient,
  store: ContactRepositories,
  contactIds: readonly string[],
): Promise<{ companyIdByContact: Map<string, string>; accountIdByCompany: Map<string, string> }> {
  const companyIdByContact = new Map<string, string>();
  const accountIdByCompany = new Map<string, string>();
  if (contactIds.length === 0) return { companyIdByContact, accountIdByCompany };
  for (const [contactId, companyIds] of await hubspot.associationsOf(HUBSPOT_CONTACTS, 'companies', contactIds)) {
    if (companyIds[0] !== undefined) companyIdByContact.set(contactId, companyIds[0]);
  }
  for (const link of (await store.idLinks.findByHubspotIds('companies', [...new Set(companyIdByContact.values())])).values()) {
    if (link.salesforceObject === 'Account') accountIdByCompany.set(link.hubspotId, link.salesforceId);
  }
  return { companyIdByContact, accountIdByCompany };
}

async function readCursor(store: ContactRepositories, system: 'salesforce' | 'hubspot', object: string): Promise<PollCursor | null> {
  const checkpoint = await store.checkpoints.read(system, object);
  return checkpoint ? { time: checkpoint.cursorTime, lastId: checkpoint.cursorLastId } : null;
}

async function readLastSynced(store: ContactRepositories, links: readonly StoredLink[]): Promise<Map<string, Record<string, SalesforceValue>>> {
  const stored = await store.syncedValues.readForLinks(links.map((link) => link.linkId));
  const lastSynced = new Map<string, Record<string, SalesforceValue>>();
  for (const [linkId, fields] of stored) {
    lastSynced.set(linkId, Object.fromEntries([...fields].map(([field, synced]) => [field, synced.value as SalesforceValue])));
  }
  return lastSynced;
}

/**
 * Linked pairs whose two sides both moved a two-way field away from its last-synced value: only there does the
 * time of each property's change decide, so only those contacts are read again with their history.
 */
function contestedHubspotContacts(
  links: readonly StoredContactLink[],
  hubspotById: ReadonlyMap<string, HubSpotObject>,
  salesforceByKey: ReadonlyMap<string, SalesforcePersonRecord>,
  lastSynced: ReadonlyMap<string, Readonly<Record<string, SalesforceValue>>>,
  mappings: readonly TypedFieldMapping[],
  settings: Settings,
): { ids: string[]; properties: string[] } {
  const ids: string[] = [];
  const properties = new Set<string>();
  for (const link of links) {
    const hubspot = hubspotById.get(link.hubspotId);
    const salesforce = salesforceByKey.get(salesforceKey(link.salesforceObject, link.salesforceId));
    const synced = lastSynced.get(link.linkId);
    if (!hubspot || !salesforce || !synced) continue;
    const twoWay = mappingsForSalesforceObject(mappings, link.salesforceObject).filter((mapping) => mapping.rule === 'two_way');
    if (twoWay.length === 0) continue;
    const hubspotValues = readHubspotRecord(hubspot.properties, twoWay, settings.contacts).values;
    const salesforceValues = readSalesforceRecord(salesforce.fields, twoWay).values;
    const moved = (values: ReadonlyMap<string, SalesforceValue>, property: string, mapping: (typeof twoWay)[number]) =>
      values.has(property) && synced[property] !== undefined && !sameSyncedValue(values.get(property)!, synced[property], mapping.value);
    const both = twoWay.filter((mapping) => moved(hubspotValues, mapping.hubspotProperty, mapping) && moved(salesforceValues, mapping.hubspotProperty, mapping));
    if (both.length === 0) continue;
    ids.push(link.hubspotId);
    for (const mapping of both) properties.add(mapping.hubspotProperty);
  }
  return { ids, properties: [...properties] };
}

/**
 * Unlinked contacts whose last audit entry is the unlink made when their Salesforce record went (deleted, merged
 * or converted away): held like those that still carry its id. The id properties may never have reached the
 * contact (a run killed between the Salesforce create and the HubSpot write that carries the id), or were cleared
 * when the record's successor was linked to another contact; the store remembers either way.
 */
/** The audit actions that change what a contact is linked to (src/engine/contacts/apply.ts). */
const LINK_ACTIONS = ['link', 'unlink', 'relink', 'merge'] as const;

async function unlinkedWhenPartnerWent(store: ContactRepositories, contacts: readonly HubSpotObject[]): Promise<Map<string, NonNullable<HubspotContactRecord['formerPartner']>>> {
  const held = new Map<string, NonNullable<HubspotContactRecord['formerPartner']>>();
  if (contacts.length === 0) return held;
  // A HubSpot merge makes a new contact: the survivor of a contact unlinked for a gone partner is held as that
  // contact was (the merge itself is not an edit of the person), or the survivor would recreate the deleted person.
  const ownIds = (contact: HubSpotObject) => [contact.id, ...(contact.properties.hs_merged_object_ids ?? '').split(';').filter((id) => id !== '' && id !== contact.id)];
  // What happened last to the contact's link: the unlink of a conversion into a taken Contact is followed by a
  // write clearing the lead id, which must not hide it.
  const latest = await store.auditTrail.latestForRecords([...new Set(contacts.flatMap(ownIds))], LINK_ACTIONS);
  const partnerGone = (entry: AuditEntry | undefined): NonNullable<HubspotContactRecord['formerPartner']> | null => {
    const from = entry?.changes.from as { salesforceObject?: unknown; salesforceId?: unknown } | undefined;
    if (!entry || entry.action !== 'unlink' || entry.changes.partnerGone !== true || !from || !isPersonObject(String(from.salesforceObject))) return null;
    const deletedAt = typeof entry.changes.partnerGoneAt === 'number' ? entry.changes.partnerGoneAt : entry.at.getTime();
    return { salesforceObject: from.salesforceObject as SalesforcePersonObject, salesforceId: String(from.salesforceId), deletedAt };
  };
  for (const contact of contacts) {
    // The contact's own latest entry decides when it has one; its merged-away ids are looked at only without it.
    const merged = ownIds(contact).slice(1);
    const former = latest.has(contact.id) ? partnerGone(latest.get(contact.id)) : (merged.map((id) => partnerGone(latest.get(id))).find((found) => found !== null) ?? null);
    if (former) held.set(contact.id, former);
  }
  return held;
}
