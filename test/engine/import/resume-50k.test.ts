/**
 * Issue 5's proof: an import of 50,000 Salesforce accounts, interrupted for real (`crmsync import` SIGKILLed in the
 * middle of a page, as kill -9 would) and then continued by running the same command again, ends with every
 * Account linked to exactly one HubSpot company and no company twice: no duplicate, no gap.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { startFaultWorld, type FaultWorld } from '../../fault/harness/world.ts';
import type { HubSpotObject } from '../../../src/connectors/hubspot/client.ts';
import type { SalesforceRecord } from '../../../src/connectors/salesforce/client.ts';

const ACCOUNTS = 50_000;
let world: FaultWorld;

beforeEach(async () => {
  world = await startFaultWorld();
});
afterEach(async () => {
  await world.close();
});

it('an import of 50,000 accounts killed mid-page and run again ends with each Account linked to one company, none twice', async () => {
  // The proof is about pages and links, not HubSpot's ten-second pacing (a real portal's limit; the client waits it out).
  await emulatorAdmin(world.hubspot.url, 'config', { rateLimits: { tenSecondly: 1_000_000, daily: 100_000_000 } });
  await emulatorAdmin(world.salesforce.url, 'seed', { Account: ACCOUNTS });
  const store = await world.openStore();
  await store.settings.write({ companies: { enabled: true } }, 0, new Date());
  await store.close();

  // Killed while a page past 10,000 is being written: some of its companies are created, its cursor not moved.
  const killSwitch: { kill?: () => void } = {};
  const first = world.run({ args: ['import', '--object', 'Account'], killSwitch, timeoutMs: 120_000 });
  let cutting = true;
  void (async () => {
    while (cutting) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const created = ((await emulatorAdmin(world.hubspot.url, 'stats')) as { records: { companies: { active: number } } }).records.companies.active;
      if (created >= 10_300 && created % 2_000 !== 0) killSwitch.kill?.();
    }
  })();
  const killed = await first;
  cutting = false;
  expect(killed.signal, `${killed.stdout}${killed.stderr}`).toBe('SIGKILL');

  const afterKill = await world.openStore();
  const [cut] = await afterKill.imports.listUnfinished();
  await afterKill.close();
  expect(cut).toMatchObject({ object: 'Account', state: 'running', total: ACCOUNTS });
  expect(cut!.read).toBeGreaterThanOrEqual(10_000);
  expect(cut!.read).toBeLessThan(ACCOUNTS);
  const companiesAtKill = await records<HubSpotObject>(world.hubspot.url, 'records/companies', 'results');
  // The page cut short: written in part, not counted, read again by the next run.
  expect(companiesAtKill.length).toBeGreaterThan(cut!.read);

  const second = await world.run({ args: ['import', '--object', 'Account'], timeoutMs: 120_000 });
  expect(second.exitCode, `${second.stdout}${second.stderr}`).toBe(0);
  expect(second.stdout).toContain(`import ${cut!.importId} of Account: continuing after ${cut!.read} records`);
  expect(second.stdout).toContain('import of Account: succeeded');

  const accounts = await records<SalesforceRecord>(world.salesforce.url, 'records/Account', 'records');
  const companies = await records<HubSpotObject>(world.hubspot.url, 'records/companies', 'results');
  expect(accounts).toHaveLength(ACCOUNTS);
  expect(companies).toHaveLength(ACCOUNTS);
  const carried = new Set(companies.map((company) => company.properties.salesforceaccountid));
  expect(carried.size).toBe(ACCOUNTS);
  for (const account of accounts) expect(carried.has(String(account.Id))).toBe(true);

  const done = await world.openStore();
  const links = await done.idLinks.findBySalesforceIds(accounts.map((account) => String(account.Id)));
  const finished = await done.imports.find(cut!.importId);
  await done.close();
  expect(links.size).toBe(ACCOUNTS);
  expect(new Set([...links.values()].map((link) => link.hubspotId)).size).toBe(ACCOUNTS);
  expect(finished).toMatchObject({ state: 'succeeded', read: ACCOUNTS, failed: 0 });
  // Every page counted once: the records of the cut page written before the kill were linked, so they came back as updates or no-ops.
  expect(finished!.created).toBe(ACCOUNTS - (companiesAtKill.length - cut!.read));
}, 240_000);

async function records<T>(url: string, path: string, key: 'records' | 'results'): Promise<T[]> {
  return ((await emulatorAdmin(url, path)) as Record<string, T[]>)[key]!;
}
