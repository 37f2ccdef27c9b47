import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SalesforceValue } from '../../src/core/mapping/convert.ts';
import { fieldSyncRules, type FieldSyncRule, type TypedFieldMapping } from '../../src/core/mapping/model.ts';
import { isEmptyPlan, planContactSync, type ContactSyncInput, type ContactSyncPlan, type HubspotContactRecord, type SalesforcePersonRecord, type StoredContactLink } from '../../src/core/plan.ts';
import { defaultSettings, type Settings } from '../../src/core/settings.ts';

const pair: ContactSyncInput['pair'] = {
  salesforceIdProperty: { Lead: 'salesforceleadid', Contact: 'salesforcecontactid' },
  requiredOnCreate: { Lead: [{ field: 'LastName', placeholder: '[not provided]' }, { field: 'Company', placeholder: '[not provided]' }], Contact: [{ field: 'LastName', placeholder: '[not provided]' }] },
};

const mapping = (hubspotProperty: string, salesforceField: string, rule: FieldSyncRule = 'prefer_salesforce_unless_blank', extra: Partial<TypedFieldMapping> = {}): TypedFieldMapping => ({
  hubspotProperty,
  salesforceField,
  rule,
  isDefault: true,
  value: { kind: 'text', salesforceType: 'string' },
  ...extra,
});

const mappings: TypedFieldMapping[] = [
  mapping('email', 'Email', 'prefer_salesforce_unless_blank', { value: { kind: 'text', salesforceType: 'email' } }),
  mapping('firstname', 'FirstName'),
  mapping('lastname', 'LastName'),
  mapping('jobtitle', 'Title', 'two_way'),
  mapping('company', 'Company', 'prefer_salesforce_unless_blank', { salesforceFieldOn: { Contact: null } }),
  mapping('state', 'State', 'prefer_salesforce_unless_blank', { value: { kind: 'text', salesforceType: 'string', meaning: 'state' }, salesforceFieldOn: { Contact: 'MailingState' } }),
  mapping('country', 'Country', 'prefer_salesforce_unless_blank', { value: { kind: 'text', salesforceType: 'string', meaning: 'country' }, salesforceFieldOn: { Contact: 'MailingCountry' } }),
];

const hubspotContact = (id: string, properties: Record<string, string | null>, extra: Partial<HubspotContactRecord> = {}): HubspotContactRecord => ({ id, properties, createdAt: 1_000, modifiedAt: 2_000, ...extra });
const salesforcePerson = (object: 'Lead' | 'Contact', id: string, fields: Record<string, SalesforceValue | undefined>, extra: Partial<SalesforcePersonRecord> = {}): SalesforcePersonRecord => ({
  object,
  id,
  fields,
  createdAt: 1_000,
  modifiedAt: 2_000,
  ...extra,
});

function settingsWith(contacts: Partial<Settings['contacts']> = {}): Settings {
  const settings = defaultSettings();
  return { ...settings, contacts: { ...settings.contacts, ...contacts } };
}

function plan(partial: Partial<ContactSyncInput>): ContactSyncPlan {
  return planContactSync({ now: 10_000, settings: settingsWith(), mappings, pair, hubspotChanges: [], salesforceChanges: [], links: [], lastSynced: new Map(), ...partial });
}

