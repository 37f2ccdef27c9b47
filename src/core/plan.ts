/**
 * One cycle of contact sync, decided: `planContactSync(input) → ContactSyncPlan`. Pure; the engine gathers the
 * input (detect), applies the plan in batches (apply) and stores links and last-synced values (record).
 *
 * What the engine must put in (`ContactSyncInput`):
 * - the HubSpot contacts and Salesforce Leads/Contacts that changed this cycle, with their current values
 *   (HubSpot wire strings; Salesforce JSON values), per-field change times where known, created/modified times,
 *   deleted / merged / converted facts, and for an unlinked record whose former partner was deleted, when;
 * - the stored ID links for every record in the changes, and their last-synced values (keyed by HubSpot
 *   property, in canonical Salesforce JSON form: src/core/mapping/convert.ts);
 * - for records without a link, the other side's records sharing their email (`salesforceMatches`,
 *   `hubspotMatches`), so dedup decides on real values;
 * - inclusion-list membership, company → Account links, lifecycle context, the owner directory.
 * A linked record absent from the changes is taken to hold its last-synced values (it did not change); a field
 * never synced whose partner is absent is left alone until both sides are seen (new mappings backfill only on
 * request, SPEC section 6).
 *
 * What comes out (`ContactSyncPlan`):
 * - `salesforceCreates` / `hubspotCreates` with a deterministic `idempotencyKey` (the same change planned twice
 *   gives the same key, so a retried create can be recognised) and the last-synced values to store once the
 *   create succeeded and the link is made;
 * - `salesforceUpdates` / `hubspotUpdates` with only the fields that change (HubSpot updates also carry the
 *   Salesforce-id properties and lifecycle moves for the contact: one write per contact);
 * - `hubspotDeletes`, `linkChanges` (new links from email matches; moves on conversion and merges; unlinks),
 *   `syncedValues` per pair (store after that pair's writes succeed), `lifecycleUpdates` (why a stage moved),
 *   `skips` with a reason and per-record `errors` (category + message), never silently dropped.
 * Invariant (property-tested): applying a plan and planning again on the result yields an empty plan.
 *
 * Decisions worth knowing:
 * - Dedup (SPEC section 5): a contact never linked takes the OLDEST Salesforce record with its email; one that
 *   was linked before (it carries a salesforceleadid / salesforcecontactid) but lost its link takes the most
 *   recently modified. A live link is never moved to another record with the same email just because that one
 *   changed later: links move only on conversion, merge or delete, so two records cannot take turns.
 * - A new Salesforce person whose email belongs to a HubSpot contact linked elsewhere is skipped with a reason.
 * - Outside the inclusion list, a new Salesforce person still creates or links its HubSpot contact; a linked
 *   non-member gets no field updates either way.
 * - Deletes and merges (links.ts): a Salesforce delete deletes the HubSpot contact or only drops the link; a
 *   HubSpot delete only drops the link; a Salesforce merge moves the link to the master, or, when the master's own
 *   HubSpot contact is linked, merges the two contacts in HubSpot (`merge_hubspot_contacts`); a HubSpot merge moves
 *   the link of the record whose Salesforce id the survivor carries. A record whose link a plan drops is not sent
 *   to the other side as new in that plan; later, one whose partner was deleted (`formerPartner`) is held until it
 *   changes after the deletion, so a delete is never undone by the overlap window's re-read.
 * - A value is never sent to a side that already holds it letter for letter; a state is read within its country,
 *   so when both sides' countries change in one cycle the state may settle in one more cycle (tested).
 */
import { convertAddressForSalesforce } from './mapping/address.ts';
import { holdsWrittenValue, samePlannedValue, type ConversionContext, type OwnerDirectory, type SalesforceValue } from './mapping/convert.ts';
import { hubspotWriteProperties, readHubspotRecord, readSalesforceRecord, salesforceWritePayload } from './mapping/record.ts';
import { mappingsForSalesforceObject, type ResolvedFieldMapping, type TypedFieldMapping } from './mapping/model.ts';
import { decideField, type FieldDecision } from './rules/conflict.ts';
import { chooseSalesforceMatch, normaliseEmail, routeNewHubspotContact, type SalesforcePersonObject } from './rules/contact-identity.ts';
import { advanceLifecycleStage, lifecycleTargetFromRoles, planLifecycleUpdates, type LifecycleContact, type LifecycleUpdate, type OpportunityRole } from './rules/lifecycle.ts';
import { afterPartnerDeleted, linkChangeForHubspotMerge, linkChangeForSalesforceFate, type ContactLink, type LinkChange, type SalesforcePersonFate } from './rules/links.ts';
import { contactSyncScope, hubspotDeleteOutcome, type ContactSyncScope } from './rules/scope.ts';
import type { Settings } from './settings.ts';
import type { CoreSyncError } from './sync-error.ts';

/** Epoch milliseconds. */
type Millis = number;

export interface HubspotContactRecord {
  id: string;
  /** As HubSpot sends them: every value a string, "" or null for blank. */
  properties: Readonly<Record<string, string | null | undefined>>;
  /** Per property, when it last changed (propertiesWithHistory); falls back to `modifiedAt`. */
  propertyChangedAt?: Readonly<Record<string, Millis>>;
  createdAt: Millis;
  modifiedAt: Millis;
  deleted?: boolean;
  /** Set when this contact was merged away into another (HubSpot merge): the surviving contact's id. */
  mergedIntoId?: string;
  /** Unlinked, and the Salesforce record it was synced with is deleted (since `deletedAt`). */
  formerPartner?: { salesforceObject: SalesforcePersonObject; salesforceId: string; deletedAt: Millis };
  /** The primary associated company. */
  companyId?: string | null;
}

