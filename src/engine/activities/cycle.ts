/**
 * One cycle of activities (issue 5): gather, plan (pure), apply in batches, then move the checkpoints. Runs
 * after the other pairs, whose links it follows (an activity travels only once its contact has synced).
 *
 * Checkpoints move only after every write of the cycle was applied and recorded: a cycle cut short re-reads its
 * window, and the links and last-synced values written with each batch make the re-read plan nothing.
 *
 * Between plan and apply, values a system refused before and that have not changed are left out, as for the other
 * pairs (src/core/refused-values.ts): the rest of the activity syncs, and the errors, resolved when it syncs, are
 * opened again after it.
 */
import { noAssociations } from '../linked/junctions.ts';
import { planActivitySync } from '../../core/activities/plan.ts';
import { refusableActivityPlans } from '../../core/activities/refused-values.ts';
import { recordsWritten, withholdRefusedValues } from '../../core/refused-values.ts';
import type { Settings } from '../../core/settings.ts';
import { ACTIVITIES, timelineTogglesWithoutObject } from '../../objects/activities.ts';
import { DEFAULT_OVERLAP_MS } from '../detect/cursor.ts';
import type { LinkedSyncDeps, LinkedSyncSummary } from '../linked/cycle.ts';
import { readSetting } from '../linked/records.ts';
import { applyActivityPlan } from './apply.ts';
import { enabledActivityTypes, gatherActivityChanges, type ActivityImport } from './gather.ts';

export type { ActivityImport } from './gather.ts';

export interface ActivitySyncSummary extends LinkedSyncSummary {
  /** Timeline toggles that are on but have no HubSpot CRM object to read (form submissions, marketing emails). */
  notSynced: string[];
}

/** Whether any activity toggle is on: the cycle skips activities entirely otherwise. */
export function activitiesEnabled(settings: Settings): boolean {
  const { timeline, fromSalesforce } = enabledActivityTypes(settings);
  return timeline.size > 0 || fromSalesforce.size > 0 || timelineTogglesWithoutObject.some((key) => readSetting(settings, key) === true);
}

export async function runActivitySyncCycle(deps: LinkedSyncDeps, context: { settings: Settings; runId: string; importIds?: ActivityImport }): Promise<ActivitySyncSummary> {
  const { store, clock } = deps;
  const started = clock();
  const progress = deps.onProgress ?? (() => undefined);
  progress({ step: `${ACTIVITIES}: reading changes`, done: 0, total: null });
  const gathered = await gatherActivityChanges(deps, { now: started, settings: context.settings, overlapMs: deps.overlapMs ?? DEFAULT_OVERLAP_MS, ...(context.importIds ? { importIds: context.importIds } : {}) });
  const plan = planActivitySync(gathered.input);
  // A refused value sent again would be refused again: a Salesforce call spent, and the whole Task or Event kept out.
  const { views, dropEmptied } = refusableActivityPlans(plan, gathered.input.kinds);
  let withheldValues = 0;
  const standing: number[] = [];
  for (const view of views) {
    const open = await store.syncErrors.openForRecords(view.hubspotObjectType, recordsWritten(view.plan, view.editor));
    const withheld = withholdRefusedValues(view.plan, open, started, view.editor);
    withheldValues += withheld.withheld;
    standing.push(...withheld.standing);
  }
  dropEmptied();
  const writes = plan.salesforceCreates.length + plan.salesforceUpdates.length + plan.hubspotCreates.length + plan.hubspotUpdates.length;
  progress({ step: `${ACTIVITIES}: writing`, done: 0, total: writes });
  const applied = await applyActivityPlan({ store, salesforce: deps.salesforce, hubspot: deps.hubspot, now: clock(), runId: context.runId }, plan);
  progress({ step: `${ACTIVITIES}: writing`, done: writes, total: writes });
  // Activities that waited for their contact and were not found waiting again this cycle have synced (or are gone).
  await store.syncErrors.resolveUnlessSeenSince(gathered.retriedErrorIds, started, clock());
  // An activity whose other values synced had its errors resolved; the refusals held back still stand.
  await store.syncErrors.reopen(standing, started);
  await store.transaction(async (repositories) => {
    for (const checkpoint of gathered.checkpoints) await repositories.checkpoints.advance(checkpoint.system, checkpoint.object, checkpoint.cursor, clock());
  });
  return {
    object: ACTIVITIES,
    salesforce: { read: gathered.read.salesforce, ...applied.salesforce, skipped: plan.skips.filter((skip) => skip.side === 'salesforce').length },
    hubspot: { read: gathered.read.hubspot, ...applied.hubspot, skipped: plan.skips.filter((skip) => skip.side === 'hubspot').length },
    planErrors: plan.errors.length,
    waitingForParent: plan.errors.filter((error) => error.waiting).length,
    retried: gathered.retriedErrorIds.length,
    withheldValues,
    refusedMappings: [],
    // An activity's own associations (contact, company, deal) are written with it and counted in its writes.
    associations: noAssociations(),
    notSynced: timelineTogglesWithoutObject.filter((key) => readSetting(context.settings, key) === true),
  };
}
