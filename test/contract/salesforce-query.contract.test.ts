import { describe, expect, it } from 'vitest';
import { salesforce, type Json } from './sf-harness.ts';

// Query: https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query.md
// "up to 2,000 records can be returned at a time … the response contains the first batch of records, a false value for
// done, and a query locator" (nextRecordsUrl), with totalSize the total number of records.
const QUERY_DOC = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query.md';
// SOQL comparison on text is case-insensitive: "Comparisons on strings are case-insensitive"
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm
const SOQL_OPERATORS_DOC = 'https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm';

describe('Salesforce contract: SOQL as the poller sends it', () => {
  it(`pages a SystemModstamp window in ORDER BY order across 2,000-row pages (${QUERY_DOC})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('seed', { Lead: 2100 });
    const soql = 'SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp >= 2000-01-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC';
    const first = await conn.query<{ Id: string; SystemModstamp: string }>(soql, { autoFetch: false });
    expect(first.totalSize).toBe(2100);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    // jsforce rebuilds the locator into an absolute URL; the path is Salesforce's /services/data/vXX.X/query/<locator>-<offset>.
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/[0-9A-Za-z]+-2000$/);
    const second = await conn.queryMore<{ Id: string; SystemModstamp: string }>(first.nextRecordsUrl as string);
    expect(second).toMatchObject({ totalSize: 2100, done: true });
    expect(second.nextRecordsUrl).toBeUndefined();
    expect(second.records).toHaveLength(100);

    const rows = [...first.records, ...second.records];
    expect(new Set(rows.map((row) => row.Id)).size).toBe(2100);
    // Datetimes come back as Salesforce writes them: 2026-01-01T00:00:00.000+0000.
    for (const row of rows) expect(row.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const keys = rows.map((row) => `${row.SystemModstamp}|${row.Id}`);
    expect(keys).toEqual([...keys].sort());
  });

  it(`answers an empty window with totalSize 0, done true and no locator (${QUERY_DOC})`, async () => {
    const { conn } = await salesforce();
    await conn.sobject('Lead').create({ LastName: 'Old', Company: 'C' });
    const result = await conn.query('SELECT Id FROM Lead WHERE SystemModstamp > 2999-01-01T00:00:00Z ORDER BY SystemModstamp', { autoFetch: false });
    expect(result).toEqual({ totalSize: 0, done: true, records: [] });
  });

  it(`returns records whose SystemModstamp equals the lower bound for >= and not for > (${SOQL_OPERATORS_DOC})`, async () => {
    const { conn } = await salesforce();
    const created = await conn.sobject('Contact').create({ LastName: 'Edge' });
    const row = (await conn.query<{ SystemModstamp: string }>(`SELECT SystemModstamp FROM Contact WHERE Id = '${created.id}'`)).records[0] as { SystemModstamp: string };
    const literal = row.SystemModstamp.replace('+0000', 'Z');
    expect((await conn.query(`SELECT Id FROM Contact WHERE SystemModstamp >= ${literal}`)).totalSize).toBe(1);
    expect((await conn.query(`SELECT Id FROM Contact WHERE SystemModstamp > ${literal}`)).totalSize).toBe(0);
  });

  it(`finds Leads and Contacts by Email IN (...) case-insensitively (${SOQL_OPERATORS_DOC})`, async () => {
    const { conn } = await salesforce();
    await conn.sobject('Lead').create([
      { LastName: 'A', Company: 'C', Email: 'Alice@Example.com' },
      { LastName: 'B', Company: 'C', Email: 'bob@example.com' },
      { LastName: 'C', Company: 'C', Email: 'carol@example.com' },
    ]);
    await conn.sobject('Contact').create([{ LastName: 'D', Email: 'DAVE@example.com' }, { LastName: 'E', Email: 'erin@example.com' }]);
    const leads = await conn.query<{ LastName: string }>("SELECT LastName FROM Lead WHERE Email IN ('alice@example.com', 'BOB@EXAMPLE.COM', 'nobody@example.com') ORDER BY LastName");
    expect(leads.records.map((r) => r.LastName)).toEqual(['A', 'B']);
    const contacts = await conn.query<{ LastName: string; Email: string }>("SELECT LastName, Email FROM Contact WHERE Email IN ('dave@example.com')");
    expect(contacts.records.map((r) => r.LastName)).toEqual(['D']);
  });

  it(`answers a bad field with 400 INVALID_FIELD, which jsforce raises with errorCode (${QUERY_DOC})`, async () => {
    const { conn } = await salesforce();
    let caught: Json;
    try {
      await conn.query('SELECT Id, NoSuchField__c FROM Lead');
    } catch (error) {
      caught = error;
    }
    expect(caught?.errorCode).toBe('INVALID_FIELD');
    expect(String(caught?.message)).toContain('NoSuchField__c');
  });
});
