/**
 * API calls and time of an initial contact sync of N records each way, against the minimum the batch sizes allow
 * (SPEC section 10: within 10% of it; incremental: no call per record). Runs the real engine against both
 * emulators through the official clients, with a real SQLite store, like `crmsync sync --once`.
 *
 *   npx tsx bench/contact-sync.ts [records=10000]
 *
 * Scenarios, each on empty emulators and a fresh store:
 *   sf→hs  N Salesforce leads with emails, HubSpot empty: every lead becomes a HubSpot contact.
 *   hs→sf  N HubSpot contacts, Salesforce empty: every contact becomes a Salesforce lead.
 * then, in each, a second cycle with nothing changed (what the always-on polling costs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubSpotClient } from '../src/connectors/hubspot/client.ts';
import { SalesforceClient } from '../src/connectors/salesforce/client.ts';
import { SalesforceApiBudget } from '../src/engine/api-budget.ts';
import { runSyncCycle, TallyingMeter, type SyncCycleSummary } from '../src/engine/cycle.ts';
import { startHubSpotEmulator } from '../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../src/emulators/salesforce/index.ts';
import { openStore } from '../src/store/open.ts';
import { admin, HUBSPOT_BATCH, HUBSPOT_SEARCH_PAGE, pages, SOBJECT_COLLECTION, SOQL_PAGE, type Stats } from './support.ts';

const records = Number(process.argv[2] ?? 10_000);
if (!Number.isInteger(records) || records < 1) throw new Error(`records must be a positive whole number, not ${process.argv[2]}`);

interface ScenarioResult {
  name: string;
  summary: SyncCycleSummary;
  seconds: number;
  salesforceCalls: number;
  hubspotCalls: number;
  salesforceMinimum: number;
  hubspotMinimum: number;
  second: { salesforceCalls: number; hubspotCalls: number; writes: number };
  rssMb: number;
  hubspotEndpoints: Record<string, number>;
  salesforceEndpoints: Record<string, number>;
}

async function scenario(name: 'sf→hs' | 'hs→sf', records: number): Promise<ScenarioResult> {
  const salesforceEmulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  const hubspotEmulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
  const folder = mkdtempSync(join(tmpdir(), 'crmsync-bench-'));
  const store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
  try {
    // The figure is API calls and engine time, not HubSpot's ten-second burst pacing (which a real portal applies).
    await admin(hubspotEmulator.url, 'config', { rateLimits: { tenSecondly: 1_000_000, daily: 100_000_000 } });
    await admin(hubspotEmulator.url, 'owners', { email: 'integration@crmsync-emulator.example.com', firstName: 'Integration', lastName: 'User' });
    if (name === 'sf→hs') await admin(salesforceEmulator.url, 'seed', { Lead: records });
    else await admin(hubspotEmulator.url, 'seed', { contacts: records });
    await admin(salesforceEmulator.url, 'stats/reset', {}).catch(() => undefined);
    const before = {
      salesforce: ((await admin(salesforceEmulator.url, 'stats')) as Stats).total,
      hubspot: ((await admin(hubspotEmulator.url, 'stats')) as Stats).total,
    };

    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => null, () => new Date());
    const calls = { salesforce: new TallyingMeter(budget), hubspot: new TallyingMeter() };
    const salesforce = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: salesforceEmulator.url, accessToken: 'bench' }, apiVersion: '62.0', meter: calls.salesforce });
    const hubspot = new HubSpotClient({ accessToken: 'bench', basePath: hubspotEmulator.url, meter: calls.hubspot });
    const deps = { store, salesforce, hubspot, calls, clock: () => new Date() };

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const summary = await runSyncCycle(deps);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    const salesforceStats = (await admin(salesforceEmulator.url, 'stats')) as Stats;
    const hubspotStats = (await admin(hubspotEmulator.url, 'stats')) as Stats;
    const second = await runSyncCycle(deps);
    const { salesforce: s2, hubspot: h2 } = second.contacts;

    // The minimum: read the changed side once in full pages, write the other side in full batches, and (HubSpot →
    // Salesforce) write the new Salesforce ids back onto the contacts, which HubSpot's own integration does too.
    const salesforceMinimum =
      name === 'sf→hs'
        ? pages(records, SOQL_PAGE) + 1 /* Contact query, empty */
        : 2 /* Lead and Contact queries, empty */ + pages(records, SOBJECT_COLLECTION);
    const hubspotMinimum =
      name === 'sf→hs'
        ? 1 /* search, empty */ + pages(records, HUBSPOT_BATCH) /* create */
        : pages(records, HUBSPOT_SEARCH_PAGE) + pages(records, HUBSPOT_BATCH) /* ids written back */;
    return {
      name,
      summary,
      seconds,
      salesforceCalls: salesforceStats.total - before.salesforce,
      hubspotCalls: hubspotStats.total - before.hubspot,
      salesforceMinimum,
      hubspotMinimum,
      second: { salesforceCalls: s2.apiCalls, hubspotCalls: h2.apiCalls, writes: s2.created + s2.updated + s2.deleted + h2.created + h2.updated + h2.deleted },
      rssMb: Math.round(peakRss / 1024 / 1024),
      hubspotEndpoints: hubspotStats.byEndpoint,
      salesforceEndpoints: salesforceStats.byEndpoint,
    };
  } finally {
    await store.close();
    await salesforceEmulator.close();
    await hubspotEmulator.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

const percentOver = (actual: number, minimum: number) => `${actual >= minimum ? '+' : ''}${Math.round(((actual - minimum) / minimum) * 100)}%`;

console.log(`initial contact sync of ${records.toLocaleString('en-US')} records (Node ${process.version})\n`);
console.log('Fixed: calls a cycle makes whatever the number of records (schema, owners, opportunity roles, deletions), measured with 1 record.');
console.log('Per-record: the rest, against the minimum the page and batch sizes allow for N records.\n');
console.log('| scenario | Salesforce calls: total (fixed + per-record) | per-record vs minimum | HubSpot calls: total (fixed + per-record) | per-record vs minimum | records/s | created | failed | next cycle calls SF/HS, writes | peak RSS |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const name of ['sf→hs', 'hs→sf'] as const) {
  const one = await scenario(name, 1);
  const fixed = { salesforce: one.salesforceCalls - one.salesforceMinimum, hubspot: one.hubspotCalls - one.hubspotMinimum };
  const r = await scenario(name, records);
  const { salesforce, hubspot } = r.summary.contacts;
  const created = salesforce.created + hubspot.created;
  const failed = salesforce.failed + hubspot.failed + r.summary.contacts.planErrors;
  const sfPerRecord = r.salesforceCalls - fixed.salesforce;
  const hsPerRecord = r.hubspotCalls - fixed.hubspot;
  console.log(
    `| ${name} | ${r.salesforceCalls} (${fixed.salesforce} + ${sfPerRecord}) | ${sfPerRecord} vs ${r.salesforceMinimum} (${percentOver(sfPerRecord, r.salesforceMinimum)}) | ${r.hubspotCalls} (${fixed.hubspot} + ${hsPerRecord}) | ${hsPerRecord} vs ${r.hubspotMinimum} (${percentOver(hsPerRecord, r.hubspotMinimum)}) | ${Math.round(records / r.seconds).toLocaleString('en-US')} | ${created} | ${failed} | ${r.second.salesforceCalls}/${r.second.hubspotCalls}, ${r.second.writes} | ${r.rssMb} MB |`,
  );
  if (process.env.BENCH_VERBOSE) console.error(name, JSON.stringify({ hubspot: r.hubspotEndpoints, salesforce: r.salesforceEndpoints }, null, 1));
}