export interface SalesforcePersonRecord {
  object: SalesforcePersonObject;
  id: string;
  /** As the REST API returns them (JSON values), keyed by field API name. */
  fields: Readonly<Record<string, SalesforceValue | undefined>>;
  fieldChangedAt?: Readonly<Record<string, Millis>>;
  /** CreatedDate and LastModifiedDate. */
  createdAt: Millis;
  modifiedAt: Millis;
  deleted?: boolean;
  /** A record deleted by a merge names its master (MasterRecordId). */
  masterRecordId?: string | null;
  /** A converted Lead (IsConverted): the Contact and Account it became. */
  converted?: { contactId: string; accountId: string | null } | null;
  /** For a Contact: its OpportunityContactRoles, with the opportunity's state. */
  opportunityRoles?: readonly OpportunityRole[];
  /** Unlinked, and the HubSpot contact it was synced with is deleted (since `deletedAt`). */
  formerPartner?: { hubspotId: string; deletedAt: Millis };
}

export interface StoredContactLink extends ContactLink {
  linkId: string;
}

/** What src/objects/contacts.ts says about the pair that the plan needs (core does not import objects). */
export interface ContactPairFacts {
  salesforceIdProperty: Readonly<Record<string, string>>;
  requiredOnCreate: Readonly<Record<string, ReadonlyArray<{ field: string; placeholder: string }>>>;
}

export interface ContactSyncInput {
  now: Millis;
  settings: Settings;
  mappings: readonly TypedFieldMapping[];
  pair: ContactPairFacts;
  hubspotChanges: readonly HubspotContactRecord[];
  salesforceChanges: readonly SalesforcePersonRecord[];
  links: readonly StoredContactLink[];
  /** linkId → HubSpot property → canonical value last synced. */
  lastSynced: ReadonlyMap<string, Readonly<Record<string, SalesforceValue>>>;
  salesforceMatches?: readonly SalesforcePersonRecord[];
  hubspotMatches?: readonly HubspotContactRecord[];
  /** HubSpot ids in `contacts.inclusionListId`, among the contacts of this cycle; ignored without a list. */
  inclusionListMembers?: ReadonlySet<string>;
  accountIdByHubspotCompanyId?: ReadonlyMap<string, string>;
  /** For contacts not in the changes: their lifecycle stage and company; and each company's contacts. */
  lifecycleContext?: {
    contacts: ReadonlyMap<string, { stage: string | null; companyId: string | null }>;
    companyMembers: ReadonlyMap<string, ReadonlyArray<{ hubspotId: string; stage: string | null }>>;
  };
  owners?: OwnerDirectory;
}

export interface PairRef {
  hubspotId: string;
  salesforceObject: SalesforcePersonObject;
  salesforceId: string;
}

export interface SalesforceCreate {
  idempotencyKey: string;
  object: SalesforcePersonObject;
  hubspotId: string;
  fields: Record<string, SalesforceValue>;
  /** Store under the new link once the create succeeded. */
  syncedValues: Record<string, SalesforceValue>;
}

export interface HubspotCreate {
  idempotencyKey: string;
  salesforceObject: SalesforcePersonObject;
  salesforceId: string;
  properties: Record<string, string>;
  syncedValues: Record<string, SalesforceValue>;
}

export interface SalesforceUpdate {
  object: SalesforcePersonObject;
  id: string;
  fields: Record<string, SalesforceValue>;
}

export interface HubspotUpdate {
  id: string;
  properties: Record<string, string>;
}

export type PlannedLinkChange = LinkChange | { change: 'create'; hubspotId: string; salesforceObject: SalesforcePersonObject; salesforceId: string; because: 'matched_by_email' };

export interface PlannedSyncError {
  side: 'hubspot' | 'salesforce';
  object: 'contacts' | SalesforcePersonObject;
  id: string;
  error: CoreSyncError;
}

export interface PlanSkip {
  side: 'hubspot' | 'salesforce';
  id: string;
  reason: string;
}

export interface ContactSyncPlan {
  plannedAt: Millis;
  salesforceCreates: SalesforceCreate[];
  salesforceUpdates: SalesforceUpdate[];
  hubspotCreates: HubspotCreate[];
  hubspotUpdates: HubspotUpdate[];
  hubspotDeletes: Array<{ hubspotId: string; because: string }>;
  linkChanges: PlannedLinkChange[];
  /** Per pair (by its stored link id when it has one; a link made by this plan has none yet). */
  syncedValues: Array<{ linkId?: string; pair: PairRef; values: Record<string, SalesforceValue> }>;
  lifecycleUpdates: LifecycleUpdate[];
  skips: PlanSkip[];
  errors: PlannedSyncError[];
}

/** True when the plan writes nothing and records nothing: what a second plan after applying the first must be. */
export function isEmptyPlan(plan: ContactSyncPlan): boolean {
  return (
    plan.salesforceCreates.length + plan.salesforceUpdates.length + plan.hubspotCreates.length + plan.hubspotUpdates.length + plan.hubspotDeletes.length + plan.linkChanges.length + plan.syncedValues.length + plan.lifecycleUpdates.length ===
    0
  );
}

const sfKey = (object: string, id: string): string => `${object}:${id}`;

export function planContactSync(input: ContactSyncInput): ContactSyncPlan {
  return new ContactPlanner(input).plan();
}

/** The decisions for one record's fields, as the payloads each side is written with and the values to remember. */
interface FieldDecisions {
  salesforcePayload(): Record<string, SalesforceValue>;
  hubspotProperties(): Record<string, string>;
  /** Values to store as last-synced, given what was stored before (undefined for a record being created). */
  syncedValues(before: Readonly<Record<string, SalesforceValue>> | undefined): Record<string, SalesforceValue>;
}

