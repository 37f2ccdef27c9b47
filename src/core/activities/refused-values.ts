/**
 * An activity plan as the shared rule for refused values sees it (src/core/refused-values.ts), one engagement type
 * at a time: an activity's sync errors are filed under its type, and a type's HubSpot properties name one
 * Salesforce field each. Pure.
 *
 * The views share the plan's payloads and last-synced values (the same objects): what withholding leaves out of a
 * view is left out of the plan. Activities keep their last-synced values by Salesforce field, so a HubSpot property
 * is forgotten under its field.
 */
import { PlanEditor, type RefusablePlan } from '../refused-values.ts';
import type { ActivityKind } from './kinds.ts';
import type { ActivityPlan } from './plan.ts';

export interface RefusableActivityPlan {
  hubspotObjectType: string;
  plan: RefusablePlan;
  editor: PlanEditor;
}

/**
 * One view per engagement type the plan writes, and `dropEmptied`: to call after withholding, it takes out of the
 * plan the updates left with nothing to write (a HubSpot update that only moves associations keeps them moving).
 */
export function refusableActivityPlans(plan: ActivityPlan, kinds: readonly ActivityKind[]): { views: RefusableActivityPlan[]; dropEmptied: () => void } {
  const written = new Set<object>([...plan.salesforceUpdates.map((update) => update.fields), ...plan.hubspotUpdates.map((update) => update.properties)].filter((payload) => Object.keys(payload).length > 0));
  const emptied = (payload: object) => written.has(payload) && Object.keys(payload).length === 0;
  const views = kinds.flatMap((kind) => {
    const type = kind.hubspotObjectType;
    const ofType = <T extends { hubspotObjectType: string }>(writes: readonly T[]) => writes.filter((write) => write.hubspotObjectType === type);
    const salesforceUpdates = ofType(plan.salesforceUpdates);
    const hubspotUpdates = ofType(plan.hubspotUpdates);
    const view: RefusablePlan = {
      salesforceCreates: ofType(plan.salesforceCreates).map((create) => ({ hubspotId: create.hubspotId, object: create.object, fields: create.fields, syncedValues: create.synced })),
      salesforceUpdates: salesforceUpdates.map((update) => ({ id: update.id, object: update.object, fields: update.fields })),
      hubspotCreates: ofType(plan.hubspotCreates).map((create) => ({ salesforceId: create.salesforceId, properties: create.properties, syncedValues: create.synced })),
      hubspotUpdates: hubspotUpdates.map((update) => ({ id: update.id, properties: update.properties })),
      syncedValues: [
        ...salesforceUpdates.map((update) => ({ pair: { hubspotId: update.hubspotId, salesforceId: update.id, salesforceObject: update.object }, values: update.synced })),
        ...hubspotUpdates.map((update) => ({ pair: { hubspotId: update.id, salesforceId: update.salesforceId, salesforceObject: kind.salesforceObject }, values: update.synced })),
      ],
    };
    const writes = view.salesforceCreates.length + view.salesforceUpdates.length + view.hubspotCreates.length + view.hubspotUpdates.length;
    if (writes === 0) return [];
    const fields = [...kind.fields.map((pair) => pair.salesforceField), 'WhoId', 'WhatId'];
    const editor = new PlanEditor(view, [], {
      salesforceObject: kind.salesforceObject,
      keyOfField: new Map(fields.map((field) => [field, field])),
      keyOfProperty: new Map(kind.fields.map((pair) => [pair.hubspotProperty, pair.salesforceField])),
    });
    return [{ hubspotObjectType: type, plan: view, editor }];
  });
  const dropEmptied = () => {
    plan.salesforceUpdates = plan.salesforceUpdates.filter((update) => !emptied(update.fields));
    plan.hubspotUpdates = plan.hubspotUpdates.filter((update) => !emptied(update.properties) || update.associations.add.length + update.associations.remove.length > 0);
  };
  return { views, dropEmptied };
}
