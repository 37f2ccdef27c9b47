/**
 * The `customObjects` setting turned into link-matched pairs for this cycle: for each entry, the Salesforce
 * describe of the object and the HubSpot schema of the type are read (one describe, one schema and one
 * properties call per entry; the describe is cached by the client), and `describeCustomObject`
 * (src/objects/custom.ts) makes the description the cycle runs like companies and deals.
 *
 * An entry that cannot run (no such object or type, or no read access to it) is refused alone: it becomes an open
 * `permissions` sync error naming the object, resolved when a later cycle can read both, and the other pairs sync.
 * An outage or the API budget is not a misconfiguration: those still end the cycle, as for any pair.
 */
import type { HubSpotClient } from '../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../connectors/salesforce/client.ts';
import type { VendorError } from '../connectors/vendor-error.ts';
import type { CustomObjectSync } from '../core/settings.ts';
import { describeCustomObject } from '../objects/custom.ts';
import type { LinkedObjectDescription } from '../objects/index.ts';
import type { ContactRepositories } from './contacts/ports.ts';
import { liveMappingSchema } from './mapping-types.ts';

/** A `customObjects` entry that did not run this cycle, and why, for the cycle summary. */
export interface CustomObjectRefusal {
  salesforceObject: string;
  hubspotObjectType: string;
  reason: string;
}

export interface CustomObjectPairs {
  descriptions: LinkedObjectDescription[];
  refused: CustomObjectRefusal[];
}

/** The error a refused entry is kept under: Sync Health lists it with the object in place of a record id. */
const REFUSED_ENTRY_CODE = 'CUSTOM_OBJECT_UNAVAILABLE';

export async function customObjectPairs(
  entries: readonly CustomObjectSync[],
  sources: { salesforce: SalesforceClient; hubspot: HubSpotClient; store: Pick<ContactRepositories, 'syncErrors'> },
  now: Date,
): Promise<CustomObjectPairs> {
  const { salesforce, hubspot, store } = sources;
  const schema = liveMappingSchema(salesforce, hubspot);
  const result: CustomObjectPairs = { descriptions: [], refused: [] };
  for (const entry of entries) {
    const record = { object: entry.hubspotObjectType, salesforceId: entry.salesforceObject };
    try {
      const described = (await unlessRefused(() => salesforce.describe(entry.salesforceObject), `Salesforce object ${entry.salesforceObject}`)) as { name?: string; queryable?: boolean };
      if (described.queryable === false) throw new EntryRefused(`Salesforce object ${entry.salesforceObject} cannot be read by the integration user (not queryable); grant read access to it`);
      const fields = await unlessRefused(() => schema.salesforceFields(entry.salesforceObject), `Salesforce object ${entry.salesforceObject}`);
      const type = await unlessRefused(() => hubspot.objectSchema(entry.hubspotObjectType), `HubSpot object type ${entry.hubspotObjectType}`);
      const properties = await unlessRefused(() => schema.hubspotProperties(type.objectTypeId), `HubSpot object type ${entry.hubspotObjectType}`);
      const made = describeCustomObject(entry, { name: described.name ?? entry.salesforceObject, queryable: true, fields }, { ...type, properties });
      result.descriptions.push({ ...made.description, ...(made.unmapped.length > 0 ? { unmappedFields: made.unmapped } : {}) });
      await store.syncErrors.resolveForRecords([record], now);
    } catch (error) {
      if (!(error instanceof EntryRefused)) throw error;
      const reason = `customObjects entry ${entry.salesforceObject} → ${entry.hubspotObjectType} does not sync: ${error.message}`;
      result.refused.push({ salesforceObject: entry.salesforceObject, hubspotObjectType: entry.hubspotObjectType, reason });
      await store.syncErrors.recordMany([{ ...record, hubspotId: null, category: 'permissions', vendorCode: REFUSED_ENTRY_CODE, field: null, message: reason, nextRetryAt: null }], now);
    }
  }
  return result;
}

class EntryRefused extends Error {}

/**
 * A vendor's "no such object" or "not allowed" for this entry's object refuses the entry; anything that would stop
 * every pair (an outage, the budget, an expired session, bad credentials) is thrown on.
 */
async function unlessRefused<T>(read: () => Promise<T>, what: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const vendor = (error as { vendorError?: VendorError }).vendorError;
    const stopsEverything =
      !vendor ||
      vendor.category === 'connection' ||
      vendor.category === 'api_limit' ||
      vendor.reaction.kind === 'retry' ||
      vendor.reaction.kind === 'refresh_session' ||
      (vendor.reaction.kind === 'suspend' && vendor.reaction.reason !== 'object_permission_missing');
    if (stopsEverything) throw error;
    throw new EntryRefused(`${what} cannot be read (${vendor.code}: ${vendor.message}); check that it exists and that the integration user may read it`);
  }
}
