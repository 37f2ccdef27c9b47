/**
 * What an import of each Salesforce object does with a page of records, found by the object's name. Contacts and
 * leads go through the contact cycle, every object of a link-matched pair (`linkedObjectDescriptions`: Account,
 * Opportunity, Case) and of a configured custom object pair through the linked cycle, Tasks and Events through the
 * activities cycle, a campaign through its members' leads and contacts. Each page is a cycle of those records only:
 * an import dedups, links and writes exactly as sync does, with the same intents, errors and audit.
 */
import type { SalesforceRecord } from '../../connectors/salesforce/client.ts';
import type { Settings } from '../../core/settings.ts';
import { linkedObjectDescriptions, type LinkedObjectDescription } from '../../objects/index.ts';
import { runContactSyncCycle, type ContactSyncSummary, type SyncCycleDeps } from '../cycle.ts';
import { soqlDateTime } from '../detect/salesforce-poll.ts';
import { runActivitySyncCycle } from '../activities/cycle.ts';
import { customObjectPairs } from '../custom-objects.ts';
import { runLinkedSyncCycle, type LinkedSyncSummary } from '../linked/cycle.ts';
import { isEnabled, linkedMappings, pairFacts, salesforceFieldsToRead, salesforceObjectOf, type LinkedMappings } from '../linked/records.ts';
import { runUnlessSuspended } from '../suspension.ts';
import { contactMappings, salesforceFieldsToRead as salesforceFieldsToReadFor, type ContactMappings } from '../contacts/records.ts';
import { liveMappingSchema } from '../mapping-types.ts';
import type { OwnerDirectoryCache } from '../owners.ts';

export interface ImportBounds {
  createdAfter: Date | null;
  modifiedAfter: Date | null;
}

/** What one page did, in the import's summary terms. */
export interface ImportPageResult {
  read: number;
  created: number;
  updated: number;
  /** Records a system refused or that could not be written (waiting for a parent included): on Sync Health. */
  failed: number;
}

export interface ImportTarget {
  /** The object an import names: Lead, Account, Campaign… */
  object: string;
  /** The object paged in Id order: the object itself, or CampaignMember for a campaign. */
  pageObject: string;
  /** Fields read with each page's ids (a campaign member's person). */
  pageFields: readonly string[];
  /**
   * Read before each page: the fields the pair's cycle needs, so the page query is the record read (one SOQL page,
   * no second call to retrieve the same records by id), and what the cycle would otherwise work out again.
   */
  preparePage?(settings: Settings): Promise<PreparedPage>;
  /** SOQL conditions on `pageObject` besides the cursor: the bounds, and what never syncs anyway. */
  conditions(bounds: ImportBounds): string[];
  /** Why the object cannot be imported with these settings, naming the setting; null: it can. */
  refusal(settings: Settings): string | null;
  /** `scope`: a SOQL condition on `pageObject` selecting exactly this page's rows. */
  /** `ownerCache`: one per import run, so the owner directory is read once per import, not once per page. */
  syncPage(rows: readonly SalesforceRecord[], context: { settings: Settings; importId: string; scope: string; ownerCache: OwnerDirectoryCache; prepared?: PreparedPage }): Promise<ImportPageResult>;
}

export type PreparedPage = { fields: readonly string[] } & ({ kind: 'linked'; mapped: LinkedMappings } | { kind: 'contacts'; mapped: ContactMappings });

export function importTargets(deps: SyncCycleDeps): ImportTarget[] {
  return [
    contactTarget(deps, 'Lead'),
    contactTarget(deps, 'Contact'),
    ...linkedObjectDescriptions.map((description) => linkedTarget(deps, description)),
    campaignTarget(deps),
    activityTarget(deps, 'Task'),
    activityTarget(deps, 'Event'),
  ];
}

/**
 * Custom object pairs exist only as `customObjects` entries make them, described from both live schemas: their
 * targets are made when an import asks, through the same description and linked cycle as sync (a refused entry
 * has none, and the import is refused naming the object).
 */
