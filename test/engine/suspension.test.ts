/**
 * Salesforce's own daily limit reached (REQUEST_LIMIT_EXCEEDED, not crmsync's allocation): the integration
 * suspends itself with the reason, tells the admin's webhook, spends nothing while suspended, and after the
 * suspension is cleared syncs what waited. Driven by the Salesforce emulator's dailyApiLimit.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runSyncCycle, type SyncCycleSummary } from '../../src/engine/cycle.ts';
import { notifyByWebhook, type SuspensionNotice } from '../../src/engine/suspension.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { alignLeadStatus, hubspotContacts, totalCalls, useContactSyncWorld, type ContactSyncWorld } from './contacts/world.ts';

const world = useContactSyncWorld();
let receiver: Server | null = null;

afterEach(async () => {
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  receiver = null;
});

async function noticeReceiver(): Promise<{ url: string; notices: SuspensionNotice[] }> {
  const notices: SuspensionNotice[] = [];
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      notices.push(JSON.parse(body) as SuspensionNotice);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  const address = receiver.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/hook`, notices };
}

function fullCycle(target: ContactSyncWorld, notify?: (notice: SuspensionNotice) => Promise<void>): Promise<SyncCycleSummary> {
  const { store, salesforce, hubspot, calls } = target;
  return runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(), ...(notify ? { notify } : {}) });
}

describe('suspension', () => {
  it('suspends on Salesforce REQUEST_LIMIT_EXCEEDED, notifies, holds every call until cleared, then syncs what waited', async () => {
    await alignLeadStatus(world);
    const hook = await noticeReceiver();
    await world.salesforce.create('Lead', [{ LastName: 'Waiting', Company: 'Acme', Email: 'waiting@example.com' }]);
    const { max } = ((await emulatorAdmin(world.salesforceEmulator.url, 'stats')) as { apiUsage: { max: number } }).apiUsage;
    const used = (await totalCalls(world)).salesforce;
    // The org has spent its day: every further call is refused with REQUEST_LIMIT_EXCEEDED.
    await emulatorAdmin(world.salesforceEmulator.url, 'config', { dailyApiLimit: used });
    expect(max).toBeGreaterThan(used);

    await expect(fullCycle(world, notifyByWebhook(hook.url))).rejects.toThrow(/REQUEST_LIMIT_EXCEEDED/);
    const { suspension } = await world.store.integrationState.read();
    expect(suspension).toMatchObject({ state: 'salesforce_api_limit_exceeded', reason: expect.stringContaining('REQUEST_LIMIT_EXCEEDED') });
    expect(hook.notices).toMatchObject([{ event: 'crmsync.suspended', state: 'salesforce_api_limit_exceeded' }]);

    const before = await totalCalls(world);
    await expect(fullCycle(world)).rejects.toThrow(/suspended \(salesforce_api_limit_exceeded\)/);
    expect(await totalCalls(world)).toEqual(before);

    // Cleared while the cause persists: the next cycle meets the refusal again and suspends again.
    await world.store.integrationState.clearSuspension(new Date());
    await expect(fullCycle(world)).rejects.toThrow(/REQUEST_LIMIT_EXCEEDED/);
    expect((await world.store.integrationState.read()).suspension?.state).toBe('salesforce_api_limit_exceeded');

    // The window frees (here: the limit is raised), the admin clears it, and the lead that waited arrives.
    await emulatorAdmin(world.salesforceEmulator.url, 'config', { dailyApiLimit: max });
    await world.store.integrationState.clearSuspension(new Date());
    const summary = await fullCycle(world);
    expect(summary.contacts.hubspot.created).toBe(1);
    expect((await hubspotContacts(world)).map((contact) => contact.properties.email)).toEqual(['waiting@example.com']);
  });
});
