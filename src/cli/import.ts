/**
 * `crmsync import`: an import in the foreground, with a progress bar on a terminal (plain lines otherwise) and a
 * summary at the end. Ctrl+C stops after the page in progress; the import id printed first continues it
 * (`--resume <id>`, or the same command again), as does the service at its next start.
 */
import type { ImportProgress } from '../engine/import-control.ts';
import { importerFor } from '../engine/import/index.ts';
import type { Store } from '../store/open.ts';
import { ProgressDisplay } from './start.ts';
import type { SyncSystems } from './sync.ts';

export interface ImportCommand {
  object?: string;
  createdAfter?: Date;
  modifiedAfter?: Date;
  resume?: string;
}

/** What can be refused before connecting to anything. */
export function checkImportCommand(command: ImportCommand): void {
  if (!command.resume && !command.object) throw new ImportCommandError('say which object to import (--object) or which import to continue (--resume <id>)');
  if (command.resume && (command.object || command.createdAfter || command.modifiedAfter)) {
    throw new ImportCommandError('--resume continues an import with its own object and dates: give --resume alone');
  }
}

export async function runImportCommand(store: Store, systems: SyncSystems, command: ImportCommand, print: (line: string) => void = console.log): Promise<ImportProgress> {
  const interactive = process.stdout.isTTY === true;
  const display = new ProgressDisplay(print, interactive);
  // Off a terminal (logs, CI) a line per page: 2,000 records a line keeps a large import readable.
  const onPage = (progress: ImportProgress) =>
    interactive ? display.update({ step: `importing ${progress.object}`, done: progress.read, total: progress.total }) : print(`  ${progress.object}: ${counts(progress)}`);
  checkImportCommand(command);
  const importer = importerFor({ ...systems.deps, store }, { onPage });
  const { importId } = command.resume
    ? await importer.resume(command.resume)
    : await importer.start({ object: command.object!, createdAfter: command.createdAfter ?? null, modifiedAfter: command.modifiedAfter ?? null });
  const begun = (await importer.status(importId))!;
  print(`import ${importId} of ${begun.object}${begun.read > 0 ? `: continuing after ${begun.read} records` : ''} (continue it with crmsync import --resume ${importId})`);
  const stop = () => void importer.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const done = await importer.finished(importId);
    display.end();
    print(formatImportSummary(done));
    if (done.state === 'failed') throw new ImportCommandError(`the import failed: ${done.failure ?? 'unknown reason'}. Continue it with crmsync import --resume ${importId}`);
    return done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function formatImportSummary(progress: ImportProgress): string {
  const state = progress.state === 'interrupted' ? `interrupted (crmsync import --resume ${progress.importId} continues it)` : progress.state;
  return [
    `import of ${progress.object}: ${state}`,
    `  ${counts(progress)}`,
    `  API calls: Salesforce ${progress.apiCalls.salesforce}, HubSpot ${progress.apiCalls.hubspot}`,
    ...(progress.failed > 0 ? ['  the failed records are on Sync Health (crmsync errors)'] : []),
  ].join('\n');
}

function counts(progress: ImportProgress): string {
  return `read ${progress.read}${progress.total === null ? '' : ` of ${progress.total}`}, created ${progress.created}, updated ${progress.updated}, failed ${progress.failed}`;
}

/** A user's mistake on the command line or an import that could not finish: one line, exit code 1. */
export class ImportCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportCommandError';
  }
}
