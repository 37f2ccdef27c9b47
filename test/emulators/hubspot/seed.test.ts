import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoSalesUsers } from '../../../src/emulators/salesforce/seed.ts';
import { demoWorld, hubspotEmailOf } from '../../../src/emulators/shared/demo-world.ts';
import { startHarness } from './helpers.ts';

const folder = mkdtempSync(join(tmpdir(), 'crmsync-hubspot-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('HubSpot demo seed', () => {
  it('holds the demo world’s HubSpot people and companies, with owners that map to Salesforce users', async () => {
    const h = await startHarness({ seed: 'demo' });
    try {
      const world = demoWorld();
      const stats = (await h.admin('GET', 'stats')).body;
      expect(stats.records.contacts.active).toBe(world.people.filter((p) => p.inHubSpot).length);
      expect(stats.records.companies.active).toBe(world.companies.filter((c) => c.inHubSpot).length);
      for (const type of ['deals', 'tickets', 'notes', 'emails', 'calls', 'meetings', 'tasks']) expect(stats.records[type].active, type).toBeGreaterThan(0);

      // A person whose HubSpot email is upper-cased (the case-insensitive match the sync must make).
      const shouted = world.people.find((p) => p.inHubSpot && p.email && hubspotEmailOf(p) !== p.email);
      expect(shouted).toBeDefined();
      const found = await h.client.crm.contacts.basicApi.getById(shouted?.email as string, ['email', 'firstname'], undefined, undefined, false, 'email');
      expect(found.properties.email).toBe(hubspotEmailOf(shouted as NonNullable<typeof shouted>));

      const owners = (await h.client.crm.owners.ownersApi.getPage(undefined, undefined, 100)).results.map((o) => o.email);
      const salesforceEmails = new Set(demoSalesUsers.map((u) => u.Email));
      expect(owners.filter((e) => salesforceEmails.has(e as string)).length).toBeGreaterThanOrEqual(4);
      expect(owners.some((e) => !salesforceEmails.has(e as string))).toBe(true);

      // Associated through the associations module: the primary company and the unlabelled one, as v3 names them.
      const withCompanies = await h.client.crm.contacts.basicApi.getPage(5, undefined, ['email'], undefined, ['companies']);
      expect(withCompanies.results[0]?.associations?.companies?.results.map((a) => a.type).sort()).toEqual(['contact_to_company', 'contact_to_company_unlabeled']);
      const company = withCompanies.results[0]?.associations?.companies?.results[0]?.id as string;
      const v4 = await h.client.crm.associations.v4.basicApi.getPage('companies', company, 'contacts');
      expect(v4.results.map((r) => String(r.toObjectId))).toContain(withCompanies.results[0]?.id);

      // Lists through the lists module: the manual inclusion list and dynamic lists that already hold members.
      const lists = (await h.admin('GET', 'lists')).body.lists as Array<{ name: string; processingType: string; memberIds: string[] }>;
      const byName = new Map(lists.map((l) => [l.name, l]));
      expect(byName.get('Sync to Salesforce')?.processingType).toBe('MANUAL');
      expect(byName.get('Sync to Salesforce')?.memberIds.length).toBeGreaterThan(100);
      expect(byName.get('Customers')?.memberIds.length).toBeGreaterThan(0);
      expect(byName.get('Technology companies')?.processingType).toBe('DYNAMIC');

      const deals = await h.client.crm.deals.basicApi.getPage(100, undefined, ['dealstage', 'pipeline']);
      expect(new Set(deals.results.map((d) => d.properties.dealstage)).size).toBeGreaterThan(3);
    } finally {
      await h.close();
    }
  });
});

describe('HubSpot emulator persistence', () => {
  it('saves its state on close and loads it on start: records, history, custom schemas and ids', async () => {
    const file = join(folder, 'state.json');
    const first = await startHarness({ persistFile: file });
    const schema = await first.client.crm.schemas.coreApi.create({
      name: 'boats',
      labels: { singular: 'Boat', plural: 'Boats' },
      primaryDisplayProperty: 'hull',
      requiredProperties: [],
      associatedObjects: [],
      properties: [{ name: 'hull', label: 'Hull', type: 'string' as never, fieldType: 'text' }],
    });
    const contact = await first.client.crm.contacts.basicApi.create({ properties: { email: 'kept@example.com', firstname: 'Kept' }, associations: [] });
    await first.client.crm.contacts.basicApi.update(contact.id, { properties: { firstname: 'Still kept' } });
    const boat = await first.client.crm.objects.basicApi.create(schema.objectTypeId as string, { properties: { hull: 'Wood' }, associations: [] });
    await first.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('crmsync-hubspot-emulator/1');

    const second = await startHarness({ persistFile: file, seed: 'demo' });
    try {
      const read = await second.client.crm.contacts.basicApi.getById(contact.id, ['firstname'], ['firstname']);
      expect(read.propertiesWithHistory?.firstname?.map((e) => e.value)).toEqual(['Still kept', 'Kept']);
      // A loaded state is not seeded over.
      expect((await second.admin('GET', 'stats')).body.records.contacts.active).toBe(1);
      const conflict = await second.http('POST', '/crm/v3/objects/contacts', { properties: { email: 'KEPT@example.com' } });
      expect(conflict.status).toBe(409);
      expect((await second.client.crm.objects.basicApi.getById(schema.fullyQualifiedName as string, boat.id, ['hull'])).properties.hull).toBe('Wood');
      const next = await second.client.crm.contacts.basicApi.create({ properties: { email: 'new@example.com' }, associations: [] });
      expect(Number(next.id)).toBeGreaterThan(Number(boat.id));
    } finally {
      await second.close();
    }
  });
});
