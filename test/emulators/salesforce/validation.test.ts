import { describe, expect, it } from 'vitest';
import { startHarness, statusCodesOf, v } from './helpers.ts';

/** Error codes and wording follow the REST "Status Codes and Error Responses" page and the StatusCode list in "Core Data Types Used in API Calls". */
describe('Salesforce emulator: validation as Salesforce words it', () => {
  it('REQUIRED_FIELD_MISSING lists every missing field (Lead LastName and Company; Opportunity Name, StageName, CloseDate)', async () => {
    const { raw } = await startHarness();
    const lead = await raw('POST', v('/sobjects/Lead'), { body: { FirstName: 'No' } });
    expect(lead.status).toBe(400);
    expect(lead.body).toEqual([{ message: 'Required fields are missing: [LastName, Company]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName', 'Company'] }]);
    const opportunity = await raw('POST', v('/sobjects/Opportunity'), { body: { Amount: 5 } });
    expect(opportunity.body[0].fields).toEqual(['Name', 'StageName', 'CloseDate']);
  });

  it('REQUIRED_FIELD_MISSING when an update blanks a required field', async () => {
    const { conn } = await startHarness();
    const { id } = await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    await expect(conn.sobject('Lead').update({ Id: id as string, Company: '' })).rejects.toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING' });
  });

  it('INVALID_EMAIL_ADDRESS, STRING_TOO_LONG and INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST name the field', async () => {
    const { raw } = await startHarness();
    const email = await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'L', Email: 'jane@@example' } });
    expect(email.body).toEqual([{ message: 'Email: invalid email address: jane@@example', errorCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] }]);
    const long = await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'x'.repeat(81) } });
    expect(long.body).toEqual([{ message: `Last Name: data value too large: ${'x'.repeat(81)} (max length=80)`, errorCode: 'STRING_TOO_LONG', fields: ['LastName'] }]);
    const stage = await raw('POST', v('/sobjects/Opportunity'), { body: { Name: 'O', StageName: 'Maybe', CloseDate: '2026-12-01' } });
    expect(stage.body).toEqual([{ message: 'Stage: bad value for restricted picklist field: Maybe', errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['StageName'] }]);
  });

  it('rounds currency to its scale and refuses numbers outside the field range (NUMBER_OUTSIDE_VALID_RANGE)', async () => {
    const { conn, raw } = await startHarness();
    const opportunity = await conn.sobject('Opportunity').create({ Name: 'O', StageName: 'Prospecting', CloseDate: '2026-12-01', Amount: 10.005 });
    expect((await conn.sobject('Opportunity').retrieve(opportunity.id as string)).Amount).toBe(10.01);
    const huge = await raw('POST', v('/sobjects/Account'), { body: { Name: 'A', NumberOfEmployees: 3_000_000_000 } });
    expect(huge.body).toEqual([{ message: 'Employees: value outside of valid range on numeric field: 3000000000', errorCode: 'NUMBER_OUTSIDE_VALID_RANGE', fields: ['NumberOfEmployees'] }]);
  });

  it('reference fields: MALFORMED_ID, wrong object, INVALID_CROSS_REFERENCE_KEY and ENTITY_IS_DELETED', async () => {
    const { conn, raw } = await startHarness();
    const malformed = await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'L', AccountId: 'abc' } });
    expect(malformed.body).toEqual([{ message: 'Account ID: id value of incorrect type: abc', errorCode: 'MALFORMED_ID', fields: ['AccountId'] }]);
    const lead = await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    const wrongObject = await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'L', AccountId: lead.id } });
    expect(wrongObject.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['AccountId'] });
    const missing = await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'L', AccountId: '001Hs000009ZZZZIAA' } });
    expect(missing.body[0]).toMatchObject({ errorCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id' });
    const account = await conn.sobject('Account').create({ Name: 'Gone' });
    await conn.sobject('Account').destroy(account.id as string);
    const deleted = await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'L', AccountId: account.id } });
    expect(deleted.body[0]).toMatchObject({ errorCode: 'ENTITY_IS_DELETED', fields: ['AccountId'] });
    const badUrlId = await raw('PATCH', v('/sobjects/Contact/003xyz'), { body: { LastName: 'X' } });
    expect(badUrlId.body[0].errorCode).toBe('MALFORMED_ID');
  });

  it('refuses an inactive owner with INACTIVE_OWNER_OR_USER', async () => {
    const { conn, admin } = await startHarness();
    await admin('POST', 'seed', { preset: 'demo' });
    const inactive = (await admin('GET', 'records/User')).body.records.find((user: { IsActive: boolean }) => user.IsActive === false);
    await expect(conn.sobject('Lead').create({ LastName: 'L', Company: 'C', OwnerId: inactive.Id })).rejects.toMatchObject({ errorCode: 'INACTIVE_OWNER_OR_USER' });
  });

  it('lets a queue own a Lead but not a Contact', async () => {
    const { conn } = await startHarness();
    const queue = await conn.sobject('Group').create({ Name: 'Inbound', Type: 'Queue' });
    expect((await conn.sobject('Lead').create({ LastName: 'L', Company: 'C', OwnerId: queue.id })).success).toBe(true);
    await expect(conn.sobject('Contact').create({ LastName: 'L', OwnerId: queue.id })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
  });

  it('CANNOT_UPDATE_CONVERTED_LEAD after conversion', async () => {
    const { conn, admin } = await startHarness();
    const { id } = await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    await admin('POST', 'convertLead', { leadId: id, convertedStatus: 'Closed - Converted' });
    await expect(conn.sobject('Lead').update({ Id: id as string, Title: 'x' })).rejects.toMatchObject({ errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD', message: 'cannot reference converted lead' });
  });
});

describe('Salesforce emulator: State and Country/Territory Picklists', () => {
  it('hides the code fields while off, and validates codes and integration values when on', async () => {
    const { conn, raw, admin } = await startHarness();
    const off = await raw('POST', v('/sobjects/Account'), { body: { Name: 'A', BillingCountryCode: 'US' } });
    expect(off.body[0].errorCode).toBe('INVALID_FIELD');
    await admin('POST', 'config', { stateCountryPicklists: true });

    // A valid code fills the text field with the integration value (Help: "Picklist Field Syncing").
    const byCode = await conn.sobject('Account').create({ Name: 'A', BillingCountryCode: 'US', BillingStateCode: 'CA' });
    expect(await conn.sobject('Account').retrieve(byCode.id as string)).toMatchObject({ BillingCountry: 'United States', BillingCountryCode: 'US', BillingState: 'California', BillingStateCode: 'CA' });
    // ...and a valid integration value fills the code.
    const byName = await conn.sobject('Contact').create({ LastName: 'L', MailingCountry: 'Finland' });
    expect((await conn.sobject('Contact').retrieve(byName.id as string)).MailingCountryCode).toBe('FI');

    const usa = await raw('POST', v('/sobjects/Lead'), { body: { LastName: 'L', Company: 'C', Country: 'USA' } });
    expect(usa.body).toEqual([{ message: "There's a problem with this country, even though it may appear correct. Please select a country/territory from the list of valid countries.", errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['Country'] }]);
    const badCode = await raw('POST', v('/sobjects/Lead'), { body: { LastName: 'L', Company: 'C', CountryCode: 'XX' } });
    expect(badCode.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['CountryCode'] });
    const stateAbbreviation = await raw('POST', v('/sobjects/Lead'), { body: { LastName: 'L', Company: 'C', CountryCode: 'US', State: 'Calif.' } });
    expect(stateAbbreviation.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['State'] });
    // Salesforce ships no states for the United Kingdom.
    const ukState = await raw('POST', v('/sobjects/Lead'), { body: { LastName: 'L', Company: 'C', CountryCode: 'GB', StateCode: 'ENG' } });
    expect(ukState.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['StateCode'] });
    const stateWithoutCountry = await raw('POST', v('/sobjects/Lead'), { body: { LastName: 'L', Company: 'C', StateCode: 'CA' } });
    expect(stateWithoutCountry.body[0].errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
  });

  it('on insert a code wins over disagreeing text; on update the disagreement is refused', async () => {
    const { conn, admin } = await startHarness({ config: { stateCountryPicklists: true } });
    const lead = await conn.sobject('Lead').create({ LastName: 'L', Company: 'C', CountryCode: 'DE', Country: 'France' });
    expect((await conn.sobject('Lead').retrieve(lead.id as string)).Country).toBe('Germany');
    await expect(conn.sobject('Lead').update({ Id: lead.id as string, CountryCode: 'DE', Country: 'France' })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
    const describe = await conn.sobject('Lead').describe();
    const countryCode = describe.fields.find((f) => f.name === 'CountryCode');
    expect(countryCode?.picklistValues?.find((p) => p.value === 'US')?.label).toBe('United States');
    expect(countryCode?.picklistValues?.find((p) => p.value === 'VN')?.label).toBe('Viet Nam');
    expect(describe.fields.find((f) => f.name === 'StateCode')).toMatchObject({ dependentPicklist: true, controllerName: 'CountryCode' });
    expect((await admin('GET', 'config')).body.stateCountryPicklists).toBe(true);
  });
});

