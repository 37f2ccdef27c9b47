import { Connection } from '@jsforce/jsforce-node';
import { afterEach } from 'vitest';
import { startSalesforceEmulator, type SalesforceEmulatorOptions } from '../../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';

export const apiVersion = '62.0';

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

/** Response bodies are checked against the vendor's documented shapes in each test, not typed here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Harness {
  emulator: RunningEmulator;
  conn: Connection;
  admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  raw(method: string, path: string, init?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<{ status: number; body: Json; headers: Headers }>;
}

/** A running emulator and a jsforce Connection pointed at it, closed after each test. */
export async function startHarness(options: SalesforceEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startSalesforceEmulator({ seed: 'none', ...options });
  running.push(emulator);
  const conn = new Connection({ instanceUrl: emulator.url, accessToken: 'any-token', version: apiVersion });
  const parse = async (response: Response) => {
    const text = await response.text();
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  return {
    emulator,
    conn,
    admin: async (method, path, body) => {
      const response = await fetch(`${emulator.url}/__emulator/${path}`, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      return { status: response.status, body: await parse(response) };
    },
    raw: async (method, path, init = {}) => {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${init.token ?? 'any-token'}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
      });
      return { status: response.status, body: await parse(response), headers: response.headers };
    },
  };
}

export const v = (path: string) => `/services/data/v${apiVersion}${path}`;

/**
 * The statusCode of each error in a SaveResult. Salesforce's collections name it statusCode ("sObject
 * Collections" examples); jsforce's SaveError type calls it errorCode, so read it untyped.
 */
export function statusCodesOf(result: { errors: unknown[] } | undefined): string[] {
  return (result?.errors ?? []).map((error) => (error as { statusCode: string }).statusCode);
}
