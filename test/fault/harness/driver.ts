/**
 * What people do to both CRMs while crmsync runs: seeded operations through the emulators' APIs, and a ledger of
 * what each operation means for the end state, which the checker holds both systems to.
 *
 * - HubSpot edits go through the emulator's admin API (a user's edit in the HubSpot app: never faulted);
 *   Salesforce writes go through the REST API with jsforce, as another integration's would, and meet the same
 *   injected faults as crmsync. Faults strike before a request is processed, so the driver simply retries.
 * - Every value written is unique (`<field>-<operation number>`), so the checker can tell which write a final
 *   value came from, and a value nobody wrote is caught.
 */
import { Connection } from '@jsforce/jsforce-node';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import type { Dice } from './random.ts';

/** Mapped fields the driver edits. `rule` as set for the run: prefer_salesforce_unless_blank is the default. */
export const drivenFields = [
  { hubspot: 'firstname', salesforce: 'FirstName', rule: 'prefer_salesforce_unless_blank' },
  { hubspot: 'lastname', salesforce: 'LastName', rule: 'prefer_salesforce_unless_blank' },
  { hubspot: 'phone', salesforce: 'Phone', rule: 'prefer_salesforce_unless_blank' },
  { hubspot: 'jobtitle', salesforce: 'Title', rule: 'two_way' },
] as const;
export type DrivenField = (typeof drivenFields)[number];

export const operationKinds = [
  'create_in_hubspot',
  'create_lead',
  'create_contact',
  'update_in_hubspot',
  'update_in_salesforce',
  'convert_lead',
  'join_inclusion_list',
  'merge_in_hubspot',
  'delete_in_salesforce',
  'merge_in_salesforce',
  'delete_in_hubspot',
] as const;
export type OperationKind = (typeof operationKinds)[number];

export interface PersonFieldHistory {
  /** Every value the driver wrote on each side, in order. */
  hubspot: string[];
  salesforce: string[];
}

export interface Person {
  email: string;
  origin: 'hubspot' | 'Lead' | 'Contact';
  /** Known once the driver made it or saw it. */
  hubspotId: string | null;
  /** The Salesforce record that should stand for the person (a converted lead's Contact). */
  salesforce: { object: 'Lead' | 'Contact'; id: string } | null;
  converted: boolean;
  inInclusionList: boolean;
  /** Merged into this person's contact in HubSpot: its own contact is gone, its email now an additional one. */
  mergedInto: string | null;
  /** Emails of the people merged into this one's contact in HubSpot (and of those merged into them). */
  absorbed: string[];
  /**
   * Its Salesforce record was deleted (or merged into another's, `salesforceMergedInto`). `hubspotStood`: its
   * HubSpot contact existed then, so with onSalesforceDelete = do_nothing it must still stand.
   */
  goneFromSalesforce: { hubspotStood: boolean; salesforceMergedInto: string | null } | null;
  /** Its HubSpot contact was deleted in HubSpot. `salesforceStood`: its Salesforce record existed then and must still stand. */
  goneFromHubspot: { salesforceStood: boolean } | null;
  fields: Record<string, PersonFieldHistory>;
}

export interface DriverFigures {
  operations: Record<OperationKind, number>;
  /** Driver calls refused by an injected fault and sent again. */
  retriedCalls: number;
}

/** A look at both systems through the admin APIs, taken before a round of operations picks its targets. */
interface Snapshot {
  hubspotByEmail: Map<string, string>;
  salesforceByEmail: Map<string, { object: 'Lead' | 'Contact'; id: string }>;
}

export class WorldDriver {
  readonly people: Person[] = [];
  readonly figures: DriverFigures = { operations: Object.fromEntries(operationKinds.map((k) => [k, 0])) as Record<OperationKind, number>, retriedCalls: 0 };
  private operationNumber = 0;
  private readonly salesforce: Connection;

  constructor(
    private readonly urls: { salesforce: string; hubspot: string },
    private readonly dice: Dice,
    private readonly inclusionListId: string | null,
    /** Makes emails unique per run, so a leftover record from another run can never pass for this one's. */
    private readonly tag: string,
    /** Salesforce deletes and merges are seen through getDeleted, whose log answers in whole minutes: off unless the run waits for it. */
    private readonly salesforceDeletes = false,
  ) {
    this.salesforce = new Connection({ instanceUrl: urls.salesforce, accessToken: 'fault-run-driver', version: '62.0' });
  }

