import { describe, expect, it } from 'vitest';
import { createListsModule } from '../../../src/emulators/hubspot/lists.ts';
import { failure, useHarness } from './helpers.ts';

/**
 * Lists v3 driven through @hubspot/api-client against the emulator's real record store with the lists module
 * plugged in, so dynamic lists follow the store's own change feed (property updates, archive, merge). Shapes
 * checked: ListCreateResponse / ListFetchResponse (`list` with listId, processingType, objectTypeId),
 * MembershipsUpdateResponse (HubSpot's own `recordsIdsAdded` spelling), ApiCollectionResponseJoinTimeAndRecordId
 * (recordId, membershipTimestamp, paging.next.after), ListSearchResponse, and the filter branches of the
 * "List (segment) filters overview" (https://developers.hubspot.com/docs/api-reference/crm-lists-v3/list-filters).
 */

const h = useHarness({ modules: (reader) => [{ module: createListsModule(reader) }] });

// The filter shapes are the docs'; the SDK's generated union types are looser than the wire, so they are typed here.
type Json = Record<string, unknown>;
const filter = (property: string, operation: Json) => ({ filterType: 'PROPERTY', property, operation });
const orOfAnds = (...groups: Json[][]) => ({
  filterBranchType: 'OR',
  filterBranchOperator: 'OR',
  filters: [],
  filterBranches: groups.map((filters) => ({ filterBranchType: 'AND', filterBranchOperator: 'AND', filters, filterBranches: [] })),
});

async function contact(properties: Record<string, string>) {
  return (await h.client.crm.contacts.basicApi.create({ properties, associations: [] })).id;
}

async function createList(body: Json) {
  return (await h.client.crm.lists.listsApi.create(body as never)).list;
}

async function members(listId: string): Promise<string[]> {
  return (await h.client.crm.lists.membershipsApi.getPage(listId)).results.map((r) => r.recordId);
}

