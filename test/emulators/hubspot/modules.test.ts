import { describe, expect, it } from 'vitest';
import type { HubSpotAssociationStore, HubSpotAssociationType, HubSpotChange, HubSpotEmulatorModule, HubSpotRecordReader } from '../../../src/emulators/hubspot/ports.ts';
import { failure, useHarness } from './helpers.ts';

/**
 * A stand-in for the associations/lists/webhooks modules, built only on the ports.ts contract: it records the
 * changes the store forwards, keeps associations in a list, and serves one vendor route of its own.
 */
interface Link {
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
  types: HubSpotAssociationType[];
}

const changes: HubSpotChange[] = [];
const links: Link[] = [];
let reader: HubSpotRecordReader | undefined;

const recordingModule: HubSpotEmulatorModule<Link[]> = {
  name: 'recording',
  register(app) {
    app.get('/crm/v4/recording/ping', async () => ({ links: links.length }));
    app.get('/__emulator/recording', async () => ({ changes: changes.length }));
  },
  onChange(change) {
    changes.push(change);
  },
  state: {
    reset() {
      changes.length = 0;
      links.length = 0;
    },
    snapshot: () => [...links],
    restore(snapshot) {
      links.splice(0, links.length, ...snapshot);
    },
  },
};

const associationStore: HubSpotAssociationStore = {
  associate(fromType, fromId, toType, toId, types) {
    if (types.some((t) => t.associationTypeId === 999)) throw new Error('999 is not a valid association type id for contacts to companies');
    links.push({ fromType, fromId, toType, toId, types });
  },
  associationsOf(fromType, fromId, toType) {
    return links.filter((l) => l.fromType === fromType && l.fromId === fromId && l.toType === toType).map((l) => ({ toId: l.toId, types: l.types }));
  },
};

const h = useHarness({
  modules: (givenReader) => {
    reader = givenReader;
    return [{ module: recordingModule, associations: associationStore }];
  },
});

const primary: HubSpotAssociationType = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 };

