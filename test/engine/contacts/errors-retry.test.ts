import { describe, expect, it } from 'vitest';
import { runContactSyncCycle, type ContactSyncSummary } from '../../../src/engine/cycle.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { alignLeadStatus, editInHubspot, hubspotContacts, salesforceRecords, setRule, writeCalls, useContactSyncWorld, type ContactSyncWorld } from './world.ts';

const world = useContactSyncWorld();
const minute = 60_000;

/**
 * A cycle whose clock runs `aheadMs` in the future (so errors come due without waiting) with a fixed jitter, and
 * no overlap window, so a record is read again only because it changed or its error is due.
 */
async function cycleAt(target: ContactSyncWorld, aheadMs = 0, overlapMs = 0): Promise<ContactSyncSummary> {
  // HubSpot allows four searches a second; cycles back to back would spend test time waiting out its window.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const { store, salesforce, hubspot, calls } = target;
  return runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(Date.now() + aheadMs), jitter: () => 0.5, overlapMs });
}

/** Moves the HubSpot contacts checkpoint past everything written so far: what polling sees next is only new. */
async function pollingMovesOn(target: ContactSyncWorld): Promise<void> {
  await target.store.checkpoints.advance('hubspot', 'contacts', { time: new Date(Date.now() + 1_000), lastId: null }, new Date());
}

async function openErrors(target: ContactSyncWorld) {
  return (await target.store.syncErrors.list({}, { limit: 50 })).errors;
}

