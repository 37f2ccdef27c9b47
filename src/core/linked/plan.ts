/**
 * One cycle of sync for an object matched by stored ID link (companies ⇄ Accounts, deals ⇄ Opportunities,
 * tickets ⇄ Cases): `planLinkedSync(input) → LinkedSyncPlan`. Pure; the engine (src/engine/linked) gathers the
 * input from a description, applies the plan in batches and records it. Nothing here knows which object it plans:
 * what differs between objects comes in as data (`LinkedPairFacts`, the mappings, the matches the engine found).
 *
 * In: the records that changed on both sides; the partners of linked ones that did not change; stored links and
 * their last-synced values; matches for unlinked records (by a stored Salesforce id on the HubSpot record, or by
 * the object's own rule, e.g. a company's associated contacts); which unlinked HubSpot records may create a
 * Salesforce record; and, for each lookup to a parent object (Opportunity.AccountId ↔ deal → company), the parent
 * links. Out: creates, updates with only the fields that change, HubSpot association moves, HubSpot deletes, link
 * changes, last-synced values per pair, skips and per-record errors.
 *
 * Decisions worth knowing:
 * - Fields go by each mapping's rule (`decideField`); a side is never sent a value it holds to the letter.
 * - A parent lookup is decided like a two-way field whose canonical value is the Salesforce parent id: the HubSpot
 *   side's associated parent is read through the parent's link. A parent not linked yet cannot be expressed on the
 *   other side: the lookup is left alone and an `associations` error says "waiting for <parent> to sync"; a record
 *   that is new on the other side waits whole, so it is never created without its parent (HubSpot's own rule for
 *   opportunities). The error is resolved when the record syncs once its parent has.
 * - Deletes: a Salesforce delete deletes the HubSpot record only when `onSalesforceDelete` is `delete`; either way
 *   the link goes. A HubSpot delete only drops the link: it never deletes in Salesforce. A record whose link this
 *   plan drops is not created anew on the other side in the same plan, nor later until it changes after the
 *   deletion (`formerPartner`).
 * - An unlinked HubSpot record that carries a Salesforce id (`salesforceIdProperty`) is linked to that record
 *   when it is here and unlinked; when it is absent (deleted) the HubSpot record is held, not sent as new. This is
 *   also how a HubSpot create cut off before its link was stored is recognised: never a duplicate.
 * - One direction (`pair.direction`): Salesforce → HubSpot only; HubSpot's edits and creates never reach Salesforce.
 * Invariant (property-tested): applying a plan and planning again on the result yields an empty plan.
 */
import { holdsWrittenValue, samePlannedValue, type ConversionContext, type OwnerDirectory, type SalesforceValue } from '../mapping/convert.ts';
import { mappingsForSalesforceObject, type FieldSyncRule, type ResolvedFieldMapping, type TypedFieldMapping } from '../mapping/model.ts';
import { hubspotWriteProperties, readHubspotRecord, readSalesforceRecord, salesforceWritePayload } from '../mapping/record.ts';
import { decideField, decideFromSalesforceOnly, type FieldDecision, type FieldState, type SameValue } from '../rules/conflict.ts';
import { afterPartnerDeleted } from '../rules/links.ts';
import type { ContactsSettings } from '../settings.ts';
import type { CoreSyncError } from '../sync-error.ts';

type Millis = number;

export interface LinkedHubspotRecord {
  id: string;
  /** As HubSpot sends them: every value a string, "" or null for blank. */
  properties: Readonly<Record<string, string | null | undefined>>;
  propertyChangedAt?: Readonly<Record<string, Millis>>;
  modifiedAt: Millis;
  deleted?: boolean;
  /** Unlinked, and the Salesforce record it was synced with was deleted then: held until it changes after that. */
  formerPartner?: { deletedAt: Millis };
  /** Per parent lookup (its `key`): the associated parent HubSpot id, null for none; absent when not read. */
  parents?: Readonly<Record<string, string | null>>;
}

export interface LinkedSalesforceRecord {
  id: string;
  fields: Readonly<Record<string, SalesforceValue | undefined>>;
  fieldChangedAt?: Readonly<Record<string, Millis>>;
  modifiedAt: Millis;
  deleted?: boolean;
  /** Unlinked, and the HubSpot record it was synced with was deleted then: held until it changes after that. */
  formerPartner?: { deletedAt: Millis };
}

export interface LinkedPairRef {
  hubspotId: string;
  salesforceId: string;
}

