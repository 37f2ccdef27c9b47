import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SalesforceValue } from '../../../src/core/mapping/convert.ts';
import { fieldSyncRules, type FieldSyncRule, type TypedFieldMapping } from '../../../src/core/mapping/model.ts';
import {
  isEmptyLinkedPlan,
  planLinkedSync,
  type LinkedHubspotRecord,
  type LinkedPairFacts,
  type LinkedSalesforceRecord,
  type LinkedSyncInput,
  type LinkedSyncPlan,
  type StoredLinkedLink,
} from '../../../src/core/linked/plan.ts';
import { defaultSettings } from '../../../src/core/settings.ts';

const text = (hubspotProperty: string, salesforceField: string, rule: FieldSyncRule): TypedFieldMapping => ({
  hubspotProperty,
  salesforceField,
  rule,
  isDefault: true,
  value: { kind: 'text', salesforceType: 'string' },
});
const number = (hubspotProperty: string, salesforceField: string, rule: FieldSyncRule): TypedFieldMapping => ({
  ...text(hubspotProperty, salesforceField, rule),
  value: { kind: 'number', salesforceType: 'currency' },
});

const deals: LinkedPairFacts = {
  name: 'deals',
  salesforceObject: 'Opportunity',
  salesforceIdProperty: 'salesforceopportunityid',
  requiredOnCreate: [{ field: 'Name', placeholder: '[not provided]' }],
  onSalesforceDelete: 'do_nothing',
  parents: [{ key: '@companies', salesforceField: 'AccountId', hubspotObjectType: 'companies', label: 'Account' }],
};
const addressSettings = defaultSettings().contacts;
const parentLinks = new Map([['@companies', { salesforceIdByHubspotId: new Map([['c1', 'A1'], ['c2', 'A2']]), hubspotIdBySalesforceId: new Map([['A1', 'c1'], ['A2', 'c2']]) }]]);

function plan(partial: Partial<LinkedSyncInput>): LinkedSyncPlan {
  return planLinkedSync({
    now: 10_000,
    pair: deals,
    mappings: [text('dealname', 'Name', 'prefer_salesforce_unless_blank'), number('amount', 'Amount', 'two_way')],
    addressSettings,
    hubspotChanges: [],
    salesforceChanges: [],
    links: [],
    lastSynced: new Map(),
    parentLinks,
    ...partial,
  });
}

const deal = (id: string, properties: Record<string, string | null>, extra: Partial<LinkedHubspotRecord> = {}): LinkedHubspotRecord => ({ id, properties, modifiedAt: 2_000, parents: { '@companies': null }, ...extra });
const opportunity = (id: string, fields: Record<string, SalesforceValue>, extra: Partial<LinkedSalesforceRecord> = {}): LinkedSalesforceRecord => ({ id, fields: { AccountId: null, ...fields }, modifiedAt: 2_000, ...extra });

