/**
 * Deletes and merges, detected for one contact cycle (docs/architecture.md, "Deletes and merges"). Polling by
 * modification time sees neither: a deleted Salesforce record leaves its query, an archived or merged-away HubSpot
 * contact leaves search. So:
 * - Salesforce: `getDeleted` per object since its own checkpoint (`Lead#deleted`), then one `queryAll` for the ids
 *   that matter (linked ones, and the Contact a lead converted into this cycle) to read `MasterRecordId`: a
 *   merged-away record names its master, a deleted one does not.
 * - HubSpot: the archived listing (no time filter exists, so it is read whole; only linked contacts become
 *   changes), `hs_merged_object_ids` on the polled contacts (a merge makes or touches the survivor), and the trigger
 *   hub's `deleted` / `merged_away` hints, checked by reading the ids (a merged-away id answers with its survivor).
 * - The memory that keeps a delete from being undone: an unlinked HubSpot contact still carrying the id of a
 *   Salesforce record that `queryAll` finds deleted, and an unlinked Salesforce record whose id an archived contact
 *   carries, come with `formerPartner` (when the partner was deleted); the planner holds them until they change.
 */
import type { HubspotContactRecord, SalesforcePersonRecord } from '../../core/plan.ts';
import type { SalesforcePersonObject } from '../../core/rules/contact-identity.ts';
import type { HubSpotClient, HubSpotObject } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient, SalesforceRecord } from '../../connectors/salesforce/client.ts';
import type { PollCursor } from '../detect/cursor.ts';
import { deletionsCheckpointObject, parseSalesforceDateTime, pollSalesforceDeletions } from '../detect/salesforce-poll.ts';
import type { RecordHint } from '../detect/triggers.ts';
import type { ContactRepositories, StoredLink } from './ports.ts';
import { HUBSPOT_CONTACTS, PERSON_OBJECTS, soqlInLists, toSalesforcePerson } from './records.ts';

export interface FateCheckpoint {
  system: 'salesforce';
  object: string;
  cursor: PollCursor;
}

export interface SalesforceDeletions {
  /** Deleted and merged-away records (deleted: true, masterRecordId when merged) that are linked or conversion targets. */
  records: SalesforcePersonRecord[];
  /** Their links, found on the way. */
  links: StoredLink[];
  checkpoints: FateCheckpoint[];
  /** Deletions that could not be listed (past getDeleted's 15 days): said, never silently skipped. */
  notices: string[];
}

