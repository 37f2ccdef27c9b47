import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/app.ts';
import { signHubSpotRequestV3 } from '../../src/server/hubspot-signature.ts';
import type { HubSpotWebhookEvent } from '../../src/server/hubspot-webhook-events.ts';

const adminToken = 'admin-token-0123456789abcdef';
const clientSecret = 'hubspot-client-secret';
const publicUrl = 'https://crmsync.example.com';
const now = new Date('2026-11-29T12:00:00.000Z');

let app: FastifyInstance;
let accepted: HubSpotWebhookEvent[][];

beforeEach(() => {
  accepted = [];
  app = buildServer({
    adminToken,
    hubspotClientSecret: clientSecret,
    publicUrl,
    clock: () => now,
    bodyLimit: 64 * 1024,
    webhookInbox: {
      accept: async (events) => {
        accepted.push(events);
      },
    },
  });
  // A stand-in admin route: every route added later is protected the same way.
  app.get('/api/ping', async () => ({ pong: true }));
});
afterEach(async () => {
  await app.close();
});

const event = (objectId: number): HubSpotWebhookEvent => ({
  eventId: objectId,
  subscriptionId: 1,
  portalId: 62515,
  appId: 54321,
  occurredAt: now.getTime() - 1000,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId,
  propertyName: 'firstname',
  propertyValue: 'Ada',
});

function signed(body: string, options: { timestamp?: number; secret?: string } = {}) {
  const timestamp = String(options.timestamp ?? now.getTime());
  const signature = signHubSpotRequestV3({ clientSecret: options.secret ?? clientSecret, method: 'POST', uri: `${publicUrl}/webhooks/hubspot`, rawBody: body, timestamp });
  return { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

describe('admin authentication', () => {
  it('refuses a request without a token, or with a wrong one, before any handler runs', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/ping' })).statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/api/ping', headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'unauthorized' });
    expect((await app.inject({ method: 'GET', url: '/api/ping', headers: { authorization: `Bearer ${adminToken}` } })).json()).toEqual({ pong: true });
  });

  it('leaves only the bare liveness probe open, and sends security headers everywhere', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['x-frame-options']).toBe('DENY');
    expect(health.headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('HubSpot webhook receiver', () => {
  it('accepts a correctly signed batch and hands it to the inbox before answering', async () => {
    const body = JSON.stringify([event(101), event(102)]);
    const response = await app.inject({ method: 'POST', url: '/webhooks/hubspot', headers: signed(body), payload: body });
    expect(response.statusCode).toBe(200);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.map((e) => e.objectId)).toEqual([101, 102]);
  });

  it('refuses a forged body, a wrong secret and a replayed old delivery, and accepts nothing', async () => {
    const body = JSON.stringify([event(101)]);
    const forged = JSON.stringify([event(666)]);
    expect((await app.inject({ method: 'POST', url: '/webhooks/hubspot', headers: signed(body), payload: forged })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/webhooks/hubspot', headers: signed(body, { secret: 'guess' }), payload: body })).statusCode).toBe(401);
    const stale = await app.inject({ method: 'POST', url: '/webhooks/hubspot', headers: signed(body, { timestamp: now.getTime() - 6 * 60 * 1000 }), payload: body });
    expect(stale.json()).toMatchObject({ error: 'invalid_signature', message: expect.stringContaining('stale_timestamp') });
    expect((await app.inject({ method: 'POST', url: '/webhooks/hubspot', payload: body, headers: { 'content-type': 'application/json' } })).statusCode).toBe(401);
    expect(accepted).toEqual([]);
  });

  it('refuses a signed body that is not a batch of events, naming what is wrong', async () => {
    const body = JSON.stringify([{ ...event(1), subscriptionType: 'not a type' }]);
    const response = await app.inject({ method: 'POST', url: '/webhooks/hubspot', headers: signed(body), payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/0\.subscriptionType: must look like contact\.propertyChange/);
    expect(accepted).toEqual([]);
  });

  it('refuses an oversized body with 413', async () => {
    const body = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ ...event(i), propertyValue: 'x'.repeat(100) })));
    const response = await app.inject({ method: 'POST', url: '/webhooks/hubspot', headers: signed(body), payload: body });
    expect(response.statusCode).toBe(413);
    expect(accepted).toEqual([]);
  });
});
