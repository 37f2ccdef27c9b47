import { describe, expect, it } from 'vitest';
import { errorsOf, rejection, salesforce } from './sf-harness.ts';

// StatusCode meanings: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm
// Duplicate rule header (allowSave bypasses alert rules only): https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm
// Lead fields (Status restricted, LeadSource/Industry open standard picklists): https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_lead.htm
const CODES = 'https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm';
const DUP_HEADER = 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm';
const LEAD = 'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_lead.htm';

describe('Salesforce contract: validation the engine must surface per record', () => {
  it(`STRING_TOO_LONG, INVALID_EMAIL_ADDRESS and a read-only field are per-record errors naming the field (${CODES})`, async () => {
    const { conn } = await salesforce();
    const results = await conn.sobject('Contact').create(
      [{ LastName: 'x'.repeat(81) }, { LastName: 'E', Email: 'user@localhost' }, { LastName: 'S', SystemModstamp: '2020-01-01T00:00:00Z' }, { LastName: 'Fine', Email: 'ok+tag@sub.example.co.uk' }],
      { allOrNone: false },
    );
    expect(errorsOf(results[0])[0]).toMatchObject({ statusCode: 'STRING_TOO_LONG', fields: ['LastName'] });
    expect(errorsOf(results[1])[0]).toMatchObject({ statusCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] });
    expect(errorsOf(results[2])[0]).toMatchObject({ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['SystemModstamp'] });
    expect(results[3]?.success).toBe(true);
  });

  it(`Lead Status is a restricted picklist (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST) with a default; Industry is open (${LEAD})`, async () => {
    const { conn } = await salesforce();
    const error = await rejection(conn.sobject('Lead').create({ LastName: 'X', Company: 'C', Status: 'Not A Status' }));
    expect(error.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const open = await conn.sobject('Lead').create({ LastName: 'Y', Company: 'C', Industry: 'Underwater Basket Weaving' });
    const row = (await conn.sobject('Lead').retrieve(open.id as string, { fields: ['Status', 'Industry', 'IsConverted'] })) as Record<string, unknown>;
    expect(row).toMatchObject({ Status: 'Open - Not Contacted', Industry: 'Underwater Basket Weaving', IsConverted: false });
  });

  it(`an alert duplicate rule blocks an API save unless Sforce-Duplicate-Rule-Header allowSave=true (${DUP_HEADER})`, async () => {
    const { conn, url, admin } = await salesforce();
    await admin('config', { duplicateRules: [{ object: 'Contact', action: 'alert' }] });
    await conn.sobject('Contact').create({ LastName: 'First', Email: 'alert@example.com' });
    const blocked = await conn.sobject('Contact').create([{ LastName: 'Second', Email: 'alert@example.com' }], { allOrNone: false });
    expect(errorsOf(blocked[0])[0]).toMatchObject({ statusCode: 'DUPLICATES_DETECTED', duplicateResult: { allowSave: true } });
    const response = await fetch(`${url}/services/data/v62.0/composite/sobjects`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json', 'Sforce-Duplicate-Rule-Header': 'allowSave=true; includeRecordDetails=false; runAsCurrentUser=true' },
      body: JSON.stringify({ allOrNone: false, records: [{ attributes: { type: 'Contact' }, LastName: 'Second', Email: 'alert@example.com' }] }),
    });
    expect(((await response.json()) as Array<{ success: boolean }>)[0]?.success).toBe(true);
  });

  it(`a single-record create refused by a blocking rule is 400 DUPLICATES_DETECTED, which jsforce raises (${DUP_HEADER})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('config', { duplicateRules: [{ object: 'Contact', action: 'block' }] });
    await conn.sobject('Contact').create({ LastName: 'First', Email: 'block@example.com' });
    const error = await rejection(conn.sobject('Contact').create({ LastName: 'Second', Email: 'Block@Example.com' }));
    expect(error.errorCode).toBe('DUPLICATES_DETECTED');
    expect((await conn.query("SELECT Id FROM Contact WHERE Email = 'block@example.com'")).totalSize).toBe(1);
  });
});
