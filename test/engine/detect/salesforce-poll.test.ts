import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CountingMeter } from '../../../src/connectors/meter.ts';
import { SalesforceClient } from '../../../src/connectors/salesforce/client.ts';
import { startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';
import {
  changesQuery,
  deletionsCheckpointObject,
  pollSalesforceChanges,
  pollSalesforceDeletions,
  soqlDateTime,
  type SalesforceChangedBatch,
} from '../../../src/engine/detect/salesforce-poll.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { freshStoreEachTest } from './fresh-store.ts';

// The org's clock stands still unless a test moves it (POST /__emulator/clock), so every stamp is known.
const orgEpoch = Date.parse('2026-03-02T09:00:00.000Z');
let emulator: RunningEmulator;
const store = freshStoreEachTest();

const admin = (path: string, body?: unknown) => emulatorAdmin(emulator.url, path, body);

async function advanceOrgClock(ms: number): Promise<Date> {
  const { now } = (await admin('clock', { advanceMs: ms })) as { now: string };
  return new Date(now);
}

function client(meter = new CountingMeter()): SalesforceClient {
  return new SalesforceClient({ credentials: { kind: 'session', instanceUrl: emulator.url, accessToken: 'token' }, apiVersion: '62.0', meter });
}

/** One poll as the engine runs it: from the stored checkpoint, advancing it after each batch. */
async function pollLeads(sf: SalesforceClient, fields: string[] = ['Email', 'Title']): Promise<SalesforceChangedBatch[]> {
  const checkpoint = await store().checkpoints.read('salesforce', 'Lead');
  const batches: SalesforceChangedBatch[] = [];
  for await (const batch of pollSalesforceChanges(sf, { object: 'Lead', fields, checkpoint: checkpoint && { time: checkpoint.cursorTime, lastId: checkpoint.cursorLastId } })) {
    batches.push(batch);
    await store().checkpoints.advance('salesforce', 'Lead', batch.checkpoint, new Date());
  }
  return batches;
}

const idsOf = (batches: SalesforceChangedBatch[]) => batches.flatMap((b) => b.records.map((r) => String(r.Id)));

async function leadIds(): Promise<string[]> {
  const { records } = (await admin('records/Lead')) as { records: Array<{ Id: string }> };
  return records.map((r) => r.Id);
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none', clock: () => orgEpoch });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await admin('reset', {});
});

describe('SOQL for a change poll', () => {
  it('writes datetimes as unquoted UTC literals in whole seconds and orders by SystemModstamp, then Id', () => {
    expect(soqlDateTime(new Date('2026-03-02T10:11:12.987+02:00'))).toBe('2026-03-02T08:11:12Z');
    expect(changesQuery('Lead', ['Email', 'id', 'SYSTEMMODSTAMP', 'Owner.Email'], new Date('2026-03-02T08:11:12.500Z'))).toBe(
      'SELECT Id, SystemModstamp, Email, Owner.Email FROM Lead WHERE SystemModstamp >= 2026-03-02T08:11:12Z ORDER BY SystemModstamp, Id',
    );
    expect(changesQuery('Invoice__c', ['Amount__c'], null)).toBe('SELECT Id, SystemModstamp, Amount__c FROM Invoice__c ORDER BY SystemModstamp, Id');
  });

  it('refuses names that are not API names, since they are written into the query', () => {
    expect(() => changesQuery('Lead WHERE Id != null', ['Email'], null)).toThrow(/not a Salesforce API name/);
    expect(() => changesQuery('Lead', ['Email, (SELECT Id FROM Tasks)'], null)).toThrow(/not a Salesforce API name/);
  });
});

