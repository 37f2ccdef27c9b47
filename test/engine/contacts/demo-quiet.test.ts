import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../../src/connectors/hubspot/client.ts';
import { SalesforceClient } from '../../../src/connectors/salesforce/client.ts';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';
import { SalesforceApiBudget } from '../../../src/engine/api-budget.ts';
import { runContactSyncCycle, TallyingMeter } from '../../../src/engine/cycle.ts';
import { openStore, type Store } from '../../../src/store/open.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';

/** Calls that change data, per emulator, by endpoint (reads, queries, searches and batch reads left out). */
async function writeCalls(url: string): Promise<Record<string, number>> {
  const { byEndpoint } = (await emulatorAdmin(url, 'stats')) as { byEndpoint: Record<string, number> };
  const isWrite = (endpoint: string) =>
    !endpoint.startsWith('GET ') && !/\/(query|search|batch\/read)\b/.test(endpoint) && endpoint !== 'POST /services/data/:version/composite/sobjects/:type';
  return Object.fromEntries(Object.entries(byEndpoint).filter(([endpoint]) => isWrite(endpoint)));
}

describe('the demo world, synced twice', () => {
  let salesforceEmulator: RunningEmulator;
  let hubspotEmulator: RunningEmulator;
  let store: Store;
  let folder: string;
  beforeAll(async () => {
    salesforceEmulator = await startSalesforceEmulator({ port: 0, seed: 'demo' });
    hubspotEmulator = await startHubSpotEmulator({ port: 0, seed: 'demo' });
    folder = mkdtempSync(join(tmpdir(), 'crmsync-demo-'));
    store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
  });
  afterAll(async () => {
    await store.close();
    await salesforceEmulator.close();
    await hubspotEmulator.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('makes no writes and few calls in the second cycle: lead statuses are translated, and contacts created with roles start at their stage', async () => {
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => null, () => new Date());
    const calls = { salesforce: new TallyingMeter(budget), hubspot: new TallyingMeter() };
    const salesforce = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: salesforceEmulator.url, accessToken: 'token' }, apiVersion: '62.0', meter: calls.salesforce });
    const hubspot = new HubSpotClient({ accessToken: 'token', basePath: hubspotEmulator.url, meter: calls.hubspot });
    const cycle = () => runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() });

    const first = await cycle();
    expect(first.hubspot.created).toBeGreaterThan(50);
    // Lead statuses are translated both ways: none is refused by either system.
    const firstErrors = (await store.syncErrors.list({}, { limit: 500 })).errors;
    expect(firstErrors.filter((error) => error.field === 'Status' || error.field === 'hs_lead_status')).toEqual([]);

    const writesBefore = { salesforce: await writeCalls(salesforceEmulator.url), hubspot: await writeCalls(hubspotEmulator.url) };
    const second = await cycle();
    expect({ salesforce: await writeCalls(salesforceEmulator.url), hubspot: await writeCalls(hubspotEmulator.url) }).toEqual(writesBefore);
    expect(second.salesforce).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(second.hubspot).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    // What a quiet cycle costs: the polls, the counterparts of re-read records, the live schema (once a cycle).
    // Before lead statuses were translated, this cycle made about 340 HubSpot calls splitting refused batches.
    expect(second.hubspot.apiCalls).toBeLessThanOrEqual(10);
    expect(second.salesforce.apiCalls).toBeLessThanOrEqual(16);
    expect(second.withheldValues + first.withheldValues).toBe(0);
  });
});
