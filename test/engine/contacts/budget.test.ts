import { describe, expect, it } from 'vitest';
import type { ContactSyncPlan } from '../../../src/core/plan.ts';
import { fitPlanToBudget, salesforceCallsFor } from '../../../src/engine/contacts/budget.ts';
import { BUDGET_WAIT_CODE, retryDelayMs } from '../../../src/engine/contacts/retry.ts';
import { contactsDescription } from '../../../src/objects/contacts.ts';

const mappings = contactsDescription.defaultMappings;
const now = new Date('2026-03-03T09:00:00.000Z');

function plan(creates: number, updates: number): ContactSyncPlan {
  return {
    plannedAt: now.getTime(),
    salesforceCreates: Array.from({ length: creates }, (_, index) => ({ idempotencyKey: `k${index}`, object: 'Lead' as const, hubspotId: `new${index}`, fields: { Email: `n${index}@example.com` }, syncedValues: {} })),
    salesforceUpdates: Array.from({ length: updates }, (_, index) => ({ object: 'Lead' as const, id: `00Q${index}`, fields: { Title: `T${index}` } })),
    hubspotCreates: [],
    hubspotUpdates: [],
    hubspotDeletes: [],
    linkChanges: [],
    syncedValues: Array.from({ length: updates }, (_, index) => ({ linkId: `l${index}`, pair: { hubspotId: `h${index}`, salesforceObject: 'Lead' as const, salesforceId: `00Q${index}` }, values: { jobtitle: `T${index}`, firstname: 'Same' } })),
    lifecycleUpdates: [],
    skips: [],
    errors: [],
  };
}

describe('fitPlanToBudget', () => {
  it('leaves a plan the budget can carry alone', () => {
    const whole = plan(3, 3);
    expect(salesforceCallsFor(whole)).toBe(3);
    expect(fitPlanToBudget(whole, 3, { formDriven: new Set(), mappings, now, usage: 'u' })).toEqual({ waiting: [], summary: [] });
    expect(whole.salesforceUpdates).toHaveLength(3);
  });

  it('writes creates first, then form-driven updates, keeps what waits as api_limit errors and says so in words', () => {
    const tight = plan(2, 450);
    // Creates: 2 calls; then one collection of 200 updates: 1 call.
    const cut = fitPlanToBudget(tight, 3, { formDriven: new Set(['h449']), mappings, now, usage: '997 of 1,000 calls used' });
    expect(tight.salesforceCreates).toHaveLength(2);
    expect(tight.salesforceUpdates).toHaveLength(200);
    // The form submission's update went before the bulk ones.
    expect(tight.salesforceUpdates[0]?.id).toBe('00Q449');
    expect(cut.summary).toEqual(['250 contact updates to Salesforce wait for API budget']);
    expect(cut.waiting).toHaveLength(250);
    expect(cut.waiting[0]).toMatchObject({ category: 'api_limit', vendorCode: BUDGET_WAIT_CODE, retryable: true, nextRetryAt: now, hubspotId: expect.any(String), salesforceId: expect.any(String) });
    // A waiting update is not remembered as synced: its field keeps the old last-synced value.
    const waitingPair = tight.syncedValues.find((entry) => entry.pair.salesforceId === cut.waiting[0]!.salesforceId);
    expect(waitingPair?.values).toEqual({ firstname: 'Same' });
  });

  it('holds back creates too when nothing fits, with 1,000s written the English way', () => {
    const none = plan(1_250, 0);
    const cut = fitPlanToBudget(none, 1, { formDriven: new Set(), mappings, now, usage: 'u' });
    expect(none.salesforceCreates).toEqual([]);
    expect(cut.summary).toEqual(['1,250 new contacts for Salesforce wait for API budget']);
  });
});

describe('retryDelayMs', () => {
  it('doubles from a minute up to six hours, with half the delay spread by the jitter passed in', () => {
    expect(retryDelayMs(1, 0)).toBe(30_000);
    expect(retryDelayMs(1, 0.5)).toBe(45_000);
    expect(retryDelayMs(2, 0)).toBe(60_000);
    expect(retryDelayMs(3, 0.999)).toBeLessThan(240_000);
    expect(retryDelayMs(40, 0.5)).toBe(Math.round(0.75 * 6 * 3_600_000));
    expect(() => retryDelayMs(1, 1)).toThrow(/jitter must be in \[0, 1\)/);
  });
});
