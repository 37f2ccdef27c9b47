/**
 * Expired and revoked sessions, against the emulators: Salesforce INVALID_SESSION_ID is refreshed with the refresh
 * token and the call replayed; a HubSpot 401 with OAuth credentials gets one refresh, and the new token is stored
 * encrypted (never in plaintext in the database file); a refused refresh says so instead of looping.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../src/connectors/hubspot/client.ts';
import { HubSpotAuthFailedError, HubSpotOAuthSession, hubspotTokenSecrets } from '../../src/connectors/hubspot/oauth.ts';
import { SalesforceClient } from '../../src/connectors/salesforce/client.ts';
import { startHubSpotEmulator } from '../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { TallyingMeter } from '../../src/engine/cycle.ts';
import { openStore, type Store } from '../../src/store/open.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

let salesforce: RunningEmulator;
let hubspot: RunningEmulator;
let folder: string;
let store: Store;

beforeAll(async () => {
  salesforce = await startSalesforceEmulator({ port: 0, seed: 'none' });
  hubspot = await startHubSpotEmulator({ port: 0, seed: 'none' });
});
afterAll(async () => {
  await salesforce.close();
  await hubspot.close();
});
beforeEach(async () => {
  await emulatorAdmin(salesforce.url, 'reset', {});
  await emulatorAdmin(hubspot.url, 'reset', {});
  folder = mkdtempSync(join(tmpdir(), 'crmsync-oauth-'));
  store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`, { secret: 'oauth-test-crmsync-secret-2f9a' });
});
afterEach(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Every file of the data folder (the database and its WAL) as text, to look for a secret in the clear. */
function dataFolderText(): string {
  return readdirSync(folder)
    .map((name) => readFileSync(join(folder, name)).toString('latin1'))
    .join('\n');
}

describe('Salesforce: INVALID_SESSION_ID', () => {
  it('refreshes the session with the refresh token and replays the call, once per expiry', async () => {
    const { access_token: accessToken, refresh_token: refreshToken } = (await emulatorAdmin(salesforce.url, 'tokens', {})) as { access_token: string; refresh_token: string };
    await emulatorAdmin(salesforce.url, 'config', { strictTokens: true });
    const refreshed: string[] = [];
    const client = new SalesforceClient({
      credentials: { kind: 'oauth_refresh', loginUrl: salesforce.url, clientId: 'crmsync', clientSecret: 'client-secret', refreshToken, instanceUrl: salesforce.url, accessToken },
      apiVersion: '62.0',
      meter: new TallyingMeter(),
      onAccessTokenRefreshed: (token) => refreshed.push(token),
    });
    await client.create('Lead', [{ LastName: 'Before', Company: 'Co' }]);
    expect(refreshed).toEqual([]);

    await emulatorAdmin(salesforce.url, 'faults', { rules: [{ kind: 'expired_session', next: 1 }] });
    const [created] = await client.create('Lead', [{ LastName: 'After', Company: 'Co' }]);
    expect(created).toMatchObject({ success: true });
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).not.toBe(accessToken);

    // The old token revoked (an admin logged the integration out): the same refresh path, and the write lands once.
    await emulatorAdmin(salesforce.url, 'revoke', { token: refreshed[0] });
    await client.create('Lead', [{ LastName: 'Revoked', Company: 'Co' }]);
    expect(refreshed).toHaveLength(2);
    const { records } = (await emulatorAdmin(salesforce.url, 'records/Lead')) as { records: Array<{ LastName: string }> };
    expect(records.map((r) => r.LastName).sort()).toEqual(['After', 'Before', 'Revoked']);
  });

  it('a refused refresh token is an error that says so, not a loop', async () => {
    const { access_token: accessToken, refresh_token: refreshToken } = (await emulatorAdmin(salesforce.url, 'tokens', {})) as { access_token: string; refresh_token: string };
    await emulatorAdmin(salesforce.url, 'config', { strictTokens: true });
    await emulatorAdmin(salesforce.url, 'revoke', {});
    const client = new SalesforceClient({
      credentials: { kind: 'oauth_refresh', loginUrl: salesforce.url, clientId: 'crmsync', clientSecret: 'client-secret', refreshToken, instanceUrl: salesforce.url, accessToken },
      apiVersion: '62.0',
      meter: new TallyingMeter(),
    });
    await expect(client.create('Lead', [{ LastName: 'Nope', Company: 'Co' }])).rejects.toMatchObject({ vendorError: { reaction: { kind: 'suspend', reason: 'auth_failed' } } });
  });
});

describe('HubSpot: 401 with OAuth credentials', () => {
  const refreshToken = 'hubspot-installation-refresh-token-71c0';

  function session(): HubSpotOAuthSession {
    return new HubSpotOAuthSession({ credentials: { baseUrl: hubspot.url, clientId: 'crmsync-app', clientSecret: 'crmsync-app-secret', refreshToken }, vault: store.secrets, clock: () => new Date() });
  }

  it('refreshes once, sends the call again, and stores the new token encrypted', async () => {
    await emulatorAdmin(hubspot.url, 'config', { acceptAnyToken: false });
    const oauth = session();
    const client = new HubSpotClient({ accessToken: 'an-expired-token', basePath: hubspot.url, meter: new TallyingMeter(), oauth });

    const created = await client.batchCreate('contacts', [{ properties: { email: 'oauth@example.com', lastname: 'Refreshed' } }]);
    expect(created.results).toHaveLength(1);
    expect(oauth.refreshes).toBe(1);

    const stored = JSON.parse((await store.secrets.get(hubspotTokenSecrets.accessToken))!) as { token: string; expiresAt: number };
    expect(stored.expiresAt).toBeGreaterThan(Date.now() + 25 * 60_000);
    const onDisk = dataFolderText();
    expect(onDisk).not.toContain(stored.token);
    expect(onDisk).not.toContain(refreshToken);

    // A restart takes the stored token: no refresh needed while it is valid.
    const again = session();
    const reused = new HubSpotClient({ accessToken: await again.accessToken(), basePath: hubspot.url, meter: new TallyingMeter(), oauth: again });
    expect((await reused.batchRead('contacts', [created.results[0]!.id], ['email'])).results).toHaveLength(1);
    expect(again.refreshes).toBe(0);
  });

  it('many calls meeting a revoked token share one refresh', async () => {
    await emulatorAdmin(hubspot.url, 'config', { acceptAnyToken: false });
    const oauth = session();
    const first = await oauth.accessToken();
    await emulatorAdmin(hubspot.url, 'revoke', { token: first });
    const client = new HubSpotClient({ accessToken: first, basePath: hubspot.url, meter: new TallyingMeter(), oauth });
    await Promise.all([client.properties('contacts'), client.properties('companies'), client.properties('deals')]);
    // One refresh for the revoked token, however many calls met it (the first token came from a refresh too).
    expect(oauth.refreshes).toBe(2);
  });

  it('a revoked refresh token ends in HubSpotAuthFailedError naming HubSpot\'s reason, without a token in it', async () => {
    await emulatorAdmin(hubspot.url, 'revoke', { token: refreshToken });
    const error = await session()
      .refresh()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotAuthFailedError);
    expect((error as Error).message).toContain('BAD_REFRESH_TOKEN');
    expect((error as Error).message).not.toContain(refreshToken);
  });
});
