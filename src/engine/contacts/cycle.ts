/**
 * One complete cycle of contact sync (docs/architecture.md): detect and gather, plan (pure), apply in batches,
 * record. The checkpoints move only once every write the cycle planned has been applied and recorded: a cycle
 * killed half-way re-reads its window next time, and the records it had already synced plan no writes, because
 * their links and last-synced values were committed with each batch.
 *
 * Around the plan, the cycle also (src/engine/contacts/retry.ts, budget.ts):
 * - re-reads the records whose sync errors are due and plans them with the changes (retries of failed records
 *   only below 75% of the Salesforce allocation);
 * - holds back values a system refused before and that have not changed, so a second cycle does not resend them;
 * - fits the Salesforce writes to the calls left in the budget (creates, then form-driven changes, then bulk
 *   updates) and records what waits as `api_limit` errors, said in words in the summary;
 * - after the writes, schedules retryable errors with exponential back-off and resolves retried errors that did
 *   not come back.
 */
import { planContactSync, type ContactSyncInput, type HubspotContactRecord } from '../../core/plan.ts';
import { PlanEditor, recordsWritten, withholdRefusedValues } from '../../core/refused-values.ts';
import { liveMappingSchema, type MappingTypeRefusal } from '../mapping-types.ts';
import { readSettings } from '../settings.ts';
import { applyContactPlan, type SideCounts } from './apply.ts';
import { fitPlanToBudget, type BudgetCut } from './budget.ts';
import { companyLifecycleContext } from './company-lifecycle.ts';
import { DEFAULT_OVERLAP_MS, gatherContactChanges } from './gather.ts';
import { recoverUnrecordedCreates } from './recover.ts';
import type { ContactSyncDeps } from './ports.ts';
import { FORM_SUBMISSION_PROPERTY, HUBSPOT_CONTACTS, contactMappings, salesforceFieldsToRead, toSalesforcePerson } from './records.ts';
import { readDueRetries, retryDelayMs } from './retry.ts';

export interface SystemSummary extends SideCounts {
  /** Changed records read by polling (re-reads in the overlap window and retried records included). */
  read: number;
  /** Records the plan left alone on purpose (no email, outside the inclusion list, a rival with the same email…). */
  skipped: number;
  /** Vendor calls this cycle made, from the meters. */
  apiCalls: number;
}

export interface ContactSyncSummary {
  runId: string;
  salesforce: SystemSummary;
  hubspot: SystemSummary;
  /** Problems found before any write (a value that cannot convert): recorded as sync errors. */
  planErrors: number;
  /** Custom mappings not synced (their types do not fit, or a side lacks the field): the HubSpot properties. */
  untypedMappings: string[];
  /** The same, with the reason for each. */
  refusedMappings: MappingTypeRefusal[];
  /** Records whose due sync errors this cycle retried. */
  retried: number;
  /** Values held back because the system refused them before and they have not changed. */
  withheldValues: number;
  /** What waits for Salesforce API budget, in words ("1,240 contact updates to Salesforce wait for API budget"). */
  waiting: string[];
}

