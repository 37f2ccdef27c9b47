import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListsModule } from '../../../src/emulators/hubspot/lists.ts';
import { MemoryCrm, refusal, startModuleApp, type ModuleApp } from './associations-world.ts';

/**
 * Lists v3 of the emulator alone, over an in-memory record reader, driven through @hubspot/api-client 13.5.0
 * (crm.lists.listsApi / membershipsApi). Shapes are the lists v3 reference's (developers.hubspot.com/docs/
 * api-reference/crm-lists-v3): ListCreateResponse {list}, memberships pages of {recordId, membershipTimestamp},
 * MembershipsUpdateResponse (with HubSpot's own spelling `recordsIdsAdded`), record memberships; the filter
 * shapes are those of the "List filters" guide (root OR branch, nested AND, PROPERTY filters).
 */

const crm = new MemoryCrm();
const lists = createListsModule(crm);
let h: ModuleApp;

beforeAll(async () => {
  h = await startModuleApp(crm, [lists]);
});
afterAll(() => h.close());
afterEach(() => {
  lists.state.reset();
  crm.clear();
});

const api = () => h.client.crm.lists;

/** A root OR branch with one AND branch of property filters, as the list filters guide nests them. */
const branch = (...filters: Array<Record<string, unknown>>) => ({
  filterBranchType: 'OR',
  filterBranchOperator: 'OR',
  filters: [],
  filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filters, filterBranches: [] }],
});
const property = (name: string, operation: Record<string, unknown>) => ({ filterType: 'PROPERTY', property: name, operation });

/** Through the official client, whose serializer must carry the filter branch through unchanged. */
async function createDynamic(name: string, ...filters: Array<Record<string, unknown>>) {
  const { list } = await api().listsApi.create({ name, objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: branch(...filters) as never });
  return list;
}

const memberIds = async (listId: string) => (await api().membershipsApi.getPage(listId)).results.map((r) => r.recordId);