  /** Runs `count` operations, one after another, each chosen by the dice from what the world allows now. */
  async runOperations(count: number): Promise<void> {
    const snapshot = await this.snapshot();
    for (let i = 0; i < count; i += 1) await this.runOne(snapshot);
  }

  private async runOne(snapshot: Snapshot): Promise<void> {
    const known = this.people.filter((person) => person.mergedInto === null && (person.hubspotId !== null || person.salesforce !== null));
    const kind = this.dice.weighted<OperationKind>({
      create_in_hubspot: 5,
      create_lead: 4,
      create_contact: 2,
      update_in_hubspot: known.length > 0 ? 5 : 0,
      update_in_salesforce: known.length > 0 ? 5 : 0,
      convert_lead: known.length > 0 ? 1 : 0,
      join_inclusion_list: this.inclusionListId !== null && known.length > 0 ? 1 : 0,
      merge_in_hubspot: known.length > 1 ? 1 : 0,
      delete_in_salesforce: this.salesforceDeletes && known.length > 0 ? 1 : 0,
      merge_in_salesforce: this.salesforceDeletes && known.length > 1 ? 1 : 0,
      delete_in_hubspot: known.length > 0 ? 1 : 0,
    });
    this.operationNumber += 1;
    const done = await this.operations[kind](snapshot);
    if (done) this.figures.operations[kind] += 1;
  }

  private value(field: string): string {
    return `${field}-${this.tag}-${this.operationNumber}`;
  }

  private newPerson(origin: Person['origin']): Person {
    const person: Person = {
      email: `person${this.people.length + 1}.${this.tag}@fault.example.com`,
      origin,
      hubspotId: null,
      salesforce: null,
      converted: false,
      inInclusionList: false,
      mergedInto: null,
      absorbed: [],
      goneFromSalesforce: null,
      goneFromHubspot: null,
      fields: Object.fromEntries(drivenFields.map((field) => [field.hubspot, { hubspot: [], salesforce: [] }])),
    };
    this.people.push(person);
    return person;
  }

  /** Fresh values for some (at least one) of the driven fields. */
  private someValues(all = false): Array<{ field: DrivenField; value: string }> {
    const chosen = drivenFields.filter(() => all || this.dice.chance(0.5));
    return (chosen.length > 0 ? chosen : [this.dice.pick(drivenFields)]).map((field) => ({ field, value: this.value(field.hubspot) }));
  }

