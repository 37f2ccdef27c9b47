import { describe, expect, it } from 'vitest';
import { AssociationSpecAssociationCategoryEnum as Category } from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import { createAssociationsModule } from '../../../src/emulators/hubspot/associations.ts';
import type { HubSpotChange } from '../../../src/emulators/hubspot/ports.ts';
import { failure, useHarness } from './helpers.ts';

/**
 * Associations v4 driven through @hubspot/api-client against the emulator with the associations module plugged
 * in. Shapes checked: LabelsBetweenObjectPair (PUT, 201), BatchResponsePublicDefaultAssociation (PUT default, 200),
 * CollectionResponseMultiAssociatedObjectWithLabelForwardPaging (GET), the batch responses with `from` and
 * `to[].toObjectId`/`associationTypes` (https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations),
 * and HubSpot's default type ids (the SDK's AssociationTypes enum).
 */

const changes: HubSpotChange[] = [];

const h = useHarness({
  modules: (reader, emit) => {
    const associations = createAssociationsModule(reader, (change) => {
      changes.push(change);
      emit(change);
    });
    return [{ module: associations, associations }];
  },
});

const defined = (associationTypeId: number) => ({ associationCategory: Category.HubspotDefined, associationTypeId });

async function contact(email: string) {
  return (await h.client.crm.contacts.basicApi.create({ properties: { email }, associations: [] })).id;
}
async function company(name: string) {
  return (await h.client.crm.companies.basicApi.create({ properties: { name }, associations: [] })).id;
}

/** A record's associations of one type as [id, [typeId, label]…] pairs, read through the v4 GET. */
async function associated(fromType: string, fromId: string, toType: string) {
  const page = await h.client.crm.associations.v4.basicApi.getPage(fromType, fromId, toType);
  return page.results.map((r) => [String(r.toObjectId), r.associationTypes.map((t) => [t.typeId, t.label ?? null])]);
}

describe('HubSpot emulator: associations v4 labels', () => {
  it("lists HubSpot's default type ids for each pair, the unlabelled type first", async () => {
    const labels = async (from: string, to: string) =>
      (await h.client.crm.associations.v4.schema.definitionsApi.getAll(from, to)).results.map((r) => [r.typeId, r.label ?? null, r.category]);
    expect(await labels('contacts', 'companies')).toEqual([[279, null, 'HUBSPOT_DEFINED'], [1, 'Primary', 'HUBSPOT_DEFINED']]);
    expect(await labels('companies', 'contacts')).toEqual([[280, null, 'HUBSPOT_DEFINED'], [2, 'Primary', 'HUBSPOT_DEFINED']]);
    expect(await labels('deals', 'companies')).toEqual([[341, null, 'HUBSPOT_DEFINED'], [5, 'Primary', 'HUBSPOT_DEFINED']]);
    const ids = async (from: string, to: string) => (await labels(from, to)).map(([id]) => id);
    expect(await ids('deals', 'contacts')).toEqual([3]);
    expect(await ids('contacts', 'deals')).toEqual([4]);
    expect(await ids('tickets', 'contacts')).toEqual([16]);
    expect(await ids('contacts', 'tickets')).toEqual([15]);
    expect((await ids('tickets', 'companies'))[0]).toBe(339);
    expect((await ids('companies', 'tickets'))[0]).toBe(340);
    const engagements = { notes: [202, 190, 214, 228], tasks: [204, 192, 216, 230], emails: [198, 186, 210, 224], meetings: [200, 188, 212, 226], calls: [194, 182, 206, 220] };
    for (const [kind, [toContact, toCompany, toDeal, toTicket]] of Object.entries(engagements)) {
      expect([await ids(kind, 'contacts'), await ids(kind, 'companies'), await ids(kind, 'deals'), await ids(kind, 'tickets')]).toEqual([[toContact], [toCompany], [toDeal], [toTicket]]);
    }
    // Object type ids name the same pair.
    expect(await ids('0-1', '0-2')).toEqual([279, 1]);
  });

  it('creates a user-defined label with its inverse, usable on both ends', async () => {
    const definitions = h.client.crm.associations.v4.schema.definitionsApi;
    const created = await definitions.create('contacts', 'companies', { label: 'Advisor', name: 'advisor', inverseLabel: 'Advised company' });
    const forward = created.results.find((r) => r.label === 'Advisor');
    expect(forward).toMatchObject({ category: 'USER_DEFINED' });
    const backward = (await definitions.getAll('companies', 'contacts')).results.find((r) => r.label === 'Advised company');
    expect(backward).toMatchObject({ category: 'USER_DEFINED' });
    expect(backward?.typeId).not.toBe(forward?.typeId);
    // A same-type pair answers with both ends of an asymmetric label, as the v4 guide's Manager / Employee example.
    const people = await definitions.create('contacts', 'contacts', { label: 'Manager', name: 'manager', inverseLabel: 'Employee' });
    expect(people.results.map((r) => r.label).sort()).toEqual(['Employee', 'Manager']);
    const [c, co] = [await contact('advisor@example.com'), await company('Acme')];
    await h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [{ associationCategory: Category.UserDefined, associationTypeId: forward?.typeId ?? 0 }]);
    expect(await associated('companies', co, 'contacts')).toEqual([[c, [[280, null], [backward?.typeId, 'Advised company']]]]);
  });
});