/** The person fields a deleted record is read with: enough for the planner to know what it was and where it went. */
const fateFields = ['Id', 'Email', 'IsDeleted', 'MasterRecordId', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'];

export async function salesforceDeletions(
  salesforce: SalesforceClient,
  store: ContactRepositories,
  options: { now: Date; overlapMs: number; conversionTargets: ReadonlySet<string>; hintedIds: ReadonlySet<string>; cursor: (object: string) => Promise<PollCursor | null> },
): Promise<SalesforceDeletions> {
  const result: SalesforceDeletions = { records: [], links: [], checkpoints: [], notices: [] };
  for (const object of PERSON_OBJECTS) {
    const checkpointObject = deletionsCheckpointObject(object);
    const checkpoint = await options.cursor(checkpointObject);
    if (checkpoint === null && options.hintedIds.size === 0) {
      // The first cycle: nothing is linked yet, so no deletion before now can concern a pair. The log starts here.
      result.checkpoints.push({ system: 'salesforce', object: checkpointObject, cursor: { time: options.now, lastId: null } });
      continue;
    }
    const outcome = await pollSalesforceDeletions(salesforce, { object, checkpoint, now: options.now, overlapMs: options.overlapMs });
    let ids: string[];
    if (outcome.kind === 'deleted') {
      ids = outcome.deletions.map((deletion) => deletion.id);
      result.checkpoints.push({ system: 'salesforce', object: checkpointObject, cursor: outcome.checkpoint });
    } else {
      // Past the log's 15 days: what was deleted then cannot be listed. The log restarts now; the records
      // deleted meanwhile are found when their partners are next read (their ids answer as deleted to queryAll).
      ids = [];
      result.notices.push(outcome.message);
      result.checkpoints.push({ system: 'salesforce', object: checkpointObject, cursor: { time: options.now, lastId: null } });
    }
    const candidates = [...new Set([...ids, ...options.hintedIds])];
    const linked = [...(await store.idLinks.findBySalesforceIds(candidates)).values()].filter((link) => link.hubspotObjectType === HUBSPOT_CONTACTS && link.salesforceObject === object);
    result.links.push(...linked);
    const wanted = [...new Set([...linked.map((link) => link.salesforceId), ...ids.filter((id) => options.conversionTargets.has(id))])];
    for (const record of await queryAllByIds(salesforce, object, wanted)) {
      if (record.IsDeleted !== true) continue;
      result.records.push({ ...toSalesforcePerson(object, record), deleted: true, masterRecordId: typeof record.MasterRecordId === 'string' ? record.MasterRecordId : null });
    }
  }
  return result;
}

/**
 * For unlinked HubSpot contacts that still carry a Salesforce id: when that record was deleted (its SystemModstamp
 * moves with the delete), by contact id. A merged-away record counts as deleted here: its master was linked
 * elsewhere or the link would have moved.
 */
export async function deletedFormerPartners(salesforce: SalesforceClient, contacts: readonly HubSpotObject[]): Promise<Map<string, NonNullable<HubspotContactRecord['formerPartner']>>> {
  const former = new Map<string, NonNullable<HubspotContactRecord['formerPartner']>>();
  for (const object of PERSON_OBJECTS) {
    const property = object === 'Contact' ? 'salesforcecontactid' : 'salesforceleadid';
    // A converted lead's contact keeps both ids: the Contact is the partner then.
    const carriers = contacts.filter((contact) => partnerObjectOf(contact) === object);
    const byId = new Map(carriers.map((contact) => [contact.properties[property]!, contact.id]));
    for (const record of await queryAllByIds(salesforce, object, [...byId.keys()])) {
      const contactId = byId.get(String(record.Id));
      // SystemModstamp has whole seconds: the delete happened somewhere in that second, so the end of it is taken.
      // A HubSpot change in the same second then counts as before the delete: held, never recreated by mistake.
      if (record.IsDeleted === true && contactId) former.set(contactId, { salesforceObject: object, salesforceId: String(record.Id), deletedAt: parseSalesforceDateTime(record.SystemModstamp) + 999 });
    }
  }
  return former;
}

function partnerObjectOf(contact: HubSpotObject): SalesforcePersonObject | null {
  if (contact.properties.salesforcecontactid) return 'Contact';
  return contact.properties.salesforceleadid ? 'Lead' : null;
}

export function carriesSalesforceId(contact: HubSpotObject): boolean {
  return partnerObjectOf(contact) !== null;
}

async function queryAllByIds(salesforce: SalesforceClient, object: SalesforcePersonObject, ids: readonly string[]): Promise<SalesforceRecord[]> {
  const found: SalesforceRecord[] = [];
  for (const list of soqlInLists(ids)) {
    for await (const page of salesforce.queryAllPages(`SELECT ${fateFields.join(', ')} FROM ${object} WHERE Id IN (${list})`, object)) found.push(...page);
  }
  return found;
}

export interface HubspotDeletions {
  /** Linked contacts archived (deleted: true) or merged away (deleted: true, mergedIntoId). */
  records: HubspotContactRecord[];
  links: StoredLink[];
  /** Unlinked Salesforce ids whose archived contact carries them: when that contact was archived. */
  formerPartnerBySalesforceId: Map<string, { hubspotId: string; deletedAt: number }>;
}

export async function hubspotDeletions(
  hubspot: HubSpotClient,
  store: ContactRepositories,
  options: { polled: readonly HubSpotObject[]; hints: readonly RecordHint[]; scanArchived: boolean; now: Date },
): Promise<HubspotDeletions> {
  const gone = new Map<string, HubspotContactRecord>();
  const goneAt = (id: string, at: number, mergedIntoId?: string): HubspotContactRecord => ({
    id,
    properties: {},
    createdAt: at,
    modifiedAt: at,
    deleted: true,
    ...(mergedIntoId ? { mergedIntoId } : {}),
  });

  // Merges seen by polling: the survivor names the records merged into it.
  for (const record of options.polled) {
    for (const mergedId of (record.properties.hs_merged_object_ids ?? '').split(';').filter((id) => id !== '' && id !== record.id)) {
      gone.set(mergedId, goneAt(mergedId, Date.parse(record.updatedAt), record.id));
    }
  }

  // The archived listing: deletions, and the memory of which Salesforce record each archived contact had.
  const archived: HubSpotObject[] = [];
  if (options.scanArchived) for await (const page of hubspot.archivedPages(HUBSPOT_CONTACTS, ['email', 'salesforceleadid', 'salesforcecontactid'])) archived.push(...page);
  const archivedAt = (record: HubSpotObject) => Date.parse(record.archivedAt ?? record.updatedAt);
  for (const record of archived) if (!gone.has(record.id)) gone.set(record.id, goneAt(record.id, archivedAt(record)));

  // Hints: the webhook said so; a read by id tells a delete (not found) from a merge (answered by another id).
  const hinted = options.hints.filter((hint) => hint.system === 'hubspot' && hint.object === HUBSPOT_CONTACTS && (hint.happenings.deleted || hint.happenings.merged_away) && !gone.has(hint.recordId));
  if (hinted.length > 0) {
    const read = await hubspot.batchRead(HUBSPOT_CONTACTS, hinted.map((hint) => hint.recordId), ['hs_merged_object_ids']);
    const answered = new Map<string, string>();
    for (const record of read.results) {
      answered.set(record.id, record.id);
      for (const mergedId of (record.properties.hs_merged_object_ids ?? '').split(';')) if (mergedId) answered.set(mergedId, record.id);
    }
    for (const hint of hinted) {
      const at = Math.max(...Object.values(hint.happenings).map((date) => date.getTime()));
      const now = answered.get(hint.recordId);
      if (now === undefined) gone.set(hint.recordId, goneAt(hint.recordId, at));
      else if (now !== hint.recordId) gone.set(hint.recordId, goneAt(hint.recordId, at, now));
    }
  }

  const links = [...(await store.idLinks.findByHubspotIds(HUBSPOT_CONTACTS, [...gone.keys()])).values()];
  const linkedIds = new Set(links.map((link) => link.hubspotId));
  const formerPartnerBySalesforceId = new Map<string, { hubspotId: string; deletedAt: number }>();
  for (const record of archived) {
    if (linkedIds.has(record.id)) continue;
    for (const id of [record.properties.salesforcecontactid, record.properties.salesforceleadid]) if (id) formerPartnerBySalesforceId.set(id, { hubspotId: record.id, deletedAt: archivedAt(record) });
  }
  return { records: [...gone.values()].filter((record) => linkedIds.has(record.id)), links, formerPartnerBySalesforceId };
}
