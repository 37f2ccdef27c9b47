import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SalesforceValue } from '../../src/core/mapping/convert.ts';
import type { TypedFieldMapping } from '../../src/core/mapping/model.ts';
import { isEmptyPlan, planContactSync, type ContactSyncInput, type ContactSyncPlan, type HubspotContactRecord, type SalesforcePersonRecord, type StoredContactLink } from '../../src/core/plan.ts';
import { defaultSettings, type Settings } from '../../src/core/settings.ts';

// Deletes and merges (SPEC section 5): what the planner decides when a record's partner is gone.

const pair: ContactSyncInput['pair'] = {
  salesforceIdProperty: { Lead: 'salesforceleadid', Contact: 'salesforcecontactid' },
  requiredOnCreate: { Lead: [{ field: 'LastName', placeholder: '[not provided]' }, { field: 'Company', placeholder: '[not provided]' }], Contact: [{ field: 'LastName', placeholder: '[not provided]' }] },
};

const text = (hubspotProperty: string, salesforceField: string): TypedFieldMapping => ({
  hubspotProperty,
  salesforceField,
  rule: 'prefer_salesforce_unless_blank',
  isDefault: true,
  value: { kind: 'text', salesforceType: hubspotProperty === 'email' ? 'email' : 'string' },
});
const mappings = [text('email', 'Email'), text('firstname', 'FirstName'), text('lastname', 'LastName')];

function settingsWith(contacts: Partial<Settings['contacts']> = {}): Settings {
  const settings = defaultSettings();
  return { ...settings, contacts: { ...settings.contacts, ...contacts } };
}

const contact = (id: string, properties: Record<string, string | null>, extra: Partial<HubspotContactRecord> = {}): HubspotContactRecord => ({ id, properties, createdAt: 1_000, modifiedAt: 2_000, ...extra });
const lead = (id: string, fields: Record<string, SalesforceValue>, extra: Partial<SalesforcePersonRecord> = {}): SalesforcePersonRecord => ({ object: 'Lead', id, fields, createdAt: 1_000, modifiedAt: 2_000, ...extra });

function plan(partial: Partial<ContactSyncInput>): ContactSyncPlan {
  return planContactSync({ now: 10_000, settings: settingsWith(), mappings, pair, hubspotChanges: [], salesforceChanges: [], links: [], lastSynced: new Map(), ...partial });
}

const ada = { email: 'ada@x.com', firstname: 'Ada', lastname: 'L' };
const adaLead = { Email: 'ada@x.com', FirstName: 'Ada', LastName: 'L', Company: 'Acme' };
const link: StoredContactLink = { linkId: 'L1', hubspotId: '101', salesforceObject: 'Lead', salesforceId: '00Q1' };

describe('planContactSync: a Salesforce record deleted', () => {
  it('drops the link without touching the contact, and does not send the contact back to Salesforce in the same cycle', () => {
    const result = plan({ links: [link], salesforceChanges: [lead('00Q1', {}, { deleted: true })], hubspotChanges: [contact('101', { ...ada, salesforceleadid: '00Q1' })] });
    expect(result.linkChanges).toMatchObject([{ change: 'unlink', hubspotId: '101', salesforceId: '00Q1' }]);
    expect(result.hubspotUpdates).toEqual([]);
    expect(result.salesforceCreates).toEqual([]);
    expect(result.skips).toMatchObject([{ side: 'hubspot', id: '101', reason: expect.stringMatching(/link was dropped in this cycle/) as string }]);
  });

  it('deletes the contact with delete_contact, also outside the inclusion list, and never recreates it in Salesforce', () => {
    const result = plan({
      settings: settingsWith({ onSalesforceDelete: 'delete_contact', inclusionListId: '7' }),
      inclusionListMembers: new Set(),
      links: [link],
      salesforceChanges: [lead('00Q1', {}, { deleted: true })],
      hubspotChanges: [contact('101', { ...ada, salesforceleadid: '00Q1' })],
    });
    expect(result.hubspotDeletes).toEqual([{ hubspotId: '101', because: expect.stringMatching(/delete_contact/) as string }]);
    expect(result.salesforceCreates).toEqual([]);
    expect(result.hubspotUpdates).toEqual([]);
  });

  it('holds an unlinked contact whose Salesforce partner was deleted until a synced value changes after the deletion', () => {
    const formerPartner = { salesforceObject: 'Lead' as const, salesforceId: '00Q1', deletedAt: 5_000 };
    const reread = plan({ hubspotChanges: [contact('101', { ...ada, salesforceleadid: '00Q1' }, { modifiedAt: 6_000, propertyChangedAt: { email: 1_000, firstname: 1_000 }, formerPartner })] });
    expect(reread.salesforceCreates).toEqual([]);
    expect(reread.skips).toMatchObject([{ side: 'hubspot', id: '101', reason: expect.stringMatching(/Salesforce Lead 00Q1 was deleted/) as string }]);

    const edited = plan({ hubspotChanges: [contact('101', { ...ada, firstname: 'Augusta', salesforceleadid: '00Q1' }, { modifiedAt: 6_000, propertyChangedAt: { email: 1_000, firstname: 5_500 }, formerPartner })] });
    expect(edited.salesforceCreates).toMatchObject([{ object: 'Lead', hubspotId: '101', fields: { FirstName: 'Augusta', Email: 'ada@x.com' } }]);
  });

  it('without per-property times, the contact\'s modification time decides', () => {
    const formerPartner = { salesforceObject: 'Lead' as const, salesforceId: '00Q1', deletedAt: 5_000 };
    expect(plan({ hubspotChanges: [contact('101', ada, { modifiedAt: 5_000, formerPartner })] }).salesforceCreates).toEqual([]);
    expect(plan({ hubspotChanges: [contact('101', ada, { modifiedAt: 5_001, formerPartner })] }).salesforceCreates).toHaveLength(1);
  });
});

