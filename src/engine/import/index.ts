/** The importer the CLI and the service use: every target, pages through `betweenCycles` (the service's turn). */
import type { SyncCycleDeps } from '../cycle.ts';
import type { ImportProgress } from '../import-control.ts';
import type { ImportsStorePort } from './importer.ts';
import { Importer } from './importer.ts';
import { customObjectImportTargets, importTargets } from './targets.ts';

export { Importer, IMPORT_PAGE_SIZE, type ImporterDeps, type ImportsStorePort } from './importer.ts';
export { customObjectImportTargets, importTargets, type ImportTarget, type ImportPageResult } from './targets.ts';

export function importerFor(
  deps: SyncCycleDeps & { store: SyncCycleDeps['store'] & { imports: ImportsStorePort } },
  options: { betweenCycles?: <T>(work: () => Promise<T>) => Promise<T>; onPage?: (progress: ImportProgress) => void | Promise<void> } = {},
): Importer {
  return new Importer({ store: deps.store, salesforce: deps.salesforce, calls: deps.calls, clock: deps.clock, targets: importTargets(deps), configuredTargets: (settings) => customObjectImportTargets(deps, settings), ...options });
}