describe('HubSpot emulator: associations v4 single records', () => {
  it('associates with a labelled type (201) and shows it from both ends with the inverse id', async () => {
    const [c, co] = [await contact('a@example.com'), await company('Acme')];
    const created = await h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [defined(1)]);
    expect(created).toMatchObject({ fromObjectTypeId: '0-1', toObjectTypeId: '0-2', labels: ['Primary'] });
    expect(String(created.fromObjectId)).toBe(c);
    // A labelled association always carries the pair's unlabelled type too.
    expect(await associated('contacts', c, 'companies')).toEqual([[co, [[279, null], [1, 'Primary']]]]);
    expect(await associated('companies', co, 'contacts')).toEqual([[c, [[280, null], [2, 'Primary']]]]);
    // The record store reads the same links for ?associations=.
    const read = await h.client.crm.companies.basicApi.getById(co, undefined, undefined, ['contacts']);
    expect(read.associations?.contacts?.results.map((r) => r.id)).toContain(c);
  });

  it('associates with the default type (200) and removes the association from both ends (204)', async () => {
    const [c, co] = [await contact('b@example.com'), await company('Acme')];
    const created = await h.client.crm.associations.v4.basicApi.createDefault('contacts', c, 'companies', co);
    expect(created.status).toBe('COMPLETE');
    expect(created.results.map((r) => [r._from.id, r.to.id, r.associationSpec.associationTypeId])).toEqual([[c, co, 279], [co, c, 280]]);
    await h.client.crm.associations.v4.basicApi.archive('contacts', c, 'companies', co);
    expect(await associated('contacts', c, 'companies')).toEqual([]);
    expect(await associated('companies', co, 'contacts')).toEqual([]);
  });

  it('gives a contact one primary company: a new primary leaves the old company unlabelled', async () => {
    const [c, first, second] = [await contact('p@example.com'), await company('First'), await company('Second')];
    await h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', first, [defined(1)]);
    await h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', second, [defined(1)]);
    expect(await associated('contacts', c, 'companies')).toEqual([[first, [[279, null]]], [second, [[279, null], [1, 'Primary']]]]);
    expect(await associated('companies', first, 'contacts')).toEqual([[c, [[280, null]]]]);
  });

  it('pages a long list with `after`, and leaves `paging` out of the last page', async () => {
    const co = await company('Big');
    const contacts = [await contact('1@example.com'), await contact('2@example.com'), await contact('3@example.com')];
    for (const id of contacts) await h.client.crm.associations.v4.basicApi.createDefault('companies', co, 'contacts', id);
    const first = await h.client.crm.associations.v4.basicApi.getPage('companies', co, 'contacts', undefined, 2);
    expect(first.results.map((r) => String(r.toObjectId))).toEqual(contacts.slice(0, 2));
    const after = first.paging?.next?.after;
    expect(after).toBeDefined();
    const second = await h.client.crm.associations.v4.basicApi.getPage('companies', co, 'contacts', after, 2);
    expect(second.results.map((r) => String(r.toObjectId))).toEqual(contacts.slice(2));
    expect(second.paging).toBeUndefined();
  });

  it("refuses an unknown record with HubSpot's not-found error and an unknown type id with a validation error", async () => {
    const c = await contact('c@example.com');
    const missing = await failure(h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', '999999', [defined(1)]));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect(missing.body.correlationId).toEqual(expect.any(String));
    const co = await company('Acme');
    const badType = await failure(h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [defined(3)]));
    expect(badType.code).toBe(400);
    expect(badType.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(badType.body.message).toContain('3');
    const badObject = await failure(h.client.crm.associations.v4.basicApi.getPage('widgets', c, 'companies'));
    expect(badObject.code).toBe(400);
    // Nothing was half-created.
    expect(await associated('contacts', c, 'companies')).toEqual([]);
  });

  it('refuses an association past the limit for the pair, and counts only distinct records', async () => {
    const co = await company('Small');
    expect((await h.admin('POST', 'associations/limits', { fromObjectType: 'companies', toObjectType: 'contacts', maxToObjects: 2 })).status).toBe(200);
    const [a, b, c] = [await contact('l1@example.com'), await contact('l2@example.com'), await contact('l3@example.com')];
    await h.client.crm.associations.v4.basicApi.createDefault('companies', co, 'contacts', a);
    await h.client.crm.associations.v4.basicApi.create('contacts', b, 'companies', co, [defined(1)]);
    // Labelling a pair that is already associated is not a new association.
    await h.client.crm.associations.v4.basicApi.create('contacts', a, 'companies', co, [defined(1)]);
    const refused = await failure(h.client.crm.associations.v4.basicApi.createDefault('contacts', c, 'companies', co));
    expect(refused.code).toBe(400);
    expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(refused.body.message).toContain('limit of 2');
    expect((await associated('companies', co, 'contacts')).map(([id]) => id)).toEqual([a, b]);
  });
});

