import { describe, expect, it } from 'vitest';
import { errorsOf, salesforce, type Json } from './sf-harness.ts';

// State and Country/Territory picklists, syncing rules (a code fills the integration value and back; a state needs a
// country; a mismatch on update is refused): https://help.salesforce.com/s/articleView?id=sf.admin_state_country_picklists_field_syncing.htm
// Refresh token flow (token endpoint answer: access_token, instance_url, token_type, issued_at; invalid_grant on a bad
// token): https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
// Merge: the losers are deleted, so getDeleted reports them: https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getdeleted.html
const SYNCING = 'https://help.salesforce.com/s/articleView?id=sf.admin_state_country_picklists_field_syncing.htm';
const REFRESH = 'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm';
const GET_DELETED = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getdeleted.html';

describe('Salesforce contract: address picklists on Lead, the token endpoint, merges in getDeleted', () => {
  it(`Lead addresses: "USA" and a state without a country are refused; a state name fills its code; a mismatched update is refused (${SYNCING})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('config', { stateCountryPicklists: true });
    const results = await conn.sobject('Lead').create(
      [
        { LastName: 'A', Company: 'C', Country: 'USA' },
        { LastName: 'B', Company: 'C', StateCode: 'CA' },
        { LastName: 'C', Company: 'C', Country: 'United States', State: 'California' },
      ],
      { allOrNone: false },
    );
    expect(results.map((r) => r.success)).toEqual([false, false, true]);
    expect(errorsOf(results[0])[0]).toMatchObject({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['Country'] });
    expect(errorsOf(results[1])[0]?.statusCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    const id = results[2]?.id as string;
    expect(await conn.sobject('Lead').retrieve(id, { fields: ['StateCode', 'CountryCode'] })).toMatchObject({ StateCode: 'CA', CountryCode: 'US' });
    const mismatch = await conn.sobject('Lead').update([{ Id: id, CountryCode: 'CA', Country: 'United States' }], { allOrNone: false });
    expect(errorsOf(mismatch[0])[0]?.statusCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    await conn.sobject('Lead').update([{ Id: id, StateCode: 'NY' }], { allOrNone: false });
    expect(await conn.sobject('Lead').retrieve(id, { fields: ['State'] })).toMatchObject({ State: 'New York' });
  });

  it(`the refresh_token grant answers access_token, instance_url, token_type and issued_at; a bad token is 400 invalid_grant (${REFRESH})`, async () => {
    const { url, admin } = await salesforce();
    await admin('config', { strictTokens: true });
    const issued = (await admin('tokens', {})) as { refresh_token: string };
    const post = (refreshToken: string) =>
      fetch(`${url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'c', client_secret: 's' }).toString(),
      });
    const ok = await post(issued.refresh_token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ access_token: expect.any(String), instance_url: url, token_type: 'Bearer', issued_at: expect.stringMatching(/^\d{13}$/) });
    const bad = await post('not-a-refresh-token');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toBe('invalid_grant');
  });

  it(`a merged-away record is reported by getDeleted (${GET_DELETED})`, async () => {
    const { conn, admin } = await salesforce();
    const [master, loser] = await conn.sobject('Account').create([{ Name: 'Master' }, { Name: 'Loser' }]);
    const row = (await conn.sobject('Account').retrieve(master?.id as string, { fields: ['CreatedDate'] })) as Json;
    await admin('merge', { masterRecordId: master?.id, recordIdsToMerge: [loser?.id] });
    await admin('clock', { advanceMs: 3 * 60_000 });
    const start = new Date(Date.parse(String(row.CreatedDate).replace('+0000', 'Z')) - 60_000);
    const deleted = await conn.sobject('Account').deleted(start, new Date(start.getTime() + 10 * 60_000));
    expect(deleted.deletedRecords.map((r) => r.id)).toEqual([loser?.id]);
    const updated = await conn.sobject('Account').updated(start, new Date(start.getTime() + 10 * 60_000));
    expect(updated.ids).toEqual([master?.id]);
  });
});
