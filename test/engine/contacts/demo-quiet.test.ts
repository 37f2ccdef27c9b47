import { describe, expect, it } from 'vitest';
import { SalesforceApiBudget } from '../../../src/engine/api-budget.ts';
import { runContactSyncCycle, TallyingMeter } from '../../../src/engine/cycle.ts';
import { demoClients, useDemoWorld } from '../../helpers/demo-world.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';

/** Calls that change data, per emulator, by endpoint (reads, queries, searches and batch reads left out). */
async function writeCalls(url: string): Promise<Record<string, number>> {
  const { byEndpoint } = (await emulatorAdmin(url, 'stats')) as { byEndpoint: Record<string, number> };
  const isWrite = (endpoint: string) =>
    !endpoint.startsWith('GET ') && !/\/(query|search|batch\/read)\b/.test(endpoint) && endpoint !== 'POST /services/data/:version/composite/sobjects/:type';
  return Object.fromEntries(Object.entries(byEndpoint).filter(([endpoint]) => isWrite(endpoint)));
}

describe('the demo world, synced twice', () => {
  const demo = useDemoWorld();

  it('makes no writes and few calls in the second cycle: lead statuses are translated, and contacts created with roles start at their stage', async () => {
    const { store, salesforceEmulator, hubspotEmulator } = demo;
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => null, () => new Date());
    const calls = { salesforce: new TallyingMeter(budget), hubspot: new TallyingMeter() };
    const { salesforce, hubspot } = demoClients(demo, calls);
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
