import { expect, it } from 'vitest';
import { describeEachDatabase } from './databases.ts';

const t0 = new Date('2026-03-04T08:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const page = (read: number) => ({ read, created: read - 1, updated: 1, failed: 0, salesforceCalls: 2, hubspotCalls: 21 });

describeEachDatabase('imports', (database) => {
  it('keeps an import: its order, a cursor that moves with each page and counts that add up, until it finishes', async () => {
    const store = await database.fresh().open();
    const created = await store.imports.create({ importId: 'imp-1', object: 'Account', createdAfter: new Date('2026-01-01T00:00:00Z'), modifiedAfter: null, runner: 'host-a:101:x' }, t0);
    expect(created).toMatchObject({ importId: 'imp-1', object: 'Account', state: 'running', runner: 'host-a:101:x', cursor: null, total: null, read: 0, startedAt: t0, finishedAt: null });
    expect(created.createdAfter).toEqual(new Date('2026-01-01T00:00:00Z'));
    await store.imports.setTotal('imp-1', 4_500, later(1));
    // The count before the first page: calls only, the cursor stays unset.
    await store.imports.advance('imp-1', null, { read: 0, created: 0, updated: 0, failed: 0, salesforceCalls: 1, hubspotCalls: 0 }, later(1));
    expect((await store.imports.find('imp-1'))?.cursor).toBeNull();
    await store.imports.advance('imp-1', '001000000000002AAA', page(2_000), later(2));
    await store.imports.advance('imp-1', '001000000000004AAA', page(2_000), later(3));
    expect(await store.imports.find('imp-1')).toMatchObject({ cursor: '001000000000004AAA', total: 4_500, read: 4_000, created: 3_998, updated: 2, salesforceCalls: 5, hubspotCalls: 42, updatedAt: later(3) });

    await store.imports.create({ importId: 'imp-2', object: 'Lead', createdAfter: null, modifiedAfter: null, runner: 'host-a:101:x' }, later(4));
    expect((await store.imports.listUnfinished()).map((stored) => stored.importId)).toEqual(['imp-1', 'imp-2']);
    await store.imports.finish('imp-1', { state: 'interrupted', failure: 'crmsync stopped' }, later(5));
    await store.imports.finish('imp-2', { state: 'failed', failure: 'Salesforce REQUEST_LIMIT_EXCEEDED' }, later(5));
    expect((await store.imports.listUnfinished()).map((stored) => [stored.importId, stored.state, stored.finishedAt])).toEqual([['imp-1', 'interrupted', null]]);

    // Of two processes resuming it, the one that saw the runner as it still is wins; the other is told it lost.
    expect(await store.imports.resume('imp-2', 'host-b:202:y', null, later(6))).toBe(true);
    expect(await store.imports.resume('imp-2', 'host-c:303:z', null, later(6))).toBe(false);
    expect(await store.imports.find('imp-2')).toMatchObject({ state: 'running', runner: 'host-b:202:y', failure: null, finishedAt: null });
    await store.imports.finish('imp-2', { state: 'succeeded', failure: null }, later(7));
    expect(await store.imports.find('imp-2')).toMatchObject({ state: 'succeeded', finishedAt: later(7), runner: null });
    expect(await store.imports.find('imp-3')).toBeNull();
  });
});
