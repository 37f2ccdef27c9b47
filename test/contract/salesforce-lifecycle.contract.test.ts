import { describe, expect, it } from 'vitest';
import { errorsOf, rejection, salesforce, type Json } from './sf-harness.ts';

// getUpdated / getDeleted: https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getupdated.html and
// https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getdeleted.html (30 / 15 days back, latestDateCovered).
// Lead conversion: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm
// (IsConverted, ConvertedAccountId, ConvertedContactId; a converted lead is read-only: CANNOT_UPDATE_CONVERTED_LEAD in
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm).
// Merge: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm ("the losing records
// are deleted … MasterRecordId" is set on them, visible with queryAll).
// OpportunityContactRole: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitycontactrole.htm
// Duplicate rules: https://developer.salesforce.com/docs/platform/api/guide/sforce-api-objects-duplicateerror.html
// State and Country/Territory picklists: https://help.salesforce.com/s/articleView?id=sf.admin_state_country_picklists_field_syncing.htm
const GET_UPDATED = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getupdated.html';
const GET_DELETED = 'https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getdeleted.html';
const CONVERT = 'https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm';
const MERGE = 'https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm';
const OCR = 'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitycontactrole.htm';
const DUPLICATE = 'https://developer.salesforce.com/docs/platform/api/guide/sforce-api-objects-duplicateerror.html';
const VALIDATION = 'https://help.salesforce.com/s/articleView?id=sf.fields_about_field_validation.htm';
const PICKLISTS = 'https://help.salesforce.com/s/articleView?id=sf.admin_state_country_picklists_field_syncing.htm';

const toDate = (salesforceDateTime: string) => new Date(salesforceDateTime.replace('+0000', 'Z'));

