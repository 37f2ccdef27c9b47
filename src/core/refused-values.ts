/**
 * Values a system refused, and the plan edits that keep them from being sent again: one rule for every pair
 * (contacts, the link-matched objects, and activities through src/core/activities/refused-values.ts), over the
 * shape their plans share. Pure; the engine reads the open errors before applying a plan and reopens the ones still
 * standing after it.
 *
 * - A refused value is remembered on its sync error as sent (`RefusedValue`). While that error is open, not
 *   retryable and not due, the same value is left out of the payload: it would be refused again (an API call spent,
 *   and for a vendor that refuses a record whole, every other field of the record kept out with it).
 * - The rest of the record still syncs. The field's last-synced value is left alone, so the value is sent again once
 *   it changes, or when an admin asks for a resync (which makes the error due).
 * - A write left out for any reason (a refusal, the API budget) is forgotten from the plan's last-synced values the
 *   same way (`PlanEditor`), or the unwritten side would later look like a change and be overwritten.
 */
import { mappingsForSalesforceObject, type TypedFieldMapping } from './mapping/model.ts';

export interface RefusedValue {
  system: 'salesforce' | 'hubspot';
  /** The Salesforce field or HubSpot property as written. */
  field: string;
  value: unknown;
}

/** An open sync error as withholding reads it (the store's sync errors satisfy it). */
export interface StandingRefusal {
  id: number;
  hubspotId: string | null;
  salesforceId: string | null;
  retryable: boolean;
  nextRetryAt: Date | null;
  refusedValues: readonly RefusedValue[];
}

/** A pair as a plan's last-synced values name it; contacts say which Salesforce object, one-object pairs need not. */
export interface PlannedPair {
  hubspotId: string;
  salesforceId: string;
  salesforceObject?: string;
}

/** What contact and link-matched plans share: the writes, and the last-synced values to store after them. */
export interface RefusablePlan {
  salesforceCreates: Array<{ hubspotId: string; object?: string; fields: Record<string, unknown>; syncedValues: Record<string, unknown> }>;
  salesforceUpdates: Array<{ id: string; object?: string; fields: Record<string, unknown> }>;
  hubspotCreates: Array<{ salesforceId: string; properties: Record<string, string>; syncedValues: Record<string, unknown> }>;
  hubspotUpdates: Array<{ id: string; properties: Record<string, string> }>;
  syncedValues: Array<{ pair: PlannedPair; values: Record<string, unknown> }>;
}

export interface PlanEditorOptions {
  /** The Salesforce object of writes and pairs that do not name one (a link-matched pair has one object). */
  salesforceObject?: string;
  /** Salesforce fields kept in the last-synced values under another key than a mapping's property (a parent lookup). */
  keyOfField?: ReadonlyMap<string, string>;
  /** Pairs known besides the plan's last-synced values (stored links), for finding a record's partner. */
  links?: ReadonlyArray<{ hubspotId: string; salesforceId: string }>;
  /** HubSpot properties kept in the last-synced values under another key (activities keep Salesforce fields). */
  keyOfProperty?: ReadonlyMap<string, string>;
}

/**
 * Edits a plan so a write left out is not remembered as synced: the pair's last-synced values must keep the old
 * value for every field not written, or the unwritten side would later look like a change and be overwritten.
 */
export class PlanEditor {
  constructor(
    private readonly plan: Pick<RefusablePlan, 'syncedValues'>,
    private readonly mappings: readonly TypedFieldMapping[],
    private readonly options: PlanEditorOptions = {},
  ) {}

  /** The HubSpot properties a Salesforce payload's fields carry (a state's `StateCode` is its `State`'s). */
  propertiesOf(object: string | undefined, fields: readonly string[]): string[] {
    const resolved = mappingsForSalesforceObject(this.mappings, this.objectOf(object));
    return fields.flatMap((field) => {
      const key = this.options.keyOfField?.get(field);
      if (key !== undefined) return [key];
      return resolved.filter((mapping) => mapping.salesforceField === field || `${mapping.salesforceField}Code` === field).map((mapping) => mapping.hubspotProperty);
    });
  }

  forgetSalesforceFields(object: string | undefined, id: string, fields: readonly string[]): void {
    const properties = this.propertiesOf(object, fields);
    for (const entry of this.entriesOf(object, id)) for (const property of properties) delete entry.values[property];
  }

  forgetHubspotProperties(hubspotId: string, properties: readonly string[]): void {
    const keys = this.keysOfProperties(properties);
    for (const entry of this.plan.syncedValues) {
      if (entry.pair.hubspotId === hubspotId) for (const key of keys) delete entry.values[key];
    }
  }

  /** The keys HubSpot properties' values are kept under in the last-synced values. */
  keysOfProperties(properties: readonly string[]): string[] {
    return properties.map((property) => this.options.keyOfProperty?.get(property) ?? property);
  }

  /** The HubSpot record a Salesforce record is paired with in this plan (or by a stored link), when it is. */
  hubspotIdOf(object: string | undefined, id: string): string | null {
    return this.entriesOf(object, id)[0]?.pair.hubspotId ?? this.options.links?.find((link) => link.salesforceId === id)?.hubspotId ?? null;
  }

