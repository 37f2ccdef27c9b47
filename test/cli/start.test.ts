import { Connection } from '@jsforce/jsforce-node';
/**
 * `crmsync start` as a user runs it: the built-in emulators, the store in a data folder, the sync loop and the HTTP
 * server, in one process. The poll interval is an hour here, so a change that arrives within the test's wait
 * came through a trigger (HubSpot webhook, Salesforce change event), not through polling.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../src/connectors/hubspot/client.ts';
import { CountingMeter } from '../../src/connectors/meter.ts';
import { startCrmsync, type RunningCrmsync } from '../../src/cli/start.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

const quietEnv = { CRMSYNC_LOG_LEVEL: 'silent' };

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface HubSpotRecord {
  id: string;
  archived?: boolean;
  properties: Record<string, string | null>;
}

async function hubspotContactWithEmail(crmsync: RunningCrmsync, email: string): Promise<HubSpotRecord | undefined> {
  const { results } = (await emulatorAdmin(crmsync.hubspotEmulator!.url, 'records/contacts')) as { results: HubSpotRecord[] };
  return results.find((record) => !record.archived && record.properties.email === email);
}

async function salesforceLeadsWithEmail(crmsync: RunningCrmsync, email: string): Promise<Array<Record<string, unknown>>> {
  const { records } = (await emulatorAdmin(crmsync.salesforceEmulator!.url, 'records/Lead')) as { records: Array<Record<string, unknown>> };
  return records.filter((record) => record.Email === email);
}

describe('crmsync start', () => {
  let folder: string;
  let crmsync: RunningCrmsync;
  const printed: string[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'crmsync-start-'));
    crmsync = await startCrmsync({ dataDir: folder, port: 0, seed: 'none', env: quietEnv, pollIntervalMs: 3_600_000, print: (line) => printed.push(line) });
    await crmsync.initialSync;
  });
  afterAll(async () => {
    await crmsync?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('prints where it runs and how to log in, with the generated admin token kept owner-only in the data folder', () => {
    const output = printed.join('\n');
    expect(output).toContain(`crmsync is running at ${crmsync.url}`);
    expect(output).toContain('built-in emulators');
    expect(readFileSync(join(folder, 'admin-token'), 'utf8').trim()).toBe(crmsync.adminToken);
    expect(output).toContain(crmsync.adminToken);
    expect(crmsync.sync.status().lastRun?.outcome).toBe('succeeded');
    expect(crmsync.sync.status().phase).toBe('idle');
  });

  it('serves the liveness probe to anyone, and Sync Health only with the admin token, counting exactly the calls Salesforce saw', async () => {
    expect((await fetch(`${crmsync.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${crmsync.url}/api/health`)).status).toBe(401);
    const response = await fetch(`${crmsync.url}/api/health`, { headers: { authorization: `Bearer ${crmsync.adminToken}` } });
    expect(response.status).toBe(200);
    const health = (await response.json()) as { apiUsage: { usedLast24h: number }; sync: { phase: string } };
    const stats = (await emulatorAdmin(crmsync.salesforceEmulator!.url, 'stats')) as { total: number };
    expect(health.apiUsage.usedLast24h).toBeGreaterThan(0);
    expect(health.apiUsage.usedLast24h).toBe(stats.total);
    expect(health.sync.phase).toBe('idle');
  });

  it('brings a HubSpot contact to Salesforce at once through the signed webhook, without waiting for a poll', async () => {

    const hubspot = new HubSpotClient({ accessToken: 'someone-else', basePath: crmsync.hubspotEmulator!.url, meter: new CountingMeter() });
    await hubspot.batchCreate('contacts', [{ properties: { email: 'ada@webhook.example.com', firstname: 'Ada', lastname: 'Lovelace', company: 'Engines' } }]);
    const [lead] = await eventually('the lead in Salesforce', async () => {
      const leads = await salesforceLeadsWithEmail(crmsync, 'ada@webhook.example.com');
      return leads.length > 0 ? leads : undefined;
    });
    expect(lead).toMatchObject({ LastName: 'Lovelace', FirstName: 'Ada' });

    const deliveries = (await emulatorAdmin(crmsync.hubspotEmulator!.url, 'webhooks/deliveries')) as { results: Array<{ status: number }> };
    expect(deliveries.results.length).toBeGreaterThan(0);
    expect(deliveries.results.every((delivery) => delivery.status === 200)).toBe(true);
  });

  it('does not poll Salesforce in a cycle woken by a HubSpot change while change events are live', async () => {
    const salesforcePolls = async () =>
      ((await emulatorAdmin(crmsync.salesforceEmulator!.url, 'stats')) as { byEndpoint: Record<string, number> }).byEndpoint['GET /services/data/:version/sobjects/:type/deleted'] ?? 0;
    // Until a cycle writes nothing, its own writes come back as change events that (rightly) wake a Salesforce poll.
    // Settled: idle for a second and a half with no cycle and no poll in it (a loaded machine delivers echoes late).
    for (let i = 0; i < 10; i += 1) {
      await crmsync.sync.requestRun('settle the echoes of the last test');
      const [polls, finishedAt] = [await salesforcePolls(), crmsync.sync.status().lastRun?.finishedAt.getTime()];
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const status = crmsync.sync.status();
      if (status.phase === 'idle' && status.lastRun?.outcome !== 'failed' && status.lastRun?.finishedAt.getTime() === finishedAt && (await salesforcePolls()) === polls) break;
    }
    const before = await salesforcePolls();
    expect(before).toBeGreaterThan(0);
    const settledAt = crmsync.sync.status().lastRun!.finishedAt;
    const contact = await eventually('the contact', () => hubspotContactWithEmail(crmsync, 'ada@webhook.example.com'));
    const hubspot = new HubSpotClient({ accessToken: 'someone-else', basePath: crmsync.hubspotEmulator!.url, meter: new CountingMeter() });
    // A property no mapping syncs: the cycle it wakes has nothing to write to Salesforce.
    await hubspot.batchUpdate('contacts', [{ id: contact.id, properties: { hs_analytics_num_visits: '7' } }]);
    await eventually('a cycle after the webhook', async () => (crmsync.sync.status().lastRun!.finishedAt > settledAt ? true : undefined));
    expect(await salesforcePolls()).toBe(before);
  });

  it('brings a Salesforce lead to HubSpot at once through a change event', async () => {
    // Another client than crmsync (whose own writes' events are echoes it ignores): a user's integration.
    const someoneElse = new Connection({ instanceUrl: crmsync.salesforceEmulator!.url, accessToken: 'someone-else', version: '62.0' });
    await someoneElse.sobject('Lead').create({ FirstName: 'Grace', LastName: 'Hopper', Company: 'Navy', Email: 'grace@cdc.example.com' });
    const contact = await eventually('the contact in HubSpot', () => hubspotContactWithEmail(crmsync, 'grace@cdc.example.com'));
    expect(contact.properties).toMatchObject({ firstname: 'Grace', lastname: 'Hopper' });
  });

  it('runs a cycle when asked, and after a restart on the same data folder keeps its token and creates nobody twice', async () => {
    await crmsync.sync.requestRun('test');
    await crmsync.close();
    const again = await startCrmsync({ dataDir: folder, port: 0, seed: 'none', env: quietEnv, pollIntervalMs: 3_600_000, quiet: true });
    try {
      await again.initialSync;
      expect(again.adminToken).toBe(crmsync.adminToken);
      crmsync = again;
      expect(await salesforceLeadsWithEmail(again, 'ada@webhook.example.com')).toHaveLength(1);
      expect(await hubspotContactWithEmail(again, 'grace@cdc.example.com')).toBeDefined();
      await again.sync.requestRun('after restart');
      expect(again.sync.status().lastRun?.outcome).not.toBe('failed');
      const { results } = (await emulatorAdmin(again.hubspotEmulator!.url, 'records/contacts')) as { results: HubSpotRecord[] };
      expect(results.filter((record) => !record.archived)).toHaveLength(2);
    } finally {
      crmsync = again;
    }
  });
});
