import { createHmac } from 'node:crypto';
import { Connection } from '@jsforce/jsforce-node';
import { setDefaults } from '@jsforce/jsforce-node/lib/request.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiVersion, startHarness, statusCodesOf, v } from './helpers.ts';

// jsforce retries GET/DELETE on 5xx five times with back-off (ecosystem research §1.3): off, so each fault is one call.
beforeAll(() => setDefaults({ retry: { maxRetries: 0 } }));

describe('Salesforce emulator: API limits', () => {
  it('sends Sforce-Limit-Info on every API response, which jsforce reads into limitInfo (REST "Limit Info Header")', async () => {
    const { conn, raw, admin } = await startHarness({ config: { dailyApiLimit: 5000 } });
    await conn.sobject('Account').create({ Name: 'A' });
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 1, limit: 5000 } });
    const failed = await raw('GET', v('/sobjects/Account/001Hs000009ZZZZIAA'));
    expect(failed.headers.get('sforce-limit-info')).toBe('api-usage=2/5000');
    await admin('GET', 'stats');
    await admin('GET', 'records/Account');
    const limits = await conn.limits();
    // REST "Limits": DailyApiRequests { Max, Remaining }; admin calls do not count.
    expect(limits.DailyApiRequests).toEqual({ Max: 5000, Remaining: 4997 });
  });

  it('refuses every call with 403 REQUEST_LIMIT_EXCEEDED once the daily allocation is spent, until it is raised', async () => {
    const { conn, raw, admin } = await startHarness({ config: { dailyApiLimit: 3 } });
    for (let index = 0; index < 3; index += 1) await conn.limits();
    const refused = await raw('GET', v('/limits'));
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    await expect(conn.sobject('Account').create({ Name: 'A' })).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    await admin('POST', 'config', { dailyApiLimit: 10 });
    expect((await conn.limits()).DailyApiRequests).toEqual({ Max: 10, Remaining: 6 });
  });

  it('frees calls as they leave the rolling 24-hour window', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const { conn, raw } = await startHarness({ clock: () => now, config: { dailyApiLimit: 2 } });
    await conn.limits();
    now += 60 * 60 * 1000;
    await conn.limits();
    expect((await raw('GET', v('/limits'))).status).toBe(403);
    now += 23 * 60 * 60 * 1000 + 1;
    expect((await raw('GET', v('/limits'))).status).toBe(200);
  });

  it('counts calls by endpoint in stats', async () => {
    const { conn, admin } = await startHarness();
    await conn.sobject('Account').create({ Name: 'A' });
    await conn.sobject('Account').create([{ Name: 'B' }, { Name: 'C' }]);
    const stats = (await admin('GET', 'stats')).body;
    expect(stats.total).toBe(2);
    expect(stats.byEndpoint).toEqual({ 'POST /services/data/:version/sobjects/:type': 1, 'POST /services/data/:version/composite/sobjects': 1 });
  });
});