describe('HubSpot lists v3', () => {
  it('creates a manual list, adds and removes members (recordsIdsAdded, recordIdsMissing) and pages them by recordId', async () => {
    const contacts = Array.from({ length: 5 }, (_, i) => crm.create('contacts', { email: `m${i}@example.com` }));
    const { list } = await api().listsApi.create({ name: 'Conference leads', objectTypeId: '0-1', processingType: 'MANUAL' });
    expect(list).toMatchObject({ name: 'Conference leads', objectTypeId: '0-1', processingType: 'MANUAL', processingStatus: 'COMPLETE', listVersion: 1 });

    const added = await api().membershipsApi.add(list.listId, [...contacts.map((c) => c.id), '999999']);
    expect(added.recordsIdsAdded).toEqual(contacts.map((c) => c.id));
    expect(added.recordIdsMissing).toEqual(['999999']);

    const first = await api().membershipsApi.getPage(list.listId, undefined, undefined, 2);
    expect(first.results).toHaveLength(2);
    expect(first.results[0]?.membershipTimestamp).toBeInstanceOf(Date);
    const seen = [...first.results.map((r) => r.recordId)];
    let after = first.paging?.next?.after;
    while (after) {
      const page = await api().membershipsApi.getPage(list.listId, after, undefined, 2);
      seen.push(...page.results.map((r) => r.recordId));
      after = page.paging?.next?.after;
    }
    expect(seen).toEqual(contacts.map((c) => c.id));

    const both = await api().membershipsApi.addAndRemove(list.listId, { recordIdsToAdd: [], recordIdsToRemove: [contacts[0]!.id, contacts[1]!.id] });
    expect(both.recordIdsRemoved).toEqual([contacts[0]!.id, contacts[1]!.id]);
    const removed = await api().membershipsApi.remove(list.listId, [contacts[2]!.id]);
    expect(removed.recordIdsRemoved).toEqual([contacts[2]!.id]);
    expect(await memberIds(list.listId)).toEqual([contacts[3]!.id, contacts[4]!.id]);
    expect((await api().listsApi.getById(list.listId)).list.size).toBe(2);
  });

  it('fills a dynamic list from its filters and moves records in and out as their properties change', async () => {
    const ada = crm.create('contacts', { email: 'ada@acme.com', lifecyclestage: 'lead' });
    const bob = crm.create('contacts', { email: 'bob@other.com', lifecyclestage: 'lead' });
    crm.create('contacts', { email: 'cy@acme.com', lifecyclestage: 'customer' });
    const list = await createDynamic(
      'Acme leads',
      property('email', { operationType: 'STRING', operator: 'CONTAINS', value: '@ACME.com' }),
      property('lifecyclestage', { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['lead', 'subscriber'] }),
    );
    expect(list.size).toBe(1);
    expect(list.filterBranch).toMatchObject({ filterBranchType: 'OR', filterBranches: [{ filterBranchType: 'AND' }] });
    expect(await memberIds(list.listId)).toEqual([ada.id]);

    crm.update('contacts', bob.id, { email: 'bob@acme.com' }); // enters
    crm.update('contacts', ada.id, { lifecyclestage: 'customer' }); // leaves
    const dan = crm.create('contacts', { email: 'dan@acme.com', lifecyclestage: 'subscriber' }); // enters on creation
    expect(await memberIds(list.listId)).toEqual([bob.id, dan.id]);

    const memberships = await api().membershipsApi.getLists('0-1', bob.id);
    expect(memberships.results.map((m) => m.listId)).toEqual([list.listId]);
    expect(memberships.results[0]?.firstAddedTimestamp).toBeInstanceOf(Date);
  });

  it('evaluates IS_KNOWN, IS_UNKNOWN, IS_EQUAL_TO and IS_NOT_EQUAL_TO, and NOT_ANY branches', async () => {
    const withPhone = crm.create('contacts', { phone: '+47 1234', city: 'Oslo' });
    const noPhone = crm.create('contacts', { city: 'Bergen' });
    const nothing = crm.create('contacts', {});
    const known = await createDynamic('Has phone', property('phone', { operationType: 'ALL_PROPERTY', operator: 'IS_KNOWN' }));
    const unknown = await createDynamic('No phone', property('phone', { operationType: 'ALL_PROPERTY', operator: 'IS_UNKNOWN' }));
    const oslo = await createDynamic('Oslo', property('city', { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'oslo' }));
    // A record with no city passes a negative operator only when includeObjectsWithNoValueSet says so.
    const notOslo = await createDynamic('Not Oslo', property('city', { operationType: 'STRING', operator: 'IS_NOT_EQUAL_TO', value: 'Oslo' }));
    const notOsloOrBlank = await createDynamic('Not Oslo or blank', property('city', { operationType: 'STRING', operator: 'IS_NOT_EQUAL_TO', value: 'Oslo', includeObjectsWithNoValueSet: true }));
    expect(await memberIds(known.listId)).toEqual([withPhone.id]);
    expect(await memberIds(unknown.listId)).toEqual([noPhone.id, nothing.id]);
    expect(await memberIds(oslo.listId)).toEqual([withPhone.id]);
    expect(await memberIds(notOslo.listId)).toEqual([noPhone.id]);
    expect(await memberIds(notOsloOrBlank.listId)).toEqual([noPhone.id, nothing.id]);

    const notAny = await h.http('POST', '/crm/v3/lists', {
      name: 'Not in Bergen',
      objectTypeId: 'contacts',
      processingType: 'DYNAMIC',
      filterBranch: { filterBranchType: 'OR', filters: [], filterBranches: [{ filterBranchType: 'NOT_ANY', filters: [property('city', { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'Bergen' })], filterBranches: [] }] },
    });
    expect(await memberIds(notAny.body.list.listId)).toEqual([withPhone.id, nothing.id]);
  });

  it('refuses manual membership changes on a dynamic list, as HubSpot does', async () => {
    const contact = crm.create('contacts', { email: 'x@acme.com' });
    const list = await createDynamic('Acme', property('email', { operationType: 'STRING', operator: 'ENDS_WITH', value: 'acme.com' }));
    const refused = await refusal(api().membershipsApi.add(list.listId, [contact.id]));
    expect(refused.code).toBe(400);
    expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(refused.body.message).toContain('DYNAMIC');
    expect((await h.http('PUT', `/crm/v3/lists/${list.listId}/memberships/add-and-remove`, { recordIdsToAdd: [], recordIdsToRemove: [contact.id] })).status).toBe(400);
    expect(await memberIds(list.listId)).toEqual([contact.id]);
  });

  it('applies new filters at once, and members that still pass keep their join time', async () => {
    const oslo = crm.create('contacts', { city: 'Oslo' });
    const bergen = crm.create('contacts', { city: 'Bergen' });
    crm.create('contacts', { city: 'Tromsø' });
    const list = await createDynamic('West', property('city', { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'Oslo' }));
    const before = (await api().membershipsApi.getPage(list.listId)).results[0]?.membershipTimestamp;
    const wider = branch(property('city', { operationType: 'MULTISTRING', operator: 'IS_EQUAL_TO', values: ['Oslo', 'Bergen'] }));
    const { updatedList } = await api().listsApi.updateListFilters(list.listId, { filterBranch: wider as never });
    expect(updatedList?.listVersion).toBe(2);
    const after = (await api().membershipsApi.getPage(list.listId)).results;
    expect(after.map((m) => m.recordId)).toEqual([oslo.id, bergen.id]);
    expect(after[0]?.membershipTimestamp).toEqual(before);
  });

  it('takes a snapshot list from its filters once, then keeps it manual', async () => {
    const a = crm.create('contacts', { city: 'Oslo' });
    const created = await h.http('POST', '/crm/v3/lists', { name: 'Oslo today', objectTypeId: '0-1', processingType: 'SNAPSHOT', filterBranch: branch(property('city', { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'Oslo' })) });
    const listId = created.body.list.listId;
    crm.create('contacts', { city: 'Oslo' });
    crm.update('contacts', a.id, { city: 'Bergen' });
    expect(await memberIds(listId)).toEqual([a.id]);
  });

  it('refuses filters it cannot evaluate, bad operators and unknown object types in HubSpot error JSON', async () => {
    const bad = async (filterBranch: unknown, objectTypeId = '0-1') => h.http('POST', '/crm/v3/lists', { name: `L${Math.random()}`, objectTypeId, processingType: 'DYNAMIC', filterBranch });
    const association = await bad(branch({ filterType: 'ASSOCIATION', operator: 'IN_LIST' }));
    expect(association.status).toBe(400);
    expect(association.body.message).toContain('ASSOCIATION filters are not supported');
    expect((await bad(branch(property('city', { operationType: 'STRING', operator: 'IS_ANY_OF', value: 'x' })))).body.message).toContain('IS_ANY_OF is not a valid operator for STRING');
    expect((await bad({ ...branch(), filterBranchType: 'AND' })).body.message).toContain('root filter branch must be of type OR');
    const noType = await bad(branch(), '9-99');
    expect(noType.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: 'Unable to infer object type from: 9-99' });
    expect((await h.http('POST', '/crm/v3/lists', { name: 'No filters', objectTypeId: '0-1', processingType: 'DYNAMIC' })).status).toBe(400);
    const missing = await refusal(api().listsApi.getById('4242'));
    expect(missing).toMatchObject({ code: 404, body: { category: 'OBJECT_NOT_FOUND' } });
  });

  it('finds lists by search, by id and by name, and deletes and restores them', async () => {
    const { list: manual } = await api().listsApi.create({ name: 'Partners', objectTypeId: '0-1', processingType: 'MANUAL' });
    await createDynamic('Partner leads', property('email', { operationType: 'ALL_PROPERTY', operator: 'IS_KNOWN' }));
    await api().listsApi.create({ name: 'Customers', objectTypeId: '0-2', processingType: 'MANUAL' });
    const search = await api().listsApi.doSearch({ query: 'partner', processingTypes: ['MANUAL'], offset: 0, count: 10 });
    expect(search.lists.map((l) => l.name)).toEqual(['Partners']);
    expect(search.lists[0]?.additionalProperties.hs_list_size).toBe('0');
    expect(search).toMatchObject({ total: 1, hasMore: false });
    const paged = await api().listsApi.doSearch({ offset: 0, count: 2 });
    expect(paged).toMatchObject({ total: 3, offset: 2, hasMore: true });
    expect((await api().listsApi.getAll([manual.listId])).lists.map((l) => l.name)).toEqual(['Partners']);
    expect((await api().listsApi.getByName('customers', '0-2')).list.objectTypeId).toBe('0-2');

    const duplicate = await refusal(api().listsApi.create({ name: 'partners', objectTypeId: '0-1', processingType: 'MANUAL' }));
    expect(duplicate.code).toBe(409);

    await api().listsApi.remove(manual.listId);
    expect((await refusal(api().listsApi.getById(manual.listId))).code).toBe(404);
    await api().listsApi.restore(manual.listId);
    expect((await api().listsApi.getById(manual.listId)).list.name).toBe('Partners');
  });

  it('drops deleted records from every list, moves merged members to the survivor, and re-admits a restored record', async () => {
    const a = crm.create('contacts', { city: 'Oslo' });
    const b = crm.create('contacts', { city: 'Oslo' });
    const seeded = await h.http('POST', '/__emulator/lists', { name: 'VIP', objectTypeId: '0-1', processingType: 'MANUAL', recordIds: [b.id] });
    const vip = seeded.body.list.listId;
    const oslo = await createDynamic('Oslo', property('city', { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'Oslo' }));

    crm.merge('contacts', a.id, b.id);
    expect(await memberIds(vip)).toEqual([a.id]);
    expect(await memberIds(oslo.listId)).toEqual([a.id]);

    crm.archive('contacts', a.id);
    expect(await memberIds(vip)).toEqual([]);
    expect(await memberIds(oslo.listId)).toEqual([]);
    crm.restore('contacts', a.id);
    expect(await memberIds(oslo.listId)).toEqual([a.id]);
  });

  it('survives a snapshot and restore', async () => {
    const a = crm.create('contacts', {});
    const { list } = await api().listsApi.create({ name: 'Kept', objectTypeId: '0-1', processingType: 'MANUAL' });
    await api().membershipsApi.add(list.listId, [a.id]);
    const snapshot = JSON.parse(JSON.stringify(lists.state.snapshot()));
    lists.state.reset();
    expect((await refusal(api().listsApi.getById(list.listId))).code).toBe(404);
    lists.state.restore(snapshot);
    expect(await memberIds(list.listId)).toEqual([a.id]);
    const { list: next } = await api().listsApi.create({ name: 'Next', objectTypeId: '0-1', processingType: 'MANUAL' });
    expect(next.listId).not.toBe(list.listId);
  });
});
