/**
 * Apply and record: a contact plan written in batches, each batch recorded before and after it is sent.
 *
 * - Every write is an intent in the store before its batch goes out and is settled after (done or abandoned), so
 *   a process killed mid-batch leaves the evidence of what may have happened. A Salesforce create whose intent is
 *   already done is not sent again; one left pending by a dead process is looked up by email before it is.
 * - Salesforce: sObject Collections of 200 with allOrNone=false, so a refused record is a sync error with the
 *   vendor's category and message and the other 199 still sync. HubSpot: creates by batch upsert on email (a
 *   retried create finds the contact it made), updates in batches of 100; a batch HubSpot refuses as a whole is
 *   split in halves until the refused inputs stand alone.
 * - After each batch, in one transaction: new links, last-synced values of the pairs whose every write has now
 *   succeeded (a pair half-written keeps its old values, so the unwritten side is not later mistaken for a
 *   change), settled intents, an audit row per write, errors recorded or resolved.
 */
import {
  planContactSync,
  type ContactSyncInput,
  type ContactSyncPlan,
  type HubspotCreate,
  type PairRef,
  type SalesforceCreate,
  type SalesforcePersonRecord,
  type SalesforceUpdate,
  type StoredContactLink,
} from '../../core/plan.ts';
import type { SalesforceValue } from '../../core/mapping/convert.ts';
import { normaliseEmail, type SalesforcePersonObject } from '../../core/rules/contact-identity.ts';
import { HubSpotRequestError, type HubSpotClient } from '../../connectors/hubspot/client.ts';
import { COLLECTION_WRITE_LIMIT, type SalesforceClient, type SalesforceWriteResult } from '../../connectors/salesforce/client.ts';
import { BATCH_LIMIT } from '../../connectors/hubspot/client.ts';
import type { VendorError } from '../../connectors/vendor-error.ts';
import type { AuditEntry, ContactRepositories, ContactSyncStore, NewLink, SyncErrorReport } from './ports.ts';
import { HUBSPOT_CONTACTS, PERSON_OBJECTS, contactPairFacts, salesforceFieldsToRead, salesforceKey, toSalesforcePerson } from './records.ts';
import { chunk } from '../../core/chunk.ts';
import { goneRecordOf, partnerGoneAudit, recordsWithEmails, type GoneRecord } from './recover.ts';
import { batchUpdateIsolated, isolateRefusals, partlyRefusedReports, vendorErrorReports, withoutRefused, type SentPayload } from '../refusals.ts';

export interface SideCounts {
  created: number;
  updated: number;
  deleted: number;
  failed: number;
}

export interface AppliedContactPlan {
  salesforce: SideCounts;
  hubspot: SideCounts;
}

export interface ApplyContext {
  store: ContactSyncStore;
  salesforce: SalesforceClient;
  hubspot: HubSpotClient;
  now: Date;
  runId: string;
  /** What the plan was made from: its links, and what a created record's defaults are decided with. */
  input: ContactSyncInput;
}

/** What one batch leaves to record, committed together once the batch has been sent. */
class BatchRecord {
  readonly links: NewLink[] = [];
  readonly done: Array<{ idempotencyKey: string; outcome: unknown }> = [];
  readonly abandoned: Array<{ idempotencyKey: string; outcome: unknown }> = [];
  readonly audit: AuditEntry[] = [];
  readonly errors: SyncErrorReport[] = [];
  readonly synced: Array<{ hubspotId: string; salesforceObject: string; salesforceId: string }> = [];
}

/**
 * A pair's last-synced values wait for all of the pair's writes: the plan may write one field to Salesforce and
 * another to HubSpot for the same person.
 */
interface PendingPair {
  pair: PairRef;
  linkId?: string;
  values: Record<string, SalesforceValue>;
  writesLeft: number;
  failed: boolean;
}

const pairKey = (hubspotId: string, object: string, salesforceId: string) => `${hubspotId}|${object}:${salesforceId}`;

export async function applyContactPlan(context: ApplyContext, plan: ContactSyncPlan): Promise<AppliedContactPlan> {
  return new ContactPlanWriter(context, plan).apply();
}

class ContactPlanWriter {
  private readonly counts: AppliedContactPlan = { salesforce: emptyCounts(), hubspot: emptyCounts() };
  private readonly pairs = new Map<string, PendingPair>();
  private readonly pairByHubspot = new Map<string, PendingPair>();
  private readonly pairBySalesforce = new Map<string, PendingPair>();
  private readonly linkIdByHubspot = new Map<string, string>();
  private readonly linkIdBySalesforce = new Map<string, string>();
  /** Salesforce ids to write onto HubSpot contacts once their records exist: one HubSpot write per contact. */
  private readonly hubspotUpdates = new Map<string, Record<string, string>>();
  private readonly now: Date;

