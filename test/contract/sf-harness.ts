import { Connection } from '@jsforce/jsforce-node';
import { afterEach } from 'vitest';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

/** Response bodies are checked against the vendor's documented shapes in each test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

export interface SalesforceWorld {
  url: string;
  conn: Connection;
  admin(path: string, body?: unknown, method?: 'GET' | 'POST' | 'DELETE'): Promise<Json>;
}

/** An empty org and a jsforce Connection on it, closed after the test. */
export async function salesforce(): Promise<SalesforceWorld> {
  const emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  running.push(emulator);
  const conn = new Connection({ instanceUrl: emulator.url, accessToken: 'contract-token', version: '62.0' });
  return { url: emulator.url, conn, admin: (path, body, method) => emulatorAdmin(emulator.url, path, body, method) as Promise<Json> };
}

/** What jsforce threw, read untyped (its error objects carry errorCode, name and data). */
export async function rejection(promise: PromiseLike<unknown>): Promise<Json> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Salesforce's collection results say statusCode; jsforce's type says errorCode: read untyped. */
export function errorsOf(result: unknown): Array<{ statusCode: string; message: string; fields: string[] }> {
  return ((result as { errors?: unknown[] }).errors ?? []) as Array<{ statusCode: string; message: string; fields: string[] }>;
}
