import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../../src/emulators/salesforce/csv.ts';
import { startHarness, v, type Json } from './helpers.ts';

describe('CSV as Bulk API 2.0 writes it', () => {
  it('round-trips quotes, commas, line breaks and empty cells', () => {
    const rows = [['Name', 'Description'], ['Acme, Inc.', 'says "hi"\nand more'], ['', 'x']];
    expect(parseCsv(toCsv(rows[0] as string[], rows.slice(1)))).toEqual(rows);
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
  });
});

describe('Salesforce emulator: Bulk API 2.0 through jsforce', () => {
  it('loads CSV with an ingest job and reports successful and failed rows (Bulk API 2.0 "Get Job Successful/Failed Record Results")', async () => {
    const { conn, admin } = await startHarness();
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Lead',
      operation: 'insert',
      // jsforce takes the CSV header from the first record, so every record names the same fields.
      input: [
        { LastName: 'One', Company: 'A', NumberOfEmployees: '' },
        { LastName: 'Two', Company: '', NumberOfEmployees: '' },
        { LastName: 'Three', Company: 'C, Ltd.', NumberOfEmployees: '12' },
      ],
      pollInterval: 10,
      pollTimeout: 5000,
    });
    expect(results.successfulResults.map((row) => [row.sf__Created, (row as Json).LastName])).toEqual([['true', 'One'], ['true', 'Three']]);
    expect(results.successfulResults[0]?.sf__Id).toMatch(/^00Q/);
    expect(results.failedResults).toHaveLength(1);
    expect(results.failedResults[0]?.sf__Error).toBe('REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --');
    const stored = (await admin('GET', 'records/Lead')).body.records;
    expect(stored.find((lead: { LastName: string }) => lead.LastName === 'Three')).toMatchObject({ Company: 'C, Ltd.', NumberOfEmployees: 12 });
  });

  it('upserts on an external id and deletes by Id', async () => {
    const { conn, admin } = await startHarness();
    await admin('POST', 'schema', { object: 'Account', fields: [{ name: 'Ext__c', type: 'string', externalId: true }] });
    await conn.sobject('Account').create({ Name: 'Old name', Ext__c: 'e1' });
    const upserted = await conn.bulk2.loadAndWaitForResults({
      object: 'Account', operation: 'upsert', externalIdFieldName: 'Ext__c',
      input: 'Ext__c,Name\ne1,New name\ne2,Second\n', pollInterval: 10, pollTimeout: 5000,
    });
    expect(upserted.successfulResults.map((row) => [(row as Json).Ext__c, row.sf__Created])).toEqual([['e1', 'false'], ['e2', 'true']]);
    const ids = upserted.successfulResults.map((row) => row.sf__Id as string);
    const deleted = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'delete', input: `Id\n${ids.join('\n')}\n`, pollInterval: 10, pollTimeout: 5000 });
    expect(deleted.successfulResults).toHaveLength(2);
    expect((await admin('GET', 'records/Account')).body.totalSize).toBe(0);
  });

  it('fails the whole job for an unknown column', async () => {
    const { conn } = await startHarness();
    await expect(
      conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: 'Name,Colour__c\nA,red\n', pollInterval: 10, pollTimeout: 5000 }),
    ).rejects.toThrow(/Colour__c/);
  });

  it('answers a query job in CSV pages with Sforce-Locator and Sforce-NumberOfRecords', async () => {
    const { conn, admin, raw } = await startHarness();
    await admin('POST', 'seed', { Account: 5 });
    const created = await raw('POST', v('/jobs/query'), { body: { operation: 'query', query: 'SELECT Id, Name FROM Account ORDER BY Name' } });
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^750/), operation: 'query', object: 'Account' });
    const job = await raw('GET', v(`/jobs/query/${created.body.id}`));
    expect(job.body.state).toBe('JobComplete');

    const first = await fetch(`${conn.instanceUrl}${v(`/jobs/query/${created.body.id}/results?maxRecords=3`)}`, { headers: { authorization: 'Bearer t' } });
    expect(first.headers.get('sforce-numberofrecords')).toBe('3');
    const locator = first.headers.get('sforce-locator') as string;
    expect(locator).not.toBe('null');
    expect(parseCsv(await first.text())[0]).toEqual(['Id', 'Name']);
    const second = await fetch(`${conn.instanceUrl}${v(`/jobs/query/${created.body.id}/results?maxRecords=3&locator=${locator}`)}`, { headers: { authorization: 'Bearer t' } });
    expect(second.headers.get('sforce-locator')).toBe('null');
    expect(parseCsv(await second.text())).toHaveLength(3);

    // jsforce 3.10.16 reads a single-page result correctly (its multi-page bug is jsforce#1546).
    const records = await (await conn.bulk2.query('SELECT Name FROM Account', { pollInterval: 10, pollTimeout: 5000 })).toArray();
    expect(records).toHaveLength(5);
  });
});
