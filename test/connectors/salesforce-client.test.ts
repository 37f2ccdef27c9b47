import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CountingMeter } from '../../src/connectors/meter.ts';
import { SalesforceClient, SalesforceRequestError } from '../../src/connectors/salesforce/client.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

let emulator: RunningEmulator;

const admin = (path: string, body?: unknown) => emulatorAdmin(emulator.url, path, body);

async function emulatorCalls(): Promise<number> {
  return ((await admin('stats')) as { total: number }).total;
}

function client(meter = new CountingMeter()): { sf: SalesforceClient; meter: CountingMeter } {
  return { sf: new SalesforceClient({ credentials: { kind: 'session', instanceUrl: emulator.url, accessToken: 'token' }, apiVersion: '62.0', meter }), meter };
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await admin('reset', {});
  await emulatorAdmin(emulator.url, 'faults', undefined, 'DELETE');
});

const lead = (i: number) => ({ LastName: `Lead ${i}`, Company: `Company ${i}`, Email: `lead${i}@example.com` });

describe('SalesforceClient against the emulator', () => {
  it('creates 450 leads in three collection calls and counts exactly what the emulator counted', async () => {
    const { sf, meter } = client();
    const results = await sf.create('Lead', Array.from({ length: 450 }, (_, i) => lead(i)));
    expect(results).toHaveLength(450);
    expect(results.every((r) => r.success && r.id?.startsWith('00Q'))).toBe(true);
    expect(meter.total).toBe(3);
    expect(await emulatorCalls()).toBe(meter.total);
  });

  it('reports each refused record with its category and keeps the rest of the batch', async () => {
    const { sf } = client();
    const results = await sf.create('Lead', [lead(1), { ...lead(2), Email: 'not-an-email' }, { Company: 'No last name' }, lead(4)]);
    expect(results.map((r) => r.success)).toEqual([true, false, false, true]);
    expect(results[1]?.errors[0]).toMatchObject({ code: 'INVALID_EMAIL_ADDRESS', category: 'property_value' });
    expect(results[2]?.errors[0]).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', category: 'property_value' });
  });

  it('reuses a describe for ten minutes, then reads it again, so a field added meanwhile is seen without a restart', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const meter = new CountingMeter();
    const sf = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: emulator.url, accessToken: 'token' }, apiVersion: '62.0', meter, now: () => now });
    const fieldNames = async () => ((await sf.describe('Lead')) as { fields: Array<{ name: string }> }).fields.map((field) => field.name);
    expect(await fieldNames()).not.toContain('Tier__c');
    await admin('schema', { object: 'Lead', fields: [{ name: 'Tier__c', type: 'string' }] });
    now += 9 * 60_000;
    expect(await fieldNames()).not.toContain('Tier__c');
    expect(meter.total).toBe(1);
    now += 60_000;
    expect(await fieldNames()).toContain('Tier__c');
    expect(meter.total).toBe(2);
  });

  it('pages a query past 2,000 rows, one call per page', async () => {
    const { sf, meter } = client();
    await sf.create('Lead', Array.from({ length: 2300 }, (_, i) => lead(i)));
    const before = meter.total;
    const pages: number[] = [];
    for await (const page of sf.queryPages('SELECT Id, Email FROM Lead ORDER BY SystemModstamp', 'Lead')) pages.push(page.length);
    expect(pages).toEqual([2000, 300]);
    expect(meter.total - before).toBe(2);
    expect(await emulatorCalls()).toBe(meter.total);
  });

  it('reads merged-away and deleted records with queryAll, paging past 2,000 rows through /queryAll', async () => {
    const { sf, meter } = client();
    const created = await sf.create('Lead', Array.from({ length: 2_003 }, (_, i) => lead(i)));
    const [master, loser, gone] = created.map((result) => String(result.id));
    await admin('merge', { masterRecordId: master, recordIdsToMerge: [loser] });
    await sf.delete('Lead', [gone!]);
    const ids = `'${loser}', '${gone}', '${master}'`;
    const live: unknown[] = [];
    for await (const page of sf.queryPages(`SELECT Id FROM Lead WHERE Id IN (${ids})`, 'Lead')) live.push(...page);
    expect(live).toHaveLength(1);
    const all = new Map<string, Record<string, unknown>>();
    for await (const page of sf.queryAllPages(`SELECT Id, IsDeleted, MasterRecordId FROM Lead WHERE Id IN (${ids})`, 'Lead')) for (const row of page) all.set(String(row.Id), row);
    expect(all.get(loser!)).toMatchObject({ IsDeleted: true, MasterRecordId: master });
    expect(all.get(gone!)).toMatchObject({ IsDeleted: true, MasterRecordId: null });
    expect(all.get(master!)).toMatchObject({ IsDeleted: false });
    const before = meter.total;
    let rows = 0;
    for await (const page of sf.queryAllPages('SELECT Id FROM Lead', 'Lead')) rows += page.length;
    expect(rows).toBe(2_003);
    expect(meter.total - before).toBe(2);
    expect(await emulatorCalls()).toBe(meter.total);
    const stats = (await admin('stats')) as { byEndpoint: Record<string, number> };
    expect(Object.keys(stats.byEndpoint).some((endpoint) => endpoint.includes('/queryAll'))).toBe(true);
  });

  it('retrieves, updates and deletes in batches', async () => {
    const { sf } = client();
    const created = await sf.create('Lead', [lead(1), lead(2)]);
    const ids = created.map((r) => r.id as string);
    const updated = await sf.update('Lead', ids.map((Id) => ({ Id, Title: 'CTO' })));
    expect(updated.every((r) => r.success)).toBe(true);
    const records = await sf.retrieve('Lead', ids, ['Id', 'Title']);
    expect(records.map((r) => r?.Title)).toEqual(['CTO', 'CTO']);
    const deleted = await sf.delete('Lead', ids);
    expect(deleted.every((r) => r.success)).toBe(true);
  });

  it('reports deletions in a window, with when the recycle bin starts', async () => {
    const { sf } = client();
    const [created] = await sf.create('Lead', [lead(1)]);
    await sf.delete('Lead', [created?.id as string]);
    // getDeleted works in whole minutes: move the org's clock past the minute of the delete.
    await admin('clock', { advanceMs: 120_000 });
    const end = new Date(Date.now() + 120_000);
    const result = await sf.deletedRecords('Lead', new Date(end.getTime() - 10 * 60_000), end);
    expect(result.deleted.map((d) => d.id)).toEqual([created?.id]);
    expect(typeof result.earliestDateAvailable).toBe('string');
  });

  it('refuses to spend past the meter, sending nothing', async () => {
    const meter = new CountingMeter();
    meter.reserve = async () => {
      throw new Error('budget spent');
    };
    const { sf } = client(meter);
    await expect(sf.create('Lead', [lead(1)])).rejects.toThrow('budget spent');
    expect(await emulatorCalls()).toBe(0);
  });

  it('turns a whole-request refusal into a classified error', async () => {
    await admin('faults', { rules: [{ kind: 'daily_limit', next: 1 }] });
    const { sf } = client();
    const error = await sf.create('Lead', [lead(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceRequestError);
    expect((error as SalesforceRequestError).vendorError).toMatchObject({ code: 'REQUEST_LIMIT_EXCEEDED', category: 'api_limit', reaction: { kind: 'suspend' } });
  });

  it('refreshes an expired session once and replays the call, counting both requests', async () => {
    const tokens = (await admin('tokens', {})) as { access_token: string; refresh_token: string };
    await admin('faults', { rules: [{ kind: 'expired_session', next: 1 }] });
    const meter = new CountingMeter();
    const refreshed: string[] = [];
    const sf = new SalesforceClient({
      credentials: { kind: 'oauth_refresh', loginUrl: emulator.url, clientId: 'id', clientSecret: 'secret', refreshToken: tokens.refresh_token, instanceUrl: emulator.url, accessToken: tokens.access_token },
      apiVersion: '62.0',
      meter,
      onAccessTokenRefreshed: (token) => refreshed.push(token),
    });
    expect((await sf.limits()).dailyApiRequests.max).toBeGreaterThan(0);
    expect(refreshed).toHaveLength(1);
    expect(meter.total).toBe(2);
  });

  it('suspends as auth_failed when the refresh token itself is refused, instead of retrying forever', async () => {
    await admin('config', { strictTokens: true });
    const sf = new SalesforceClient({
      credentials: { kind: 'oauth_refresh', loginUrl: emulator.url, clientId: 'id', clientSecret: 'secret', refreshToken: 'revoked-refresh-token', instanceUrl: emulator.url, accessToken: 'stale' },
      apiVersion: '62.0',
      meter: new CountingMeter(),
    });
    const error = await sf.limits().catch((e: unknown) => e);
    expect((error as SalesforceRequestError).vendorError).toMatchObject({ code: 'REFRESH_FAILED', reaction: { kind: 'suspend', reason: 'auth_failed' } });
    await admin('config', { strictTokens: false });
  });

  it('reads the org limit from every response header without an extra call', async () => {
    await admin('config', { dailyApiLimit: 5000 });
    const { sf, meter } = client();
    await sf.create('Lead', [lead(1)]);
    expect(meter.vendorUsage).toEqual({ used: 1, limit: 5000 });
  });
});
