import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoWorld } from '../../../src/emulators/shared/demo-world.ts';
import { startHarness, v } from './helpers.ts';

describe('Salesforce emulator admin: lead conversion', () => {
  it('creates account, contact and opportunity with a primary contact role, moves activities, and locks the lead (LeadConvert)', async () => {
    const { conn, admin } = await startHarness();
    const lead = await conn.sobject('Lead').create({ FirstName: 'Maria', LastName: 'Garcia', Company: 'Globex', Email: 'maria@globex.example.com', City: 'Austin', LeadSource: 'Web' });
    const task = await conn.sobject('Task').create({ Subject: 'Call', WhoId: lead.id });
    const converted = await admin('POST', 'convertLead', { leadId: lead.id, convertedStatus: 'Closed - Converted' });
    expect(converted.status).toBe(200);
    // LeadConvertResult: accountId, contactId, opportunityId, leadId, success.
    expect(converted.body).toMatchObject({ leadId: lead.id, success: true, accountId: expect.stringMatching(/^001/), contactId: expect.stringMatching(/^003/), opportunityId: expect.stringMatching(/^006/) });
    const { accountId, contactId, opportunityId } = converted.body;

    expect(await conn.sobject('Lead').retrieve(lead.id as string)).toMatchObject({ IsConverted: true, Status: 'Closed - Converted', ConvertedAccountId: accountId, ConvertedContactId: contactId, ConvertedOpportunityId: opportunityId, ConvertedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(await conn.sobject('Account').retrieve(accountId)).toMatchObject({ Name: 'Globex', BillingCity: 'Austin' });
    expect(await conn.sobject('Contact').retrieve(contactId)).toMatchObject({ FirstName: 'Maria', Email: 'maria@globex.example.com', AccountId: accountId, MailingCity: 'Austin', LeadSource: 'Web' });
    expect(await conn.sobject('Opportunity').retrieve(opportunityId)).toMatchObject({ Name: 'Globex-', AccountId: accountId, StageName: 'Prospecting' });
    const roles = await conn.query(`SELECT ContactId, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = '${opportunityId}'`);
    expect(roles.records).toEqual([expect.objectContaining({ ContactId: contactId, IsPrimary: true })]);
    expect((await conn.sobject('Task').retrieve(task.id as string)).WhoId).toBe(contactId);

    const again = await admin('POST', 'convertLead', { leadId: lead.id, convertedStatus: 'Closed - Converted' });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].statusCode).toBe('INVALID_STATUS');
  });

  it('converts into an existing account and contact without an opportunity, filling only blank contact fields', async () => {
    const { conn, admin } = await startHarness();
    const account = await conn.sobject('Account').create({ Name: 'Initech' });
    const contact = await conn.sobject('Contact').create({ LastName: 'Kept', Title: 'Boss', AccountId: account.id });
    const lead = await conn.sobject('Lead').create({ LastName: 'Lead', Company: 'Initech', Title: 'Intern', Phone: '+1 555 0100' });
    const converted = await admin('POST', 'convertLead', { leadId: lead.id, accountId: account.id, contactId: contact.id, doNotCreateOpportunity: true, convertedStatus: 'Closed - Converted' });
    expect(converted.body).toMatchObject({ accountId: account.id, contactId: contact.id, opportunityId: null });
    expect(await conn.sobject('Contact').retrieve(contact.id as string)).toMatchObject({ LastName: 'Kept', Title: 'Boss', Phone: '+1 555 0100' });
    expect((await admin('GET', 'records/Opportunity')).body.totalSize).toBe(0);
  });

  it('refuses a status that is not a converted status and a body with unknown fields', async () => {
    const { conn, admin } = await startHarness();
    const lead = await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' });
    expect((await admin('POST', 'convertLead', { leadId: lead.id, convertedStatus: 'Working - Contacted' })).body.errors[0].statusCode).toBe('INVALID_STATUS');
    const unknown = await admin('POST', 'convertLead', { leadId: lead.id, convertedStatus: 'Closed - Converted', owner: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('owner');
    expect((await conn.sobject('Lead').retrieve(lead.id as string)).IsConverted).toBe(false);
  });
});

describe('Salesforce emulator admin: merge', () => {
  it('keeps the master, re-parents children, and deletes the others with MasterRecordId (merge())', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const { conn, admin } = await startHarness({ clock: () => now });
    const [master, duplicate] = await conn.sobject('Account').create([{ Name: 'Acme' }, { Name: 'ACME Inc' }]);
    const contact = await conn.sobject('Contact').create({ LastName: 'Child', AccountId: duplicate?.id });
    now += 60_000;
    const merged = await admin('POST', 'merge', { masterRecordId: master?.id, recordIdsToMerge: [duplicate?.id] });
    expect(merged.body).toEqual({ id: master?.id, mergedRecordIds: [duplicate?.id], updatedRelatedIds: [contact.id], success: true, errors: [] });
    expect((await conn.sobject('Contact').retrieve(contact.id as string)).AccountId).toBe(master?.id);
    const loser = await conn.query<{ MasterRecordId: string }>(`SELECT MasterRecordId FROM Account WHERE Id = '${duplicate?.id}'`, { scanAll: true });
    expect(loser.records[0]?.MasterRecordId).toBe(master?.id);
    now += 5 * 60_000;
    const deleted = await conn.sobject('Account').deleted('2026-11-29T10:00:00Z', '2026-11-29T10:02:00Z');
    expect(deleted.deletedRecords.map((record) => record.id)).toEqual([duplicate?.id]);
  });

  it('refuses merging different objects or more than two records', async () => {
    const { conn, admin } = await startHarness();
    const account = await conn.sobject('Account').create({ Name: 'A' });
    const contact = await conn.sobject('Contact').create({ LastName: 'C' });
    expect((await admin('POST', 'merge', { masterRecordId: account.id, recordIdsToMerge: [contact.id] })).body.errors[0].statusCode).toBe('INVALID_TYPE');
    const three = await admin('POST', 'merge', { masterRecordId: account.id, recordIdsToMerge: [account.id, account.id, account.id] });
    expect(three.body.issues[0].field).toBe('recordIdsToMerge');
  });
});

describe('Salesforce emulator admin: undelete', () => {
  it('brings a deleted lead back with a later SystemModstamp, off the getDeleted list, and refuses a live record', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const { conn, admin } = await startHarness({ clock: () => now });
    const lead = await conn.sobject('Lead').create({ LastName: 'Back', Company: 'Recycle', Email: 'back@example.com' });
    now += 60_000;
    await conn.sobject('Lead').destroy(lead.id as string);
    const before = (await conn.query<{ SystemModstamp: string }>(`SELECT SystemModstamp FROM Lead WHERE Id = '${lead.id}'`, { scanAll: true })).records[0]!;
    now += 60_000;
    const restored = await admin('POST', 'undelete', { ids: [lead.id] });
    expect(restored.body).toEqual([{ id: lead.id, success: true, errors: [] }]);
    const live = await conn.query<{ Id: string; SystemModstamp: string; LastModifiedDate: string; Email: string }>('SELECT Id, SystemModstamp, LastModifiedDate, Email FROM Lead');
    expect(live.records).toEqual([expect.objectContaining({ Id: lead.id, Email: 'back@example.com' })]);
    expect(Date.parse(live.records[0]!.SystemModstamp.replace('+0000', 'Z'))).toBeGreaterThan(Date.parse(before.SystemModstamp.replace('+0000', 'Z')));
    now += 5 * 60_000;
    expect((await conn.sobject('Lead').deleted('2026-11-29T10:00:00Z', '2026-11-29T10:06:00Z')).deletedRecords).toEqual([]);
    expect((await admin('POST', 'undelete', { ids: [lead.id] })).body.errors[0].statusCode).toBe('UNDELETE_FAILED');
  });
});

