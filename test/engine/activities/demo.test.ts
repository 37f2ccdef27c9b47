import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../../src/connectors/hubspot/client.ts';
import { SalesforceClient } from '../../../src/connectors/salesforce/client.ts';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';
import { runSyncCycle, TallyingMeter } from '../../../src/engine/cycle.ts';
import { openStore, type Store } from '../../../src/store/open.ts';
import { activitiesOf, activityWrites, allFromSalesforce, allTimeline } from './world.ts';

describe('the demo world with every activity toggle on, synced twice', () => {
  let salesforceEmulator: RunningEmulator;
  let hubspotEmulator: RunningEmulator;
  let store: Store;
  let folder: string;
  beforeAll(async () => {
    salesforceEmulator = await startSalesforceEmulator({ port: 0, seed: 'demo' });
    hubspotEmulator = await startHubSpotEmulator({ port: 0, seed: 'demo' });
    folder = mkdtempSync(join(tmpdir(), 'crmsync-activities-demo-'));
    store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
  });
  afterAll(async () => {
    await store.close();
    await salesforceEmulator.close();
    await hubspotEmulator.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('carries the seeded activities both ways without a refused value, and the second cycle writes no activity', async () => {
    await store.settings.write({ companies: { enabled: true }, deals: { enabled: true }, activities: { timeline: allTimeline, fromSalesforce: allFromSalesforce } }, 0, new Date());
    const calls = { salesforce: new TallyingMeter(), hubspot: new TallyingMeter() };
    const salesforce = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: salesforceEmulator.url, accessToken: 'token' }, apiVersion: '62.0', meter: calls.salesforce });
    const hubspot = new HubSpotClient({ accessToken: 'token', basePath: hubspotEmulator.url, meter: calls.hubspot });
    const cycle = () => runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() });

    const first = activitiesOf(await cycle());
    expect(first?.salesforce.created).toBeGreaterThan(20);
    expect(first?.hubspot.created).toBeGreaterThan(20);
    expect([first?.salesforce.failed, first?.hubspot.failed]).toEqual([0, 0]);
    const activityTypes = new Set(['notes', 'emails', 'calls', 'meetings', 'tasks']);
    const refused = (await store.syncErrors.list({}, { limit: 500 })).errors.filter((error) => activityTypes.has(error.object) && error.category !== 'associations');
    expect(refused.map((error) => `${error.object} ${error.field}: ${error.message}`)).toEqual([]);

    const second = await cycle();
    expect(activityWrites(second)).toBe(0);
  });
});
