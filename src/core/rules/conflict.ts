/**
 * Field-level conflict resolution: for one mapped field of one linked pair, which side (if any) is written, with
 * what, under the mapping's sync rule (SPEC section 6).
 *
 * Contract: `decideField(rule, field, same)` is total and pure.
 * - Values are canonical (Salesforce JSON form, src/core/mapping/convert.ts); `same` is the equality at the
 *   precision both sides keep (`sameSyncedValue` bound to the field's shape).
 * - A side whose value equals the last-synced value has not changed. This is what suppresses echoes: a value
 *   crmsync wrote comes back equal to last-synced. A pair never synced counts as last-synced blank, so on the
 *   first sync a value flows into an empty field and two filled, differing fields are a conflict.
 * - `nextLastSynced` is what to store once the decision has been applied; deciding again on the applied state
 *   with it yields `none` (property-tested).
 * - Rules never write into a side they forbid: `always_use_salesforce` never writes Salesforce,
 *   `prefer_salesforce_unless_blank` writes Salesforce only into a blank field, and the HubSpot rules mirror them.
 *   A blank on the side that wins is a deletion only when that side changed to blank ("blanking in Salesforce
 *   blanks HubSpot"); a field that was simply never filled does not wipe the other side.
 * - `two_way`: the side that changed wins; when both changed, the later change, blanking included. Equal or
 *   unknown times go to Salesforce, the system of record in HubSpot's own defaults.
 */
import { isBlankValue, type SalesforceValue } from '../mapping/convert.ts';
import type { FieldSyncRule } from '../mapping/model.ts';

/** Epoch milliseconds: the engine parses vendors' timestamps; core compares numbers. */
export type Millis = number;

export interface FieldSide {
  value: SalesforceValue;
  /** When this side's value last changed: the property's history timestamp, else the record's modification time. */
  changedAt: Millis | null;
}

export interface FieldState {
  hubspot: FieldSide;
  salesforce: FieldSide;
  /** The value both sides held after crmsync's last write or read of this field; undefined if never synced. */
  lastSynced: SalesforceValue | undefined;
}

export type FieldDecisionReason =
  | 'in_sync'
  | 'salesforce_changed'
  | 'hubspot_changed'
  | 'salesforce_changed_later'
  | 'hubspot_changed_later'
  | 'salesforce_wins'
  | 'hubspot_wins'
  | 'fills_blank_salesforce'
  | 'fills_blank_hubspot'
  | 'blanked_in_salesforce'
  | 'blanked_in_hubspot'
  | 'rule_forbids'
  | 'dont_sync';

export type FieldDecision =
  | { write: 'none'; why: FieldDecisionReason; nextLastSynced: SalesforceValue | undefined }
  | { write: 'salesforce' | 'hubspot'; value: SalesforceValue; why: FieldDecisionReason; nextLastSynced: SalesforceValue };

export type SameValue = (a: SalesforceValue, b: SalesforceValue) => boolean;

type Side = 'hubspot' | 'salesforce';
const other = (side: Side): Side => (side === 'hubspot' ? 'salesforce' : 'hubspot');

export function decideField(rule: FieldSyncRule, field: FieldState, same: SameValue): FieldDecision {
  const { hubspot, salesforce } = field;
  if (same(hubspot.value, salesforce.value)) return { write: 'none', why: 'in_sync', nextLastSynced: salesforce.value };
  const keep = (why: FieldDecisionReason): FieldDecision => ({ write: 'none', why, nextLastSynced: field.lastSynced });
  if (rule === 'dont_sync') return keep('dont_sync');

  const baseline = field.lastSynced ?? null;
  const changed: Record<Side, boolean> = { hubspot: !same(hubspot.value, baseline), salesforce: !same(salesforce.value, baseline) };
  const copy = (from: Side, why: FieldDecisionReason): FieldDecision => {
    const value = field[from].value;
    return { write: other(from), value, why, nextLastSynced: value };
  };

  if (rule === 'two_way') {
    if (changed.salesforce && !changed.hubspot) return copy('salesforce', 'salesforce_changed');
    if (changed.hubspot && !changed.salesforce) return copy('hubspot', 'hubspot_changed');
    const hubspotLater = (hubspot.changedAt ?? -Infinity) > (salesforce.changedAt ?? -Infinity);
    return hubspotLater ? copy('hubspot', 'hubspot_changed_later') : copy('salesforce', 'salesforce_changed_later');
  }

  const preferred: Side = rule === 'prefer_salesforce_unless_blank' || rule === 'always_use_salesforce' ? 'salesforce' : 'hubspot';
  const fillsBlanks = rule === 'prefer_salesforce_unless_blank' || rule === 'prefer_hubspot_unless_blank';
  if (!isBlankValue(field[preferred].value)) return copy(preferred, preferred === 'salesforce' ? 'salesforce_wins' : 'hubspot_wins');
  if (changed[preferred]) return copy(preferred, preferred === 'salesforce' ? 'blanked_in_salesforce' : 'blanked_in_hubspot');
  if (fillsBlanks) return copy(other(preferred), preferred === 'salesforce' ? 'fills_blank_salesforce' : 'fills_blank_hubspot');
  return keep('rule_forbids');
}

/**
 * A field of a pair synced one way, Salesforce → HubSpot (custom objects): Salesforce's value is written when it
 * changed since the last sync (or on the first sync), whatever HubSpot holds; a HubSpot edit is never sent and
 * stands until the Salesforce field changes. Deciding on "Salesforce changed", not on "the values differ", keeps
 * the overlap window's re-reads from undoing HubSpot edits at random.
 */
export function decideFromSalesforceOnly(field: FieldState, same: SameValue): FieldDecision {
  const { hubspot, salesforce, lastSynced } = field;
  if (same(hubspot.value, salesforce.value)) return { write: 'none', why: 'in_sync', nextLastSynced: salesforce.value };
  if (lastSynced !== undefined && same(salesforce.value, lastSynced)) return { write: 'none', why: 'rule_forbids', nextLastSynced: lastSynced };
  return { write: 'hubspot', value: salesforce.value, why: 'salesforce_changed', nextLastSynced: salesforce.value };
}

/** Which sides a rule may ever write: used by the tests and by the UI to explain a rule. */
export function sidesWritableBy(rule: FieldSyncRule): Record<Side, 'always' | 'only_when_blank' | 'never'> {
  switch (rule) {
    case 'two_way':
      return { hubspot: 'always', salesforce: 'always' };
    case 'prefer_salesforce_unless_blank':
      return { hubspot: 'always', salesforce: 'only_when_blank' };
    case 'always_use_salesforce':
      return { hubspot: 'always', salesforce: 'never' };
    case 'prefer_hubspot_unless_blank':
      return { hubspot: 'only_when_blank', salesforce: 'always' };
    case 'always_use_hubspot':
      return { hubspot: 'never', salesforce: 'always' };
    case 'dont_sync':
      return { hubspot: 'never', salesforce: 'never' };
  }
}
