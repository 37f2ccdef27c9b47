/**
 * How fast the emulators take batch writes and paged reads through the vendors' own clients, on one core.
 * The emulators must never be the bottleneck of a sync benchmark (issue 2: thousands of records a second).
 *
 *   npx tsx bench/emulator-throughput.ts [records=20000]
 */
import { Client } from '@hubspot/api-client';
import { Connection } from '@jsforce/jsforce-node';
import { startHubSpotEmulator } from '../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../src/emulators/salesforce/index.ts';

const records = Number(process.argv[2] ?? 20_000);

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')} records/s`;
}

async function salesforce(): Promise<void> {
  const emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  try {
    const conn = new Connection({ instanceUrl: emulator.url, accessToken: 'bench', version: '62.0' });
    let started = performance.now();
    for (let offset = 0; offset < records; offset += 200) {
      const batch = Array.from({ length: Math.min(200, records - offset) }, (_, i) => ({
        LastName: `Lead ${offset + i}`,
        Company: `Company ${offset + i}`,
        Email: `lead${offset + i}@bench.example.com`,
      }));
      const results = await conn.sobject('Lead').create(batch, { allOrNone: false });
      if (results.some((r) => !r.success)) throw new Error('a create failed');
    }
    const writeMs = performance.now() - started;
    started = performance.now();
    let read = 0;
    let page = await conn.query<{ Id: string }>('SELECT Id, Email, LastModifiedDate FROM Lead ORDER BY SystemModstamp', { autoFetch: false });
    read += page.records.length;
    while (!page.done && page.nextRecordsUrl) {
      page = await conn.queryMore<{ Id: string }>(page.nextRecordsUrl);
      read += page.records.length;
    }
    const readMs = performance.now() - started;
    if (read !== records) throw new Error(`read ${read} of ${records}`);
    console.log(`salesforce  create (collections of 200): ${rate(records, writeMs)}   query (pages of 2,000): ${rate(read, readMs)}`);
  } finally {
    await emulator.close();
  }
}

async function hubspot(): Promise<void> {
  const emulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
  try {
    const client = new Client({ accessToken: 'bench', basePath: emulator.url });
    // Benchmarks measure throughput, not HubSpot's ten-second burst limit.
    await fetch(`${emulator.url}/__emulator/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimits: { tenSecondly: 1_000_000, daily: 100_000_000 } }),
    });
    let started = performance.now();
    for (let offset = 0; offset < records; offset += 100) {
      const inputs = Array.from({ length: Math.min(100, records - offset) }, (_, i) => ({
        properties: { email: `contact${offset + i}@bench.example.com`, firstname: 'Bench', lastname: String(offset + i) },
        associations: [],
      }));
      await client.crm.contacts.batchApi.create({ inputs });
    }
    const writeMs = performance.now() - started;
    started = performance.now();
    let read = 0;
    let after: string | undefined;
    do {
      const page = await client.crm.contacts.basicApi.getPage(100, after, ['email']);
      read += page.results.length;
      after = page.paging?.next?.after;
    } while (after);
    const readMs = performance.now() - started;
    if (read !== records) throw new Error(`read ${read} of ${records}`);
    console.log(`hubspot     create (batches of 100):     ${rate(records, writeMs)}   list (pages of 100):    ${rate(read, readMs)}`);
  } finally {
    await emulator.close();
  }
}

console.log(`${records.toLocaleString('en-US')} records each, Node ${process.version}, clients and emulator in one process`);
await salesforce();
await hubspot();