describe('Salesforce emulator: faults', () => {
  it.each([
    ['rate_limit', 403, 'REQUEST_LIMIT_EXCEEDED'],
    ['daily_limit', 403, 'REQUEST_LIMIT_EXCEEDED'],
    ['lock_row', 400, 'UNABLE_TO_LOCK_ROW'],
    ['expired_session', 401, 'INVALID_SESSION_ID'],
    ['server_error', 500, 'UNKNOWN_EXCEPTION'],
    ['unavailable', 503, 'SERVER_UNAVAILABLE'],
  ])('renders %s as %i %s for the next call only', async (kind, status, errorCode) => {
    const { raw, admin } = await startHarness();
    expect((await admin('POST', 'faults', { rules: [{ kind, next: 1 }] })).status).toBe(200);
    const faulted = await raw('GET', v('/limits'));
    expect(faulted.status).toBe(status);
    expect(faulted.body[0].errorCode).toBe(errorCode);
    expect((await raw('GET', v('/limits'))).status).toBe(200);
  });

  it('fails a whole collection write record by record on lock_row', async () => {
    const { conn, admin } = await startHarness();
    await admin('POST', 'faults', { rules: [{ kind: 'lock_row', next: 1, pathIncludes: '/composite/sobjects' }] });
    const results = await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }]);
    expect(results.map(statusCodesOf)).toEqual([['UNABLE_TO_LOCK_ROW'], ['UNABLE_TO_LOCK_ROW']]);
    expect((await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }])).every((result) => result.success)).toBe(true);
  });

  it('drops the connection without an answer, and jsforce sees a socket error', async () => {
    const { conn, admin } = await startHarness();
    await admin('POST', 'faults', { rules: [{ kind: 'drop_connection', next: 1 }] });
    await expect(conn.limits()).rejects.toThrow(/socket hang up|ECONNRESET|other side closed/i);
    expect((await conn.limits()).DailyApiRequests?.Max).toBe(100000);
    expect((await admin('GET', 'stats')).body.faults.injected.drop_connection).toBe(1);
  });

  it('refuses a malformed fault rule naming the problem, and DELETE clears the rules', async () => {
    const { raw, admin } = await startHarness();
    const bad = await admin('POST', 'faults', { rules: [{ kind: 'meteor', next: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('rules.0.kind');
    await admin('POST', 'faults', { rules: [{ kind: 'unavailable', share: 1 }] });
    expect((await raw('GET', v('/limits'))).status).toBe(503);
    await admin('DELETE', 'faults');
    expect((await raw('GET', v('/limits'))).status).toBe(200);
  });
});

describe('Salesforce emulator: OAuth and sessions', () => {
  it('issues tokens in the documented token response shape (password, client_credentials)', async () => {
    const { emulator } = await startHarness();
    const response = await fetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'cid', client_secret: 'secret', username: 'me@example.com', password: 'pw' }),
    });
    const token = (await response.json()) as Record<string, string>;
    // Help "OAuth 2.0 Username-Password Flow": access_token, instance_url, id, token_type, issued_at, signature.
    expect(token).toMatchObject({ access_token: expect.any(String), instance_url: emulator.url, token_type: 'Bearer', issued_at: expect.stringMatching(/^\d{13}$/) });
    expect(token.id).toMatch(new RegExp(`^${emulator.url}/id/00D[0-9A-Za-z]{15}/005[0-9A-Za-z]{15}$`));
    expect(token.signature).toBe(createHmac('sha256', 'secret').update(`${token.id}${token.issued_at}`).digest('base64'));

    const credentials = await fetch(`${emulator.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=a' });
    expect(credentials.status).toBe(400);
    expect(await credentials.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    const noClient = await fetch(`${emulator.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=u&password=p' });
    expect(await noClient.json()).toEqual({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
    const unknownGrant = await fetch(`${emulator.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=magic' });
    expect((await unknownGrant.json()) as object).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('jsforce with a refresh token refreshes transparently after INVALID_SESSION_ID and retries the call', async () => {
    const { emulator, admin } = await startHarness();
    const conn = new Connection({
      oauth2: { loginUrl: emulator.url, clientId: 'cid', clientSecret: 'secret' },
      instanceUrl: emulator.url,
      accessToken: 'stale-token',
      refreshToken: 'refresh-me',
      version: apiVersion,
    });
    const refreshed: string[] = [];
    conn.on('refresh', (accessToken: string) => refreshed.push(accessToken));
    await admin('POST', 'faults', { rules: [{ kind: 'expired_session', next: 1 }] });
    const created = await conn.sobject('Account').create({ Name: 'After refresh' });
    expect(created.success).toBe(true);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).toBe(refreshed[0]);
  });

  it('accepts Bearer and OAuth schemes; rejects a missing or revoked token with INVALID_SESSION_ID', async () => {
    const { raw, admin, emulator } = await startHarness();
    expect((await raw('GET', v('/limits'), { headers: { authorization: 'OAuth cometd-style' } })).status).toBe(200);
    const missing = await fetch(`${emulator.url}${v('/limits')}`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    await admin('POST', 'revoke', { token: 'any-token' });
    expect((await raw('GET', v('/limits'))).status).toBe(401);
  });

  it('with strictTokens accepts only issued tokens; a revoked refresh token is invalid_grant', async () => {
    const { raw, admin, emulator } = await startHarness({ config: { strictTokens: true } });
    expect((await raw('GET', v('/limits'), { token: 'made-up' })).status).toBe(401);
    const issued = (await admin('POST', 'tokens')).body;
    expect((await raw('GET', v('/limits'), { token: issued.access_token })).status).toBe(200);
    await admin('POST', 'revoke', {});
    expect((await raw('GET', v('/limits'), { token: issued.access_token })).status).toBe(401);
    const refresh = await fetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'cid', refresh_token: issued.refresh_token }),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
  });

  it('serves the identity URL that jsforce identity() finds through the version root', async () => {
    const { conn, admin } = await startHarness();
    const identity = await conn.identity();
    expect(identity).toMatchObject({ user_id: expect.stringMatching(/^005/), organization_id: expect.stringMatching(/^00D/), username: 'integration@crmsync-emulator.example.com' });
    expect((await admin('GET', 'stats')).body.total).toBe(1);
  });

  it('lists API versions at /services/data/ without a token', async () => {
    const { emulator } = await startHarness();
    const versions = (await (await fetch(`${emulator.url}/services/data/`)).json()) as Array<{ version: string; url: string }>;
    expect(versions).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
  });
});