  constructor(
    private readonly context: ApplyContext,
    private readonly plan: ContactSyncPlan,
  ) {
    this.now = context.now;
    for (const link of context.input.links) this.rememberLink(link);
    for (const update of plan.hubspotUpdates) this.hubspotUpdates.set(update.id, { ...update.properties });
    this.restoreSalesforceIdProperties();
  }

  async apply(): Promise<AppliedContactPlan> {
    await this.mergeInHubspot();
    this.countPairWrites();
    await this.recordLinkChanges();
    for (const object of PERSON_OBJECTS) await this.createInSalesforce(this.plan.salesforceCreates.filter((create) => create.object === object), object);
    for (const object of PERSON_OBJECTS) await this.updateInSalesforce(this.plan.salesforceUpdates.filter((update) => update.object === object), object);
    await this.createInHubspot(this.plan.hubspotCreates);
    await this.updateInHubspot();
    await this.deleteInHubspot();
    await this.recordPlanErrors();
    return this.counts;
  }

  // ---- links -------------------------------------------------------------------------------------------

  /**
   * A cycle cut short between a Salesforce create and the HubSpot write that carries the new id leaves a linked
   * contact without its `salesforceleadid`/`salesforcecontactid`; the next cycle finds the pair linked and unchanged
   * and would never write it. Any linked contact read this cycle whose id property disagrees with its link gets it
   * with the write it may already be getting (links the plan moves carry their own properties).
   */
  private restoreSalesforceIdProperties(): void {
    const moved = new Set(this.plan.linkChanges.map((change) => change.hubspotId));
    const read = new Map([...(this.context.input.hubspotMatches ?? []), ...this.context.input.hubspotChanges].map((record) => [record.id, record]));
    for (const link of this.context.input.links) {
      const contact = read.get(link.hubspotId);
      const idProperty = contactPairFacts.salesforceIdProperty[link.salesforceObject];
      if (!contact || contact.deleted || !idProperty || moved.has(link.hubspotId) || contact.properties[idProperty] === link.salesforceId) continue;
      this.hubspotUpdates.set(link.hubspotId, { ...this.hubspotUpdates.get(link.hubspotId), [idProperty]: link.salesforceId });
    }
  }

  private rememberLink(link: { linkId: string; hubspotId: string; salesforceObject: string; salesforceId: string }): void {
    this.linkIdByHubspot.set(link.hubspotId, link.linkId);
    this.linkIdBySalesforce.set(salesforceKey(link.salesforceObject, link.salesforceId), link.linkId);
  }

  /**
   * Links found by email are stored before any write: whatever happens next, the person is never created twice.
   * A conversion or a merge re-points the existing link (same link id, same last-synced values); an unlink drops it.
   * Called after `countPairWrites`, so the pairs that need no write at all are recorded here too.
   */
  private async recordLinkChanges(): Promise<void> {
    const batch = new BatchRecord();
    const relinks: Array<(store: ContactRepositories) => Promise<unknown>> = [];
    for (const change of this.plan.linkChanges) {
      if (change.change === 'create') {
        batch.links.push({ hubspotObjectType: HUBSPOT_CONTACTS, hubspotId: change.hubspotId, salesforceObject: change.salesforceObject, salesforceId: change.salesforceId });
        continue;
      }
      const from = change.change === 'move' ? change.from : { salesforceObject: change.salesforceObject, salesforceId: change.salesforceId };
      const linkId = this.linkIdBySalesforce.get(salesforceKey(from.salesforceObject, from.salesforceId)) ?? null;
      if (change.change === 'move') {
        const { to } = change;
        if (change.because === 'lead_converted') {
          const company = change.linkCompany;
          relinks.push((store) =>
            store.idLinks.recordLeadConversion(
              { leadId: from.salesforceId, contactId: to.salesforceId, accountId: company?.salesforceAccountId ?? null, hubspotCompanyId: company?.hubspotCompanyId ?? null },
              this.now,
            ),
          );
        } else if (change.because === 'merged_in_salesforce') {
          relinks.push((store) => store.idLinks.recordSalesforceMerge({ masterObject: to.salesforceObject, masterId: to.salesforceId, mergedIds: [from.salesforceId] }, this.now));
        } else {
          const mergedId = change.fromHubspotId ?? change.hubspotId;
          relinks.push((store) => store.idLinks.recordHubspotMerge({ hubspotObjectType: HUBSPOT_CONTACTS, survivingId: change.hubspotId, mergedIds: [mergedId] }, this.now));
        }
        if (linkId) this.rememberLink({ linkId, hubspotId: change.hubspotId, salesforceObject: to.salesforceObject, salesforceId: to.salesforceId });
      } else if (linkId) {
        relinks.push((store) => store.idLinks.unlink(linkId));
      }
      const gone = change.change === 'unlink' && change.partnerGone ? { partnerGone: true, ...(change.partnerGoneAt !== undefined ? { partnerGoneAt: change.partnerGoneAt } : {}) } : {};
      batch.audit.push(this.audit('hubspot', change.hubspotId, linkId, change.change === 'move' ? 'relink' : 'unlink', { from, ...(change.change === 'move' ? { to: change.to } : {}), ...gone }, change.because));
    }
    // Pairs the plan writes nothing to (both sides already agree) have their values recorded now.
    for (const pending of this.pairs.values()) if (pending.writesLeft === 0) batch.synced.push(pending.pair);
    if (batch.links.length === 0 && relinks.length === 0 && batch.synced.length === 0) return;
    await this.commit(batch, async (store) => {
      for (const relink of relinks) await relink(store);
    });
  }