describe('HubSpot emulator: manual lists over the record store', () => {
  it('adds, removes and reports missing records, with membership timestamps', async () => {
    const [a, b] = [await contact({ email: 'a@example.com' }), await contact({ email: 'b@example.com' })];
    const list = await createList({ name: 'Hand picked', objectTypeId: '0-1', processingType: 'MANUAL' });
    expect(list).toMatchObject({ name: 'Hand picked', objectTypeId: '0-1', processingType: 'MANUAL', processingStatus: 'COMPLETE', listVersion: 1 });
    expect(list.listId).toMatch(/^\d+$/);

    const added = await h.client.crm.lists.membershipsApi.add(list.listId, [a, b, '99999999']);
    expect(added).toEqual({ recordsIdsAdded: [a, b], recordIdsRemoved: [], recordIdsMissing: ['99999999'] });
    const page = await h.client.crm.lists.membershipsApi.getPage(list.listId);
    expect(page.results.map((r) => r.recordId)).toEqual([a, b]);
    expect(page.results[0]?.membershipTimestamp).toBeInstanceOf(Date);
    expect(Number.isNaN(page.results[0]?.membershipTimestamp.getTime())).toBe(false);

    expect(await h.client.crm.lists.membershipsApi.remove(list.listId, [a])).toMatchObject({ recordIdsRemoved: [a] });
    const swapped = await h.client.crm.lists.membershipsApi.addAndRemove(list.listId, { recordIdsToAdd: [a], recordIdsToRemove: [b] });
    expect(swapped).toMatchObject({ recordsIdsAdded: [a], recordIdsRemoved: [b] });
    expect(await members(list.listId)).toEqual([a]);

    // The record's side: which lists hold it.
    const held = await h.client.crm.lists.membershipsApi.getLists('0-1', a);
    expect(held.results.map((r) => r.listId)).toEqual([list.listId]);
    expect((await h.client.crm.lists.membershipsApi.getLists('0-1', b)).results).toEqual([]);
  });

  it('pages memberships with `after`, in record id order, and leaves `next` out of the last page', async () => {
    const list = await createList({ name: 'Paged', objectTypeId: '0-1', processingType: 'MANUAL' });
    const ids = [await contact({ email: 'p1@example.com' }), await contact({ email: 'p2@example.com' }), await contact({ email: 'p3@example.com' })];
    await h.client.crm.lists.membershipsApi.add(list.listId, [...ids].reverse());
    const first = await h.client.crm.lists.membershipsApi.getPage(list.listId, undefined, undefined, 2);
    expect(first.results.map((r) => r.recordId)).toEqual(ids.slice(0, 2));
    expect(first.total).toBe(3);
    const after = first.paging?.next?.after;
    expect(after).toEqual(expect.any(String));
    const second = await h.client.crm.lists.membershipsApi.getPage(list.listId, after, undefined, 2);
    expect(second.results.map((r) => r.recordId)).toEqual(ids.slice(2));
    expect(second.paging?.next).toBeUndefined();
    const tooMany = await failure(h.client.crm.lists.membershipsApi.getPage(list.listId, undefined, undefined, 251));
    expect(tooMany.code).toBe(400);
  });

  it("drops an archived record and moves a merged record's membership to the merged result", async () => {
    const [keep, merged, gone] = [await contact({ email: 'keep@example.com' }), await contact({ email: 'merged@example.com' }), await contact({ email: 'gone@example.com' })];
    const list = await createList({ name: 'Merges', objectTypeId: '0-1', processingType: 'MANUAL' });
    await h.client.crm.lists.membershipsApi.add(list.listId, [merged, gone]);
    await h.client.crm.contacts.basicApi.archive(gone);
    const survivor = String((await h.http('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: keep, objectIdToMerge: merged })).body.id);
    expect(await members(list.listId)).toEqual([survivor]);
  });
});

describe('HubSpot emulator: dynamic lists over the record store', () => {
  const customersAtAcme = orOfAnds([
    filter('lifecyclestage', { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['customer'], includeObjectsWithNoValueSet: false }),
    filter('email', { operationType: 'STRING', operator: 'CONTAINS', value: '@ACME.', includeObjectsWithNoValueSet: false }),
  ]);

  it('holds exactly the records passing its filters, as the store announces changes', async () => {
    const already = await contact({ email: 'ann@acme.com', lifecyclestage: 'customer' });
    const lead = await contact({ email: 'bob@acme.com', lifecyclestage: 'lead' });
    await contact({ email: 'cy@other.com', lifecyclestage: 'customer' });
    const list = await createList({ name: 'Acme customers', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: customersAtAcme });
    expect(list.size).toBe(1);
    expect(await members(list.listId)).toEqual([already]);

    // Entering by a property change, and a new record entering at creation.
    await h.client.crm.contacts.basicApi.update(lead, { properties: { lifecyclestage: 'customer' } });
    const created = await contact({ email: 'dee@acme.com', lifecyclestage: 'customer' });
    expect(await members(list.listId)).toEqual([already, lead, created]);

    // Leaving by a property change, by a batch update, and by deletion.
    await h.client.crm.contacts.basicApi.update(already, { properties: { email: 'ann@elsewhere.com' } });
    await h.client.crm.contacts.batchApi.update({ inputs: [{ id: lead, properties: { lifecyclestage: 'lead' } }] });
    await h.client.crm.contacts.basicApi.archive(created);
    expect(await members(list.listId)).toEqual([]);
  });

  it('refuses manual membership changes, as HubSpot does for a DYNAMIC list', async () => {
    const c = await contact({ email: 'x@acme.com' });
    const list = await createList({ name: 'Dynamic', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: customersAtAcme });
    for (const attempt of [
      h.client.crm.lists.membershipsApi.add(list.listId, [c]),
      h.client.crm.lists.membershipsApi.remove(list.listId, [c]),
      h.client.crm.lists.membershipsApi.addAndRemove(list.listId, { recordIdsToAdd: [c], recordIdsToRemove: [] }),
    ]) {
      const refused = await failure(attempt);
      expect(refused.code).toBe(400);
      expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
      expect(refused.body.message).toContain('DYNAMIC');
    }
    expect(await members(list.listId)).toEqual([]);
  });

  it('lets includeObjectsWithNoValueSet alone decide for a record without a value', async () => {
    const ceo = await contact({ email: 't@example.com', jobtitle: 'CEO' });
    const engineer = await contact({ email: 'e@example.com', jobtitle: 'Engineer' });
    const untitled = await contact({ email: 'u@example.com' });
    const notCeo = (includeObjectsWithNoValueSet: boolean) =>
      orOfAnds([filter('jobtitle', { operationType: 'STRING', operator: 'IS_NOT_EQUAL_TO', value: 'ceo', includeObjectsWithNoValueSet })]);
    const strict = await createList({ name: 'Not CEO', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: notCeo(false) });
    const withBlanks = await createList({ name: 'Not CEO or blank', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: notCeo(true) });
    expect(await members(strict.listId)).toEqual([engineer]);
    expect(await members(withBlanks.listId)).toEqual([engineer, untitled]);

    // Either AND branch of the root OR lets a record in.
    const either = await createList({
      name: 'Either',
      objectTypeId: '0-1',
      processingType: 'DYNAMIC',
      filterBranch: orOfAnds(
        [filter('jobtitle', { operationType: 'MULTISTRING', operator: 'IS_EQUAL_TO', values: ['ceo', 'cfo'], includeObjectsWithNoValueSet: false })],
        [filter('email', { operationType: 'STRING', operator: 'STARTS_WITH', value: 'u@', includeObjectsWithNoValueSet: false })],
      ),
    });
    expect(await members(either.listId)).toEqual([ceo, untitled]);
  });

  it('follows new filters after update-list-filters, and renames with update-list-name', async () => {
    await contact({ email: 'a@acme.com', lifecyclestage: 'customer' });
    const lead = await contact({ email: 'b@example.com', lifecyclestage: 'lead' });
    const list = await createList({ name: 'Changing', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: customersAtAcme });
    const leads = orOfAnds([filter('lifecyclestage', { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['lead'], includeObjectsWithNoValueSet: false })]);
    const updated = await h.client.crm.lists.listsApi.updateListFilters(list.listId, { filterBranch: leads as never });
    expect(updated.updatedList?.listVersion).toBe(2);
    expect(await members(list.listId)).toEqual([lead]);
    const renamed = await h.client.crm.lists.listsApi.updateName(list.listId, 'Leads');
    expect(renamed.updatedList).toMatchObject({ name: 'Leads', listVersion: 3 });
    const manual = await createList({ name: 'Manual', objectTypeId: '0-1', processingType: 'MANUAL' });
    expect((await failure(h.client.crm.lists.listsApi.updateListFilters(manual.listId, { filterBranch: leads as never }))).code).toBe(400);
  });
});

describe('HubSpot emulator: list definitions', () => {
  it('returns filters only when asked, finds lists by search, by name and by id, and deletes and restores them', async () => {
    const branch = orOfAnds([filter('email', { operationType: 'ALL_PROPERTY', operator: 'IS_KNOWN', includeObjectsWithNoValueSet: false })]);
    await contact({ email: 'someone@example.com' });
    const list = await createList({ name: 'Everyone with an email', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: branch });
    await createList({ name: 'Another list', objectTypeId: '0-1', processingType: 'MANUAL' });

    expect((await h.client.crm.lists.listsApi.getById(list.listId)).list.filterBranch).toBeUndefined();
    expect((await h.client.crm.lists.listsApi.getById(list.listId, true)).list.filterBranch).toMatchObject({ filterBranchType: 'OR' });
    expect((await h.client.crm.lists.listsApi.getByName('Everyone with an email', '0-1')).list.listId).toBe(list.listId);

    const found = await h.client.crm.lists.listsApi.doSearch({ query: 'email' });
    expect(found.total).toBe(1);
    expect(found.hasMore).toBe(false);
    expect(found.lists[0]).toMatchObject({ listId: list.listId, processingType: 'DYNAMIC', additionalProperties: { hs_list_size: '1' } });
    expect((await h.client.crm.lists.listsApi.doSearch({ processingTypes: ['MANUAL'] })).lists.map((l) => l.name)).toEqual(['Another list']);

    await h.client.crm.lists.listsApi.remove(list.listId);
    const gone = await failure(h.client.crm.lists.listsApi.getById(list.listId));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect((await h.client.crm.lists.listsApi.doSearch({})).total).toBe(1);
    await h.client.crm.lists.listsApi.restore(list.listId);
    expect(await members(list.listId)).toHaveLength(1);
  });

  it("refuses malformed definitions with HubSpot's error JSON", async () => {
    const and = { filterBranchType: 'AND', filters: [filter('email', { operationType: 'ALL_PROPERTY', operator: 'IS_KNOWN', includeObjectsWithNoValueSet: false })], filterBranches: [] };
    const cases: Array<[Json, string]> = [
      [{ name: 'Root AND', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: and }, 'OR'],
      [{ name: 'No filters', objectTypeId: '0-1', processingType: 'DYNAMIC' }, 'filterBranch'],
      [{ name: 'Dates', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: orOfAnds([filter('createdate', { operationType: 'TIME_POINT', operator: 'IS_AFTER' })]) }, 'TIME_POINT'],
      [{ name: 'Widgets', objectTypeId: '2-999999', processingType: 'MANUAL' }, '2-999999'],
    ];
    for (const [body, mentioned] of cases) {
      const refused = await failure(h.client.crm.lists.listsApi.create(body as never));
      expect(refused.code).toBe(400);
      expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
      expect(refused.body.correlationId).toEqual(expect.any(String));
      expect(refused.body.message).toContain(mentioned);
    }
    // List names are unique in a portal, whatever their case.
    await createList({ name: 'Taken', objectTypeId: '0-1', processingType: 'MANUAL' });
    const duplicate = await failure(h.client.crm.lists.listsApi.create({ name: 'taken', objectTypeId: '0-1', processingType: 'MANUAL' }));
    expect(duplicate.code).toBe(409);
    expect(duplicate.body.category).toBe('CONFLICT');
    const missing = await failure(h.client.crm.lists.membershipsApi.getPage('424242'));
    expect(missing.code).toBe(404);
  });

  it('lists companies too, and survives snapshot and restore through the emulator', async () => {
    const company = (await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme', industry: 'COMPUTER_SOFTWARE' }, associations: [] })).id;
    const list = await createList({
      name: 'Tech companies',
      objectTypeId: '0-2',
      processingType: 'DYNAMIC',
      filterBranch: orOfAnds([filter('industry', { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['computer_software'], includeObjectsWithNoValueSet: false })]),
    });
    expect(await members(list.listId)).toEqual([company]);
    const module = h.app.hubspot.modules.find((m) => m.name === 'lists');
    const snapshot = JSON.parse(JSON.stringify(module?.state.snapshot())) as unknown;
    module?.state.reset();
    expect((await failure(h.client.crm.lists.listsApi.getById(list.listId))).code).toBe(404);
    module?.state.restore(snapshot);
    expect(await members(list.listId)).toEqual([company]);
  });
});
