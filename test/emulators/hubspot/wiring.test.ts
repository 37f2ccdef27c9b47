import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureV3 } from '../../../src/emulators/hubspot/webhooks.ts';
import { useHarness } from './helpers.ts';

/**
 * The emulator as `crmsync emulate hubspot` builds it, with the real associations and webhooks modules: the
 * store's changes reach them, their state follows the records, and their routes sit behind the same gate.
 */

const h = useHarness();

interface Received {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const received: Received[] = [];
let receiver: Server;
let receiverUrl = '';

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hubspot/webhooks`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const primaryCompany = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 } as never;

describe('HubSpot emulator with its modules', () => {
  it('delivers signed webhooks for changes made through the objects API', async () => {
    received.length = 0;
    const configured = await h.admin('POST', 'webhooks', { targetUrl: receiverUrl, clientSecret: 'shh', subscriptions: ['contact.creation', 'contact.propertyChange', 'contact.deletion'], propertyNames: { contact: ['firstname'] } });
    expect(configured.status).toBe(200);
    const contact = await h.client.crm.contacts.basicApi.create({ properties: { email: 'hook@example.com', firstname: 'Hook' }, associations: [] });
    await h.client.crm.contacts.basicApi.update(contact.id, { properties: { firstname: 'Hooked', lastname: 'Not subscribed' } });
    await h.client.crm.contacts.basicApi.archive(contact.id);
    await h.admin('POST', 'webhooks/flush', {});

    const events = received.flatMap((r) => JSON.parse(r.body) as Array<{ subscriptionType: string; objectId: number; propertyName?: string; propertyValue?: string }>);
    const seen = events.map((e) => `${e.subscriptionType}${e.propertyName ? `:${e.propertyName}=${e.propertyValue}` : ''}`);
    expect(seen).toEqual(['contact.creation', 'contact.propertyChange:firstname=Hook', 'contact.propertyChange:firstname=Hooked', 'contact.deletion']);
    expect(events.every((e) => e.objectId === Number(contact.id))).toBe(true);

    const first = received[0] as Received;
    const timestamp = Number(first.headers['x-hubspot-request-timestamp']);
    expect(first.headers['x-hubspot-signature-v3']).toBe(signatureV3('shh', 'POST', receiverUrl, first.body, timestamp));
    // Webhook deliveries are not API calls.
    expect((await h.admin('GET', 'stats')).body.byEndpoint['POST /__emulator/webhooks']).toBeUndefined();
  });

  it('keeps associations in step with the records: created with a record, gone with its deletion, moved by a merge', async () => {
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    const kept = await h.client.crm.contacts.basicApi.create({ properties: { email: 'kept@example.com' }, associations: [] });
    const merged = await h.client.crm.contacts.basicApi.create({ properties: { email: 'merged@example.com' }, associations: [{ to: { id: company.id }, types: [primaryCompany] }] });
    const ofCompany = async () => (await h.client.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts')).results.map((r) => String(r.toObjectId));
    expect(await ofCompany()).toEqual([merged.id]);

    const survivor = String((await h.http('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: kept.id, objectIdToMerge: merged.id })).body.id);
    expect(await ofCompany()).toEqual([survivor]);
    // The primary's old id reads as the merged record.
    const read = await h.client.crm.contacts.basicApi.getById(kept.id, undefined, undefined, ['companies']);
    expect(read.id).toBe(survivor);
    expect(read.associations?.companies?.results.map((a) => a.id)).toContain(company.id);

    await h.client.crm.contacts.basicApi.archive(survivor);
    expect(await ofCompany()).toEqual([]);
  });

  it('refuses a create whose association type does not fit the pair, writing nothing', async () => {
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    const refused = await h.http('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'wrongtype@example.com' },
      associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
    expect((await h.admin('GET', 'records/contacts')).body.total).toBe(0);
  });

  it('re-evaluates dynamic lists when a record changes through the objects API', async () => {
    const created = await h.admin('POST', 'lists', {
      name: 'Customers',
      objectTypeId: '0-1',
      processingType: 'DYNAMIC',
      filterBranch: { filterBranchType: 'OR', filters: [], filterBranches: [{ filterBranchType: 'AND', filterBranches: [], filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage', operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['customer'] } }] }] },
    });
    const listId = created.body.list.listId as string;
    const contact = await h.client.crm.contacts.basicApi.create({ properties: { email: 'soon@example.com', lifecyclestage: 'lead' }, associations: [] });
    const members = async () => ((await h.http('GET', `/crm/v3/lists/${listId}/memberships`)).body.results as Array<{ recordId: string }>).map((m) => String(m.recordId));
    expect(await members()).toEqual([]);
    await h.client.crm.contacts.batchApi.update({ inputs: [{ id: contact.id, properties: { lifecyclestage: 'customer' } }] });
    expect(await members()).toEqual([contact.id]);
  });

  it('persists and resets the modules with the store', async () => {
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    await h.client.crm.contacts.basicApi.create({ properties: { email: 'a@example.com' }, associations: [{ to: { id: company.id }, types: [primaryCompany] }] });
    const snapshot = h.app.hubspot.snapshot();
    expect(Object.keys(snapshot.modules).sort()).toEqual(['associations', 'lists', 'webhooks']);
    await h.admin('POST', 'reset');
    expect((await h.admin('GET', 'webhooks')).body.configured).toBe(false);
    h.app.hubspot.restore(snapshot);
    expect((await h.client.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts')).results).toHaveLength(1);
  });
});