describe('Salesforce emulator admin: seeding, reset, persistence', () => {
  it('seeds the shared demo world: the same people and companies, duplicates and no-email people included', async () => {
    const { admin, conn } = await startHarness();
    const seeded = await admin('POST', 'seed', { preset: 'demo' });
    const world = demoWorld();
    const people = world.people.filter((person) => person.inSalesforce);
    const copies = people.reduce((total, person) => total + (person.salesforceDuplicate ? 2 : 1), 0);
    const converted = await conn.query<{ Email: string; ConvertedContactId: string }>('SELECT Email, ConvertedContactId FROM Lead WHERE IsConverted = true');
    expect(converted.totalSize).toBe(3);
    // Each converted lead also became a contact with its email.
    expect(seeded.body.created.Lead + seeded.body.created.Contact).toBe(copies + converted.totalSize);
    expect(seeded.body.created.Account).toBe(world.companies.filter((company) => company.inSalesforce).length + converted.totalSize);
    const convertedContact = await conn.sobject('Contact').retrieve(converted.records[0]?.ConvertedContactId as string);
    expect(convertedContact.Email).toBe(converted.records[0]?.Email);
    for (const object of ['Opportunity', 'OpportunityContactRole', 'Case', 'Task', 'Event', 'Campaign', 'CampaignMember', 'User']) expect(seeded.body.created[object]).toBeGreaterThan(0);

    const duplicate = people.find((person) => person.salesforceDuplicate);
    const sameEmail = await conn.query(`SELECT Id FROM ${duplicate?.salesforceKind} WHERE Email = '${duplicate?.email}'`);
    expect(sameEmail.totalSize).toBe(2);
    const won = await conn.query("SELECT Id FROM Opportunity WHERE StageName = 'Closed Won'");
    expect(won.totalSize).toBeGreaterThan(0);
    const queued = await conn.query<{ Owner: { Name: string } }>("SELECT Id, Owner.Name FROM Lead WHERE OwnerId IN (SELECT Id FROM Group WHERE Type = 'Queue')");
    expect(queued.totalSize).toBeGreaterThan(0);
    expect(queued.records[0]?.Owner.Name).toBe('Unassigned Leads');
    const owners = await conn.query('SELECT Email FROM User WHERE IsActive = true');
    expect(owners.records.map((user) => user.Email)).toContain('alex.morgan@crmsync-demo.example.com');
  });

  it('seeds counts per object for benchmarks, and refuses unknown objects', async () => {
    const { admin } = await startHarness();
    const seeded = await admin('POST', 'seed', { Account: 20, Contact: 3000, Opportunity: 10 });
    expect(seeded.body.created).toEqual({ Account: 20, Contact: 3000, Opportunity: 10 });
    expect((await admin('GET', 'stats')).body.records).toMatchObject({ Account: 20, Contact: 3000, Opportunity: 10 });
    expect((await admin('POST', 'seed', { Nope__c: 1 })).status).toBe(404);
    expect((await admin('POST', 'seed', { Lead: 0 })).body.issues[0].field).toBe('Lead');
  });

  it('reset empties the org and its usage; admin calls are never API calls', async () => {
    const { conn, admin } = await startHarness({ seed: 'demo' });
    await conn.limits();
    await admin('POST', 'reset');
    expect((await admin('GET', 'stats')).body).toMatchObject({ total: 0, apiUsage: { used: 0 } });
    expect((await conn.query('SELECT COUNT() FROM Lead')).totalSize).toBe(0);
  });

  it('persists state to a file and loads it on the next start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sf-emulator-')), 'org.json');
    const first = await startHarness({ persistFile: file });
    await first.admin('POST', 'schema', { object: 'Invoice__c', fields: [{ name: 'Total__c', type: 'currency' }] });
    const invoice = await first.conn.sobject('Invoice__c').create({ Name: 'INV-1', Total__c: 10 });
    await first.admin('POST', 'config', { dailyApiLimit: 1234 });
    await first.emulator.close();

    const second = await startHarness({ persistFile: file });
    expect(await second.conn.sobject('Invoice__c').retrieve(invoice.id as string)).toMatchObject({ Name: 'INV-1', Total__c: 10 });
    expect((await second.conn.limits()).DailyApiRequests?.Max).toBe(1234);
    // New ids continue after the persisted ones.
    const next = await second.conn.sobject('Invoice__c').create({ Name: 'INV-2' });
    expect(next.id).not.toBe(invoice.id);
  });

  it('reads records directly, deleted ones on request', async () => {
    const { conn, admin, raw } = await startHarness();
    const [a, b] = await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }]);
    await conn.sobject('Account').destroy(b?.id as string);
    expect((await admin('GET', 'records/Account')).body.records.map((record: { Id: string }) => record.Id)).toEqual([a?.id]);
    expect((await admin('GET', 'records/Account?includeDeleted=true')).body.totalSize).toBe(2);
    expect((await admin('GET', 'records/Nope')).status).toBe(404);
    expect((await raw('GET', v('/limits'))).headers.get('sforce-limit-info')).toBe('api-usage=3/100000');
  });
});
