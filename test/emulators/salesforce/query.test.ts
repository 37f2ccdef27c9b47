import { describe, expect, it } from 'vitest';
import { startHarness, v } from './helpers.ts';

describe('Salesforce emulator: query and queryAll', () => {
  it('pages past 2,000 rows with nextRecordsUrl, which jsforce follows with autoFetch (REST "Execute a SOQL Query")', async () => {
    const { conn, admin, raw } = await startHarness();
    await admin('POST', 'seed', { Lead: 4500 });
    const first = await raw('GET', v(`/query?q=${encodeURIComponent('SELECT Id, Email FROM Lead')}`));
    expect(first.body).toMatchObject({ totalSize: 4500, done: false, nextRecordsUrl: expect.stringMatching(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-2000$/) });
    expect(first.body.records).toHaveLength(2000);
    expect(first.body.records[0]).toEqual({ attributes: { type: 'Lead', url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Lead\/00Q/) }, Id: expect.any(String), Email: expect.stringMatching(/@seed\.example\.com$/) });

    const second = await conn.queryMore(first.body.nextRecordsUrl);
    expect(second.records).toHaveLength(2000);
    const third = await conn.queryMore(second.nextRecordsUrl as string);
    expect(third).toMatchObject({ done: true, totalSize: 4500 });
    expect(third.nextRecordsUrl).toBeUndefined();
    expect(third.records).toHaveLength(500);

    const all = await conn.query('SELECT Id FROM Lead').run({ autoFetch: true, maxFetch: 10_000 });
    expect(all.records ?? []).toHaveLength(4500);
    expect(new Set(all.records?.map((record) => record.Id)).size).toBe(4500);
  });

  it('honours Sforce-Query-Options batchSize within 200..2000', async () => {
    const { admin, raw } = await startHarness();
    await admin('POST', 'seed', { Account: 450 });
    const page = await raw('GET', v('/query?q=SELECT+Id+FROM+Account'), { headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    expect(page.body.records).toHaveLength(200);
    expect(page.body.nextRecordsUrl).toMatch(/-200$/);
    const tiny = await raw('GET', v('/query?q=SELECT+Id+FROM+Account'), { headers: { 'Sforce-Query-Options': 'batchSize=10' } });
    expect(tiny.body.records).toHaveLength(200);
  });

  it('answers COUNT() with totalSize and no records, and parent fields as nested objects', async () => {
    const { conn } = await startHarness();
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    await conn.sobject('Contact').create([{ LastName: 'A', AccountId: account.id }, { LastName: 'B' }]);
    const count = await conn.query('SELECT COUNT() FROM Contact');
    expect(count).toMatchObject({ totalSize: 2, done: true, records: [] });
    const withParent = await conn.query<{ LastName: string; Account: { Name: string } | null }>('SELECT LastName, Account.Name FROM Contact ORDER BY LastName');
    expect(withParent.records.map((record) => record.Account?.Name ?? null)).toEqual(['Acme', null]);
  });

  it('queryAll includes deleted records; query does not', async () => {
    const { conn } = await startHarness();
    const [kept, removed] = await conn.sobject('Lead').create([{ LastName: 'Kept', Company: 'C' }, { LastName: 'Removed', Company: 'C' }]);
    await conn.sobject('Lead').destroy(removed?.id as string);
    expect((await conn.query('SELECT Id FROM Lead')).records.map((record) => record.Id)).toEqual([kept?.id]);
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>('SELECT Id, IsDeleted FROM Lead WHERE IsDeleted = true', { scanAll: true });
    expect(all.records).toEqual([expect.objectContaining({ Id: removed?.id, IsDeleted: true })]);
  });

  it('maps SOQL errors to 400 [{ message, errorCode }]', async () => {
    const { raw } = await startHarness();
    const badField = await raw('GET', v(`/query?q=${encodeURIComponent('SELECT Nope FROM Lead')}`));
    expect(badField.status).toBe(400);
    expect(badField.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD', message: expect.stringContaining("No such column 'Nope'") });
    const malformed = await raw('GET', v(`/query?q=${encodeURIComponent('SELEKT Id FROM Lead')}`));
    expect(malformed.body[0].errorCode).toBe('MALFORMED_QUERY');
    const empty = await raw('GET', v('/query'));
    expect(empty.body).toEqual([{ message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' }]);
  });

  it('keeps at most 10 open cursors; the oldest locator then answers INVALID_QUERY_LOCATOR', async () => {
    const { admin, raw } = await startHarness();
    await admin('POST', 'seed', { Account: 201 });
    const urls: string[] = [];
    for (let index = 0; index < 11; index += 1) {
      const page = await raw('GET', v('/query?q=SELECT+Id+FROM+Account'), { headers: { 'Sforce-Query-Options': 'batchSize=200' } });
      urls.push(page.body.nextRecordsUrl);
    }
    const oldest = await raw('GET', urls[0] as string);
    expect(oldest.status).toBe(400);
    expect(oldest.body).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
    expect((await raw('GET', urls[10] as string)).body.records).toHaveLength(1);
  });

  it('finds records by SystemModstamp window, the incremental poll a sync engine runs', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const { conn } = await startHarness({ clock: () => now });
    await conn.sobject('Account').create({ Name: 'Old' });
    now += 120_000;
    const fresh = await conn.sobject('Account').create({ Name: 'Fresh' });
    const changed = await conn.query('SELECT Id FROM Account WHERE SystemModstamp >= 2026-11-29T10:01:00Z ORDER BY SystemModstamp');
    expect(changed.records.map((record) => record.Id)).toEqual([fresh.id]);
  });
});