  /**
   * Two linked people merged in Salesforce: the loser's HubSpot contact is merged into the master's (HubSpot's own
   * merge, the master's contact as primary, so its values stay current and both timelines are kept). HubSpot may
   * answer with a new id for the merged contact: the master's link moves onto it (same link id, same last-synced
   * values) and this cycle's writes for the master's contact go to it. Done first, so no write goes to an id that
   * is about to disappear. The loser's link is dropped with the other link changes.
   */
  private async mergeInHubspot(): Promise<void> {
    for (const change of this.plan.linkChanges) {
      if (change.change !== 'merge_hubspot_contacts') continue;
      const batch = new BatchRecord();
      let survivorId: string;
      try {
        survivorId = (await this.context.hubspot.mergeContacts(change.intoHubspotId, change.hubspotId)).id;
      } catch (error) {
        if (!(error instanceof HubSpotRequestError)) throw error;
        if (error.vendorError.reaction.kind === 'reconcile') {
          // One of the two contacts was deleted in HubSpot meanwhile: there is nothing to merge. The loser's link
          // goes as planned; a deleted master's contact is unlinked when its delete is seen (archive, webhook).
          batch.audit.push(this.audit('hubspot', change.intoHubspotId, null, 'merge_skipped', { primary: change.intoHubspotId, merged: change.hubspotId }, `not merged: ${error.vendorError.message}`));
          await this.commit(batch);
          continue;
        }
        if (error.vendorError.reaction.kind !== 'record_error') throw error;
        batch.errors.push({ ...this.vendorErrors([error.vendorError], { hubspotId: change.hubspotId, salesforceId: change.master.salesforceId }, { system: 'hubspot', payload: {} })[0]!, category: 'duplicates' });
        await this.commit(batch);
        continue;
      }
      this.counts.hubspot.updated += 1;
      const linkId = this.linkIdByHubspot.get(change.intoHubspotId) ?? null;
      batch.audit.push(this.audit('hubspot', survivorId, linkId, 'merge', { primary: change.intoHubspotId, merged: change.hubspotId, survivor: survivorId }, change.because));
      if (survivorId !== change.intoHubspotId) this.renameHubspotContact(change.intoHubspotId, survivorId);
      await this.commit(batch, async (store) => {
        if (survivorId !== change.intoHubspotId) await store.idLinks.recordHubspotMerge({ hubspotObjectType: HUBSPOT_CONTACTS, survivingId: survivorId, mergedIds: [change.intoHubspotId] }, this.now);
      });
    }
  }

  /** A contact that now goes by another id (a HubSpot merge): what this cycle writes to it follows. */
  private renameHubspotContact(from: string, to: string): void {
    const linkId = this.linkIdByHubspot.get(from);
    if (linkId) {
      this.linkIdByHubspot.delete(from);
      this.linkIdByHubspot.set(to, linkId);
    }
    const updates = this.hubspotUpdates.get(from);
    if (updates) {
      this.hubspotUpdates.delete(from);
      this.hubspotUpdates.set(to, { ...this.hubspotUpdates.get(to), ...updates });
    }
    for (const entry of this.plan.syncedValues) if (entry.pair.hubspotId === from) entry.pair = { ...entry.pair, hubspotId: to };
    // A merge's master linked by email in this same plan: its link is stored after the merge, on the id that stands.
    for (const change of this.plan.linkChanges) if (change.change === 'create' && change.hubspotId === from) change.hubspotId = to;
  }

