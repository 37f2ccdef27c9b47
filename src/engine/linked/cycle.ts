/**
 * One cycle of one link-matched pair, from its description alone: gather, plan (pure), apply in batches, record,
 * then move the checkpoints. The same function runs companies, deals and any pair described the same way; adding
 * one is adding a description to `linkedObjectDescriptions` (src/objects/index.ts), not a code path.
 *
 * Checkpoints move only after every write of the cycle was applied and recorded: a cycle cut short re-reads its
 * window, and what it had already synced plans no writes (links and last-synced values went with each batch).
 *
 * Between plan and apply, values a system refused before and that have not changed are left out (as for contacts,
 * src/core/refused-values.ts): the rest of the record syncs, and their errors, resolved when the record syncs, are
 * opened again after it.
 */
import { fillRequiredOnCreate, planLinkedSync } from '../../core/linked/plan.ts';
import { PlanEditor, recordsWritten, withholdRefusedValues } from '../../core/refused-values.ts';
import type { Settings } from '../../core/settings.ts';
import type { LinkedObjectDescription } from '../../objects/index.ts';
import type { SideCounts } from '../contacts/apply.ts';
import { DEFAULT_OVERLAP_MS } from '../detect/cursor.ts';
import { retryDelayMs } from '../contacts/retry.ts';
import type { ContactSyncDeps } from '../contacts/ports.ts';
import type { MappingTypeRefusal } from '../mapping-types.ts';
import { applyLinkedPlan } from './apply.ts';
import { gatherLinkedChanges, type LinkedStore } from './gather.ts';
import { syncAssociations, type AssociationSummary } from './junctions.ts';
import { linkedMappings, type LinkedMappings } from './records.ts';
import type { SalesforceRecord } from '../../connectors/salesforce/client.ts';

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
  /** Records read again because their sync errors were due (back-off run out, a parent awaited, a resync). */
  retried: number;
  /** Values held back because the system refused them before and they have not changed (absent: none can be). */
  withheldValues?: number;
  refusedMappings: MappingTypeRefusal[];
  /** Fields that do not sync because no default mapping could be made for them (custom objects). */
  unmappedFields?: ReadonlyArray<{ salesforceField: string; reason: string }>;
  /**
   * Junction rows (OpportunityContactRole) and the HubSpot associations they stand for, and children's lookups to
   * this pair's records (Contact.AccountId ↔ the contact's company), written this cycle.
   */
  associations: AssociationSummary;
}

export type LinkedSyncDeps = Omit<ContactSyncDeps, 'store'> & { store: ContactSyncDeps['store'] & LinkedStore };

export async function runLinkedSyncCycle(
  deps: LinkedSyncDeps,
  description: LinkedObjectDescription,
  context: {
    settings: Settings;
    runId: string;
    importIds?: readonly string[];
    importScope?: string;
    /** With `importIds`: those records as an import page read them, with the fields `mapped` needs. */
    importRecords?: readonly SalesforceRecord[];
    mapped?: LinkedMappings;
  },
): Promise<LinkedSyncSummary> {
  const { store, clock } = deps;
  const started = clock();
  const progress = deps.onProgress ?? (() => undefined);
  progress({ step: `${description.name}: reading changes`, done: 0, total: null });
  const mapped = context.mapped ?? (await linkedMappings(description, store, deps.salesforce, deps.hubspot));
  const gathered = await gatherLinkedChanges(description, deps, {
    now: started,
    settings: context.settings,
    mapped,
    overlapMs: deps.overlapMs ?? DEFAULT_OVERLAP_MS,
    ...(deps.triggers ? { hints: deps.triggers.records } : {}),
    reconcileHubspot: (deps.triggers?.reconciliations ?? []).some((request) => request.system === 'hubspot' && (request.object === null || request.object === description.hubspotObjectType)),
    ...(deps.archivedScanIntervalMs !== undefined ? { archivedScanIntervalMs: deps.archivedScanIntervalMs } : {}),
    mayRetryFailed: (await deps.calls.salesforce.mayRetryFailedRecords?.()) ?? true,
    ...(context.importIds ? { importIds: context.importIds } : {}),
    ...(context.importScope ? { importScope: context.importScope } : {}),
    ...(context.importRecords ? { importRecords: context.importRecords } : {}),
  });
  const { input } = gathered;
  const plan = planLinkedSync(input);
  // A value a system refused and that has not changed is not sent again (src/core/refused-values.ts): the rest of
  // the record syncs, and the field's last-synced value (a parent lookup's under its key) is left alone.
  const editor = new PlanEditor(plan, input.mappings, { salesforceObject: input.pair.salesforceObject, keyOfField: new Map(input.pair.parents.map((parent) => [parent.salesforceField, parent.key])), links: input.links });
  const open = await store.syncErrors.openForRecords(description.hubspotObjectType, recordsWritten(plan, editor));
  const idProperty = input.pair.salesforceIdProperty;
  const { withheld: withheldValues, standing } = withholdRefusedValues(plan, open, started, editor, idProperty ? { hubspot: idProperty } : {});
  for (const create of plan.salesforceCreates) fillRequiredOnCreate(create.fields, input.pair);
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
  const associations = await syncAssociations(description, deps, {
    now: clock(),
    runId: context.runId,
    settings: context.settings,
    overlapMs: deps.overlapMs ?? DEFAULT_OVERLAP_MS,
    hints: deps.triggers?.records ?? [],
    hubspotIds: [...input.hubspotChanges, ...(input.hubspotPartners ?? [])].map((record) => record.id),
    salesforceIds: [...input.salesforceChanges, ...(input.salesforcePartners ?? [])].map((record) => record.id),
    ...(context.importScope && context.importIds ? { importScope: { condition: context.importScope, ids: context.importIds } } : {}),
  });
  progress({ step: `${description.name}: writing`, done: writes, total: writes });
  // Transient refusals recorded this cycle get their next try by back-off, as contacts' do (contacts/retry.ts).
  const jitter = deps.jitter ?? Math.random;
  await store.syncErrors.scheduleRetries(clock(), (attempts) => retryDelayMs(attempts, jitter()));
  // Records retried this cycle and not found failing or waiting again have synced (or are gone).
  await store.syncErrors.resolveUnlessSeenSince(gathered.retriedErrorIds, started, clock());
  // A record whose other fields synced had its errors resolved; the refusals held back still stand.
  await store.syncErrors.reopen(standing, started);
  await store.transaction(async (repositories) => {
    for (const checkpoint of [...gathered.checkpoints, ...associations.checkpoints]) await repositories.checkpoints.advance(checkpoint.system, checkpoint.object, checkpoint.cursor, clock());
  });
  return {
    object: description.name,
    salesforce: { read: gathered.read.salesforce, ...applied.salesforce, skipped: plan.skips.filter((skip) => skip.side === 'salesforce').length },
    hubspot: { read: gathered.read.hubspot, ...applied.hubspot, skipped: plan.skips.filter((skip) => skip.side === 'hubspot').length },
    planErrors: plan.errors.length,
    waitingForParent: plan.errors.filter((error) => error.error.category === 'associations').length,
    retried: gathered.retriedErrorIds.length,
    withheldValues,
    refusedMappings: mapped.refused,
    ...(description.unmappedFields ? { unmappedFields: description.unmappedFields } : {}),
    associations: associations.summary,
  };
}