export interface StoredLinkedLink extends LinkedPairRef {
  linkId: string;
}

/** A lookup from this object to a parent object that syncs too (Opportunity.AccountId ↔ the deal's company). */
export interface ParentLookup {
  /** Where its last-synced value is kept, beside the mapped properties: `@companies`. */
  key: string;
  salesforceField: string;
  hubspotObjectType: string;
  /** How an admin calls the parent, for "waiting for account to sync". */
  label: string;
}

export interface ParentLinks {
  salesforceIdByHubspotId: ReadonlyMap<string, string>;
  hubspotIdBySalesforceId: ReadonlyMap<string, string>;
  /** HubSpot parents linked to another Salesforce object than the lookup's (a contact that is a Lead): that object. */
  otherObjectByHubspotId?: ReadonlyMap<string, string>;
}

/** What the object's description says that the plan needs (core does not import src/objects). */
export interface LinkedPairFacts {
  /** The pair's name ('companies'): idempotency keys and messages. */
  name: string;
  salesforceObject: string;
  /** The HubSpot property holding the linked Salesforce id (salesforceaccountid). */
  salesforceIdProperty?: string;
  requiredOnCreate: ReadonlyArray<{ field: string; placeholder: string }>;
  onSalesforceDelete: 'delete' | 'do_nothing';
  parents: readonly ParentLookup[];
  /**
   * `salesforce_to_hubspot` (custom objects): every mapping and parent lookup takes Salesforce's changes only
   * (`decideFromSalesforceOnly`; `dont_sync` still syncs nothing), changes seen in HubSpot are not planned (an edit
   * there stands until the Salesforce field changes), and an unlinked HubSpot record creates nothing. Absent:
   * two-way, by each mapping's rule.
   */
  direction?: 'two_way' | 'salesforce_to_hubspot';
}

export interface LinkedSyncInput {
  now: Millis;
  pair: LinkedPairFacts;
  mappings: readonly TypedFieldMapping[];
  /** Address matching follows the contact settings (one choice for the whole portal). */
  addressSettings: Pick<ContactsSettings, 'salesforcePicklists' | 'stateCountryMode'>;
  owners?: OwnerDirectory;
  hubspotChanges: readonly LinkedHubspotRecord[];
  salesforceChanges: readonly LinkedSalesforceRecord[];
  /** Partners of linked records, and records named by matches, that did not change themselves. */
  hubspotPartners?: readonly LinkedHubspotRecord[];
  salesforcePartners?: readonly LinkedSalesforceRecord[];
  links: readonly StoredLinkedLink[];
  /** linkId → HubSpot property (or parent key) → canonical value last synced. */
  lastSynced: ReadonlyMap<string, Readonly<Record<string, SalesforceValue>>>;
  /** Unlinked pairs found by the object's own rule (a company's contacts): linked, then synced. */
  matches?: ReadonlyArray<LinkedPairRef & { because: string }>;
  /** Unlinked HubSpot records that may create a Salesforce record; absent: every one may. */
  mayCreateInSalesforce?: ReadonlySet<string>;
  /** Why an unlinked HubSpot record outside `mayCreateInSalesforce` is not created (for the skip). */
  notCreatedBecause?: string;
  /** Per parent lookup key. */
  parentLinks?: ReadonlyMap<string, ParentLinks>;
}

export interface LinkedSalesforceCreate {
  idempotencyKey: string;
  hubspotId: string;
  fields: Record<string, SalesforceValue>;
  syncedValues: Record<string, SalesforceValue>;
}

export interface LinkedHubspotCreate {
  idempotencyKey: string;
  salesforceId: string;
  properties: Record<string, string>;
  /** Parents to associate the new record with: HubSpot type → id. */
  parents: Record<string, string>;
  syncedValues: Record<string, SalesforceValue>;
}

/** A HubSpot record's association to its parent moved: add the new one, remove the old one. */
export interface ParentAssociationChange {
  hubspotId: string;
  parentType: string;
  add: string | null;
  remove: string | null;
}

export type LinkedLinkChange =
  | { change: 'create'; hubspotId: string; salesforceId: string; because: string }
  | { change: 'unlink'; linkId: string; hubspotId: string; salesforceId: string; because: string };

export interface LinkedPlanError {
  side: 'hubspot' | 'salesforce';
  id: string;
  /** The partner, when linked. */
  partnerId: string | null;
  error: CoreSyncError;
}

