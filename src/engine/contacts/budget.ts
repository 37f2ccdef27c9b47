/**
 * Prioritising under a tight Salesforce budget (SPEC section 7 and issue 4): when the calls left in the allocation
 * cannot carry every Salesforce write a plan holds, new records go first, then changes a HubSpot form submission
 * made, then bulk updates. What does not fit waits: it leaves the plan (with its last-synced values, so nothing is
 * mistaken for synced) and becomes an `api_limit` sync error due at once, so the next cycle re-reads the record
 * and tries again; the cycle's summary says in words what waits.
 *
 * The cost model is apply's batching (src/engine/contacts/apply.ts): per Salesforce object, creates go in
 * collections of 200 and each batch is read back once for the defaults Salesforce filled in (2 calls a batch);
 * updates go in collections of 200 (1 call a batch).
 */
import type { ContactSyncPlan, SalesforceCreate, SalesforceUpdate } from '../../core/plan.ts';
import type { TypedFieldMapping } from '../../core/mapping/model.ts';
import { COLLECTION_WRITE_LIMIT } from '../../connectors/salesforce/client.ts';
import type { SyncErrorReport } from './ports.ts';
import { HUBSPOT_CONTACTS } from './records.ts';
import { PlanEditor } from '../../core/refused-values.ts';
import { BUDGET_WAIT_CODE } from './retry.ts';

const CALLS_PER_CREATE_BATCH = 2;
const CALLS_PER_UPDATE_BATCH = 1;

export interface BudgetCut {
  /** One `api_limit` error per record held back. */
  waiting: SyncErrorReport[];
  /** What waits, in words for the summary and Sync Health. */
  summary: string[];
}

/** Salesforce calls the plan's writes need, as apply batches them. */
export function salesforceCallsFor(plan: Pick<ContactSyncPlan, 'salesforceCreates' | 'salesforceUpdates'>): number {
  const perObject = (items: ReadonlyArray<{ object: string }>) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.object, (counts.get(item.object) ?? 0) + 1);
    return [...counts.values()].reduce((sum, count) => sum + Math.ceil(count / COLLECTION_WRITE_LIMIT), 0);
  };
  return perObject(plan.salesforceCreates) * CALLS_PER_CREATE_BATCH + perObject(plan.salesforceUpdates) * CALLS_PER_UPDATE_BATCH;
}

/**
 * Cuts the plan's Salesforce writes down to `remainingCalls`, in priority order, and says what waits. `formDriven`
 * holds the HubSpot contacts whose latest change came from a form submission. The plan is edited in place.
 */
export function fitPlanToBudget(
  plan: ContactSyncPlan,
  remainingCalls: number,
  options: { formDriven: ReadonlySet<string>; mappings: readonly TypedFieldMapping[]; now: Date; usage: string },
): BudgetCut {
  const cut: BudgetCut = { waiting: [], summary: [] };
  if (salesforceCallsFor(plan) <= remainingCalls) return cut;
  const editor = new PlanEditor(plan, options.mappings);
  const formUpdates = (update: SalesforceUpdate) => {
    const hubspotId = editor.hubspotIdOf(update.object, update.id);
    return hubspotId !== null && options.formDriven.has(hubspotId);
  };
  const ordered: Array<{ kind: 'create'; item: SalesforceCreate } | { kind: 'update'; item: SalesforceUpdate }> = [
    ...plan.salesforceCreates.map((item) => ({ kind: 'create' as const, item })),
    ...plan.salesforceUpdates.filter(formUpdates).map((item) => ({ kind: 'update' as const, item })),
    ...plan.salesforceUpdates.filter((update) => !formUpdates(update)).map((item) => ({ kind: 'update' as const, item })),
  ];
  const kept = { salesforceCreates: [] as SalesforceCreate[], salesforceUpdates: [] as SalesforceUpdate[] };
  const batchFill = new Map<string, number>();
  let cost = 0;
  let full = false;
  for (const entry of ordered) {
    // A write costs a call when it opens a new batch of its kind and object.
    const key = `${entry.kind}:${entry.item.object}`;
    const filled = batchFill.get(key) ?? 0;
    const extra = filled % COLLECTION_WRITE_LIMIT === 0 ? (entry.kind === 'create' ? CALLS_PER_CREATE_BATCH : CALLS_PER_UPDATE_BATCH) : 0;
    // Once one write does not fit, the rest wait too: the priority order is kept, not filled around.
    if (!full && cost + extra <= remainingCalls) {
      cost += extra;
      batchFill.set(key, filled + 1);
      if (entry.kind === 'create') kept.salesforceCreates.push(entry.item);
      else kept.salesforceUpdates.push(entry.item);
      continue;
    }
    full = true;
    const message = `waits for Salesforce API budget (${options.usage})`;
    if (entry.kind === 'create') {
      cut.waiting.push(waitingError({ hubspotId: entry.item.hubspotId, salesforceId: null }, `new ${entry.item.object} ${message}`, options.now));
    } else {
      const hubspotId = editor.hubspotIdOf(entry.item.object, entry.item.id);
      editor.forgetSalesforceFields(entry.item.object, entry.item.id, Object.keys(entry.item.fields));
      cut.waiting.push(waitingError({ hubspotId, salesforceId: entry.item.id }, `update of ${entry.item.object} ${message}`, options.now));
    }
  }
  const waitingCreates = plan.salesforceCreates.length - kept.salesforceCreates.length;
  const waitingUpdates = plan.salesforceUpdates.length - kept.salesforceUpdates.length;
  plan.salesforceCreates = kept.salesforceCreates;
  plan.salesforceUpdates = kept.salesforceUpdates;
  if (waitingCreates > 0) cut.summary.push(`${count(waitingCreates)} new ${waitingCreates === 1 ? 'contact' : 'contacts'} for Salesforce wait for API budget`);
  if (waitingUpdates > 0) cut.summary.push(`${count(waitingUpdates)} contact ${waitingUpdates === 1 ? 'update' : 'updates'} to Salesforce wait for API budget`);
  return cut;
}

function waitingError(ids: { hubspotId: string | null; salesforceId: string | null }, message: string, now: Date): SyncErrorReport {
  // Due at once: the next cycle re-reads the record; budget permitting, it is written then.
  return { object: HUBSPOT_CONTACTS, ...ids, category: 'api_limit', vendorCode: BUDGET_WAIT_CODE, field: null, message, nextRetryAt: now, retryable: true, refused: null };
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