describe('polling Salesforce for changes', () => {
  it('reads every record once on the first poll, then exactly the records changed since the checkpoint, across page boundaries', async () => {
    await admin('seed', { Lead: 4500 });
    const seededAt = await advanceOrgClock(0);
    // Ten minutes later one more lead: the checkpoint moves past the seeded ones' stamp and its overlap.
    const checkpointAt = await advanceOrgClock(10 * 60_000);
    const [marker] = await client().create('Lead', [{ LastName: 'Marker', Company: 'Acme' }]);
    const meter = new CountingMeter();
    const sf = client(meter);

    const first = await pollLeads(sf);
    expect(first.map((b) => b.records.length)).toEqual([2000, 2000, 501]);
    expect(new Set(idsOf(first)).size).toBe(4501);
    expect(first[0]?.records[0]?.SystemModstamp).toMatch(new RegExp(`^${seededAt.toISOString().slice(0, 19)}`));
    expect(meter.calls.filter((c) => c.operation === 'query').reduce((n, c) => n + c.count, 0)).toBe(3);
    expect(await store().checkpoints.read('salesforce', 'Lead')).toMatchObject({ cursorTime: checkpointAt, cursorLastId: marker?.id });

    // Ten more minutes, and 2,100 of the seeded leads change.
    const changedAt = await advanceOrgClock(10 * 60_000);
    const changed = (await leadIds()).filter((id) => id !== marker?.id).filter((_, i) => i % 2 === 0).slice(0, 2100);
    const updates = await sf.update('Lead', changed.map((Id) => ({ Id, Title: 'VP Sales' })));
    expect(updates.every((u) => u.success)).toBe(true);

    const second = await pollLeads(sf);
    // The marker is the overlap's re-read (it sits at the checkpoint); the rest is exactly what changed.
    expect(second.map((b) => b.records.length)).toEqual([2000, 101]);
    expect(idsOf(second).sort()).toEqual([...changed, marker?.id].sort());
    expect(second.flatMap((b) => b.records).filter((r) => r.Id !== marker?.id).every((r) => r.Title === 'VP Sales')).toBe(true);
    expect((await store().checkpoints.read('salesforce', 'Lead'))?.cursorTime).toEqual(changedAt);
  });

  it('finds a record changed while a poll was running in the next poll, with its new values', async () => {
    await admin('seed', { Lead: 2500 });
    const sf = client();
    const ids = await leadIds();
    const firstPageLead = ids[0] as string;
    const secondPageLead = ids[2400] as string;

    const seen = new Map<string, unknown>();
    let changedMidPoll = false;
    for await (const batch of pollSalesforceChanges(sf, { object: 'Lead', fields: ['Title'], checkpoint: null })) {
      for (const record of batch.records) seen.set(String(record.Id), record.Title);
      await store().checkpoints.advance('salesforce', 'Lead', batch.checkpoint, new Date());
      if (!changedMidPoll) {
        changedMidPoll = true;
        // One already read, one on a page not yet fetched: the query's result set was fixed when it started.
        await advanceOrgClock(5 * 60_000);
        await sf.update('Lead', [{ Id: firstPageLead, Title: 'Changed mid-poll' }, { Id: secondPageLead, Title: 'Changed mid-poll' }]);
      }
    }
    expect(seen.size).toBe(2500);
    expect(seen.get(secondPageLead)).not.toBe('Changed mid-poll');

    const next = await pollLeads(sf, ['Title']);
    const titles = new Map(next.flatMap((b) => b.records).map((r) => [String(r.Id), r.Title]));
    expect(titles.get(firstPageLead)).toBe('Changed mid-poll');
    expect(titles.get(secondPageLead)).toBe('Changed mid-poll');
  });

  it('re-reads the overlap window on purpose, yielding each record once, and never moves the checkpoint back', async () => {
    const sf = client();
    const early = await sf.create('Lead', [{ LastName: 'Early', Company: 'A' }]);
    await advanceOrgClock(60_000);
    const late = await sf.create('Lead', [{ LastName: 'Late', Company: 'B' }, { LastName: 'Later', Company: 'C' }]);
    const first = await pollLeads(sf);
    expect(idsOf(first)).toHaveLength(3);
    const checkpoint = await store().checkpoints.read('salesforce', 'Lead');

    // Nothing changed: the two-minute overlap reaches back past both stamps, so all three are read again, once.
    const again = await pollLeads(sf);
    expect(idsOf(again).sort()).toEqual([early[0]?.id, late[0]?.id, late[1]?.id].sort());
    expect(await store().checkpoints.read('salesforce', 'Lead')).toMatchObject({ cursorTime: checkpoint?.cursorTime, cursorLastId: checkpoint?.cursorLastId });

    // With a 30-second overlap only the second-stamped pair is inside the window.
    const narrow = [];
    for await (const batch of pollSalesforceChanges(sf, { object: 'Lead', fields: [], checkpoint: { time: checkpoint!.cursorTime, lastId: checkpoint!.cursorLastId }, overlapMs: 30_000 })) narrow.push(batch);
    expect(idsOf(narrow).sort()).toEqual([late[0]?.id, late[1]?.id].sort());
  });

  it('restarts a poll whose query locator expired without yielding any record twice', async () => {
    await admin('seed', { Lead: 4500 });
    const meter = new CountingMeter();
    const sf = client(meter);
    const ids: string[] = [];
    let evicted = false;
    for await (const batch of pollSalesforceChanges(sf, { object: 'Lead', fields: [], checkpoint: null })) {
      ids.push(...idsOf([batch]));
      if (!evicted) {
        evicted = true;
        // A user holds at most 10 open cursors: ten more queries close ours, as an idle 15 minutes would.
        for (let i = 0; i < 10; i += 1) await sf.connection.query('SELECT Id FROM Lead', { autoFetch: false });
      }
    }
    expect(ids).toHaveLength(4500);
    expect(new Set(ids).size).toBe(4500);
    // Page one, the refused page two, then the restarted window's three pages (the first all skipped).
    expect(meter.total).toBe(5);
  });
});

