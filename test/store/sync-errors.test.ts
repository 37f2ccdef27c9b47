import { expect, it } from 'vitest';
import type { SyncErrorReport } from '../../src/store/sync-errors.ts';
import { describeEachDatabase } from './databases.ts';

const minute = 60 * 1000;
const t0 = new Date('2026-03-03T09:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * minute);

function refusal(overrides: Partial<SyncErrorReport> = {}): SyncErrorReport {
  return {
    object: 'contacts',
    hubspotId: '101',
    salesforceId: null,
    category: 'property_value',
    vendorCode: 'INVALID_EMAIL_ADDRESS',
    field: 'Email',
    message: 'Email: invalid email address: bob@@example',
    nextRetryAt: null,
    ...overrides,
  };
}

describeEachDatabase('sync errors', (database) => {
  it('bumps attempts when a record fails again for the same reason, and adds a row for another reason', async () => {
    const store = await database.fresh().open();
    const first = await store.syncErrors.record(refusal({ nextRetryAt: at(5) }), t0);
    const again = await store.syncErrors.record(refusal({ message: 'Email: invalid email address: bob@@example.', nextRetryAt: at(20) }), at(5));
    expect(again).toMatchObject({ id: first.id, attempts: 2, firstSeenAt: t0, lastSeenAt: at(5), nextRetryAt: at(20), message: 'Email: invalid email address: bob@@example.' });
    await store.syncErrors.record(refusal({ category: 'custom_code', vendorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Phone required' }), at(6));
    const { errors } = await store.syncErrors.list({}, { limit: 10 });
    expect(errors.map((e) => [e.vendorCode, e.attempts])).toEqual([
      ['FIELD_CUSTOM_VALIDATION_EXCEPTION', 1],
      ['INVALID_EMAIL_ADDRESS', 2],
    ]);
  });

  it('counts errors and affected records per category, every category present', async () => {
    const store = await database.fresh().open();
    await store.syncErrors.recordMany(
      [
        refusal({ hubspotId: '1' }),
        refusal({ hubspotId: '1', vendorCode: 'STRING_TOO_LONG', field: 'Title' }),
        refusal({ hubspotId: '2' }),
        refusal({ hubspotId: null, salesforceId: '00Q000000000000003', category: 'duplicates', vendorCode: 'DUPLICATES_DETECTED' }),
        // The same id in another object is another record.
        refusal({ object: 'companies', hubspotId: '1', category: 'duplicates', vendorCode: 'DUPLICATES_DETECTED' }),
      ],
      t0,
    );
    const counts = await store.syncErrors.countsByCategory();
    expect(counts).toHaveLength(7);
    expect(counts.find((c) => c.category === 'property_value')).toEqual({ category: 'property_value', errors: 3, records: 2 });
    expect(counts.find((c) => c.category === 'duplicates')).toEqual({ category: 'duplicates', errors: 2, records: 2 });
    expect(counts.find((c) => c.category === 'connection')).toEqual({ category: 'connection', errors: 0, records: 0 });
  });

  it('resolves a record by either id once it syncs, and reopens it as a new episode if it fails again', async () => {
    const store = await database.fresh().open();
    await store.syncErrors.record(refusal({ hubspotId: '7', salesforceId: '003000000000000007' }), t0);
    await store.syncErrors.record(refusal({ hubspotId: '7', salesforceId: '003000000000000007' }), at(1));
    await store.syncErrors.record(refusal({ hubspotId: '8' }), t0);
    expect(await store.syncErrors.resolveForRecords([{ object: 'contacts', salesforceId: '003000000000000007' }], at(2))).toBe(1);
    expect((await store.syncErrors.list({}, { limit: 10 })).errors.map((e) => e.hubspotId)).toEqual(['8']);
    const resolved = await store.syncErrors.list({ status: 'resolved' }, { limit: 10 });
    expect(resolved.errors).toMatchObject([{ hubspotId: '7', resolvedAt: at(2), attempts: 2 }]);
    expect((await store.syncErrors.countsByCategory()).find((c) => c.category === 'property_value')).toMatchObject({ errors: 1, records: 1 });

    const reopened = await store.syncErrors.record(refusal({ hubspotId: '7', salesforceId: '003000000000000007' }), at(3));
    expect(reopened).toMatchObject({ attempts: 1, firstSeenAt: at(3), resolvedAt: null });
    await store.syncErrors.resolveForRecords([{ object: 'contacts', hubspotId: '8' }], at(4));
    expect(await store.syncErrors.pruneResolvedBefore(at(5))).toBe(1);
    expect((await store.syncErrors.list({ status: 'all' }, { limit: 10 })).errors.map((e) => e.hubspotId)).toEqual(['7']);
  });

  it('lists with filters and a cursor that neither skips nor repeats rows sharing a timestamp', async () => {
    const store = await database.fresh().open();
    const reports = Array.from({ length: 25 }, (_, i) =>
      refusal({ hubspotId: String(i), category: i % 5 === 0 ? 'associations' : 'property_value', vendorCode: i % 5 === 0 ? 'PARENT_NOT_SYNCED' : 'INVALID_EMAIL_ADDRESS' }),
    );
    for (const [i, report] of reports.entries()) await store.syncErrors.record(report, at(Math.floor(i / 4)));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof store.syncErrors.list>> = await store.syncErrors.list({ category: 'property_value' }, { limit: 3, cursor });
      seen.push(...page.errors.map((e) => e.hubspotId!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    expect((await store.syncErrors.list({ hubspotId: '10' }, { limit: 5 })).errors).toMatchObject([{ category: 'associations' }]);
    await expect(store.syncErrors.list({}, { limit: 3, cursor: 'garbage' })).rejects.toThrow('cursor "garbage" is not one this list returned');
    await expect(store.syncErrors.list({}, { limit: 0 })).rejects.toThrow('limit must be between 1 and 500, got 0');
  });

  it('hands out errors whose retry is due, and makes selected ones due on a resync by hand', async () => {
    const store = await database.fresh().open();
    const early = await store.syncErrors.record(refusal({ hubspotId: '1', category: 'connection', vendorCode: 'ECONNRESET', nextRetryAt: at(1) }), t0);
    const later = await store.syncErrors.record(refusal({ hubspotId: '2', category: 'connection', vendorCode: 'ECONNRESET', nextRetryAt: at(30) }), t0);
    await store.syncErrors.record(refusal({ hubspotId: '3' }), t0);
    expect((await store.syncErrors.dueForRetry(at(2), 10)).map((e) => e.id)).toEqual([early.id]);
    expect(await store.syncErrors.retryNow([later.id], at(2))).toBe(1);
    expect((await store.syncErrors.dueForRetry(at(2), 10)).map((e) => e.id)).toEqual([early.id, later.id]);
  });

  it('keeps every value a system refused while the error is open, one per field, and forgets them when it resolves', async () => {
    const store = await database.fresh().open();
    const picklist = (field: string, value: unknown) =>
      refusal({ hubspotId: '5', salesforceId: '00Q000000000000005', vendorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', field, refused: { system: 'salesforce', field, value } });
    await store.syncErrors.record(picklist('Status', 'Hot'), t0);
    const both = await store.syncErrors.record(picklist('Rating__c', 'Warm'), at(1));
    expect(both.refusedValues).toEqual([
      { system: 'salesforce', field: 'Status', value: 'Hot' },
      { system: 'salesforce', field: 'Rating__c', value: 'Warm' },
    ]);
    const open = await store.syncErrors.openForRecords('contacts', { hubspotIds: [], salesforceIds: ['00Q000000000000005', '00Q000000000000099'] });
    expect(open.map((error) => error.id)).toEqual([both.id]);
    await store.syncErrors.resolveForRecords([{ object: 'contacts', hubspotId: '5' }], at(2));
    expect((await store.syncErrors.record(picklist('Status', 'Cold'), at(3))).refusedValues).toEqual([{ system: 'salesforce', field: 'Status', value: 'Cold' }]);
  });

  it('schedules retryable errors by their attempts and leaves the others to a change or a resync', async () => {
    const store = await database.fresh().open();
    const locked = refusal({ hubspotId: '8', category: 'custom_code', vendorCode: 'UNABLE_TO_LOCK_ROW', retryable: true });
    await store.syncErrors.record(locked, t0);
    await store.syncErrors.record(refusal({ hubspotId: '9' }), t0);
    expect(await store.syncErrors.scheduleRetries(t0, (attempts) => attempts * minute)).toBe(1);
    // Already scheduled: not moved again.
    expect(await store.syncErrors.scheduleRetries(t0, (attempts) => attempts * minute)).toBe(0);
    expect((await store.syncErrors.dueForRetry(at(1), 10)).map((error) => [error.hubspotId, error.attempts, error.retryable])).toEqual([['8', 1, true]]);
    // Failing again clears the time (the report carries none) and the next schedule backs off further.
    const again = await store.syncErrors.record(locked, at(1));
    await store.syncErrors.scheduleRetries(at(1), (attempts) => attempts * minute);
    expect((await store.syncErrors.list({ hubspotId: '8' }, { limit: 1 })).errors[0]?.nextRetryAt).toEqual(at(1 + again.attempts));
  });

  it('resolves retried errors that were not seen again, and leaves the ones that failed again', async () => {
    const store = await database.fresh().open();
    const quiet = await store.syncErrors.record(refusal({ hubspotId: '1' }), t0);
    const failing = await store.syncErrors.record(refusal({ hubspotId: '2' }), t0);
    await store.syncErrors.record(refusal({ hubspotId: '2' }), at(5));
    expect(await store.syncErrors.resolveUnlessSeenSince([quiet.id, failing.id], at(5), at(6))).toBe(1);
    expect((await store.syncErrors.list({}, { limit: 10 })).errors.map((error) => error.hubspotId)).toEqual(['2']);
  });

  it('refuses a report that names no record', async () => {
    const store = await database.fresh().open();
    await expect(store.syncErrors.record(refusal({ hubspotId: null, salesforceId: null }), t0)).rejects.toThrow(/needs the HubSpot id or the Salesforce id/);
  });
});
