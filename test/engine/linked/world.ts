/**
 * The world a link-matched sync test runs in: the contact tests' world (both emulators reset before each test, a
 * fresh SQLite store, the official clients metered), plus the settings and looks at both sides these tests need.
 */
import type { HubSpotObject } from '../../../src/connectors/hubspot/client.ts';
import type { SalesforceRecord } from '../../../src/connectors/salesforce/client.ts';
import { runSyncCycle, type SyncCycleSummary } from '../../../src/engine/cycle.ts';
import type { Happening, RecordHint } from '../../../src/engine/detect/triggers.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { useContactSyncWorld, type ContactSyncWorld } from '../contacts/world.ts';

export type LinkedWorld = ContactSyncWorld;

export function useLinkedWorld(): LinkedWorld {
  return useContactSyncWorld();
}

/** One cycle of every enabled pair; `hubspotHints`: HubSpot records a webhook named, as the trigger hub passes them. */
export function fullCycle(world: LinkedWorld, hubspotHints: ReadonlyArray<{ object: string; recordId: string; happening?: Happening }> = []): Promise<SyncCycleSummary> {
  const { store, salesforce, hubspot, calls } = world;
  const records: RecordHint[] = hubspotHints.map((hint) => ({ system: 'hubspot', object: hint.object, recordId: hint.recordId, happenings: { [hint.happening ?? 'association_changed']: new Date() }, changedFields: [] }));
  return runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(), ...(records.length > 0 ? { triggers: { records, reconciliations: [] } } : {}) });
}

export async function saveSettings(world: LinkedWorld, document: Record<string, unknown>): Promise<void> {
  const current = await world.store.settings.read();
  await world.store.settings.write({ ...current?.document, ...document }, current?.version ?? 0, new Date());
}

export async function hubspotRecords(world: LinkedWorld, type: string): Promise<HubSpotObject[]> {
  const { results } = (await emulatorAdmin(world.hubspotEmulator.url, `records/${type}`)) as { results: HubSpotObject[] };
  return results.filter((record) => !record.archived);
}

export async function salesforceRecords(world: LinkedWorld, object: string): Promise<SalesforceRecord[]> {
  return ((await emulatorAdmin(world.salesforceEmulator.url, `records/${object}`)) as { records: SalesforceRecord[] }).records;
}

/** A record made in Salesforce by a user, through the API as any other client. */
export async function createInSalesforce(world: LinkedWorld, object: string, fields: Record<string, unknown>): Promise<string> {
  const [result] = await world.salesforce.create(object, [fields]);
  if (!result?.success || !result.id) throw new Error(`create ${object}: ${JSON.stringify(result?.errors)}`);
  return result.id;
}

export async function createInHubspot(world: LinkedWorld, type: string, properties: Record<string, string>): Promise<string> {
  const { results } = await world.hubspot.batchCreate(type, [{ properties }]);
  const id = results[0]?.id;
  if (!id) throw new Error(`create ${type} failed`);
  return id;
}

/** Objects' totals of created, updated and deleted records in a cycle: what a quiet second cycle must show as 0. */
export function objectWrites(summary: SyncCycleSummary): number {
  return summary.objects.reduce((sum, object) => {
    const { junctions, childLookups } = object.associations;
    const rows = junctions.salesforce.created + junctions.salesforce.deleted + junctions.hubspot.created + junctions.hubspot.deleted + childLookups.salesforce.updated + childLookups.hubspot.moved;
    return sum + rows + object.salesforce.created + object.salesforce.updated + object.salesforce.deleted + object.hubspot.created + object.hubspot.updated + object.hubspot.deleted;
  }, 0);
}