  private readonly operations: Record<OperationKind, (snapshot: Snapshot) => Promise<boolean>> = {
    delete_in_salesforce: (snapshot) => this.salesforceFates.delete_in_salesforce(snapshot),
    merge_in_salesforce: (snapshot) => this.salesforceFates.merge_in_salesforce(snapshot),
    delete_in_hubspot: async (snapshot) => {
      // A group merged in HubSpot is left alone: whose delete it would be is the merge's question, not this one's.
      const candidates = this.standing().filter((person) => person.absorbed.length === 0 && (person.hubspotId ?? snapshot.hubspotByEmail.get(person.email)) !== undefined);
      if (candidates.length === 0) return false;
      const person = this.dice.pick(candidates);
      const id = (person.hubspotId ?? snapshot.hubspotByEmail.get(person.email))!;
      const response = await fetch(`${this.urls.hubspot}/__emulator/records/contacts/${id}`, { method: 'DELETE' });
      // Merged away meanwhile (crmsync merges contacts of people merged in Salesforce): nothing of this person's to delete.
      if (response.status === 404) return false;
      if (!response.ok) throw new Error(`delete of HubSpot contact ${id}: ${response.status} ${await response.text()}`);
      person.goneFromHubspot = { salesforceStood: person.salesforce !== null || snapshot.salesforceByEmail.has(person.email) };
      person.hubspotId = null;
      snapshot.hubspotByEmail.delete(person.email);
      return true;
    },
    create_in_hubspot: async () => {
      const person = this.newPerson('hubspot');
      const values = this.someValues(true);
      const created = (await emulatorAdmin(this.urls.hubspot, 'records/contacts', {
        properties: { email: person.email, ...Object.fromEntries(values.map(({ field, value }) => [field.hubspot, value])) },
      })) as { id: string };
      person.hubspotId = created.id;
      for (const { field, value } of values) person.fields[field.hubspot]!.hubspot.push(value);
      if (this.inclusionListId !== null && this.dice.chance(0.7)) await this.joinList(person);
      return true;
    },
    create_lead: async () => this.createInSalesforce('Lead'),
    create_contact: async () => this.createInSalesforce('Contact'),
    update_in_hubspot: async (snapshot) => {
      const person = this.dice.pick(this.standing());
      const id = person.hubspotId ?? snapshot.hubspotByEmail.get(person.email) ?? null;
      if (id === null) return false;
      person.hubspotId = id;
      const values = this.someValues();
      await editInHubspot(this.urls.hubspot, id, Object.fromEntries(values.map(({ field, value }) => [field.hubspot, value])));
      for (const { field, value } of values) person.fields[field.hubspot]!.hubspot.push(value);
      return true;
    },
    update_in_salesforce: async (snapshot) => {
      const person = this.dice.pick(this.standing());
      const record = person.salesforce ?? snapshot.salesforceByEmail.get(person.email) ?? null;
      if (record === null) return false;
      person.salesforce = record;
      const values = this.someValues();
      await this.withRetries(() => this.salesforce.sobject(record.object).update({ Id: record.id, ...Object.fromEntries(values.map(({ field, value }) => [field.salesforce, value])) }));
      for (const { field, value } of values) person.fields[field.hubspot]!.salesforce.push(value);
      return true;
    },
    convert_lead: async (snapshot) => {
      const leads = this.standing().filter((person) => !person.converted && (person.salesforce ?? snapshot.salesforceByEmail.get(person.email))?.object === 'Lead');
      if (leads.length === 0) return false;
      const person = this.dice.pick(leads);
      const lead = (person.salesforce ?? snapshot.salesforceByEmail.get(person.email))!;
      const result = (await emulatorAdmin(this.urls.salesforce, 'convertLead', { leadId: lead.id, convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true })) as { contactId: string };
      person.salesforce = { object: 'Contact', id: result.contactId };
      person.converted = true;
      return true;
    },
    join_inclusion_list: async (snapshot) => {
      const outside = this.standing().filter((person) => !person.inInclusionList && (person.hubspotId ?? snapshot.hubspotByEmail.get(person.email)));
      if (outside.length === 0) return false;
      const person = this.dice.pick(outside);
      person.hubspotId ??= snapshot.hubspotByEmail.get(person.email)!;
      await this.joinList(person);
      return true;
    },
    merge_in_hubspot: async (snapshot) => {
      const candidates = this.standing().filter((person) => (person.hubspotId ?? snapshot.hubspotByEmail.get(person.email)) !== undefined);
      if (candidates.length < 2) return false;
      const primary = this.dice.pick(candidates);
      const merged = this.dice.pick(candidates.filter((person) => person !== primary));
      const primaryId = (primary.hubspotId ?? snapshot.hubspotByEmail.get(primary.email))!;
      const mergedId = (merged.hubspotId ?? snapshot.hubspotByEmail.get(merged.email))!;
      // HubSpot's merge makes a new record: the primary's values stand, the merged one's fill its blanks.
      const survivor = (await emulatorAdmin(this.urls.hubspot, 'merge', { objectType: 'contacts', primaryObjectId: primaryId, objectIdToMerge: mergedId })) as { id: string };
      primary.hubspotId = survivor.id;
      // Manual list memberships of both pass to the survivor.
      primary.inInclusionList ||= merged.inInclusionList;
      merged.mergedInto = primary.email;
      primary.absorbed.push(merged.email, ...merged.absorbed);
      merged.hubspotId = null;
      snapshot.hubspotByEmail.set(primary.email, survivor.id);
      snapshot.hubspotByEmail.delete(merged.email);
      return true;
    },
  };

  /** People who still stand on their own (not merged away, not deleted): the targets of further operations. */
  private standing(): Person[] {
    return this.people.filter((person) => person.mergedInto === null && person.goneFromSalesforce === null && person.goneFromHubspot === null);
  }

