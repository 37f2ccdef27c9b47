/**
 * An association Salesforce keeps in a junction object (a deal's contacts as OpportunityContactRole rows), for
 * linked pairs: `planJunctionSync(input) → JunctionPlan`. Pure; src/engine/linked/junctions.ts reads the rows, the
 * HubSpot associations and the links, and writes the plan in batches. Nothing here knows which junction it plans.
 *
 * Both sides are compared in Salesforce ids of the other record (the Contact), against the set both sides held
 * after the last sync: a three-way merge, so a removal on one side is told from an addition on the other.
 * - On both sides: kept. On one side and in the last set: removed on the other side, so removed here too.
 * - On one side, not in the last set: added there, so added on the other side.
 * - A HubSpot record linked to another Salesforce object (a contact that is a Lead) cannot be a row: skipped with
 *   its reason, once per pair and record, never an error (HubSpot's integration does the same: leads have no
 *   contact roles). A record on either side not synced yet is left alone until it is.
 * Invariant: after applying the plan, planning again on the result yields no writes.
 */

export interface JunctionFacts {
  /** The junction object, for reasons: 'OpportunityContactRole'. */
  object: string;
  /** The Salesforce object its other-side field points at: 'Contact'. */
  otherSalesforceObject: string;
  /** The other side's HubSpot type: 'contacts'. */
  otherHubspotType: string;
}

export interface JunctionPair {
  linkId: string;
  hubspotId: string;
  salesforceId: string;
  /** HubSpot ids of the records associated with this one. */
  hubspotOthers: readonly string[];
  /** The junction rows pointing at this record: their id and the other record's Salesforce id. */
  salesforceRows: ReadonlyArray<{ rowId: string; otherId: string }>;
  /** Salesforce ids of the other records both sides held after the last sync; absent: never synced. */
  lastSynced?: readonly string[];
}

export interface JunctionOtherLinks {
  /** The other records' links by HubSpot id: the Salesforce id and which object it is (Lead or Contact). */
  byHubspotId: ReadonlyMap<string, { salesforceId: string; salesforceObject: string }>;
  hubspotIdBySalesforceId: ReadonlyMap<string, string>;
}

export interface JunctionInput {
  junction: JunctionFacts;
  pairs: readonly JunctionPair[];
  others: JunctionOtherLinks;
}

export interface JunctionPlan {
  /** Rows to create: this record's Salesforce id and the other record's. */
  salesforceCreates: Array<{ linkId: string; salesforceId: string; otherId: string }>;
  salesforceDeletes: Array<{ linkId: string; rowId: string; otherId: string }>;
  hubspotAdds: Array<{ linkId: string; hubspotId: string; otherHubspotId: string }>;
  hubspotRemoves: Array<{ linkId: string; hubspotId: string; otherHubspotId: string }>;
  /** The set to remember per pair, sorted, when it differs from the one stored. */
  synced: Array<{ linkId: string; others: string[] }>;
  skips: Array<{ linkId: string; hubspotId: string; otherHubspotId: string; reason: string }>;
}

export function planJunctionSync(input: JunctionInput): JunctionPlan {
  const plan: JunctionPlan = { salesforceCreates: [], salesforceDeletes: [], hubspotAdds: [], hubspotRemoves: [], synced: [], skips: [] };
  const { junction, others } = input;
  for (const pair of input.pairs) {
    const { linkId } = pair;
    const hubspotSide = new Map<string, string>();
    for (const otherHubspotId of new Set(pair.hubspotOthers)) {
      const link = others.byHubspotId.get(otherHubspotId);
      if (!link) continue;
      if (link.salesforceObject !== junction.otherSalesforceObject) {
        const reason = `HubSpot ${junction.otherHubspotType} ${otherHubspotId} is a ${link.salesforceObject} in Salesforce; only a ${junction.otherSalesforceObject} can be in an ${junction.object}`;
        plan.skips.push({ linkId, hubspotId: pair.hubspotId, otherHubspotId, reason });
        continue;
      }
      hubspotSide.set(link.salesforceId, otherHubspotId);
    }
    const salesforceSide = new Map<string, string[]>();
    for (const row of pair.salesforceRows) salesforceSide.set(row.otherId, [...(salesforceSide.get(row.otherId) ?? []), row.rowId]);
    const last = new Set(pair.lastSynced ?? []);
    const result = new Set<string>();
    for (const otherId of new Set([...hubspotSide.keys(), ...salesforceSide.keys(), ...last])) {
      const otherHubspotId = hubspotSide.get(otherId);
      const rows = salesforceSide.get(otherId);
      if (otherHubspotId !== undefined && rows) result.add(otherId);
      else if (otherHubspotId !== undefined) {
        if (last.has(otherId)) plan.hubspotRemoves.push({ linkId, hubspotId: pair.hubspotId, otherHubspotId });
        else {
          plan.salesforceCreates.push({ linkId, salesforceId: pair.salesforceId, otherId });
          result.add(otherId);
        }
      } else if (rows) {
        if (last.has(otherId)) for (const rowId of rows) plan.salesforceDeletes.push({ linkId, rowId, otherId });
        else {
          const hubspotOther = others.hubspotIdBySalesforceId.get(otherId);
          if (hubspotOther === undefined) continue;
          plan.hubspotAdds.push({ linkId, hubspotId: pair.hubspotId, otherHubspotId: hubspotOther });
          result.add(otherId);
        }
      }
    }
    const next = [...result].sort();
    const before = [...last].sort();
    if (pair.lastSynced === undefined || next.join('\n') !== before.join('\n')) plan.synced.push({ linkId, others: next });
  }
  return plan;
}