  // ---- pairs -------------------------------------------------------------------------------------------

  private countPairWrites(): void {
    const track = (pair: PairRef, values: Record<string, SalesforceValue>, linkId?: string): PendingPair => {
      const pending: PendingPair = { pair, values, writesLeft: 0, failed: false, ...(linkId ? { linkId } : {}) };
      this.pairs.set(pairKey(pair.hubspotId, pair.salesforceObject, pair.salesforceId), pending);
      this.pairByHubspot.set(pair.hubspotId, pending);
      this.pairBySalesforce.set(salesforceKey(pair.salesforceObject, pair.salesforceId), pending);
      return pending;
    };
    for (const entry of this.plan.syncedValues) track(entry.pair, entry.values, entry.linkId);
    for (const update of this.plan.salesforceUpdates) {
      const pending = this.pairBySalesforce.get(salesforceKey(update.object, update.id));
      if (pending) pending.writesLeft += 1;
    }
    for (const id of this.hubspotUpdates.keys()) {
      const pending = this.pairByHubspot.get(id);
      if (pending) pending.writesLeft += 1;
    }
  }

  /** A write of one side settled: the pair's values are stored once none is left and none failed. */
  private settlePairWrite(batch: BatchRecord, pending: PendingPair | undefined, succeeded: boolean): void {
    if (!pending) return;
    pending.writesLeft -= 1;
    if (!succeeded) pending.failed = true;
    if (pending.writesLeft === 0 && !pending.failed) batch.synced.push(pending.pair);
  }

  // ---- Salesforce --------------------------------------------------------------------------------------