export interface LinkedSyncPlan {
  plannedAt: Millis;
  salesforceCreates: LinkedSalesforceCreate[];
  salesforceUpdates: Array<{ id: string; fields: Record<string, SalesforceValue> }>;
  hubspotCreates: LinkedHubspotCreate[];
  hubspotUpdates: Array<{ id: string; properties: Record<string, string> }>;
  associationChanges: ParentAssociationChange[];
  hubspotDeletes: Array<{ hubspotId: string; salesforceId: string; because: string }>;
  linkChanges: LinkedLinkChange[];
  syncedValues: Array<{ linkId?: string; pair: LinkedPairRef; values: Record<string, SalesforceValue> }>;
  skips: Array<{ side: 'hubspot' | 'salesforce'; id: string; reason: string }>;
  errors: LinkedPlanError[];
}

/** True when the plan writes and records nothing: what planning again after applying a plan must give. */
export function isEmptyLinkedPlan(plan: LinkedSyncPlan): boolean {
  return (
    plan.salesforceCreates.length +
      plan.salesforceUpdates.length +
      plan.hubspotCreates.length +
      plan.hubspotUpdates.length +
      plan.associationChanges.length +
      plan.hubspotDeletes.length +
      plan.linkChanges.length +
      plan.syncedValues.length ===
    0
  );
}

/** A create without a value Salesforce requires takes the pair's placeholder ("[not provided]"), in place. */
export function fillRequiredOnCreate(fields: Record<string, SalesforceValue>, pair: Pick<LinkedPairFacts, 'requiredOnCreate'>): void {
  for (const required of pair.requiredOnCreate) if (fields[required.field] === undefined || fields[required.field] === null || fields[required.field] === '') fields[required.field] = required.placeholder;
}

export function planLinkedSync(input: LinkedSyncInput): LinkedSyncPlan {
  return new LinkedPlanner(input).plan();
}

interface Decided {
  salesforce: Record<string, SalesforceValue>;
  hubspot: Record<string, string>;
  associations: ParentAssociationChange[];
  synced: Record<string, SalesforceValue>;
  /** A parent not linked yet: a record new on the other side waits for it. */
  waiting: boolean;
}

class LinkedPlanner {
  private readonly result: LinkedSyncPlan;
  private readonly mappings: ResolvedFieldMapping[];
  private readonly conversion: ConversionContext;
  private readonly hubspotById = new Map<string, LinkedHubspotRecord>();
  private readonly salesforceById = new Map<string, LinkedSalesforceRecord>();
  private readonly linkByHubspot = new Map<string, StoredLinkedLink | LinkedPairRef>();
  private readonly linkBySalesforce = new Map<string, StoredLinkedLink | LinkedPairRef>();
  private readonly done = new Set<string>();
  /** `hs:id` / `sf:id` of records whose link this plan drops: not sent as new in the same plan. */
  private readonly unlinkedNow = new Set<string>();
  private readonly oneWay: boolean;

  constructor(private readonly input: LinkedSyncInput) {
    this.oneWay = input.pair.direction === 'salesforce_to_hubspot';
    this.mappings = mappingsForSalesforceObject(input.mappings, input.pair.salesforceObject);
    this.conversion = input.owners ? { owners: input.owners } : {};
    this.result = {
      plannedAt: input.now,
      salesforceCreates: [],
      salesforceUpdates: [],
      hubspotCreates: [],
      hubspotUpdates: [],
      associationChanges: [],
      hubspotDeletes: [],
      linkChanges: [],
      syncedValues: [],
      skips: [],
      errors: [],
    };
    for (const record of [...(input.hubspotPartners ?? []), ...input.hubspotChanges]) this.hubspotById.set(record.id, record);
    for (const record of [...(input.salesforcePartners ?? []), ...input.salesforceChanges]) this.salesforceById.set(record.id, record);
    for (const link of input.links) this.setLink(link);
  }