describe('HubSpot emulator: associations v4 batches', () => {
  it('creates a batch (201), and reports a missing record as a 207 error while creating the rest', async () => {
    const [c1, c2, co] = [await contact('x@example.com'), await contact('y@example.com'), await company('Acme')];
    const api = h.client.crm.associations.v4.batchApi;
    const all = await api.create('contacts', 'companies', { inputs: [{ _from: { id: c1 }, to: { id: co }, types: [defined(279)] }] });
    expect(all.status).toBe('COMPLETE');
    expect(all.results).toHaveLength(1);
    const partial = await h.http('POST', '/crm/v4/associations/contacts/companies/batch/create', {
      inputs: [{ from: { id: c2 }, to: { id: co }, types: [defined(1)] }, { from: { id: '424242' }, to: { id: co }, types: [defined(279)] }],
    });
    expect(partial.status).toBe(207);
    expect(partial.body.results).toHaveLength(1);
    expect(partial.body.numErrors).toBe(1);
    expect(partial.body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect((await associated('companies', co, 'contacts')).map(([id]) => id)).toEqual([c1, c2]);
  });

  it('associates a batch with the default type (200) and reads it back from both ends', async () => {
    const [c1, c2, co] = [await contact('d1@example.com'), await contact('d2@example.com'), await company('Acme')];
    const created = await h.client.crm.associations.v4.batchApi.createDefault('contacts', 'companies', { inputs: [{ _from: { id: c1 }, to: { id: co } }, { _from: { id: c2 }, to: { id: co } }] });
    expect(created.results.map((r) => r.associationSpec.associationTypeId).sort()).toEqual([279, 279, 280, 280]);
    // A refused input rides inside a 200: the official client accepts no other status for this endpoint.
    const partial = await h.client.crm.associations.v4.batchApi.createDefault('contacts', 'companies', { inputs: [{ _from: { id: '8080808' }, to: { id: co } }] });
    expect(partial.results).toEqual([]);
    expect(partial.numErrors).toBe(1);
    expect(partial.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');
    const read = await h.client.crm.associations.v4.batchApi.getPage('companies', 'contacts', { inputs: [{ id: co }] });
    expect(read.results).toHaveLength(1);
    expect(read.results[0]?._from.id).toBe(co);
    expect(read.results[0]?.to.map((t) => [String(t.toObjectId), t.associationTypes.map((a) => a.typeId)])).toEqual([[c1, [280]], [c2, [280]]]);
  });

  it('reads a batch with 207 errors for a record with nothing associated and for an unknown record', async () => {
    const [c1, c2, co] = [await contact('r1@example.com'), await contact('r2@example.com'), await company('Acme')];
    await h.client.crm.associations.v4.basicApi.createDefault('contacts', c1, 'companies', co);
    const read = await h.http('POST', '/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: c1 }, { id: c2 }, { id: '5550000' }] });
    expect(read.status).toBe(207);
    expect(read.body.results.map((r: { from: { id: string } }) => r.from.id)).toEqual([c1]);
    expect(read.body.results[0].to[0].associationTypes).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }]);
    expect(read.body.errors.map((e: { category: string }) => e.category)).toEqual(['OBJECT_NOT_FOUND', 'OBJECT_NOT_FOUND']);
  });

  it('archives a batch (204) from both ends', async () => {
    const [c1, c2, co] = [await contact('z1@example.com'), await contact('z2@example.com'), await company('Acme')];
    await h.client.crm.associations.v4.batchApi.createDefault('contacts', 'companies', { inputs: [{ _from: { id: c1 }, to: { id: co } }, { _from: { id: c2 }, to: { id: co } }] });
    await h.client.crm.associations.v4.batchApi.archive('companies', 'contacts', { inputs: [{ _from: { id: co }, to: [{ id: c1 }] }] });
    expect((await associated('companies', co, 'contacts')).map(([id]) => id)).toEqual([c2]);
    expect(await associated('contacts', c1, 'companies')).toEqual([]);
  });

  it('refuses a malformed batch body with HubSpot\'s error JSON', async () => {
    const bad = await h.http('POST', '/crm/v4/associations/contacts/companies/batch/create', { inputs: [{ from: {}, to: { id: '1' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(bad.body.correlationId).toEqual(expect.any(String));
  });
});

describe('HubSpot emulator: associations follow the records', () => {
  it('announces each change from both ends, with the type id each end holds', async () => {
    const [c, co] = [await contact('e@example.com'), await company('Acme')];
    changes.length = 0;
    await h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [defined(1)]);
    const seen = (removed: boolean) =>
      changes
        .filter((x): x is Extract<HubSpotChange, { kind: 'associationChange' }> => x.kind === 'associationChange' && x.removed === removed)
        .map((x) => `${x.fromObjectType}:${x.fromId}->${x.toObjectType}:${x.toId}#${x.associationTypeId}`)
        .sort();
    expect(seen(false)).toEqual([`companies:${co}->contacts:${c}#2`, `companies:${co}->contacts:${c}#280`, `contacts:${c}->companies:${co}#1`, `contacts:${c}->companies:${co}#279`].sort());
    changes.length = 0;
    await h.client.crm.associations.v4.basicApi.archive('companies', co, 'contacts', c);
    expect(seen(true)).toHaveLength(4);
  });

  it("removes a deleted record's associations", async () => {
    const [c, co] = [await contact('gone@example.com'), await company('Acme')];
    await h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [defined(1)]);
    await h.client.crm.contacts.basicApi.archive(c);
    expect(await associated('companies', co, 'contacts')).toEqual([]);
  });

  it("moves both merged contacts' associations to the new merged record, which keeps the primary's primary company", async () => {
    const [keep, merged, own, other] = [await contact('keep@example.com'), await contact('merged@example.com'), await company('Own'), await company('Other')];
    const d = (await h.client.crm.deals.basicApi.create({ properties: { dealname: 'Deal' }, associations: [] })).id;
    await h.client.crm.associations.v4.basicApi.create('contacts', keep, 'companies', own, [defined(1)]);
    await h.client.crm.associations.v4.basicApi.create('contacts', merged, 'companies', other, [defined(1)]);
    await h.client.crm.associations.v4.basicApi.createDefault('deals', d, 'contacts', merged);
    const survivor = String((await h.http('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: keep, objectIdToMerge: merged })).body.id);
    expect(survivor).not.toBe(keep);
    expect(await associated('contacts', survivor, 'companies')).toEqual([[own, [[279, null], [1, 'Primary']]], [other, [[279, null]]]]);
    expect(await associated('deals', d, 'contacts')).toEqual([[survivor, [[3, null]]]]);
    expect(await associated('companies', other, 'contacts')).toEqual([[survivor, [[280, null]]]]);
  });

  it('takes associations from a create body (objects v3) and refuses an unknown type id there', async () => {
    const co = await company('Acme');
    const created = await h.client.crm.contacts.basicApi.create({ properties: { email: 'inline@example.com' }, associations: [{ to: { id: co }, types: [defined(1) as never] }] });
    expect(await associated('companies', co, 'contacts')).toEqual([[created.id, [[280, null], [2, 'Primary']]]]);
    const refused = await failure(h.client.crm.contacts.basicApi.create({ properties: { email: 'nope@example.com' }, associations: [{ to: { id: co }, types: [defined(4) as never] }] }));
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
  });

  it('survives a snapshot and restore, and forgets everything on reset', async () => {
    const [c, co] = [await contact('s@example.com'), await company('Acme')];
    await h.client.crm.associations.v4.basicApi.create('contacts', c, 'companies', co, [defined(1)]);
    const module = h.app.hubspot.modules.find((m) => m.name === 'associations');
    const snapshot = module?.state.snapshot();
    module?.state.reset();
    expect(await associated('contacts', c, 'companies')).toEqual([]);
    module?.state.restore(snapshot);
    expect(await associated('contacts', c, 'companies')).toEqual([[co, [[279, null], [1, 'Primary']]]]);
  });
});
