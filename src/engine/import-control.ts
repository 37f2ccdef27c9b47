/**
 * Imports of existing Salesforce records (SPEC section 7, "Imports"): what the HTTP API (`POST /api/import`,
 * `GET /api/import/{id}`) may ask of whatever runs them (src/engine/import). The server depends on this port only;
 * with none configured those routes answer 501.
 */

export interface ImportOrder {
  /** The Salesforce object to import: Lead, Contact, Account, Opportunity, Task, Case, Campaign, or a custom object. */
  object: string;
  /** Only records created / modified at or after these instants; null: no bound. */
  createdAfter: Date | null;
  modifiedAfter: Date | null;
}

export interface ImportProgress {
  importId: string;
  object: string;
  state: 'running' | 'succeeded' | 'failed' | 'interrupted';
  read: number;
  /** null while still counting. */
  total: number | null;
  created: number;
  updated: number;
  failed: number;
  failure: string | null;
  /** Vendor calls the import spent so far (its pages, and the count before them). */
  apiCalls: { salesforce: number; hubspot: number };
  startedAt: string;
  /** null while running or interrupted. */
  finishedAt: string | null;
}

/** An order the importer cannot take (an object it does not import, a bound in the future), with the reason. */
export class ImportRefusedError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ImportRefusedError';
  }
}

export interface ImportControl {
  /** Starts an import and returns at once with its id; throws ImportRefusedError for an order it cannot take. */
  start(order: ImportOrder): Promise<{ importId: string }>;
  /** The import's progress, or null when no import has this id. */
  status(importId: string): Promise<ImportProgress | null>;
}