  plan(): LinkedSyncPlan {
    for (const record of [...this.salesforceById.values()]) if (record.deleted) this.planSalesforceDelete(record);
    for (const record of [...this.hubspotById.values()]) if (record.deleted) this.planHubspotDelete(record);
    for (const match of this.input.matches ?? []) this.planMatch(match, match.because);

    for (const record of this.input.hubspotChanges) {
      if (record.deleted) continue;
      const link = this.linkByHubspot.get(record.id);
      // One-way: a HubSpot change is no reason to write; the pair is planned when its Salesforce record changes.
      if (link && this.oneWay) continue;
      if (link) this.planPair(link);
      else if (this.unlinkedNow.has(`hs:${record.id}`)) this.skip('hubspot', record.id, 'its link was dropped in this cycle; it syncs again when it changes');
      else this.planNewHubspot(record);
    }
    for (const record of this.input.salesforceChanges) {
      if (record.deleted) continue;
      const link = this.linkBySalesforce.get(record.id);
      if (link) this.planPair(link);
      else if (this.unlinkedNow.has(`sf:${record.id}`)) this.skip('salesforce', record.id, 'its link was dropped in this cycle; it syncs again when it changes');
      else this.planNewSalesforce(record);
    }
    return this.result;
  }

  // ---- links and deletes -----------------------------------------------------------------------------

  private setLink(link: StoredLinkedLink | LinkedPairRef): void {
    this.linkByHubspot.set(link.hubspotId, link);
    this.linkBySalesforce.set(link.salesforceId, link);
  }

  private dropLink(link: StoredLinkedLink | LinkedPairRef, because: string): void {
    this.linkByHubspot.delete(link.hubspotId);
    this.linkBySalesforce.delete(link.salesforceId);
    this.unlinkedNow.add(`hs:${link.hubspotId}`);
    this.unlinkedNow.add(`sf:${link.salesforceId}`);
    if ('linkId' in link) this.result.linkChanges.push({ change: 'unlink', linkId: link.linkId, hubspotId: link.hubspotId, salesforceId: link.salesforceId, because });
  }

  private planSalesforceDelete(record: LinkedSalesforceRecord): void {
    const link = this.linkBySalesforce.get(record.id);
    if (!link) return;
    const { name, salesforceObject, onSalesforceDelete } = this.input.pair;
    if (onSalesforceDelete === 'delete') {
      const because = `${salesforceObject} ${record.id} was deleted in Salesforce and ${name}.onSalesforceDelete is delete`;
      this.dropLink(link, because);
      if (!this.hubspotById.get(link.hubspotId)?.deleted) this.result.hubspotDeletes.push({ hubspotId: link.hubspotId, salesforceId: record.id, because });
      return;
    }
    this.dropLink(link, `${salesforceObject} ${record.id} was deleted in Salesforce; ${name}.onSalesforceDelete is do_nothing, so the HubSpot record stays`);
  }

  private planHubspotDelete(record: LinkedHubspotRecord): void {
    const link = this.linkByHubspot.get(record.id);
    if (!link) return;
    this.dropLink(link, `the HubSpot record was deleted; a HubSpot delete never deletes in Salesforce`);
  }

  private planMatch(pair: LinkedPairRef, because: string): void {
    if (this.linkByHubspot.has(pair.hubspotId) || this.linkBySalesforce.has(pair.salesforceId)) return;
    if (this.unlinkedNow.has(`hs:${pair.hubspotId}`) || this.unlinkedNow.has(`sf:${pair.salesforceId}`)) return;
    const salesforce = this.salesforceById.get(pair.salesforceId);
    const hubspot = this.hubspotById.get(pair.hubspotId);
    if (!salesforce || salesforce.deleted || !hubspot || hubspot.deleted) return;
    this.result.linkChanges.push({ change: 'create', ...pair, because });
    this.setLink(pair);
    this.planPair(pair);
  }

  // ---- new records -----------------------------------------------------------------------------------

  private planNewHubspot(record: LinkedHubspotRecord): void {
    const { pair } = this.input;
    const carried = pair.salesforceIdProperty ? (record.properties[pair.salesforceIdProperty] ?? '').trim() : '';
    if (carried !== '') {
      const partner = this.salesforceById.get(carried);
      if (partner && !partner.deleted && !this.linkBySalesforce.has(carried)) return this.planMatch({ hubspotId: record.id, salesforceId: carried }, 'matched_by_stored_id');
      return this.skip('hubspot', record.id, `it carries ${pair.salesforceObject} ${carried}, which is deleted or linked elsewhere; it is not created again`);
    }
    if (this.oneWay) return this.skip('hubspot', record.id, `${pair.name} syncs from Salesforce to HubSpot only; a record created in HubSpot is not created in Salesforce`);
    if (this.holds('hubspot', record.id, record.modifiedAt, record.formerPartner)) return;
    if (this.input.mayCreateInSalesforce && !this.input.mayCreateInSalesforce.has(record.id)) {
      return this.skip('hubspot', record.id, this.input.notCreatedBecause ?? `not eligible for a new ${pair.salesforceObject}`);
    }
    const decided = this.decide(record, undefined, undefined);
    if (decided.waiting) return;
    const fields = decided.salesforce;
    fillRequiredOnCreate(fields, pair);
    this.result.salesforceCreates.push({ idempotencyKey: `${pair.name}:hubspot:${record.id}`, hubspotId: record.id, fields, syncedValues: decided.synced });
  }