class ContactPlanner {
  private readonly result: ContactSyncPlan;
  private readonly contacts: Settings['contacts'];
  private readonly conversion: ConversionContext;
  private readonly hubspotById = new Map<string, HubspotContactRecord>();
  private readonly salesforceByKey = new Map<string, SalesforcePersonRecord>();
  private readonly linkByHubspot = new Map<string, StoredContactLink | PairRef>();
  private readonly linkBySalesforce = new Map<string, StoredContactLink | PairRef>();
  private readonly hubspotUpdates = new Map<string, Record<string, string>>();
  private readonly salesforceUpdates = new Map<string, SalesforceUpdate>();
  private readonly pairsDone = new Set<string>();
  private readonly claimedEmails = new Set<string>();
  /** HubSpot contacts this plan deletes or merges away: they take no writes and never sync as new. */
  private readonly retiring = new Set<string>();
  /**
   * Records whose link this plan drops (their partner was deleted, merged or converted away), by `hs:id` and
   * `sf:Object:id`: not sent to the other side as new in the same cycle. From the next cycle on, the gathered
   * `formerPartner` decides (links.ts, `afterPartnerDeleted`).
   */
  private readonly unlinkedNow = new Set<string>();

  constructor(private readonly input: ContactSyncInput) {
    this.contacts = input.settings.contacts;
    this.conversion = input.owners ? { owners: input.owners } : {};
    this.result = {
      plannedAt: input.now,
      salesforceCreates: [],
      salesforceUpdates: [],
      hubspotCreates: [],
      hubspotUpdates: [],
      hubspotDeletes: [],
      linkChanges: [],
      syncedValues: [],
      lifecycleUpdates: [],
      skips: [],
      errors: [],
    };
    for (const record of [...(input.hubspotMatches ?? []), ...input.hubspotChanges]) this.hubspotById.set(record.id, record);
    for (const record of [...(input.salesforceMatches ?? []), ...input.salesforceChanges]) this.salesforceByKey.set(sfKey(record.object, record.id), record);
    for (const link of input.links) this.setLink(link);
  }

  plan(): ContactSyncPlan {
    // Fates first: a conversion or merge moves a link before any field is compared on it. Conversions before merges:
    // a lead converted and its Contact then made a merge's master must find the Contact already linked.
    const fateOrder = (record: SalesforcePersonRecord) => (record.deleted ? (record.masterRecordId ? 1 : 2) : 0);
    for (const record of [...this.input.salesforceChanges].sort((a, b) => fateOrder(a) - fateOrder(b))) this.planSalesforceFate(record);
    for (const record of this.hubspotDeletesInOrder()) this.planHubspotDelete(record);

    for (const record of this.input.hubspotChanges) {
      if (record.deleted || this.retiring.has(record.id)) continue;
      const link = this.linkByHubspot.get(record.id);
      if (link) this.planPair(link);
      else if (this.unlinkedNow.has(`hs:${record.id}`)) this.skip('hubspot', record.id, 'its link was dropped in this cycle; it syncs again when it changes');
      else this.planNewHubspotContact(record);
    }
    for (const record of this.input.salesforceChanges) {
      if (record.deleted || record.converted) continue;
      const link = this.linkBySalesforce.get(sfKey(record.object, record.id));
      if (link) this.planPair(link);
      else if (this.unlinkedNow.has(`sf:${sfKey(record.object, record.id)}`)) this.skip('salesforce', record.id, 'its link was dropped in this cycle; it syncs again when it changes');
      else this.planNewSalesforcePerson(record);
    }
    this.planLifecycle();

    for (const [id, properties] of this.hubspotUpdates) if (Object.keys(properties).length > 0 && !this.retiring.has(id)) this.result.hubspotUpdates.push({ id, properties });
    for (const update of this.salesforceUpdates.values()) if (Object.keys(update.fields).length > 0) this.result.salesforceUpdates.push(update);
    return this.result;
  }

  // ---- links ---------------------------------------------------------------------------------------------

  private setLink(link: StoredContactLink | PairRef): void {
    this.linkByHubspot.set(link.hubspotId, link);
    this.linkBySalesforce.set(sfKey(link.salesforceObject, link.salesforceId), link);
  }

  private dropLink(link: PairRef): void {
    this.linkByHubspot.delete(link.hubspotId);
    this.linkBySalesforce.delete(sfKey(link.salesforceObject, link.salesforceId));
  }

  private planSalesforceFate(record: SalesforcePersonRecord): void {
    const { fate, lastModifiedAt } = this.finalFate(salesforceFate(record), record.modifiedAt);
    if (!fate) return;
    const link = this.linkBySalesforce.get(sfKey(record.object, record.id));
    if (!link) {
      this.skip('salesforce', record.id, `${record.object} ${record.id} was ${fate.kind} but is not linked to a HubSpot contact`);
      return;
    }
    const target = fate.kind === 'converted' ? sfKey('Contact', fate.convertedContactId) : fate.kind === 'merged' ? sfKey(fate.masterObject, fate.masterId) : undefined;
    if (fate.kind === 'merged' && target && !this.linkBySalesforce.has(target)) this.linkMasterByEmail(fate.masterObject, fate.masterId, link.hubspotId);
    const companyId = this.hubspotById.get(link.hubspotId)?.companyId ?? this.input.lifecycleContext?.contacts.get(link.hubspotId)?.companyId ?? null;
    const change = linkChangeForSalesforceFate(
      link,
      fate,
      {
        hubspotIdLinkedToTarget: target ? (this.linkBySalesforce.get(target)?.hubspotId ?? null) : null,
        hubspotContactTakesUpdates: this.scopeFor(link.hubspotId, true).salesforceToHubspot === 'all',
        targetIsAnotherPerson: target !== undefined && this.isAnotherPerson(target, link.hubspotId),
        hubspotCompany: companyId ? { companyId, linkedAccountId: this.input.accountIdByHubspotCompanyId?.get(companyId) ?? null } : null,
      },
      this.contacts,
    );
    // SystemModstamp has whole seconds: the end of that second, so a HubSpot change in it counts as before (held).
    // Through a merge chain, the person went with the last record of it.
    if (change.change === 'unlink' && change.partnerGone) change.partnerGoneAt = lastModifiedAt + 999;
    this.applyLinkChange(change, link);
  }

