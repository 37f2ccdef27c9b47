/**
 * API calls, time and memory of an import of N Salesforce Accounts, then N Opportunities (each on an Account), into
 * an empty HubSpot, against the minimum the page and batch sizes allow (issue 5). The real importer
 * (src/engine/import) runs against both emulators through the official clients with a SQLite store, as
 * `crmsync import --object Account` then `--object Opportunity` do.
 *
 *   npx tsx bench/import.ts [records=100000]
 *
 * Minimum per object: Salesforce, the records in SOQL pages of 2,000; HubSpot, the records created in batches of 100
 * and, for opportunities, the deal → company associations in batches of 100.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubSpotClient } from '../src/connectors/hubspot/client.ts';
import { SalesforceClient } from '../src/connectors/salesforce/client.ts';
import { SalesforceApiBudget } from '../src/engine/api-budget.ts';
import { TallyingMeter } from '../src/engine/cycle.ts';
import { importerFor } from '../src/engine/import/index.ts';
import type { ImportProgress } from '../src/engine/import-control.ts';
import { startHubSpotEmulator } from '../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../src/emulators/salesforce/index.ts';
import { openStore } from '../src/store/open.ts';
import { admin, HUBSPOT_BATCH, pages, SOQL_PAGE, type Stats } from './support.ts';

const records = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(records) || records < 1) throw new Error(`records must be a positive whole number, not ${process.argv[2]}`);

const salesforceEmulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
const hubspotEmulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
const folder = mkdtempSync(join(tmpdir(), 'crmsync-bench-import-'));
const store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
try {
  // The figure is API calls and engine time, not HubSpot's ten-second burst pacing (which a real portal applies).
  await admin(hubspotEmulator.url, 'config', { rateLimits: { tenSecondly: 1_000_000, daily: 100_000_000 } });
  await admin(hubspotEmulator.url, 'owners', { email: 'integration@crmsync-emulator.example.com', firstName: 'Integration', lastName: 'User' });
  await admin(salesforceEmulator.url, 'seed', { Account: records, Opportunity: records });

  const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => null, () => new Date());
  const calls = { salesforce: new TallyingMeter(budget), hubspot: new TallyingMeter() };
  const salesforce = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: salesforceEmulator.url, accessToken: 'bench' }, apiVersion: '62.0', meter: calls.salesforce });
  const hubspot = new HubSpotClient({ accessToken: 'bench', basePath: hubspotEmulator.url, meter: calls.hubspot });

  // The bulk seed fills required fields only: each Opportunity is put on an Account (round robin), as in a real org.
  const accountIds: string[] = [];
  for await (const page of salesforce.queryPages('SELECT Id FROM Account ORDER BY Id', 'Account')) accountIds.push(...page.map((row) => String(row.Id)));
  const opportunities: Array<{ Id: string; AccountId: string }> = [];
  for await (const page of salesforce.queryPages('SELECT Id FROM Opportunity ORDER BY Id', 'Opportunity')) {
    for (const row of page) opportunities.push({ Id: String(row.Id), AccountId: accountIds[opportunities.length % accountIds.length]! });
  }
  await salesforce.update('Opportunity', opportunities);
  opportunities.length = 0;
  await store.settings.write({ companies: { enabled: true }, deals: { enabled: true } }, 0, new Date());

  const importer = importerFor({ store, salesforce, hubspot, calls, clock: () => new Date() });
  const rows: string[] = [];
  for (const object of ['Account', 'Opportunity'] as const) {
    const before = {
      salesforce: ((await admin(salesforceEmulator.url, 'stats')) as Stats).byEndpoint,
      hubspot: ((await admin(hubspotEmulator.url, 'stats')) as Stats).byEndpoint,
      salesforceTotal: ((await admin(salesforceEmulator.url, 'stats')) as Stats).total,
      hubspotTotal: ((await admin(hubspotEmulator.url, 'stats')) as Stats).total,
    };
    global.gc?.();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const { importId } = await importer.start({ object, createdAfter: null, modifiedAfter: null });
    const done: ImportProgress = await importer.finished(importId);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (done.state !== 'succeeded') throw new Error(`the import of ${object} ended ${done.state}: ${done.failure}`);
    const salesforceStats = (await admin(salesforceEmulator.url, 'stats')) as Stats;
    const hubspotStats = (await admin(hubspotEmulator.url, 'stats')) as Stats;
    const salesforceCalls = salesforceStats.total - before.salesforceTotal;
    const hubspotCalls = hubspotStats.total - before.hubspotTotal;
    const salesforceMinimum = pages(records, SOQL_PAGE);
    const hubspotMinimum = pages(records, HUBSPOT_BATCH) * (object === 'Opportunity' ? 2 : 1);
    const over = (actual: number, minimum: number) => `${actual} vs ${minimum} (${actual >= minimum ? '+' : ''}${Math.round(((actual - minimum) / minimum) * 100)}%)`;
    rows.push(
      `| ${object} | ${done.read.toLocaleString('en-US')} | ${done.created.toLocaleString('en-US')} | ${done.failed} | ${over(salesforceCalls, salesforceMinimum)} | ${over(hubspotCalls, hubspotMinimum)} | ${seconds.toFixed(1)} s | ${Math.round(records / seconds).toLocaleString('en-US')} | ${Math.round(peakRss / 1024 / 1024)} MB |`,
    );
    if (done.apiCalls.salesforce !== salesforceCalls || done.apiCalls.hubspot !== hubspotCalls) {
      console.error(`${object}: the import counted ${done.apiCalls.salesforce}/${done.apiCalls.hubspot} calls, the emulators ${salesforceCalls}/${hubspotCalls}`);
    }
    if (process.env.BENCH_VERBOSE) {
      const delta = (after: Record<string, number>, earlier: Record<string, number>) => Object.fromEntries(Object.entries(after).map(([endpoint, n]) => [endpoint, n - (earlier[endpoint] ?? 0)]).filter(([, n]) => (n as number) > 0));
      console.error(object, JSON.stringify({ salesforce: delta(salesforceStats.byEndpoint, before.salesforce), hubspot: delta(hubspotStats.byEndpoint, before.hubspot) }, null, 1));
    }
  }
  console.log(`import of ${records.toLocaleString('en-US')} Accounts, then ${records.toLocaleString('en-US')} Opportunities, into an empty HubSpot (Node ${process.version})\n`);
  console.log('| object | read | created | failed | Salesforce calls vs minimum | HubSpot calls vs minimum | time | records/s | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
} finally {
  await store.close();
  await salesforceEmulator.close();
  await hubspotEmulator.close();
  rmSync(folder, { recursive: true, force: true });
}