  private planNewSalesforce(record: LinkedSalesforceRecord): void {
    const { pair } = this.input;
    // The HubSpot record a cut-off create made carries this id: link it rather than create a second one.
    const carrier = pair.salesforceIdProperty
      ? [...this.hubspotById.values()].find((candidate) => !candidate.deleted && !this.linkByHubspot.has(candidate.id) && candidate.properties[pair.salesforceIdProperty!] === record.id)
      : undefined;
    if (carrier) return this.planMatch({ hubspotId: carrier.id, salesforceId: record.id }, 'matched_by_stored_id');
    if (this.holds('salesforce', record.id, record.modifiedAt, record.formerPartner)) return;
    const decided = this.decide(undefined, record, undefined);
    if (decided.waiting) return;
    const properties = Object.fromEntries(Object.entries(decided.hubspot).filter(([, value]) => value !== ''));
    if (pair.salesforceIdProperty) properties[pair.salesforceIdProperty] = record.id;
    const parents: Record<string, string> = {};
    for (const change of decided.associations) if (change.add !== null) parents[change.parentType] = change.add;
    this.result.hubspotCreates.push({ idempotencyKey: `${pair.name}:salesforce:${record.id}`, salesforceId: record.id, properties, parents, syncedValues: decided.synced });
  }

  // ---- linked pairs ----------------------------------------------------------------------------------

  private planPair(link: StoredLinkedLink | LinkedPairRef): void {
    const key = `${link.hubspotId}|${link.salesforceId}`;
    if (this.done.has(key)) return;
    this.done.add(key);
    const hubspot = this.hubspotById.get(link.hubspotId);
    const salesforce = this.salesforceById.get(link.salesforceId);
    const lastSynced = 'linkId' in link ? (this.input.lastSynced.get(link.linkId) ?? {}) : {};
    const decided = this.decide(hubspot, salesforce, lastSynced, link);
    const salesforceFields = Object.entries(decided.salesforce).filter(([field, value]) => !salesforce || !holdsWrittenValue(salesforce.fields[field], value));
    if (salesforceFields.length > 0) this.result.salesforceUpdates.push({ id: link.salesforceId, fields: Object.fromEntries(salesforceFields) });
    const hubspotProperties = Object.entries(decided.hubspot).filter(([property, value]) => !hubspot || !holdsWrittenValue(hubspot.properties[property], value));
    const idProperty = this.input.pair.salesforceIdProperty;
    // A link made by a match, or a create cut off before it, leaves the HubSpot record without the Salesforce id.
    if (idProperty && hubspot && hubspot.properties[idProperty] !== link.salesforceId) hubspotProperties.push([idProperty, link.salesforceId]);
    if (hubspotProperties.length > 0) this.result.hubspotUpdates.push({ id: link.hubspotId, properties: Object.fromEntries(hubspotProperties) });
    this.result.associationChanges.push(...decided.associations);
    if (Object.keys(decided.synced).length > 0) {
      const pair = { hubspotId: link.hubspotId, salesforceId: link.salesforceId };
      this.result.syncedValues.push('linkId' in link ? { linkId: link.linkId, pair, values: decided.synced } : { pair, values: decided.synced });
    }
  }