  /**
   * A merge's master that has a fate of its own in the same cycle (converted, merged again or deleted, all before crmsync
   * saw the first merge) is not where the person now lives: the link follows the chain to the record that stands.
   * Moved onto the converted lead instead, it would be unlinked again next cycle (the Contact is someone else's
   * link by then) and the contact would recreate the person as a second Lead.
   */
  private finalFate(fate: SalesforcePersonFate | undefined, modifiedAt: Millis): { fate: SalesforcePersonFate | undefined; lastModifiedAt: Millis } {
    if (fate?.kind !== 'merged') return { fate, lastModifiedAt: modifiedAt };
    let resolved = fate;
    let lastModifiedAt = modifiedAt;
    const seen = new Set<string>();
    for (;;) {
      const key = sfKey(resolved.masterObject, resolved.masterId);
      const master = this.salesforceByKey.get(key);
      if (!master || seen.has(key)) return { fate: resolved, lastModifiedAt };
      seen.add(key);
      const next = salesforceFate(master);
      if (next) lastModifiedAt = Math.max(lastModifiedAt, master.modifiedAt);
      if (next?.kind === 'converted') resolved = { kind: 'merged', masterObject: 'Contact', masterId: next.convertedContactId };
      else if (next?.kind === 'merged') resolved = next;
      // The master was deleted too: the person is gone from Salesforce, and the loser's contact follows the delete
      // setting as the master's does (merged into the master's contact, it would leave a survivor nothing holds).
      else if (next?.kind === 'deleted') return { fate: next, lastModifiedAt };
      else return { fate: resolved, lastModifiedAt };
    }
  }

  /**
   * A merge's master not linked yet, whose email HubSpot already holds on another contact: the master is linked to
   * that contact first, so the loser's contact is merged into it (one person, one contact) rather than take over
   * the master and then collide with it on the email.
   */
  private linkMasterByEmail(object: SalesforcePersonObject, id: string, loserHubspotId: string): void {
    const master = this.salesforceByKey.get(sfKey(object, id));
    const email = master && !master.deleted ? normaliseEmail(master.fields.Email) : null;
    if (email === null || this.claimedEmails.has(email)) return;
    const holder = [...this.hubspotById.values()].find(
      (contact) => contact.id !== loserHubspotId && !contact.deleted && !this.retiring.has(contact.id) && !this.linkByHubspot.has(contact.id) && hubspotEmails(contact).includes(email),
    );
    if (!holder) return;
    this.claimedEmails.add(email);
    this.linkByEmail({ hubspotId: holder.id, salesforceObject: object, salesforceId: id });
  }

  /**
   * Deleted and merged-away contacts, those merged into a contact first whose surviving record carries their
   * Salesforce id: HubSpot keeps the primary's values, so the primary's link is the one the survivor keeps.
   */
  private hubspotDeletesInOrder(): HubspotContactRecord[] {
    const survivorOf = (record: HubspotContactRecord) => (record.mergedIntoId ? this.hubspotById.get(record.mergedIntoId) : undefined);
    // The survivor has the primary's email (the other's goes to hs_additional_emails): the linked record with that
    // email is the primary's. The Salesforce-id properties alone can mislead: HubSpot fills a property the primary
    // left blank from the other contact, so a primary whose lead was just converted carries the other's Contact id.
    const sameEmailAsSurvivor = (record: HubspotContactRecord): boolean => {
      const link = this.linkByHubspot.get(record.id);
      const survivorEmail = normaliseEmail(survivorOf(record)?.properties.email);
      const partner = link ? this.salesforceByKey.get(sfKey(link.salesforceObject, link.salesforceId)) : undefined;
      return !!(survivorEmail && partner && normaliseEmail(partner.fields.Email) === survivorEmail);
    };
    const carriedBySurvivor = (record: HubspotContactRecord): boolean => {
      const link = this.linkByHubspot.get(record.id);
      const survivor = survivorOf(record);
      const property = link ? this.input.pair.salesforceIdProperty[link.salesforceObject] : undefined;
      return !!(link && survivor && property && survivor.properties[property] === link.salesforceId);
    };
    const deleted = this.input.hubspotChanges.filter((record) => record.deleted);
    const rank = (record: HubspotContactRecord) => (sameEmailAsSurvivor(record) ? 0 : carriedBySurvivor(record) ? 1 : 2);
    return [...deleted].sort((a, b) => rank(a) - rank(b));
  }

  private planHubspotDelete(record: HubspotContactRecord): void {
    const link = this.linkByHubspot.get(record.id);
    if (!link) return;
    if (record.mergedIntoId) {
      const winnerLink = this.linkByHubspot.get(record.mergedIntoId);
      const primaryRecord = winnerLink ? undefined : this.unlinkedRecordOfSurvivor(record.mergedIntoId, link);
      if (primaryRecord) {
        this.applyLinkChange(
          linkChangeForHubspotMerge(link, { hubspotId: record.mergedIntoId, link: { hubspotId: record.mergedIntoId, salesforceObject: primaryRecord.object, salesforceId: primaryRecord.id } }),
          link,
        );
        this.claimedEmails.add(normaliseEmail(primaryRecord.fields.Email)!);
        this.linkByEmail({ hubspotId: record.mergedIntoId, salesforceObject: primaryRecord.object, salesforceId: primaryRecord.id });
        return;
      }
      this.applyLinkChange(linkChangeForHubspotMerge(link, { hubspotId: record.mergedIntoId, link: winnerLink ?? null }), link);
      return;
    }
    const outcome = hubspotDeleteOutcome();
    const because = outcome.action === 'unlink' ? outcome.reason : 'the HubSpot contact was deleted';
    this.applyLinkChange({ change: 'unlink', hubspotId: link.hubspotId, salesforceObject: link.salesforceObject, salesforceId: link.salesforceId, because, hubspotProperties: {} }, link);
  }