describe('Salesforce contract: change windows and record lifecycle', () => {
  it(`getUpdated lists ids changed in a whole-minute window and reports latestDateCovered (${GET_UPDATED})`, async () => {
    const { conn, admin } = await salesforce();
    const created = await conn.sobject('Contact').create({ LastName: 'W' });
    const row = (await conn.sobject('Contact').retrieve(created.id as string, { fields: ['SystemModstamp'] })) as Json;
    await admin('clock', { advanceMs: 3 * 60_000 });
    const start = new Date(toDate(row.SystemModstamp).getTime() - 60_000);
    const end = new Date(start.getTime() + 10 * 60_000);
    const result = await conn.sobject('Contact').updated(start, end);
    expect(result.ids).toEqual([created.id]);
    expect(result.latestDateCovered).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000\+0000$/);
    // Never past the present: the next poll starts from latestDateCovered.
    expect(toDate(result.latestDateCovered).getTime()).toBeLessThan(end.getTime());
  });

  it(`getUpdated refuses a start more than 30 days back with INVALID_REPLICATION_DATE (${GET_UPDATED})`, async () => {
    const { conn } = await salesforce();
    const now = Date.now();
    const error = await rejection(conn.sobject('Lead').updated(new Date(now - 31 * 24 * 3600_000), new Date(now)));
    expect(error.errorCode).toBe('INVALID_REPLICATION_DATE');
  });

  it(`getDeleted lists {id, deletedDate} and earliestDateAvailable; 16 days back is refused (${GET_DELETED})`, async () => {
    const { conn, admin } = await salesforce();
    const created = await conn.sobject('Lead').create({ LastName: 'D', Company: 'C' });
    const row = (await conn.sobject('Lead').retrieve(created.id as string, { fields: ['CreatedDate'] })) as Json;
    await conn.sobject('Lead').destroy(created.id as string);
    await admin('clock', { advanceMs: 3 * 60_000 });
    const start = new Date(toDate(row.CreatedDate).getTime() - 60_000);
    const result = await conn.sobject('Lead').deleted(start, new Date(start.getTime() + 10 * 60_000));
    expect(result.deletedRecords).toEqual([{ id: created.id, deletedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/) }]);
    expect(result.earliestDateAvailable).toMatch(/\+0000$/);
    const error = await rejection(conn.sobject('Lead').deleted(new Date(start.getTime() - 16 * 24 * 3600_000), start));
    expect(error.errorCode).toBe('INVALID_REPLICATION_DATE');
  });

  it(`a converted lead shows IsConverted, ConvertedContactId, ConvertedAccountId and refuses updates (${CONVERT})`, async () => {
    const { conn, admin } = await salesforce();
    const lead = await conn.sobject('Lead').create({ FirstName: 'Ada', LastName: 'Lovelace', Company: 'Engines Ltd', Email: 'ada@engines.example' });
    const conversion = await admin('convertLead', { leadId: lead.id, convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true });
    const converted = (
      await conn.query<Json>(`SELECT IsConverted, ConvertedContactId, ConvertedAccountId, ConvertedOpportunityId, Status FROM Lead WHERE Id = '${lead.id}'`)
    ).records[0];
    expect(converted).toMatchObject({ IsConverted: true, ConvertedContactId: conversion.contactId, ConvertedAccountId: conversion.accountId, ConvertedOpportunityId: null, Status: 'Closed - Converted' });
    const contact = (await conn.sobject('Contact').retrieve(conversion.contactId as string, { fields: ['Email', 'AccountId', 'LastName'] })) as Json;
    expect(contact).toMatchObject({ Email: 'ada@engines.example', AccountId: conversion.accountId, LastName: 'Lovelace' });
    const account = (await conn.sobject('Account').retrieve(conversion.accountId as string, { fields: ['Name'] })) as Json;
    expect(account.Name).toBe('Engines Ltd');

    const results = await conn.sobject('Lead').update([{ Id: lead.id as string, Title: 'Countess' }, { Id: lead.id as string, Phone: '1' }], { allOrNone: false });
    expect(results.map((r) => r.success)).toEqual([false, false]);
    expect(errorsOf(results[0])[0]?.statusCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    const single = await rejection(conn.sobject('Lead').update({ Id: lead.id as string, Title: 'Countess' }));
    expect(single.errorCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
  });

  it(`merge deletes the losers with MasterRecordId, visible through queryAll only (${MERGE})`, async () => {
    const { conn, admin } = await salesforce();
    const [master, loser] = await conn.sobject('Contact').create([{ LastName: 'Master', Email: 'm@example.com' }, { LastName: 'Loser', Email: 'l@example.com' }]);
    const task = await conn.sobject('Task').create({ Subject: 'Call', WhoId: loser?.id });
    await admin('merge', { masterRecordId: master?.id, recordIdsToMerge: [loser?.id] });
    expect((await conn.query<Json>('SELECT Id FROM Contact')).records.map((r: Json) => r.Id)).toEqual([master?.id]);
    const all = await conn.query<Json>(`SELECT Id, IsDeleted, MasterRecordId FROM Contact WHERE Id = '${loser?.id}'`, { scanAll: true });
    expect(all.records).toEqual([expect.objectContaining({ Id: loser?.id, IsDeleted: true, MasterRecordId: master?.id })]);
    const moved = (await conn.sobject('Task').retrieve(task.id as string, { fields: ['WhoId'] })) as Json;
    expect(moved.WhoId).toBe(master?.id);
  });

  it(`OpportunityContactRole rows are queryable by OpportunityId with the contact's fields (${OCR})`, async () => {
    const { conn } = await salesforce();
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const opportunity = await conn.sobject('Opportunity').create({ Name: 'Deal', StageName: 'Prospecting', CloseDate: '2026-12-31', AccountId: account.id });
    const contact = await conn.sobject('Contact').create({ LastName: 'Buyer', Email: 'buyer@acme.example', AccountId: account.id });
    const role = await conn.sobject('OpportunityContactRole').create({ OpportunityId: opportunity.id, ContactId: contact.id, Role: 'Decision Maker', IsPrimary: true });
    expect(role.id).toMatch(/^00K/);
    const rows = await conn.query<Json>(`SELECT Id, ContactId, Role, IsPrimary, Contact.Email FROM OpportunityContactRole WHERE OpportunityId IN ('${opportunity.id}')`);
    expect(rows.records).toEqual([
      expect.objectContaining({ Id: role.id, ContactId: contact.id, Role: 'Decision Maker', IsPrimary: true, Contact: expect.objectContaining({ Email: 'buyer@acme.example' }) }),
    ]);
  });

  it(`a blocking duplicate rule answers DUPLICATES_DETECTED with duplicateResult, matching email case-insensitively (${DUPLICATE})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('config', { duplicateRules: [{ object: 'Lead', action: 'block' }] });
    await conn.sobject('Lead').create({ LastName: 'First', Company: 'C', Email: 'dup@example.com' });
    const results = await conn.sobject('Lead').create([{ LastName: 'Second', Company: 'C', Email: 'DUP@example.com' }, { LastName: 'Other', Company: 'C', Email: 'other@example.com' }], { allOrNone: false });
    expect(results[0]?.success).toBe(false);
    const error = errorsOf(results[0])[0] as Json;
    expect(error).toMatchObject({ statusCode: 'DUPLICATES_DETECTED', fields: [] });
    expect(error.duplicateResult.matchResults[0].matchRecords).toHaveLength(1);
    expect(results[1]?.success).toBe(true);
  });

  it(`a validation rule answers FIELD_CUSTOM_VALIDATION_EXCEPTION with the rule's message (${VALIDATION})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('config', { validationRules: [{ object: 'Contact', field: 'Title', operator: 'required', message: 'Title is required for sync' }] });
    const results = await conn.sobject('Contact').create([{ LastName: 'NoTitle' }, { LastName: 'WithTitle', Title: 'CEO' }], { allOrNone: false });
    expect(errorsOf(results[0])).toEqual([{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Title is required for sync', fields: ['Title'] }]);
    expect(results[1]?.success).toBe(true);
  });

  it(`with State and Country picklists on, codes fill names, and unknown codes are FIELD_INTEGRITY_EXCEPTION (${PICKLISTS})`, async () => {
    const { conn, admin } = await salesforce();
    await admin('config', { stateCountryPicklists: true });
    const results = await conn.sobject('Contact').create(
      [
        { LastName: 'Ok', MailingCountryCode: 'US', MailingStateCode: 'CA' },
        { LastName: 'BadCountry', MailingCountryCode: 'XX' },
        { LastName: 'BadState', MailingCountryCode: 'US', MailingStateCode: 'ZZ' },
        { LastName: 'ByName', MailingCountry: 'Germany' },
      ],
      { allOrNone: false },
    );
    expect(results.map((r) => r.success)).toEqual([true, false, false, true]);
    expect(errorsOf(results[1])[0]).toMatchObject({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['MailingCountryCode'] });
    expect(errorsOf(results[2])[0]).toMatchObject({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['MailingStateCode'] });
    const ok = (await conn.sobject('Contact').retrieve(results[0]?.id as string, { fields: ['MailingState', 'MailingCountry'] })) as Json;
    expect(ok).toMatchObject({ MailingState: 'California', MailingCountry: 'United States' });
    const byName = (await conn.sobject('Contact').retrieve(results[3]?.id as string, { fields: ['MailingCountryCode'] })) as Json;
    expect(byName.MailingCountryCode).toBe('DE');
  });
});
