/**
 * Apply and record a link-matched plan, in batches: sObject Collections of 200 (allOrNone=false: one refused
 * record is a sync error, the other 199 sync) and HubSpot batches of 100, a record HubSpot refuses for some of its
 * properties written without them (src/engine/refusals.ts). A refusal keeps the value sent, so the cycle does not
 * send it again while it is unchanged.
 *
 * - Every create is a write intent, with the plan's idempotency key, before its batch is sent, and is settled with
 *   its link in one transaction after. A key already done is not sent again. A Salesforce create left pending by
 *   a process that died is looked up (same name, created since the intent, deleted ones included) before it is
 *   sent again: one found standing is linked; one Salesforce has deleted or merged away since means the create did
 *   happen, so the HubSpot record is held as one whose partner was deleted instead of recreating the record. A
 *   HubSpot create left so carries the Salesforce id, and the planner links it instead of creating another.
 * - Updates, association moves and deletes follow; last-synced values of a pair are stored once none of its writes
 *   failed (a pair half-written keeps its old values, so the unwritten side is not mistaken for a change later).
 * - A new Account for a company is put on the company's Salesforce Contacts; a new company for an Account is
 *   associated with the Account's HubSpot contacts: the association HubSpot's integration makes.
 */
import { planLinkedSync, type LinkedPlanError, type LinkedSyncInput, type LinkedSyncPlan } from '../../core/linked/plan.ts';
import type { SalesforceValue } from '../../core/mapping/convert.ts';
import { BATCH_LIMIT, type HubSpotClient } from '../../connectors/hubspot/client.ts';
import { COLLECTION_WRITE_LIMIT, type SalesforceClient, type SalesforceRecord } from '../../connectors/salesforce/client.ts';
import type { VendorError } from '../../connectors/vendor-error.ts';
import { PlanEditor } from '../../core/refused-values.ts';
import type { LinkedObjectDescription } from '../../objects/index.ts';
import { INTENT_CLOCK_SLACK_MS, parseSalesforceDateTime, salesforceInstant, soqlDateTime } from '../detect/salesforce-poll.ts';
import { soqlInLists } from '../contacts/records.ts';
import type { SideCounts } from '../contacts/apply.ts';
import type { AuditEntry, ContactRepositories, ContactSyncStore, NewLink, SyncErrorReport } from '../contacts/ports.ts';
import { PARTNER_DELETED_ACTION } from './gather.ts';
import { chunk } from '../../core/chunk.ts';
import { batchUpdateIsolated, isolateRefusals, partlyRefusedReports, vendorErrorReports, withoutRefused, type SentPayload } from '../refusals.ts';
import { salesforceFieldsToRead, toLinkedSalesforce } from './records.ts';

export interface LinkedApplyContext {
  description: LinkedObjectDescription;
  store: ContactSyncStore;
  salesforce: SalesforceClient;
  hubspot: HubSpotClient;
  now: Date;
  runId: string;
  input: LinkedSyncInput;
  pipelineOfStage: ReadonlyMap<string, string>;
  contactsToAttach: ReadonlyMap<string, readonly string[]>;
  hubspotContactsOf: ReadonlyMap<string, readonly string[]>;
}

export interface AppliedLinkedPlan {
  salesforce: SideCounts;
  hubspot: SideCounts;
}

export async function applyLinkedPlan(context: LinkedApplyContext, plan: LinkedSyncPlan): Promise<AppliedLinkedPlan> {
  return new LinkedPlanWriter(context, plan).apply();
}

class LinkedPlanWriter {
  private readonly counts: AppliedLinkedPlan = { salesforce: counts(), hubspot: counts() };
  private readonly type: string;
  private readonly object: string;
  private readonly linkIds = new Map<string, string>();
  /** Records with a failed write this cycle: their pair keeps its old last-synced values. */
  private readonly failed = new Set<string>();
  /**
   * Salesforce records a dead process made and this apply linked (`createdBefore`). Made after the last checkpoint,
   * each was read as new too, and planned as a HubSpot create: that create would be a second HubSpot record.
   */
  private readonly recovered = new Set<string>();
  /** Records HubSpot took without some properties this cycle: written, but their errors stand. */
  private readonly partlyRefused = new Set<string>();
  private readonly hubspotUpdates = new Map<string, Record<string, string>>();
  private readonly editor: PlanEditor;

