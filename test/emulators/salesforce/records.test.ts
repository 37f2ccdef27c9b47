import { describe, expect, it } from 'vitest';
import { startHarness, v } from './helpers.ts';

describe('Salesforce emulator: sObject rows through jsforce', () => {
  it('creates (201 SaveResult), retrieves with attributes, updates (204) and deletes (204)', async () => {
    const { conn, raw } = await startHarness();
    const created = await conn.sobject('Contact').create({ FirstName: 'Aino', LastName: 'Virtanen', Email: 'aino@example.com' });
    // REST "Create a Record": 201 with { id, success, errors }.
    expect(created).toEqual({ id: expect.stringMatching(/^003[0-9A-Za-z]{15}$/), success: true, errors: [] });

    const contact = await conn.sobject('Contact').retrieve(created.id as string);
    expect(contact).toMatchObject({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${created.id}` },
      Id: created.id,
      Name: 'Aino Virtanen',
      Email: 'aino@example.com',
      IsDeleted: false,
      CreatedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/),
      OwnerId: expect.stringMatching(/^005/),
    });

    await conn.sobject('Contact').update({ Id: created.id as string, Title: 'CTO' });
    const patched = await raw('PATCH', v(`/sobjects/Contact/${created.id}`), { body: { Title: 'CEO' } });
    expect(patched.status).toBe(204);
    expect((await conn.sobject('Contact').retrieve(created.id as string)).Title).toBe('CEO');

    await conn.sobject('Contact').destroy(created.id as string);
    const gone = await raw('GET', v(`/sobjects/Contact/${created.id}`));
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual([{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }]);
  });

  it('accepts the 15-character id and the lower-cased 18-character id', async () => {
    const { conn } = await startHarness();
    const { id } = await conn.sobject('Account').create({ Name: 'Acme' });
    const id18 = id as string;
    expect((await conn.sobject('Account').retrieve(id18.slice(0, 15))).Id).toBe(id18);
    expect((await conn.sobject('Account').retrieve(id18.toLowerCase())).Id).toBe(id18);
  });

  it('retrieves only the asked fields with ?fields=, and refuses an unknown one as INVALID_FIELD', async () => {
    const { conn, raw } = await startHarness();
    const { id } = await conn.sobject('Account').create({ Name: 'Acme', Industry: 'Energy' });
    const some = await raw('GET', v(`/sobjects/Account/${id}?fields=Name,Industry`));
    expect(some.body).toEqual({ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${id}` }, Id: id, Name: 'Acme', Industry: 'Energy' });
    const bad = await raw('GET', v(`/sobjects/Account/${id}?fields=Name,Nope__c`));
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe('INVALID_FIELD');
  });

  it('answers 404 NOT_FOUND for an unknown id and for something that is not an id (read as an external id field)', async () => {
    const { raw } = await startHarness();
    const missing = await raw('GET', v('/sobjects/Account/001Hs000009ZZZZIAA'));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist', fields: [] }]);
    const notAnId = await raw('GET', v('/sobjects/Account/hello'));
    expect(notAnId.status).toBe(404);
    expect(notAnId.body[0].message).toBe('Provided external ID field does not exist or is not accessible: hello');
    const unknownType = await raw('GET', v('/sobjects/Nope__c/describe'));
    expect(unknownType.status).toBe(404);
    const wrongMethod = await raw('PUT', v('/sobjects/Account/001Hs000009ZZZZIAA'), { body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body[0]).toEqual({ errorCode: 'METHOD_NOT_ALLOWED', message: "HTTP Method 'PUT' not allowed. Allowed are GET,PATCH,DELETE,HEAD" });
  });

  it('refuses unknown and read-only fields the way Salesforce words them', async () => {
    const { conn, raw } = await startHarness();
    const unknown = await raw('POST', v('/sobjects/Account'), { body: { Name: 'A', Colour__c: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual([{ message: "No such column 'Colour__c' on sobject of type Account", errorCode: 'INVALID_FIELD' }]);
    await expect(conn.sobject('Lead').create({ LastName: 'L', Company: 'C', IsConverted: true })).rejects.toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    const notJson = await raw('POST', v('/sobjects/Account'), { body: '{"Name": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body[0].errorCode).toBe('JSON_PARSER_ERROR');
    const badNumber = await raw('POST', v('/sobjects/Account'), { body: { Name: 'A', NumberOfEmployees: 'many' } });
    expect(badNumber.body[0].errorCode).toBe('JSON_PARSER_ERROR');
  });

  it("refuses a Task or Event whose WhoId is a Lead and that has a WhatId (a lead has no account yet); a Contact's may have one", async () => {
    const { conn } = await startHarness();
    const lead = await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    const account = await conn.sobject('Account').create({ Name: 'A' });
    const contact = await conn.sobject('Contact').create({ LastName: 'K', AccountId: account.id });
    await expect(conn.sobject('Task').create({ Subject: 'x', WhoId: lead.id, WhatId: account.id })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
    const at = { StartDateTime: '2026-03-02T10:00:00.000Z', EndDateTime: '2026-03-02T11:00:00.000Z' };
    await expect(conn.sobject('Event').create({ Subject: 'x', WhoId: lead.id, WhatId: account.id, ...at })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
    expect(await conn.sobject('Task').create({ Subject: 'x', WhoId: lead.id })).toMatchObject({ success: true });
    expect(await conn.sobject('Task').create({ Subject: 'x', WhoId: contact.id, WhatId: account.id })).toMatchObject({ success: true });
  });

  it('upserts on an external id field: 201 created, then 200 updated, and 300 when the value matches two records', async () => {
    const { conn, admin, raw } = await startHarness();
    await admin('POST', 'schema', { object: 'Account', fields: [{ name: 'HubSpot_Id__c', type: 'string', length: 40, externalId: true }] });
    const first = await conn.sobject('Account').upsert({ HubSpot_Id__c: 'hs-1', Name: 'Acme' }, 'HubSpot_Id__c');
    expect(first).toMatchObject({ success: true, created: true, id: expect.stringMatching(/^001/) });
    const second = await raw('PATCH', v('/sobjects/Account/HubSpot_Id__c/hs-1'), { body: { Name: 'Acme Oy' } });
    // REST "Upsert a Record Using an External ID": 200 with created false on update.
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id: first.id, success: true, errors: [], created: false });
    expect((await conn.sobject('Account').retrieve(first.id as string)).Name).toBe('Acme Oy');

    await conn.sobject('Account').create({ Name: 'Twin', HubSpot_Id__c: 'HS-1' });
    const ambiguous = await raw('PATCH', v('/sobjects/Account/HubSpot_Id__c/hs-1'), { body: { Name: 'X' } });
    expect(ambiguous.status).toBe(300);
    expect(ambiguous.body).toHaveLength(2);

    const notExternal = await raw('PATCH', v('/sobjects/Account/Name/Acme'), { body: {} });
    expect(notExternal.status).toBe(404);
    expect(notExternal.body[0].message).toBe('Provided external ID field does not exist or is not accessible: Name');
  });

  it('describes objects with the field properties a sync reads', async () => {
    const { conn } = await startHarness();
    const lead = await conn.sobject('Lead').describe();
    const byName = new Map(lead.fields.map((f) => [f.name, f]));
    expect(lead.keyPrefix).toBe('00Q');
    expect(byName.get('LastName')).toMatchObject({ type: 'string', length: 80, nillable: false, createable: true, updateable: true });
    expect(byName.get('Email')).toMatchObject({ type: 'email', length: 80, nillable: true });
    expect(byName.get('Status')).toMatchObject({ type: 'picklist', restrictedPicklist: true, defaultedOnCreate: true });
    expect(byName.get('Status')?.picklistValues?.map((p) => p.value)).toContain('Closed - Converted');
    expect(byName.get('ConvertedContactId')).toMatchObject({ type: 'reference', referenceTo: ['Contact'], createable: false, updateable: false });
    expect(byName.has('StateCode')).toBe(false);

    const opportunity = await conn.sobject('Opportunity').describe();
    expect(opportunity.childRelationships).toContainEqual(expect.objectContaining({ relationshipName: 'OpportunityContactRoles', childSObject: 'OpportunityContactRole', field: 'OpportunityId' }));
    const task = await conn.sobject('Task').describe();
    expect(task.fields.find((f) => f.name === 'WhoId')).toMatchObject({ referenceTo: ['Contact', 'Lead'], relationshipName: 'Who', polymorphicForeignKey: true });

    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(expect.arrayContaining(['Lead', 'Contact', 'Account', 'Opportunity', 'OpportunityContactRole', 'Case', 'Task', 'Event', 'Campaign', 'CampaignMember', 'User']));
    expect(Object.fromEntries(global.sobjects.map((s) => [s.name, s.keyPrefix]))).toMatchObject({ Lead: '00Q', Contact: '003', Account: '001', Opportunity: '006', OpportunityContactRole: '00K', Case: '500', Task: '00T', Event: '00U', Campaign: '701', CampaignMember: '00v', User: '005' });
  });

  it('serves custom objects defined through the admin API, with a0 key prefixes', async () => {
    const { conn, admin } = await startHarness();
    const defined = await admin('POST', 'schema', { object: 'Invoice__c', fields: [{ name: 'Amount__c', type: 'currency' }, { name: 'Account__c', type: 'reference', referenceTo: ['Account'] }] });
    expect(defined.body.keyPrefix).toMatch(/^a0/);
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const invoice = await conn.sobject('Invoice__c').create({ Name: 'INV-1', Amount__c: 120.5, Account__c: account.id });
    expect(invoice.id).toMatch(/^a0/);
    expect(await conn.sobject('Invoice__c').retrieve(invoice.id as string)).toMatchObject({ Name: 'INV-1', Amount__c: 120.5, Account__c: account.id });
    const refused = await admin('POST', 'schema', { object: 'Invoice__c', fields: [{ name: 'NoSuffix', type: 'string' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('fields.0.name');
  });

  it('reads a custom field added after records exist as null, in retrieve and in SOQL', async () => {
    const { conn, admin } = await startHarness();
    const { id } = await conn.sobject('Lead').create({ LastName: 'Early', Company: 'C' });
    await admin('POST', 'schema', { object: 'Lead', fields: [{ name: 'Score__c', type: 'double' }] });
    expect((await conn.sobject('Lead').retrieve(id as string)).Score__c).toBeNull();
    const rows = await conn.query<{ Score__c: number | null }>('SELECT Id, Score__c FROM Lead');
    expect(rows.records).toEqual([expect.objectContaining({ Id: id, Score__c: null })]);
  });

  it('keeps SystemModstamp moving forward and computes derived fields', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const { conn } = await startHarness({ clock: () => now });
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const opportunity = await conn.sobject('Opportunity').create({ Name: 'Deal', AccountId: account.id, StageName: 'Prospecting', CloseDate: '2026-12-31' });
    now += 5_000;
    await conn.sobject('Opportunity').update({ Id: opportunity.id as string, StageName: 'Closed Won' });
    const won = await conn.sobject('Opportunity').retrieve(opportunity.id as string);
    expect(won).toMatchObject({ IsClosed: true, IsWon: true, Probability: 100, ForecastCategoryName: 'Closed', SystemModstamp: '2026-11-29T10:00:05.000+0000', CreatedDate: '2026-11-29T10:00:00.000+0000' });
    // The clock going backwards (an NTP step) must not move a modstamp backwards.
    now -= 60_000;
    await conn.sobject('Opportunity').update({ Id: opportunity.id as string, Amount: 5 });
    expect((await conn.sobject('Opportunity').retrieve(opportunity.id as string)).SystemModstamp).toBe('2026-11-29T10:00:05.000+0000');

    const event = await conn.sobject('Event').create({ Subject: 'Demo', StartDateTime: '2026-12-01T09:00:00Z', DurationInMinutes: 45 });
    expect(await conn.sobject('Event').retrieve(event.id as string)).toMatchObject({ EndDateTime: '2026-12-01T09:45:00.000+0000', ActivityDate: '2026-12-01' });
    const kase = await conn.sobject('Case').create({ Subject: 'Broken' });
    expect(await conn.sobject('Case').retrieve(kase.id as string)).toMatchObject({ Status: 'New', IsClosed: false, CaseNumber: expect.stringMatching(/^\d{8}$/) });
  });

  it('cascades an account delete to its contacts and opportunities', async () => {
    const { conn, raw } = await startHarness();
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const contact = await conn.sobject('Contact').create({ LastName: 'C', AccountId: account.id });
    await conn.sobject('Account').destroy(account.id as string);
    expect((await raw('GET', v(`/sobjects/Contact/${contact.id}`))).body[0].errorCode).toBe('ENTITY_IS_DELETED');
  });
});

describe('Salesforce emulator: getUpdated and getDeleted', () => {
  it('lists ids changed and deleted in a window, in whole minutes, with latestDateCovered (REST "sObject Get Updated"/"Get Deleted")', async () => {
    let now = Date.parse('2026-11-29T10:00:30Z');
    const { conn } = await startHarness({ clock: () => now });
    const kept = await conn.sobject('Lead').create({ LastName: 'Kept', Company: 'C' });
    const removed = await conn.sobject('Lead').create({ LastName: 'Removed', Company: 'C' });
    now = Date.parse('2026-11-29T10:05:10Z');
    await conn.sobject('Lead').destroy(removed.id as string);
    now = Date.parse('2026-11-29T10:20:00Z');

    const updated = await conn.sobject('Lead').updated('2026-11-29T09:59:00Z', '2026-11-29T10:30:00Z');
    expect(updated.ids).toEqual([kept.id]);
    // A window that has not finished yet is covered only up to the current minute.
    expect(updated.latestDateCovered).toBe('2026-11-29T10:20:00.000+0000');

    const deleted = await conn.sobject('Lead').deleted('2026-11-29T10:00:00Z', '2026-11-29T10:10:00Z');
    expect(deleted.deletedRecords).toEqual([{ id: removed.id, deletedDate: '2026-11-29T10:05:10.000+0000' }]);
    expect(deleted.latestDateCovered).toBe('2026-11-29T10:10:00.000+0000');
    expect(deleted.earliestDateAvailable).toMatch(/^2026-11-14T10:20:00/);

    const before = await conn.sobject('Lead').deleted('2026-11-29T10:06:00Z', '2026-11-29T10:10:00Z');
    expect(before.deletedRecords).toEqual([]);
  });

  it('refuses windows beyond 30 days (updated) and 15 days (deleted), and reversed ones', async () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    const { raw } = await startHarness({ clock: () => now });
    const tooOld = await raw('GET', v('/sobjects/Lead/updated?start=2026-10-01T00:00:00Z&end=2026-11-29T00:00:00Z'));
    expect(tooOld.status).toBe(400);
    expect(tooOld.body[0].errorCode).toBe('INVALID_REPLICATION_DATE');
    const deletedTooOld = await raw('GET', v('/sobjects/Lead/deleted?start=2026-11-10T00:00:00Z&end=2026-11-29T00:00:00Z'));
    expect(deletedTooOld.body[0].errorCode).toBe('INVALID_REPLICATION_DATE');
    const reversed = await raw('GET', v('/sobjects/Lead/updated?start=2026-11-29T09:00:00Z&end=2026-11-29T08:00:00Z'));
    expect(reversed.body[0].message).toBe('startDate must chronologically precede endDate');
  });
});
