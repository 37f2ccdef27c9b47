import { describe, expect, it } from 'vitest';
import { runSyncCycle } from '../../../src/engine/cycle.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { createInHubspot, salesforceRecords, saveSettings, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();
const minute = 60_000;

/** A cycle at the engine's clock moved `aheadMs` on; no polling overlap, so only a due error brings a record back. */
function cycleAt(target: LinkedWorld, aheadMs = 0) {
  const { store, salesforce, hubspot, calls } = target;
  return runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(Date.now() + aheadMs), overlapMs: 0, jitter: () => 0.5 });
}

async function openErrors(target: LinkedWorld) {
  return (await target.store.syncErrors.list({ object: 'tickets' }, { limit: 50 })).errors;
}

describe('linked objects: retries with back-off', () => {
  it('retries a Case Salesforce could not lock once its back-off has run out, not before, and resolves the error when it syncs', async () => {
    await saveSettings(world, { tickets: { enabled: true } });
    const ticketId = await createInHubspot(world, 'tickets', { subject: 'Locked out', hs_pipeline: '0', hs_pipeline_stage: '1' });
    await emulatorAdmin(world.salesforceEmulator.url, 'faults', { rules: [{ kind: 'lock_row', next: 1, method: 'POST', pathIncludes: '/composite/sobjects' }] });
    const before = Date.now();
    await cycleAt(world);
    const [locked] = await openErrors(world);
    expect(locked).toMatchObject({ hubspotId: ticketId, vendorCode: 'UNABLE_TO_LOCK_ROW', retryable: true, attempts: 1 });
    // First retry: a minute with equal jitter at 0.5 → 45 seconds.
    expect(locked!.nextRetryAt!.getTime()).toBeGreaterThanOrEqual(before + 45_000);

    // Polling re-reads the ticket's own instant once more and it fails again: the next wait doubles (90 s). Then
    // polling has moved past it (a later ticket), and its error is not due yet: it is not tried.
    await emulatorAdmin(world.salesforceEmulator.url, 'faults', { rules: [{ kind: 'lock_row', next: 1, method: 'POST', pathIncludes: '/composite/sobjects' }] });
    await createInHubspot(world, 'tickets', { subject: 'Later', hs_pipeline: '0', hs_pipeline_stage: '1' });
    await cycleAt(world);
    expect((await openErrors(world)).find((error) => error.hubspotId === ticketId)).toMatchObject({ attempts: 2, resolvedAt: null });
    const early = await cycleAt(world);
    expect(early.objects[0]?.retried).toBe(0);
    expect((await salesforceRecords(world, 'Case')).map((record) => record.Subject)).toEqual(['Later']);

    const due = await cycleAt(world, 3 * minute);
    expect(due.objects[0]?.retried).toBeGreaterThanOrEqual(1);
    expect((await salesforceRecords(world, 'Case')).map((record) => record.Subject).sort()).toEqual(['Later', 'Locked out']);
    expect((await openErrors(world)).filter((error) => error.resolvedAt === null)).toEqual([]);
  });
});