  private readonly salesforceFates = {
    delete_in_salesforce: async (snapshot: Snapshot): Promise<boolean> => {
      const candidates = this.standing().filter((person) => (person.salesforce ?? snapshot.salesforceByEmail.get(person.email)) !== undefined);
      if (candidates.length === 0) return false;
      const person = this.dice.pick(candidates);
      const record = (person.salesforce ?? snapshot.salesforceByEmail.get(person.email))!;
      await this.withRetries(() => this.salesforce.sobject(record.object).destroy(record.id));
      person.goneFromSalesforce = { hubspotStood: snapshot.hubspotByEmail.has(person.email), salesforceMergedInto: null };
      return true;
    },
    merge_in_salesforce: async (snapshot: Snapshot): Promise<boolean> => {
      const withRecord = this.standing().map((person) => ({ person, record: person.salesforce ?? snapshot.salesforceByEmail.get(person.email) ?? null }));
      const object = this.dice.pick(['Lead', 'Contact'] as const);
      const candidates = withRecord.filter((entry) => entry.record?.object === object);
      if (candidates.length < 2) return false;
      const master = this.dice.pick(candidates);
      const loser = this.dice.pick(candidates.filter((entry) => entry !== master));
      await emulatorAdmin(this.urls.salesforce, 'merge', { masterRecordId: master.record!.id, recordIdsToMerge: [loser.record!.id] });
      loser.person.goneFromSalesforce = { hubspotStood: false, salesforceMergedInto: master.person.email };
      return true;
    },
  };

  private async createInSalesforce(object: 'Lead' | 'Contact'): Promise<boolean> {
    const person = this.newPerson(object);
    const values = this.someValues(true);
    const record: Record<string, string> = { Email: person.email, ...Object.fromEntries(values.map(({ field, value }) => [field.salesforce, value])) };
    if (object === 'Lead') record.Company = `Company ${this.tag} ${this.operationNumber}`;
    const result = (await this.withRetries(() => this.salesforce.sobject(object).create(record))) as { id: string };
    person.salesforce = { object, id: result.id };
    for (const { field, value } of values) person.fields[field.hubspot]!.salesforce.push(value);
    return true;
  }

  private async joinList(person: Person): Promise<void> {
    await this.withRetries(async () => {
      const response = await fetch(`${this.urls.hubspot}/crm/v3/lists/${this.inclusionListId}/memberships/add`, {
        method: 'PUT',
        headers: { authorization: 'Bearer fault-run-driver', 'content-type': 'application/json' },
        body: JSON.stringify([person.hubspotId]),
      });
      if (!response.ok) throw new Error(`list membership: ${response.status} ${await response.text()}`);
    });
    person.inInclusionList = true;
  }

  /** Injected faults refuse a call before the vendor processes it, so sending it again cannot write twice. */
  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= 30) throw error;
        this.figures.retriedCalls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  private async snapshot(): Promise<Snapshot> {
    const state = await readWorld(this.urls);
    return {
      hubspotByEmail: new Map(state.hubspotContacts.map((contact) => [contact.email, contact.id])),
      salesforceByEmail: new Map(state.salesforcePeople.map((record) => [record.email, { object: record.object, id: record.id }])),
    };
  }
}

export interface WorldState {
  hubspotContacts: Array<{ id: string; email: string; properties: Record<string, string | null> }>;
  /** Leads not converted, and Contacts: the records that stand for a person. */
  salesforcePeople: Array<{ object: 'Lead' | 'Contact'; id: string; email: string; fields: Record<string, unknown> }>;
}

/** Both systems as their admin APIs show them (no API calls counted, no faults). */
export async function readWorld(urls: { salesforce: string; hubspot: string }): Promise<WorldState> {
  const contacts = ((await emulatorAdmin(urls.hubspot, 'records/contacts')) as { results: Array<{ id: string; archived: boolean; properties: Record<string, string | null> }> }).results;
  const salesforcePeople: WorldState['salesforcePeople'] = [];
  for (const object of ['Lead', 'Contact'] as const) {
    const { records } = (await emulatorAdmin(urls.salesforce, `records/${object}`)) as { records: Array<Record<string, unknown>> };
    for (const record of records) {
      if (object === 'Lead' && record.IsConverted === true) continue;
      salesforcePeople.push({ object, id: String(record.Id), email: String(record.Email ?? '').toLowerCase(), fields: record });
    }
  }
  return {
    hubspotContacts: contacts.filter((c) => !c.archived).map((c) => ({ id: c.id, email: String(c.properties.email ?? '').toLowerCase(), properties: c.properties })),
    salesforcePeople,
  };
}

/** A user's edit in the HubSpot app (the admin API's PATCH, recorded as CRM_UI), failing loudly. */
async function editInHubspot(baseUrl: string, id: string, properties: Record<string, string>): Promise<void> {
  const response = await fetch(`${baseUrl}/__emulator/records/contacts/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
  });
  if (!response.ok) throw new Error(`edit of HubSpot contact ${id}: ${response.status} ${await response.text()}`);
}
