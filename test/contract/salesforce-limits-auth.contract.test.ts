import { Connection } from '@jsforce/jsforce-node';
import { describe, expect, it } from 'vitest';
import { rejection, salesforce } from './sf-harness.ts';

// Limits resource: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
// Sforce-Limit-Info header: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
// Status codes and error bodies (401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED):
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
// OAuth refresh token flow: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
const LIMITS = 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm';
const USAGE_HEADER = 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm';
const ERRORS = 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm';
const REFRESH = 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm';

describe('Salesforce contract: limits, sessions and refusals through jsforce', () => {
  it(`limits() has DailyApiRequests {Max, Remaining} and jsforce reads Sforce-Limit-Info into limitInfo (${LIMITS}; ${USAGE_HEADER})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('config', { dailyApiLimit: 5000 });
    await conn.query('SELECT Id FROM Lead');
    await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    const limits = await conn.limits();
    expect(limits.DailyApiRequests?.Max).toBe(5000);
    expect(limits.DailyApiRequests?.Remaining).toBeLessThanOrEqual(4998);
    expect(limits.DailyApiRequests?.Remaining).toBeGreaterThanOrEqual(4990);
    expect(conn.limitInfo.apiUsage?.limit).toBe(5000);
    expect(conn.limitInfo.apiUsage?.used).toBeGreaterThanOrEqual(2);
    expect((conn.limitInfo.apiUsage?.used ?? 0) + (limits.DailyApiRequests?.Remaining ?? 0)).toBeGreaterThanOrEqual(4999);
  });

  it(`past the daily allocation every call gets 403 REQUEST_LIMIT_EXCEEDED (${ERRORS})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('config', { dailyApiLimit: 3 });
    for (let i = 0; i < 3; i += 1) await conn.query('SELECT Id FROM Contact');
    const error = await rejection(conn.query('SELECT Id FROM Contact'));
    expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(String(error.message)).toContain('TotalRequests Limit exceeded');
    const again = await rejection(conn.sobject('Contact').create({ LastName: 'X' }));
    expect(again.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect((await admin('records/Contact')).totalSize).toBe(0);
  });

  it(`an unknown or revoked token gets 401 [{message:"Session expired or invalid", errorCode:"INVALID_SESSION_ID"}] (${ERRORS})`, async () => {
    const { url, admin } = await salesforce();
    await admin('config', { strictTokens: true });
    const conn = new Connection({ instanceUrl: url, accessToken: 'never-issued', version: '62.0' });
    const error = await rejection(conn.query('SELECT Id FROM Lead'));
    expect(error.errorCode).toBe('INVALID_SESSION_ID');
    expect(error.message).toBe('Session expired or invalid');
    const raw = await fetch(`${url}/services/data/v62.0/limits`, { headers: { authorization: 'Bearer never-issued' } });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it(`jsforce refreshes an expired session with the refresh_token grant and replays the call (${REFRESH})`, async () => {
    const { url, admin } = await salesforce();
    await admin('config', { strictTokens: true });
    const issued = (await admin('tokens', {})) as { access_token: string; refresh_token: string; instance_url: string };
    expect(issued).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), instance_url: url });
    await admin('revoke', { token: issued.access_token });
    const conn = new Connection({
      oauth2: { loginUrl: url, clientId: 'client', clientSecret: 'secret' },
      instanceUrl: url,
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token,
      version: '62.0',
    });
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    const result = await conn.query('SELECT Id FROM Lead');
    expect(result.totalSize).toBe(0);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).not.toBe(issued.access_token);
    expect(conn.accessToken).toBe(refreshed[0]);
  });

  it(`a concurrent-limit refusal is 403 REQUEST_LIMIT_EXCEEDED and nothing is written (${ERRORS})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('faults', { rules: [{ kind: 'rate_limit', next: 1 }] });
    const error = await rejection(conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }], { allOrNone: false }));
    expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect((await admin('records/Account')).totalSize).toBe(0);
    expect(await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }], { allOrNone: false })).toHaveLength(2);
  });
});
