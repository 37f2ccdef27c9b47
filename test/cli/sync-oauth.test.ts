/**
 * A HubSpot OAuth app configured through the environment (HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET,
 * HUBSPOT_REFRESH_TOKEN): `connectSyncSystems` gets a token by refresh, keeps it encrypted in the store, and syncs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSyncSystems } from '../../src/cli/sync.ts';
import { loadConfig } from '../../src/config.ts';
import { hubspotTokenSecrets } from '../../src/connectors/hubspot/oauth.ts';
import { runSyncCycle } from '../../src/engine/cycle.ts';
import { startHubSpotEmulator } from '../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { openStore } from '../../src/store/open.ts';

let salesforce: RunningEmulator;
let hubspot: RunningEmulator;
let folder: string;

beforeAll(async () => {
  salesforce = await startSalesforceEmulator({ port: 0, seed: 'none' });
  hubspot = await startHubSpotEmulator({ port: 0, seed: 'none' });
  folder = mkdtempSync(join(tmpdir(), 'crmsync-oauth-'));
});
afterAll(async () => {
  await salesforce.close();
  await hubspot.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('sync with a HubSpot OAuth app', () => {
  it('refreshes a token, keeps it encrypted in the store, and syncs with it', async () => {
    const refreshToken = 'installation-refresh-token-5be1';
    const config = loadConfig({
      CRMSYNC_DATA_DIR: folder,
      HUBSPOT_BASE_URL: hubspot.url,
      HUBSPOT_CLIENT_ID: 'crmsync-app',
      HUBSPOT_CLIENT_SECRET: 'crmsync-app-secret',
      HUBSPOT_REFRESH_TOKEN: refreshToken,
      SALESFORCE_INSTANCE_URL: salesforce.url,
      SALESFORCE_ACCESS_TOKEN: 'session-token',
    });
    expect(config.hubspot.kind).toBe('oauth');
    const store = await openStore(config.databaseUrl, { secret: 'a-secret-of-at-least-16-chars' });
    const systems = await connectSyncSystems(config, store, () => new Date());
    try {
      expect(systems.emulators).toBeNull();
      await systems.deps.salesforce.create('Lead', [{ LastName: 'Oauth', Company: 'Acme', Email: 'oauth@example.com' }]);
      const summary = await runSyncCycle(systems.deps);
      expect(summary.contacts.hubspot.created).toBe(1);
      const stored = await store.secrets.get(hubspotTokenSecrets.accessToken);
      expect(stored).toContain('token');
      const token = (JSON.parse(stored!) as { token: string }).token;
      // The database and its write-ahead log hold the token only encrypted.
      const files = readdirSync(folder).filter((name) => name.startsWith('crmsync.db'));
      expect(files.length).toBeGreaterThan(0);
      for (const name of files) expect(readFileSync(join(folder, name)).includes(Buffer.from(token))).toBe(false);
    } finally {
      await systems.close();
      await store.close();
    }
  });
});
