/**
 * One cycle of one link-matched pair, from its description alone: gather, plan (pure), apply in batches, record,
 * then move the checkpoints. The same function runs companies, deals and any pair described the same way; adding
 * one is adding a description to `linkedObjectDescriptions` (src/objects/index.ts), not a code path.
 *
 * Checkpoints move only after every write of the cycle was applied and recorded: a cycle cut short re-reads its
 * window, and what it had already synced plans no writes (links and last-synced values went with each batch).
 */
import { planLinkedSync } from '../../core/linked/plan.ts';
import type { Settings } from '../../core/settings.ts';
import type { LinkedObjectDescription } from '../../objects/index.ts';
import type { SideCounts } from '../contacts/apply.ts';
import { DEFAULT_OVERLAP_MS } from '../detect/cursor.ts';
import type { ContactSyncDeps } from '../contacts/ports.ts';
import type { MappingTypeRefusal } from '../mapping-types.ts';
import { applyLinkedPlan } from './apply.ts';
import { gatherLinkedChanges, type LinkedStore } from './gather.ts';
import { linkedMappings } from './records.ts';

export interface LinkedSystemSummary extends SideCounts {
  /** Changed records read (re-reads in the overlap window and records waiting for a parent included). */
  read: number;
  skipped: number;
}

export interface LinkedSyncSummary {
  /** The pair's name: 'companies', 'deals'. */
  object: string;
  salesforce: LinkedSystemSummary;
  hubspot: LinkedSystemSummary;
  /** Problems found before any write (a value that cannot convert, a parent not synced yet): sync errors. */
  planErrors: number;
  /** Of those, records waiting for their parent (an Account) to sync. */
  waitingForParent: number;
  refusedMappings: MappingTypeRefusal[];
}

export type LinkedSyncDeps = Omit<ContactSyncDeps, 'store'> & { store: ContactSyncDeps['store'] & LinkedStore };

export async function runLinkedSyncCycle(deps: LinkedSyncDeps, description: LinkedObjectDescription, context: { settings: Settings; runId: string; importIds?: readonly string[]; importScope?: string }): Promise<LinkedSyncSummary> {
  const { store, clock } = deps;
  const started = clock();
  const progress = deps.onProgress ?? (() => undefined);
  progress({ step: `${description.name}: reading changes`, done: 0, total: null });
  const mapped = await linkedMappings(description, store, deps.salesforce, deps.hubspot);
  const gathered = await gatherLinkedChanges(description, deps, { now: started, settings: context.settings, mapped, overlapMs: deps.overlapMs ?? DEFAULT_OVERLAP_MS, ...(context.importIds ? { importIds: context.importIds } : {}), ...(context.importScope ? { importScope: context.importScope } : {}) });
  const plan = planLinkedSync(gathered.input);
  const writes = plan.salesforceCreates.length + plan.salesforceUpdates.length + plan.hubspotCreates.length + plan.hubspotUpdates.length + plan.hubspotDeletes.length;
  progress({ step: `${description.name}: writing`, done: 0, total: writes });
  const applied = await applyLinkedPlan(
    {
      description,
      store,
      salesforce: deps.salesforce,
      hubspot: deps.hubspot,
      now: clock(),
      runId: context.runId,
      input: gathered.input,
      pipelineOfStage: mapped.pipelineOfStage,
      contactsToAttach: gathered.contactsToAttach,
      hubspotContactsOf: gathered.hubspotContactsOf,
    },
    plan,
  );
  progress({ step: `${description.name}: writing`, done: writes, total: writes });
  // Records that waited for a parent and were not found waiting again this cycle have synced (or are gone).
  await store.syncErrors.resolveUnlessSeenSince(gathered.retriedErrorIds, started, clock());
  await store.transaction(async (repositories) => {
    for (const checkpoint of gathered.checkpoints) await repositories.checkpoints.advance(checkpoint.system, checkpoint.object, checkpoint.cursor, clock());
  });
  return {
    object: description.name,
    salesforce: { read: gathered.read.salesforce, ...applied.salesforce, skipped: plan.skips.filter((skip) => skip.side === 'salesforce').length },
    hubspot: { read: gathered.read.hubspot, ...applied.hubspot, skipped: plan.skips.filter((skip) => skip.side === 'hubspot').length },
    planErrors: plan.errors.length,
    waitingForParent: plan.errors.filter((error) => error.error.category === 'associations').length,
    refusedMappings: mapped.refused,
  };
}
