/**
 * What `npm start` switches on in the demo world: every object the demo data holds, so a first look at crmsync shows
 * all of it syncing (companies, deals, tickets, activities both ways, the Project__c custom object), not contacts
 * alone. Only on the built-in emulators, and only while nobody has saved settings: an admin's choices always stand.
 */
import type { Settings } from '../core/settings.ts';
import type { Store } from '../store/open.ts';

export const demoSettings = {
  companies: { enabled: true },
  deals: { enabled: true },
  tickets: { enabled: true },
  activities: {
    timeline: { salesEmails: true, meetings: true, calls: true, notes: true, tasks: true },
    fromSalesforce: { tasks: true, emails: true, calls: true, meetings: true },
  },
  customObjects: [{ salesforceObject: 'Project__c', hubspotObjectType: 'p_projects', onSalesforceDelete: 'do_nothing', associations: ['contacts', 'companies'] }],
} satisfies Partial<Record<keyof Settings, unknown>>;

/** Writes the demo settings when no settings were ever saved; says whether it did. */
export async function applyDemoSettingsOnFirstStart(store: Pick<Store, 'settings'>, now: Date): Promise<boolean> {
  if ((await store.settings.read()) !== null) return false;
  await store.settings.write(demoSettings, 0, now);
  return true;
}
