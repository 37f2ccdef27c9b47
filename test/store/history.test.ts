import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeEachDatabase } from './databases.ts';

const run = promisify(execFile);
const crashWorker = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const t0 = new Date('2026-03-04T08:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describeEachDatabase('write intents', (database) => {
  it('lists the unconfirmed writes of a process killed mid-batch, and its run as interrupted', async () => {
    const isolated = database.fresh();
    const crash = await run(process.execPath, ['--import', 'tsx', crashWorker, isolated.url, isolated.postgresSchema ?? '', t0.toISOString()], { timeout: 60_000 }).catch(
      (error: unknown) => error as { signal?: string },
    );
    expect((crash as { signal?: string }).signal).toBe('SIGKILL');

    const store = await isolated.open();
    const pending = await store.writeIntents.listPending(10);
    expect(pending.map((i) => i.idempotencyKey)).toEqual(['link-b:v1', 'link-c:v1']);
    expect(pending[0]).toMatchObject({ system: 'salesforce', object: 'Contact', operation: 'create', payload: { LastName: 'Crash b' }, state: 'pending', createdAt: t0 });
    expect((await store.writeIntents.find(['link-a:v1'])).get('link-a:v1')).toMatchObject({ state: 'done', outcome: { id: '003000000000000AAA' } });

    expect(await store.syncRuns.markInterrupted(later(1))).toBe(1);
    expect((await store.syncRuns.listRecent(5))[0]).toMatchObject({ kind: 'incremental', outcome: 'interrupted', finishedAt: later(1) });
  }, 60_000);

  it('keeps the first record of a key, so a retried write sees it already went through', async () => {
    const store = await database.fresh().open();
    const intent = { idempotencyKey: 'k1', system: 'hubspot' as const, object: 'contacts', operation: 'update', recordId: '5', linkId: null, payload: { firstname: 'A' } };
    await store.writeIntents.recordMany([intent], t0);
    await store.writeIntents.markDone([{ idempotencyKey: 'k1', outcome: null }], later(1));
    const again = await store.writeIntents.recordMany([{ ...intent, payload: { firstname: 'B' } }, { ...intent, idempotencyKey: 'k2' }], later(2));
    expect(again.get('k1')).toMatchObject({ state: 'done', payload: { firstname: 'A' }, settledAt: later(1) });
    expect(again.get('k2')).toMatchObject({ state: 'pending' });
    await store.writeIntents.markAbandoned([{ idempotencyKey: 'k2', outcome: { reason: 'record deleted meanwhile' } }], later(3));
    expect(await store.writeIntents.listPending(10)).toEqual([]);
    expect(await store.writeIntents.pruneSettledBefore(later(2))).toBe(1);
    expect([...(await store.writeIntents.find(['k1', 'k2'])).keys()]).toEqual(['k2']);
  });
});

describeEachDatabase('audit trail', (database) => {
  it('appends entries, lists them per record and newest first, and prunes past retention', async () => {
    const store = await database.fresh().open();
    await store.auditTrail.append([
      { at: t0, system: 'salesforce', object: 'Lead', recordId: '00Q1', linkId: 'l1', action: 'create', changes: { LastName: 'Lovelace' }, reason: 'new HubSpot contact', runId: null },
      { at: later(5), system: 'hubspot', object: 'contacts', recordId: '7', linkId: 'l1', action: 'update', changes: { firstname: 'Ada' }, reason: 'two_way: Salesforce changed FirstName', runId: 'r1' },
      { at: later(9), system: 'salesforce', object: 'Lead', recordId: '00Q1', linkId: 'l1', action: 'update', changes: { Phone: null }, reason: 'two_way: HubSpot blanked phone', runId: 'r1' },
    ]);
    const history = await store.auditTrail.listForRecord('00Q1', 10);
    expect(history.map((e) => [e.action, e.changes])).toEqual([
      ['update', { Phone: null }],
      ['create', { LastName: 'Lovelace' }],
    ]);
    const newest = await store.auditTrail.listRecent(2);
    expect(newest.map((e) => e.at)).toEqual([later(9), later(5)]);
    expect((await store.auditTrail.listRecent(2, newest[1]!.id)).map((e) => e.at)).toEqual([t0]);
    expect(await store.auditTrail.pruneBefore(later(5))).toBe(1);
    expect(await store.auditTrail.listRecent(10)).toHaveLength(2);
  });

  it('finds each record\'s newest entry, or its newest of some actions, for many records at once', async () => {
    const store = await database.fresh().open();
    await store.auditTrail.append([
      { at: t0, system: 'hubspot', object: 'contacts', recordId: '7', linkId: 'l1', action: 'unlink', changes: { partnerGone: true }, reason: 'lead deleted', runId: 'r1' },
      { at: t0, system: 'hubspot', object: 'contacts', recordId: '7', linkId: 'l1', action: 'update', changes: { salesforceleadid: '' }, reason: 'cleared', runId: 'r1' },
      { at: later(1), system: 'hubspot', object: 'contacts', recordId: '8', linkId: 'l2', action: 'link', changes: {}, reason: 'linked', runId: 'r2' },
    ]);
    const newest = await store.auditTrail.latestForRecords(['7', '8', '9']);
    expect([...newest].map(([id, entry]) => [id, entry.action]).sort()).toEqual([['7', 'update'], ['8', 'link']]);
    const links = await store.auditTrail.latestForRecords(['7', '8'], ['link', 'unlink']);
    expect(links.get('7')).toMatchObject({ action: 'unlink', changes: { partnerGone: true } });
    expect(links.get('8')?.action).toBe('link');
  });
});

describeEachDatabase('sync runs', (database) => {
  it('keeps the history of runs with their counts and outcome', async () => {
    const store = await database.fresh().open();
    const first = await store.syncRuns.start('initial', t0);
    await store.syncRuns.updateCounts(first.runId, { read: 400 });
    expect((await store.syncRuns.listRecent(1))[0]).toMatchObject({ outcome: null, counts: { read: 400 } });
    await store.syncRuns.finish(first.runId, { outcome: 'partial', counts: { read: 800, created: 790, failed: 10 } }, later(3));
    await expect(store.syncRuns.finish(first.runId, { outcome: 'succeeded', counts: {} }, later(4))).rejects.toThrow(/has already finished/);
    const second = await store.syncRuns.start('incremental', later(10));
    // Another worker's run is not touched when the dead worker's runs are named.
    expect(await store.syncRuns.markInterrupted(later(11), [])).toBe(0);
    const runs = await store.syncRuns.listRecent(10);
    expect(runs.map((r) => [r.runId, r.outcome])).toEqual([
      [second.runId, null],
      [first.runId, 'partial'],
    ]);
    expect(runs[1]).toMatchObject({ kind: 'initial', startedAt: t0, finishedAt: later(3), counts: { read: 800, created: 790, failed: 10 }, failure: null });
  });
});

describeEachDatabase('received events', (database) => {
  it('keeps only keys never seen, across stores, until pruned', async () => {
    const isolated = database.fresh();
    const receiver = await isolated.open();
    const otherWorker = await isolated.open();
    expect(await receiver.receivedEvents.keepNew(['e1', 'e2', 'e1'], t0)).toEqual(['e1', 'e2']);
    expect(await otherWorker.receivedEvents.keepNew(['e2', 'e3'], later(1))).toEqual(['e3']);
    expect(await receiver.receivedEvents.pruneBefore(later(1))).toBe(2);
    expect(await receiver.receivedEvents.keepNew(['e1', 'e3'], later(2))).toEqual(['e1']);
  });
});