describe('planLinkedSync: examples', () => {
  it('creates an Opportunity for a new deal, with the account of its company and an idempotency key', () => {
    const result = plan({ hubspotChanges: [deal('d1', { dealname: 'Big', amount: '10' }, { parents: { '@companies': 'c1' } })] });
    expect(result.salesforceCreates).toEqual([
      { idempotencyKey: 'deals:hubspot:d1', hubspotId: 'd1', fields: { Name: 'Big', Amount: 10, AccountId: 'A1' }, syncedValues: { dealname: 'Big', amount: 10, '@companies': 'A1' } },
    ]);
  });

  it('holds an opportunity whose account has not synced, with an associations error naming it', () => {
    const result = plan({ salesforceChanges: [opportunity('O1', { Name: 'Big', Amount: 5, AccountId: 'A9' })] });
    expect(result.hubspotCreates).toEqual([]);
    expect(result.errors).toEqual([
      { side: 'salesforce', id: 'O1', partnerId: null, error: { category: 'associations', field: 'AccountId', message: expect.stringMatching(/^waiting for account to sync: Account A9/) } },
    ]);
  });

  it('creates a deal for an opportunity whose account is linked, associated with that company', () => {
    const result = plan({ salesforceChanges: [opportunity('O1', { Name: 'Big', Amount: 5, AccountId: 'A2' })] });
    expect(result.hubspotCreates).toEqual([
      { idempotencyKey: 'deals:salesforce:O1', salesforceId: 'O1', properties: { dealname: 'Big', amount: '5', salesforceopportunityid: 'O1' }, parents: { companies: 'c2' }, syncedValues: { dealname: 'Big', amount: 5, '@companies': 'A2' } },
    ]);
  });

  it('moves the HubSpot association when the account changes in Salesforce', () => {
    const link: StoredLinkedLink = { linkId: 'L1', hubspotId: 'd1', salesforceId: 'O1' };
    const result = plan({
      links: [link],
      lastSynced: new Map([['L1', { dealname: 'Big', amount: 5, '@companies': 'A1' }]]),
      hubspotChanges: [deal('d1', { dealname: 'Big', amount: '5', salesforceopportunityid: 'O1' }, { parents: { '@companies': 'c1' }, modifiedAt: 1_000 })],
      salesforceChanges: [opportunity('O1', { Name: 'Big', Amount: 5, AccountId: 'A2' }, { modifiedAt: 3_000 })],
    });
    expect(result.associationChanges).toEqual([{ hubspotId: 'd1', parentType: 'companies', add: 'c2', remove: 'c1' }]);
    expect(result.salesforceUpdates).toEqual([]);
    expect(result.syncedValues).toEqual([{ linkId: 'L1', pair: { hubspotId: 'd1', salesforceId: 'O1' }, values: { '@companies': 'A2' } }]);
  });

  it('deletes in HubSpot on a Salesforce delete only when the setting says so; a HubSpot delete only unlinks', () => {
    const links: StoredLinkedLink[] = [{ linkId: 'L1', hubspotId: 'd1', salesforceId: 'O1' }, { linkId: 'L2', hubspotId: 'd2', salesforceId: 'O2' }];
    const input = { links, salesforceChanges: [opportunity('O1', {}, { deleted: true })], hubspotChanges: [deal('d2', {}, { deleted: true })] };
    const kept = plan(input);
    expect(kept.hubspotDeletes).toEqual([]);
    expect(kept.linkChanges.map((change) => [change.change, change.hubspotId])).toEqual([['unlink', 'd1'], ['unlink', 'd2']]);
    expect(kept.salesforceCreates).toEqual([]);
    const deleted = plan({ ...input, pair: { ...deals, onSalesforceDelete: 'delete' } });
    expect(deleted.hubspotDeletes.map((remove) => remove.hubspotId)).toEqual(['d1']);
    expect(deleted.salesforceUpdates).toEqual([]);
  });

  it('links a HubSpot record carrying the Salesforce id of an unlinked record instead of creating either again', () => {
    const result = plan({
      hubspotChanges: [deal('d1', { dealname: 'Big', amount: '5', salesforceopportunityid: 'O1' })],
      salesforceChanges: [opportunity('O1', { Name: 'Big', Amount: 5 })],
    });
    expect(result.linkChanges).toEqual([{ change: 'create', hubspotId: 'd1', salesforceId: 'O1', because: 'matched_by_stored_id' }]);
    expect(result.salesforceCreates).toEqual([]);
    expect(result.hubspotCreates).toEqual([]);
  });

  it('creates nothing in Salesforce for a HubSpot record outside mayCreateInSalesforce', () => {
    const result = plan({ hubspotChanges: [deal('d1', { dealname: 'Big' })], mayCreateInSalesforce: new Set(), notCreatedBecause: 'its contacts are all leads' });
    expect(result.salesforceCreates).toEqual([]);
    expect(result.skips).toEqual([{ side: 'hubspot', id: 'd1', reason: 'its contacts are all leads' }]);
  });
});

// ---- properties: a little world that applies plans as the engine would ---------------------------------

interface World {
  hubspot: Map<string, LinkedHubspotRecord>;
  salesforce: Map<string, LinkedSalesforceRecord>;
  links: StoredLinkedLink[];
  lastSynced: Map<string, Record<string, SalesforceValue>>;
  nextId: number;
}

