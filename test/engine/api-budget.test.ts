import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiBudgetExhaustedError, type ApiCall } from '../../src/connectors/meter.ts';
import { SalesforceApiBudget } from '../../src/engine/api-budget.ts';
import { openStore, type Store } from '../../src/store/open.ts';

let folder: string;
let store: Store;
let now = new Date('2026-11-29T12:00:00.000Z');
const clock = () => now;
const query: ApiCall = { system: 'salesforce', object: 'Lead', operation: 'query' };

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crmsync-budget-'));
  store = await openStore(`sqlite:${join(folder, 'budget.db')}`);
});
afterAll(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('SalesforceApiBudget over the real store', () => {
  it('grants up to the allocation, refuses past it with the api_limit condition, and resumes as the window frees', async () => {
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => 3, clock);
    for (let i = 0; i < 3; i += 1) {
      const reservation = await budget.reserve(query, 1);
      await budget.settle(reservation, query, 1);
    }
    await expect(budget.reserve(query, 1)).rejects.toBeInstanceOf(ApiBudgetExhaustedError);
    expect((await store.integrationState.read()).apiLimit?.detail).toMatch(/3 of 3 Salesforce calls/);

    now = new Date(now.getTime() + 24 * 60 * 60 * 1000 + 1);
    const reservation = await budget.reserve(query, 1);
    await budget.settle(reservation, query, 1);
    expect((await store.integrationState.read()).apiLimit).toBeNull();
  });

  it('settles a reservation to what the call really cost: nothing when it was never sent, two after a replay', async () => {
    now = new Date(now.getTime() + 48 * 60 * 60 * 1000);
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => 100, clock);
    const never = await budget.reserve(query, 1);
    await budget.settle(never, query, 0);
    const replayed = await budget.reserve(query, 1);
    await budget.settle(replayed, query, 2);
    expect(await store.apiLedger.usedInWindow(now)).toBe(2);
  });

  it('stops retries of failed records at 75% of the allocation, and counts without limit when none is set', async () => {
    now = new Date(now.getTime() + 48 * 60 * 60 * 1000);
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => 4, clock);
    for (let i = 0; i < 3; i += 1) await budget.settle(await budget.reserve(query, 1), query, 1);
    expect(await budget.mayRetryFailedRecords()).toBe(false);

    const unlimited = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => null, clock);
    await unlimited.settle(await unlimited.reserve(query, 1), query, 1);
    expect(await store.apiLedger.usedInWindow(now)).toBe(4);
    expect(await unlimited.mayRetryFailedRecords()).toBe(true);
  });

  it('says how many calls are left: the allocation minus the window, never more than Salesforce itself reports', async () => {
    now = new Date(now.getTime() + 48 * 60 * 60 * 1000);
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => 1_000, clock);
    for (let i = 0; i < 3; i += 1) await budget.settle(await budget.reserve(query, 1), query, 1);
    expect(await budget.remainingCalls()).toEqual({ remaining: 997, usage: '3 of 1,000 calls used in the last 24 hours' });
    budget.observeVendorUsage('salesforce', 14_990, 15_000);
    expect(await budget.remainingCalls()).toEqual({ remaining: 10, usage: 'Salesforce reports 14,990 of 15,000 daily calls used' });
    const unlimited = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => null, clock);
    expect(await unlimited.remainingCalls()).toBeNull();
  });

  it('leaves HubSpot calls out of the Salesforce ledger', async () => {
    now = new Date(now.getTime() + 48 * 60 * 60 * 1000);
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => 1, clock);
    const hubspotCall: ApiCall = { system: 'hubspot', object: 'contacts', operation: 'search' };
    for (let i = 0; i < 3; i += 1) await budget.settle(await budget.reserve(hubspotCall, 1), hubspotCall, 1);
    expect(await store.apiLedger.usedInWindow(now)).toBe(0);
  });

  it('keeps the usage Salesforce reports in the store for Sync Health, at most every 30 seconds', async () => {
    now = new Date(now.getTime() + 48 * 60 * 60 * 1000);
    const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => null, clock);
    // The write is not awaited by the caller (a vendor answer must not wait on the store): poll for it, so a slow
    // machine delays the test instead of failing it.
    const reported = async () => (await store.integrationState.read()).salesforceReportedUsage;
    budget.observeVendorUsage('salesforce', 100, 15_000);
    await expect.poll(reported, { timeout: 10_000 }).toMatchObject({ used: 100, limit: 15_000 });
    budget.observeVendorUsage('salesforce', 101, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await reported()).toMatchObject({ used: 100 });
    now = new Date(now.getTime() + 31_000);
    budget.observeVendorUsage('salesforce', 150, 15_000);
    await expect.poll(reported, { timeout: 10_000 }).toMatchObject({ used: 150, limit: 15_000 });
  });
});