describe('planContactSync: a HubSpot contact deleted', () => {
  it('drops the link, writes nothing to Salesforce, and does not recreate the contact from the re-read lead', () => {
    const result = plan({ links: [link], hubspotChanges: [contact('101', {}, { deleted: true })], salesforceChanges: [lead('00Q1', adaLead)] });
    expect(result.linkChanges).toMatchObject([{ change: 'unlink', hubspotId: '101', salesforceId: '00Q1' }]);
    expect(result.salesforceUpdates).toEqual([]);
    expect(result.hubspotCreates).toEqual([]);
  });

  it('holds the lead later until it is modified after the contact was deleted', () => {
    expect(plan({ salesforceChanges: [lead('00Q1', adaLead, { modifiedAt: 4_000, formerPartner: { hubspotId: '101', deletedAt: 5_000 } })] }).hubspotCreates).toEqual([]);
    expect(plan({ salesforceChanges: [lead('00Q1', adaLead, { modifiedAt: 6_000, formerPartner: { hubspotId: '101', deletedAt: 5_000 } })] }).hubspotCreates).toMatchObject([{ salesforceId: '00Q1' }]);
  });
});

describe('planContactSync: merges', () => {
  const master: StoredContactLink = { linkId: 'L2', hubspotId: '202', salesforceObject: 'Lead', salesforceId: '00Q2' };

  it('a Salesforce merge of two linked leads merges the loser\'s contact into the master\'s, even with delete_contact', () => {
    for (const onSalesforceDelete of ['do_nothing', 'delete_contact'] as const) {
      const result = plan({
        settings: settingsWith({ onSalesforceDelete }),
        links: [link, master],
        salesforceChanges: [lead('00Q1', {}, { deleted: true, masterRecordId: '00Q2' })],
        hubspotChanges: [contact('101', { ...ada, salesforceleadid: '00Q1' })],
      });
      expect(result.linkChanges).toEqual([expect.objectContaining({ change: 'merge_hubspot_contacts', hubspotId: '101', intoHubspotId: '202', master: { salesforceObject: 'Lead', salesforceId: '00Q2' } })]);
      expect(result.hubspotDeletes).toEqual([]);
      expect(result.hubspotUpdates).toEqual([]);
      expect(result.salesforceCreates).toEqual([]);
    }
  });

  it('a merge whose master was converted before crmsync saw either follows the master to its Contact: the two contacts merge', () => {
    const result = plan({
      links: [link, master],
      salesforceChanges: [
        lead('00Q1', {}, { deleted: true, masterRecordId: '00Q2' }),
        lead('00Q2', { Email: 'grace@x.com', LastName: 'H', Company: 'Acme' }, { converted: { contactId: '0031', accountId: '0011' } }),
      ],
      hubspotChanges: [contact('101', { ...ada, salesforceleadid: '00Q1' }), contact('202', { email: 'grace@x.com', lastname: 'H', salesforceleadid: '00Q2' })],
    });
    expect(result.linkChanges).toEqual([
      expect.objectContaining({ change: 'move', hubspotId: '202', to: { salesforceObject: 'Contact', salesforceId: '0031' }, because: 'lead_converted' }),
      expect.objectContaining({ change: 'merge_hubspot_contacts', hubspotId: '101', intoHubspotId: '202', master: { salesforceObject: 'Contact', salesforceId: '0031' } }),
    ]);
    expect(result.salesforceCreates).toEqual([]);
  });

  it('a merge whose master was then deleted is a delete: the contacts are not merged, both are unlinked and held', () => {
    const result = plan({
      links: [link, master],
      salesforceChanges: [lead('00Q1', {}, { deleted: true, masterRecordId: '00Q2' }), lead('00Q2', {}, { deleted: true, modifiedAt: 7_000 })],
      hubspotChanges: [contact('101', { ...ada, salesforceleadid: '00Q1' }), contact('202', { email: 'grace@x.com', lastname: 'H', salesforceleadid: '00Q2' })],
    });
    // The person went with the master: a HubSpot edit between the merge and the master's delete is still held.
    expect(result.linkChanges).toEqual([
      expect.objectContaining({ change: 'unlink', hubspotId: '101', salesforceId: '00Q1', partnerGone: true, partnerGoneAt: 7_999 }),
      expect.objectContaining({ change: 'unlink', hubspotId: '202', salesforceId: '00Q2', partnerGone: true, partnerGoneAt: 7_999 }),
    ]);
    expect(result.salesforceCreates).toEqual([]);
  });

  it('a merge whose master was merged again follows the chain to the record that stands', () => {
    const third: StoredContactLink = { linkId: 'L3', hubspotId: '303', salesforceObject: 'Lead', salesforceId: '00Q3' };
    const result = plan({
      links: [link, third],
      salesforceChanges: [lead('00Q1', {}, { deleted: true, masterRecordId: '00Q2' }), lead('00Q2', {}, { deleted: true, masterRecordId: '00Q3' })],
      hubspotChanges: [contact('101', { ...ada, salesforceleadid: '00Q1' })],
    });
    expect(result.linkChanges).toEqual([expect.objectContaining({ change: 'merge_hubspot_contacts', hubspotId: '101', intoHubspotId: '303', master: { salesforceObject: 'Lead', salesforceId: '00Q3' } })]);
  });

  it('a contact merged away in HubSpot whose lead went in the same cycle: its survivor is not sent as a new person', () => {
    const converted = lead('00Q1', { Email: 'ada@x.com', LastName: 'L', Company: 'Acme' }, { converted: { contactId: '0032', accountId: null } });
    const taken: StoredContactLink = { linkId: 'L2', hubspotId: '202', salesforceObject: 'Contact', salesforceId: '0032' };
    const result = plan({
      links: [link, taken],
      salesforceChanges: [converted],
      hubspotChanges: [contact('101', {}, { deleted: true, mergedIntoId: '303' }), contact('303', { ...ada, salesforceleadid: '00Q1' }, { modifiedAt: 9_000 })],
    });
    expect(result.linkChanges).toMatchObject([{ change: 'unlink', hubspotId: '101', salesforceId: '00Q1' }]);
    expect(result.salesforceCreates).toEqual([]);
    expect(result.skips).toContainEqual(expect.objectContaining({ side: 'hubspot', id: '303', reason: expect.stringMatching(/link was dropped in this cycle/) as string }));
  });

  it('a HubSpot merge into a new record keeps the link the survivor\'s values name, and unlinks the other', () => {
    const survivor = contact('303', { ...ada, salesforceleadid: '00Q2' }, { modifiedAt: 9_000 });
    const result = plan({
      links: [link, master],
      hubspotChanges: [contact('101', {}, { deleted: true, mergedIntoId: '303' }), contact('202', {}, { deleted: true, mergedIntoId: '303' }), survivor],
    });
    expect(result.linkChanges).toMatchObject([
      { change: 'move', hubspotId: '303', fromHubspotId: '202', to: { salesforceId: '00Q2' }, because: 'merged_in_hubspot' },
      { change: 'unlink', hubspotId: '101', salesforceId: '00Q1' },
    ]);
    // The survivor already reads salesforceleadid 00Q2: nothing to write for the move.
    expect(result.hubspotUpdates).toEqual([]);
    expect(result.salesforceCreates).toEqual([]);
  });

  it('a HubSpot merge keeps the primary\'s link by its email, even when HubSpot filled the survivor\'s Contact id from the other contact', () => {
    // Found by the convergence test (seed 4): the primary's lead had just been converted, so the primary carried no
    // Contact id and HubSpot filled salesforcecontactid from the merged-away contact. The email is the primary's.
    const primaryLink: StoredContactLink = { linkId: 'L7', hubspotId: '101', salesforceObject: 'Contact', salesforceId: '003P' };
    const otherLink: StoredContactLink = { linkId: 'L8', hubspotId: '202', salesforceObject: 'Contact', salesforceId: '003O' };
    const primaryContact: SalesforcePersonRecord = { object: 'Contact', id: '003P', fields: { Email: 'ada@x.com', FirstName: 'Ada', LastName: 'L' }, createdAt: 1_000, modifiedAt: 2_000 };
    const otherContact: SalesforcePersonRecord = { object: 'Contact', id: '003O', fields: { Email: 'bo@x.com', FirstName: 'Bo', LastName: 'O' }, createdAt: 1_000, modifiedAt: 2_000 };
    const survivor = contact('303', { ...ada, salesforceleadid: '00Q1', salesforcecontactid: '003O', hs_additional_emails: 'bo@x.com' }, { modifiedAt: 9_000 });
    const result = plan({
      links: [otherLink, primaryLink],
      salesforceMatches: [otherContact, primaryContact],
      hubspotChanges: [contact('202', {}, { deleted: true, mergedIntoId: '303' }), contact('101', {}, { deleted: true, mergedIntoId: '303' }), survivor],
    });
    expect(result.linkChanges).toMatchObject([
      { change: 'move', hubspotId: '303', fromHubspotId: '101', to: { salesforceObject: 'Contact', salesforceId: '003P' } },
      { change: 'unlink', hubspotId: '202', salesforceId: '003O' },
    ]);
    expect(result.salesforceUpdates).toEqual([]);
    expect(result.hubspotCreates).toEqual([]);
  });

  it('a HubSpot merge whose primary\'s lead stands unlinked links the survivor to that lead, not to the other person\'s', () => {
    // Found by the convergence test (seed 16): a run killed after creating the primary's contact, before storing
    // its link, then the merge. Moving the other's link onto the survivor overwrote the primary's email with
    // theirs, and the primary's lead came back as a second contact.
    const otherLink: StoredContactLink = { linkId: 'L8', hubspotId: '202', salesforceObject: 'Lead', salesforceId: '00QO' };
    const otherLead = lead('00QO', { Email: 'bo@x.com', FirstName: 'Bo', LastName: 'O' });
    const primaryLead = lead('00QP', adaLead, { modifiedAt: 5_000 });
    const survivor = contact('303', { ...ada, salesforceleadid: '00QP', hs_additional_emails: 'bo@x.com' }, { modifiedAt: 9_000 });
    const result = plan({
      links: [otherLink],
      salesforceChanges: [primaryLead],
      salesforceMatches: [otherLead],
      hubspotChanges: [contact('202', {}, { deleted: true, mergedIntoId: '303' }), survivor],
    });
    expect(result.linkChanges).toMatchObject([
      { change: 'unlink', hubspotId: '202', salesforceId: '00QO' },
      { change: 'create', hubspotId: '303', salesforceObject: 'Lead', salesforceId: '00QP', because: 'matched_by_email' },
    ]);
    expect(result.hubspotUpdates.flatMap((update) => Object.keys(update.properties))).not.toContain('email');
    expect(result.hubspotCreates).toEqual([]);
    expect(result.salesforceCreates).toEqual([]);
  });

  it('a HubSpot merge moves the other\'s link when no Salesforce record has the survivor\'s email', () => {
    const otherLink: StoredContactLink = { linkId: 'L8', hubspotId: '202', salesforceObject: 'Lead', salesforceId: '00QO' };
    const survivor = contact('303', { ...ada, salesforceleadid: '00QO', hs_additional_emails: 'bo@x.com' }, { modifiedAt: 9_000 });
    const result = plan({
      links: [otherLink],
      salesforceMatches: [lead('00QO', { Email: 'bo@x.com', FirstName: 'Bo', LastName: 'O' })],
      hubspotChanges: [contact('202', {}, { deleted: true, mergedIntoId: '303' }), survivor],
    });
    expect(result.linkChanges).toMatchObject([{ change: 'move', hubspotId: '303', fromHubspotId: '202', to: { salesforceId: '00QO' } }]);
  });
});