function apply(world: World, result: LinkedSyncPlan, at: number): void {
  const touchHubspot = (id: string, properties: Record<string, string>, parents?: Record<string, string | null>) => {
    const record = world.hubspot.get(id)!;
    world.hubspot.set(id, { ...record, properties: { ...record.properties, ...properties }, parents: { ...record.parents, ...parents }, modifiedAt: at });
  };
  const link = (hubspotId: string, salesforceId: string, values: Record<string, SalesforceValue>) => {
    const linkId = `L${world.nextId++}`;
    world.links.push({ linkId, hubspotId, salesforceId });
    world.lastSynced.set(linkId, { ...values });
    return linkId;
  };
  for (const change of result.linkChanges) {
    if (change.change !== 'unlink') continue;
    world.links = world.links.filter((l) => l.linkId !== change.linkId);
    // The engine remembers the survivor's deleted partner (its audit trail): so does this world.
    const hubspot = world.hubspot.get(change.hubspotId);
    const salesforce = world.salesforce.get(change.salesforceId);
    if (hubspot && !hubspot.deleted) world.hubspot.set(hubspot.id, { ...hubspot, formerPartner: { deletedAt: at } });
    if (salesforce && !salesforce.deleted) world.salesforce.set(salesforce.id, { ...salesforce, formerPartner: { deletedAt: at } });
  }
  const madeNow = new Map<string, string>();
  for (const change of result.linkChanges) if (change.change === 'create') madeNow.set(`${change.hubspotId}|${change.salesforceId}`, link(change.hubspotId, change.salesforceId, {}));
  for (const create of result.salesforceCreates) {
    const id = `S${world.nextId++}`;
    world.salesforce.set(id, { id, fields: { ...create.fields }, modifiedAt: at });
    link(create.hubspotId, id, create.syncedValues);
    touchHubspot(create.hubspotId, { salesforceopportunityid: id });
  }
  for (const create of result.hubspotCreates) {
    const id = `H${world.nextId++}`;
    world.hubspot.set(id, { id, properties: { ...create.properties }, parents: { '@companies': create.parents.companies ?? null }, modifiedAt: at });
    link(id, create.salesforceId, create.syncedValues);
  }
  for (const update of result.salesforceUpdates) {
    const record = world.salesforce.get(update.id)!;
    world.salesforce.set(update.id, { ...record, fields: { ...record.fields, ...update.fields }, modifiedAt: at });
  }
  for (const update of result.hubspotUpdates) touchHubspot(update.id, update.properties);
  for (const change of result.associationChanges) touchHubspot(change.hubspotId, {}, { '@companies': change.add });
  for (const remove of result.hubspotDeletes) world.hubspot.set(remove.hubspotId, { ...world.hubspot.get(remove.hubspotId)!, deleted: true });
  for (const entry of result.syncedValues) {
    const linkId = entry.linkId ?? madeNow.get(`${entry.pair.hubspotId}|${entry.pair.salesforceId}`)!;
    world.lastSynced.set(linkId, { ...world.lastSynced.get(linkId), ...entry.values });
  }
}

function planWorld(world: World, mappings: TypedFieldMapping[], onSalesforceDelete: 'delete' | 'do_nothing', direction?: LinkedPairFacts['direction']): LinkedSyncPlan {
  return plan({
    pair: { ...deals, onSalesforceDelete, ...(direction ? { direction } : {}) },
    mappings,
    hubspotChanges: [...world.hubspot.values()],
    salesforceChanges: [...world.salesforce.values()],
    links: [...world.links],
    lastSynced: new Map([...world.lastSynced].map(([id, values]) => [id, { ...values }])),
  });
}