export async function customObjectImportTargets(deps: SyncCycleDeps, settings: Settings): Promise<ImportTarget[]> {
  if (settings.customObjects.length === 0) return [];
  const pairs = await customObjectPairs(settings.customObjects, deps, deps.clock());
  return pairs.descriptions.map((description) => linkedTarget(deps, description));
}

/** Which `activities.fromSalesforce` toggles let Tasks or Events through (docs/activities.md). */
const activityToggles = { Task: ['tasks', 'emails', 'calls'], Event: ['meetings'] } as const;

/**
 * Tasks and Events go through the activities cycle with their ids, as HubSpot's own import of Salesforce tasks does:
 * each is associated with the linked contact, company and deal, or waits (an associations error) for its contact.
 */
function activityTarget(deps: SyncCycleDeps, object: 'Task' | 'Event'): ImportTarget {
  const toggles = activityToggles[object];
  return pairTarget(
    deps,
    object,
    (settings) =>
      toggles.some((toggle) => settings.activities.fromSalesforce[toggle])
        ? null
        : `importing ${object} needs ${toggles.map((toggle) => `activities.fromSalesforce.${toggle}`).join(' or ')} to be true (all off): turn Salesforce → HubSpot activity sync on first`,
    (ids, context) => runActivitySyncCycle({ ...deps, ownerCache: context.ownerCache }, { settings: context.settings, runId: context.importId, importIds: { object, ids } }),
  );
}

/** One page through a pair's cycle (linked or activities), unless the integration is suspended. */
async function pairPage(deps: SyncCycleDeps, rows: readonly SalesforceRecord[], cycle: (ids: readonly string[]) => Promise<LinkedSyncSummary>): Promise<ImportPageResult> {
  const ids = rows.map((row) => String(row.Id));
  const summary = await runUnlessSuspended(deps.store.integrationState, deps.clock, () => cycle(ids), deps.notify);
  return {
    read: ids.length,
    created: summary.hubspot.created + summary.salesforce.created,
    updated: summary.hubspot.updated + summary.salesforce.updated,
    failed: summary.hubspot.failed + summary.salesforce.failed + summary.waitingForParent,
  };
}

function dateConditions(bounds: ImportBounds, prefix = ''): string[] {
  return [
    ...(bounds.createdAfter ? [`${prefix}CreatedDate >= ${soqlDateTime(bounds.createdAfter)}`] : []),
    ...(bounds.modifiedAfter ? [`${prefix}LastModifiedDate >= ${soqlDateTime(bounds.modifiedAfter)}`] : []),
  ];
}

function contactPage(deps: SyncCycleDeps, object: 'Lead' | 'Contact', ids: readonly string[], read?: { records: readonly SalesforceRecord[]; mapped: ContactMappings }): Promise<ContactSyncSummary> {
  // Salesforce is not polled: the page is the change. HubSpot is, which is cheap and keeps its cursor moving.
  return runUnlessSuspended(deps.store.integrationState, deps.clock, () => runContactSyncCycle({ ...deps, importIds: { object, ids, ...(read ? { read } : {}) }, pollSalesforce: false }), deps.notify);
}

function contactCounts(summary: ContactSyncSummary): Omit<ImportPageResult, 'read'> {
  return {
    created: summary.hubspot.created + summary.salesforce.created,
    updated: summary.hubspot.updated + summary.salesforce.updated,
    // A value that could not be converted is a sync error, not a failed record: the rest of the record synced.
    failed: summary.hubspot.failed + summary.salesforce.failed,
  };
}