export async function runContactSyncCycle(deps: ContactSyncDeps): Promise<ContactSyncSummary> {
  const { store, clock } = deps;
  const callsBefore = { salesforce: deps.calls.salesforce.total, hubspot: deps.calls.hubspot.total };
  const started = clock();
  const jitter = deps.jitter ?? Math.random;
  const overlapMs = deps.overlapMs ?? DEFAULT_OVERLAP_MS;
  const hubspotCheckpoint = await store.checkpoints.read('hubspot', HUBSPOT_CONTACTS);
  const run = await store.syncRuns.start(hubspotCheckpoint === null ? 'initial' : 'incremental', started);
  try {
    const progress = deps.onProgress ?? (() => undefined);
    progress({ step: 'contacts: reading changes', done: 0, total: null });
    const { settings } = await readSettings(store.settings);
    const { mappings, refused } = deps.importIds?.read?.mapped ?? (await contactMappings(store, liveMappingSchema(deps.salesforce, deps.hubspot)));
    const mayRetryFailed = (await deps.calls.salesforce.mayRetryFailedRecords?.()) ?? true;
    const retries = await readDueRetries(store.syncErrors, deps, { now: started, mappings, mayRetryFailed });
    if (deps.importIds && deps.importIds.ids.length > 0) {
      const { object, ids, read } = deps.importIds;
      const imported = read ? read.records : await deps.salesforce.retrieve(object, ids, salesforceFieldsToRead(object, mappings));
      for (const record of imported) if (record) retries.salesforce.push(toSalesforcePerson(object, record));
    }
    // Before anything is read: what a killed run created but never linked is linked now (recover.ts).
    const recovery = await recoverUnrecordedCreates(deps, { now: started, runId: run.runId });
    const gathered = await gatherContactChanges(deps, {
      now: started,
      settings,
      mappings,
      overlapMs,
      retry: retries,
      hints: deps.triggers?.records ?? [],
      reconcileHubspot: recovery.scanArchivedContacts || (deps.triggers?.reconciliations ?? []).some((request) => request.system === 'hubspot' && (request.object === null || request.object === 'contacts')),
      ...(deps.archivedScanIntervalMs !== undefined ? { archivedScanIntervalMs: deps.archivedScanIntervalMs } : {}),
      ...(deps.pollSalesforce !== undefined ? { pollSalesforce: deps.pollSalesforce } : {}),
    });
    let plan = planContactSync(gathered.input);
    const lifecycleContext = await companyLifecycleContext(deps.hubspot, gathered.input);
    if (lifecycleContext) plan = planContactSync({ ...gathered.input, lifecycleContext });

    const editor = new PlanEditor(plan, mappings);
    const open = await store.syncErrors.openForRecords(HUBSPOT_CONTACTS, recordsWritten(plan, editor));
    const { withheld: withheldValues, standing } = withholdRefusedValues(plan, open, started, editor, { salesforce: 'Email', hubspot: 'email' });
    const budget = (await deps.calls.salesforce.remainingCalls?.()) ?? null;
    const formSince = hubspotCheckpoint ? hubspotCheckpoint.cursorTime.getTime() - overlapMs : started.getTime() - 86_400_000;
    const cut: BudgetCut = budget
      ? fitPlanToBudget(plan, budget.remaining, { formDriven: formDrivenContacts(gathered.input.hubspotChanges, formSince), mappings, now: started, usage: budget.usage })
      : { waiting: [], summary: [] };

    const writes = plannedWriteCount(plan);
    progress({ step: 'contacts: writing', done: 0, total: writes });
    const applied = await applyContactPlan({ store, salesforce: deps.salesforce, hubspot: deps.hubspot, now: clock(), runId: run.runId, input: gathered.input }, plan);
    progress({ step: 'contacts: writing', done: writes, total: writes });

    const recordedAt = clock();
    if (cut.waiting.length > 0) await store.syncErrors.recordMany(cut.waiting, recordedAt);
    await store.syncErrors.scheduleRetries(recordedAt, (attempts) => retryDelayMs(attempts, jitter()));
    const waitingRecords = new Set<string | null>(cut.waiting.flatMap((error) => [error.hubspotId, error.salesforceId]).filter((id) => id !== null));
    const settledRetries = retries.errors.filter((error) => !waitingRecords.has(error.hubspotId) && !waitingRecords.has(error.salesforceId)).map((error) => error.id);
    await store.syncErrors.resolveUnlessSeenSince(settledRetries, started, recordedAt);
    // A record deleted or merged away can never sync again: its errors are moot (retrying would only meet "not
    // found" forever). The person, if it lives on, does so in another record, whose own errors stand.
    await store.syncErrors.resolveForRecords(goneRecords(gathered.input), recordedAt);
    // A record whose other fields synced had its errors resolved; the refusals held back still stand.
    await store.syncErrors.reopen(standing, started);
    await store.transaction(async (repositories) => {
      for (const checkpoint of gathered.checkpoints) await repositories.checkpoints.advance(checkpoint.system, checkpoint.object, checkpoint.cursor, clock());
    });

    const summary: ContactSyncSummary = {
      runId: run.runId,
      salesforce: {
        read: gathered.read.salesforce,
        ...applied.salesforce,
        skipped: plan.skips.filter((skip) => skip.side === 'salesforce').length,
        apiCalls: deps.calls.salesforce.total - callsBefore.salesforce,
      },
      hubspot: {
        read: gathered.read.hubspot,
        ...applied.hubspot,
        skipped: plan.skips.filter((skip) => skip.side === 'hubspot').length,
        apiCalls: deps.calls.hubspot.total - callsBefore.hubspot,
      },
      planErrors: plan.errors.length,
      untypedMappings: refused.map((mapping) => mapping.hubspotProperty),
      refusedMappings: refused,
      retried: retries.errors.length,
      withheldValues,
      waiting: cut.summary,
    };
    const failed = summary.salesforce.failed + summary.hubspot.failed + summary.planErrors;
    await store.syncRuns.finish(run.runId, { outcome: failed > 0 || cut.waiting.length > 0 ? 'partial' : 'succeeded', counts: runCounts(summary) }, clock());
    return summary;
  } catch (error) {
    await store.syncRuns.finish(run.runId, { outcome: 'failed', counts: {}, failure: (error as Error).message }, clock()).catch(() => undefined);
    throw error;
  }
}

/** HubSpot contacts whose latest form submission came after `since`: what a form changed goes first. */
function formDrivenContacts(contacts: readonly HubspotContactRecord[], since: number): Set<string> {
  const driven = new Set<string>();
  for (const contact of contacts) {
    const raw = contact.properties[FORM_SUBMISSION_PROPERTY];
    if (!raw) continue;
    const at = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (Number.isFinite(at) && at >= since) driven.add(contact.id);
  }
  return driven;
}

function plannedWriteCount(plan: ReturnType<typeof planContactSync>): number {
  return plan.salesforceCreates.length + plan.salesforceUpdates.length + plan.hubspotCreates.length + plan.hubspotUpdates.length + plan.hubspotDeletes.length;
}

function runCounts(summary: ContactSyncSummary): Record<string, number> {
  const counts: Record<string, number> = { planErrors: summary.planErrors, retried: summary.retried, withheldValues: summary.withheldValues };
  for (const system of ['salesforce', 'hubspot'] as const) {
    for (const [name, value] of Object.entries(summary[system])) counts[`${system}.${name}`] = value;
  }
  return counts;
}

function goneRecords(input: ContactSyncInput): Array<{ object: string; hubspotId?: string; salesforceId?: string }> {
  return [
    ...input.salesforceChanges.filter((record) => record.deleted).map((record) => ({ object: HUBSPOT_CONTACTS, salesforceId: record.id })),
    ...input.hubspotChanges.filter((record) => record.deleted).map((record) => ({ object: HUBSPOT_CONTACTS, hubspotId: record.id })),
  ];
}