  /**
   * Decides every mapped field and parent lookup of one record or pair. `lastSynced` undefined: a record being
   * created, the missing side blank. A field unreadable on a side present is an error and is not decided.
   */
  private decide(
    hubspot: LinkedHubspotRecord | undefined,
    salesforce: LinkedSalesforceRecord | undefined,
    lastSynced: Readonly<Record<string, SalesforceValue>> | undefined,
    link?: LinkedPairRef,
  ): Decided {
    const creating = lastSynced === undefined;
    const hubspotReading = hubspot ? readHubspotRecord(hubspot.properties, this.mappings, this.input.addressSettings, this.conversion) : undefined;
    const salesforceReading = salesforce ? readSalesforceRecord(this.withoutPlaceholders(salesforce), this.mappings) : undefined;
    const partnerOf = (side: 'hubspot' | 'salesforce') => (link ? (side === 'hubspot' ? link.salesforceId : link.hubspotId) : null);
    // An owner with no user of the same email on the other side is left out of the write (a new record gets
    // Salesforce's default owner, the integration user), never an error: owners map by email (SPEC section 3).
    for (const error of hubspotReading?.errors ?? []) if (error.reason !== 'unknown_owner') this.error('hubspot', hubspot!.id, partnerOf('hubspot'), error);
    for (const error of salesforceReading?.errors ?? []) this.error('salesforce', salesforce!.id, partnerOf('salesforce'), error);

    const absent = (property: string): SalesforceValue | undefined => (creating ? null : lastSynced[property]);
    const decisions: Array<{ mapping: ResolvedFieldMapping; decision: FieldDecision }> = [];
    for (const mapping of this.mappings) {
      const property = mapping.hubspotProperty;
      const hubspotValue = hubspotReading ? hubspotReading.values.get(property) : absent(property);
      const salesforceValue = salesforceReading ? salesforceReading.values.get(property) : absent(property);
      if (hubspotValue === undefined || salesforceValue === undefined) continue;
      const decision = this.decideValue(
        mapping.rule,
        {
          hubspot: { value: hubspotValue, changedAt: hubspot ? (hubspot.propertyChangedAt?.[property] ?? hubspot.modifiedAt) : null },
          salesforce: { value: salesforceValue, changedAt: salesforce ? (salesforce.fieldChangedAt?.[mapping.salesforceField] ?? salesforce.modifiedAt) : null },
          lastSynced: lastSynced?.[property],
        },
        (a, b) => samePlannedValue(a, b, mapping.value),
      );
      decisions.push({ mapping, decision });
    }
    const writes = (side: 'salesforce' | 'hubspot') =>
      new Map(decisions.flatMap(({ mapping, decision }) => (decision.write === side ? [[mapping.hubspotProperty, decision.value] as const] : [])));
    const hubspotWrite = hubspotWriteProperties(this.mappings, writes('hubspot'), this.conversion);
    for (const error of hubspotWrite.errors) if (error.reason !== 'unknown_owner') this.error('salesforce', salesforce?.id ?? '', partnerOf('salesforce'), error);
    const failed = new Set(hubspotWrite.errors.map((error) => error.field));
    const decided: Decided = { salesforce: salesforceWritePayload(this.mappings, writes('salesforce'), hubspotReading), hubspot: hubspotWrite.properties, associations: [], synced: {}, waiting: false };
    for (const { mapping, decision } of decisions) {
      if (decision.nextLastSynced === undefined || failed.has(mapping.hubspotProperty)) continue;
      const before = lastSynced?.[mapping.hubspotProperty];
      if (before === undefined || !samePlannedValue(before, decision.nextLastSynced, mapping.value)) decided.synced[mapping.hubspotProperty] = decision.nextLastSynced;
    }
    for (const parent of this.input.pair.parents) this.decideParent(parent, hubspot, salesforce, lastSynced, link, decided);
    return decided;
  }