function contactTarget(deps: SyncCycleDeps, object: 'Lead' | 'Contact'): ImportTarget {
  return {
    object,
    pageObject: object,
    pageFields: [],
    // A person with no email never syncs (SPEC section 5), and a converted lead lives on as its contact.
    conditions: (bounds) => [...dateConditions(bounds), 'Email != null', ...(object === 'Lead' ? ['IsConverted = false'] : [])],
    refusal: () => null,
    preparePage: async () => {
      const mapped = await contactMappings(deps.store, liveMappingSchema(deps.salesforce, deps.hubspot));
      return { kind: 'contacts', fields: salesforceFieldsToReadFor(object, mapped.mappings), mapped };
    },
    syncPage: async (rows, { ownerCache, prepared }) => {
      const read = prepared && prepared.kind === 'contacts' ? { records: rows, mapped: prepared.mapped } : undefined;
      return { read: rows.length, ...contactCounts(await contactPage({ ...deps, ownerCache }, object, rows.map((row) => String(row.Id)), read)) };
    },
  };
}

function linkedTarget(deps: SyncCycleDeps, description: LinkedObjectDescription): ImportTarget {
  const object = salesforceObjectOf(description);
  const target = pairTarget(
    deps,
    object,
    // HubSpot's rule too: the pair's sync must be on before its import, or nothing would be created.
    (settings) => (isEnabled(description, settings) ? null : `importing ${object} needs ${description.enabledSettingKey} to be true (it is off): turn ${description.name} sync on first`),
    (ids, context, rows) =>
      runLinkedSyncCycle({ ...deps, ownerCache: context.ownerCache }, description, {
        settings: context.settings,
        runId: context.importId,
        importIds: ids,
        importScope: context.scope,
        ...(context.prepared?.kind === 'linked' ? { importRecords: rows, mapped: context.prepared.mapped } : {}),
      }),
  );
  return {
    ...target,
    preparePage: async (settings) => {
      const mapped = await linkedMappings(description, deps.store, deps.salesforce, deps.hubspot);
      return { kind: 'linked', fields: salesforceFieldsToRead(pairFacts(description, settings), mapped.mappings), mapped };
    },
  };
}

/** An object paged by itself, each page of ids through a pair's cycle (linked or activities). */
function pairTarget(
  deps: SyncCycleDeps,
  object: string,
  refusal: ImportTarget['refusal'],
  cycle: (ids: readonly string[], context: Parameters<ImportTarget['syncPage']>[1], rows: readonly SalesforceRecord[]) => Promise<LinkedSyncSummary>,
): ImportTarget {
  return {
    object,
    pageObject: object,
    pageFields: [],
    conditions: (bounds) => dateConditions(bounds),
    refusal,
    syncPage: (rows, context) => pairPage(deps, rows, (ids) => cycle(ids, context, rows)),
  };
}

/**
 * A campaign import brings the campaign's members: the leads and contacts of the CampaignMember rows of the active
 * campaigns created / modified within the bounds (HubSpot's own import takes one active campaign). A converted
 * lead's membership moved to its contact, which comes through its own row.
 */
function campaignTarget(deps: SyncCycleDeps): ImportTarget {
  return {
    object: 'Campaign',
    pageObject: 'CampaignMember',
    pageFields: ['LeadId', 'ContactId'],
    conditions: (bounds) => ['Campaign.IsActive = true', ...dateConditions(bounds, 'Campaign.'), '(ContactId != null OR Lead.IsConverted = false)'],
    refusal: () => null,
    syncPage: async (rows, { ownerCache }) => {
      // Read counts memberships, as the total does, so the progress reaches it; a person in two campaigns syncs once.
      const result: ImportPageResult = { read: rows.length, created: 0, updated: 0, failed: 0 };
      // A row with a contact is that contact's (Salesforce keeps LeadId on the rows of a converted lead).
      const people = { Lead: new Set<string>(), Contact: new Set<string>() };
      for (const row of rows) {
        if (typeof row.ContactId === 'string') people.Contact.add(row.ContactId);
        else if (typeof row.LeadId === 'string') people.Lead.add(row.LeadId);
      }
      for (const object of ['Lead', 'Contact'] as const) {
        const ids = [...people[object]];
        if (ids.length === 0) continue;
        const counts = contactCounts(await contactPage({ ...deps, ownerCache }, object, ids));
        result.created += counts.created;
        result.updated += counts.updated;
        result.failed += counts.failed;
      }
      return result;
    },
  };
}
