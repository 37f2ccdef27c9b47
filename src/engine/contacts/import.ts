/**
 * Import of existing Salesforce leads and contacts (SPEC section 7, "Imports"): records that polling will never
 * bring because they have not changed since crmsync was connected. The ids are read page by page (SOQL pages of
 * 2,000, filtered by created / modified date) and each page goes through the contact cycle as if those records had
 * changed, so an import dedups, links and writes exactly as sync does, with the same intents, errors and audit.
 * Pages run one at a time between the service's own cycles (`exclusive`), never beside one.
 *
 * Other objects (accounts, opportunities, tasks, cases, campaigns, custom objects) are refused with the reason
 * until their sync paths take imports (issue 5).
 */
import { randomUUID } from 'node:crypto';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import { runSyncCycle, type SyncCycleDeps } from '../cycle.ts';
import { ImportRefusedError, type ImportControl, type ImportOrder, type ImportProgress } from '../import-control.ts';
import type { ContactSyncSummary } from './cycle.ts';

const IMPORTABLE = ['Lead', 'Contact'] as const;
type ImportableObject = (typeof IMPORTABLE)[number];

export interface ContactImporterDeps {
  salesforce: Pick<SalesforceClient, 'queryPages'>;
  /** Runs one contact cycle for these ids (with Salesforce polling off), between the service's own cycles. */
  syncPage: (page: { object: ImportableObject; ids: readonly string[] }) => Promise<ContactSyncSummary>;
  clock: () => Date;
}

/** SOQL datetime literal: no quotes, UTC, whole seconds (SOQL and SOSL Reference, "Date Formats"). */
function soqlDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export class ContactImporter implements ImportControl {
  private readonly imports = new Map<string, ImportProgress>();

  constructor(private readonly deps: ContactImporterDeps) {}

  async start(order: ImportOrder): Promise<{ importId: string }> {
    if (!IMPORTABLE.includes(order.object as ImportableObject)) {
      throw new ImportRefusedError('object', `importing ${order.object} is not supported yet: this version imports ${IMPORTABLE.join(' and ')} records`);
    }
    const now = this.deps.clock();
    for (const [field, bound] of [['createdAfter', order.createdAfter], ['modifiedAfter', order.modifiedAfter]] as const) {
      if (bound && bound.getTime() > now.getTime()) throw new ImportRefusedError(field, `${field} ${bound.toISOString()} is in the future: nothing could match`);
    }
    const importId = randomUUID();
    const progress: ImportProgress = { importId, object: order.object, state: 'running', read: 0, total: null, created: 0, updated: 0, failed: 0, failure: null };
    this.imports.set(importId, progress);
    void this.run(order.object as ImportableObject, order, progress);
    return { importId };
  }

  async status(importId: string): Promise<ImportProgress | null> {
    const progress = this.imports.get(importId);
    return progress ? { ...progress } : null;
  }

  private async run(object: ImportableObject, order: ImportOrder, progress: ImportProgress): Promise<void> {
    const conditions = [
      ...(order.createdAfter ? [`CreatedDate >= ${soqlDateTime(order.createdAfter)}`] : []),
      ...(order.modifiedAfter ? [`LastModifiedDate >= ${soqlDateTime(order.modifiedAfter)}`] : []),
      // A person with no email never syncs (SPEC section 5): not worth reading.
      'Email != null',
      ...(object === 'Lead' ? ['IsConverted = false'] : []),
    ];
    const where = `WHERE ${conditions.join(' AND ')}`;
    try {
      for await (const [row] of this.deps.salesforce.queryPages(`SELECT COUNT(Id) FROM ${object} ${where}`, object)) {
        progress.total = typeof row?.expr0 === 'number' ? row.expr0 : progress.total;
      }
      for await (const page of this.deps.salesforce.queryPages(`SELECT Id FROM ${object} ${where} ORDER BY Id`, object)) {
        const ids = page.map((record) => String(record.Id));
        progress.read += ids.length;
        const summary = await this.deps.syncPage({ object, ids });
        progress.created += summary.hubspot.created + summary.salesforce.created;
        progress.updated += summary.hubspot.updated + summary.salesforce.updated;
        // Records a system refused; a value that could not be converted is a sync error on Sync Health, not a
        // failed record (the rest of the record synced).
        progress.failed += summary.hubspot.failed + summary.salesforce.failed;
      }
      progress.total = progress.read;
      progress.state = 'succeeded';
    } catch (error) {
      progress.state = 'failed';
      progress.failure = (error as Error).message;
    }
  }
}

/**
 * The importer the CLI and the service use: each page is a sync cycle for those records only (Salesforce is not
 * polled, HubSpot is, which is cheap), run through `betweenCycles` so it never runs beside one of the service's.
 */
export function contactImporterFor(deps: SyncCycleDeps, betweenCycles: <T>(work: () => Promise<T>) => Promise<T> = (work) => work()): ContactImporter {
  return new ContactImporter({
    salesforce: deps.salesforce,
    clock: deps.clock,
    syncPage: (page) => betweenCycles(async () => (await runSyncCycle({ ...deps, importIds: page, pollSalesforce: false })).contacts),
  });
}
