/**
 * What the API tests share: a small fake of the SyncControl port (the service loop is the lead's and is tested
 * on its own), the server over a REAL store, and the admin's ways in (Bearer token, UI session).
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import type { HubSpotClient } from '../../src/connectors/hubspot/client.ts';
import type { SalesforceClient } from '../../src/connectors/salesforce/client.ts';
import type { SyncControl, SyncStatus } from '../../src/engine/sync-control.ts';
import { crmSchemaFromConnectors } from '../../src/server/api/crm-schema.ts';
import { buildServer, type ServerOptions } from '../../src/server/app.ts';
import type { Store } from '../../src/store/open.ts';

export const adminToken = 'admin-token-0123456789abcdef';
export const bearer = { authorization: `Bearer ${adminToken}` };

export class FakeSync implements SyncControl {
  readonly requests: string[] = [];
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  current: SyncStatus = { phase: 'idle', current: null, lastRun: null, lastSuccessAt: null, nextRunAt: null };

  status(): SyncStatus {
    return this.current;
  }

  requestRun(reason: string): Promise<void> {
    this.requests.push(reason);
    return Promise.resolve();
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(status: SyncStatus): void {
    this.current = status;
    for (const listener of this.listeners) listener(status);
  }
}

export function apiServer(store: Store, sync: SyncControl, options: Partial<ServerOptions> = {}): FastifyInstance {
  return buildServer({
    adminToken,
    hubspotClientSecret: null,
    publicUrl: 'http://127.0.0.1:3000',
    webhookInbox: { accept: async () => undefined },
    clock: () => new Date(),
    webRoot: null,
    store,
    sync,
    ...options,
  });
}

/** Signs in as the UI does; returns the cookie header to send and the CSRF token. */
export async function signIn(app: FastifyInstance): Promise<{ cookie: string; csrfToken: string }> {
  const response = await app.inject({ method: 'POST', url: '/api/session', payload: { token: adminToken } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const setCookie = String(response.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0]!, csrfToken: (response.json() as { csrfToken: string }).csrfToken };
}

/**
 * Registers hooks that build, before each test, the API over a world's store with the live schema read through
 * its connectors (as `crmsync start` wires it), and close it after; returns Bearer-signed GET and PUT.
 */
export function useVendorApi(world: { store: Store; salesforce: SalesforceClient; hubspot: HubSpotClient }) {
  let app: FastifyInstance;
  beforeEach(() => {
    app = apiServer(world.store, new FakeSync(), { crmSchema: crmSchemaFromConnectors(world.salesforce, world.hubspot) });
  });
  afterEach(async () => {
    await app.close();
  });
  return {
    get: (url: string) => app.inject({ method: 'GET', url, headers: bearer }),
    put: (url: string, payload: object) => app.inject({ method: 'PUT', url, headers: bearer, payload }),
  };
}