  /** The Salesforce record a HubSpot record is paired with in this plan (or by a stored link), when it is. */
  salesforceIdOf(hubspotId: string): string | null {
    return this.plan.syncedValues.find((entry) => entry.pair.hubspotId === hubspotId)?.pair.salesforceId ?? this.options.links?.find((link) => link.hubspotId === hubspotId)?.salesforceId ?? null;
  }

  private objectOf(object: string | undefined): string {
    return object ?? this.options.salesforceObject ?? '';
  }

  private entriesOf(object: string | undefined, id: string): RefusablePlan['syncedValues'] {
    const wanted = this.objectOf(object);
    return this.plan.syncedValues.filter((entry) => entry.pair.salesforceId === id && this.objectOf(entry.pair.salesforceObject) === wanted);
  }
}

/** Both ids of every record the plan writes, and of their partners: whose open errors withholding needs. */
export function recordsWritten(plan: RefusablePlan, editor: PlanEditor): { hubspotIds: string[]; salesforceIds: string[] } {
  const partners = <T>(ids: Array<T | null>) => ids.filter((id): id is T => id !== null);
  return {
    hubspotIds: [
      ...plan.hubspotUpdates.map((update) => update.id),
      ...plan.salesforceCreates.map((create) => create.hubspotId),
      ...partners(plan.salesforceUpdates.map((update) => editor.hubspotIdOf(update.object, update.id))),
    ],
    salesforceIds: [
      ...plan.salesforceUpdates.map((update) => update.id),
      ...plan.hubspotCreates.map((create) => create.salesforceId),
      ...partners(plan.hubspotUpdates.map((update) => editor.salesforceIdOf(update.id))),
    ],
  };
}

/**
 * The plan without the values a system refused before and that are unchanged since: the same payload would be
 * refused again. Errors that are due (a resync by hand, a retry) do not hold anything back. A refusal recorded
 * before the record had its partner (a create) counts for the pair's later updates. `identity`: the fields never
 * left out (an email is what a contact is found by). Returns how many values were held back and the errors that
 * still stand for them (to be kept open once the record syncs).
 */
export function withholdRefusedValues(
  plan: RefusablePlan,
  open: readonly StandingRefusal[],
  now: Date,
  editor: PlanEditor,
  identity: { salesforce?: string; hubspot?: string } = {},
): { withheld: number; standing: number[] } {
  let withheld = 0;
  const standing = new Set<number>();
  const holding = open.filter((error) => !error.retryable && (error.nextRetryAt === null || error.nextRetryAt.getTime() > now.getTime()));
  const refusals = (select: (error: StandingRefusal) => boolean, system: RefusedValue['system']) => {
    const values = new Map<string, { value: unknown; errorId: number }>();
    for (const error of holding.filter(select)) {
      for (const refused of error.refusedValues) if (refused.system === system) values.set(refused.field, { value: refused.value, errorId: error.id });
    }
    return values;
  };
  const withhold = (payload: Record<string, unknown>, refused: ReadonlyMap<string, { value: unknown; errorId: number }>, kept: string | undefined): string[] => {
    const dropped = Object.keys(payload).filter((field) => field !== kept && refused.has(field) && sameValue(refused.get(field)?.value, payload[field]));
    for (const field of dropped) {
      delete payload[field];
      standing.add(refused.get(field)!.errorId);
    }
    withheld += dropped.length;
    return dropped;
  };

  for (const update of plan.salesforceUpdates) {
    const partner = editor.hubspotIdOf(update.object, update.id);
    const mine = (error: StandingRefusal) => error.salesforceId === update.id || (error.salesforceId === null && partner !== null && error.hubspotId === partner);
    editor.forgetSalesforceFields(update.object, update.id, withhold(update.fields, refusals(mine, 'salesforce'), identity.salesforce));
  }
  for (const create of plan.salesforceCreates) {
    const dropped = withhold(create.fields, refusals((error) => error.salesforceId === null && error.hubspotId === create.hubspotId, 'salesforce'), identity.salesforce);
    for (const property of editor.propertiesOf(create.object, dropped)) delete create.syncedValues[property];
  }
  for (const update of plan.hubspotUpdates) {
    const partner = editor.salesforceIdOf(update.id);
    const mine = (error: StandingRefusal) => error.hubspotId === update.id || (error.hubspotId === null && partner !== null && error.salesforceId === partner);
    editor.forgetHubspotProperties(update.id, withhold(update.properties, refusals(mine, 'hubspot'), identity.hubspot));
  }
  for (const create of plan.hubspotCreates) {
    const dropped = withhold(create.properties, refusals((error) => error.hubspotId === null && error.salesforceId === create.salesforceId, 'hubspot'), identity.hubspot);
    for (const key of editor.keysOfProperties(dropped)) delete create.syncedValues[key];
  }
  removeWhere(plan.salesforceUpdates, (update) => Object.keys(update.fields).length === 0);
  removeWhere(plan.hubspotUpdates, (update) => Object.keys(update.properties).length === 0);
  return { withheld, standing: [...standing] };
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** In place: the plan's arrays are its callers' too. */
function removeWhere<T>(items: T[], remove: (item: T) => boolean): void {
  for (let index = items.length - 1; index >= 0; index -= 1) if (remove(items[index]!)) items.splice(index, 1);
}
