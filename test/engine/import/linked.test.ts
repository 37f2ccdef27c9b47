/**
 * Importing the Salesforce side of link-matched pairs (Account → companies, Opportunity → deals): records read by
 * id in Id order and synced as changed, bounded by dates, refused while the pair is off, and continued after a stop
 * from the stored cursor without a duplicate.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { engineNow, passMinute, useContactSyncWorld } from '../contacts/world.ts';
import { createInSalesforce, hubspotRecords, saveSettings } from '../linked/world.ts';
import { imported, importerOf } from './world.ts';

// Fresh emulators per test: the first moves the Salesforce org's clock, which a reset keeps.
const world = useContactSyncWorld({ freshEmulators: true });

describe('import of accounts and opportunities', () => {
  it('imports accounts, then opportunities on their companies; created-after and modified-after bound what is read', async () => {
    const older = await createInSalesforce(world, 'Account', { Name: 'Older Inc' });
    const olderDeal = await createInSalesforce(world, 'Opportunity', { Name: 'Older deal', StageName: 'Closed Won', CloseDate: '2026-03-31', AccountId: older });
    await passMinute(world);
    const since = new Date(engineNow(world).getTime() - 30_000);
    const acme = await createInSalesforce(world, 'Account', { Name: 'Acme' });
    const renewal = await createInSalesforce(world, 'Opportunity', { Name: 'Acme renewal', StageName: 'Closed Won', CloseDate: '2026-03-31', Amount: 1200, AccountId: acme });
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true } });

    // An import page is its own records: the related objects are read for the page only (one semi-join each), and
    // their changes elsewhere are left for the sync cycles to poll.
    const queries: string[] = [];
    const { queryPages } = world.salesforce;
    world.salesforce.queryPages = (soql, ...rest) => {
      queries.push(soql);
      return queryPages.call(world.salesforce, soql, ...rest);
    };
    const accounts = await imported(importerOf(world), { object: 'Account', createdAfter: since });
    expect(queries.filter((soql) => /\bFROM Contact\b/.test(soql))).toEqual([expect.stringContaining('AccountId IN (SELECT Id FROM Account WHERE Id >=')]);
    expect(accounts).toMatchObject({ object: 'Account', state: 'succeeded', total: 1, read: 1, created: 1, failed: 0 });
    const [company] = await hubspotRecords(world, 'companies');
    expect(company?.properties).toMatchObject({ name: 'Acme' });
    expect((await world.store.idLinks.findBySalesforceIds([acme])).get(acme)?.hubspotId).toBe(company?.id);

    // The page's contact roles: one semi-join on the page, not lists of its ids.
    queries.length = 0;
    const deals = await imported(importerOf(world), { object: 'Opportunity', modifiedAfter: since }).finally(() => {
      world.salesforce.queryPages = queryPages;
    });
    expect(queries.filter((soql) => /\bFROM OpportunityContactRole\b/.test(soql))).toEqual([expect.stringContaining('OpportunityId IN (SELECT Id FROM Opportunity WHERE Id >=')]);
    expect(deals).toMatchObject({ object: 'Opportunity', state: 'succeeded', total: 1, read: 1, created: 1, failed: 0 });
    const [deal] = await hubspotRecords(world, 'deals');
    expect(deal?.properties).toMatchObject({ dealname: 'Acme renewal', salesforceopportunityid: renewal });
    expect((await world.hubspot.associationsOf('deals', 'companies', [deal!.id])).get(deal!.id)).toEqual([company?.id]);

    // Unbounded, the older ones come too; the deal of an account not imported waits for it, and says so.
    const everything = await imported(importerOf(world), { object: 'Opportunity' });
    expect(everything).toMatchObject({ state: 'succeeded', total: 2, read: 2, created: 0, failed: 1 });
    const open = await world.store.syncErrors.openForRecords('deals', { hubspotIds: [], salesforceIds: [olderDeal] });
    expect(open.map((error) => error.category)).toEqual(['associations']);
    expect(await hubspotRecords(world, 'deals')).toHaveLength(1);
  });

  it('a stopped import is marked interrupted at a page boundary and the same order continues it after its cursor, with no duplicate', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    await emulatorAdmin(world.salesforceEmulator.url, 'seed', { Account: 4_500 });
    const first = importerOf(world, { onPage: () => void first.stop() });
    const stopped = await imported(first, { object: 'Account' });
    expect(stopped).toMatchObject({ state: 'interrupted', read: 2_000, total: 4_500, created: 2_000, finishedAt: null });
    expect(stopped.failure).toContain('continues at the next start');
    expect((await world.store.imports.find(stopped.importId))?.cursor).toMatch(/^001/);
    expect(await hubspotRecords(world, 'companies')).toHaveLength(2_000);

    // The owner directory (Salesforce's users, HubSpot's owners) is read once per import run, not once per page, and
    // each page's query reads the fields the sync needs: the Accounts are not retrieved a second time by id.
    const userQueries: string[] = [];
    const retrieved: string[] = [];
    const { queryPages, retrieve } = world.salesforce;
    world.salesforce.queryPages = (soql, ...rest) => {
      if (/\bFROM User\b/.test(soql)) userQueries.push(soql);
      return queryPages.call(world.salesforce, soql, ...rest);
    };
    world.salesforce.retrieve = (object, ...rest) => {
      retrieved.push(object);
      return retrieve.call(world.salesforce, object, ...rest);
    };
    const resumed = await imported(importerOf(world), { object: 'Account' }).finally(() => {
      world.salesforce.queryPages = queryPages;
      world.salesforce.retrieve = retrieve;
    });
    expect(userQueries).toHaveLength(1);
    expect(retrieved.filter((object) => object === 'Account')).toEqual([]);
    expect(resumed).toMatchObject({ importId: stopped.importId, state: 'succeeded', read: 4_500, total: 4_500, created: 4_500, failed: 0, failure: null });
    const companies = await hubspotRecords(world, 'companies');
    expect(companies).toHaveLength(4_500);
    expect(new Set(companies.map((company) => company.properties.name)).size).toBe(4_500);
    // One read and one retrieve per page of 2,000 plus the count; HubSpot creates in batches of 100.
    expect(resumed.apiCalls.hubspot).toBeGreaterThanOrEqual(45);
    expect(await world.store.imports.listUnfinished()).toEqual([]);
  });

  it('an import whose pair is switched off part-way fails with the setting named, and continues once it is on again', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    await emulatorAdmin(world.salesforceEmulator.url, 'seed', { Account: 2_500 });
    const importer = importerOf(world, { onPage: () => saveSettings(world, { companies: { enabled: false } }) });
    const failed = await imported(importer, { object: 'Account' });
    expect(failed).toMatchObject({ state: 'failed', read: 2_000 });
    expect(failed.failure).toContain('companies.enabled');
    await expect(importerOf(world).resume(failed.importId)).rejects.toMatchObject({ field: 'object', message: expect.stringContaining('companies.enabled') });

    await saveSettings(world, { companies: { enabled: true } });
    const again = importerOf(world);
    const done = await again.finished((await again.resume(failed.importId)).importId);
    expect(done).toMatchObject({ importId: failed.importId, state: 'succeeded', read: 2_500, created: 2_500, failure: null });
    expect(await hubspotRecords(world, 'companies')).toHaveLength(2_500);
  });

  it('an import another live process runs is refused, not run twice beside it; one whose process died is taken over', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    await emulatorAdmin(world.salesforceEmulator.url, 'seed', { Account: 2_500 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = importerOf(world, { onPage: () => held });
    const { importId } = await first.start({ object: 'Account', createdAfter: null, modifiedAfter: null });

    const other = importerOf(world);
    await expect(other.start({ object: 'Account', createdAfter: null, modifiedAfter: null })).rejects.toMatchObject({
      field: 'importId',
      message: expect.stringContaining(`is running in another crmsync process (process ${process.pid})`),
    });
    expect(await other.resumeUnfinished()).toEqual([]);
    release();
    expect(await first.finished(importId)).toMatchObject({ state: 'succeeded', read: 2_500, created: 2_500 });

    // A row left running by a process that no longer exists (kill -9) is continued by the next one.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await world.store.imports.create({ importId: 'left-by-a-dead-process', object: 'Account', createdAfter: null, modifiedAfter: null, runner: `${hostname()}:${gone}:dead` }, new Date());
    expect(await other.resumeUnfinished()).toEqual(['left-by-a-dead-process']);
    expect(await other.finished('left-by-a-dead-process')).toMatchObject({ state: 'succeeded', read: 2_500, created: 0 });
    expect(await hubspotRecords(world, 'companies')).toHaveLength(2_500);
  });
});
