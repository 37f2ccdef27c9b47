/**
 * HubSpot's archived listing has no time filter, so reading it costs one call per 100 archived contacts, every
 * time. The cycle reads it every 15 minutes, not every cycle; in between, a deletion arrives as a webhook hint.
 */
import { describe, expect, it } from 'vitest';
import { runContactSyncCycle } from '../../../src/engine/cycle.ts';
import { alignLeadStatus, engineNow, hubspotContacts, linksOf, useContactSyncWorld, type ContactSyncWorld } from './world.ts';

const world = useContactSyncWorld();

/** A cycle as the service runs it: the default scan interval, and the hints the trigger hub took. */
function serviceCycle(target: ContactSyncWorld, triggers?: Parameters<typeof runContactSyncCycle>[0]['triggers']) {
  const { store, salesforce, hubspot, calls } = target;
  return runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => engineNow(target), ...(triggers ? { triggers } : {}) });
}

async function archivedListCalls(target: ContactSyncWorld): Promise<number> {
  const response = await fetch(`${target.hubspotEmulator.url}/__emulator/stats`);
  const stats = (await response.json()) as { byEndpoint: Record<string, number> };
  return stats.byEndpoint['GET /crm/v3/objects/:objectType'] ?? 0;
}

describe('the archived-contacts scan', () => {
  it('is not repeated within its interval, and a webhook hint still brings a deletion in at once', async () => {
    await alignLeadStatus(world);
    await world.salesforce.create('Lead', [{ LastName: 'Kept', Company: 'Acme', Email: 'kept@example.com' }]);
    await serviceCycle(world);
    await serviceCycle(world); // the first cycle with links: the listing is read once
    const [contact] = await hubspotContacts(world);
    const listed = await archivedListCalls(world);
    expect(listed).toBeGreaterThan(0);

    await world.hubspot.batchArchive('contacts', [contact!.id]);
    await serviceCycle(world);
    expect(await archivedListCalls(world)).toBe(listed);
    expect(await linksOf(world, [contact!.id])).toHaveLength(1);

    await serviceCycle(world, {
      records: [{ system: 'hubspot', object: 'contacts', recordId: contact!.id, happenings: { deleted: new Date() }, changedFields: [] }],
      reconciliations: [],
    });
    expect(await linksOf(world, [contact!.id])).toEqual([]);
    expect(await archivedListCalls(world)).toBe(listed);
  });

  it('is read again at once when a trigger asks for HubSpot contacts to be reconciled', async () => {
    await alignLeadStatus(world);
    await world.salesforce.create('Lead', [{ LastName: 'Gap', Company: 'Acme', Email: 'gap@example.com' }]);
    await serviceCycle(world);
    await serviceCycle(world);
    const [contact] = await hubspotContacts(world);
    await world.hubspot.batchArchive('contacts', [contact!.id]);
    await serviceCycle(world, { records: [], reconciliations: [{ system: 'hubspot', object: 'contacts', reason: 'webhook deliveries lost' }] });
    expect(await linksOf(world, [contact!.id])).toEqual([]);
  });
});
