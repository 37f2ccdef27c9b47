/**
 * Both emulators with their demo seeds and a fresh SQLite store, started once for a test file; and the official
 * clients over them, metered by the meters a test chooses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { HubSpotClient } from '../../src/connectors/hubspot/client.ts';
import { SalesforceClient } from '../../src/connectors/salesforce/client.ts';
import { startHubSpotEmulator } from '../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import type { TallyingMeter } from '../../src/engine/cycle.ts';
import { openStore, type Store } from '../../src/store/open.ts';

export interface DemoWorld {
  salesforceEmulator: RunningEmulator;
  hubspotEmulator: RunningEmulator;
  store: Store;
}

export function useDemoWorld(): DemoWorld {
  const world = {} as DemoWorld;
  let folder: string;
  beforeAll(async () => {
    world.salesforceEmulator = await startSalesforceEmulator({ port: 0, seed: 'demo' });
    world.hubspotEmulator = await startHubSpotEmulator({ port: 0, seed: 'demo' });
    folder = mkdtempSync(join(tmpdir(), 'crmsync-demo-'));
    world.store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
  });
  afterAll(async () => {
    await world.store.close();
    await world.salesforceEmulator.close();
    await world.hubspotEmulator.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return world;
}

export function demoClients(world: DemoWorld, calls: { salesforce: TallyingMeter; hubspot: TallyingMeter }): { salesforce: SalesforceClient; hubspot: HubSpotClient } {
  return {
    salesforce: new SalesforceClient({ credentials: { kind: 'session', instanceUrl: world.salesforceEmulator.url, accessToken: 'token' }, apiVersion: '62.0', meter: calls.salesforce }),
    hubspot: new HubSpotClient({ accessToken: 'token', basePath: world.hubspotEmulator.url, meter: calls.hubspot }),
  };
}
