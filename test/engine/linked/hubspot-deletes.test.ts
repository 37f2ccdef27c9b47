import { describe, expect, it } from 'vitest';
import { runSyncCycle } from '../../../src/engine/cycle.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { createInSalesforce, hubspotRecords, salesforceRecords, saveSettings, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();

async function linked(target: LinkedWorld, type: string, hubspotId: string): Promise<boolean> {
  return (await target.store.idLinks.findByHubspotIds(type, [hubspotId])).size > 0;
}

/**
 * A cycle without the polling overlap, so that a linked record's partner is not read again through the overlap
 * window (which also shows a delete): what is left to show a HubSpot delete no webhook told of is the archived
 * listing. `reconcile`: a trigger asks for HubSpot to be compared in full (a webhook gap, an admin's resync).
 */
function cycle(target: LinkedWorld, reconcile = false) {
  const { store, salesforce, hubspot, calls } = target;
  const triggers = { records: [], reconciliations: reconcile ? [{ system: 'hubspot' as const, object: null, reason: 'test' }] : [] };
  return runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(), overlapMs: 0, triggers });
}

/**
 * Salesforce stamps whole seconds and polling re-reads the checkpoint's own second: the org's clock is moved on
 * so that what follows is stamped in a later second than what came before.
 */
async function nextSalesforceSecond(target: LinkedWorld): Promise<void> {
  await emulatorAdmin(target.salesforceEmulator.url, 'clock', { advanceMs: 2_000 });
}

/** Records made after the others, so the re-read at the checkpoint's own second is these, not theirs. */
async function laterRecords(target: LinkedWorld, accountId: string): Promise<void> {
  await nextSalesforceSecond(target);
  const later = await createInSalesforce(target, 'Account', { Name: 'Later' });
  await createInSalesforce(target, 'Opportunity', { Name: 'Later deal', StageName: 'Closed Won', CloseDate: '2026-03-31', AccountId: later });
  await createInSalesforce(target, 'Case', { Subject: 'Later case', Status: 'New', AccountId: accountId });
  await cycle(target);
}

describe('HubSpot deletes of linked companies, deals and tickets', () => {
  it('an archived company, deal or ticket only unlinks, found in the archived listing; Salesforce keeps every record', async () => {
    await saveSettings(world, { companies: { enabled: true }, deals: { enabled: true }, tickets: { enabled: true } });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Acme' });
    await createInSalesforce(world, 'Opportunity', { Name: 'Acme deal', StageName: 'Closed Won', CloseDate: '2026-03-31', AccountId: accountId });
    await createInSalesforce(world, 'Case', { Subject: 'Acme case', Status: 'New', AccountId: accountId });
    await cycle(world);
    const find = async (type: string, property: string, value: string) => (await hubspotRecords(world, type)).find((record) => record.properties[property] === value)!.id;
    const ids = { companies: await find('companies', 'name', 'Acme'), deals: await find('deals', 'dealname', 'Acme deal'), tickets: await find('tickets', 'subject', 'Acme case') };
    await laterRecords(world, accountId);

    for (const [type, id] of Object.entries(ids)) await world.hubspot.batchArchive(type, [id]);
    await cycle(world);
    for (const [type, id] of Object.entries(ids)) expect(await linked(world, type, id), type).toBe(false);
    expect((await salesforceRecords(world, 'Account')).map((account) => account.Name).sort()).toEqual(['Acme', 'Later']);
    expect(await salesforceRecords(world, 'Opportunity')).toHaveLength(2);
    expect(await salesforceRecords(world, 'Case')).toHaveLength(2);
  });

  it('reads the archived listing at most every 15 minutes, and at once on a reconcile request', async () => {
    await saveSettings(world, { tickets: { enabled: true } });
    await createInSalesforce(world, 'Case', { Subject: 'First', Status: 'New' });
    await cycle(world);
    const [first] = await hubspotRecords(world, 'tickets');
    // The listing is read by the first cycle that starts with a HubSpot checkpoint (before it nothing is linked);
    // when that is depends on when HubSpot search first shows the new ticket.
    await nextSalesforceSecond(world);
    await createInSalesforce(world, 'Case', { Subject: 'Later', Status: 'New' });
    for (let attempt = 0; attempt < 5 && !(await world.store.checkpoints.read('hubspot', 'tickets#archived')); attempt += 1) await cycle(world);
    expect(await world.store.checkpoints.read('hubspot', 'tickets#archived')).not.toBeNull();
    // Within the next 15 minutes it is not read again: the delete stays unseen until a reconcile request.
    await world.hubspot.batchArchive('tickets', [first!.id]);
    await cycle(world);
    expect(await linked(world, 'tickets', first!.id)).toBe(true);
    await cycle(world, true);
    expect(await linked(world, 'tickets', first!.id)).toBe(false);
    expect(await salesforceRecords(world, 'Case')).toHaveLength(2);
  });
});