// ---- the invariant: apply a cycle with deletes, then plan again: nothing left to do ------------------------------

interface World {
  hubspot: Map<string, HubspotContactRecord>;
  salesforce: Map<string, SalesforcePersonRecord>;
  links: StoredContactLink[];
  lastSynced: Map<string, Record<string, SalesforceValue>>;
  /** Deleted records and when: what gather reads back as `formerPartner`. */
  deletedSalesforce: Map<string, number>;
  /** By the Salesforce id the deleted contact was linked to, as gather finds it on the archived contact. */
  deletedHubspot: Map<string, { hubspotId: string; at: number }>;
}

/** Applies a plan as the engine does, including link changes and HubSpot deletes. */
function applyPlan(world: World, result: ContactSyncPlan, at: number): void {
  let nextLink = world.links.length + 100;
  const dropLinkOf = (hubspotId: string) => {
    world.links = world.links.filter((candidate) => candidate.hubspotId !== hubspotId);
  };
  for (const change of result.linkChanges) {
    if (change.change === 'create') world.links.push({ linkId: `L${++nextLink}`, ...change });
    else dropLinkOf(change.hubspotId);
  }
  for (const remove of result.hubspotDeletes) world.hubspot.delete(remove.hubspotId);
  for (const create of result.salesforceCreates) {
    const id = `sf-${create.hubspotId}-${at}`;
    world.salesforce.set(id, lead(id, { ...create.fields }, { object: create.object, createdAt: at, modifiedAt: at }));
    const created = { linkId: `L${++nextLink}`, hubspotId: create.hubspotId, salesforceObject: create.object, salesforceId: id };
    world.links.push(created);
    world.lastSynced.set(created.linkId, { ...create.syncedValues });
    // The engine writes the new Salesforce id onto the contact once the create succeeded.
    const owner = world.hubspot.get(create.hubspotId)!;
    world.hubspot.set(create.hubspotId, { ...owner, properties: { ...owner.properties, salesforceleadid: id }, modifiedAt: at });
  }
  for (const create of result.hubspotCreates) {
    const id = `hs-${create.salesforceId}-${at}`;
    world.hubspot.set(id, contact(id, { ...create.properties }, { createdAt: at, modifiedAt: at }));
    const created = { linkId: `L${++nextLink}`, hubspotId: id, salesforceObject: create.salesforceObject, salesforceId: create.salesforceId };
    world.links.push(created);
    world.lastSynced.set(created.linkId, { ...create.syncedValues });
  }
  for (const update of result.salesforceUpdates) {
    const record = world.salesforce.get(update.id)!;
    world.salesforce.set(update.id, { ...record, fields: { ...record.fields, ...update.fields }, modifiedAt: at });
  }
  for (const update of result.hubspotUpdates) {
    const record = world.hubspot.get(update.id)!;
    world.hubspot.set(update.id, { ...record, properties: { ...record.properties, ...update.properties }, modifiedAt: at });
  }
  for (const entry of result.syncedValues) {
    const linkId = entry.linkId ?? world.links.find((candidate) => candidate.hubspotId === entry.pair.hubspotId)?.linkId;
    if (linkId) world.lastSynced.set(linkId, { ...world.lastSynced.get(linkId), ...entry.values });
  }
}

