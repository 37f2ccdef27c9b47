import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Signature } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAssociationsModule } from '../../../src/emulators/hubspot/associations.ts';
import { createWebhooksModule, type WebhookEvent } from '../../../src/emulators/hubspot/webhooks.ts';
import { verifyHubSpotSignatureV3 } from '../../../src/server/hubspot-signature.ts';
import { useHarness } from './helpers.ts';

/**
 * Webhook delivery from the whole emulator (record store, associations and webhooks modules wired as index.ts
 * wires them) to a receiver on loopback, checked with crmsync's own verifier (src/server/hubspot-signature.ts) as
 * well as the official client's Signature.isValid. Payload fields: HubSpot's webhooks guide, "Webhook payloads".
 */

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
let receiver: Server;
let base: string;
const secret = 'crmsync-app-secret';

const h = useHarness({
  modules: (reader, emit) => {
    const associations = createAssociationsModule(reader, emit);
    return [{ module: associations, associations }, { module: createWebhooksModule(reader) }];
  },
});

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => receiver.close(resolve)));
beforeEach(() => {
  received.length = 0;
});

async function configure(targetUrl: string, subscriptions: string[]) {
  const response = await h.admin('POST', 'webhooks', { targetUrl, clientSecret: secret, appId: 4242, portalId: 881234, subscriptions, flushMs: 60_000 });
  expect(response.status).toBe(200);
}

const flush = () => h.admin('POST', 'webhooks/flush');
const events = (): WebhookEvent[] => received.flatMap((r) => JSON.parse(r.body) as WebhookEvent[]);

/** What crmsync's receiver does with a delivery: the public URL comes from its configuration, the rest from the request. */
function crmsyncVerdict(request: Received, publicUrl: string) {
  return verifyHubSpotSignatureV3({
    clientSecret: secret,
    method: 'POST',
    uri: publicUrl,
    rawBody: request.body,
    signature: request.headers['x-hubspot-signature-v3'] as string | undefined,
    timestamp: request.headers['x-hubspot-request-timestamp'] as string | undefined,
    now: Date.now(),
  });
}

describe('HubSpot emulator webhooks, end to end', () => {
  it("delivers the store's changes signed so that crmsync's verifier and the official client both accept them", async () => {
    const targetUrl = `${base}/webhooks/hubspot`;
    await configure(targetUrl, ['contact.creation', 'contact.propertyChange', 'contact.associationChange']);
    const contact = await h.client.crm.contacts.basicApi.create({ properties: { email: 'hook@example.com' }, associations: [] });
    const company = await h.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] });
    await h.client.crm.associations.v4.basicApi.createDefault('contacts', contact.id, 'companies', company.id);
    await flush();

    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(crmsyncVerdict(request, targetUrl)).toEqual({ valid: true });
    const timestamp = Number(request.headers['x-hubspot-request-timestamp']);
    expect(Signature.isValid({ signatureVersion: 'v3', signature: String(request.headers['x-hubspot-signature-v3']), clientSecret: secret, requestBody: request.body, url: targetUrl, method: 'POST', timestamp })).toBe(true);
    // Tampering with the body, or verifying with another secret, fails.
    expect(crmsyncVerdict({ ...request, body: request.body.replace('hook@', 'evil@') }, targetUrl)).toEqual({ valid: false, reason: 'bad_signature' });

    const byType = (type: string) => events().filter((e) => e.subscriptionType === type);
    expect(byType('contact.creation')).toEqual([expect.objectContaining({ objectId: Number(contact.id), portalId: 881234, appId: 4242, attemptNumber: 0, changeSource: expect.any(String) })]);
    expect(byType('contact.propertyChange').find((e) => e.propertyName === 'email')).toMatchObject({ objectId: Number(contact.id), propertyValue: 'hook@example.com' });
    // The association made through the v4 API reaches the subscriber from the contact's end only (no company subscription).
    expect(byType('contact.associationChange')).toEqual([expect.objectContaining({ fromObjectId: Number(contact.id), toObjectId: Number(company.id), associationRemoved: false })]);
    expect(events().some((e) => e.subscriptionType.startsWith('company.'))).toBe(false);
    const ids = events().map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('signs the URI as HubSpot does, so a target with encoded characters still verifies', async () => {
    const targetUrl = `${base}/hooks/hubspot?return=%2Fhome%3Fa%3D1&tenant=acme%40corp`;
    await configure(targetUrl, ['contact.creation']);
    await h.client.crm.contacts.basicApi.create({ properties: { email: 'encoded@example.com' }, associations: [] });
    await flush();
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/hooks/hubspot?return=%2Fhome%3Fa%3D1&tenant=acme%40corp');
    expect(crmsyncVerdict(received[0] as Received, targetUrl)).toEqual({ valid: true });
  });

  it('sends a bulk load in arrays of at most 100 events', async () => {
    await configure(`${base}/bulk`, ['contact.creation']);
    for (let batch = 0; batch < 3; batch += 1) {
      const inputs = Array.from({ length: batch < 2 ? 100 : 50 }, (_, i) => ({ properties: { email: `bulk${batch}-${i}@example.com` }, associations: [] }));
      await h.client.crm.contacts.batchApi.create({ inputs });
    }
    await flush();
    expect(received.map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([100, 100, 50]);
    expect(received.every((r) => crmsyncVerdict(r, `${base}/bulk`).valid)).toBe(true);
    const logged = (await h.admin('GET', 'webhooks/deliveries')).body.results as Array<{ outcome: string; status: number }>;
    expect(logged.map((d) => [d.status, d.outcome])).toEqual([[200, 'delivered'], [200, 'delivered'], [200, 'delivered']]);
  });

  it('refuses a target that is not on loopback, and then delivers nothing', async () => {
    for (const targetUrl of ['http://example.com/hook', 'https://10.0.0.5/hook', 'http://169.254.169.254/latest', 'http://127.0.0.1.example.com/hook']) {
      const refused = await h.admin('POST', 'webhooks', { targetUrl, clientSecret: secret, subscriptions: ['contact.creation'] });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    }
    expect((await h.admin('GET', 'webhooks')).body.configured).toBe(false);
    for (const targetUrl of [`${base}/a`, `http://localhost:${new URL(base).port}/b`, `http://[::1]:${new URL(base).port}/c`]) {
      expect((await h.admin('POST', 'webhooks', { targetUrl, clientSecret: secret, subscriptions: ['contact.creation'] })).status).toBe(200);
    }
  });

  it('is reset with the emulator: settings and log both go', async () => {
    await configure(`${base}/reset`, ['contact.creation']);
    await h.admin('POST', 'reset');
    await h.client.crm.contacts.basicApi.create({ properties: { email: 'after-reset@example.com' }, associations: [] });
    await flush();
    expect(received).toEqual([]);
    expect((await h.admin('GET', 'webhooks/deliveries')).body.results).toEqual([]);
  });
});