  private async createInSalesforce(creates: readonly SalesforceCreate[], object: SalesforcePersonObject): Promise<void> {
    // Read back once for all batches (retrieve takes 2,000 ids a call, a create 200 records): one read per batch
    // would double the Salesforce calls of an initial sync.
    const created: Array<{ create: SalesforceCreate; id: string }> = [];
    for (const part of chunk(creates, COLLECTION_WRITE_LIMIT)) {
      const batch = new BatchRecord();
      const intents = await this.context.store.writeIntents.recordMany(
        part.map((create) => ({ idempotencyKey: create.idempotencyKey, system: 'salesforce' as const, object, operation: 'create', recordId: null, linkId: null, payload: create.fields })),
        this.now,
      );
      const { existing, gone } = await this.createdBefore(object, part, intents);
      for (const create of part) {
        const record = gone.get(create.idempotencyKey);
        if (!record) continue;
        batch.abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { id: record.id, goneAt: record.goneAt } });
        // The contact is held as one whose partner was deleted (gather.ts, unlinkedWhenPartnerWent): sending it
        // again would recreate the person Salesforce deleted or merged away.
        batch.audit.push(partnerGoneAudit(create.hubspotId, object, record, { now: this.now, runId: this.context.runId }));
      }
      const toSend = part.filter((create) => !existing.has(create.idempotencyKey) && !gone.has(create.idempotencyKey));
      const results = toSend.length > 0 ? await this.context.salesforce.create(object, toSend.map((create) => create.fields)) : [];
      const outcomes = new Map<string, { id: string | null; errors: VendorError[] }>(existing);
      results.forEach((result, index) => outcomes.set(toSend[index]!.idempotencyKey, { id: result.success ? result.id : null, errors: result.errors }));
      for (const create of part) {
        const outcome = outcomes.get(create.idempotencyKey);
        if (outcome?.id) {
          this.counts.salesforce.created += existing.has(create.idempotencyKey) ? 0 : 1;
          batch.links.push({ hubspotObjectType: HUBSPOT_CONTACTS, hubspotId: create.hubspotId, salesforceObject: object, salesforceId: outcome.id });
          batch.done.push({ idempotencyKey: create.idempotencyKey, outcome: { id: outcome.id } });
          batch.audit.push(this.audit('salesforce', outcome.id, null, 'create', create.fields, `HubSpot contact ${create.hubspotId} has no ${object} yet`, object));
          this.pairs.set(pairKey(create.hubspotId, object, outcome.id), { pair: { hubspotId: create.hubspotId, salesforceObject: object, salesforceId: outcome.id }, values: create.syncedValues, writesLeft: 0, failed: false });
          batch.synced.push({ hubspotId: create.hubspotId, salesforceObject: object, salesforceId: outcome.id });
          const idProperty = contactPairFacts.salesforceIdProperty[object];
          if (idProperty) this.hubspotUpdates.set(create.hubspotId, { ...this.hubspotUpdates.get(create.hubspotId), [idProperty]: outcome.id });
          created.push({ create, id: outcome.id });
        } else {
          this.counts.salesforce.failed += 1;
          batch.abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { errors: outcome?.errors ?? [] } });
          batch.errors.push(...this.vendorErrors(outcome?.errors ?? [], { hubspotId: create.hubspotId, salesforceId: null }, { system: 'salesforce', payload: create.fields }));
        }
      }
      await this.commit(batch);
    }
    await this.takeSalesforceDefaults(object, created);
  }

  /**
   * Salesforce fills in what a create left out (the owner, a Lead's default Status). Those values are the new
   * record's own, and the next cycle would carry them to HubSpot as a change; reading the batch back (one call)
   * lets them ride on the HubSpot write this cycle makes anyway for the Salesforce id, so the pair settles now.
   * A cycle cut short before this read costs only a later write of those defaults, never a lost or doubled record.
   */
  private async takeSalesforceDefaults(object: SalesforcePersonObject, created: ReadonlyArray<{ create: SalesforceCreate; id: string }>): Promise<void> {
    if (created.length === 0) return;
    const records = await this.context.salesforce.retrieve(object, created.map(({ id }) => id), salesforceFieldsToRead(object, this.context.input.mappings));
    const links: StoredContactLink[] = [];
    const lastSynced = new Map<string, Record<string, SalesforceValue>>();
    const changes: SalesforcePersonRecord[] = [];
    created.forEach(({ create, id }, index) => {
      const record = records[index];
      const linkId = this.linkIdByHubspot.get(create.hubspotId);
      if (!record || !linkId) return;
      links.push({ linkId, hubspotId: create.hubspotId, salesforceObject: object, salesforceId: id });
      lastSynced.set(linkId, create.syncedValues);
      changes.push(toSalesforcePerson(object, record));
    });
    const hubspotIds = new Set(links.map((link) => link.hubspotId));
    const followUp = planContactSync({
      ...this.context.input,
      hubspotChanges: this.context.input.hubspotChanges.filter((record) => hubspotIds.has(record.id)),
      salesforceChanges: changes,
      salesforceMatches: [],
      hubspotMatches: [],
      links,
      lastSynced,
    });
    for (const update of followUp.hubspotUpdates) this.hubspotUpdates.set(update.id, { ...this.hubspotUpdates.get(update.id), ...update.properties });
    for (const entry of followUp.syncedValues) {
      const key = pairKey(entry.pair.hubspotId, entry.pair.salesforceObject, entry.pair.salesforceId);
      const values = { ...this.pairs.get(key)?.values, ...entry.values };
      // Stored once the HubSpot write carrying them has gone through.
      const pending: PendingPair = { pair: entry.pair, values, writesLeft: 1, failed: false, ...(entry.linkId ? { linkId: entry.linkId } : {}) };
      this.pairs.set(key, pending);
      this.pairByHubspot.set(entry.pair.hubspotId, pending);
    }
  }

  /**
   * Creates this batch already made: an intent settled as done names the record; one left pending by a process
   * that died mid-call may or may not have reached Salesforce, so the record is looked up by its email. A record
   * with that email created since the intent, and deleted or merged away since, is `gone`: the create did reach
   * Salesforce, and someone removed what it made before any run could link it.
   */
  private async createdBefore(
    object: SalesforcePersonObject,
    creates: readonly SalesforceCreate[],
    intents: ReadonlyMap<string, { state: string; outcome: unknown; createdAt: Date }>,
  ): Promise<{ existing: Map<string, { id: string; errors: VendorError[] }>; gone: Map<string, GoneRecord> }> {
    const found = new Map<string, { id: string; errors: VendorError[] }>();
    const gone = new Map<string, GoneRecord>();
    const uncertain: SalesforceCreate[] = [];
    for (const create of creates) {
      const intent = intents.get(create.idempotencyKey);
      const id = (intent?.outcome as { id?: unknown } | null)?.id;
      if (intent?.state === 'done' && typeof id === 'string') found.set(create.idempotencyKey, { id, errors: [] });
      else if (intent?.state === 'pending' && intent.createdAt.getTime() < this.now.getTime()) uncertain.push(create);
    }
    const emails = uncertain.map((create) => normaliseEmail(create.fields.Email)).filter((email): email is string => email !== null);
    if (emails.length === 0) return { existing: found, gone };
    // A converted lead keeps its email but is not a record this create could have made (nor a person's live
    // record): matched, the contact would be linked to it, unlinked as converted next cycle, and so on forever.
    const records = (await recordsWithEmails(this.context.salesforce, object, emails)).filter((record) => !record.converted);
    for (const create of uncertain) {
      const email = normaliseEmail(create.fields.Email) ?? '';
      const live = records.find((record) => record.email === email && !record.deleted);
      if (live) {
        found.set(create.idempotencyKey, { id: live.id, errors: [] });
        continue;
      }
      const made = goneRecordOf(records, email, intents.get(create.idempotencyKey)!.createdAt);
      if (made) gone.set(create.idempotencyKey, made);
    }
    return { existing: found, gone };
  }

  private async updateInSalesforce(updates: readonly SalesforceUpdate[], object: SalesforcePersonObject): Promise<void> {
    for (const part of chunk(updates, COLLECTION_WRITE_LIMIT)) {
      const batch = new BatchRecord();
      const keyed = part.map((update) => ({ update, key: `contacts:update:salesforce:${object}:${update.id}:${this.plan.plannedAt}` }));
      await this.context.store.writeIntents.recordMany(
        keyed.map(({ update, key }) => ({
          idempotencyKey: key,
          system: 'salesforce' as const,
          object,
          operation: 'update',
          recordId: update.id,
          linkId: this.linkIdBySalesforce.get(salesforceKey(object, update.id)) ?? null,
          payload: update.fields,
        })),
        this.now,
      );
      const results: SalesforceWriteResult[] = await this.context.salesforce.update(object, part.map((update) => ({ ...update.fields, Id: update.id })));
      results.forEach((result, index) => {
        const { update, key } = keyed[index]!;
        const pending = this.pairBySalesforce.get(salesforceKey(object, update.id));
        this.settlePairWrite(batch, pending, result.success);
        if (result.success) {
          this.counts.salesforce.updated += 1;
          batch.done.push({ idempotencyKey: key, outcome: { id: update.id } });
          batch.audit.push(this.audit('salesforce', update.id, this.linkIdBySalesforce.get(salesforceKey(object, update.id)) ?? null, 'update', update.fields, `changed in HubSpot (contact ${pending?.pair.hubspotId ?? '?'})`, object));
        } else {
          this.counts.salesforce.failed += 1;
          batch.abandoned.push({ idempotencyKey: key, outcome: { errors: result.errors } });
          batch.errors.push(...this.vendorErrors(result.errors, { hubspotId: pending?.pair.hubspotId ?? null, salesforceId: update.id }, { system: 'salesforce', payload: update.fields }));
        }
      });
      await this.commit(batch);
    }
  }

  // ---- HubSpot -----------------------------------------------------------------------------------------

  private async createInHubspot(creates: readonly HubspotCreate[]): Promise<void> {
    for (const part of chunk(creates, BATCH_LIMIT)) {
      const batch = new BatchRecord();
      await this.context.store.writeIntents.recordMany(
        part.map((create) => ({ idempotencyKey: create.idempotencyKey, system: 'hubspot' as const, object: HUBSPOT_CONTACTS, operation: 'upsert', recordId: null, linkId: null, payload: create.properties })),
        this.now,
      );
      // Upsert on email: a create retried after a lost answer finds the contact it made instead of failing or duplicating.
      const { results, refused, partly } = await isolateRefusals(
        part,
        (inputs) =>
          this.context.hubspot.batchUpsert(
            HUBSPOT_CONTACTS,
            'email',
            inputs.map((create) => ({ id: create.properties.email ?? '', properties: create.properties })),
          ),
        { input: (create) => normaliseEmail(create.properties.email), result: (result) => normaliseEmail(result.properties.email) },
        withoutRefused<HubspotCreate>(['email']),
      );
      const byEmail = new Map(results.map((result) => [normaliseEmail(result.properties.email), result]));
      for (const create of part) {
        const result = byEmail.get(normaliseEmail(create.properties.email));
        if (result) {
          this.counts.hubspot[result.isNew === false ? 'updated' : 'created'] += 1;
          batch.links.push({ hubspotObjectType: HUBSPOT_CONTACTS, hubspotId: result.id, salesforceObject: create.salesforceObject, salesforceId: create.salesforceId });
          batch.done.push({ idempotencyKey: create.idempotencyKey, outcome: { id: result.id } });
          batch.audit.push(this.audit('hubspot', result.id, null, result.isNew === false ? 'update' : 'create', create.properties, `${create.salesforceObject} ${create.salesforceId} has no HubSpot contact yet`));
          const unwritten = this.partlyWritten(batch, partly.find((entry) => entry.input === create), { hubspotId: result.id, salesforceId: create.salesforceId }, create.properties);
          const values = Object.fromEntries(Object.entries(create.syncedValues).filter(([property]) => !unwritten.includes(property)));
          this.pairs.set(pairKey(result.id, create.salesforceObject, create.salesforceId), { pair: { hubspotId: result.id, salesforceObject: create.salesforceObject, salesforceId: create.salesforceId }, values, writesLeft: 0, failed: false });
          batch.synced.push({ hubspotId: result.id, salesforceObject: create.salesforceObject, salesforceId: create.salesforceId });
        } else {
          this.counts.hubspot.failed += 1;
          const errors = refused.filter((refusal) => refusal.input === create).map((refusal) => refusal.error);
          batch.abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { errors } });
          batch.errors.push(...this.vendorErrors(errors, { hubspotId: null, salesforceId: create.salesforceId }, { system: 'hubspot', payload: create.properties }));
        }
      }
      await this.commit(batch);
    }
  }

  private async updateInHubspot(): Promise<void> {
    const updates = [...this.hubspotUpdates].map(([id, properties]) => ({ id, properties })).filter((update) => Object.keys(update.properties).length > 0);
    for (const part of chunk(updates, BATCH_LIMIT)) {
      const batch = new BatchRecord();
      const keyed = part.map((update) => ({ update, key: `contacts:update:hubspot:${update.id}:${this.plan.plannedAt}` }));
      await this.context.store.writeIntents.recordMany(
        keyed.map(({ update, key }) => ({
          idempotencyKey: key,
          system: 'hubspot' as const,
          object: HUBSPOT_CONTACTS,
          operation: 'update',
          recordId: update.id,
          linkId: this.linkIdByHubspot.get(update.id) ?? null,
          payload: update.properties,
        })),
        this.now,
      );
      const { results, refused, partly } = await batchUpdateIsolated(this.context.hubspot, HUBSPOT_CONTACTS, part);
      const written = new Set(results.map((result) => result.id));
      for (const { update, key } of keyed) {
        const pending = this.pairByHubspot.get(update.id);
        const succeeded = written.has(update.id);
        if (succeeded && pending) {
          const unwritten = this.partlyWritten(batch, partly.find((entry) => entry.input === update), { hubspotId: update.id, salesforceId: pending.pair.salesforceId }, update.properties);
          for (const property of unwritten) delete pending.values[property];
        }
        this.settlePairWrite(batch, pending, succeeded);
        if (succeeded) {
          this.counts.hubspot.updated += 1;
          batch.done.push({ idempotencyKey: key, outcome: { id: update.id } });
          batch.audit.push(this.audit('hubspot', update.id, this.linkIdByHubspot.get(update.id) ?? null, 'update', update.properties, `changed in Salesforce (${pending ? `${pending.pair.salesforceObject} ${pending.pair.salesforceId}` : 'linked record'})`));
        } else {
          this.counts.hubspot.failed += 1;
          const errors = refused.filter((refusal) => refusal.input === update).map((refusal) => refusal.error);
          batch.abandoned.push({ idempotencyKey: key, outcome: { errors } });
          batch.errors.push(...this.vendorErrors(errors, { hubspotId: update.id, salesforceId: pending?.pair.salesforceId ?? null }, { system: 'hubspot', payload: update.properties }));
        }
      }
      await this.commit(batch);
    }
  }

  private async deleteInHubspot(): Promise<void> {
    for (const part of chunk(this.plan.hubspotDeletes, BATCH_LIMIT)) {
      const batch = new BatchRecord();
      await this.context.hubspot.batchArchive(HUBSPOT_CONTACTS, part.map((remove) => remove.hubspotId));
      for (const remove of part) {
        this.counts.hubspot.deleted += 1;
        batch.audit.push(this.audit('hubspot', remove.hubspotId, null, 'delete', {}, remove.because));
      }
      await this.commit(batch);
    }
  }

  /**
   * A contact written without the properties HubSpot refused: each is a sync error on its field, and none of them
   * is remembered as synced, so it is tried again when either side changes. Returns the properties left out.
   */
  private partlyWritten(
    batch: BatchRecord,
    partly: { properties: string[]; error: VendorError } | undefined,
    ids: { hubspotId: string; salesforceId: string },
    payload: Record<string, string>,
  ): string[] {
    if (!partly) return [];
    batch.errors.push(...partlyRefusedReports(partly, { object: HUBSPOT_CONTACTS, ...ids }, payload));
    return partly.properties;
  }

  private async recordPlanErrors(): Promise<void> {
    if (this.plan.errors.length === 0) return;
    const batch = new BatchRecord();
    for (const planned of this.plan.errors) {
      const pending = planned.side === 'hubspot' ? this.pairByHubspot.get(planned.id) : this.pairBySalesforce.get(salesforceKey(String(planned.object), planned.id));
      batch.errors.push({
        object: HUBSPOT_CONTACTS,
        hubspotId: planned.side === 'hubspot' ? planned.id : (pending?.pair.hubspotId ?? null),
        salesforceId: planned.side === 'salesforce' ? planned.id : (pending?.pair.salesforceId ?? null),
        category: planned.error.category,
        vendorCode: '',
        field: planned.error.field ?? null,
        message: planned.error.message,
        nextRetryAt: null,
      });
    }
    await this.commit(batch);
  }

  // ---- recording ---------------------------------------------------------------------------------------

  private async commit(batch: BatchRecord, more?: (store: ContactRepositories) => Promise<void>): Promise<void> {
    await this.context.store.transaction(async (store) => {
      if (more) await more(store);
      const { linked, conflicts } = await store.idLinks.linkMany(batch.links, this.now);
      for (const link of linked) this.rememberLink(link);
      for (const conflict of conflicts) {
        batch.errors.push({
          object: HUBSPOT_CONTACTS,
          hubspotId: conflict.requested.hubspotId,
          salesforceId: conflict.requested.salesforceId,
          category: 'duplicates',
          vendorCode: '',
          field: null,
          message: `${conflict.side === 'hubspot' ? `HubSpot contact ${conflict.requested.hubspotId}` : `${conflict.requested.salesforceObject} ${conflict.requested.salesforceId}`} is already linked to ${conflict.side === 'hubspot' ? `${conflict.existing.salesforceObject} ${conflict.existing.salesforceId}` : `HubSpot contact ${conflict.existing.hubspotId}`}`,
          nextRetryAt: null,
        });
      }
      for (const link of batch.links) batch.audit.push(this.audit('hubspot', link.hubspotId, this.linkIdByHubspot.get(link.hubspotId) ?? null, 'link', { salesforceObject: link.salesforceObject, salesforceId: link.salesforceId }, 'linked'));
      const values: Array<{ linkId: string; field: string; value: unknown }> = [];
      for (const pair of batch.synced) {
        const pending = this.pairs.get(pairKey(pair.hubspotId, pair.salesforceObject, pair.salesforceId));
        const linkId = pending?.linkId ?? this.linkIdByHubspot.get(pair.hubspotId);
        if (!pending || !linkId) continue;
        for (const [field, value] of Object.entries(pending.values)) values.push({ linkId, field, value });
      }
      await store.syncedValues.upsertMany(values, this.now);
      await store.writeIntents.markDone(batch.done, this.now);
      await store.writeIntents.markAbandoned(batch.abandoned, this.now);
      await store.auditTrail.append(batch.audit);
      const failedRecords = new Set(batch.errors.flatMap((error) => [error.hubspotId, error.salesforceId]));
      const syncedRecords = batch.synced.filter((pair) => !failedRecords.has(pair.hubspotId) && !failedRecords.has(pair.salesforceId));
      await store.syncErrors.resolveForRecords(syncedRecords.map((pair) => ({ object: HUBSPOT_CONTACTS, hubspotId: pair.hubspotId, salesforceId: pair.salesforceId })), this.now);
      if (batch.errors.length > 0) await store.syncErrors.recordMany(batch.errors, this.now);
    });
  }

  private audit(system: 'salesforce' | 'hubspot', recordId: string, linkId: string | null, action: string, changes: Record<string, unknown>, reason: string, object = HUBSPOT_CONTACTS): AuditEntry {
    return { at: this.now, system, object, recordId, linkId, action, changes, reason, runId: this.context.runId };
  }

  /** Refusals as sync errors, the value sent remembered (src/engine/refusals.ts). */
  private vendorErrors(errors: readonly VendorError[], ids: { hubspotId: string | null; salesforceId: string | null }, sent: SentPayload): SyncErrorReport[] {
    return vendorErrorReports(errors, { object: HUBSPOT_CONTACTS, ...ids }, { sent });
  }
}

function emptyCounts(): SideCounts {
  return { created: 0, updated: 0, deleted: 0, failed: 0 };
}