describe('sync errors: retries with back-off, refused values, resync', () => {
  it('retries a record Salesforce could not lock with exponential back-off, counting attempts, until it syncs; failures wait above 75% of the allocation', async () => {
    await alignLeadStatus(world);
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'grace@example.com', firstname: 'Grace', lastname: 'Hopper' } }]);
    const graceId = created.results[0]!.id;
    await emulatorAdmin(world.salesforceEmulator.url, 'faults', { rules: [{ kind: 'lock_row', next: 1, method: 'POST', pathIncludes: '/composite/sobjects' }] });

    const before = Date.now();
    const first = await cycleAt(world);
    const after = Date.now();
    expect(first.salesforce).toMatchObject({ created: 0, failed: 1 });
    const [locked] = await openErrors(world);
    expect(locked).toMatchObject({ hubspotId: graceId, category: 'custom_code', vendorCode: 'UNABLE_TO_LOCK_ROW', retryable: true, attempts: 1 });
    // First retry: a minute with equal jitter at 0.5 → 45 seconds.
    expect(locked!.nextRetryAt!.getTime()).toBeGreaterThanOrEqual(before + 45_000);
    expect(locked!.nextRetryAt!.getTime()).toBeLessThanOrEqual(after + 45_000);

    // Not due yet, and polling has moved past Grace: nothing is tried.
    await pollingMovesOn(world);
    const early = await cycleAt(world);
    expect(early.retried).toBe(0);
    expect(await salesforceRecords(world, 'Lead')).toEqual([]);

    // Due, but failed records wait while the last 24 hours used 75% of the allocation or more.
    await world.store.apiLedger.record({ object: '-', operation: 'test' }, 300, new Date());
    world.allocation = 360;
    const busy = await cycleAt(world, 2 * minute);
    expect(busy.retried).toBe(0);
    expect(await openErrors(world)).toHaveLength(1);

    // Due and with room: the record is read again and fails again; the next wait doubles (two minutes → 90 s).
    world.allocation = null;
    await emulatorAdmin(world.salesforceEmulator.url, 'faults', { rules: [{ kind: 'lock_row', next: 1, method: 'POST', pathIncludes: '/composite/sobjects' }] });
    const againAt = Date.now() + 2 * minute;
    const again = await cycleAt(world, 2 * minute);
    expect(again.retried).toBe(1);
    const [twice] = await openErrors(world);
    expect(twice).toMatchObject({ id: locked!.id, attempts: 2 });
    expect(twice!.nextRetryAt!.getTime() - againAt).toBeGreaterThanOrEqual(90_000 - 1_000);
    expect(twice!.nextRetryAt!.getTime() - againAt).toBeLessThanOrEqual(90_000 + 5_000);

    // Due again: it syncs, and its error is gone.
    const synced = await cycleAt(world, 5 * minute);
    expect(synced.retried).toBe(1);
    expect(synced.salesforce.created).toBe(1);
    expect(await salesforceRecords(world, 'Lead')).toMatchObject([{ Email: 'grace@example.com', LastName: 'Hopper' }]);
    expect(await openErrors(world)).toEqual([]);
    expect((await world.store.syncErrors.list({ status: 'resolved' }, { limit: 5 })).errors).toMatchObject([{ id: locked!.id, attempts: 2 }]);
  });

  it('does not send a refused value again while it is unchanged, still syncs the rest of the record, sends it on a resync, and clears the error once a new value is taken', async () => {
    await alignLeadStatus(world);
    await setRule(world, 'jobtitle', 'Title', 'two_way');
    await setRule(world, 'phone', 'Phone', 'two_way');
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'kathy@example.com', lastname: 'Johnson', jobtitle: 'Mathematician' } }]);
    const kathyId = created.results[0]!.id;
    await cycleAt(world, 0, 2 * minute);
    const [lead] = await salesforceRecords(world, 'Lead');

    // Salesforce's Title holds 128 characters: the whole update of the Lead is refused.
    const tooLong = 'Senior '.repeat(25);
    await editInHubspot(world, kathyId, { jobtitle: tooLong, phone: '+1 757 555 0100' });
    const refused = await cycleAt(world, 0, 2 * minute);
    expect(refused.salesforce.failed).toBe(1);
    const [error] = await openErrors(world);
    expect(error).toMatchObject({ salesforceId: lead!.Id, vendorCode: 'STRING_TOO_LONG', field: 'Title', retryable: false, nextRetryAt: null });
    expect(error!.refusedValues).toEqual([{ system: 'salesforce', field: 'Title', value: tooLong }]);

    // The contact is read again (overlap): the title is held back, the phone goes through.
    const rest = await cycleAt(world, 0, 2 * minute);
    expect(rest.withheldValues).toBe(1);
    expect(rest.salesforce).toMatchObject({ updated: 1, failed: 0 });
    expect((await salesforceRecords(world, 'Lead'))[0]).toMatchObject({ Phone: '+1 757 555 0100', Title: 'Mathematician' });
    expect(await openErrors(world)).toMatchObject([{ id: error!.id, attempts: 1 }]);

    // Nothing new: no writes at all, the refusal still stands.
    const writes = await writeCalls(world);
    const quiet = await cycleAt(world, 0, 2 * minute);
    expect(await writeCalls(world)).toEqual(writes);
    expect(quiet.salesforce).toMatchObject({ updated: 0, failed: 0 });
    expect(await openErrors(world)).toHaveLength(1);

    // An admin asks for a resync (the API's resync): the value is sent once more and refused once more.
    await pollingMovesOn(world);
    await world.store.syncErrors.retryNow([error!.id], new Date());
    const resync = await cycleAt(world, 1_000);
    expect(resync.retried).toBe(1);
    expect(resync.salesforce.failed).toBe(1);
    expect(await openErrors(world)).toMatchObject([{ id: error!.id, attempts: 2, nextRetryAt: null }]);

    // A new value is sent, taken, and the error is resolved.
    await editInHubspot(world, kathyId, { jobtitle: 'Senior Mathematician' });
    const fixed = await cycleAt(world, 2_000, 2 * minute);
    expect(fixed.salesforce).toMatchObject({ updated: 1, failed: 0 });
    expect((await salesforceRecords(world, 'Lead'))[0]).toMatchObject({ Title: 'Senior Mathematician' });
    expect(await openErrors(world)).toEqual([]);
    expect((await hubspotContacts(world))[0]?.properties.jobtitle).toBe('Senior Mathematician');
  });

  it("resolves a record's errors when it is deleted: nothing can sync it again, and retrying would meet \"not found\" forever", async () => {
    await alignLeadStatus(world);
    await setRule(world, 'jobtitle', 'Title', 'two_way');
    const created = await world.hubspot.batchCreate('contacts', [{ properties: { email: 'gone@example.com', lastname: 'Gone', jobtitle: 'Mathematician' } }]);
    const contactId = created.results[0]!.id;
    await cycleAt(world, 0, 2 * minute);
    await editInHubspot(world, contactId, { jobtitle: 'Senior '.repeat(25) });
    await cycleAt(world, 0, 2 * minute);
    expect((await openErrors(world)).filter((error) => error.resolvedAt === null)).toMatchObject([{ hubspotId: contactId, vendorCode: 'STRING_TOO_LONG' }]);

    const archived = await fetch(`${world.hubspotEmulator.url}/crm/v3/objects/contacts/${contactId}`, { method: 'DELETE', headers: { authorization: 'Bearer token' } });
    expect(archived.status).toBe(204);
    // The archived listing is read on a reconcile request (the world's own cycles read it every time).
    const { store, salesforce, hubspot, calls } = world;
    await runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(), archivedScanIntervalMs: 0 });
    expect((await openErrors(world)).filter((error) => error.resolvedAt === null)).toEqual([]);
    // A HubSpot delete never deletes in Salesforce.
    expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);
  });
});
