import { AssociationSpecAssociationCategoryEnum as Category } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAssociationsModule } from '../../../src/emulators/hubspot/associations.ts';
import type { HubSpotChange } from '../../../src/emulators/hubspot/ports.ts';
import { MemoryCrm, refusal, startModuleApp, type ModuleApp } from './associations-world.ts';

/**
 * The associations module alone, over an in-memory record reader, driven through @hubspot/api-client 13.5.0
 * (whose generated code fixes each call's path and the status codes it accepts). Response shapes are the v4
 * reference's (developers.hubspot.com/docs/api-reference/crm-associations-v4): LabelsBetweenObjectPair for
 * labelled creates, BatchResponsePublicDefaultAssociation for default ones, MultiAssociatedObjectWithLabel
 * pages, PublicAssociationMultiWithLabel batch reads, and the labels list of the associations schema API.
 */

const crm = new MemoryCrm();
const changes: HubSpotChange[] = [];
const associations = createAssociationsModule(crm, (change) => {
  changes.push(change);
  associations.onChange(change); // index.ts forwards a module's own changes back to every module
});
let h: ModuleApp;

beforeAll(async () => {
  h = await startModuleApp(crm, [associations]);
});
afterAll(() => h.close());
afterEach(() => {
  associations.state.reset();
  changes.length = 0;
});

const primary = { associationCategory: Category.HubspotDefined, associationTypeId: 1 };
const unlabelled = { associationCategory: Category.HubspotDefined, associationTypeId: 279 };
const v4 = () => h.client.crm.associations.v4;

function world() {
  const contact = crm.create('contacts', { email: 'ada@example.com' });
  const acme = crm.create('companies', { name: 'Acme' });
  const globex = crm.create('companies', { name: 'Globex' });
  const deal = crm.create('deals', { dealname: 'Big' });
  return { contact, acme, globex, deal };
}

describe('single associations', () => {
  it('creates a labelled association (201, LabelsBetweenObjectPair) seen from both ends with the inverse type ids', async () => {
    const { contact, acme } = world();
    const created = await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    expect(created).toMatchObject({ fromObjectTypeId: '0-1', fromObjectId: Number(contact.id), toObjectTypeId: '0-2', toObjectId: Number(acme.id), labels: ['Primary'] });

    const fromContact = await v4().basicApi.getPage('contacts', contact.id, 'companies');
    // A labelled association always carries the unlabelled type too.
    expect(fromContact.results).toEqual([
      { toObjectId: Number(acme.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }, { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }] },
    ]);
    expect(fromContact.paging).toBeUndefined();
    const fromCompany = await v4().basicApi.getPage('company', acme.id, '0-1');
    expect(fromCompany.results).toEqual([
      { toObjectId: Number(contact.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 280, label: null }, { category: 'HUBSPOT_DEFINED', typeId: 2, label: 'Primary' }] },
    ]);
  });

  it('creates the default association (200) and answers both directions', async () => {
    const { deal, acme } = world();
    const response = await v4().basicApi.createDefault('deals', deal.id, 'companies', acme.id);
    expect(response.status).toBe('COMPLETE');
    expect(response.results.map((r) => [r._from.id, r.to.id, r.associationSpec.associationTypeId])).toEqual([
      [deal.id, acme.id, 341],
      [acme.id, deal.id, 342],
    ]);
    expect(associations.associationsOf('companies', acme.id, 'deals')).toEqual([{ toId: deal.id, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 342 }] }]);
  });

  it('pages with after and leaves paging out on the last page', async () => {
    const company = crm.create('companies', { name: 'Big Co' });
    const contacts = Array.from({ length: 5 }, (_, i) => crm.create('contacts', { email: `p${i}@example.com` }));
    for (const contact of contacts) await v4().basicApi.createDefault('companies', company.id, 'contacts', contact.id);
    const seen: number[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await v4().basicApi.getPage('companies', company.id, 'contacts', after, 2);
      seen.push(...page.results.map((r) => Number(r.toObjectId)));
      after = page.paging?.next?.after;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(contacts.map((c) => Number(c.id)));
    expect((await h.http('GET', `/crm/v4/objects/companies/${company.id}/associations/contacts?limit=501`)).status).toBe(400);
  });

  it('deletes an association (204) from both ends', async () => {
    const { contact, acme } = world();
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    await v4().basicApi.archive('companies', acme.id, 'contacts', contact.id);
    expect((await v4().basicApi.getPage('contacts', contact.id, 'companies')).results).toEqual([]);
    expect(associations.associationsOf('companies', acme.id, 'contacts')).toEqual([]);
  });

  it('moves Primary to the new company, leaving the old pair unlabelled', async () => {
    const { contact, acme, globex } = world();
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    await v4().basicApi.create('contacts', contact.id, 'companies', globex.id, [primary]);
    const page = await v4().basicApi.getPage('contacts', contact.id, 'companies');
    expect(page.results.map((r) => [String(r.toObjectId), r.associationTypes.map((t) => t.typeId)])).toEqual([
      [acme.id, [279]],
      [globex.id, [279, 1]],
    ]);
    expect(associations.associationsOf('companies', acme.id, 'contacts')[0]?.types.map((t) => t.associationTypeId)).toEqual([280]);
  });

  it('refuses unknown records, unknown object types and type ids that do not belong to the pair, in HubSpot error JSON', async () => {
    const { contact, acme } = world();
    const noRecord = await refusal(v4().basicApi.create('contacts', contact.id, 'companies', '999999', [primary]));
    expect(noRecord.code).toBe(404);
    expect(noRecord.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'No company with id 999999 exists' });
    expect(typeof noRecord.body.correlationId).toBe('string');

    const noType = await refusal(v4().basicApi.getPage('widgets', contact.id, 'companies'));
    expect(noType).toMatchObject({ code: 400, body: { category: 'VALIDATION_ERROR', message: 'Unable to infer object type from: widgets' } });

    const wrongId = await refusal(v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [{ associationCategory: Category.HubspotDefined, associationTypeId: 3 }]));
    expect(wrongId.code).toBe(400);
    expect(wrongId.body.message).toBe('HUBSPOT_DEFINED 3 is not a valid association type id for contacts to companies');

    const malformed = await h.http('PUT', `/crm/v4/objects/contacts/${contact.id}/associations/companies/${acme.id}`, [{ associationTypeId: 'one' }]);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(associations.associationsOf('contacts', contact.id, 'companies')).toEqual([]);
  });
});

