import { Client } from '@hubspot/api-client';
import { buildHubSpotEmulator, type HubSpotEmulatorOptions } from '../../../src/emulators/hubspot/index.ts';
import { listen, type RunningEmulator } from '../../../src/emulators/shared/server.ts';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** Response bodies are read loosely: the assertions say what shape they expect. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HubSpotHarness {
  app: FastifyInstance;
  emulator: RunningEmulator;
  client: Client;
  /** A raw call, for what the official client hides (status codes, headers, malformed bodies). */
  http(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Json }>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/** Starts an emulator on a free loopback port with the official client pointed at it (basePath). */
export async function startHarness(options: HubSpotEmulatorOptions = {}): Promise<HubSpotHarness> {
  const app = await buildHubSpotEmulator({ seed: 'none', ...options });
  const emulator = await listen(app, 0);
  const client = new Client({ accessToken: 'test-token', basePath: emulator.url });
  const http: HubSpotHarness['http'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: 'Bearer test-token', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    app,
    emulator,
    client,
    http,
    admin: (method, path, body) => http(method, `/__emulator/${path}`, body),
    close: () => emulator.close(),
  };
}

/** The official client throws ApiException; this returns its status and parsed body instead. */
export async function failure(promise: Promise<unknown>): Promise<{ code: number; body: Json }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: number; body: unknown };
    return { code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
  }
  throw new Error('expected the call to fail');
}

/**
 * One emulator per test file, reset before each test (configuration survives resets). The harness object is filled in before the first test
 * runs, so tests use it directly.
 */
export function useHarness(options: HubSpotEmulatorOptions = {}, config?: Record<string, unknown>): HubSpotHarness {
  const harness = {} as HubSpotHarness;
  beforeAll(async () => {
    Object.assign(harness, await startHarness(options));
    if (config) await harness.admin('POST', 'config', config);
  });
  afterAll(async () => harness.close());
  beforeEach(async () => {
    await harness.admin('POST', 'reset');
  });
  return harness;
}