/** What gather hands the planner: every record re-read (the overlap window), with the facts about deleted partners. */
function gathered(world: World): Pick<ContactSyncInput, 'hubspotChanges' | 'salesforceChanges' | 'links' | 'lastSynced' | 'hubspotMatches' | 'salesforceMatches'> {
  const linkedHubspot = new Set(world.links.map((candidate) => candidate.hubspotId));
  const linkedSalesforce = new Set(world.links.map((candidate) => candidate.salesforceId));
  const hubspot = [...world.hubspot.values()].map((record): HubspotContactRecord => {
    const formerId = record.properties.salesforceleadid;
    const deletedAt = formerId ? world.deletedSalesforce.get(formerId) : undefined;
    return !linkedHubspot.has(record.id) && formerId && deletedAt !== undefined ? { ...record, formerPartner: { salesforceObject: 'Lead', salesforceId: formerId, deletedAt } } : record;
  });
  const salesforce = [...world.salesforce.values()].map((record): SalesforcePersonRecord => {
    const former = world.deletedHubspot.get(record.id);
    return !linkedSalesforce.has(record.id) && former ? { ...record, formerPartner: { hubspotId: former.hubspotId, deletedAt: former.at } } : record;
  });
  return { hubspotChanges: hubspot, salesforceChanges: salesforce, links: [...world.links], lastSynced: new Map(world.lastSynced), hubspotMatches: hubspot, salesforceMatches: salesforce };
}

