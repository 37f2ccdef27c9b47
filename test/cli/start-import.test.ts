/**
 * The service and imports: an import asked through the HTTP API that the service's stop interrupted is continued by
 * the next `crmsync start` on the same data folder, from its stored cursor, and its status is read from the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startCrmsync, type RunningCrmsync } from '../../src/cli/start.ts';
import type { ImportProgress } from '../../src/engine/import-control.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

const folder = mkdtempSync(join(tmpdir(), 'crmsync-start-import-'));
let crmsync: RunningCrmsync | undefined;
afterAll(async () => {
  await crmsync?.close();
  rmSync(folder, { recursive: true, force: true });
});

const start = (print: (line: string) => void = () => undefined) =>
  startCrmsync({ dataDir: folder, port: 0, seed: 'none', env: { CRMSYNC_LOG_LEVEL: 'silent' }, pollIntervalMs: 3_600_000, print });

async function api(running: RunningCrmsync, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${running.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

it('an import the service stopped is continued at the next start, and its status comes from the store', async () => {
  crmsync = await start();
  await crmsync.initialSync;
  await emulatorAdmin(crmsync.salesforceEmulator!.url, 'seed', { Account: 2_500 });
  const refused = await api(crmsync, 'POST', '/api/import', { object: 'Account' });
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.json)).toContain('companies.enabled');
  await crmsync.store.settings.write({ ...(await crmsync.store.settings.read())?.document, companies: { enabled: true } }, (await crmsync.store.settings.read())?.version ?? 0, new Date());

  const started = await api(crmsync, 'POST', '/api/import', { object: 'Account' });
  expect(started.status).toBe(202);
  const { importId } = started.json as { importId: string };
  await crmsync.close();
  crmsync = undefined;

  const printed: string[] = [];
  crmsync = await start((line) => printed.push(line));
  const stopped = (await api(crmsync, 'GET', `/api/import/${importId}`)).json as ImportProgress;
  expect(stopped.read).toBeLessThan(2_500);
  let progress: ImportProgress = stopped;
  for (let i = 0; i < 600 && progress.state !== 'succeeded'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress = (await api(crmsync, 'GET', `/api/import/${importId}`)).json as ImportProgress;
  }
  expect(progress).toMatchObject({ importId, object: 'Account', state: 'succeeded', read: 2_500, total: 2_500, failed: 0 });
  expect(printed.join('\n')).toContain(`Continuing 1 unfinished import: ${importId}`);
  const { results } = (await emulatorAdmin(crmsync.hubspotEmulator!.url, 'records/companies')) as { results: Array<{ properties: Record<string, string> }> };
  expect(results).toHaveLength(2_500);
  expect(new Set(results.map((company) => company.properties.salesforceaccountid)).size).toBe(2_500);
}, 120_000);
