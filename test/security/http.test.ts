/**
 * The HTTP server attacked from outside, over a real socket: every route it serves, without a token and with wrong
 * ones; forged, tampered and replayed webhooks; oversized bodies. Routes are read from the server itself, so a route
 * added later is swept too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHubSpotRequestV3 } from '../../src/server/hubspot-signature.ts';
import type { HubSpotWebhookEvent } from '../../src/server/hubspot-webhook-events.ts';
import { openStore, type Store } from '../../src/store/open.ts';
import { adminToken, apiServer, FakeSync } from '../server/api-harness.ts';

const clientSecret = 'hubspot-app-client-secret-for-security';
let folder: string;
let store: Store;
let app: FastifyInstance;
let base: string;
let inbox: HubSpotWebhookEvent[][];
const publicUrl = () => base;

/** The only requests anyone may make without the admin token (SECURITY.md says why each is safe). */
const openToAll = new Set(['GET /', 'GET /healthz', 'POST /webhooks/hubspot', 'POST /api/session', 'GET /api/session', 'DELETE /api/session']);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crmsync-security-http-'));
  store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
  inbox = [];
  app = apiServer(store, new FakeSync(), {
    hubspotClientSecret: clientSecret,
    publicUrl,
    bodyLimit: 256 * 1024,
    webhookInbox: { accept: async (events) => void inbox.push(events) },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Every "METHOD /path" the server routes, read from its own route tree (indentation gives the nesting). */
function servedRoutes(): string[] {
  const stack: Array<{ indent: number; path: string }> = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([\s│]*)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const indent = match[1]!.length;
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    const parent = stack.at(-1)?.path ?? '';
    const path = parent === '' ? match[2]! : `${parent}${parent.endsWith('/') || match[2]!.startsWith('/') || match[2]!.startsWith('.') ? '' : '/'}${match[2]!}`;
    stack.push({ indent, path });
    for (const method of match[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path.replace(/:(\w+)/g, 'x$1')}`);
  }
  return routes;
}

async function call(route: string, headers: Record<string, string> = {}): Promise<Response> {
  const [method, path] = route.split(' ') as [string, string];
  const hasBody = method !== 'GET' && method !== 'DELETE';
  return fetch(`${base}${path}`, { method, headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headers }, ...(hasBody ? { body: '{}' } : {}), signal: AbortSignal.timeout(5000) });
}

describe('every route, from outside', () => {
  it('finds the routes to sweep (the API, metrics, webhooks, sessions)', () => {
    const routes = servedRoutes();
    expect(routes).toEqual(expect.arrayContaining(['GET /api/settings', 'PUT /api/settings', 'GET /metrics', 'POST /webhooks/hubspot', 'GET /api/errors', 'POST /api/sync']));
    expect(routes.length).toBeGreaterThan(15);
  });

  it('answers 401 to every route but the open ones, without a token and with wrong ones', async () => {
    const wrongs: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer not-the-admin-token' },
      { authorization: `Bearer ${adminToken}x` },
      { authorization: `Bearer ${adminToken.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`admin:${adminToken}`).toString('base64')}` },
      { authorization: adminToken },
      { cookie: 'crmsync_session=forged-session-id' },
    ];
    const answers: string[] = [];
    for (const route of servedRoutes().filter((r) => !openToAll.has(r))) {
      for (const headers of wrongs) {
        const response = await call(route, headers);
        if (response.status !== 401) answers.push(`${route} with ${JSON.stringify(headers)}: ${response.status}`);
        await response.body?.cancel();
      }
    }
    expect(answers).toEqual([]);
  });

  it('lets the right token through, so the 401s above are about the token', async () => {
    const response = await call('GET /api/settings', { authorization: `Bearer ${adminToken}` });
    expect(response.status).toBe(200);
  });

  it('sends security headers on the UI and the API, and never a token-bearing error body', async () => {
    for (const route of ['GET /', 'GET /api/settings', 'GET /healthz']) {
      const response = await call(route);
      expect(response.headers.get('x-frame-options'), route).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), route).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), route).toContain("frame-ancestors 'none'");
      expect(await response.text(), route).not.toContain(adminToken);
    }
  });

  it('refuses an oversized body with 413, on the API (even with the token) and on the webhook receiver', async () => {
    const huge = JSON.stringify({ value: 'x'.repeat(300 * 1024) });
    const api = await fetch(`${base}/api/settings`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: huge });
    expect(api.status).toBe(413);
    const webhook = await fetch(`${base}/webhooks/hubspot`, { method: 'POST', headers: signedHeaders(huge), body: huge });
    expect(webhook.status).toBe(413);
    const settings = await call('GET /api/settings', { authorization: `Bearer ${adminToken}` });
    expect(JSON.stringify(await settings.json())).not.toContain('xxxxxxxx');
  });
});

const event = (objectId: number, occurredAt: number): HubSpotWebhookEvent => ({
  eventId: objectId,
  subscriptionId: 1,
  portalId: 62515,
  appId: 54321,
  occurredAt,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId,
  propertyName: 'firstname',
  propertyValue: 'Ada',
});

function signedHeaders(body: string, options: { timestamp?: number; secret?: string; uri?: string } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Date.now());
  const signature = signHubSpotRequestV3({ clientSecret: options.secret ?? clientSecret, method: 'POST', uri: options.uri ?? `${base}/webhooks/hubspot`, rawBody: body, timestamp });
  return { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

describe('webhooks, from outside', () => {
  const post = (body: string, headers: Record<string, string>) => fetch(`${base}/webhooks/hubspot`, { method: 'POST', headers, body });

  it('accepts a correctly signed delivery (the refusals below are about the signature)', async () => {
    inbox.length = 0;
    const body = JSON.stringify([event(1, Date.now())]);
    expect((await post(body, signedHeaders(body))).status).toBe(200);
    expect(inbox).toHaveLength(1);
  });

  it('refuses forged, tampered, re-targeted, unsigned, stale and future deliveries, and hands nothing on', async () => {
    inbox.length = 0;
    const body = JSON.stringify([event(2, Date.now())]);
    const fiveMinutes = 5 * 60_000;
    const attempts: Record<string, { body: string; headers: Record<string, string> }> = {
      'wrong secret': { body, headers: signedHeaders(body, { secret: 'an-attacker-guess' }) },
      'body changed by one byte': { body: body.replace('Ada', 'Adb'), headers: signedHeaders(body) },
      'signed for another URL': { body, headers: signedHeaders(body, { uri: 'https://elsewhere.example.com/webhooks/hubspot' }) },
      'no signature': { body, headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(Date.now()) } },
      'replayed after 5 minutes': { body, headers: signedHeaders(body, { timestamp: Date.now() - fiveMinutes - 60_000 }) },
      'timestamp from the future': { body, headers: signedHeaders(body, { timestamp: Date.now() + fiveMinutes + 60_000 }) },
      'timestamp not a number': { body, headers: { ...signedHeaders(body), 'x-hubspot-request-timestamp': 'yesterday' } },
    };
    const statuses = Object.fromEntries(await Promise.all(Object.entries(attempts).map(async ([name, a]) => [name, (await post(a.body, a.headers)).status] as const)));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(attempts).map((name) => [name, 401])));
    expect(inbox).toEqual([]);
  });

  it('a captured delivery replayed later than 5 minutes is refused even though its signature was once valid', async () => {
    inbox.length = 0;
    const sentAt = Date.now() - 6 * 60_000;
    const body = JSON.stringify([event(3, sentAt)]);
    const captured = signedHeaders(body, { timestamp: sentAt });
    expect((await post(body, captured)).status).toBe(401);
    expect(inbox).toEqual([]);
  });
});