  constructor(
    private readonly context: LinkedApplyContext,
    private readonly plan: LinkedSyncPlan,
  ) {
    this.type = context.description.hubspotObjectType;
    this.object = context.input.pair.salesforceObject;
    for (const link of context.input.links) this.linkIds.set(`${link.hubspotId}|${link.salesforceId}`, link.linkId);
    for (const update of plan.hubspotUpdates) this.hubspotUpdates.set(update.id, { ...update.properties });
    this.editor = new PlanEditor(plan, context.input.mappings, { salesforceObject: this.object });
  }

  async apply(): Promise<AppliedLinkedPlan> {
    await this.recordLinkChanges();
    await this.createInSalesforce();
    await this.updateInSalesforce();
    await this.createInHubspot();
    await this.updateInHubspot();
    await this.moveAssociations();
    await this.deleteInHubspot();
    await this.recordSyncedValuesAndErrors();
    return this.counts;
  }

  private async recordLinkChanges(): Promise<void> {
    const changes = this.plan.linkChanges;
    if (changes.length === 0) return;
    const audit: AuditEntry[] = [];
    await this.context.store.transaction(async (store) => {
      const created = changes.flatMap((change) => (change.change === 'create' ? [this.newLink(change.hubspotId, change.salesforceId)] : []));
      await this.link(store, created);
      for (const change of changes) {
        if (change.change === 'create') {
          audit.push(this.audit('hubspot', change.hubspotId, 'link', { salesforceId: change.salesforceId }, change.because));
          continue;
        }
        await store.idLinks.unlink(change.linkId);
        // The survivor remembers its partner was deleted, so a re-read does not recreate it (gather.ts).
        const hubspotGone = this.plan.hubspotDeletes.some((remove) => remove.hubspotId === change.hubspotId) || this.context.input.hubspotChanges.concat(this.context.input.hubspotPartners ?? []).some((record) => record.id === change.hubspotId && record.deleted);
        const survivor = hubspotGone ? { system: 'salesforce' as const, id: change.salesforceId } : { system: 'hubspot' as const, id: change.hubspotId };
        audit.push(this.audit(survivor.system, survivor.id, PARTNER_DELETED_ACTION, { hubspotId: change.hubspotId, salesforceId: change.salesforceId }, change.because));
      }
      await store.auditTrail.append(audit);
    });
  }

  // ---- Salesforce --------------------------------------------------------------------------------------