  /**
   * The survivor of a HubSpot merge is the primary's person (it has the primary's email). When the primary's own
   * Salesforce record stands unlinked (a run killed between creating the primary's partner and storing the link,
   * or a record not synced yet) and the merged-away contact's partner is someone else, the survivor links to the
   * primary's record: moving the other person's link onto it would overwrite the primary's email with theirs, and
   * the primary's record would then come back as a second contact.
   */
  private unlinkedRecordOfSurvivor(survivorId: string, loser: PairRef): SalesforcePersonRecord | undefined {
    const survivor = this.hubspotById.get(survivorId);
    const email = normaliseEmail(survivor?.properties.email);
    if (!survivor || survivor.deleted || email === null) return undefined;
    const loserPartner = this.salesforceByKey.get(sfKey(loser.salesforceObject, loser.salesforceId));
    if (loserPartner && normaliseEmail(loserPartner.fields.Email) === email) return undefined;
    const candidates = this.unlinkedSalesforceWithEmail(email).filter((candidate) => !this.unlinkedNow.has(`sf:${sfKey(candidate.object, candidate.id)}`));
    return chooseSalesforceMatch(candidates, 'later_sync');
  }

  /** Live, unconverted Salesforce people with this email that no contact is linked to: who a contact may match. */
  private unlinkedSalesforceWithEmail(email: string): SalesforcePersonRecord[] {
    return [...this.salesforceByKey.values()].filter(
      (candidate) => !candidate.deleted && !candidate.converted && normaliseEmail(candidate.fields.Email) === email && !this.linkBySalesforce.has(sfKey(candidate.object, candidate.id)),
    );
  }

  private applyLinkChange(change: LinkChange, current: PairRef): void {
    this.result.linkChanges.push(change);
    this.dropLink(current);
    this.unlinkedNow.add(`hs:${current.hubspotId}`);
    this.unlinkedNow.add(`sf:${sfKey(current.salesforceObject, current.salesforceId)}`);
    // A contact merged away in HubSpot lives on in its survivor (a new id): unless the survivor is linked by now,
    // it must not be sent as a new person in the cycle that dropped the merged-away contact's link.
    const survivor = this.hubspotById.get(current.hubspotId)?.mergedIntoId;
    if (survivor) this.unlinkedNow.add(`hs:${survivor}`);
    if (change.change === 'delete_hubspot_contact') {
      this.retiring.add(change.hubspotId);
      this.result.hubspotDeletes.push({ hubspotId: change.hubspotId, because: change.because });
      return;
    }
    if (change.change === 'merge_hubspot_contacts') {
      this.retiring.add(change.hubspotId);
      return;
    }
    if (change.change === 'move') this.setLink({ ...current, hubspotId: change.hubspotId, salesforceObject: change.to.salesforceObject, salesforceId: change.to.salesforceId });
    // A contact deleted in HubSpot cannot take property writes; one that already reads so needs none.
    const contact = this.hubspotById.get(change.hubspotId);
    if (contact?.deleted) return;
    for (const [property, value] of Object.entries(change.hubspotProperties)) {
      if (value !== undefined && !(contact && holdsWrittenValue(contact.properties[property], value ?? ''))) this.writeHubspot(change.hubspotId, property, value ?? '');
    }
  }

  /**
   * A record whose partner on the other side was deleted waits until it changes after that deletion (links.ts,
   * `afterPartnerDeleted`): the overlap window's re-read of it is not a reason to recreate the person.
   */
  private holdsAfterPartnerDeleted(side: PlanSkip['side'], id: string, changedAt: Millis, formerPartner: { deletedAt: Millis } | undefined, partner: string): boolean {
    if (!formerPartner || afterPartnerDeleted(changedAt, formerPartner.deletedAt) === 'send_again') return false;
    this.skip(side, id, `${partner} was deleted and this record has not changed since; it syncs again when it changes`);
    return true;
  }

  /** When a HubSpot contact last changed a synced value: per-property times where read, else its modification time. */
  private hubspotSyncedChangeAt(record: HubspotContactRecord): Millis {
    const times = record.propertyChangedAt;
    if (!times) return record.modifiedAt;
    return Math.max(Number.NEGATIVE_INFINITY, ...this.input.mappings.map((mapping) => times[mapping.hubspotProperty] ?? Number.NEGATIVE_INFINITY));
  }

  // ---- new records ---------------------------------------------------------------------------------------

  private planNewHubspotContact(record: HubspotContactRecord): void {
    const email = normaliseEmail(record.properties.email);
    if (email === null) return this.skip('hubspot', record.id, 'no email: a contact without an email never syncs');
    const scope = this.scopeFor(record.id, false);
    if (!scope.hubspotToSalesforce) return this.skip('hubspot', record.id, scope.reason ?? 'HubSpot → Salesforce is closed');
    const former = record.formerPartner;
    if (this.holdsAfterPartnerDeleted('hubspot', record.id, this.hubspotSyncedChangeAt(record), former, former ? `Salesforce ${former.salesforceObject} ${former.salesforceId}` : '')) return;
    if (this.claimedEmails.has(email)) return this.skip('hubspot', record.id, `another record with email ${email} is being synced in this cycle`);
    this.claimedEmails.add(email);

    const candidates = this.unlinkedSalesforceWithEmail(email);
    const linkedBefore = Object.values(this.input.pair.salesforceIdProperty).some((property) => (record.properties[property] ?? '') !== '');
    const match = chooseSalesforceMatch(candidates, linkedBefore ? 'later_sync' : 'first_sync');
    if (match) return this.linkByEmail({ hubspotId: record.id, salesforceObject: match.object, salesforceId: match.id });

    const accountId = record.companyId ? this.input.accountIdByHubspotCompanyId?.get(record.companyId) : undefined;
    const route = routeNewHubspotContact(this.contacts.hubspotCreatesIn, accountId);
    const fields = this.decideFields(route.object, record, undefined, undefined, scope);
    const syncedValues = fields.syncedValues(undefined);
    const payload = fields.salesforcePayload();
    for (const required of this.input.pair.requiredOnCreate[route.object] ?? []) {
      if (payload[required.field] === undefined || payload[required.field] === null || payload[required.field] === '') payload[required.field] = required.placeholder;
    }
    if (route.accountId) payload.AccountId = route.accountId;
    // Sent again after its partner was deleted: a new write, not a retry of the first create (whose done intent
    // names the deleted record and would link the contact to it).
    const after = former ? `:after:${former.salesforceId}` : '';
    this.result.salesforceCreates.push({ idempotencyKey: `contacts:hubspot:${record.id}:${route.object}${after}`, object: route.object, hubspotId: record.id, fields: payload, syncedValues });
  }

