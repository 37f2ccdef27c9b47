/**
 * Detect and gather for one link-matched pair: everything `planLinkedSync` needs, read in batches, decided by the
 * description alone.
 *
 * - Changes: Salesforce SOQL on SystemModstamp (pages of 2,000) and deletions through queryAll (IsDeleted, which
 *   shows a delete at once, where getDeleted waits for the minute to end); HubSpot search on hs_lastmodifieddate.
 *   Records whose `associations` errors are due (waiting for a parent) are read again as if they changed.
 * - Then only for those records: links and last-synced values, linked partners (batch reads by id; a partner gone
 *   is a delete), the parents they point at and the parents' links, the owner directory.
 * - `link_then_associated_contacts` (companies): an unlinked company and an unlinked Account are the same when the
 *   company's contacts are linked to Salesforce Contacts of that one Account; never by domain. An unlinked company
 *   creates an Account only when at least one of its contacts syncs as a Salesforce Contact (in the inclusion list,
 *   when one is set), as HubSpot's integration does; a company whose contacts are all leads creates nothing.
 * Checkpoints are keyed by the pair (`deals/Opportunity`), so two pairs reading one object never share a cursor.
 */
import type { LinkedHubspotRecord, LinkedSalesforceRecord, LinkedSyncInput, ParentLinks, StoredLinkedLink } from '../../core/linked/plan.ts';
import type { SalesforceValue } from '../../core/mapping/convert.ts';
import type { Settings } from '../../core/settings.ts';
import type { HubSpotClient } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient, SalesforceRecord } from '../../connectors/salesforce/client.ts';
import type { LinkedObjectDescription } from '../../objects/index.ts';
import type { PollCursor } from '../detect/cursor.ts';
import type { RecordHint } from '../detect/triggers.ts';
import { pollHubSpotChanges } from '../detect/hubspot-poll.ts';
import { noPages, parseSalesforceDateTime, pollSalesforceChanges, soqlDateTime } from '../detect/salesforce-poll.ts';
import { ARCHIVED_SCAN_INTERVAL_MS, type CheckpointAdvance } from '../contacts/gather.ts';
import type { ContactRepositories, StoredLink } from '../contacts/ports.ts';
import { soqlInLists } from '../contacts/records.ts';
import { RETRIES_PER_CYCLE } from '../contacts/retry.ts';
import { ownerDirectoryFor, type OwnerDirectoryCache } from '../owners.ts';
import { hubspotPropertiesToRead, pairFacts, salesforceFieldsToRead, toLinkedHubspot, toLinkedSalesforce, type LinkedMappings } from './records.ts';

/** How an unlinked record learns that its partner was deleted: the audit row written when the link went. */
export const PARTNER_DELETED_ACTION = 'unlink_partner_deleted';

export interface LinkedStore extends ContactRepositories {
  writeIntents: ContactRepositories['writeIntents'] & {
    listPending(limit: number): Promise<Array<{ system: string; object: string; operation: string; payload: unknown; createdAt: Date }>>;
  };
}

export interface GatheredLinkedChanges {
  input: LinkedSyncInput;
  checkpoints: CheckpointAdvance[];
  read: { salesforce: number; hubspot: number };
  /** Companies: the Salesforce Contacts to put on the Account created for a company, by HubSpot company id. */
  contactsToAttach: Map<string, string[]>;
  /** Companies: the HubSpot contacts to associate with the company created for an Account, by Account id. */
  hubspotContactsOf: Map<string, string[]>;
  /** Errors re-read this cycle (due for a retry): resolved when they do not come back. */
  retriedErrorIds: number[];
}