describe('Salesforce emulator: duplicate and validation rules', () => {
  it('DUPLICATES_DETECTED on a Lead whose email a Contact has, with the DuplicateResult naming the match', async () => {
    const { conn, admin, raw } = await startHarness();
    const contact = await conn.sobject('Contact').create({ LastName: 'C', Email: 'same@example.com' });
    const config = await admin('POST', 'config', { duplicateRules: [{ object: 'Lead', matchObjects: ['Lead', 'Contact'] }] });
    expect(config.status).toBe(200);
    const duplicate = await raw('POST', v('/sobjects/Lead'), { body: { LastName: 'L', Company: 'C', Email: 'SAME@example.com' } });
    expect(duplicate.status).toBe(400);
    // DuplicateError with duplicateResult.matchResults (SOAP API "DuplicateError", "DuplicateResult", "MatchResult").
    expect(duplicate.body[0]).toMatchObject({
      errorCode: 'DUPLICATES_DETECTED',
      message: "You're creating a duplicate record. We recommend you use an existing record instead.",
      duplicateResult: { allowSave: false, duplicateRuleEntityType: 'Lead', matchResults: [{ entityType: 'Contact', size: 1, matchRecords: [{ record: { Id: contact.id } }] }] },
    });
    const inCollection = await conn.sobject('Lead').create([{ LastName: 'L', Company: 'C', Email: 'same@example.com' }, { LastName: 'M', Company: 'C', Email: 'other@example.com' }]);
    expect(statusCodesOf(inCollection[0])).toEqual(['DUPLICATES_DETECTED']);
    expect(inCollection[1]?.success).toBe(true);
  });

  it("an 'alert' rule lets the caller save with Sforce-Duplicate-Rule-Header allowSave=true; a 'block' rule never does", async () => {
    const { conn, admin, raw } = await startHarness();
    await conn.sobject('Contact').create({ LastName: 'C', Email: 'dup@example.com' });
    await admin('POST', 'config', { duplicateRules: [{ object: 'Contact', action: 'alert' }] });
    const alerted = await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'D', Email: 'dup@example.com' } });
    expect(alerted.body[0]).toMatchObject({ errorCode: 'DUPLICATES_DETECTED', duplicateResult: { allowSave: true } });
    // REST "Duplicate Rule Header": allowSave=true saves despite alert rules.
    const header = { 'Sforce-Duplicate-Rule-Header': 'allowSave=true; includeRecordDetails=false; runAsCurrentUser=true' };
    expect((await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'D', Email: 'dup@example.com' }, headers: header })).status).toBe(201);
    await admin('POST', 'config', { duplicateRules: [{ object: 'Contact', action: 'block' }] });
    expect((await raw('POST', v('/sobjects/Contact'), { body: { LastName: 'E', Email: 'dup@example.com' }, headers: header })).status).toBe(400);
  });

  it('refuses a second membership of the same person in a campaign', async () => {
    const { conn } = await startHarness();
    const campaign = await conn.sobject('Campaign').create({ Name: 'Webinar' });
    const lead = await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    expect((await conn.sobject('CampaignMember').create({ CampaignId: campaign.id, LeadId: lead.id })).success).toBe(true);
    await expect(conn.sobject('CampaignMember').create({ CampaignId: campaign.id, LeadId: lead.id })).rejects.toMatchObject({ errorCode: 'DUPLICATE_VALUE' });
  });

  it('FIELD_CUSTOM_VALIDATION_EXCEPTION carries the rule message; bad rules are refused naming the field', async () => {
    const { conn, admin, raw } = await startHarness();
    const bad = await admin('POST', 'config', { validationRules: [{ object: 'Lead', field: 'Phone', operator: 'equals', message: 'x' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('validationRules.0.value');
    await admin('POST', 'config', {
      validationRules: [
        { object: 'Lead', field: 'Phone', operator: 'required', message: 'Leads need a phone number.' },
        { object: 'Contact', field: 'Title', operator: 'equals', value: 'Intern', message: 'No interns.' },
        { object: 'Contact', field: 'Email', operator: 'matches', value: '@example\\.com$', message: 'Company email only.' },
      ],
    });
    const lead = await raw('POST', v('/sobjects/Lead'), { body: { LastName: 'L', Company: 'C' } });
    expect(lead.body).toEqual([{ message: 'Leads need a phone number.', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Phone'] }]);
    await expect(conn.sobject('Contact').create({ LastName: 'L', Title: 'Intern' })).rejects.toMatchObject({ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'No interns.' });
    await expect(conn.sobject('Contact').create({ LastName: 'L', Email: 'a@gmail.com' })).rejects.toMatchObject({ message: 'Company email only.' });
    expect((await conn.sobject('Contact').create({ LastName: 'L', Email: 'a@example.com' })).success).toBe(true);
  });

  it('refuses a bad config field with 400 naming it, and leaves the config unchanged', async () => {
    const { admin } = await startHarness();
    const unknownKey = await admin('POST', 'config', { dailyApiLimits: 5 });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.message).toContain('dailyApiLimits');
    const negative = await admin('POST', 'config', { dailyApiLimit: -1 });
    expect(negative.body.issues[0].field).toBe('dailyApiLimit');
    const unknownField = await admin('POST', 'config', { validationRules: [{ object: 'Lead', field: 'Nope', operator: 'required', message: 'm' }] });
    expect(unknownField.body.message).toContain('Lead has no field Nope');
    expect((await admin('GET', 'config')).body).toMatchObject({ dailyApiLimit: 100000, validationRules: [] });
  });
});