  private planNewSalesforcePerson(record: SalesforcePersonRecord): void {
    if (this.contacts.onSalesforceUpsert === 'do_nothing') return this.skip('salesforce', record.id, 'contacts.onSalesforceUpsert is do_nothing');
    const email = normaliseEmail(record.fields.Email);
    if (email === null) return this.skip('salesforce', record.id, 'no email: a person without an email never syncs');
    if (this.holdsAfterPartnerDeleted('salesforce', record.id, record.modifiedAt, record.formerPartner, `HubSpot contact ${record.formerPartner?.hubspotId ?? ''}`)) return;
    const existing = [...this.hubspotById.values()].find((contact) => !contact.deleted && !this.retiring.has(contact.id) && hubspotEmails(contact).includes(email));
    if (existing) {
      const existingLink = this.linkByHubspot.get(existing.id);
      if (existingLink) {
        return this.skip(
          'salesforce',
          record.id,
          `HubSpot contact ${existing.id} with email ${email} is already linked to ${existingLink.salesforceObject} ${existingLink.salesforceId}`,
        );
      }
      if (this.claimedEmails.has(email)) return this.skip('salesforce', record.id, `another record with email ${email} is being synced in this cycle`);
    } else if (this.claimedEmails.has(email)) {
      return this.skip('salesforce', record.id, `another record with email ${email} is being synced in this cycle`);
    }
    // Several unlinked records with one email: the first sync takes the oldest (SPEC section 5).
    const rivals = this.unlinkedSalesforceWithEmail(email);
    const chosen = chooseSalesforceMatch(rivals, 'first_sync') ?? record;
    if (chosen.id !== record.id || chosen.object !== record.object) {
      return this.skip('salesforce', record.id, `${chosen.object} ${chosen.id} is the older record with email ${email}; it is the one synced`);
    }
    this.claimedEmails.add(email);
    if (existing) return this.linkByEmail({ hubspotId: existing.id, salesforceObject: record.object, salesforceId: record.id });

    const scope: ContactSyncScope = { hubspotToSalesforce: false, salesforceToHubspot: 'all' };
    const fields = this.decideFields(record.object, undefined, record, undefined, scope);
    const properties = Object.fromEntries(Object.entries(fields.hubspotProperties()).filter(([, value]) => value !== ''));
    const syncedValues = fields.syncedValues(undefined);
    const idProperty = this.input.pair.salesforceIdProperty[record.object];
    if (idProperty) properties[idProperty] = record.id;
    const after = record.formerPartner ? `:after:${record.formerPartner.hubspotId}` : '';
    this.result.hubspotCreates.push({ idempotencyKey: `contacts:salesforce:${record.object}:${record.id}${after}`, salesforceObject: record.object, salesforceId: record.id, properties, syncedValues });
  }

  private linkByEmail(pair: PairRef): void {
    this.result.linkChanges.push({ change: 'create', ...pair, because: 'matched_by_email' });
    this.setLink(pair);
    const idProperty = this.input.pair.salesforceIdProperty[pair.salesforceObject];
    if (idProperty && this.hubspotById.get(pair.hubspotId)?.properties[idProperty] !== pair.salesforceId) this.writeHubspot(pair.hubspotId, idProperty, pair.salesforceId);
    this.planPair(pair);
  }

  // ---- linked pairs --------------------------------------------------------------------------------------

  private planPair(link: StoredContactLink | PairRef): void {
    const key = `${link.hubspotId}|${sfKey(link.salesforceObject, link.salesforceId)}`;
    if (this.pairsDone.has(key)) return;
    this.pairsDone.add(key);
    const hubspot = this.hubspotById.get(link.hubspotId);
    const salesforce = this.salesforceByKey.get(sfKey(link.salesforceObject, link.salesforceId));
    const scope = this.scopeFor(link.hubspotId, true);
    if (!scope.hubspotToSalesforce && scope.salesforceToHubspot !== 'all') {
      return this.skip(hubspot ? 'hubspot' : 'salesforce', hubspot ? link.hubspotId : link.salesforceId, scope.reason ?? 'no direction open');
    }
    const lastSynced = 'linkId' in link ? this.input.lastSynced.get(link.linkId) : undefined;
    const fields = this.decideFields(link.salesforceObject, hubspot, salesforce, lastSynced ?? {}, scope);
    // Never send a side what it already holds, to the letter: two texts can read differently (a state is read
    // within its country, and the sides' countries may differ) and would otherwise be rewritten every cycle.
    const salesforceFields = Object.entries(fields.salesforcePayload()).filter(([field, value]) => !salesforce || !holdsWrittenValue(salesforce.fields[field], value));
    if (salesforceFields.length > 0) Object.assign(this.salesforceUpdate(link).fields, Object.fromEntries(salesforceFields));
    for (const [property, value] of Object.entries(fields.hubspotProperties())) {
      if (!hubspot || !holdsWrittenValue(hubspot.properties[property], value)) this.writeHubspot(link.hubspotId, property, value);
    }
    const synced = fields.syncedValues(lastSynced ?? {});
    if (Object.keys(synced).length > 0) {
      const pair = { hubspotId: link.hubspotId, salesforceObject: link.salesforceObject, salesforceId: link.salesforceId };
      this.result.syncedValues.push('linkId' in link ? { linkId: link.linkId, pair, values: synced } : { pair, values: synced });
    }
  }