const textValue = fc.constantFrom<string | null>(null, 'one', 'two');
const amountValue = fc.constantFrom<number | null>(null, 5, 7);
const account = fc.constantFrom<string | null>(null, 'A1', 'A2', 'A9');
const company = fc.constantFrom<string | null>(null, 'c1', 'c2', 'c9');
const worldArbitrary = fc.record({
  pairs: fc.array(
    fc.record({
      hubspot: fc.record({ name: textValue, amount: amountValue, time: fc.integer({ min: 0, max: 9 }), company, deleted: fc.boolean() }),
      salesforce: fc.record({ name: textValue, amount: amountValue, time: fc.integer({ min: 0, max: 9 }), account, deleted: fc.boolean() }),
      synced: fc.option(fc.record({ name: textValue, amount: amountValue, account }), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
  lonelyHubspot: fc.array(fc.record({ name: textValue, amount: amountValue, company, carries: fc.boolean() }), { maxLength: 2 }),
  lonelySalesforce: fc.array(fc.record({ name: textValue, amount: amountValue, account }), { maxLength: 2 }),
  rules: fc.record({ name: fc.constantFrom(...fieldSyncRules), amount: fc.constantFrom(...fieldSyncRules) }),
  onSalesforceDelete: fc.constantFrom<'delete' | 'do_nothing'>('delete', 'do_nothing'),
});

type Generated = typeof worldArbitrary extends fc.Arbitrary<infer T> ? T : never;

function buildWorld(generated: Generated): World {
  const world: World = { hubspot: new Map(), salesforce: new Map(), links: [], lastSynced: new Map(), nextId: 100 };
  generated.pairs.forEach((pair, index) => {
    const hubspotId = `d${index}`;
    const salesforceId = `O${index}`;
    world.hubspot.set(hubspotId, {
      id: hubspotId,
      properties: { dealname: pair.hubspot.name, amount: pair.hubspot.amount === null ? null : String(pair.hubspot.amount), salesforceopportunityid: salesforceId },
      parents: { '@companies': pair.hubspot.company },
      modifiedAt: pair.hubspot.time * 100,
      ...(pair.hubspot.deleted ? { deleted: true } : {}),
    });
    world.salesforce.set(salesforceId, { id: salesforceId, fields: { Name: pair.salesforce.name, Amount: pair.salesforce.amount, AccountId: pair.salesforce.account }, modifiedAt: pair.salesforce.time * 100 + 50, ...(pair.salesforce.deleted ? { deleted: true } : {}) });
    const linkId = `L${index}`;
    world.links.push({ linkId, hubspotId, salesforceId });
    if (pair.synced) world.lastSynced.set(linkId, { dealname: pair.synced.name, amount: pair.synced.amount, '@companies': pair.synced.account });
  });
  generated.lonelyHubspot.forEach((record, index) => {
    const id = `h${index}`;
    // Carrying the id of an existing unlinked Opportunity, or of none (a deleted one).
    const carried = record.carries ? (generated.lonelySalesforce.length > index ? `o${index}` : 'gone') : null;
    world.hubspot.set(id, { id, properties: { dealname: record.name, amount: record.amount === null ? null : String(record.amount), salesforceopportunityid: carried }, parents: { '@companies': record.company }, modifiedAt: 500 });
  });
  generated.lonelySalesforce.forEach((record, index) => {
    const id = `o${index}`;
    world.salesforce.set(id, { id, fields: { Name: record.name, Amount: record.amount, AccountId: record.account }, modifiedAt: 500 });
  });
  return world;
}

describe('planLinkedSync: properties', () => {
  it('is idempotent and echo-free: planning again after applying a plan gives an empty plan', () => {
    fc.assert(
      fc.property(worldArbitrary, (generated) => {
        const world = buildWorld(generated);
        const mappings = [text('dealname', 'Name', generated.rules.name), number('amount', 'Amount', generated.rules.amount)];
        const first = planWorld(world, mappings, generated.onSalesforceDelete);
        apply(world, first, 10_000);
        // Deleted records have done their part: what comes back are the written records and the untouched ones.
        for (const [id, record] of world.hubspot) if (record.deleted) world.hubspot.delete(id);
        for (const [id, record] of world.salesforce) if (record.deleted) world.salesforce.delete(id);
        const second = planWorld(world, mappings, generated.onSalesforceDelete);
        expect(isEmptyLinkedPlan(second), JSON.stringify({ first, second })).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never deletes in Salesforce and never writes a side a rule forbids', () => {
    fc.assert(
      fc.property(worldArbitrary, (generated) => {
        const world = buildWorld(generated);
        const mappings = [text('dealname', 'Name', generated.rules.name), number('amount', 'Amount', generated.rules.amount)];
        const result = planWorld(world, mappings, generated.onSalesforceDelete);
        const deletedInSalesforce = new Set([...world.salesforce.values()].filter((record) => record.deleted).map((record) => record.id));
        for (const remove of result.hubspotDeletes) expect(deletedInSalesforce.has(remove.salesforceId)).toBe(true);
        if (generated.onSalesforceDelete === 'do_nothing') expect(result.hubspotDeletes).toEqual([]);
        const neverSalesforce = generated.rules.amount === 'always_use_salesforce' || generated.rules.amount === 'dont_sync';
        if (neverSalesforce) for (const update of result.salesforceUpdates) expect(update.fields).not.toHaveProperty('Amount');
        const neverHubspot = generated.rules.amount === 'always_use_hubspot' || generated.rules.amount === 'dont_sync';
        if (neverHubspot) for (const update of result.hubspotUpdates) expect(update.properties).not.toHaveProperty('amount');
      }),
      { numRuns: 300 },
    );
  });
});

describe('planLinkedSync: one way, Salesforce → HubSpot (custom objects)', () => {
  const oneWay: LinkedPairFacts = { ...deals, direction: 'salesforce_to_hubspot' };

  it('never writes to Salesforce and is idempotent, whatever the rules and the changes on both sides', () => {
    fc.assert(
      fc.property(worldArbitrary, (generated) => {
        const world = buildWorld(generated);
        const mappings = [text('dealname', 'Name', generated.rules.name), number('amount', 'Amount', generated.rules.amount)];
        const first = planWorld(world, mappings, generated.onSalesforceDelete, 'salesforce_to_hubspot');
        expect(first.salesforceCreates.length + first.salesforceUpdates.length).toBe(0);
        apply(world, first, 10_000);
        for (const [id, record] of world.hubspot) if (record.deleted) world.hubspot.delete(id);
        for (const [id, record] of world.salesforce) if (record.deleted) world.salesforce.delete(id);
        const second = planWorld(world, mappings, generated.onSalesforceDelete, 'salesforce_to_hubspot');
        expect(isEmptyLinkedPlan(second), JSON.stringify({ first, second })).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a HubSpot edit stands while the Salesforce field is unchanged (an overlap re-read writes nothing); a Salesforce change wins', () => {
    const links = [{ linkId: 'L1', hubspotId: 'd1', salesforceId: 'O1' }];
    const lastSynced = new Map([['L1', { dealname: 'Name in Salesforce', amount: 5, '@companies': null }]]);
    const editedInHubspot = deal('d1', { dealname: 'Edited in HubSpot', amount: '5', salesforceopportunityid: 'O1' }, { modifiedAt: 9_000 });
    const reread = plan({ pair: oneWay, links, lastSynced, hubspotChanges: [editedInHubspot], salesforceChanges: [opportunity('O1', { Name: 'Name in Salesforce', Amount: 5 })] });
    expect(isEmptyLinkedPlan(reread), JSON.stringify(reread)).toBe(true);
    const changed = plan({ pair: oneWay, links, lastSynced, hubspotChanges: [editedInHubspot], salesforceChanges: [opportunity('O1', { Name: 'Name in Salesforce', Amount: 8 }, { modifiedAt: 1_000 })] });
    // Salesforce's change wins even though the HubSpot edit is later; the untouched field keeps HubSpot's edit.
    expect(changed.hubspotUpdates).toEqual([{ id: 'd1', properties: { amount: '8' } }]);
    expect(changed.salesforceUpdates).toEqual([]);
  });

  it('a record made in HubSpot creates nothing in Salesforce, and says why; an association made in HubSpot is not sent either', () => {
    const result = plan({ pair: oneWay, hubspotChanges: [deal('d9', { dealname: 'HubSpot only' }, { parents: { '@companies': 'c1' } })] });
    expect(result.salesforceCreates).toEqual([]);
    expect(result.skips).toEqual([{ side: 'hubspot', id: 'd9', reason: 'deals syncs from Salesforce to HubSpot only; a record created in HubSpot is not created in Salesforce' }]);
    const links = [{ linkId: 'L1', hubspotId: 'd1', salesforceId: 'O1' }];
    const moved = plan({
      pair: oneWay,
      links,
      lastSynced: new Map([['L1', { dealname: 'x', '@companies': 'A1' }]]),
      hubspotChanges: [deal('d1', { dealname: 'x', salesforceopportunityid: 'O1' }, { parents: { '@companies': 'c2' } })],
      salesforceChanges: [opportunity('O1', { Name: 'x', AccountId: 'A1' })],
    });
    expect(moved.salesforceUpdates).toEqual([]);
    expect(moved.associationChanges).toEqual([]);
  });
});
