import { describe, expect, it } from 'vitest';
import { startHarness, statusCodesOf, v, type Json } from './helpers.ts';

const rolledBack = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

describe('Salesforce emulator: sObject Collections', () => {
  it('creates many records with per-record results in request order, failures in their slots', async () => {
    const { conn, admin } = await startHarness();
    const results = await conn.sobject('Lead').create([
      { LastName: 'One', Company: 'A' },
      { LastName: 'Two' },
      { LastName: 'Three', Company: 'C', Email: 'not-an-email' },
      { LastName: 'Four', Company: 'D' },
    ]);
    // "Create Records Using sObject Collections": SaveResults in request order, { id, success, errors }.
    expect(results[0]).toEqual({ id: expect.stringMatching(/^00Q/), success: true, errors: [] });
    expect(results[1]).toEqual({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Company]', fields: ['Company'] }] });
    expect(results[2]).toEqual({ success: false, errors: [{ statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: not-an-email', fields: ['Email'] }] });
    expect(results[3]?.success).toBe(true);
    expect((await admin('GET', 'records/Lead')).body.totalSize).toBe(2);
  });

  it('rolls back every record with allOrNone and marks the innocent ones ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const { conn, admin } = await startHarness();
    const results = await conn.sobject('Lead').create([{ LastName: 'Good', Company: 'A' }, { LastName: 'Bad' }], { allOrNone: true });
    expect(results[0]).toEqual({ success: false, errors: [rolledBack] });
    expect(statusCodesOf(results[1])).toEqual(['REQUIRED_FIELD_MISSING']);
    expect((await admin('GET', 'records/Lead')).body.totalSize).toBe(0);
  });

  it('updates many records; a missing id is MISSING_ARGUMENT, a deleted one ENTITY_IS_DELETED', async () => {
    const { conn, raw } = await startHarness();
    const [a, b] = await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }]);
    await conn.sobject('Account').destroy(b?.id as string);
    const response = await raw('PATCH', v('/composite/sobjects'), {
      body: {
        allOrNone: false,
        records: [
          { attributes: { type: 'Account' }, id: a?.id, Name: 'A2' },
          { attributes: { type: 'Account' }, id: b?.id, Name: 'B2' },
          { attributes: { type: 'Account' }, Name: 'no id' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body[0]).toEqual({ id: a?.id, success: true, errors: [] });
    expect(response.body[1]).toEqual({ id: b?.id, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] });
    expect(response.body[2]).toEqual({ success: false, errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }] });
    expect((await conn.sobject('Account').retrieve(a?.id as string)).Name).toBe('A2');
  });

  it('upserts many records on an external id and reports created per record', async () => {
    const { conn, admin } = await startHarness();
    await admin('POST', 'schema', { object: 'Contact', fields: [{ name: 'HubSpot_Id__c', type: 'string', length: 40, externalId: true, unique: true }] });
    await conn.sobject('Contact').upsert([{ HubSpot_Id__c: '1', LastName: 'One' }], 'HubSpot_Id__c');
    const results = await conn.sobject('Contact').upsert(
      [
        { HubSpot_Id__c: '1', LastName: 'One again' },
        { HubSpot_Id__c: '2', LastName: 'Two' },
        { HubSpot_Id__c: '3' },
      ],
      'HubSpot_Id__c',
    );
    expect(results.map((result) => [result.success, result.created])).toEqual([
      [true, false],
      [true, true],
      [false, undefined],
    ]);
    expect(results[2]?.errors[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] });
  });

  it('fails both records that carry the same external id in one upsert call (DUPLICATE_EXTERNAL_ID)', async () => {
    const { conn, admin } = await startHarness();
    await admin('POST', 'schema', { object: 'Account', fields: [{ name: 'Ext__c', type: 'string', externalId: true }] });
    const results = await conn.sobject('Account').upsert([{ Ext__c: 'a', Name: 'One' }, { Ext__c: 'A', Name: 'Two' }, { Ext__c: 'b', Name: 'Three' }], 'Ext__c');
    expect(results.map(statusCodesOf)).toEqual([['DUPLICATE_EXTERNAL_ID'], ['DUPLICATE_EXTERNAL_ID'], []]);
    expect(results[2]?.success).toBe(true);
  });

  it('refuses the whole call when a record names an unknown sObject type', async () => {
    const { raw, admin } = await startHarness();
    const response = await raw('POST', v('/composite/sobjects'), { body: { records: [{ attributes: { type: 'Account' }, Name: 'A' }, { attributes: { type: 'Acount' }, Name: 'B' }] } });
    expect(response.status).toBe(400);
    expect(response.body[0]).toMatchObject({ errorCode: 'INVALID_TYPE', message: expect.stringContaining("sObject type 'Acount' is not supported") });
    expect((await admin('GET', 'records/Account')).body.totalSize).toBe(0);
  });

  it('deletes by ids with per-record results and rolls back with allOrNone=true', async () => {
    const { conn, raw, admin } = await startHarness();
    const created = await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }]);
    const ids = created.map((result) => result.id as string);
    const refused = await raw('DELETE', v(`/composite/sobjects?ids=${ids.join(',')},001Hs000009ZZZZIAA&allOrNone=true`));
    expect(refused.body[0]).toEqual({ id: ids[0], success: false, errors: [rolledBack] });
    expect(refused.body[2].errors[0].statusCode).toBe('INVALID_CROSS_REFERENCE_KEY');
    expect((await admin('GET', 'records/Account')).body.totalSize).toBe(2);

    const results = await conn.sobject('Account').destroy(ids);
    expect(results).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));
    expect((await admin('GET', 'records/Account')).body.totalSize).toBe(0);
  });

  it('retrieves up to 2,000 ids by GET and POST, null for ids that are not live records', async () => {
    const { conn, raw } = await startHarness();
    const [a, b] = await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }]);
    await conn.sobject('Account').destroy(b?.id as string);
    const viaJsforce = await conn.sobject('Account').retrieve([a?.id as string, b?.id as string], { fields: ['Name'] });
    expect(viaJsforce).toEqual([{ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${a?.id}` }, Id: a?.id, Name: 'A' }, null]);
    const viaGet = await raw('GET', v(`/composite/sobjects/Account?ids=${a?.id}&fields=Name,Industry`));
    expect(viaGet.body).toEqual([{ attributes: expect.any(Object), Id: a?.id, Name: 'A', Industry: null }]);
    const tooMany = await raw('POST', v('/composite/sobjects/Account'), { body: { ids: Array.from({ length: 2001 }, () => a?.id), fields: ['Name'] } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
  });

  it('refuses more than 200 records in one write, as Salesforce does', async () => {
    const { raw } = await startHarness();
    const records = Array.from({ length: 201 }, (_, index) => ({ attributes: { type: 'Account' }, Name: `A${index}` }));
    const response = await raw('POST', v('/composite/sobjects'), { body: { records } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual([{ message: 'record limit reached. cannot submit more than 200 records into this call', errorCode: 'EXCEEDED_ID_LIMIT' }]);
    const exactly200 = await raw('POST', v('/composite/sobjects'), { body: { records: records.slice(0, 200) } });
    expect(exactly200.body).toHaveLength(200);
  });
});

describe('Salesforce emulator: composite and batch', () => {
  it('runs subrequests in order with @{ref.id} references (REST "Composite" example shapes)', async () => {
    const { conn } = await startHarness();
    const response = await conn.requestPost<{ compositeResponse: Array<{ body: Json; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }> }>('/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'newAccount', body: { Name: 'Acme' } },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Account/@{newAccount.id}?fields=Name', referenceId: 'readBack' },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'newContact', body: { LastName: 'Smith', AccountId: '@{newAccount.id}', Title: 'Buyer at @{readBack.Name}' } },
        { method: 'GET', url: "/services/data/v62.0/query?q=SELECT+Id,Account.Name+FROM+Contact+WHERE+Id='@{newContact.id}'", referenceId: 'query' },
      ],
    });
    const [account, readBack, contact, query] = response.compositeResponse;
    expect(account).toMatchObject({ httpStatusCode: 201, referenceId: 'newAccount', body: { success: true }, httpHeaders: { Location: expect.stringContaining('/sobjects/Account/001') } });
    expect(readBack?.body.Name).toBe('Acme');
    expect(contact?.httpStatusCode).toBe(201);
    expect(query?.body.records[0].Account.Name).toBe('Acme');
    expect((await conn.sobject('Contact').retrieve(contact?.body.id as string)).Title).toBe('Buyer at Acme');
  });

  it('with allOrNone, one failure rolls everything back and the rest answer PROCESSING_HALTED', async () => {
    const { conn, admin } = await startHarness();
    const response = await conn.requestPost<{ compositeResponse: Array<{ body: Json; httpStatusCode: number }> }>('/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'a', body: { Name: 'Acme' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'c', body: { AccountId: '@{a.id}' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'never', body: { Name: 'Later' } },
      ],
    });
    const [first, failed, later] = response.compositeResponse;
    expect(failed).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'REQUIRED_FIELD_MISSING' }] });
    for (const halted of [first, later]) expect(halted).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] });
    expect((await admin('GET', 'records/Account')).body.totalSize).toBe(0);
  });

  it('an outer allOrNone overrides a collections subrequest that asked for partial success', async () => {
    const { conn, admin } = await startHarness();
    const response = await conn.requestPost<{ compositeResponse: Array<{ body: Json; httpStatusCode: number }> }>('/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'a', body: { Name: 'Acme' } },
        {
          method: 'POST', url: '/services/data/v62.0/composite/sobjects', referenceId: 'leads',
          body: { allOrNone: false, records: [{ attributes: { type: 'Lead' }, LastName: 'Good', Company: 'C' }, { attributes: { type: 'Lead' }, LastName: 'No company' }] },
        },
      ],
    });
    const leads = response.compositeResponse[1]?.body as Array<{ errors: Array<{ statusCode: string }> }>;
    expect(leads.map((result) => result.errors[0]?.statusCode)).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'REQUIRED_FIELD_MISSING']);
    expect(response.compositeResponse[0]?.body[0].errorCode).toBe('PROCESSING_HALTED');
    expect((await admin('GET', 'records/Account')).body.totalSize).toBe(0);
    expect((await admin('GET', 'records/Lead')).body.totalSize).toBe(0);
  });

  it('without allOrNone, keeps what worked and fails a subrequest whose reference cannot resolve', async () => {
    const { conn, admin } = await startHarness();
    const response = await conn.requestPost<{ compositeResponse: Array<{ body: Json; httpStatusCode: number }> }>('/services/data/v62.0/composite', {
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'bad', body: {} },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'c', body: { LastName: 'X', AccountId: '@{bad.id}' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'good', body: { Name: 'Kept' } },
      ],
    });
    expect(response.compositeResponse.map((sub) => sub.httpStatusCode)).toEqual([400, 400, 201]);
    expect(response.compositeResponse[1]?.body[0].errorCode).toBe('PROCESSING_HALTED');
    expect((await admin('GET', 'records/Account')).body.totalSize).toBe(1);
  });

  it('refuses more than 25 subrequests, and counts a composite as one API call', async () => {
    const { conn, raw, admin } = await startHarness();
    const compositeRequest = Array.from({ length: 26 }, (_, index) => ({ method: 'GET', url: '/services/data/v62.0/limits', referenceId: `r${index}` }));
    const tooMany = await raw('POST', v('/composite'), { body: { compositeRequest } });
    expect(tooMany.status).toBe(400);
    await conn.requestPost('/services/data/v62.0/composite', { compositeRequest: compositeRequest.slice(0, 25) });
    expect((await admin('GET', 'stats')).body.apiUsage.used).toBe(2);
  });

  it('runs a batch of independent subrequests and halts on error when asked (REST "Batch")', async () => {
    const { raw } = await startHarness();
    const response = await raw('POST', v('/composite/batch'), {
      body: {
        haltOnError: true,
        batchRequests: [
          { method: 'POST', url: 'v62.0/sobjects/Account', richInput: { Name: 'Acme' } },
          { method: 'GET', url: 'v62.0/sobjects/Account/001Hs000009ZZZZIAA' },
          { method: 'GET', url: 'v62.0/limits' },
        ],
      },
    });
    expect(response.body.hasErrors).toBe(true);
    expect(response.body.results.map((result: { statusCode: number }) => result.statusCode)).toEqual([201, 404, 412]);
    expect(response.body.results[2].result[0].errorCode).toBe('BATCH_PROCESSING_HALTED');
  });
});