  private async createInSalesforce(): Promise<void> {
    for (const part of chunk(this.plan.salesforceCreates, COLLECTION_WRITE_LIMIT)) {
      const intents = await this.context.store.writeIntents.recordMany(
        part.map((create) => ({ idempotencyKey: create.idempotencyKey, system: 'salesforce' as const, object: this.object, operation: 'create', recordId: null, linkId: null, payload: create.fields })),
        this.context.now,
      );
      const known = new Map<string, string>();
      const gone = new Map<string, string>();
      const uncertain: Array<{ key: string; fields: Record<string, SalesforceValue>; since: Date }> = [];
      for (const create of part) {
        const intent = intents.get(create.idempotencyKey);
        if (intent?.state === 'done') {
          const id = idOf(intent.outcome);
          if (id) known.set(create.idempotencyKey, id);
        } else if (intent && intent.createdAt < this.context.now) uncertain.push({ key: create.idempotencyKey, fields: create.fields, since: intent.createdAt });
      }
      for (const [key, made] of await this.createdBefore(uncertain)) {
        if (made.deleted) gone.set(key, made.id);
        else {
          known.set(key, made.id);
          this.recovered.add(made.id);
        }
      }
      const toSend = part.filter((create) => !known.has(create.idempotencyKey) && !gone.has(create.idempotencyKey));
      const results = toSend.length > 0 ? await this.context.salesforce.create(this.object, toSend.map((create) => create.fields)) : [];
      const errors = new Map<string, VendorError[]>();
      results.forEach((result, index) => {
        const key = toSend[index]!.idempotencyKey;
        if (result.success && result.id) known.set(key, result.id);
        else errors.set(key, result.errors);
      });
      const attach: Array<SalesforceRecord & { Id: string }> = [];
      const reports: SyncErrorReport[] = [];
      await this.context.store.transaction(async (store) => {
        const links: NewLink[] = [];
        const audit: AuditEntry[] = [];
        const done: Array<{ idempotencyKey: string; outcome: unknown }> = [];
        const abandoned: Array<{ idempotencyKey: string; outcome: unknown }> = [];
        const values: Array<{ hubspotId: string; salesforceId: string; values: Record<string, SalesforceValue> }> = [];
        for (const create of part) {
          const goneId = gone.get(create.idempotencyKey);
          if (goneId) {
            abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { id: goneId, gone: true } });
            // Held as a record whose partner was deleted (gather.ts, partnersDeletedAt): sent again only once it
            // changes, as when a linked partner is deleted.
            audit.push(
              this.audit('hubspot', create.hubspotId, PARTNER_DELETED_ACTION, { hubspotId: create.hubspotId, salesforceId: goneId }, `the ${this.object} ${goneId} made for it by a run that did not finish was deleted or merged away in Salesforce before it was linked`),
            );
            continue;
          }
          const id = known.get(create.idempotencyKey);
          if (!id) {
            this.counts.salesforce.failed += 1;
            this.failed.add(create.hubspotId);
            abandoned.push({ idempotencyKey: create.idempotencyKey, outcome: { errors: errors.get(create.idempotencyKey) ?? [] } });
            reports.push(...this.vendorErrors(errors.get(create.idempotencyKey) ?? [], create.hubspotId, null, { sent: { system: 'salesforce', payload: create.fields } }));
            continue;
          }
          this.counts.salesforce.created += results.some((result) => result.id === id) ? 1 : 0;
          links.push(this.newLink(create.hubspotId, id));
          done.push({ idempotencyKey: create.idempotencyKey, outcome: { id } });
          audit.push(this.audit('salesforce', id, 'create', create.fields, `HubSpot ${this.type} ${create.hubspotId} has no ${this.object} yet`));
          values.push({ hubspotId: create.hubspotId, salesforceId: id, values: create.syncedValues });
          const idProperty = this.context.input.pair.salesforceIdProperty;
          if (idProperty) this.hubspotUpdates.set(create.hubspotId, { ...this.hubspotUpdates.get(create.hubspotId), [idProperty]: id });
          for (const contactId of this.context.contactsToAttach.get(create.hubspotId) ?? []) attach.push({ Id: contactId, AccountId: id });
        }
        await this.link(store, links);
        await store.syncedValues.upsertMany(values.flatMap((entry) => this.valueRows(entry.hubspotId, entry.salesforceId, entry.values)), this.context.now);
        await store.writeIntents.markDone(done, this.context.now);
        await store.writeIntents.markAbandoned(abandoned, this.context.now);
        await store.auditTrail.append(audit);
        if (reports.length > 0) await store.syncErrors.recordMany(reports, this.context.now);
      });
      // The company's people go under their new Account, as HubSpot's integration associates them.
      if (attach.length > 0 && this.object === 'Account') await this.context.salesforce.update('Contact', attach);
      await this.takeSalesforceDefaults(part.flatMap((create) => {
        const id = known.get(create.idempotencyKey);
        return id ? [{ hubspotId: create.hubspotId, salesforceId: id, values: create.syncedValues }] : [];
      }));
    }
  }

  /**
   * Salesforce fills in what a create left out (the owner). Those values are the new record's own, and the next
   * cycle would carry them to HubSpot as a change: reading the batch back (one call) and planning the new pairs
   * again lets them ride on the HubSpot write this cycle makes anyway for the Salesforce id.
   */
  private async takeSalesforceDefaults(created: ReadonlyArray<{ hubspotId: string; salesforceId: string; values: Record<string, SalesforceValue> }>): Promise<void> {
    if (created.length === 0) return;
    const { input } = this.context;
    const records = await this.context.salesforce.retrieve(this.object, created.map((entry) => entry.salesforceId), salesforceFieldsToRead(input.pair, input.mappings));
    const hubspotById = new Map(input.hubspotChanges.map((record) => [record.id, record]));
    const links = created.map((entry, index) => ({ linkId: this.linkIds.get(`${entry.hubspotId}|${entry.salesforceId}`) ?? `new-${index}`, hubspotId: entry.hubspotId, salesforceId: entry.salesforceId }));
    const again = planLinkedSync({
      ...input,
      hubspotChanges: created.flatMap((entry) => {
        const record = hubspotById.get(entry.hubspotId);
        return record ? [{ ...record, properties: { ...record.properties, ...this.hubspotUpdates.get(entry.hubspotId) } }] : [];
      }),
      salesforceChanges: records.flatMap((record) => (record ? [toLinkedSalesforce(record)] : [])),
      hubspotPartners: [],
      salesforcePartners: [],
      links,
      lastSynced: new Map(links.map((link, index) => [link.linkId, created[index]!.values])),
      matches: [],
    });
    for (const update of again.hubspotUpdates) this.hubspotUpdates.set(update.id, { ...this.hubspotUpdates.get(update.id), ...update.properties });
    // Only values that travel to HubSpot: a Salesforce write now would be a second call for a default.
    const rows = again.syncedValues.flatMap((entry) => (entry.linkId ? this.valueRows(entry.pair.hubspotId, entry.pair.salesforceId, entry.values, entry.linkId) : []));
    const writesSalesforce = new Set(again.salesforceUpdates.map((update) => update.id));
    await this.context.store.syncedValues.upsertMany(rows.filter((row) => !writesSalesforce.has(links.find((link) => link.linkId === row.linkId)?.salesforceId ?? '')), this.context.now);
  }

  /**
   * Creates whose intents a dead process left pending: the records they may have made, found by name and creation
   * time, deleted or merged-away ones included (`queryAll`), in one query per batch. Names repeat (two tickets
   * "Password reset"), so a record whose values are all the ones sent is preferred, and no record answers for two
   * creates; failing that, the only record with the name (a trigger may have changed a value since). One standing
   * and unlinked is that create's; none standing and one deleted means the create happened and the record went
   * before any run linked it. A record with no name cannot be told apart, so it is sent again.
   */
  private async createdBefore(creates: ReadonlyArray<{ key: string; fields: Record<string, SalesforceValue>; since: Date }>): Promise<Map<string, { id: string; deleted: boolean }>> {
    const madeBy = new Map<string, { id: string; deleted: boolean }>();
    const nameField = this.context.description.salesforceNameField ?? 'Name';
    const named = creates.filter((create) => typeof create.fields[nameField] === 'string' && create.fields[nameField] !== '');
    if (named.length === 0) return madeBy;
    const sentFields = [...new Set(named.flatMap((create) => Object.keys(create.fields)))].filter((field) => field !== 'Id' && field !== 'IsDeleted' && field !== 'CreatedDate');
    const since = soqlDateTime(new Date(Math.min(...named.map((create) => create.since.getTime())) - INTENT_CLOCK_SLACK_MS));
    const records: SalesforceRecord[] = [];
    for (const list of soqlInLists(named.map((create) => String(create.fields[nameField])))) {
      const soql = `SELECT ${['Id', 'IsDeleted', 'CreatedDate', ...sentFields].join(', ')} FROM ${this.object} WHERE ${nameField} IN (${list}) AND CreatedDate >= ${since} ORDER BY CreatedDate, Id`;
      for await (const page of this.context.salesforce.queryAllPages(soql, this.object)) records.push(...page);
    }
    const linked = await this.context.store.idLinks.findBySalesforceIds(records.map((record) => String(record.Id)));
    const taken = new Set<string>();
    const free = records.filter((record) => !linked.has(String(record.Id)));
    const pick = (candidates: SalesforceRecord[]): { id: string; deleted: boolean } | null => {
      const standing = candidates.filter((record) => record.IsDeleted !== true);
      const chosen = standing[0] ?? (candidates.length === 1 ? candidates[0] : undefined);
      return chosen ? { id: String(chosen.Id), deleted: chosen.IsDeleted === true } : null;
    };
    for (const create of named) {
      const sameName = free.filter((record) => !taken.has(String(record.Id)) && record[nameField] === create.fields[nameField] && parseSalesforceDateTime(record.CreatedDate) >= create.since.getTime() - INTENT_CLOCK_SLACK_MS);
      const made = pick(sameName.filter((record) => Object.entries(create.fields).every(([field, value]) => sameSalesforceValue(record[field], value)))) ?? (sameName.length === 1 ? pick(sameName) : null);
      if (!made) continue;
      taken.add(made.id);
      madeBy.set(create.key, made);
    }
    return madeBy;
  }

  private async updateInSalesforce(): Promise<void> {
    for (const part of chunk(this.plan.salesforceUpdates, COLLECTION_WRITE_LIMIT)) {
      const results = await this.context.salesforce.update(this.object, part.map((update) => ({ Id: update.id, ...update.fields })));
      const reports: SyncErrorReport[] = [];
      const audit: AuditEntry[] = [];
      results.forEach((result, index) => {
        const update = part[index]!;
        if (result.success) {
          this.counts.salesforce.updated += 1;
          audit.push(this.audit('salesforce', update.id, 'update', update.fields, `changed in HubSpot (${this.type})`));
        } else {
          this.counts.salesforce.failed += 1;
          this.failed.add(update.id);
          reports.push(...this.vendorErrors(result.errors, this.hubspotIdOf(update.id), update.id, { sent: { system: 'salesforce', payload: update.fields } }));
        }
      });
      await this.record(audit, reports);
    }
  }

  // ---- HubSpot -----------------------------------------------------------------------------------------

  private async createInHubspot(): Promise<void> {
    const stage = this.context.description.pipelineStage;
    for (const part of chunk(this.plan.hubspotCreates.filter((create) => !this.recovered.has(create.salesforceId)), BATCH_LIMIT)) {
      const inputs = part.map((create, index) => {
        const properties = { ...create.properties };
        // A stage belongs to one pipeline: HubSpot refuses a stage outside the record's pipeline.
        const pipeline = stage ? this.context.pipelineOfStage.get(properties[stage.hubspotProperty] ?? '') : undefined;
        if (stage && pipeline) properties[stage.pipelineProperty] = pipeline;
        return { index, properties };
      });
      await this.context.store.writeIntents.recordMany(
        part.map((create, index) => ({ idempotencyKey: create.idempotencyKey, system: 'hubspot' as const, object: this.type, operation: 'create', recordId: null, linkId: null, payload: inputs[index]!.properties })),
        this.context.now,
      );
      const { results, refused, partly } = await isolateRefusals(
        inputs,
        async (sent) => {
          const outcome = await this.context.hubspot.batchCreate(this.type, sent.map(({ properties }) => ({ properties })));
          // A result names its input by its place in this call; a halved call's places are not the batch's.
          return { ...outcome, results: outcome.results.map((result, position) => ({ ...result, inputIndex: sent[result.inputIndex ?? position]?.index })) };
        },
        { input: (input) => String(input.index), result: (result) => String(result.inputIndex) },
        withoutRefused(),
      );
      const byIndex = new Map(results.map((result) => [result.inputIndex, result.id]));
      const associations = new Map<string, Array<{ fromId: string; toId: string }>>();
      const reports: SyncErrorReport[] = [];
      await this.context.store.transaction(async (store) => {
        const links: NewLink[] = [];
        const audit: AuditEntry[] = [];
        const done: Array<{ idempotencyKey: string; outcome: unknown }> = [];
        const values: Array<{ linkId: string; field: string; value: unknown }> = [];
        const created: Array<{ hubspotId: string; salesforceId: string; values: Record<string, SalesforceValue> }> = [];
        part.forEach((create, index) => {
          const id = byIndex.get(index);
          const sent = inputs[index]!.properties;
          if (!id) {
            this.counts.hubspot.failed += 1;
            this.failed.add(create.salesforceId);
            const errors = refused.filter((refusal) => refusal.input.index === index).map((refusal) => refusal.error);
            reports.push(...this.vendorErrors(errors, null, create.salesforceId, { sent: { system: 'hubspot', payload: sent } }));
            return;
          }
          const unwritten = this.partlyWritten(reports, partly.find((entry) => entry.input.index === index), { hubspotId: id, salesforceId: create.salesforceId }, sent);
          this.counts.hubspot.created += 1;
          links.push(this.newLink(id, create.salesforceId));
          done.push({ idempotencyKey: create.idempotencyKey, outcome: { id } });
          audit.push(this.audit('hubspot', id, 'create', without(sent, unwritten), `${this.object} ${create.salesforceId} has no HubSpot ${this.type} yet`));
          created.push({ hubspotId: id, salesforceId: create.salesforceId, values: without(create.syncedValues, unwritten) });
          for (const [parentType, parentId] of Object.entries(create.parents)) associations.set(parentType, [...(associations.get(parentType) ?? []), { fromId: id, toId: parentId }]);
          for (const contactId of this.context.hubspotContactsOf.get(create.salesforceId) ?? []) associations.set('contacts', [...(associations.get('contacts') ?? []), { fromId: id, toId: contactId }]);
        });
        await this.link(store, links);
        for (const entry of created) values.push(...this.valueRows(entry.hubspotId, entry.salesforceId, entry.values));
        await store.syncedValues.upsertMany(values, this.context.now);
        await store.writeIntents.markDone(done, this.context.now);
        await store.auditTrail.append(audit);
        if (reports.length > 0) await store.syncErrors.recordMany(reports, this.context.now);
      });
      for (const [toType, pairs] of associations) await this.associate(toType, pairs);
    }
  }

  private async updateInHubspot(): Promise<void> {
    const updates = [...this.hubspotUpdates].map(([id, properties]) => ({ id, properties })).filter((update) => Object.keys(update.properties).length > 0);
    for (const part of chunk(updates, BATCH_LIMIT)) {
      const { results, refused, partly } = await batchUpdateIsolated(this.context.hubspot, this.type, part);
      const written = new Set(results.map((result) => result.id));
      const reports: SyncErrorReport[] = [];
      const audit: AuditEntry[] = [];
      for (const update of part) {
        const salesforceId = this.salesforceIdOf(update.id);
        if (written.has(update.id)) {
          this.counts.hubspot.updated += 1;
          const unwritten = this.partlyWritten(reports, partly.find((entry) => entry.input === update), { hubspotId: update.id, salesforceId }, update.properties);
          this.editor.forgetHubspotProperties(update.id, unwritten);
          audit.push(this.audit('hubspot', update.id, 'update', without(update.properties, unwritten), `changed in Salesforce (${this.object})`));
          continue;
        }
        this.counts.hubspot.failed += 1;
        this.failed.add(update.id);
        const errors = refused.filter((refusal) => refusal.input === update).map((refusal) => refusal.error);
        reports.push(...this.vendorErrors(errors, update.id, salesforceId, { sent: { system: 'hubspot', payload: update.properties } }));
      }
      await this.record(audit, reports);
    }
  }

  private async moveAssociations(): Promise<void> {
    const byType = new Map<string, { add: Array<{ fromId: string; toId: string }>; remove: Array<{ fromId: string; toId: string }> }>();
    for (const change of this.plan.associationChanges) {
      const entry = byType.get(change.parentType) ?? { add: [], remove: [] };
      if (change.remove !== null && change.remove !== change.add) entry.remove.push({ fromId: change.hubspotId, toId: change.remove });
      if (change.add !== null) entry.add.push({ fromId: change.hubspotId, toId: change.add });
      byType.set(change.parentType, entry);
    }
    for (const [toType, { add, remove }] of byType) {
      if (remove.length > 0) await this.context.hubspot.dissociate(this.type, toType, remove);
      await this.associate(toType, add);
    }
  }

  private async associate(toType: string, pairs: ReadonlyArray<{ fromId: string; toId: string }>): Promise<void> {
    if (pairs.length === 0) return;
    const errors = await this.context.hubspot.associateDefault(this.type, toType, pairs);
    const reports = errors.flatMap((error) => error.ids.map((id) => ({ id, error: error.error }))).flatMap(({ id, error }) => this.vendorErrors([error], id, this.salesforceIdOf(id), { category: 'associations' }));
    for (const report of reports) if (report.hubspotId) this.failed.add(report.hubspotId);
    await this.record(
      pairs.map((pair) => this.audit('hubspot', pair.fromId, 'associate', { [toType]: pair.toId }, 'follows the Salesforce lookup')),
      reports,
    );
  }

  private async deleteInHubspot(): Promise<void> {
    for (const part of chunk(this.plan.hubspotDeletes, BATCH_LIMIT)) {
      await this.context.hubspot.batchArchive(this.type, part.map((remove) => remove.hubspotId));
      this.counts.hubspot.deleted += part.length;
      await this.record(part.map((remove) => this.audit('hubspot', remove.hubspotId, 'delete', {}, remove.because)), []);
    }
  }

  // ---- recording ---------------------------------------------------------------------------------------

  /** Last-synced values of pairs that were not created this cycle (those were stored with their link). */
  private async recordSyncedValuesAndErrors(): Promise<void> {
    const rows: Array<{ linkId: string; field: string; value: unknown }> = [];
    const synced: Array<{ object: string; hubspotId: string | null; salesforceId: string | null }> = [];
    const erred = new Set(this.plan.errors.flatMap((error) => [error.id, error.partnerId]));
    for (const entry of this.plan.syncedValues) {
      const { hubspotId, salesforceId } = entry.pair;
      if (this.failed.has(hubspotId) || this.failed.has(salesforceId)) continue;
      rows.push(...this.valueRows(hubspotId, salesforceId, entry.values, entry.linkId));
    }
    // Errors stand for records that failed, that the plan found in error, or that HubSpot took without some values.
    const clean = (...ids: string[]) => ids.every((id) => !this.failed.has(id) && !erred.has(id) && !this.partlyRefused.has(id));
    for (const link of [...this.context.input.links, ...this.plan.linkChanges.filter((change) => change.change === 'create')]) {
      if (clean(link.hubspotId, link.salesforceId)) synced.push({ object: this.type, hubspotId: link.hubspotId, salesforceId: link.salesforceId });
    }
    for (const { hubspotId } of this.plan.salesforceCreates) if (clean(hubspotId)) synced.push({ object: this.type, hubspotId, salesforceId: null });
    for (const { salesforceId } of this.plan.hubspotCreates) if (clean(salesforceId)) synced.push({ object: this.type, hubspotId: null, salesforceId });
    await this.context.store.transaction(async (store) => {
      await store.syncedValues.upsertMany(rows, this.context.now);
      await store.syncErrors.resolveForRecords(synced, this.context.now);
      const reports = this.plan.errors.map((error) => this.planError(error));
      if (reports.length > 0) await store.syncErrors.recordMany(reports, this.context.now);
    });
  }

  /** A record waiting for its parent is due again at once: the next cycle reads it again, cheaply, by id. */
  private planError(planned: LinkedPlanError): SyncErrorReport {
    const waiting = planned.error.category === 'associations';
    return {
      object: this.type,
      hubspotId: planned.side === 'hubspot' ? planned.id : planned.partnerId,
      salesforceId: planned.side === 'salesforce' ? planned.id : planned.partnerId,
      category: planned.error.category,
      vendorCode: '',
      field: planned.error.field ?? null,
      message: planned.error.message,
      nextRetryAt: waiting ? this.context.now : null,
      retryable: waiting,
    };
  }

  private valueRows(hubspotId: string, salesforceId: string, values: Record<string, SalesforceValue>, linkId?: string): Array<{ linkId: string; field: string; value: unknown }> {
    const id = linkId ?? this.linkIds.get(`${hubspotId}|${salesforceId}`);
    return id ? Object.entries(values).map(([field, value]) => ({ linkId: id, field, value })) : [];
  }

  private newLink(hubspotId: string, salesforceId: string): NewLink {
    return { hubspotObjectType: this.type, hubspotId, salesforceObject: this.object, salesforceId };
  }

  private async link(store: ContactRepositories, links: readonly NewLink[]): Promise<void> {
    const { linked, conflicts } = await store.idLinks.linkMany(links, this.context.now);
    for (const link of linked) this.linkIds.set(`${link.hubspotId}|${link.salesforceId}`, link.linkId);
    const reports = conflicts.map(
      (conflict): SyncErrorReport => ({
        object: this.type,
        hubspotId: conflict.requested.hubspotId,
        salesforceId: conflict.requested.salesforceId,
        category: 'duplicates',
        vendorCode: '',
        field: null,
        message: `HubSpot ${this.type} ${conflict.requested.hubspotId} and ${this.object} ${conflict.requested.salesforceId} cannot be linked: the ${conflict.side} record is already linked to ${conflict.side === 'hubspot' ? conflict.existing.salesforceId : conflict.existing.hubspotId}`,
        nextRetryAt: null,
      }),
    );
    for (const conflict of conflicts) this.failed.add(conflict.requested.hubspotId);
    if (reports.length > 0) await store.syncErrors.recordMany(reports, this.context.now);
  }

  private async record(audit: readonly AuditEntry[], reports: readonly SyncErrorReport[]): Promise<void> {
    await this.context.store.transaction(async (store) => {
      await store.auditTrail.append(audit);
      if (reports.length > 0) await store.syncErrors.recordMany(reports, this.context.now);
    });
  }

  private hubspotIdOf(salesforceId: string): string | null {
    return this.context.input.links.find((link) => link.salesforceId === salesforceId)?.hubspotId ?? null;
  }

  private salesforceIdOf(hubspotId: string): string | null {
    return this.context.input.links.find((link) => link.hubspotId === hubspotId)?.salesforceId ?? null;
  }

  private audit(system: 'salesforce' | 'hubspot', recordId: string, action: string, changes: Record<string, unknown>, reason: string): AuditEntry {
    const object = system === 'salesforce' ? this.object : this.type;
    return { at: this.context.now, system, object, recordId, linkId: null, action, changes, reason, runId: this.context.runId };
  }

  private vendorErrors(errors: readonly VendorError[], hubspotId: string | null, salesforceId: string | null, options: { category?: SyncErrorReport['category']; sent?: SentPayload } = {}): SyncErrorReport[] {
    return vendorErrorReports(errors, { object: this.type, hubspotId, salesforceId }, options);
  }

  /**
   * A record HubSpot took without the properties it refused: each is a sync error on its field (src/engine/refusals.ts)
   * and is left out of the pair's last-synced values by the caller. Returns the properties left out.
   */
  private partlyWritten(reports: SyncErrorReport[], partly: { properties: string[]; error: VendorError } | undefined, ids: { hubspotId: string; salesforceId: string | null }, payload: Record<string, string>): string[] {
    if (!partly) return [];
    reports.push(...partlyRefusedReports(partly, { object: this.type, ...ids }, payload));
    this.partlyRefused.add(ids.hubspotId);
    if (ids.salesforceId) this.partlyRefused.add(ids.salesforceId);
    return partly.properties;
  }
}

/** The record id a settled create intent names. */
export function idOf(outcome: unknown): string | null {
  const id = (outcome as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

function without<T>(values: Record<string, T>, left: readonly string[]): Record<string, T> {
  return left.length === 0 ? values : Object.fromEntries(Object.entries(values).filter(([key]) => !left.includes(key)));
}

function counts(): SideCounts {
  return { created: 0, updated: 0, deleted: 0, failed: 0 };
}

/** Whether a value read back is the one sent: dates and date-times compare as instants, the rest as they are. */
function sameSalesforceValue(read: unknown, sent: SalesforceValue): boolean {
  if (sent === null || sent === undefined) return read === null || read === undefined || read === '';
  if (typeof sent === 'number') return typeof read === 'number' ? read === sent : Number(read) === sent;
  if (typeof sent === 'boolean') return read === sent;
  if (read === sent) return true;
  // Date.parse reads "1" as a year: only values shaped as dates are compared as instants.
  const instant = (value: unknown) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? salesforceInstant(value) : Number.NaN);
  return !Number.isNaN(instant(sent)) && instant(sent) === instant(read);
}