describe('batch associations', () => {
  it('creates a batch (201), and answers 207 with errors[] when some inputs name missing records', async () => {
    const { contact, acme, globex } = world();
    const ok = await v4().batchApi.create('contacts', 'companies', {
      inputs: [{ _from: { id: contact.id }, to: { id: acme.id }, types: [unlabelled] }, { _from: { id: contact.id }, to: { id: globex.id }, types: [primary] }],
    });
    expect(ok.results.map((r) => r.labels)).toEqual([[], ['Primary']]);
    expect(ok.status).toBe('COMPLETE');

    const raw = await h.http('POST', '/crm/v4/associations/contacts/companies/batch/create', {
      inputs: [
        { from: { id: contact.id }, to: { id: '424242' }, types: [unlabelled] },
        { from: { id: contact.id }, to: { id: acme.id }, types: [primary] },
      ],
    });
    expect(raw.status).toBe(207);
    expect(raw.body.numErrors).toBe(1);
    expect(raw.body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { id: ['424242'] } });
    expect(raw.body.results).toHaveLength(1);
  });

  it('associates defaults in batch and reads them back (200) with from, to[] and associationTypes', async () => {
    const { contact, acme, deal } = world();
    const lonely = crm.create('contacts', { email: 'lonely@example.com' });
    await v4().batchApi.createDefault('contacts', 'companies', { inputs: [{ _from: { id: contact.id }, to: { id: acme.id } }] });
    await v4().batchApi.createDefault('contacts', 'deals', { inputs: [{ _from: { id: contact.id }, to: { id: deal.id } }] });

    const read = await v4().batchApi.getPage('contacts', 'companies', { inputs: [{ id: contact.id }] });
    expect(read.results).toHaveLength(1);
    expect(read.results[0]?._from.id).toBe(contact.id);
    expect(read.results[0]?.to).toEqual([{ toObjectId: Number(acme.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] }]);
    expect((await v4().batchApi.getPage('deals', 'contacts', { inputs: [{ id: deal.id }] })).results[0]?.to[0]?.associationTypes[0]?.typeId).toBe(3);

    // A record with nothing associated is an error of the batch (207), not an empty result.
    const partial = await h.http('POST', '/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: contact.id }, { id: lonely.id }] });
    expect(partial.status).toBe(207);
    expect(partial.body.results.map((r: { from: { id: string } }) => r.from.id)).toEqual([contact.id]);
    expect(partial.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND' });
  });

  it('archives associations (204) and archives only the labels asked for', async () => {
    const { contact, acme, globex } = world();
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    await v4().basicApi.create('contacts', contact.id, 'companies', globex.id, [unlabelled]);
    await v4().batchApi.archiveLabels('contacts', 'companies', { inputs: [{ _from: { id: contact.id }, to: { id: acme.id }, types: [primary] }] });
    expect(associations.associationsOf('contacts', contact.id, 'companies').map((a) => [a.toId, a.types.map((t) => t.associationTypeId)])).toEqual([
      [acme.id, [279]],
      [globex.id, [279]],
    ]);
    await v4().batchApi.archive('contacts', 'companies', { inputs: [{ _from: { id: contact.id }, to: [{ id: acme.id }, { id: globex.id }] }] });
    expect(associations.associationsOf('contacts', contact.id, 'companies')).toEqual([]);
    expect(associations.associationsOf('companies', globex.id, 'contacts')).toEqual([]);
  });

  it('refuses an association past the per-record limit, alone (400) and in a batch (207)', async () => {
    const company = crm.create('companies', { name: 'Small' });
    const [a, b, c] = [1, 2, 3].map((i) => crm.create('contacts', { email: `l${i}@example.com` }));
    const limit = await h.http('POST', '/__emulator/associations/limits', { fromObjectType: 'company', toObjectType: 'contacts', maxToObjects: 2 });
    expect(limit.body.limits).toEqual([{ fromObjectType: 'companies', toObjectType: 'contacts', maxToObjects: 2 }]);
    await v4().basicApi.createDefault('contacts', a!.id, 'companies', company.id);
    await v4().basicApi.createDefault('contacts', b!.id, 'companies', company.id);
    // Re-associating an existing pair does not count twice.
    await v4().basicApi.create('contacts', b!.id, 'companies', company.id, [primary]);
    const single = await refusal(v4().basicApi.createDefault('contacts', c!.id, 'companies', company.id));
    expect(single.code).toBe(400);
    expect(single.body.message).toContain(`Company ${company.id} has reached its limit of 2 associated contacts`);
    const batch = await h.http('POST', '/crm/v4/associations/contacts/companies/batch/create', { inputs: [{ from: { id: c!.id }, to: { id: company.id }, types: [unlabelled] }] });
    expect(batch.status).toBe(207);
    expect(batch.body.errors[0].category).toBe('VALIDATION_ERROR');
  });
});

describe('association type catalogue', () => {
  it("lists HubSpot's type ids for a pair, default first, with labels", async () => {
    const labels = async (from: string, to: string) => (await v4().schema.definitionsApi.getAll(from, to)).results.map((r) => [r.typeId, r.label ?? null, r.category]);
    expect(await labels('contacts', 'companies')).toEqual([[279, null, 'HUBSPOT_DEFINED'], [1, 'Primary', 'HUBSPOT_DEFINED']]);
    expect(await labels('companies', 'contacts')).toEqual([[280, null, 'HUBSPOT_DEFINED'], [2, 'Primary', 'HUBSPOT_DEFINED']]);
    expect(await labels('deals', 'companies')).toEqual([[341, null, 'HUBSPOT_DEFINED'], [5, 'Primary', 'HUBSPOT_DEFINED']]);
    expect(await labels('tickets', 'contacts')).toEqual([[16, null, 'HUBSPOT_DEFINED']]);
    expect(await labels('notes', 'contacts')).toEqual([[202, null, 'HUBSPOT_DEFINED']]);
    expect(await labels('contacts', 'tasks')).toEqual([[203, null, 'HUBSPOT_DEFINED']]);
    expect(await labels('tickets', 'companies')).toEqual([[339, null, 'HUBSPOT_DEFINED'], [26, 'Primary', 'HUBSPOT_DEFINED']]);
  });

  it('creates a user-defined label with its inverse, associates with it, and deleting it keeps the link unlabelled', async () => {
    const { contact, acme } = world();
    const created = await v4().schema.definitionsApi.create('contacts', 'companies', { label: 'Billing contact', name: 'billing_contact', inverseLabel: 'Billed company' });
    const billing = created.results.find((r) => r.label === 'Billing contact');
    expect(billing?.category).toBe('USER_DEFINED');
    const inverse = (await v4().schema.definitionsApi.getAll('companies', 'contacts')).results.find((r) => r.label === 'Billed company');
    expect(inverse).toBeDefined();

    const pair = await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [{ associationCategory: Category.UserDefined, associationTypeId: billing!.typeId }]);
    expect(pair.labels).toEqual(['Billing contact']);
    expect(associations.associationsOf('companies', acme.id, 'contacts')[0]?.types.map((t) => t.associationTypeId)).toEqual([280, inverse!.typeId]);

    await v4().schema.definitionsApi.remove('contacts', 'companies', billing!.typeId);
    expect(associations.associationsOf('contacts', contact.id, 'companies')[0]?.types.map((t) => t.associationTypeId)).toEqual([279]);
    expect((await v4().schema.definitionsApi.getAll('contacts', 'companies')).results.map((r) => r.typeId)).toEqual([279, 1]);
  });

  it('gives a custom object pair an unlabelled type on first use', async () => {
    const car = crm.create('p881234_cars', { name: 'Volvo' });
    const { contact } = world();
    await v4().basicApi.createDefault('cars', car.id, 'contacts', contact.id);
    const [forward] = (await v4().schema.definitionsApi.getAll('p881234_cars', 'contacts')).results;
    const [backward] = (await v4().schema.definitionsApi.getAll('contacts', '2-101')).results;
    expect(forward?.category).toBe('USER_DEFINED');
    expect(associations.associationsOf('contacts', contact.id, 'p881234_cars')).toEqual([{ toId: car.id, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: backward!.typeId }] }]);
  });
});

