import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execute = promisify(execFile);
const bin = new URL('../../bin/crmsync.js', import.meta.url).pathname;
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'crmsync-sync-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function summaryLine(stdout: string, system: 'Salesforce' | 'HubSpot'): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.trim().startsWith(system)) ?? '';
  return Object.fromEntries([...line.matchAll(/(read|created|updated|deleted|skipped|failed|API calls) (\d+)/g)].map((m) => [m[1] as string, Number(m[2])]));
}

describe('crmsync sync --once', () => {
  it('syncs the demo world with no credentials, prints a summary per system, and keeps the emulators beside the store', async () => {
    const { stdout } = await execute('node', [bin, 'sync', '--once'], { env: { ...process.env, CRMSYNC_DATA_DIR: dataDir, DATABASE_URL: '' }, timeout: 120_000 });
    expect(stdout).toMatch(/no credentials configured: the built-in emulators/);
    const salesforce = summaryLine(stdout, 'Salesforce');
    const hubspot = summaryLine(stdout, 'HubSpot');
    expect(salesforce.read).toBeGreaterThan(100);
    expect(hubspot.created).toBeGreaterThan(50);
    // An initial sync of a few hundred people costs a handful of Salesforce calls, not one per record.
    expect(salesforce['API calls']).toBeLessThan(30);
    expect(existsSync(join(dataDir, 'emulators', 'salesforce.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'emulators', 'hubspot.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'crmsync.db'))).toBe(true);

    // The second run finds the same worlds: what the first created is linked, not created again.
    const second = await execute('node', [bin, 'sync', '--once'], { env: { ...process.env, CRMSYNC_DATA_DIR: dataDir, DATABASE_URL: '' }, timeout: 120_000 });
    expect(summaryLine(second.stdout, 'HubSpot').created).toBe(0);
    expect(summaryLine(second.stdout, 'Salesforce').created).toBe(0);
  }, 240_000);
});
