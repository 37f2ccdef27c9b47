import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../src/connectors/hubspot/client.ts';
import { CountingMeter } from '../../src/connectors/meter.ts';
import { startHubSpotEmulator } from '../../src/emulators/hubspot/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
});
afterAll(async () => {
  await emulator.close();
});

describe('HubSpotClient search pacing', () => {
  it('pages through 2,000 changed contacts (ten searches back to back) without one SECONDLY 429 from the four-a-second search limit', async () => {
    await emulatorAdmin(emulator.url, 'seed', { contacts: 2_000 });
    const meter = new CountingMeter();
    const hs = new HubSpotClient({ accessToken: 'token', basePath: emulator.url, meter });
    let seen = 0;
    for await (const page of hs.searchModifiedSince('contacts', new Date(0), ['email'])) seen += page.length;
    expect(seen).toBe(2_000);
    const stats = (await emulatorAdmin(emulator.url, 'stats')) as { rateLimits: { refused: { SECONDLY: number } } };
    expect(stats.rateLimits.refused.SECONDLY).toBe(0);
    expect(meter.total).toBe(10);
  }, 60_000);
});