const emailPool = ['a@x.com', 'b@x.com', 'c@x.com'];

describe('planContactSync properties with deletes', () => {
  it('after a cycle that applied Salesforce and HubSpot deletes, planning again (everything re-read) gives an empty plan', () => {
    fc.assert(
      fc.property(
        fc.record({
          people: fc.uniqueArray(fc.record({ email: fc.constantFrom(...emailPool), firstname: fc.constantFrom('one', 'two'), side: fc.constantFrom<'hubspot' | 'salesforce'>('hubspot', 'salesforce') }), {
            minLength: 1,
            maxLength: 3,
            selector: (person) => person.email,
          }),
          deleteSalesforce: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
          deleteHubspot: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
          onSalesforceDelete: fc.constantFrom<Settings['contacts']['onSalesforceDelete']>('do_nothing', 'delete_contact'),
        }),
        (generated) => {
          const settings = settingsWith({ onSalesforceDelete: generated.onSalesforceDelete });
          const world: World = { hubspot: new Map(), salesforce: new Map(), links: [], lastSynced: new Map(), deletedSalesforce: new Map(), deletedHubspot: new Map() };
          generated.people.forEach((person, index) => {
            if (person.side === 'hubspot') world.hubspot.set(`h${index}`, contact(`h${index}`, { email: person.email, firstname: person.firstname, lastname: 'L' }, { modifiedAt: 100 }));
            else world.salesforce.set(`s${index}`, lead(`s${index}`, { Email: person.email, FirstName: person.firstname, LastName: 'L', Company: 'C' }, { modifiedAt: 100 }));
          });
          const cycle = (now: number, extra: Partial<ContactSyncInput> = {}) => planContactSync({ now, settings, mappings, pair, ...gathered(world), ...extra });

          applyPlan(world, cycle(1_000), 1_000);

          // Deletes on both sides, then a cycle that learns of them with every record re-read.
          const salesforceDeleted: SalesforcePersonRecord[] = [];
          const hubspotDeleted: HubspotContactRecord[] = [];
          world.links.forEach((linked, index) => {
            if (generated.deleteSalesforce[index] && world.salesforce.has(linked.salesforceId)) {
              world.salesforce.delete(linked.salesforceId);
              world.deletedSalesforce.set(linked.salesforceId, 2_000);
              salesforceDeleted.push(lead(linked.salesforceId, {}, { deleted: true }));
            } else if (generated.deleteHubspot[index] && world.hubspot.has(linked.hubspotId)) {
              world.hubspot.delete(linked.hubspotId);
              world.deletedHubspot.set(linked.salesforceId, { hubspotId: linked.hubspotId, at: 2_000 });
              hubspotDeleted.push(contact(linked.hubspotId, {}, { deleted: true }));
            }
          });
          const base = gathered(world);
          const withDeletes = cycle(2_000, { salesforceChanges: [...base.salesforceChanges, ...salesforceDeleted], hubspotChanges: [...base.hubspotChanges, ...hubspotDeleted] });
          expect(withDeletes.salesforceCreates).toEqual([]);
          expect(withDeletes.hubspotCreates).toEqual([]);
          expect(withDeletes.salesforceUpdates).toEqual([]);
          expect(withDeletes.hubspotDeletes).toHaveLength(generated.onSalesforceDelete === 'delete_contact' ? salesforceDeleted.length : 0);
          applyPlan(world, withDeletes, 2_000);

          const again = cycle(3_000);
          expect(again.errors).toEqual([]);
          expect(isEmptyPlan(again)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
