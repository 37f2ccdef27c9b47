import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Signature } from '@hubspot/api-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWebhooksModule, type WebhookDelivery, type WebhookEvent } from '../../../src/emulators/hubspot/webhooks.ts';
import { MemoryCrm, startModuleApp, type ModuleApp } from './associations-world.ts';

/**
 * Webhook delivery of the emulator, to a receiver on loopback. Payload fields are those of HubSpot's webhooks
 * guide (developers.hubspot.com/docs/api-reference/webhooks-webhooks-v3/guide, "Webhook payloads": eventId,
 * subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber, objectId, changeSource,
 * changeFlag, propertyName, propertyValue; merge and associationChange fields from the 2021 changelog "New
 * subscription types for webhooks"); signatures are checked with the official client's `Signature.isValid`.
 */

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
/** Statuses the receiver answers with, in order; 200 once they run out. */
const answers: number[] = [];
let receiver: Server;
let targetUrl: string;

const crm = new MemoryCrm();
const webhooks = createWebhooksModule(crm);
let h: ModuleApp;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.statusCode = answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hubspot/webhooks?tenant=demo`;
  h = await startModuleApp(crm, [webhooks]);
});
afterAll(async () => {
  await h.close();
  await new Promise((resolve) => receiver.close(resolve));
});
afterEach(() => {
  webhooks.state.reset();
  received.length = 0;
  answers.length = 0;
});

const secret = 'app-client-secret';

async function configure(settings: Record<string, unknown> = {}) {
  const response = await h.http('POST', '/__emulator/webhooks', { targetUrl, clientSecret: secret, appId: 77, portalId: 881234, subscriptions: ['contact.*'], flushMs: 60_000, retryBaseMs: 1, ...settings });
  expect(response.status).toBe(200);
  return response.body;
}

const flush = () => h.http('POST', '/__emulator/webhooks/flush');
const deliveries = async (): Promise<WebhookDelivery[]> => (await h.http('GET', '/__emulator/webhooks/deliveries')).body.results;
const eventsOf = (request: Received): WebhookEvent[] => JSON.parse(request.body);

describe('HubSpot webhook delivery', () => {
  it("signs each delivery so that the official client's Signature.isValid accepts v3 and v1, and a wrong secret fails", async () => {
    await configure();
    crm.create('contacts', { email: 'signed@example.com' });
    await flush();
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hubspot/webhooks?tenant=demo');
    expect(request.headers['content-type']).toBe('application/json');
    const timestamp = Number(request.headers['x-hubspot-request-timestamp']);
    const v3 = { signatureVersion: 'v3', signature: String(request.headers['x-hubspot-signature-v3']), requestBody: request.body, url: targetUrl, method: 'POST', timestamp };
    expect(Signature.isValid({ ...v3, clientSecret: secret })).toBe(true);
    expect(Signature.isValid({ ...v3, clientSecret: 'someone-else' })).toBe(false);
    expect(Signature.isValid({ ...v3, clientSecret: secret, requestBody: request.body.replace('signed', 'forged') })).toBe(false);
    expect(request.headers['x-hubspot-signature-version']).toBe('v1');
    expect(Signature.isValid({ signatureVersion: 'v1', signature: String(request.headers['x-hubspot-signature']), clientSecret: secret, requestBody: request.body })).toBe(true);
  });

  it("shapes creation, propertyChange, deletion and merge events as HubSpot's payloads", async () => {
    const settings = await configure({ propertyNames: { contact: ['email', 'lifecyclestage'] } });
    expect(settings.clientSecret).toBeUndefined();
    const subscriptionOf = (type: string) => settings.subscriptions.find((s: { subscriptionType: string }) => s.subscriptionType === type).subscriptionId;

    const ada = crm.create('contacts', { email: 'ada@example.com', firstname: 'Ada' });
    crm.update('contacts', ada.id, { lifecyclestage: 'lead', firstname: 'Augusta' });
    const twin = crm.create('contacts', {});
    crm.merge('contacts', ada.id, twin.id);
    crm.archive('contacts', ada.id);
    await flush();

    const events = received.flatMap(eventsOf);
    expect(events.map((e) => [e.subscriptionType, e.propertyName ?? e.changeFlag])).toEqual([
      ['contact.creation', 'CREATED'],
      ['contact.propertyChange', 'email'], // firstname is not a subscribed property
      ['contact.propertyChange', 'lifecyclestage'],
      ['contact.creation', 'CREATED'],
      ['contact.merge', 'MERGED'],
      ['contact.deletion', 'DELETED'],
    ]);
    const [creation, emailChange, lifecycle, , merge] = events as [WebhookEvent, WebhookEvent, WebhookEvent, WebhookEvent, WebhookEvent];
    expect(creation).toEqual({
      eventId: creation.eventId,
      subscriptionId: subscriptionOf('contact.creation'),
      portalId: 881234,
      appId: 77,
      occurredAt: creation.occurredAt,
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: Number(ada.id),
      changeSource: 'API',
      changeFlag: 'CREATED',
    });
    expect(typeof creation.occurredAt).toBe('number');
    expect(emailChange).toMatchObject({ objectId: Number(ada.id), propertyName: 'email', propertyValue: 'ada@example.com', subscriptionId: subscriptionOf('contact.propertyChange') });
    expect(lifecycle.propertyValue).toBe('lead');
    expect(merge).toMatchObject({ objectId: Number(ada.id), primaryObjectId: Number(ada.id), mergedObjectIds: [Number(twin.id)], newObjectId: Number(ada.id) });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('sends associationChange events and leaves out objects and kinds nobody subscribed to', async () => {
    await configure({ subscriptions: ['company.associationChange', 'deal.creation'] });
    const company = crm.create('companies', { name: 'Acme' });
    crm.create('contacts', { email: 'nobody-listens@example.com' });
    crm.create('deals', { dealname: 'Listened to' });
    webhooks.onChange({ kind: 'associationChange', fromObjectType: 'companies', fromId: company.id, toObjectType: 'contacts', toId: '555', associationTypeId: 2, removed: false });
    webhooks.onChange({ kind: 'associationChange', fromObjectType: 'contacts', fromId: '555', toObjectType: 'companies', toId: company.id, associationTypeId: 1, removed: false });
    await flush();
    const events = received.flatMap(eventsOf);
    expect(events.map((e) => e.subscriptionType)).toEqual(['deal.creation', 'company.associationChange']);
    expect(events[1]).toMatchObject({ associationType: 'COMPANY_TO_CONTACT', fromObjectId: Number(company.id), toObjectId: 555, associationRemoved: false, isPrimaryAssociation: true });
  });

  it('batches up to maxBatch events per POST, and flushes on its own after flushMs', async () => {
    await configure({ maxBatch: 3 });
    for (let i = 0; i < 7; i += 1) crm.create('contacts', {});
    await flush();
    // Two full batches left as soon as they filled; the seventh waited for the flush.
    expect(received.map((r) => eventsOf(r).length)).toEqual([3, 3, 1]);
    expect(received.flatMap(eventsOf).map((e) => e.eventId)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    received.length = 0;
    await configure({ flushMs: 5 });
    crm.create('contacts', {});
    await vi.waitFor(() => expect(received).toHaveLength(1));
  });

  it('retries a 5xx or 429 with the same events and a higher attemptNumber, logging each attempt', async () => {
    answers.push(500, 429);
    await configure();
    crm.create('contacts', {});
    await flush();
    await vi.waitFor(() => expect(received).toHaveLength(3));
    const attempts = received.map(eventsOf);
    expect(attempts.map((a) => a[0]?.attemptNumber)).toEqual([0, 1, 2]);
    expect(new Set(attempts.map((a) => a[0]?.eventId)).size).toBe(1);
    await vi.waitFor(async () => expect((await deliveries()).map((d) => [d.status, d.outcome])).toEqual([[500, 'retrying'], [429, 'retrying'], [200, 'delivered']]));
  });

  it('does not retry a 4xx, and gives up after maxAttempts', async () => {
    answers.push(400);
    await configure({ maxAttempts: 3 });
    crm.create('contacts', {});
    await flush();
    expect((await deliveries()).map((d) => [d.status, d.outcome])).toEqual([[400, 'failed']]);

    webhooks.state.reset();
    received.length = 0;
    answers.push(503, 503, 503);
    await configure({ maxAttempts: 3 });
    crm.create('contacts', {});
    await flush();
    await vi.waitFor(async () => expect((await deliveries()).map((d) => d.outcome)).toEqual(['retrying', 'retrying', 'failed']));
    expect(received).toHaveLength(3);
  });

  it('retries when nothing answers, and delivers only to the configured URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
    await new Promise((resolve) => closed.close(resolve));
    await configure({ targetUrl: deadUrl, maxAttempts: 2 });
    crm.create('contacts', {});
    await flush();
    await vi.waitFor(async () => expect((await deliveries()).map((d) => [d.status, d.outcome])).toEqual([[null, 'retrying'], [null, 'failed']]));
    expect((await deliveries()).every((d) => d.url === deadUrl && typeof d.error === 'string')).toBe(true);
    expect(received).toEqual([]);
  });

  it('refuses bad settings with HubSpot error JSON and delivers nothing before it is configured', async () => {
    crm.create('contacts', {});
    await flush();
    expect(received).toEqual([]);
    const bad = await h.http('POST', '/__emulator/webhooks', { targetUrl, clientSecret: secret, subscriptions: ['contact.teleport'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(bad.body.message).toContain('subscriptions.0');
    const notUrl = await h.http('POST', '/__emulator/webhooks', { targetUrl: 'file:///etc/passwd', clientSecret: secret, subscriptions: ['contact.creation'] });
    expect(notUrl.status).toBe(400);
    expect((await h.http('GET', '/__emulator/webhooks')).body).toEqual({ configured: false, subscriptions: [] });
  });

  it('keeps its settings through a snapshot and restore, and forgets them on reset', async () => {
    await configure({ subscriptions: ['deal.*'] });
    const snapshot = JSON.parse(JSON.stringify(webhooks.state.snapshot()));
    webhooks.state.reset();
    expect((await h.http('GET', '/__emulator/webhooks')).body.configured).toBe(false);
    webhooks.state.restore(snapshot);
    const restored = (await h.http('GET', '/__emulator/webhooks')).body;
    expect(restored.subscriptions.map((s: { subscriptionType: string }) => s.subscriptionType)).toEqual(['deal.creation', 'deal.deletion', 'deal.propertyChange', 'deal.merge', 'deal.restore', 'deal.associationChange']);
    crm.create('deals', { dealname: 'After restore' });
    await flush();
    expect(received.flatMap(eventsOf).map((e) => e.subscriptionType)).toContain('deal.creation');
  });
});