export interface LinkedGatherOptions {
  now: Date;
  /** The trigger hub's hints for this cycle: HubSpot records whose associations changed or that were deleted. */
  hints?: readonly RecordHint[];
  /** A trigger asked for this pair's HubSpot records to be compared in full: the archived listing is read now. */
  reconcileHubspot?: boolean;
  /** How often the archived listing is read in full; default ARCHIVED_SCAN_INTERVAL_MS (15 minutes). */
  archivedScanIntervalMs?: number;
  /** False above 75% of the Salesforce allocation: records whose writes failed are not retried then. Default true. */
  mayRetryFailed?: boolean;
  settings: Settings;
  mapped: LinkedMappings;
  overlapMs: number;
  /**
   * A page of an import (src/engine/import): these Salesforce records are read by id and treated as changed, and
   * nothing is polled, so the pair's checkpoints and waiting records stay the sync cycles' business.
   */
  importIds?: readonly string[];
  /** With `importIds`: a SOQL condition on the object selecting those records, to ask about them in one query. */
  importScope?: string;
  /** With `importIds`: the records themselves, read with `fields` by the import's page query (not read again). */
  importRecords?: readonly SalesforceRecord[];
}

export async function gatherLinkedChanges(
  description: LinkedObjectDescription,
  sources: { salesforce: SalesforceClient; hubspot: HubSpotClient; store: LinkedStore; ownerCache?: OwnerDirectoryCache },
  options: LinkedGatherOptions,
): Promise<GatheredLinkedChanges> {
  const { salesforce, hubspot, store } = sources;
  const { settings, mapped } = options;
  const facts = pairFacts(description, settings);
  const type = description.hubspotObjectType;
  const object = facts.salesforceObject;
  const fields = salesforceFieldsToRead(facts, mapped.mappings);
  const properties = hubspotPropertiesToRead(description, facts, mapped.mappings);
  const checkpoints: CheckpointAdvance[] = [];
  const cursorKey = `${description.name}/${object}`;

  // ---- detect --------------------------------------------------------------------------------------------
  const salesforceChanges = new Map<string, LinkedSalesforceRecord>();
  const importing = options.importIds !== undefined;
  // The pollers are generators: one not iterated sends nothing.
  const unlessImporting = <T>(poll: AsyncIterable<T>): AsyncIterable<T> => (importing ? noPages<T>() : poll);
  const salesforceCheckpoint = await readCursor(store, 'salesforce', cursorKey);
  let lastSalesforce: CheckpointAdvance | undefined;
  for await (const batch of unlessImporting(pollSalesforceChanges(salesforce, { object, fields, checkpoint: salesforceCheckpoint, overlapMs: options.overlapMs }))) {
    for (const record of batch.records) salesforceChanges.set(String(record.Id), toLinkedSalesforce(record));
    lastSalesforce = { system: 'salesforce', object: cursorKey, cursor: batch.checkpoint };
  }
  if (lastSalesforce) checkpoints.push(lastSalesforce);
  // Deletions since the last poll (none before the first: nothing was linked then).
  if (salesforceCheckpoint && !importing) {
    const since = soqlDateTime(new Date(salesforceCheckpoint.time.getTime() - options.overlapMs));
    for await (const page of salesforce.queryAllPages(`SELECT Id, SystemModstamp FROM ${object} WHERE IsDeleted = true AND SystemModstamp >= ${since}`, object)) {
      for (const record of page) salesforceChanges.set(String(record.Id), { id: String(record.Id), fields: {}, modifiedAt: parseSalesforceDateTime(record.SystemModstamp), deleted: true });
    }
  }
  const hubspotChanges = new Map<string, LinkedHubspotRecord>();
  let lastHubspot: CheckpointAdvance | undefined;
  const hubspotCheckpoint = await readCursor(store, 'hubspot', description.name);
  for await (const batch of unlessImporting(pollHubSpotChanges(hubspot, { objectType: type, properties, checkpoint: hubspotCheckpoint, overlapMs: options.overlapMs }))) {
    for (const record of batch.records) hubspotChanges.set(record.id, toLinkedHubspot(record));
    lastHubspot = { system: 'hubspot', object: description.name, cursor: batch.checkpoint };
  }
  if (lastHubspot) checkpoints.push(lastHubspot);
  // HubSpot does not move a record's modification time when its associations change, nor can search see a delete:
  // a webhook's hint is how those records come here before they change otherwise. Read by id; gone is deleted.
  const hinted = importing ? [] : [...new Set((options.hints ?? []).filter((hint) => hint.system === 'hubspot' && hint.object === type && !hubspotChanges.has(hint.recordId)).map((hint) => hint.recordId))];
  for (const record of await readHubspot(hubspot, type, hinted, properties)) hubspotChanges.set(record.id, record);
  // Deletes no webhook told of: the archived listing has no time filter, so it is read whole, at most every
  // ARCHIVED_SCAN_INTERVAL_MS or on a reconcile request, as contacts do; only linked records become changes.
  // Before the first poll nothing is linked, so there is nothing to read it for.
  const scanKey = `${description.name}#archived`;
  const lastScan = await readCursor(store, 'hubspot', scanKey);
  const scanDue = lastScan === null || options.now.getTime() - lastScan.time.getTime() >= (options.archivedScanIntervalMs ?? ARCHIVED_SCAN_INTERVAL_MS) || (options.reconcileHubspot ?? false);
  if (!importing && hubspotCheckpoint !== null && scanDue) {
    checkpoints.push({ system: 'hubspot', object: scanKey, cursor: { time: options.now, lastId: null } });
    const archived = new Map<string, LinkedHubspotRecord>();
    for await (const page of hubspot.archivedPages(type, ['hs_lastmodifieddate'])) for (const record of page) archived.set(record.id, { ...toLinkedHubspot(record), deleted: true });
    for (const link of (await store.idLinks.findByHubspotIds(type, [...archived.keys()])).values()) {
      if (link.salesforceObject === object && !hubspotChanges.has(link.hubspotId)) hubspotChanges.set(link.hubspotId, archived.get(link.hubspotId)!);
    }
  }

  // Records whose errors are due, read again as if they changed: a record waiting for its parent (which may have
  // synced since), a transient refusal whose back-off ran out, an error an admin asked to resync. Failures wait while
  // the Salesforce allocation is 75% used or more (SPEC section 7); waiting for a parent is not a failure.
  const due = importing
    ? []
    : (await store.syncErrors.dueForRetry(options.now, RETRIES_PER_CYCLE)).filter(
        (error) => error.object === type && (error.category === 'associations' || (options.mayRetryFailed ?? true)),
      );
  const retryHubspot = due.flatMap((error) => (error.hubspotId && !hubspotChanges.has(error.hubspotId) ? [error.hubspotId] : []));
  const retrySalesforce = due.flatMap((error) => (error.salesforceId && !salesforceChanges.has(error.salesforceId) ? [error.salesforceId] : []));
  for (const record of await readHubspot(hubspot, type, retryHubspot, properties)) if (!record.deleted) hubspotChanges.set(record.id, record);
  for (const record of await readSalesforce(salesforce, object, retrySalesforce, fields)) if (!record.deleted) salesforceChanges.set(record.id, record);
  const imported = options.importRecords ? options.importRecords.map(toLinkedSalesforce) : await readSalesforce(salesforce, object, options.importIds ?? [], fields);
  for (const record of imported) if (!record.deleted) salesforceChanges.set(record.id, record);
  if (importing) for (const record of await createdUnrecorded(sources, type, facts.salesforceIdProperty, salesforceChanges, { properties, overlapMs: options.overlapMs })) hubspotChanges.set(record.id, record);

  // ---- links and partners ----------------------------------------------------------------------------------
  const links = new Map<string, StoredLink>();
  const addLinks = (found: Iterable<StoredLink>) => {
    for (const link of found) if (link.hubspotObjectType === type && link.salesforceObject === object) links.set(link.linkId, link);
  };
  addLinks((await store.idLinks.findByHubspotIds(type, [...hubspotChanges.keys()])).values());
  addLinks((await store.idLinks.findBySalesforceIds([...salesforceChanges.keys()])).values());
  const linkedHubspot = new Set([...links.values()].map((link) => link.hubspotId));
  const linkedSalesforce = new Set([...links.values()].map((link) => link.salesforceId));

  // Companies: matches through associated contacts, and which companies may create an Account.
  const matching = description.matchKey.kind === 'link_then_associated_contacts';
  const unlinkedHubspot = [...hubspotChanges.values()].filter((record) => !record.deleted && !linkedHubspot.has(record.id)).map((record) => record.id);
  const unlinkedSalesforce = [...salesforceChanges.values()].filter((record) => !record.deleted && !linkedSalesforce.has(record.id)).map((record) => record.id);
  const contactMatch = matching ? await matchByContacts(sources, settings, unlinkedHubspot, unlinkedSalesforce, options.importScope) : undefined;
  const matches = contactMatch?.matches ?? [];

  const hubspotPartnerIds = new Set([...links.values()].map((link) => link.hubspotId).filter((id) => !hubspotChanges.has(id)));
  const salesforcePartnerIds = new Set([...links.values()].map((link) => link.salesforceId).filter((id) => !salesforceChanges.has(id)));
  for (const match of matches) {
    if (!hubspotChanges.has(match.hubspotId)) hubspotPartnerIds.add(match.hubspotId);
    if (!salesforceChanges.has(match.salesforceId)) salesforcePartnerIds.add(match.salesforceId);
  }
  // An unlinked HubSpot record carrying a Salesforce id: that record is read, to link it or to know it is gone.
  const idProperty = facts.salesforceIdProperty;
  if (idProperty) {
    for (const record of hubspotChanges.values()) {
      const carried = record.properties[idProperty]?.trim();
      if (carried && !linkedHubspot.has(record.id) && !salesforceChanges.has(carried)) salesforcePartnerIds.add(carried);
    }
  }
  // A partner that cannot be read any more was deleted: that is how a HubSpot delete shows without its webhook.
  const hubspotPartners = await readHubspot(hubspot, type, [...hubspotPartnerIds], properties);
  const salesforcePartners = (await readSalesforce(salesforce, object, [...salesforcePartnerIds], fields)).filter((record) => !record.deleted || linkedSalesforce.has(record.id));
  const stored = await store.syncedValues.readForLinks([...links.keys()]);
  const lastSynced = new Map<string, Record<string, SalesforceValue>>();
  for (const [linkId, values] of stored) lastSynced.set(linkId, Object.fromEntries([...values].map(([field, synced]) => [field, synced.value as SalesforceValue])));

  // ---- parents ---------------------------------------------------------------------------------------------
  const everyHubspot = [...hubspotChanges.values(), ...hubspotPartners];
  const everySalesforce = [...salesforceChanges.values(), ...salesforcePartners];
  const parentLinks = new Map<string, ParentLinks>();
  for (const parent of facts.parents) {
    const live = everyHubspot.filter((record) => !record.deleted).map((record) => record.id);
    const associated = live.length > 0 ? await hubspot.associationsOf(type, parent.hubspotObjectType, live) : new Map<string, string[]>();
    for (const record of everyHubspot) {
      if (record.deleted) continue;
      // HubSpot allows several; the first is the one that travels (the v4 batch read does not mark a primary).
      record.parents = { ...record.parents, [parent.key]: associated.get(record.id)?.[0] ?? null };
    }
    const hubspotParentIds = everyHubspot.flatMap((record) => {
      const id = record.parents?.[parent.key];
      return id ? [id] : [];
    });
    const salesforceParentIds = everySalesforce.flatMap((record) => {
      const id = record.fields[parent.salesforceField];
      return typeof id === 'string' && id !== '' ? [id] : [];
    });
    const candidates = [...(await store.idLinks.findByHubspotIds(parent.hubspotObjectType, hubspotParentIds)).values(), ...(await store.idLinks.findBySalesforceIds(salesforceParentIds)).values()].filter(
      (link) => link.hubspotObjectType === parent.hubspotObjectType,
    );
    const found = candidates.filter((link) => link.salesforceObject === parent.label);
    const elsewhere = candidates.filter((link) => link.salesforceObject !== parent.label);
    parentLinks.set(parent.key, {
      salesforceIdByHubspotId: new Map(found.map((link) => [link.hubspotId, link.salesforceId])),
      hubspotIdBySalesforceId: new Map(found.map((link) => [link.salesforceId, link.hubspotId])),
      ...(elsewhere.length > 0 ? { otherObjectByHubspotId: new Map(elsewhere.map((link) => [link.hubspotId, link.salesforceObject])) } : {}),
    });
  }

  // ---- deletes that must stick ---------------------------------------------------------------------------
  const deletedAt = await partnersDeletedAt(store, [...unlinkedSalesforce, ...unlinkedHubspot]);
  for (const id of unlinkedSalesforce) {
    const record = salesforceChanges.get(id);
    if (deletedAt.has(id) && record) record.formerPartner = { deletedAt: deletedAt.get(id)! };
  }
  for (const id of unlinkedHubspot) {
    const record = hubspotChanges.get(id);
    if (deletedAt.has(id) && record) record.formerPartner = { deletedAt: deletedAt.get(id)! };
  }

  const owners = await ownerDirectoryFor(mapped.mappings, salesforce, hubspot, sources.ownerCache);
  const storedLinks: StoredLinkedLink[] = [...links.values()].map((link) => ({ linkId: link.linkId, hubspotId: link.hubspotId, salesforceId: link.salesforceId }));
  return {
    input: {
      now: options.now.getTime(),
      pair: facts,
      mappings: mapped.mappings,
      addressSettings: settings.contacts,
      ...(owners ? { owners } : {}),
      hubspotChanges: [...hubspotChanges.values()],
      salesforceChanges: [...salesforceChanges.values()],
      hubspotPartners,
      salesforcePartners,
      links: storedLinks,
      lastSynced,
      matches,
      ...(contactMatch ? { mayCreateInSalesforce: contactMatch.mayCreate, notCreatedBecause: contactMatch.notCreatedBecause } : {}),
      parentLinks,
    },
    checkpoints,
    read: { salesforce: salesforceChanges.size, hubspot: hubspotChanges.size },
    contactsToAttach: contactMatch?.contactsToAttach ?? new Map(),
    hubspotContactsOf: contactMatch?.hubspotContactsOf ?? new Map(),
    retriedErrorIds: due.map((error) => error.id),
  };
}

