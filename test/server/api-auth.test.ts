import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open.ts';
import { adminToken, apiServer, bearer, FakeSync, signIn } from './api-harness.ts';

let folder: string;
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crmsync-api-auth-'));
  store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
});
afterAll(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => {
  app = apiServer(store, new FakeSync());
});
afterEach(async () => {
  await app.close();
});

/** "METHOD /path" of every route in fastify's printed route tree (each line's name continues its parent's path). */
function routesOf(tree: string): string[] {
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)[└├]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth === 0 ? '' : prefixes[depth - 1]!) + match[2]!;
    prefixes[depth] = path;
    for (const method of match[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
  }
  return routes;
}

interface Operation {
  method: string;
  url: string;
  public: boolean;
}

/** Every operation the API describes, with its path parameters filled in. */
async function operations(): Promise<Operation[]> {
  const document = (await app.inject({ method: 'GET', url: '/api/openapi.json', headers: bearer })).json() as {
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      url: path.replace('{object}', 'contacts').replace('{importId}', 'import-1'),
      public: Array.isArray(operation.security) && operation.security.length === 0,
    })),
  );
}

describe('every API route', () => {
  it('answers 401 without a token and with a wrong one, and 403 to a session cookie without its CSRF token on a change', async () => {
    const all = await operations();
    expect(all.length).toBeGreaterThan(15);
    const session = await signIn(app);
    for (const operation of all.filter((op) => !op.public)) {
      const payload = operation.method === 'GET' || operation.method === 'DELETE' ? undefined : {};
      const none = await app.inject({ method: operation.method as 'GET', url: operation.url, ...(payload ? { payload } : {}) });
      expect(none.statusCode, `${operation.method} ${operation.url} without a token`).toBe(401);
      expect(none.json()).toMatchObject({ error: 'unauthorized' });
      const wrong = await app.inject({ method: operation.method as 'GET', url: operation.url, headers: { authorization: 'Bearer not-the-token' }, ...(payload ? { payload } : {}) });
      expect(wrong.statusCode, `${operation.method} ${operation.url} with a wrong token`).toBe(401);
      if (operation.method !== 'GET') {
        const noCsrf = await app.inject({ method: operation.method as 'POST', url: operation.url, headers: { cookie: session.cookie }, ...(payload ? { payload } : {}) });
        expect(noCsrf.statusCode, `${operation.method} ${operation.url} by cookie without CSRF`).toBe(403);
        const wrongCsrf = await app.inject({ method: operation.method as 'POST', url: operation.url, headers: { cookie: session.cookie, 'x-csrf-token': 'forged' }, ...(payload ? { payload } : {}) });
        expect(wrongCsrf.statusCode, `${operation.method} ${operation.url} by cookie with a forged CSRF token`).toBe(403);
      }
    }
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(401);
  });

  it('lets a signed-in session read, and change with its CSRF token', async () => {
    const session = await signIn(app);
    const read = await app.inject({ method: 'GET', url: '/api/settings', headers: { cookie: session.cookie } });
    expect(read.statusCode).toBe(200);
    const change = await app.inject({
      method: 'PUT',
      url: '/api/settings',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      payload: { changes: { 'contacts.hubspotCreatesIn': 'auto' } },
    });
    expect(change.statusCode).toBe(200);
    expect(change.json()).toMatchObject({ settings: { contacts: { hubspotCreatesIn: 'auto' } } });
  });
});

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Strict cookie on sign-in, Secure only behind https', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/session', payload: { token: adminToken } });
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^crmsync_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    expect(response.json<{ csrfToken: string }>().csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    const https = apiServer(store, new FakeSync(), { publicUrl: 'https://crmsync.example.com' });
    const secure = await https.inject({ method: 'POST', url: '/api/session', payload: { token: adminToken } });
    expect(String(secure.headers['set-cookie'])).toContain('Secure');
    await https.close();
  });

  it('refuses a wrong token and a body without one, naming the field', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/session', payload: { token: 'guess' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const missing = await app.inject({ method: 'POST', url: '/api/session', payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_request', issues: [{ path: 'token' }] });
  });

  it('says whether the caller is signed in, and ends the session on sign-out', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/session' })).json()).toEqual({ authenticated: false, csrfToken: null });
    expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer })).json()).toEqual({ authenticated: true, csrfToken: null });
    const session = await signIn(app);
    expect((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } })).json()).toEqual({ authenticated: true, csrfToken: session.csrfToken });
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await app.inject({ method: 'GET', url: '/api/health', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  it('ends a session left idle past its expiry', async () => {
    let now = new Date('2026-11-29T12:00:00Z');
    const timed = apiServer(store, new FakeSync(), { clock: () => now, sessionIdleMs: 60_000 });
    const session = await signIn(timed);
    now = new Date(now.getTime() + 59_000);
    expect((await timed.inject({ method: 'GET', url: '/api/settings', headers: { cookie: session.cookie } })).statusCode).toBe(200);
    now = new Date(now.getTime() + 59_000);
    expect((await timed.inject({ method: 'GET', url: '/api/settings', headers: { cookie: session.cookie } })).statusCode).toBe(200);
    now = new Date(now.getTime() + 61_000);
    expect((await timed.inject({ method: 'GET', url: '/api/settings', headers: { cookie: session.cookie } })).statusCode).toBe(401);
    await timed.close();
  });

  it('limits sign-in attempts per client address', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await app.inject({ method: 'POST', url: '/api/session', payload: { token: 'guess' } })).statusCode).toBe(401);
    }
    const limited = await app.inject({ method: 'POST', url: '/api/session', payload: { token: adminToken } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const elsewhere = await app.inject({ method: 'POST', url: '/api/session', payload: { token: adminToken }, remoteAddress: '10.0.0.9' });
    expect(elsewhere.statusCode).toBe(200);
  });
});

describe('the web UI', () => {
  it('says how to build it when web/dist is missing, without a token', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('web/dist');
  });

  it('serves the built files and index.html for app paths, publicly, while /api stays protected', async () => {
    const webRoot = join(folder, 'dist');
    mkdirSync(join(webRoot, 'assets'), { recursive: true });
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>crmsync UI</title>');
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log("ui")');
    const ui = apiServer(store, new FakeSync(), { webRoot });
    expect((await ui.inject({ method: 'GET', url: '/' })).body).toContain('crmsync UI');
    expect((await ui.inject({ method: 'GET', url: '/assets/app.js' })).body).toContain('console.log');
    const deep = await ui.inject({ method: 'GET', url: '/health/errors' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('crmsync UI');
    expect((await ui.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(401);
    expect((await ui.inject({ method: 'GET', url: '/%61pi/health' })).statusCode).toBe(401);
    const unknownApi = await ui.inject({ method: 'GET', url: '/api/nothing-here', headers: bearer });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toMatchObject({ error: 'not_found' });
    expect((await ui.inject({ method: 'POST', url: '/somewhere', payload: {} })).statusCode).toBe(401);
    await ui.close();
  });
});

describe('the OpenAPI description', () => {
  it('describes every registered /api route and /metrics', async () => {
    const described = new Set((await operations()).map((op) => `${op.method} ${op.url.replace('contacts', '{object}').replace('import-1', '{importId}')}`));
    // The routes fastify really has, read from its router, not from our registry.
    const registered = routesOf(app.printRoutes({ commonPrefix: false }));
    const apiRoutes = registered.filter((route) => / \/api\//.test(route) || route.endsWith(' /metrics'));
    expect(apiRoutes.length).toBeGreaterThan(15);
    for (const route of apiRoutes) expect(described, route).toContain(route);
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json', headers: bearer })).json() as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
  });
});
