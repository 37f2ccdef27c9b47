/**
 * Creates a run sent but never recorded: a process killed between a vendor's answer and the store's transaction
 * leaves a pending intent, a record at the vendor, and no link. Until now such a create was looked up only when
 * the plan proposed it again; by then the other side may have moved on: the record was converted, merged into
 * another, or another person's link was moved onto it (a lead converted into that Contact), and the plan, not
 * knowing the record was taken, made a second contact or wrote another person's email onto the first.
 *
 * So at the start of each contacts cycle, before anything is read, the pending creates of earlier runs are looked
 * up at the vendor they were sent to, by email:
 * - a HubSpot contact that carries the intent's Salesforce id is what the upsert made (or the survivor of a merge
 *   that kept its values): the two are linked;
 * - a Salesforce record with the email, made since the intent (converted or not), is what the create made: it is
 *   linked to the contact, when the contact still stands under its own id.
 * Linked only when neither side is linked by now; the intent is then done. Found nowhere, the intent is abandoned:
 * the create never arrived, and the plan sends it again when it still should. A Salesforce record made and since
 * deleted or merged away settles the intent too: the contact is held as one whose partner was deleted, as the apply
 * step holds it when it meets the same record (apply.ts, `createdBefore`), so the deleted person is not sent again.
 * A contact deleted or merged away in HubSpot since ends its intent: no plan proposes a create for it again (its
 * survivor is matched to the record by email when the plan sees the merge).
 */
import { normaliseEmail, type SalesforcePersonObject } from '../../core/rules/contact-identity.ts';
import type { HubSpotClient } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import { INTENT_CLOCK_SLACK_MS, parseSalesforceDateTime } from '../detect/salesforce-poll.ts';
import type { AuditEntry, ContactSyncStore, NewLink } from './ports.ts';
import { HUBSPOT_CONTACTS, contactPairFacts, isPersonObject, soqlInLists } from './records.ts';

const MAX_PENDING = 2_000;

/** A Salesforce person found by email, deleted or not: what a pending create may have made. */
export interface RecordWithEmail {
  id: string;
  email: string;
  createdAt: number;
  deleted: boolean;
  converted: boolean;
  masterId: string | null;
  stampedAt: number;
}

/** The records of `object` with these emails, deleted and merged-away ones included (`queryAll`), oldest first. */
export async function recordsWithEmails(salesforce: SalesforceClient, object: SalesforcePersonObject, emails: readonly string[]): Promise<RecordWithEmail[]> {
  const records: RecordWithEmail[] = [];
  const fields = ['Id', 'Email', 'IsDeleted', 'MasterRecordId', 'CreatedDate', 'SystemModstamp', ...(object === 'Lead' ? ['IsConverted'] : [])];
  for (const list of soqlInLists([...new Set(emails)])) {
    for await (const page of salesforce.queryAllPages(`SELECT ${fields.join(', ')} FROM ${object} WHERE Email IN (${list}) ORDER BY CreatedDate, Id`, object)) {
      for (const record of page) {
        const email = normaliseEmail(record.Email);
        if (!email) continue;
        records.push({
          id: String(record.Id),
          email,
          createdAt: parseSalesforceDateTime(record.CreatedDate),
          deleted: record.IsDeleted === true,
          converted: record.IsConverted === true,
          masterId: typeof record.MasterRecordId === 'string' ? record.MasterRecordId : null,
          stampedAt: parseSalesforceDateTime(record.SystemModstamp),
        });
      }
    }
  }
  return records;
}

/** Whether a record was made after a create's intent was recorded, and so may be what that create made. */
export function madeSince(record: RecordWithEmail, intentCreatedAt: Date): boolean {
  return record.createdAt >= intentCreatedAt.getTime() - INTENT_CLOCK_SLACK_MS;
}

/** A record a pending create made and Salesforce has since deleted or merged away, dated for the contact's hold. */
export interface GoneRecord {
  id: string;
  /** The end of the second of the record's last stamp: the contact is held unless edited after it. */
  goneAt: number;
  masterId: string | null;
}

/** What a create sent for `email` since `intentCreatedAt` made and Salesforce has since deleted, if anything. */
export function goneRecordOf(records: readonly RecordWithEmail[], email: string, intentCreatedAt: Date): GoneRecord | null {
  const made = records.find((record) => record.email === email && record.deleted && !record.converted && madeSince(record, intentCreatedAt));
  return made ? { id: made.id, goneAt: made.stampedAt + 999, masterId: made.masterId } : null;
}

/** The audit entry that holds a contact whose unrecorded create's record Salesforce deleted or merged away. */
export function partnerGoneAudit(
  hubspotId: string,
  object: SalesforcePersonObject,
  record: GoneRecord,
  context: { now: Date; runId: string },
): AuditEntry {
  return {
    at: context.now,
    system: 'hubspot',
    object: HUBSPOT_CONTACTS,
    recordId: hubspotId,
    linkId: null,
    action: 'unlink',
    changes: { from: { salesforceObject: object, salesforceId: record.id }, partnerGone: true, partnerGoneAt: record.goneAt },
    reason: `the ${object} ${record.id} made for this contact by a run that did not finish was ${record.masterId ? `merged into ${record.masterId}` : 'deleted'} in Salesforce before it was linked`,
    runId: context.runId,
  };
}