describe('polling Salesforce for deletions', () => {
  it('lists deletions once their minute has closed, and moves its own checkpoint to latestDateCovered', async () => {
    const meter = new CountingMeter();
    const sf = client(meter);
    const created = await sf.create('Lead', [1, 2, 3].map((i) => ({ LastName: `Lead ${i}`, Company: 'Acme' })));
    const key = deletionsCheckpointObject('Lead');
    let now = await advanceOrgClock(0);
    const start = await pollSalesforceDeletions(sf, { object: 'Lead', checkpoint: null, now });
    expect(start).toMatchObject({ kind: 'deleted', deletions: [] });
    if (start.kind !== 'deleted') throw new Error('unreachable');
    await store().checkpoints.advance('salesforce', key, start.checkpoint, new Date());

    const deletedAt = await advanceOrgClock(10_000);
    const gone = [created[0]?.id, created[2]?.id] as string[];
    await sf.delete('Lead', gone);
    now = await advanceOrgClock(2 * 60_000);
    const stored = await store().checkpoints.read('salesforce', key);
    const outcome = await pollSalesforceDeletions(sf, { object: 'Lead', checkpoint: { time: stored!.cursorTime, lastId: null }, now });
    if (outcome.kind !== 'deleted') throw new Error(`expected deletions, got ${outcome.kind}`);
    expect(outcome.deletions.map((d) => d.id).sort()).toEqual([...gone].sort());
    expect(outcome.deletions[0]?.deletedDate).toEqual(deletedAt);
    // Salesforce never covers the running minute: the cursor stops at its start.
    expect(outcome.checkpoint.time.toISOString()).toBe(new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString());
    expect(await store().checkpoints.advance('salesforce', key, outcome.checkpoint, new Date())).toBe(true);
    expect(meter.calls.filter((c) => c.operation === 'deleted').length).toBe(2);
  });

  it('spends no call on a window shorter than a minute', async () => {
    const meter = new CountingMeter();
    const now = await advanceOrgClock(0);
    const outcome = await pollSalesforceDeletions(client(meter), { object: 'Lead', checkpoint: { time: now, lastId: null }, now, overlapMs: 0 });
    expect(outcome).toEqual({ kind: 'deleted', object: 'Lead', deletions: [], checkpoint: { time: now, lastId: null } });
    expect(meter.total).toBe(0);
  });

  it('signals a reconciliation for a checkpoint older than the 15 days getDeleted keeps, without spending a call', async () => {
    const meter = new CountingMeter();
    const now = await advanceOrgClock(0);
    const since = new Date(now.getTime() - 16 * 24 * 60 * 60_000);
    const outcome = await pollSalesforceDeletions(client(meter), { object: 'Lead', checkpoint: { time: since, lastId: null }, now });
    expect(outcome).toMatchObject({ kind: 'reconciliation_needed', object: 'Lead', reason: 'deletions_beyond_retention', since });
    expect(meter.total).toBe(0);
  });

  it("signals a reconciliation when Salesforce's clock, ahead of ours, puts the window past its 15 days", async () => {
    const meter = new CountingMeter();
    const orgNow = await advanceOrgClock(0);
    const ourNow = new Date(orgNow.getTime() - 60 * 60_000);
    const since = new Date(ourNow.getTime() - 15 * 24 * 60 * 60_000 + 10 * 60_000);
    const outcome = await pollSalesforceDeletions(client(meter), { object: 'Lead', checkpoint: { time: since, lastId: null }, now: ourNow });
    expect(outcome).toMatchObject({ kind: 'reconciliation_needed', reason: 'deletions_beyond_retention' });
    if (outcome.kind === 'reconciliation_needed') expect(outcome.message).toMatch(/15 days ago/);
    expect(meter.total).toBe(1);
  });
});
