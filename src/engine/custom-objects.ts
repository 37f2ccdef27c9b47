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
import type { HubSpotClient, HubSpotObjectSchemaDefinition } from '../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../connectors/salesforce/client.ts';
import type { VendorError } from '../connectors/vendor-error.ts';
import type { CustomObjectSync, Settings } from '../core/settings.ts';
import { describeCustomObject } from '../objects/custom.ts';
import { syncObjectDescriptions, type LinkedObjectDescription, type SyncObjectDescription, type SyncObjectName } from '../objects/index.ts';
import type { ContactRepositories } from './contacts/ports.ts';
import { liveMappingSchema, type MappingSchemaPort } from './mapping-types.ts';

/** What describing a custom object reads of the vendors: the HTTP API's CrmSchemaPort satisfies it too. */
export interface CustomObjectSchemaPort extends MappingSchemaPort {
  /** Salesforce's describe: the object's API name as Salesforce spells it, and whether the integration user may query it. */
  salesforceObjectAccess(object: string): Promise<{ name: string; queryable: boolean }>;
  hubspotObjectSchema(objectType: string): Promise<HubSpotObjectSchemaDefinition>;
}

export function customObjectSchemaFromConnectors(salesforce: SalesforceClient, hubspot: HubSpotClient): CustomObjectSchemaPort {
  return {
    ...liveMappingSchema(salesforce, hubspot),
    salesforceObjectAccess: (object) => salesforceObjectAccess(salesforce, object),
    hubspotObjectSchema: (objectType) => hubspot.objectSchema(objectType),
  };
}

/** Read from the describe the client caches, so the fields read after it cost no second call. */
export async function salesforceObjectAccess(salesforce: Pick<SalesforceClient, 'describe'>, object: string): Promise<{ name: string; queryable: boolean }> {
  const described = (await salesforce.describe(object)) as { name?: unknown; queryable?: unknown };
  return { name: typeof described.name === 'string' ? described.name : object, queryable: described.queryable !== false };
}

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
  const { store } = sources;
  const port = customObjectSchemaFromConnectors(sources.salesforce, sources.hubspot);
  const result: CustomObjectPairs = { descriptions: [], refused: [] };
  for (const entry of entries) {
    const record = { object: entry.hubspotObjectType, salesforceId: entry.salesforceObject };
    const described = await describeConfiguredCustomObject(entry, port);
    if (described.ok) {
      result.descriptions.push(described.description);
      await store.syncErrors.resolveForRecords([record], now);
      continue;
    }
    result.refused.push({ salesforceObject: entry.salesforceObject, hubspotObjectType: entry.hubspotObjectType, reason: described.reason });
    await store.syncErrors.recordMany([{ ...record, hubspotId: null, category: 'permissions', vendorCode: REFUSED_ENTRY_CODE, field: null, message: described.reason, nextRetryAt: null }], now);
  }
  return result;
}

/**
 * One entry's description from the live schemas, with the fields that have no default mapping; or why the entry
 * cannot sync. Throws only what would stop every pair (see `unlessRefused`).
 */
export async function describeConfiguredCustomObject(entry: CustomObjectSync, port: CustomObjectSchemaPort): Promise<{ ok: true; description: LinkedObjectDescription } | { ok: false; reason: string }> {
  try {
    const salesforceObject = `Salesforce object ${entry.salesforceObject}`;
    const access = await unlessRefused(() => port.salesforceObjectAccess(entry.salesforceObject), salesforceObject);
    if (!access.queryable) throw new EntryRefused(`${salesforceObject} cannot be read by the integration user (not queryable); grant read access to it`);
    const fields = await unlessRefused(() => port.salesforceFields(entry.salesforceObject), salesforceObject);
    const hubspotType = `HubSpot object type ${entry.hubspotObjectType}`;
    const type = await unlessRefused(() => port.hubspotObjectSchema(entry.hubspotObjectType), hubspotType);
    // Custom object type ids are 2-n; 0-n are HubSpot's own objects, which sync through their own pairs.
    if (!/^2-\d+$/.test(type.objectTypeId)) throw new EntryRefused(`${hubspotType} is HubSpot's own object type ${type.objectTypeId}, not a custom object`);
    const properties = await unlessRefused(() => port.hubspotProperties(type.objectTypeId), hubspotType);
    const made = describeCustomObject(entry, { name: access.name, queryable: true, fields }, { ...type, properties });
    return { ok: true, description: { ...made.description, ...(made.unmapped.length > 0 ? { unmappedFields: made.unmapped } : {}) } };
  } catch (error) {
    if (!(error instanceof EntryRefused)) throw error;
    return { ok: false, reason: `customObjects entry ${entry.salesforceObject} → ${entry.hubspotObjectType} does not sync: ${error.message}` };
  }
}

/**
 * What an object name given to the mappings API or CLI means: a standard pair, a configured custom object (by its
 * Salesforce API name, any case), or nothing, with a message naming what is accepted.
 */
export function findSyncedObject(
  name: string,
  settings: Pick<Settings, 'customObjects'>,
): { kind: 'standard'; description: SyncObjectDescription } | { kind: 'custom'; entry: CustomObjectSync } | { kind: 'unknown'; message: string } {
  if (Object.hasOwn(syncObjectDescriptions, name)) return { kind: 'standard', description: syncObjectDescriptions[name as SyncObjectName] };
  const entry = settings.customObjects.find((candidate) => candidate.salesforceObject.toLowerCase() === name.toLowerCase());
  if (entry) return { kind: 'custom', entry };
  const configured = settings.customObjects.map((candidate) => candidate.salesforceObject);
  const custom = configured.length > 0 ? `or a custom object configured in customObjects (${configured.join(', ')})` : 'or a Salesforce custom object once it is configured in customObjects (none is)';
  return { kind: 'unknown', message: `${name} is not a synced object: use ${Object.keys(syncObjectDescriptions).join(', ')}, ${custom}` };
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