  private decideParent(
    parent: ParentLookup,
    hubspot: LinkedHubspotRecord | undefined,
    salesforce: LinkedSalesforceRecord | undefined,
    lastSynced: Readonly<Record<string, SalesforceValue>> | undefined,
    link: LinkedPairRef | undefined,
    decided: Decided,
  ): void {
    const links = this.input.parentLinks?.get(parent.key);
    const previous = lastSynced?.[parent.key];
    const waiting = (side: 'hubspot' | 'salesforce', id: string, parentId: string): undefined => {
      const name = side === 'hubspot' ? `HubSpot ${parent.hubspotObjectType} ${parentId}` : `${parent.label} ${parentId}`;
      this.error(side, id, link ? (side === 'hubspot' ? link.salesforceId : link.hubspotId) : null, {
        category: 'associations',
        field: parent.salesforceField,
        message: `waiting for ${parent.label.toLowerCase()} to sync: ${name} is not synced yet; this record follows once it is`,
      });
      if (!link) decided.waiting = true;
      return undefined;
    };
    const hubspotParent = hubspot?.parents?.[parent.key];
    let hubspotValue: SalesforceValue | undefined;
    if (!hubspot) hubspotValue = lastSynced === undefined ? null : previous;
    else if (hubspotParent === undefined) hubspotValue = undefined;
    else if (hubspotParent === null) hubspotValue = null;
    else if (links?.otherObjectByHubspotId?.has(hubspotParent)) {
      // It will never be a record the lookup can hold (a Lead for Case.ContactId): not a parent to wait for. The
      // HubSpot side counts as unchanged, so the record syncs without it and the association is left alone.
      hubspotValue = previous ?? null;
      const other = links.otherObjectByHubspotId.get(hubspotParent)!;
      this.skip('hubspot', hubspot.id, `its ${parent.hubspotObjectType} ${hubspotParent} is a ${other} in Salesforce; ${parent.salesforceField} can only hold a ${parent.label}, so it is left out`);
    }
    // One-way: an association made in HubSpot to an unsynced record is simply not the Salesforce lookup's value.
    else hubspotValue = links?.salesforceIdByHubspotId.get(hubspotParent) ?? (this.oneWay ? `HubSpot ${hubspotParent}` : waiting('hubspot', hubspot.id, hubspotParent));
    const raw = salesforce?.fields[parent.salesforceField];
    let salesforceValue: SalesforceValue | undefined;
    if (!salesforce) salesforceValue = lastSynced === undefined ? null : previous;
    else if (raw === undefined) salesforceValue = undefined;
    else if (raw === null || raw === '') salesforceValue = null;
    else salesforceValue = links?.hubspotIdBySalesforceId.has(String(raw)) ? String(raw) : waiting('salesforce', salesforce.id, String(raw));
    if (hubspotValue === undefined || salesforceValue === undefined) return;

    const decision = this.decideValue(
      'two_way',
      {
        hubspot: { value: hubspotValue, changedAt: hubspot?.modifiedAt ?? null },
        salesforce: { value: salesforceValue, changedAt: salesforce?.modifiedAt ?? null },
        lastSynced: previous,
      },
      holdsWrittenValue,
    );
    if (decision.write === 'salesforce') decided.salesforce[parent.salesforceField] = decision.value;
    if (decision.write === 'hubspot') {
      const add = decision.value === null ? null : (links?.hubspotIdBySalesforceId.get(String(decision.value)) ?? null);
      decided.associations.push({ hubspotId: hubspot?.id ?? link?.hubspotId ?? '', parentType: parent.hubspotObjectType, add, remove: hubspotParent ?? null });
    }
    if (decision.nextLastSynced !== undefined && (previous === undefined || !holdsWrittenValue(previous, decision.nextLastSynced))) decided.synced[parent.key] = decision.nextLastSynced;
  }

  /** One-way pairs take Salesforce's changes only (`decideFromSalesforceOnly`); `dont_sync` still syncs nothing. */
  private decideValue(rule: FieldSyncRule, field: FieldState, same: SameValue): FieldDecision {
    return this.oneWay && rule !== 'dont_sync' ? decideFromSalesforceOnly(field, same) : decideField(rule, field, same);
  }

  /** A placeholder put in to satisfy a required field ("[not provided]") is not a value to bring back. */
  private withoutPlaceholders(record: LinkedSalesforceRecord): Record<string, SalesforceValue | undefined> {
    const fields = { ...record.fields };
    for (const required of this.input.pair.requiredOnCreate) if (fields[required.field] === required.placeholder) fields[required.field] = null;
    return fields;
  }

  /**
   * A record whose partner was deleted is sent again only once it changed after that deletion (links.ts,
   * `afterPartnerDeleted`): the overlap window's re-read is not a reason to undo a delete.
   */
  private holds(side: 'hubspot' | 'salesforce', id: string, changedAt: Millis, formerPartner: { deletedAt: Millis } | undefined): boolean {
    if (!formerPartner || afterPartnerDeleted(changedAt, formerPartner.deletedAt) === 'send_again') return false;
    this.skip(side, id, 'its partner on the other side was deleted and it has not changed since; it syncs again when it changes');
    return true;
  }

  private skip(side: 'hubspot' | 'salesforce', id: string, reason: string): void {
    this.result.skips.push({ side, id, reason });
  }

  private error(side: 'hubspot' | 'salesforce', id: string, partnerId: string | null, error: CoreSyncError): void {
    this.result.errors.push({ side, id, partnerId, error: { category: error.category, message: error.message, ...(error.field ? { field: error.field } : {}) } });
  }
}