  /**
   * Reads both sides of every mapping for one Salesforce object and decides each field. `lastSynced` undefined
   * means a record being created: the missing side counts as blank. A decision a closed direction forbids is
   * turned into "keep the last-synced value", so it is neither written nor remembered. A field that cannot be
   * read on a side present is an error and is decided not at all (reading it as blank would wipe the other side).
   */
  private decideFields(
    salesforceObject: SalesforcePersonObject,
    hubspot: HubspotContactRecord | undefined,
    salesforce: SalesforcePersonRecord | undefined,
    lastSynced: Readonly<Record<string, SalesforceValue>> | undefined,
    scope: ContactSyncScope,
  ): FieldDecisions {
    const creating = lastSynced === undefined;
    const mappings = mappingsForSalesforceObject(this.input.mappings, salesforceObject);
    const hubspotReading = hubspot ? readHubspotRecord(hubspot.properties, mappings, this.contacts, this.conversion) : undefined;
    const salesforceReading = salesforce ? readSalesforceRecord(this.withCanonicalAddress(this.withoutPlaceholders(salesforce), mappings), mappings) : undefined;
    // A HubSpot owner with no active Salesforce user of the same email is left out of the write (Salesforce keeps
    // its owner, or assigns its default to a new record), not an error: SPEC section 3, owners map by email.
    for (const error of hubspotReading?.errors ?? []) if (error.reason !== 'unknown_owner') this.error('hubspot', 'contacts', hubspot?.id ?? '', error);
    for (const error of salesforceReading?.errors ?? []) this.error('salesforce', salesforceObject, salesforce?.id ?? '', error);

    const decisions: Array<{ mapping: ResolvedFieldMapping; decision: FieldDecision }> = [];
    for (const mapping of mappings) {
      const property = mapping.hubspotProperty;
      const previous = lastSynced?.[property];
      const absent = (): SalesforceValue | undefined => (creating ? null : previous);
      const hubspotValue = hubspotReading ? (hubspotReading.values.has(property) ? hubspotReading.values.get(property)! : undefined) : absent();
      const salesforceValue = salesforceReading ? (salesforceReading.values.has(property) ? salesforceReading.values.get(property)! : undefined) : absent();
      if (hubspotValue === undefined || salesforceValue === undefined) continue;
      const hubspotAt = hubspot ? (hubspot.propertyChangedAt?.[property] ?? hubspot.modifiedAt) : null;
      const salesforceAt = salesforce ? (salesforce.fieldChangedAt?.[mapping.salesforceField] ?? salesforce.modifiedAt) : null;
      let decision = decideField(
        mapping.rule,
        { hubspot: { value: hubspotValue, changedAt: hubspotAt }, salesforce: { value: salesforceValue, changedAt: salesforceAt }, lastSynced: previous },
        (a, b) => this.same(mapping, a, b),
      );
      const closed = (decision.write === 'salesforce' && !scope.hubspotToSalesforce) || (decision.write === 'hubspot' && scope.salesforceToHubspot !== 'all');
      if (closed) decision = { write: 'none', why: 'rule_forbids', nextLastSynced: previous };
      decisions.push({ mapping, decision });
    }

    const writesTo = (side: 'salesforce' | 'hubspot') =>
      new Map(decisions.flatMap(({ mapping, decision }) => (decision.write === side ? [[mapping.hubspotProperty, decision.value] as const] : [])));
    const hubspotWrite = hubspotWriteProperties(mappings, writesTo('hubspot'), this.conversion);
    // A Salesforce owner with no HubSpot owner of the same email leaves HubSpot's owner as it is, without an error
    // (HubSpot's own integration does the same). Its last-synced value is not moved either, so nothing bounces.
    for (const error of hubspotWrite.errors) if (error.reason !== 'unknown_owner') this.error('salesforce', salesforceObject, salesforce?.id ?? '', error);
    const failed = new Set(hubspotWrite.errors.map((error) => error.field));
    return {
      salesforcePayload: () => salesforceWritePayload(mappings, writesTo('salesforce'), hubspotReading),
      hubspotProperties: () => hubspotWrite.properties,
      syncedValues: (before) => {
        const synced: Record<string, SalesforceValue> = {};
        for (const { mapping, decision } of decisions) {
          const next = decision.nextLastSynced;
          const previous = before?.[mapping.hubspotProperty];
          // A value that failed to convert for HubSpot was not written: the last-synced value stays as it was.
          if (next === undefined || failed.has(mapping.hubspotProperty)) continue;
          if (previous === undefined || !this.same(mapping, previous, next)) synced[mapping.hubspotProperty] = next;
        }
        return synced;
      },
    };
  }

  /**
   * Salesforce's address text read the way HubSpot's is: "US" in a text Country field is "United States", as the
   * same text in HubSpot would be. Without this, a Salesforce "US" written to HubSpot would read back as "United
   * States" and bounce between the sides forever. Values that match nothing stay as they are.
   */
  private withCanonicalAddress(fields: Record<string, SalesforceValue | undefined>, mappings: readonly ResolvedFieldMapping[]): Record<string, SalesforceValue | undefined> {
    if (this.contacts.stateCountryMode === 'sync_as_is') return fields;
    const state = mappings.find((mapping) => mapping.value.meaning === 'state');
    const country = mappings.find((mapping) => mapping.value.meaning === 'country');
    const text = (mapping: ResolvedFieldMapping | undefined): string | null => {
      const value = mapping ? fields[mapping.salesforceField] : null;
      return typeof value === 'string' ? value : null;
    };
    // The same settings as the HubSpot reading, so equal text gives equal canonical values on both sides.
    const matched = convertAddressForSalesforce({ state: text(state), country: text(country) }, this.contacts);
    if (!matched.ok) return fields;
    const canonical = { ...fields };
    if (state && text(state) !== null) canonical[state.salesforceField] = matched.state.canonical;
    if (country && text(country) !== null) canonical[country.salesforceField] = matched.country.canonical;
    return canonical;
  }

