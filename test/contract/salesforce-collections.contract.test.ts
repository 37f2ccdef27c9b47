import { describe, expect, it } from 'vitest';
import { errorsOf, rejection, salesforce } from './sf-harness.ts';

// sObject Collections, create: https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-create.html
// "If the request is well formed, the API returns a 200 OK … success flag … Error information is returned in the errors
// array"; SaveResults come back in request order. Update/upsert/delete/retrieve are its sibling pages:
// https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-update.html
// https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-upsert.html
// https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-delete.html
// https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-retrieve.html
// AllOrNoneHeader: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_header_allornoneheader.htm
const CREATE = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-create.html';
const UPDATE = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-update.html';
const UPSERT = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-upsert.html';
const DELETE = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-delete.html';
const RETRIEVE = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-retrieve.html';

describe('Salesforce contract: sObject Collections through jsforce', () => {
  it(`create: per-record SaveResults in request order, a failure without id and with statusCode/message/fields (${CREATE})`, async () => {
    const { conn } = await salesforce();
    const results = await conn.sobject('Contact').create([{ LastName: 'Ok' }, { FirstName: 'NoLastName' }, { LastName: 'Bad', Email: 'not-an-email' }], { allOrNone: false });
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual({ id: expect.stringMatching(/^003[0-9A-Za-z]{15}$/), success: true, errors: [] });
    expect(results[1]?.success).toBe(false);
    expect(results[1]).not.toHaveProperty('id');
    expect(errorsOf(results[1])).toEqual([{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }]);
    expect(errorsOf(results[2])).toEqual([expect.objectContaining({ statusCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] })]);
    expect((await conn.query('SELECT Id FROM Contact')).totalSize).toBe(1);
  });

  it(`create with allOrNone: the innocent record reports ALL_OR_NONE_OPERATION_ROLLED_BACK and nothing is saved (AllOrNoneHeader; ${CREATE})`, async () => {
    const { conn } = await salesforce();
    const results = await conn.sobject('Lead').create([{ LastName: 'Good', Company: 'C' }, { LastName: 'Bad' }], { allOrNone: true });
    expect(results.map((r) => r.success)).toEqual([false, false]);
    expect(errorsOf(results[0])).toEqual([
      { statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] },
    ]);
    expect(errorsOf(results[1])[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['Company'] });
    expect((await conn.query('SELECT Id FROM Lead', { scanAll: true })).totalSize).toBe(0);
  });

  it(`update: SaveResults carry the id; a deleted id is ENTITY_IS_DELETED and a malformed one MALFORMED_ID (${UPDATE})`, async () => {
    const { conn } = await salesforce();
    const [a, b] = await conn.sobject('Contact').create([{ LastName: 'A' }, { LastName: 'B' }]);
    await conn.sobject('Contact').destroy(b?.id as string);
    const results = await conn.sobject('Contact').update(
      [
        { Id: a?.id as string, Title: 'CTO' },
        { Id: b?.id as string, Title: 'CFO' },
        { Id: '003xx000004TmiQQQQ', Title: 'CEO' },
      ],
      { allOrNone: false },
    );
    expect(results[0]).toEqual({ id: a?.id, success: true, errors: [] });
    expect(results[1]?.success).toBe(false);
    expect(errorsOf(results[1])[0]?.statusCode).toBe('ENTITY_IS_DELETED');
    expect(results[2]?.success).toBe(false);
    expect(errorsOf(results[2])[0]).toMatchObject({ statusCode: 'MALFORMED_ID', fields: ['Id'] });
    const row = (await conn.query<{ Title: string }>(`SELECT Title FROM Contact WHERE Id = '${a?.id}'`)).records[0];
    expect(row?.Title).toBe('CTO');
  });

  it(`upsert by external id: created true then false, one result per record in order (${UPSERT})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('schema', { object: 'Contact', fields: [{ name: 'Sync_Key__c', type: 'string', length: 64, externalId: true, unique: true }] });
    const first = await conn.sobject('Contact').upsert([{ Sync_Key__c: 'k1', LastName: 'One' }, { Sync_Key__c: 'k2', LastName: 'Two' }], 'Sync_Key__c', { allOrNone: false });
    expect(first.map((r) => [r.success, r.created])).toEqual([
      [true, true],
      [true, true],
    ]);
    const again = await conn.sobject('Contact').upsert([{ Sync_Key__c: 'k2', LastName: 'Two again' }, { Sync_Key__c: 'k3', LastName: 'Three' }], 'Sync_Key__c', { allOrNone: false });
    expect(again[0]).toEqual({ id: first[1]?.id, success: true, errors: [], created: false });
    expect(again[1]).toMatchObject({ success: true, created: true });
    const rows = await conn.query<{ LastName: string }>("SELECT LastName FROM Contact WHERE Sync_Key__c = 'k2'");
    expect(rows.records.map((r) => r.LastName)).toEqual(['Two again']);
  });

  it(`delete: SaveResults with id; deleting again is ENTITY_IS_DELETED (${DELETE})`, async () => {
    const { conn } = await salesforce();
    const created = await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }]);
    const ids = created.map((r) => r.id as string);
    const results = await conn.sobject('Account').destroy(ids, { allOrNone: false });
    expect(results).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));
    const again = await conn.sobject('Account').destroy(ids, { allOrNone: false });
    expect(again.map((r) => r.success)).toEqual([false, false]);
    expect(errorsOf(again[0])[0]).toMatchObject({ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' });
  });

  it(`retrieve many ids: records in id order with attributes, null for an id that is gone (${RETRIEVE})`, async () => {
    const { conn } = await salesforce();
    const created = await conn.sobject('Lead').create([
      { LastName: 'A', Company: 'C', Email: 'a@example.com' },
      { LastName: 'B', Company: 'C' },
      { LastName: 'C', Company: 'C' },
    ]);
    const ids = created.map((r) => r.id as string);
    await conn.sobject('Lead').destroy(ids[1] as string);
    const records = await conn.sobject('Lead').retrieve([ids[2] as string, ids[1] as string, ids[0] as string], { fields: ['LastName', 'Email'] });
    expect(records[1]).toBeNull();
    expect(records[0]).toEqual({ attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${ids[2]}` }, Id: ids[2], LastName: 'C', Email: null });
    expect(records[2]).toMatchObject({ Id: ids[0], LastName: 'A', Email: 'a@example.com' });
  });

  it(`refuses more than 200 records in one call with 400 EXCEEDED_ID_LIMIT (${CREATE})`, async () => {
    const { conn } = await salesforce();
    const records = Array.from({ length: 201 }, (_, i) => ({ LastName: `L${i}` }));
    const error = await rejection(conn.sobject('Contact').create(records, { allOrNone: false }));
    expect(error.errorCode).toBe('EXCEEDED_ID_LIMIT');
    expect((await conn.query('SELECT COUNT() FROM Contact')).totalSize).toBe(0);
  });
});