describe('record lifecycle and the store contract', () => {
  it('announces associationChange from both ends for each type added and removed', async () => {
    const { contact, acme } = world();
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    const summary = () => changes.map((c) => (c.kind === 'associationChange' ? `${c.fromObjectType}:${c.fromId}->${c.toId}#${c.associationTypeId}${c.removed ? '-' : '+'}` : c.kind));
    expect(summary()).toEqual([
      `contacts:${contact.id}->${acme.id}#279+`,
      `companies:${acme.id}->${contact.id}#280+`,
      `contacts:${contact.id}->${acme.id}#1+`,
      `companies:${acme.id}->${contact.id}#2+`,
    ]);
    changes.length = 0;
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    expect(changes).toEqual([]); // nothing new, nothing announced
    await v4().basicApi.archive('contacts', contact.id, 'companies', acme.id);
    expect(summary()).toHaveLength(4);
    expect(changes.every((c) => c.kind === 'associationChange' && c.removed)).toBe(true);
  });

  it("drops a deleted record's associations and brings them back when it is restored", async () => {
    const { contact, acme, deal } = world();
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    await v4().basicApi.createDefault('deals', deal.id, 'contacts', contact.id);
    crm.archive('contacts', contact.id);
    expect(associations.associationsOf('companies', acme.id, 'contacts')).toEqual([]);
    expect(associations.associationsOf('deals', deal.id, 'contacts')).toEqual([]);
    expect(changes.filter((c) => c.kind === 'associationChange' && c.removed)).toHaveLength(6);
    crm.restore('contacts', contact.id);
    expect(associations.associationsOf('companies', acme.id, 'contacts').map((a) => a.types.map((t) => t.associationTypeId))).toEqual([[280, 2]]);
    expect(associations.associationsOf('deals', deal.id, 'contacts')).toEqual([{ toId: contact.id, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }]);
  });

  it("moves a merged record's associations to the primary, which keeps its own Primary company", async () => {
    const { contact, acme, globex, deal } = world();
    const duplicate = crm.create('contacts', { email: 'ada2@example.com' });
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    await v4().basicApi.create('contacts', duplicate.id, 'companies', globex.id, [primary]);
    await v4().basicApi.createDefault('contacts', duplicate.id, 'deals', deal.id);
    crm.merge('contacts', contact.id, duplicate.id);
    expect(associations.associationsOf('contacts', contact.id, 'companies').map((a) => [a.toId, a.types.map((t) => t.associationTypeId)])).toEqual([
      [acme.id, [279, 1]],
      [globex.id, [279]],
    ]);
    expect(associations.associationsOf('deals', deal.id, 'contacts').map((a) => a.toId)).toEqual([contact.id]);
    expect(associations.associationsOf('companies', globex.id, 'contacts').map((a) => a.toId)).toEqual([contact.id]);
    // The merged-away id reads as the primary, as HubSpot resolves it.
    expect((await v4().basicApi.getPage('contacts', duplicate.id, 'companies')).results).toHaveLength(2);
  });

  it('serves the record store: associate with the message HubSpot shows, and associationsOf', () => {
    const { contact, acme } = world();
    associations.associate('contacts', contact.id, 'companies', acme.id, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]);
    expect(associations.associationsOf('contacts', contact.id, 'companies')).toEqual([
      { toId: acme.id, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }, { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] },
    ]);
    expect(() => associations.associate('contacts', contact.id, 'companies', acme.id, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 999 }])).toThrow(
      'HUBSPOT_DEFINED 999 is not a valid association type id for contacts to companies',
    );
  });

  it('survives a snapshot and restore', async () => {
    const { contact, acme } = world();
    await v4().schema.definitionsApi.create('contacts', 'companies', { label: 'Champion', name: 'champion' });
    await v4().basicApi.create('contacts', contact.id, 'companies', acme.id, [primary]);
    const snapshot = JSON.parse(JSON.stringify(associations.state.snapshot()));
    associations.state.reset();
    expect(associations.associationsOf('contacts', contact.id, 'companies')).toEqual([]);
    associations.state.restore(snapshot);
    expect(associations.associationsOf('companies', acme.id, 'contacts')[0]?.types.map((t) => t.associationTypeId)).toEqual([280, 2]);
    expect((await v4().schema.definitionsApi.getAll('contacts', 'companies')).results.map((r) => r.label)).toContain('Champion');
  });
});