  /** A placeholder put in to satisfy a required field (a Lead's "[not provided]" Company) is not a value. */
  private withoutPlaceholders(record: SalesforcePersonRecord): Record<string, SalesforceValue | undefined> {
    const fields = { ...record.fields };
    for (const required of this.input.pair.requiredOnCreate[record.object] ?? []) if (fields[required.field] === required.placeholder) fields[required.field] = null;
    return fields;
  }

  private salesforceUpdate(link: PairRef): SalesforceUpdate {
    const key = sfKey(link.salesforceObject, link.salesforceId);
    let update = this.salesforceUpdates.get(key);
    if (!update) {
      update = { object: link.salesforceObject, id: link.salesforceId, fields: {} };
      this.salesforceUpdates.set(key, update);
    }
    return update;
  }

  private writeHubspot(hubspotId: string, property: string, value: string): void {
    const properties = this.hubspotUpdates.get(hubspotId) ?? {};
    properties[property] = value;
    this.hubspotUpdates.set(hubspotId, properties);
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------

  private planLifecycle(): void {
    const candidates: LifecycleContact[] = [];
    for (const record of this.input.salesforceChanges) {
      if (record.object !== 'Contact' || record.deleted || !record.opportunityRoles?.length) continue;
      const link = this.linkBySalesforce.get(sfKey('Contact', record.id));
      if (!link) {
        this.startLifecycleOnCreate(record.id, record.opportunityRoles);
        continue;
      }
      if (!this.scopeFor(link.hubspotId, true).hubspotToSalesforce) continue;
      const hubspot = this.hubspotById.get(link.hubspotId);
      const context = this.input.lifecycleContext?.contacts.get(link.hubspotId);
      candidates.push({
        hubspotId: link.hubspotId,
        stage: this.hubspotUpdates.get(link.hubspotId)?.lifecyclestage ?? hubspot?.properties.lifecyclestage ?? context?.stage ?? null,
        companyId: hubspot?.companyId ?? context?.companyId ?? null,
        roles: record.opportunityRoles,
      });
    }
    const members = this.input.lifecycleContext?.companyMembers ?? new Map<string, ReadonlyArray<{ hubspotId: string; stage: string | null }>>();
    for (const update of planLifecycleUpdates(candidates, this.contacts, members)) {
      if (this.contacts.inclusionListId !== null && !this.isMember(update.hubspotId)) continue;
      this.result.lifecycleUpdates.push(update);
      this.writeHubspot(update.hubspotId, 'lifecyclestage', update.stage);
    }
  }

  /** A HubSpot contact created this cycle for a Contact with roles starts at their stage: no second write next cycle. */
  private startLifecycleOnCreate(contactId: string, roles: readonly OpportunityRole[]): void {
    if (this.contacts.onOpportunityStage !== 'update_lifecycle_stage' || this.contacts.inclusionListId !== null) return;
    const create = this.result.hubspotCreates.find((entry) => entry.salesforceObject === 'Contact' && entry.salesforceId === contactId);
    const target = create ? lifecycleTargetFromRoles(roles) : undefined;
    const stage = create && target ? advanceLifecycleStage(create.properties.lifecyclestage, target) : undefined;
    if (create && stage) create.properties.lifecyclestage = stage;
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  /**
   * The record is known, has an email, and the contact, read with its emails, is not known by it. A contact merged
   * away or deleted this cycle is read without properties: nothing says it is another person, so it is not.
   */
  private isAnotherPerson(salesforceKey: string, hubspotId: string): boolean {
    const record = this.salesforceByKey.get(salesforceKey);
    const email = record ? normaliseEmail(record.fields.Email) : null;
    const contact = this.hubspotById.get(hubspotId);
    if (email === null || contact === undefined || contact.deleted) return false;
    const known = hubspotEmails(contact);
    return known.length > 0 && !known.includes(email);
  }

  private isMember(hubspotId: string): boolean {
    return this.input.inclusionListMembers?.has(hubspotId) ?? false;
  }

  private scopeFor(hubspotId: string, linked: boolean): ContactSyncScope {
    return contactSyncScope(this.contacts, { inInclusionList: this.isMember(hubspotId), linked });
  }

  private same(mapping: ResolvedFieldMapping, a: SalesforceValue, b: SalesforceValue): boolean {
    return samePlannedValue(a, b, mapping.value);
  }

  private skip(side: PlanSkip['side'], id: string, reason: string): void {
    this.result.skips.push({ side, id, reason });
  }

  private error(side: PlannedSyncError['side'], object: PlannedSyncError['object'], id: string, error: CoreSyncError): void {
    this.result.errors.push({ side, object, id, error });
  }
}

/** Every email HubSpot knows a contact by: its own, and those of contacts merged into it. */
function hubspotEmails(contact: HubspotContactRecord): string[] {
  const additional = (contact.properties.hs_additional_emails ?? '').split(';').map(normaliseEmail);
  return [normaliseEmail(contact.properties.email), ...additional].filter((email): email is string => email !== null);
}

function salesforceFate(record: SalesforcePersonRecord): SalesforcePersonFate | undefined {
  if (record.deleted && record.masterRecordId) return { kind: 'merged', masterId: record.masterRecordId, masterObject: record.object };
  if (record.deleted) return { kind: 'deleted' };
  if (record.object === 'Lead' && record.converted) return { kind: 'converted', convertedContactId: record.converted.contactId, convertedAccountId: record.converted.accountId };
  return undefined;
}