describe('HubSpot emulator modules (ports.ts contract)', () => {
  it('forwards creation, property changes, deletion and merge to every module', async () => {
    const a = await h.client.crm.contacts.basicApi.create({ properties: { email: 'a@example.com', firstname: 'A' }, associations: [] });
    const b = await h.client.crm.contacts.basicApi.create({ properties: { email: 'b@example.com' }, associations: [] });
    changes.length = 0;
    await h.client.crm.contacts.basicApi.update(a.id, { properties: { firstname: 'Ann', lastname: 'Lee' } });
    await h.client.crm.contacts.basicApi.update(a.id, { properties: { firstname: 'Ann' } });
    const kinds = changes.map((c) => (c.kind === 'propertyChange' ? `${c.kind}:${c.propertyName}=${c.propertyValue}` : c.kind));
    // The second update changed nothing, so it announced nothing; the modification dates are never announced.
    expect(kinds).toEqual(['propertyChange:firstname=Ann', 'propertyChange:lastname=Lee']);

    changes.length = 0;
    // A contact merge mints a new record: both old ids are gone into it.
    const newId = String((await h.http('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: a.id, objectIdToMerge: b.id })).body.id);
    expect(changes[0]).toEqual({ kind: 'merge', objectType: 'contacts', primaryId: a.id, mergedIds: [a.id, b.id], newId });
    changes.length = 0;
    await h.client.crm.contacts.basicApi.archive(newId);
    expect(changes).toEqual([{ kind: 'deletion', objectType: 'contacts', id: newId }]);
  });

  it('announces a creation with the record, then each property set', async () => {
    const created = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme', city: 'Oslo' }, associations: [] });
    expect(changes[0]).toMatchObject({ kind: 'creation', record: { id: created.id, objectType: 'companies', properties: { name: 'Acme' } } });
    expect(changes.slice(1).map((c) => (c.kind === 'propertyChange' ? c.propertyName : c.kind)).sort()).toEqual(['city', 'name']);
  });

  it('gives modules a reader that resolves type names and ids and reads records', async () => {
    const created = await h.client.crm.deals.basicApi.create({ properties: { dealname: 'Big one' }, associations: [] });
    expect(reader?.resolveObjectType('deal')).toBe('deals');
    expect(reader?.resolveObjectType('0-3')).toBe('deals');
    expect(reader?.resolveObjectType('widgets')).toBeUndefined();
    expect(reader?.objectTypeId('contacts')).toBe('0-1');
    expect(reader?.get('deals', created.id)?.properties.dealname).toBe('Big one');
    expect([...(reader?.scan('deals') ?? [])].map((r) => r.id)).toEqual([created.id]);
  });

  it('creates records with associations through the associations module and returns them with ?associations=', async () => {
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    const contact = await h.client.crm.contacts.basicApi.create({
      properties: { email: 'linked@example.com' },
      associations: [{ to: { id: company.id }, types: [primary as never] }],
    });
    expect(links).toEqual([{ fromType: 'contacts', fromId: contact.id, toType: 'companies', toId: company.id, types: [primary] }]);
    const read = await h.client.crm.contacts.basicApi.getById(contact.id, undefined, undefined, ['companies']);
    expect(read.associations?.companies?.results).toEqual([{ id: company.id, type: 'contact_to_company' }]);
    const page = await h.client.crm.contacts.basicApi.getPage(10, undefined, undefined, undefined, ['companies']);
    expect(page.results[0]?.associations?.companies?.results[0]?.id).toBe(company.id);
  });

  it('searches by associated record with the associations.{type} pseudo-property', async () => {
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    const linked = await h.client.crm.contacts.basicApi.create({ properties: { email: 'in@example.com' }, associations: [{ to: { id: company.id }, types: [primary as never] }] });
    await h.client.crm.contacts.basicApi.create({ properties: { email: 'out@example.com' }, associations: [] });
    const found = await h.client.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'associations.company', operator: 'EQ' as never, value: company.id }] }], limit: 10 });
    expect(found.results.map((r) => r.id)).toEqual([linked.id]);
  });

  it('creates nothing when an association is refused', async () => {
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    changes.length = 0;
    const refused = await failure(
      h.client.crm.contacts.basicApi.create({ properties: { email: 'nope@example.com' }, associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 999 } as never] }] }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body.message).toContain('999 is not a valid association type id');
    const missingTarget = await failure(h.client.crm.contacts.basicApi.create({ properties: { email: 'nope@example.com' }, associations: [{ to: { id: '987654' }, types: [primary as never] }] }));
    expect(missingTarget.code).toBe(400);
    expect((await h.admin('GET', 'records/contacts')).body.total).toBe(0);
    expect(changes).toEqual([]);
    // The email was not taken by the refused create.
    await expect(h.client.crm.contacts.basicApi.create({ properties: { email: 'nope@example.com' }, associations: [] })).resolves.toBeDefined();
  });

  it('puts module routes behind the same gate: counted, authenticated and fault-injected; admin routes are not counted', async () => {
    expect((await h.http('GET', '/crm/v4/recording/ping')).status).toBe(200);
    expect((await h.http('GET', '/crm/v4/recording/ping', undefined, { authorization: '' })).status).toBe(401);
    await h.admin('POST', 'faults', { rules: [{ kind: 'unavailable', next: 1, pathIncludes: '/crm/v4/' }] });
    expect((await h.http('GET', '/crm/v4/recording/ping')).status).toBe(503);
    expect((await h.admin('GET', 'recording')).status).toBe(200);
    const stats = (await h.admin('GET', 'stats')).body;
    expect(stats.byEndpoint).toEqual({ 'GET /crm/v4/recording/ping': 3 });
  });

  it('resets the modules with the store', async () => {
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    await h.client.crm.contacts.basicApi.create({ properties: { email: 'x@example.com' }, associations: [{ to: { id: company.id }, types: [primary as never] }] });
    await h.admin('POST', 'reset');
    expect(links).toEqual([]);
    expect(changes).toEqual([]);
  });
});
