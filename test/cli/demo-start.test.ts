/**
 * `npm start` on the built-in emulators shows every object of the demo world syncing, not contacts alone: the demo
 * settings switch them on at the first start, and never over settings an admin saved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/core/settings.ts';
import { demoSettings } from '../../src/cli/demo-settings.ts';
import { startCrmsync, type RunningCrmsync } from '../../src/cli/start.ts';

let folder: string;
let crmsync: RunningCrmsync | undefined;
const printed: string[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crmsync-demo-start-'));
  crmsync = await startCrmsync({ dataDir: folder, port: 0, seed: 'demo', env: { CRMSYNC_LOG_LEVEL: 'silent' }, pollIntervalMs: 3_600_000, print: (line) => printed.push(line) });
  await crmsync.initialSync;
}, 240_000);
afterAll(async () => {
  await crmsync?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('npm start on the demo world', () => {
  it('is a valid settings document', () => {
    expect(parseSettings(demoSettings)).toMatchObject({ ok: true });
  });

  it('syncs companies, deals, tickets and the custom object at the first start, and says so', async () => {
    expect(printed.join('\n')).toMatch(/Demo settings: companies, deals, tickets/);
    const linked = new Map((await crmsync!.store.idLinks.countByObject()).map((row) => [row.salesforceObject, row.links]));
    for (const object of ['Lead', 'Contact', 'Account', 'Opportunity', 'Case', 'Project__c']) expect(linked.get(object) ?? 0, object).toBeGreaterThan(0);
  });

  it('keeps settings an admin saved: a restart does not switch anything back on', async () => {
    const settings = await crmsync!.store.settings.read();
    await crmsync!.store.settings.write({ ...(settings?.document ?? {}), tickets: { enabled: false } }, settings?.version ?? 0, new Date());
    await crmsync!.close();
    crmsync = await startCrmsync({ dataDir: folder, port: 0, seed: 'demo', env: { CRMSYNC_LOG_LEVEL: 'silent' }, pollIntervalMs: 3_600_000, quiet: true });
    await crmsync.initialSync;
    expect(((await crmsync.store.settings.read())?.document as { tickets?: { enabled?: boolean } }).tickets?.enabled).toBe(false);
  }, 240_000);
});