interface PendingCreate {
  idempotencyKey: string;
  createdAt: Date;
  email: string;
  hubspotId: string | null;
  salesforceObject: SalesforcePersonObject;
  salesforceId: string | null;
}

export interface Recovery {
  /**
   * A HubSpot upsert was found nowhere: it never arrived, or the contact it made was deleted before any run linked
   * it. Only the archived listing tells which (the contact carries the Salesforce id, `formerPartnerBySalesforceId`
   * in fates.ts), so the cycle reads it now rather than at its interval: else the record, unlinked, would bring back
   * the person HubSpot just deleted.
   */
  scanArchivedContacts: boolean;
}

export async function recoverUnrecordedCreates(
  sources: { salesforce: SalesforceClient; hubspot: HubSpotClient; store: ContactSyncStore },
  options: { now: Date; runId: string },
): Promise<Recovery> {
  const pending = (await sources.store.writeIntents.listPending(MAX_PENDING, options.now, ['create', 'upsert'])).flatMap((intent) => {
    const create = pendingCreate(intent);
    return create ? [create] : [];
  });
  if (pending.length === 0) return { scanArchivedContacts: false };

  const outcome: Findings = { found: new Map(), unresolved: new Set(), gone: new Map(), contactGone: new Set() };
  await findInHubspot(sources.hubspot, pending.filter((create) => create.salesforceId !== null), outcome);
  await findInSalesforce(sources, pending.filter((create) => create.hubspotId !== null), outcome);
  const { found, unresolved, gone, contactGone } = outcome;

  const links = [...found.values()];
  const linkedHubspot = await sources.store.idLinks.findByHubspotIds(HUBSPOT_CONTACTS, [...links.map((link) => link.hubspotId), ...pending.filter((create) => gone.has(create.idempotencyKey)).map((create) => create.hubspotId!)]);
  const linkedSalesforce = await sources.store.idLinks.findBySalesforceIds(links.map((link) => link.salesforceId));
  const done: Array<{ idempotencyKey: string; outcome: unknown }> = [];
  const abandoned: Array<{ idempotencyKey: string; outcome: unknown }> = [];
  const toLink: NewLink[] = [];
  const audit: AuditEntry[] = [];
  let scanArchivedContacts = false;
  for (const create of pending) {
    const record = gone.get(create.idempotencyKey);
    if (record) {
      abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { id: record.id, goneAt: record.goneAt } });
      // A contact linked since (the plan matched it to another record) is not held for a record it never had.
      if (!linkedHubspot.has(create.hubspotId!)) audit.push(partnerGoneAudit(create.hubspotId!, create.salesforceObject, record, options));
      continue;
    }
    if (contactGone.has(create.idempotencyKey)) {
      abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { recovered: 'contact gone from HubSpot' } });
      continue;
    }
    const link = found.get(create.idempotencyKey);
    if (!link) {
      if (unresolved.has(create.idempotencyKey)) continue;
      abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { recovered: 'not found' } });
      if (create.salesforceId !== null) scanArchivedContacts = true;
      continue;
    }
    if (linkedHubspot.has(link.hubspotId) || linkedSalesforce.has(link.salesforceId) || toLink.some((other) => other.hubspotId === link.hubspotId || other.salesforceId === link.salesforceId)) {
      abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { recovered: 'linked elsewhere', hubspotId: link.hubspotId, salesforceId: link.salesforceId } });
      continue;
    }
    toLink.push(link);
    done.push({ idempotencyKey: create.idempotencyKey, outcome: { id: create.salesforceId === null ? link.salesforceId : link.hubspotId } });
    audit.push({
      at: options.now,
      system: 'hubspot',
      object: HUBSPOT_CONTACTS,
      recordId: link.hubspotId,
      linkId: null,
      action: 'link',
      changes: { salesforceObject: link.salesforceObject, salesforceId: link.salesforceId },
      reason: `recovered: made by a create of a run that did not finish (${create.idempotencyKey})`,
      runId: options.runId,
    });
  }
  await sources.store.transaction(async (store) => {
    await store.idLinks.linkMany(toLink, options.now);
    await store.writeIntents.markDone(done, options.now);
    await store.writeIntents.markAbandoned(abandoned, options.now);
    await store.auditTrail.append(audit);
  });
  return { scanArchivedContacts };
}

/**
 * Contact creates only, by the keys apply.ts gives them: `contacts:salesforce:<Object>:<id>` for a HubSpot upsert
 * made from a Salesforce record, `contacts:hubspot:<contactId>:<Object>` for a Salesforce create made from a contact.
 */
