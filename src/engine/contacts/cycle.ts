/**
 * One complete cycle of contact sync (docs/architecture.md): detect and gather, plan (pure), apply in batches,
 * record. The checkpoints move only once every write the cycle planned has been applied and recorded: a cycle
 * killed half-way re-reads its window next time, and the records it had already synced plan no writes, because
 * their links and last-synced values were committed with each batch.
 */
import { planContactSync } from '../../core/plan.ts';
import { readSettings } from '../settings.ts';
import { applyContactPlan, type SideCounts } from './apply.ts';
import { DEFAULT_OVERLAP_MS, gatherContactChanges } from './gather.ts';
import type { ContactSyncDeps } from './ports.ts';
import { contactMappings } from './records.ts';

export interface SystemSummary extends SideCounts {
  /** Changed records read by polling (re-reads in the overlap window included). */
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
  /** Custom mappings not synced because their value types are unknown to the engine. */
  untypedMappings: string[];
}

export async function runContactSyncCycle(deps: ContactSyncDeps): Promise<ContactSyncSummary> {
  const { store, clock } = deps;
  const callsBefore = { salesforce: deps.calls.salesforce.total, hubspot: deps.calls.hubspot.total };
  const started = clock();
  const firstSync = (await store.checkpoints.read('hubspot', 'contacts')) === null;
  const run = await store.syncRuns.start(firstSync ? 'initial' : 'incremental', started);
  try {
    const progress = deps.onProgress ?? (() => undefined);
    progress({ step: 'contacts: reading changes', done: 0, total: null });
    const { settings } = await readSettings(store.settings);
    const { mappings, untyped } = await contactMappings(store);
    const gathered = await gatherContactChanges(deps, { now: started, settings, mappings, overlapMs: deps.overlapMs ?? DEFAULT_OVERLAP_MS });
    const plan = planContactSync(gathered.input);
    const writes = plannedWriteCount(plan);
    progress({ step: 'contacts: writing', done: 0, total: writes });
    const applied = await applyContactPlan({ store, salesforce: deps.salesforce, hubspot: deps.hubspot, now: clock(), runId: run.runId, input: gathered.input }, plan);
    progress({ step: 'contacts: writing', done: writes, total: writes });
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
      untypedMappings: untyped,
    };
    const failed = summary.salesforce.failed + summary.hubspot.failed + summary.planErrors;
    await store.syncRuns.finish(run.runId, { outcome: failed > 0 ? 'partial' : 'succeeded', counts: runCounts(summary) }, clock());
    return summary;
  } catch (error) {
    await store.syncRuns.finish(run.runId, { outcome: 'failed', counts: {}, failure: (error as Error).message }, clock()).catch(() => undefined);
    throw error;
  }
}

function plannedWriteCount(plan: ReturnType<typeof planContactSync>): number {
  return plan.salesforceCreates.length + plan.salesforceUpdates.length + plan.hubspotCreates.length + plan.hubspotUpdates.length + plan.hubspotDeletes.length;
}

function runCounts(summary: ContactSyncSummary): Record<string, number> {
  const counts: Record<string, number> = { planErrors: summary.planErrors };
  for (const system of ['salesforce', 'hubspot'] as const) {
    for (const [name, value] of Object.entries(summary[system])) counts[`${system}.${name}`] = value;
  }
  return counts;
}
