import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../src/connectors/hubspot/client.ts';
import { CountingMeter } from '../../src/connectors/meter.ts';
import { startHubSpotEmulator } from '../../src/emulators/hubspot/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

let emulator: RunningEmulator;

const admin = (path: string, body?: unknown) => emulatorAdmin(emulator.url, path, body);

function client(): { hs: HubSpotClient; meter: CountingMeter } {
  const meter = new CountingMeter();
  return { hs: new HubSpotClient({ accessToken: 'token', basePath: emulator.url, meter }), meter };
}

beforeAll(async () => {
  emulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await admin('reset', {});
});

const contact = (i: number) => ({ properties: { email: `person${i}@example.com`, firstname: `First${i}`, lastname: `Last${i}` } });

describe('HubSpotClient against the emulator', () => {
  it('creates 250 contacts in three batch calls, counted exactly', async () => {
    const { hs, meter } = client();
    const outcome = await hs.batchCreate('contacts', Array.from({ length: 250 }, (_, i) => contact(i)));
    expect(outcome.results).toHaveLength(250);
    expect(outcome.errors).toEqual([]);
    expect(meter.total).toBe(3);
    expect(((await admin('stats')) as { total: number }).total).toBe(3);
  });

  it('writes the good inputs of a batch and names the refused one by position (objectWriteTraceId, 207)', async () => {
    const { hs } = client();
    const outcome = await hs.batchCreate('contacts', [contact(1), { properties: { email: 'not-an-email', firstname: 'Bad' } }, contact(3)]);
    expect(outcome.results.map((r) => r.inputIndex).sort()).toEqual([0, 2]);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatchObject({ inputIndexes: [1], error: { category: 'property_value', reaction: { kind: 'record_error' } } });
  });

  it('traces updates across chunks of 100 by their position in the whole input', async () => {
    const { hs } = client();
    const created = await hs.batchCreate('contacts', Array.from({ length: 150 }, (_, i) => contact(i)));
    const byIndex = [...created.results].sort((a, b) => (a.inputIndex ?? 0) - (b.inputIndex ?? 0));
    const updates = byIndex.map((r, i) => ({ id: r.id, properties: { lifecyclestage: i === 120 ? 'no-such-stage' : 'lead' } }));
    const outcome = await hs.batchUpdate('contacts', updates);
    expect(outcome.results).toHaveLength(149);
    expect(outcome.errors.map((e) => e.inputIndexes)).toEqual([[120]]);
  });

  it('upserts by email without creating a second contact', async () => {
    const { hs } = client();
    const first = await hs.batchUpsert('contacts', 'email', [{ id: 'ada@example.com', properties: { firstname: 'Ada' } }]);
    const second = await hs.batchUpsert('contacts', 'email', [{ id: 'ADA@example.com', properties: { firstname: 'Ada L.' } }]);
    expect(first.results[0]?.isNew).toBe(true);
    expect(second.results[0]?.isNew).toBe(false);
    expect(second.results[0]?.id).toBe(first.results[0]?.id);
  });

  it('finds every record modified since a time, oldest first, with no duplicates', async () => {
    const { hs } = client();
    const since = new Date(Date.now() - 1000);
    await hs.batchCreate('contacts', Array.from({ length: 450 }, (_, i) => contact(i)));
    const seen: string[] = [];
    let last = 0;
    for await (const page of hs.searchModifiedSince('contacts', since, ['email'])) {
      for (const record of page) {
        const stamp = Date.parse(record.properties.hs_lastmodifieddate ?? '');
        expect(stamp).toBeGreaterThanOrEqual(last);
        last = stamp;
        seen.push(record.id);
      }
    }
    expect(seen).toHaveLength(450);
    expect(new Set(seen).size).toBe(450);
  });
});

describe('HubSpotClient associations', () => {
  it('creates default associations in batch and reads them back keyed by string ids', async () => {
    const { hs } = client();
    const contacts = await hs.batchCreate('contacts', [contact(1), contact(2)]);
    const companies = await hs.batchCreate('companies', [{ properties: { name: 'Acme' } }]);
    const companyId = companies.results[0]?.id as string;
    const contactIds = contacts.results.map((c) => c.id);
    expect(await hs.associateDefault('contacts', 'companies', contactIds.map((fromId) => ({ fromId, toId: companyId })))).toEqual([]);
    const associated = await hs.associationsOf('contacts', 'companies', contactIds);
    for (const id of contactIds) expect(associated.get(id)).toEqual([companyId]);
  });

  it('returns the associations HubSpot refused instead of dropping them', async () => {
    const { hs } = client();
    const contacts = await hs.batchCreate('contacts', [contact(1)]);
    const errors = await hs.associateDefault('contacts', 'companies', [{ fromId: contacts.results[0]?.id as string, toId: '999999999' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error.message).toMatch(/999999999/);
  });
});

describe('HubSpotClient archived records', () => {
  it('lists archived contacts page by page, which search never returns', async () => {
    const { hs, meter } = client();
    const created = await hs.batchCreate('contacts', Array.from({ length: 120 }, (_, i) => contact(i)));
    const archivedIds = created.results.slice(0, 105).map((r) => r.id);
    await hs.batchArchive('contacts', archivedIds);
    const before = meter.total;
    const seen: string[] = [];
    for await (const page of hs.archivedPages('contacts', ['email'])) seen.push(...page.map((r) => r.id));
    expect(seen.sort()).toEqual([...archivedIds].sort());
    expect(meter.total - before).toBe(2);
  });

  it('says when each archived record was archived', async () => {
    const { hs } = client();
    const created = await hs.batchCreate('contacts', [contact(1)]);
    const before = Date.now();
    await hs.batchArchive('contacts', [created.results[0]!.id]);
    const pages: Array<{ archivedAt?: string }> = [];
    for await (const page of hs.archivedPages('contacts', ['email'])) pages.push(...page);
    expect(Date.parse(pages[0]?.archivedAt ?? '')).toBeGreaterThanOrEqual(before - 1_000);
  });
});

describe('HubSpotClient merge', () => {
  it('answers with the record that stands after a contact merge, under its new id, in one counted call', async () => {
    const { hs, meter } = client();
    const created = await hs.batchCreate('contacts', [contact(1), contact(2)]);
    const [primary, other] = created.results.map((r) => r.id);
    const before = meter.total;
    const merged = await hs.mergeContacts(primary!, other!);
    expect(meter.total - before).toBe(1);
    expect(merged.id).not.toBe(primary);
    expect(merged.properties.email).toBe('person1@example.com');
    expect((await hs.batchRead('contacts', [primary!], ['email'])).results[0]?.id).toBe(merged.id);
  });
});

describe('HubSpotClient pacing', () => {
  it('waits for the ten-second window instead of collecting 429s when HubSpot says it is nearly spent', async () => {
    await admin('config', { rateLimits: { tenSecondly: 3 } });
    const { hs, meter } = client();
    const created = await hs.batchCreate('contacts', [contact(1)]);
    const id = created.results[0]?.id as string;
    for (let i = 0; i < 5; i += 1) {
      const read = await hs.batchRead('contacts', [id], ['email']);
      expect(read.results).toHaveLength(1);
    }
    const stats = (await admin('stats')) as { rateLimits: { refused: { TEN_SECONDLY_ROLLING: number } } };
    expect(stats.rateLimits.refused.TEN_SECONDLY_ROLLING).toBe(0);
    expect(meter.total).toBe(6);
    await admin('config', { rateLimits: { tenSecondly: 190 } });
  }, 60_000);
});