interface ContactMatch {
  matches: Array<{ hubspotId: string; salesforceId: string; because: string }>;
  mayCreate: Set<string>;
  notCreatedBecause: string;
  contactsToAttach: Map<string, string[]>;
  hubspotContactsOf: Map<string, string[]>;
}

/**
 * Companies ⇄ Accounts through the people in them (HubSpot's rule: associated contacts, never the domain). Both
 * directions go through the contacts' own links, so only people that already sync as Salesforce Contacts count.
 */
async function matchByContacts(
  sources: { salesforce: SalesforceClient; hubspot: HubSpotClient; store: LinkedStore },
  settings: Settings,
  companyIds: readonly string[],
  accountIds: readonly string[],
  accountScope?: string,
): Promise<ContactMatch> {
  const { salesforce, hubspot, store } = sources;
  const result: ContactMatch = {
    matches: [],
    mayCreate: new Set(),
    notCreatedBecause: 'none of its contacts syncs as a Salesforce Contact (leads have no account), so no Account is created for it',
    contactsToAttach: new Map(),
    hubspotContactsOf: new Map(),
  };
  const listId = settings.contacts.inclusionListId;
  const members = listId !== null && companyIds.length > 0 ? await hubspot.listMemberIds(listId) : null;
  const claimedAccounts = new Set<string>();

  // HubSpot companies → the Account of their contacts' Salesforce Contacts.
  if (companyIds.length > 0) {
    const contactsByCompany = await hubspot.associationsOf('companies', 'contacts', companyIds);
    const contactIds = [...new Set([...contactsByCompany.values()].flat())];
    const contactLinks = [...(await store.idLinks.findByHubspotIds('contacts', contactIds)).values()].filter((link) => link.salesforceObject === 'Contact');
    const salesforceContactOf = new Map(contactLinks.map((link) => [link.hubspotId, link.salesforceId]));
    const accountOfContact = new Map<string, string | null>();
    const retrieved = contactLinks.length > 0 ? await salesforce.retrieve('Contact', contactLinks.map((link) => link.salesforceId), ['Id', 'AccountId']) : [];
    for (const record of retrieved) if (record) accountOfContact.set(String(record.Id), typeof record.AccountId === 'string' ? record.AccountId : null);
    const accountsLinked = await store.idLinks.findBySalesforceIds([...new Set([...accountOfContact.values()].filter((id): id is string => id !== null))]);
    for (const companyId of companyIds) {
      const synced = (contactsByCompany.get(companyId) ?? []).filter((contactId) => salesforceContactOf.has(contactId) && (members === null || members.has(contactId)));
      const salesforceContacts = synced.map((contactId) => salesforceContactOf.get(contactId)!);
      const accounts = [...new Set(salesforceContacts.map((id) => accountOfContact.get(id)).filter((id): id is string => typeof id === 'string'))];
      if (accounts.length === 1 && !accountsLinked.has(accounts[0]!) && !claimedAccounts.has(accounts[0]!)) {
        claimedAccounts.add(accounts[0]!);
        result.matches.push({ hubspotId: companyId, salesforceId: accounts[0]!, because: 'matched_by_associated_contacts' });
      } else if (accounts.length === 0 && salesforceContacts.length > 0) {
        result.mayCreate.add(companyId);
        result.contactsToAttach.set(companyId, salesforceContacts);
      }
    }
  }

  // Salesforce Accounts → the company of their Contacts' HubSpot contacts.
  const unclaimed = accountIds.filter((id) => !claimedAccounts.has(id));
  if (unclaimed.length > 0) {
    const contactsByAccount = new Map<string, string[]>();
    // An import's page of 2,000 accounts is one semi-join, where id lists would take a query per ~180 accounts.
    const conditions = accountScope ? [`AccountId IN (SELECT Id FROM Account WHERE ${accountScope})`] : soqlInLists(unclaimed).map((list) => `AccountId IN (${list})`);
    const wanted = new Set(unclaimed);
    for (const condition of conditions) {
      for await (const page of salesforce.queryPages(`SELECT Id, AccountId FROM Contact WHERE ${condition}`, 'Contact')) {
        for (const record of page) if (wanted.has(String(record.AccountId))) contactsByAccount.set(String(record.AccountId), [...(contactsByAccount.get(String(record.AccountId)) ?? []), String(record.Id)]);
      }
    }
    const contactLinks = await store.idLinks.findBySalesforceIds([...contactsByAccount.values()].flat());
    const hubspotContactIds = [...contactLinks.values()].filter((link) => link.hubspotObjectType === 'contacts').map((link) => link.hubspotId);
    const companiesByContact = hubspotContactIds.length > 0 ? await hubspot.associationsOf('contacts', 'companies', hubspotContactIds) : new Map<string, string[]>();
    const companiesLinked = await store.idLinks.findByHubspotIds('companies', [...new Set([...companiesByContact.values()].flat())]);
    const claimedCompanies = new Set(result.matches.map((match) => match.hubspotId));
    for (const accountId of unclaimed) {
      const people = (contactsByAccount.get(accountId) ?? []).flatMap((id) => {
        const link = contactLinks.get(id);
        return link && link.hubspotObjectType === 'contacts' ? [link.hubspotId] : [];
      });
      if (people.length > 0) result.hubspotContactsOf.set(accountId, people);
      const companies = [...new Set(people.flatMap((id) => companiesByContact.get(id) ?? []))].filter((id) => !companiesLinked.has(id) && !claimedCompanies.has(id));
      if (companies.length === 1) {
        claimedCompanies.add(companies[0]!);
        result.matches.push({ hubspotId: companies[0]!, salesforceId: accountId, because: 'matched_by_associated_contacts' });
      }
    }
  }
  return result;
}

