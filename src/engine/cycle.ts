/**
 * What `crmsync sync --once` and the service loop call: one cycle of every synced pair, with a summary per
 * system of records read, created, updated, deleted, skipped, failed, and API calls used.
 *
 * Wiring, at the edge (the store opened once per process):
 *   const calls = { salesforce: new TallyingMeter(new SalesforceApiBudget(store.apiLedger, store.integrationState,
 *     async () => (await readSettings(store.settings)).settings.apiCallAllocation, () => new Date())),
 *     hubspot: new TallyingMeter() };
 *   const salesforce = new SalesforceClient({ credentials, apiVersion, meter: calls.salesforce });
 *   const hubspot = new HubSpotClient({ accessToken, basePath, meter: calls.hubspot });
 *   const summary = await runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() });
 * A cycle that cannot finish (the API allocation spent, a vendor down) throws: its sync run is marked failed,
 * nothing it had not recorded is lost, and the next cycle re-reads the same window.
 */
import type { ApiCall, ApiCallMeter, MeterReservation } from '../connectors/meter.ts';
import { SalesforceApiBudget } from './api-budget.ts';
import { runContactSyncCycle, type ContactSyncSummary } from './contacts/cycle.ts';
import { customObjectPairs, type CustomObjectRefusal } from './custom-objects.ts';
import { linkedObjectDescriptions } from '../objects/index.ts';
import { runLinkedSyncCycle, type LinkedSyncDeps, type LinkedSyncSummary } from './linked/cycle.ts';
import { activitiesEnabled, runActivitySyncCycle, type ActivityImport } from './activities/cycle.ts';
import { isEnabled } from './linked/records.ts';
import { OwnerDirectoryCache } from './owners.ts';
import { readSettings } from './settings.ts';
import { runUnlessSuspended, type SuspensionNotice, type SuspensionStorePort } from './suspension.ts';

export type { ContactSyncSummary, SystemSummary } from './contacts/cycle.ts';
export type { ContactSyncDeps, ContactSyncStore, CallCount } from './contacts/ports.ts';
export { runContactSyncCycle };

export type { LinkedSyncSummary } from './linked/cycle.ts';
export type { ActivitySyncSummary } from './activities/cycle.ts';

export type SyncCycleDeps = LinkedSyncDeps & {
  store: LinkedSyncDeps['store'] & { integrationState: SuspensionStorePort };
  /** Told when a vendor's refusal suspends the integration (CRMSYNC_NOTIFY_URL). */
  notify?: (notice: SuspensionNotice) => Promise<void>;
  /** Salesforce Tasks or Events to sync this cycle as if they had changed: a page of an import. */
  activityImportIds?: ActivityImport;
};

export interface SyncCycleSummary {
  contacts: ContactSyncSummary;
  /** Each enabled link-matched pair (companies, deals…), in the order they ran: parents first; activities last. */
  objects: LinkedSyncSummary[];
  /** `customObjects` entries that could not run (no such object or type, no read access): each also a sync error. */
  refusedCustomObjects: CustomObjectRefusal[];
}

/**
 * One cycle of every synced pair: contacts, then each enabled link-matched object, custom objects last. Refused
 * while the integration is suspended; a vendor refusal that calls for suspension suspends it (src/engine/suspension.ts).
 */
export function runSyncCycle(deps: SyncCycleDeps): Promise<SyncCycleSummary> {
  return runUnlessSuspended(deps.store.integrationState, deps.clock, () => runEveryPair(deps), deps.notify);
}

async function runEveryPair(given: SyncCycleDeps): Promise<SyncCycleSummary> {
  const deps: SyncCycleDeps = given.ownerCache ? given : { ...given, ownerCache: new OwnerDirectoryCache() };
  const contacts = await runContactSyncCycle(deps);
  // Read after contacts: companies match through the contact links that cycle just made.
  const { settings } = await readSettings(deps.store.settings);
  // Custom objects are described from the live schemas each cycle, then run like any pair, after their parents.
  const custom = await customObjectPairs(settings.customObjects, deps, deps.clock());
  const objects: LinkedSyncSummary[] = [];
  for (const description of [...linkedObjectDescriptions, ...custom.descriptions]) {
    if (isEnabled(description, settings)) objects.push(await runLinkedSyncCycle(deps, description, { settings, runId: contacts.runId }));
  }
  // Last: an activity follows the links of the contacts, companies and deals it is about.
  if (activitiesEnabled(settings)) {
    objects.push(await runActivitySyncCycle(deps, { settings, runId: contacts.runId, ...(deps.activityImportIds ? { importIds: deps.activityImportIds } : {}) }));
  }
  return { contacts, objects, refusedCustomObjects: custom.refused };
}

/**
 * A meter in front of another (the Salesforce budget, say) that also counts the HTTP requests settled, so a
 * cycle can say how many calls it used: build each client with one and pass both as `calls`.
 */
export class TallyingMeter implements ApiCallMeter {
  private settled = 0;

  constructor(private readonly inner?: ApiCallMeter) {}

  get total(): number {
    return this.settled;
  }

  reserve(call: ApiCall, calls: number): Promise<MeterReservation> {
    return this.inner ? this.inner.reserve(call, calls) : Promise.resolve(null);
  }

  async settle(reservation: MeterReservation, call: ApiCall, actual: number): Promise<void> {
    this.settled += actual;
    if (this.inner) await this.inner.settle(reservation, call, actual);
  }

  observeVendorUsage(system: ApiCall['system'], used: number, limit: number): void {
    this.inner?.observeVendorUsage(system, used, limit);
  }

  /** The budget's 75% rule, when the meter in front of it is the Salesforce budget; otherwise retries may go. */
  async mayRetryFailedRecords(): Promise<boolean> {
    return this.inner instanceof SalesforceApiBudget ? this.inner.mayRetryFailedRecords() : true;
  }

  /** Calls left in the Salesforce budget, when the inner meter is it; null: no limit known. */
  async remainingCalls(): Promise<{ remaining: number; usage: string } | null> {
    return this.inner instanceof SalesforceApiBudget ? this.inner.remainingCalls() : null;
  }
}
