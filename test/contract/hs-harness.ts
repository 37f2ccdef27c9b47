import { Client } from '@hubspot/api-client';
import { afterEach } from 'vitest';
import { startHubSpotEmulator } from '../../src/emulators/hubspot/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

/** Response bodies are checked against HubSpot's documented shapes in each test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

export interface HubSpotWorld {
  url: string;
  client: Client;
  admin(path: string, body?: unknown, method?: 'GET' | 'POST' | 'DELETE'): Promise<Json>;
  /** A raw call with the same token, for what the SDK hides (status codes and headers). */
  raw(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; headers: Headers; body: Json }>;
}

/** An empty portal and the official client pointed at it (basePath), closed after the test. */
export async function hubspot(): Promise<HubSpotWorld> {
  const emulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
  running.push(emulator);
  const client = new Client({ accessToken: 'contract-token', basePath: emulator.url });
  return {
    url: emulator.url,
    client,
    admin: (path, body, method) => emulatorAdmin(emulator.url, path, body, method) as Promise<Json>,
    raw: async (method, path, body, token = 'contract-token') => {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
}

/** The SDK throws ApiException {code, body, headers}; this returns them with the body parsed. */
export async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: Json; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: number; body: unknown; headers: Record<string, string> };
    return { code: e.code, body: typeof e.body === 'string' ? (JSON.parse(e.body) as unknown) : e.body, headers: e.headers };
  }
  throw new Error('expected the call to fail');
}