async function readHubspot(hubspot: HubSpotClient, type: string, ids: readonly string[], properties: readonly string[]): Promise<LinkedHubspotRecord[]> {
  if (ids.length === 0) return [];
  const found = new Map((await hubspot.batchRead(type, ids, properties)).results.map((record) => [record.id, toLinkedHubspot(record)]));
  return ids.map((id) => found.get(id) ?? { id, properties: {}, modifiedAt: 0, deleted: true });
}

async function readSalesforce(salesforce: SalesforceClient, object: string, ids: readonly string[], fields: readonly string[]): Promise<LinkedSalesforceRecord[]> {
  if (ids.length === 0) return [];
  const records = await salesforce.retrieve(object, ids, fields);
  return ids.map((id, index) => {
    const record = records[index];
    return record ? toLinkedSalesforce(record) : { id, fields: {}, modifiedAt: 0, deleted: true };
  });
}

/**
 * An import does not poll HubSpot, where a create that a killed process sent but never recorded shows up. Such a
 * record carries its Salesforce id: for the creates left pending for these records, HubSpot is searched from when
 * they were sent, and what carries one of their ids is planned with them, to be linked instead of created again.
 */
async function createdUnrecorded(
  sources: { hubspot: HubSpotClient; store: LinkedStore },
  type: string,
  idProperty: string | undefined,
  salesforceChanges: ReadonlyMap<string, LinkedSalesforceRecord>,
  options: { properties: readonly string[]; overlapMs: number },
): Promise<LinkedHubspotRecord[]> {
  if (!idProperty) return [];
  const carried = (payload: unknown) => String((payload as Record<string, unknown> | null)?.[idProperty] ?? '');
  const pending = (await sources.store.writeIntents.listPending(10_000)).filter(
    (intent) => intent.system === 'hubspot' && intent.object === type && intent.operation === 'create' && salesforceChanges.has(carried(intent.payload)),
  );
  if (pending.length === 0) return [];
  const ids = new Set(pending.map((intent) => carried(intent.payload)));
  const since = new Date(Math.min(...pending.map((intent) => intent.createdAt.getTime())) - options.overlapMs);
  const found: LinkedHubspotRecord[] = [];
  for await (const page of sources.hubspot.searchModifiedSince(type, since, [...options.properties, idProperty])) {
    for (const record of page) if (ids.has(record.properties[idProperty] ?? '')) found.push(toLinkedHubspot(record));
  }
  return found;
}


export async function readCursor(store: ContactRepositories, system: 'salesforce' | 'hubspot', object: string): Promise<PollCursor | null> {
  const checkpoint = await store.checkpoints.read(system, object);
  return checkpoint ? { time: checkpoint.cursorTime, lastId: checkpoint.cursorLastId } : null;
}

/** When each record's partner was deleted, for those whose latest audit entry says so: one query per 500 records. */
async function partnersDeletedAt(store: LinkedStore, recordIds: readonly string[]): Promise<Map<string, number>> {
  const deletedAt = new Map<string, number>();
  if (recordIds.length === 0) return deletedAt;
  for (const [id, latest] of await store.auditTrail.latestForRecords(recordIds)) if (latest.action === PARTNER_DELETED_ACTION) deletedAt.set(id, latest.at.getTime());
  return deletedAt;
}
