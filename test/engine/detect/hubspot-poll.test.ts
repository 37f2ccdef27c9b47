import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../../src/connectors/hubspot/client.ts';
import { CountingMeter } from '../../../src/connectors/meter.ts';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';
import { hubspotModifiedProperty, pollHubSpotChanges, type HubSpotChangedBatch } from '../../../src/engine/detect/hubspot-poll.ts';
import type { PollCursor } from '../../../src/engine/detect/cursor.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { freshStoreEachTest } from './fresh-store.ts';

let emulator: RunningEmulator;
const store = freshStoreEachTest();

const admin = (path: string, body?: unknown) => emulatorAdmin(emulator.url, path, body);

function client(meter = new CountingMeter()): HubSpotClient {
  return new HubSpotClient({ accessToken: 'token', basePath: emulator.url, meter });
}

async function poll(hs: HubSpotClient, checkpoint: PollCursor | null, overlapMs?: number): Promise<HubSpotChangedBatch[]> {
  const batches: HubSpotChangedBatch[] = [];
  for await (const batch of pollHubSpotChanges(hs, { objectType: 'contacts', properties: ['email', 'jobtitle'], checkpoint, ...(overlapMs === undefined ? {} : { overlapMs }) })) {
    batches.push(batch);
    await store().checkpoints.advance('hubspot', 'contacts', batch.checkpoint, new Date());
  }
  return batches;
}

const idsOf = (batches: HubSpotChangedBatch[]) => batches.flatMap((b) => b.records.map((r) => r.id));

async function storedCheckpoint(): Promise<PollCursor | null> {
  const checkpoint = await store().checkpoints.read('hubspot', 'contacts');
  return checkpoint && { time: checkpoint.cursorTime, lastId: checkpoint.cursorLastId };
}

/** Contacts created through the API, 100 a batch call: each batch shares one modification time, as HubSpot stamps it. */
async function createContacts(hs: HubSpotClient, count: number): Promise<string[]> {
  const outcome = await hs.batchCreate('contacts', Array.from({ length: count }, (_, i) => ({ properties: { email: `person${i}@example.com` } })));
  expect(outcome.errors).toEqual([]);
  return outcome.results.map((r) => r.id);
}

beforeAll(async () => {
  emulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
  // Search allows 4 calls a second; these tests are about what is read, not about pacing.
  await admin('config', { rateLimits: { searchPerSecond: 1000 } });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await admin('reset', {});
});

describe('polling HubSpot for changes', () => {
  it('searches contacts on lastmodifieddate and everything else on hs_lastmodifieddate, as HubSpot documents', () => {
    expect(hubspotModifiedProperty('contacts')).toBe('lastmodifieddate');
    expect(hubspotModifiedProperty('companies')).toBe('hs_lastmodifieddate');
    expect(hubspotModifiedProperty('2-123456')).toBe('hs_lastmodifieddate');
  });

  it('reads every contact once across pages, then exactly what changed since the checkpoint', async () => {
    const meter = new CountingMeter();
    const hs = client(meter);
    const created = await createContacts(hs, 450);
    const searchesBefore = meter.calls.length;

    const first = await poll(hs, await storedCheckpoint());
    expect(idsOf(first)).toHaveLength(450);
    expect(new Set(idsOf(first))).toEqual(new Set(created));
    // Each page restarts at the newest time read, so a page re-reads the batch stamped with it: 200 + 100 + 100 + 50.
    expect(first.map((b) => b.records.length)).toEqual([200, 100, 100, 50]);
    expect(meter.calls.length - searchesBefore).toBe(4);
    expect(await storedCheckpoint()).toMatchObject({ lastId: created.at(-1) });

    const changed = [created[3], created[250], created[420]] as string[];
    const update = await hs.batchUpdate('contacts', changed.map((id) => ({ id, properties: { jobtitle: 'CFO' } })));
    expect(update.errors).toEqual([]);

    // Without overlap the window starts at the checkpoint itself, inclusive: the last batch's 50, then the 3.
    const second = await poll(hs, await storedCheckpoint(), 0);
    const lastBatch = created.slice(400);
    expect(idsOf(second).sort()).toEqual([...new Set([...lastBatch, ...changed])].sort());
    expect(second.flatMap((b) => b.records).filter((r) => changed.includes(r.id)).every((r) => r.properties.jobtitle === 'CFO')).toBe(true);
    expect((await storedCheckpoint())?.time.getTime()).toBe(Date.parse(update.results[0]?.properties.lastmodifieddate ?? ''));
  });

  it('pages on within one millisecond when more than a page of contacts share it', async () => {
    // The emulator's bulk seed stamps all of them alike, as a large import can.
    await admin('seed', { contacts: 450 });
    const meter = new CountingMeter();
    const ids = idsOf(await poll(client(meter), null));
    expect(ids).toHaveLength(450);
    expect(new Set(ids).size).toBe(450);
    // The first restart finds only what it already read, so it pages by offset inside that millisecond.
    expect(meter.calls).toHaveLength(4);
  });

  it('re-reads the overlap window without yielding any contact twice in one run', async () => {
    await admin('seed', { contacts: 30 });
    const hs = client();
    const seeded = idsOf(await poll(hs, null));
    const changed = seeded.slice(0, 2);
    await hs.batchUpdate('contacts', changed.map((id) => ({ id, properties: { jobtitle: 'CTO' } })));
    const again = await poll(hs, await storedCheckpoint());
    // The seeded contacts are well inside the two-minute overlap, so all 30 are read again, each once.
    expect(idsOf(again)).toHaveLength(30);
    expect(new Set(idsOf(again)).size).toBe(30);
    expect(again.flatMap((b) => b.records).filter((r) => r.properties.jobtitle === 'CTO').map((r) => r.id).sort()).toEqual([...changed].sort());
  });

  it('misses no contact when one already read is edited while the poll pages (search pages are offsets into a live index)', async () => {
    const hs = client();
    const created = await createContacts(hs, 450);
    const yielded: string[] = [];
    let edited = false;
    for await (const batch of pollHubSpotChanges(hs, { objectType: 'contacts', properties: ['jobtitle'], checkpoint: null })) {
      yielded.push(...batch.records.map((r) => r.id));
      if (!edited) {
        edited = true;
        // Moves to the end of the order: every later contact slides one place towards the front, and with offset
        // paging the 201st would slide into the page already read.
        await hs.batchUpdate('contacts', [{ id: created[0] as string, properties: { jobtitle: 'Moved' } }]);
      }
    }
    expect(new Set(yielded)).toEqual(new Set(created));
    // The edited contact comes again as its new version, at its new modification time; nothing else repeats.
    expect(yielded).toHaveLength(451);
    expect(yielded.at(-1)).toBe(created[0]);
  });
});