function pendingCreate(intent: { idempotencyKey: string; system: string; object: string; operation: string; payload: unknown; createdAt: Date }): PendingCreate | null {
  const parts = intent.idempotencyKey.split(':');
  const payload = (intent.payload ?? {}) as Record<string, unknown>;
  if (intent.system === 'hubspot' && intent.object === HUBSPOT_CONTACTS && intent.operation === 'upsert' && parts[0] === 'contacts' && parts[1] === 'salesforce') {
    const [object, id] = [parts[2] ?? '', parts[3] ?? ''];
    const email = normaliseEmail(typeof payload.email === 'string' ? payload.email : null);
    if (!isPersonObject(object) || id === '' || email === null) return null;
    return { idempotencyKey: intent.idempotencyKey, createdAt: intent.createdAt, email, hubspotId: null, salesforceObject: object, salesforceId: id };
  }
  if (intent.system === 'salesforce' && intent.operation === 'create' && isPersonObject(intent.object) && parts[0] === 'contacts' && parts[1] === 'hubspot') {
    const email = normaliseEmail(typeof payload.Email === 'string' ? payload.Email : null);
    if (!parts[2] || email === null) return null;
    return { idempotencyKey: intent.idempotencyKey, createdAt: intent.createdAt, email, hubspotId: parts[2], salesforceObject: intent.object, salesforceId: null };
  }
  return null;
}

/** What the lookups learn of each pending create, by idempotency key. */
interface Findings {
  /** Made, and to be linked. */
  found: Map<string, NewLink>;
  /** Maybe made, not provably: left pending for the apply step. */
  unresolved: Set<string>;
  /** Made in Salesforce, and deleted or merged away there since. */
  gone: Map<string, GoneRecord>;
  /** The HubSpot contact the create was made from is deleted or merged away. */
  contactGone: Set<string>;
}

/** HubSpot finds a contact by any of its emails: a merge's survivor answers for the contact merged into it. */
async function findInHubspot(hubspot: HubSpotClient, creates: readonly PendingCreate[], { found, unresolved }: Findings): Promise<void> {
  if (creates.length === 0) return;
  const idProperties = Object.values(contactPairFacts.salesforceIdProperty).filter((property): property is string => !!property);
  const read = await hubspot.batchRead(HUBSPOT_CONTACTS, [...new Set(creates.map((create) => create.email))], ['email', ...idProperties], { idProperty: 'email' });
  for (const create of creates) {
    const property = contactPairFacts.salesforceIdProperty[create.salesforceObject];
    const contact = read.results.find((candidate) => !!property && candidate.properties[property] === create.salesforceId);
    if (contact) found.set(create.idempotencyKey, { hubspotObjectType: HUBSPOT_CONTACTS, hubspotId: contact.id, salesforceObject: create.salesforceObject, salesforceId: create.salesforceId! });
    // A contact with the email that names another record may be this create's, its id property overwritten since:
    // not provably this create's, and not provably absent either, so the intent stays for the apply step.
    else if (read.results.some((candidate) => normaliseEmail(candidate.properties.email) === create.email)) unresolved.add(create.idempotencyKey);
  }
}

async function findInSalesforce(sources: { salesforce: SalesforceClient; hubspot: HubSpotClient }, creates: readonly PendingCreate[], { found, unresolved, gone, contactGone }: Findings): Promise<void> {
  if (creates.length === 0) return;
  // The contact must still stand under its own id: a link to a contact merged away or deleted since would point
  // at nothing (a merged-away contact's survivor is linked when the plan sees the merge).
  const standing = await sources.hubspot.batchRead(HUBSPOT_CONTACTS, [...new Set(creates.map((create) => create.hubspotId!))], ['email']);
  const standingIds = new Set(standing.results.map((contact) => contact.id));
  for (const create of creates) if (!standingIds.has(create.hubspotId!)) contactGone.add(create.idempotencyKey);
  for (const object of ['Lead', 'Contact'] as const) {
    const ofObject = creates.filter((create) => create.salesforceObject === object && !contactGone.has(create.idempotencyKey));
    if (ofObject.length === 0) continue;
    const records = await recordsWithEmails(sources.salesforce, object, ofObject.map((create) => create.email));
    for (const create of ofObject) {
      const live = records.find((record) => record.email === create.email && !record.deleted && madeSince(record, create.createdAt));
      if (live) {
        found.set(create.idempotencyKey, { hubspotObjectType: HUBSPOT_CONTACTS, hubspotId: create.hubspotId!, salesforceObject: object, salesforceId: live.id });
        continue;
      }
      const record = goneRecordOf(records, create.email, create.createdAt);
      if (record) gone.set(create.idempotencyKey, record);
      // A converted lead deleted since is not provably this create's: left pending for the apply step.
      else if (records.some((other) => other.email === create.email && madeSince(other, create.createdAt))) unresolved.add(create.idempotencyKey);
    }
  }
}