describe('planContactSync: new HubSpot contacts', () => {
  it('creates a Lead by default, with placeholders for required fields and an idempotency key stable across replans', () => {
    const input = { hubspotChanges: [hubspotContact('101', { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' })] };
    const result = plan(input);
    expect(result.salesforceCreates).toEqual([
      {
        idempotencyKey: 'contacts:hubspot:101:Lead',
        object: 'Lead',
        hubspotId: '101',
        fields: { Email: 'ada@example.com', FirstName: 'Ada', LastName: 'Lovelace', Company: '[not provided]' },
        syncedValues: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', company: null, jobtitle: null, state: null, country: null },
      },
    ]);
    expect(plan(input).salesforceCreates[0]?.idempotencyKey).toBe('contacts:hubspot:101:Lead');
  });

  it('auto creates a Contact under the Account its company is linked to, else a Lead', () => {
    const settings = settingsWith({ hubspotCreatesIn: 'auto' });
    const withCompany = plan({ settings, hubspotChanges: [hubspotContact('101', { email: 'a@x.com', lastname: 'A' }, { companyId: 'c1' })], accountIdByHubspotCompanyId: new Map([['c1', '001A']]) });
    expect(withCompany.salesforceCreates[0]).toMatchObject({ object: 'Contact', fields: { AccountId: '001A', LastName: 'A' } });
    const without = plan({ settings, hubspotChanges: [hubspotContact('102', { email: 'b@x.com', lastname: 'B' }, { companyId: 'c2' })] });
    expect(without.salesforceCreates[0]?.object).toBe('Lead');
  });

  it('a contact without an email never syncs', () => {
    const result = plan({ hubspotChanges: [hubspotContact('101', { email: '  ', lastname: 'A' })] });
    expect(result.salesforceCreates).toEqual([]);
    expect(result.skips).toEqual([{ side: 'hubspot', id: '101', reason: expect.stringContaining('no email') }]);
  });

  it('links to the OLDEST Salesforce record with the email on a first sync, case-insensitively, and records the id on HubSpot', () => {
    const result = plan({
      hubspotChanges: [hubspotContact('101', { email: ' Ada@Example.com ', lastname: 'Lovelace' })],
      salesforceMatches: [
        salesforcePerson('Lead', '00Qnew', { Email: 'ada@example.com', LastName: 'Lovelace' }, { createdAt: 500, modifiedAt: 9_000 }),
        salesforcePerson('Contact', '003old', { Email: 'ADA@example.com', LastName: 'Lovelace' }, { createdAt: 100, modifiedAt: 200 }),
      ],
    });
    expect(result.salesforceCreates).toEqual([]);
    expect(result.linkChanges).toEqual([{ change: 'create', hubspotId: '101', salesforceObject: 'Contact', salesforceId: '003old', because: 'matched_by_email' }]);
    expect(result.hubspotUpdates).toEqual([{ id: '101', properties: { salesforcecontactid: '003old' } }]);
  });

  it('a contact linked before (it carries a Salesforce id) relinks to the most recently modified match', () => {
    const result = plan({
      hubspotChanges: [hubspotContact('101', { email: 'ada@example.com', lastname: 'L', salesforceleadid: '00Qgone' })],
      salesforceMatches: [
        salesforcePerson('Lead', '00Qnew', { Email: 'ada@example.com', LastName: 'L' }, { createdAt: 500, modifiedAt: 9_000 }),
        salesforcePerson('Contact', '003old', { Email: 'ada@example.com', LastName: 'L' }, { createdAt: 100, modifiedAt: 200 }),
      ],
    });
    expect(result.linkChanges).toMatchObject([{ change: 'create', salesforceId: '00Qnew' }]);
  });

  it('outside the inclusion list a HubSpot contact does not reach Salesforce', () => {
    const result = plan({ settings: settingsWith({ inclusionListId: '42' }), hubspotChanges: [hubspotContact('101', { email: 'a@x.com' })], inclusionListMembers: new Set() });
    expect(result.salesforceCreates).toEqual([]);
    expect(result.skips[0]?.reason).toContain('inclusion list 42');
  });

  it('an unmatched state with picklists enabled is a property_value error naming the value, and the field is not written', () => {
    const result = plan({
      settings: settingsWith({ salesforcePicklists: 'enabled' }),
      hubspotChanges: [hubspotContact('101', { email: 'a@x.com', lastname: 'A', state: 'Atlantis', country: 'US' })],
    });
    expect(result.errors).toEqual([{ side: 'hubspot', object: 'contacts', id: '101', error: expect.objectContaining({ category: 'property_value', message: expect.stringContaining('Atlantis') }) }]);
    expect(result.salesforceCreates[0]?.fields).not.toHaveProperty('State');
    expect(result.salesforceCreates[0]?.fields).not.toHaveProperty('StateCode');
  });

  it('a matched state and country go into the …Code fields when Salesforce picklists are on', () => {
    const result = plan({
      settings: settingsWith({ salesforcePicklists: 'enabled' }),
      hubspotChanges: [hubspotContact('101', { email: 'a@x.com', lastname: 'A', state: 'Calif.', country: 'USA' })],
    });
    expect(result.salesforceCreates[0]?.fields).toMatchObject({ StateCode: 'CA', CountryCode: 'US' });
    expect(result.salesforceCreates[0]?.syncedValues).toMatchObject({ state: 'California', country: 'United States' });
  });
});

describe('planContactSync: new Salesforce people', () => {
  it('creates the HubSpot contact with the Salesforce id, even outside the inclusion list', () => {
    const result = plan({
      settings: settingsWith({ inclusionListId: '42' }),
      salesforceChanges: [salesforcePerson('Lead', '00Q1', { Email: 'a@x.com', LastName: 'A', Company: 'Acme' })],
    });
    expect(result.hubspotCreates).toEqual([
      {
        idempotencyKey: 'contacts:salesforce:Lead:00Q1',
        salesforceObject: 'Lead',
        salesforceId: '00Q1',
        properties: { email: 'a@x.com', lastname: 'A', company: 'Acme', salesforceleadid: '00Q1' },
        syncedValues: expect.objectContaining({ email: 'a@x.com', lastname: 'A', company: 'Acme' }) as Record<string, SalesforceValue>,
      },
    ]);
  });

  it('several new records with one email create one HubSpot contact, from the oldest', () => {
    const result = plan({
      salesforceChanges: [
        salesforcePerson('Lead', '00Qb', { Email: 'a@x.com', LastName: 'B' }, { createdAt: 300 }),
        salesforcePerson('Contact', '003a', { Email: 'A@x.com', LastName: 'A' }, { createdAt: 100 }),
      ],
    });
    expect(result.hubspotCreates.map((create) => create.salesforceId)).toEqual(['003a']);
    expect(result.skips).toMatchObject([{ side: 'salesforce', id: '00Qb' }]);
  });

  it('does nothing in HubSpot when contacts.onSalesforceUpsert is do_nothing', () => {
    const result = plan({ settings: settingsWith({ onSalesforceUpsert: 'do_nothing' }), salesforceChanges: [salesforcePerson('Lead', '00Q1', { Email: 'a@x.com' })] });
    expect(result.hubspotCreates).toEqual([]);
  });
});

describe('planContactSync: linked pairs', () => {
  const link: StoredContactLink = { linkId: 'L1', hubspotId: '101', salesforceObject: 'Lead', salesforceId: '00Q1' };
  const synced = { email: 'a@x.com', firstname: 'Ada', lastname: 'L', jobtitle: 'Engineer', company: 'Acme', state: null, country: null };

  it('an echo of our own write plans nothing', () => {
    const result = plan({ links: [link], lastSynced: new Map([['L1', synced]]), hubspotChanges: [hubspotContact('101', { ...synced, state: null, country: null })] });
    expect(isEmptyPlan(result)).toBe(true);
  });

  it('updates only the changed field; the partner absent from the changes holds its last-synced values', () => {
    const result = plan({ links: [link], lastSynced: new Map([['L1', synced]]), hubspotChanges: [hubspotContact('101', { ...synced, jobtitle: 'CTO' })] });
    expect(result.salesforceUpdates).toEqual([{ object: 'Lead', id: '00Q1', fields: { Title: 'CTO' } }]);
    expect(result.syncedValues).toEqual([{ linkId: 'L1', pair: { hubspotId: '101', salesforceObject: 'Lead', salesforceId: '00Q1' }, values: { jobtitle: 'CTO' } }]);
  });

  it('prefer_salesforce_unless_blank puts a HubSpot edit back to the Salesforce value', () => {
    const result = plan({ links: [link], lastSynced: new Map([['L1', synced]]), hubspotChanges: [hubspotContact('101', { ...synced, firstname: 'Augusta' })] });
    expect(result.hubspotUpdates).toEqual([{ id: '101', properties: { firstname: 'Ada' } }]);
  });

  it('a linked member that left the inclusion list gets no updates either way', () => {
    const result = plan({
      settings: settingsWith({ inclusionListId: '42' }),
      inclusionListMembers: new Set(),
      links: [link],
      lastSynced: new Map([['L1', synced]]),
      salesforceChanges: [salesforcePerson('Lead', '00Q1', { Email: 'a@x.com', FirstName: 'Eve', LastName: 'L', Title: 'Engineer', Company: 'Acme' })],
    });
    expect(isEmptyPlan(result)).toBe(true);
    expect(result.skips[0]?.reason).toContain('inclusion list');
  });

  it('a converted lead moves its link to the new Contact and links the company to the new Account', () => {
    const result = plan({
      links: [link],
      lastSynced: new Map([['L1', synced]]),
      accountIdByHubspotCompanyId: new Map(),
      hubspotMatches: [hubspotContact('101', { ...synced }, { companyId: 'c1' })],
      salesforceChanges: [salesforcePerson('Lead', '00Q1', { Email: 'a@x.com' }, { converted: { contactId: '003X', accountId: '001X' } })],
    });
    expect(result.linkChanges).toMatchObject([{ change: 'move', hubspotId: '101', to: { salesforceObject: 'Contact', salesforceId: '003X' }, linkCompany: { hubspotCompanyId: 'c1', salesforceAccountId: '001X' } }]);
    expect(result.hubspotUpdates).toEqual([{ id: '101', properties: { salesforcecontactid: '003X', salesforceaccountid: '001X' } }]);
    expect(result.salesforceCreates).toEqual([]);
  });

  it('a Salesforce delete deletes the HubSpot contact only when the setting says so; a HubSpot delete never deletes in Salesforce', () => {
    const deleted = salesforcePerson('Lead', '00Q1', {}, { deleted: true });
    const keep = plan({ links: [link], salesforceChanges: [deleted] });
    expect(keep.hubspotDeletes).toEqual([]);
    expect(keep.linkChanges).toMatchObject([{ change: 'unlink' }]);
    const remove = plan({ settings: settingsWith({ onSalesforceDelete: 'delete_contact' }), links: [link], salesforceChanges: [deleted] });
    expect(remove.hubspotDeletes).toEqual([{ hubspotId: '101', because: expect.any(String) as string }]);
    const hubspotDeleted = plan({ links: [link], hubspotChanges: [hubspotContact('101', {}, { deleted: true })] });
    expect(hubspotDeleted.salesforceUpdates).toEqual([]);
    expect(hubspotDeleted.linkChanges).toMatchObject([{ change: 'unlink', salesforceId: '00Q1' }]);
  });

  it('a Salesforce merge re-points the link to the master; nothing is created or deleted', () => {
    const result = plan({ links: [link], salesforceChanges: [salesforcePerson('Lead', '00Q1', {}, { deleted: true, masterRecordId: '00Q9' })] });
    expect(result.linkChanges).toMatchObject([{ change: 'move', hubspotId: '101', to: { salesforceObject: 'Lead', salesforceId: '00Q9' }, because: 'merged_in_salesforce' }]);
    expect(result.hubspotDeletes).toEqual([]);
    expect(result.hubspotCreates).toEqual([]);
  });

  it('a HubSpot merge moves the link of the merged-away contact to the surviving one', () => {
    const result = plan({ links: [link], hubspotChanges: [hubspotContact('101', {}, { deleted: true, mergedIntoId: '555' })] });
    expect(result.linkChanges).toMatchObject([{ change: 'move', hubspotId: '555', fromHubspotId: '101', to: { salesforceId: '00Q1' }, because: 'merged_in_hubspot' }]);
    expect(result.salesforceCreates).toEqual([]);
  });

  it('a new Salesforce person outside the inclusion list links to the existing HubSpot contact but updates nothing', () => {
    const result = plan({
      settings: settingsWith({ inclusionListId: '42' }),
      inclusionListMembers: new Set(),
      salesforceChanges: [salesforcePerson('Contact', '003N', { Email: 'n@x.com', FirstName: 'Nia', LastName: 'N' })],
      hubspotMatches: [hubspotContact('301', { email: 'N@x.com', firstname: 'Other' })],
    });
    expect(result.linkChanges).toEqual([{ change: 'create', hubspotId: '301', salesforceObject: 'Contact', salesforceId: '003N', because: 'matched_by_email' }]);
    expect(result.hubspotUpdates).toEqual([{ id: '301', properties: { salesforcecontactid: '003N' } }]);
    expect(result.salesforceUpdates).toEqual([]);
    expect(result.hubspotCreates).toEqual([]);
  });

  it('an owner without a HubSpot user of the same email leaves HubSpot\'s owner alone: no write, no error, not remembered as synced', () => {
    const ownerMappings = [...mappings, mapping('hubspot_owner_id', 'OwnerId', 'two_way', { value: { kind: 'choice', salesforceType: 'reference', meaning: 'owner' } })];
    const owners = { salesforceUserIdByHubspotOwnerId: new Map([['77', '005A']]), hubspotOwnerIdBySalesforceUserId: new Map([['005A', '77']]) };
    const result = plan({
      mappings: ownerMappings,
      owners,
      links: [link],
      lastSynced: new Map([['L1', { ...synced, hubspot_owner_id: '005A' }]]),
      salesforceChanges: [salesforcePerson('Lead', '00Q1', { Email: 'a@x.com', FirstName: 'Ada', LastName: 'L', Title: 'Engineer', Company: 'Acme', OwnerId: '005Unknown' })],
    });
    expect(result.errors).toEqual([]);
    expect(result.hubspotUpdates).toEqual([]);
    expect(result.syncedValues).toEqual([]);
    // The other way: a HubSpot owner with no Salesforce user is left out of the Salesforce write, without an error.
    const fromHubspot = plan({
      mappings: ownerMappings,
      owners,
      links: [link],
      lastSynced: new Map([['L1', { ...synced, hubspot_owner_id: '005A' }]]),
      hubspotChanges: [hubspotContact('101', { email: 'a@x.com', firstname: 'Ada', lastname: 'L', jobtitle: 'Engineer', company: 'Acme', hubspot_owner_id: '99' })],
    });
    expect(fromHubspot.errors).toEqual([]);
    expect(fromHubspot.salesforceUpdates).toEqual([]);
  });

  it('an opportunity contact role moves the lifecycle stage forward, never back', () => {
    const contactLink: StoredContactLink = { linkId: 'L2', hubspotId: '201', salesforceObject: 'Contact', salesforceId: '003A' };
    const person = (isWon: boolean) =>
      salesforcePerson('Contact', '003A', { Email: 'a@x.com', LastName: 'L' }, { opportunityRoles: [{ opportunityId: '006A', isClosed: isWon, isWon }] });
    const lastSynced = new Map([['L2', { email: 'a@x.com', lastname: 'L', firstname: null, jobtitle: null, state: null, country: null }]]);
    const open = plan({ links: [contactLink], lastSynced, salesforceChanges: [person(false)], lifecycleContext: { contacts: new Map([['201', { stage: 'lead', companyId: null }]]), companyMembers: new Map() } });
    expect(open.hubspotUpdates).toEqual([{ id: '201', properties: { lifecyclestage: 'opportunity' } }]);
    const customer = plan({ links: [contactLink], lastSynced, salesforceChanges: [person(false)], lifecycleContext: { contacts: new Map([['201', { stage: 'customer', companyId: null }]]), companyMembers: new Map() } });
    expect(customer.hubspotUpdates).toEqual([]);
  });
});

// ---- apply, then plan again: nothing left to do ---------------------------------------------------------------

interface World {
  hubspot: Map<string, HubspotContactRecord>;
  salesforce: Map<string, SalesforcePersonRecord>;
  links: StoredContactLink[];
  lastSynced: Map<string, Record<string, SalesforceValue>>;
}

/** Salesforce fills the text fields of a picklist address from the codes it was given (default labels). */
function fillLabelsFromCodes(fields: Record<string, SalesforceValue | undefined>): Record<string, SalesforceValue | undefined> {
  const stateLabels: Record<string, string> = { CA: 'California', NY: 'New York' };
  if (typeof fields.StateCode === 'string') fields.State = stateLabels[fields.StateCode] ?? fields.StateCode;
  const countryLabels: Record<string, string> = { US: 'United States', CA: 'Canada' };
  if (typeof fields.CountryCode === 'string') fields.Country = countryLabels[fields.CountryCode] ?? fields.CountryCode;
  delete fields.StateCode;
  delete fields.CountryCode;
  return fields;
}

/** Applies a plan as the engine would: writes, then links, then last-synced values. */
function applyPlan(world: World, result: ContactSyncPlan, at: number): void {
  let nextLink = world.links.length;
  const linkOf = (hubspotId: string) => world.links.find((link) => link.hubspotId === hubspotId);
  for (const create of result.salesforceCreates) {
    const id = `sf-${create.hubspotId}`;
    world.salesforce.set(`${create.object}:${id}`, salesforcePerson(create.object, id, fillLabelsFromCodes({ ...create.fields }), { createdAt: at, modifiedAt: at }));
    const link = { linkId: `L${++nextLink}`, hubspotId: create.hubspotId, salesforceObject: create.object, salesforceId: id };
    world.links.push(link);
    world.lastSynced.set(link.linkId, { ...create.syncedValues });
  }
  for (const create of result.hubspotCreates) {
    const id = `hs-${create.salesforceId}`;
    world.hubspot.set(id, hubspotContact(id, { ...create.properties }, { createdAt: at, modifiedAt: at }));
    const link = { linkId: `L${++nextLink}`, hubspotId: id, salesforceObject: create.salesforceObject, salesforceId: create.salesforceId };
    world.links.push(link);
    world.lastSynced.set(link.linkId, { ...create.syncedValues });
  }
  for (const update of result.salesforceUpdates) {
    const record = world.salesforce.get(`${update.object}:${update.id}`)!;
    const fields = { ...record.fields, ...update.fields };
    // Salesforce fills the text fields from the codes it was given.
    fillLabelsFromCodes(fields);
    world.salesforce.set(`${update.object}:${update.id}`, { ...record, fields, modifiedAt: at });
  }
  for (const update of result.hubspotUpdates) {
    const record = world.hubspot.get(update.id)!;
    world.hubspot.set(update.id, { ...record, properties: { ...record.properties, ...update.properties }, modifiedAt: at });
  }
  for (const change of result.linkChanges) {
    if (change.change === 'create') world.links.push({ linkId: `L${++nextLink}`, ...change });
  }
  for (const entry of result.syncedValues) {
    const linkId = entry.linkId ?? linkOf(entry.pair.hubspotId)!.linkId;
    world.lastSynced.set(linkId, { ...world.lastSynced.get(linkId), ...entry.values });
  }
}

const emailPool = ['a@x.com', 'b@x.com', 'c@x.com'];
const textValue = fc.constantFrom<string | null>(null, 'one', 'two');
const worldArbitrary = fc.record({
  hubspot: fc.uniqueArray(fc.record({ email: fc.constantFrom(...emailPool, ''), firstname: textValue, jobtitle: textValue, company: textValue }), { maxLength: 3, selector: (c) => c.email }),
  salesforce: fc.array(
    fc.record({ object: fc.constantFrom<'Lead' | 'Contact'>('Lead', 'Contact'), email: fc.constantFrom(...emailPool), firstname: textValue, jobtitle: textValue, company: textValue, createdAt: fc.integer({ min: 0, max: 50 }) }),
    { maxLength: 3 },
  ),
  rules: fc.record({ firstname: fc.constantFrom(...fieldSyncRules), jobtitle: fc.constantFrom(...fieldSyncRules), company: fc.constantFrom(...fieldSyncRules) }),
  hubspotCreatesIn: fc.constantFrom<'lead' | 'contact' | 'auto'>('lead', 'contact', 'auto'),
});

describe('planContactSync properties', () => {
  it('planning again after the plan has been applied yields an empty plan', () => {
    fc.assert(
      fc.property(worldArbitrary, (generated) => {
        const worldMappings: TypedFieldMapping[] = [
          mapping('email', 'Email', 'prefer_salesforce_unless_blank', { value: { kind: 'text', salesforceType: 'email' } }),
          mapping('firstname', 'FirstName', generated.rules.firstname),
          mapping('jobtitle', 'Title', generated.rules.jobtitle),
          mapping('company', 'Company', generated.rules.company, { salesforceFieldOn: { Contact: null } }),
        ];
        const world: World = { hubspot: new Map(), salesforce: new Map(), links: [], lastSynced: new Map() };
        generated.hubspot.forEach((contact, index) => {
          world.hubspot.set(`h${index}`, hubspotContact(`h${index}`, { email: contact.email, firstname: contact.firstname, jobtitle: contact.jobtitle, company: contact.company }, { modifiedAt: 100 + index }));
        });
        generated.salesforce.forEach((person, index) => {
          const fields: Record<string, SalesforceValue> = { Email: person.email, FirstName: person.firstname, Title: person.jobtitle, LastName: 'L' };
          if (person.object === 'Lead') fields.Company = person.company;
          world.salesforce.set(`${person.object}:s${index}`, salesforcePerson(person.object, `s${index}`, fields, { createdAt: person.createdAt, modifiedAt: 200 + index }));
        });
        const settings = settingsWith({ hubspotCreatesIn: generated.hubspotCreatesIn });
        const cycle = (hubspotChanges: HubspotContactRecord[], salesforceChanges: SalesforcePersonRecord[]) =>
          planContactSync({
            now: 1_000,
            settings,
            mappings: worldMappings,
            pair,
            hubspotChanges,
            salesforceChanges,
            links: [...world.links],
            lastSynced: new Map(world.lastSynced),
            hubspotMatches: [...world.hubspot.values()],
            salesforceMatches: [...world.salesforce.values()],
          });

        const first = cycle([...world.hubspot.values()], [...world.salesforce.values()]);
        applyPlan(world, first, 500);
        // The next cycle sees our own writes come back (and everything else again): none of it may bounce.
        const second = cycle([...world.hubspot.values()], [...world.salesforce.values()]);
        expect(second.errors).toEqual([]);
        expect({ ...second, skips: [] }).toEqual({ ...emptyPlanAt(1_000) });
      }),
      { numRuns: 300 },
    );
  });
});

const stateValue = fc.constantFrom<string | null>(null, 'CA', 'California', 'Calif.', 'NY', 'New York');
const countryValue = fc.constantFrom<string | null>(null, 'US', 'USA', 'United States');
const edit = fc.record({
  side: fc.constantFrom<'hubspot' | 'salesforce'>('hubspot', 'salesforce'),
  index: fc.nat({ max: 4 }),
  field: fc.constantFrom<'firstname' | 'jobtitle' | 'state' | 'country'>('firstname', 'jobtitle', 'state', 'country'),
  value: fc.constantFrom<string | null>(null, 'one', 'two', 'CA', 'New York', 'US', 'USA'),
});

describe('planContactSync properties over several cycles', () => {
  it('after edits on both sides are planned and applied (only changed records in the cycle), a full replan writes nothing', () => {
    const fieldOf = { firstname: 'FirstName', jobtitle: 'Title', state: 'State', country: 'Country' } as const;
    fc.assert(
      fc.property(
        fc.record({
          people: fc.uniqueArray(fc.record({ email: fc.constantFrom(...emailPool), firstname: textValue, state: stateValue, country: countryValue, inList: fc.boolean() }), { minLength: 1, maxLength: 3, selector: (p) => p.email }),
          rules: fc.record({ firstname: fc.constantFrom(...fieldSyncRules), jobtitle: fc.constantFrom(...fieldSyncRules), state: fc.constantFrom(...fieldSyncRules), country: fc.constantFrom(...fieldSyncRules) }),
          picklists: fc.constantFrom<Settings['contacts']['salesforcePicklists']>('disabled', 'enabled', 'enabled_customized'),
          withList: fc.boolean(),
          edits: fc.array(edit, { maxLength: 6 }),
        }),
        (generated) => {
          const worldMappings: TypedFieldMapping[] = [
            mapping('email', 'Email', 'prefer_salesforce_unless_blank', { value: { kind: 'text', salesforceType: 'email' } }),
            mapping('firstname', 'FirstName', generated.rules.firstname),
            mapping('jobtitle', 'Title', generated.rules.jobtitle),
            mapping('state', 'State', generated.rules.state, { value: { kind: 'text', salesforceType: 'string', meaning: 'state' } }),
            mapping('country', 'Country', generated.rules.country, { value: { kind: 'text', salesforceType: 'string', meaning: 'country' } }),
          ];
          const settings = settingsWith({ salesforcePicklists: generated.picklists, inclusionListId: generated.withList ? '42' : null });
          const members = new Set(generated.people.flatMap((person, index) => (person.inList ? [`h${index}`] : [])));
          const world: World = { hubspot: new Map(), salesforce: new Map(), links: [], lastSynced: new Map() };
          generated.people.forEach((person, index) => {
            world.hubspot.set(`h${index}`, hubspotContact(`h${index}`, { email: person.email, firstname: person.firstname, state: person.state, country: person.country }, { modifiedAt: 100 }));
          });
          const cycle = (now: number, hubspotChanges: HubspotContactRecord[], salesforceChanges: SalesforcePersonRecord[]) =>
            planContactSync({
              now,
              settings,
              mappings: worldMappings,
              pair,
              hubspotChanges,
              salesforceChanges,
              links: [...world.links],
              lastSynced: new Map(world.lastSynced),
              hubspotMatches: [...world.hubspot.values()],
              salesforceMatches: [...world.salesforce.values()],
              inclusionListMembers: members,
            });

          applyPlan(world, cycle(1_000, [...world.hubspot.values()], []), 1_000);
          // Edits on both sides, each a later change; only the edited records come to the next cycle.
          const editedHubspot = new Set<string>();
          const editedSalesforce = new Set<string>();
          generated.edits.forEach((change, order) => {
            const at = 2_000 + order;
            if (change.side === 'hubspot') {
              const record = [...world.hubspot.values()][change.index % world.hubspot.size]!;
              world.hubspot.set(record.id, { ...record, properties: { ...record.properties, [change.field]: change.value }, modifiedAt: at });
              editedHubspot.add(record.id);
            } else if (world.salesforce.size > 0) {
              const [key, record] = [...world.salesforce.entries()][change.index % world.salesforce.size]!;
              world.salesforce.set(key, { ...record, fields: { ...record.fields, [fieldOf[change.field]]: change.value ?? null }, modifiedAt: at });
              editedSalesforce.add(key);
            }
          });
          const second = cycle(
            3_000,
            [...editedHubspot].map((id) => world.hubspot.get(id)!),
            [...editedSalesforce].map((key) => world.salesforce.get(key)!),
          );
          applyPlan(world, second, 3_000);
          const third = cycle(4_000, [...world.hubspot.values()], [...world.salesforce.values()]);
          // A state is read within its country: when both change in one cycle, the state's reading can settle once
          // more (Salesforce "CA" is California beside "United States", plain "CA" beside no country). Nothing else may move.
          const written = [
            ...third.salesforceUpdates.flatMap((update) => Object.keys(update.fields)),
            ...third.hubspotUpdates.flatMap((update) => Object.keys(update.properties)),
            ...third.syncedValues.flatMap((entry) => Object.keys(entry.values)),
          ];
          expect(written.filter((field) => !/^(state|country|State|Country)(Code)?$/.test(field))).toEqual([]);
          expect(third.salesforceCreates.length + third.hubspotCreates.length + third.linkChanges.length).toBe(0);
          applyPlan(world, third, 4_000);
          const fourth = cycle(5_000, [...world.hubspot.values()], [...world.salesforce.values()]);
          expect({ ...fourth, skips: [], errors: [] }).toEqual(emptyPlanAt(5_000));
        },
      ),
      { numRuns: 300 },
    );
  });
});

function emptyPlanAt(plannedAt: number): ContactSyncPlan {
  return { plannedAt, salesforceCreates: [], salesforceUpdates: [], hubspotCreates: [], hubspotUpdates: [], hubspotDeletes: [], linkChanges: [], syncedValues: [], lifecycleUpdates: [], skips: [], errors: [] };
}
