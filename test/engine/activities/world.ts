/**
 * Activities tests run in the link-matched world (both emulators, a real SQLite store) with a few more looks:
 * a Salesforce Contact on an Account synced across first, since an activity travels only with its contact.
 */
import type { SyncCycleSummary } from '../../../src/engine/cycle.ts';
import { createInSalesforce, fullCycle, hubspotRecords, saveSettings, type LinkedWorld } from '../linked/world.ts';

export * from '../linked/world.ts';

export const allTimeline = { notes: true, salesEmails: true, calls: true, meetings: true, tasks: true };
export const allFromSalesforce = { tasks: true, emails: true, calls: true, meetings: true };

export interface SyncedPeople {
  accountId: string;
  contactId: string;
  companyId: string;
  hubspotContactId: string;
}

/** An Account and its Contact, synced to a company and a contact (companies on, and whatever else `settings` says). */
export async function syncedPeople(world: LinkedWorld, settings: Record<string, unknown>): Promise<SyncedPeople> {
  await saveSettings(world, { companies: { enabled: true }, ...settings });
  const accountId = await createInSalesforce(world, 'Account', { Name: 'Acme' });
  const contactId = await createInSalesforce(world, 'Contact', { LastName: 'Lovelace', FirstName: 'Ada', Email: 'ada@acme.example', AccountId: accountId });
  await fullCycle(world);
  const [contact] = await hubspotRecords(world, 'contacts');
  const [company] = await hubspotRecords(world, 'companies');
  if (!contact || !company) throw new Error('the contact and company did not sync');
  return { accountId, contactId, companyId: company.id, hubspotContactId: contact.id };
}

/** An engagement made by a HubSpot user, associated as the UI would. */
export async function createEngagement(world: LinkedWorld, type: string, properties: Record<string, string>, associations: Record<string, string[]>): Promise<string> {
  const { results } = await world.hubspot.batchCreate(type, [{ properties }]);
  const id = results[0]?.id;
  if (!id) throw new Error(`create ${type} failed`);
  for (const [toType, ids] of Object.entries(associations)) await world.hubspot.associateDefault(type, toType, ids.map((toId) => ({ fromId: id, toId })));
  return id;
}

export function activitiesOf(summary: SyncCycleSummary) {
  return summary.objects.find((object) => object.object === 'activities');
}

/** What a cycle wrote for activities, both ways: a quiet cycle shows 0. */
export function activityWrites(summary: SyncCycleSummary): number {
  const activities = activitiesOf(summary);
  if (!activities) return 0;
  return activities.salesforce.created + activities.salesforce.updated + activities.hubspot.created + activities.hubspot.updated;
}
