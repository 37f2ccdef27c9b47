/**
 * Imports of existing Salesforce records (SPEC section 7, "Imports"): records polling will never bring because
 * they have not changed since crmsync was connected.
 *
 * Streaming: the records are read in pages in Id order (`WHERE Id > :cursor … ORDER BY Id LIMIT 2000`), each page
 * synced (src/engine/import/targets.ts) before the next is read, so memory stays flat whatever the size.
 * Resumable: the import is a row in the store (migration 0005_imports); after each page's writes are recorded its
 * cursor moves to the page's last Id, with the page's counts, in one statement. A process that stops (Ctrl+C,
 * kill -9) leaves the row unfinished; `resume` (the service at start, `crmsync import --resume`, or the same order
 * again) continues after the cursor. A page cut short is read again and planned again: its records already written
 * are linked by id, so they are updated or left alone, never created twice.
 * Pages run one at a time through `betweenCycles` (the service's turn), never beside a sync cycle.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { ImportPageCounts, ImportsRepository, StoredImport } from '../../store/imports.ts';
import type { CallCount } from '../contacts/ports.ts';
import { ImportRefusedError, type ImportControl, type ImportOrder, type ImportProgress } from '../import-control.ts';
import { readSettings, type SettingsStorePort } from '../settings.ts';
import type { ImportTarget } from './targets.ts';
import { OwnerDirectoryCache } from '../owners.ts';
import type { Settings } from '../../core/settings.ts';

/** SOQL's page, and the most ids a Salesforce retrieve takes: one page is one read and one retrieve. */
export const IMPORT_PAGE_SIZE = 2_000;

export type ImportsStorePort = Pick<ImportsRepository, 'create' | 'find' | 'listUnfinished' | 'setTotal' | 'advance' | 'resume' | 'finish'>;

export interface ImporterDeps {
  store: { imports: ImportsStorePort; settings: SettingsStorePort };
  salesforce: Pick<SalesforceClient, 'queryPages'>;
  calls: { salesforce: CallCount; hubspot: CallCount };
  clock: () => Date;
  targets: readonly ImportTarget[];
  /** Targets that exist only as settings make them (custom object pairs, described from the live schemas). */
  configuredTargets?: (settings: Settings) => Promise<readonly ImportTarget[]>;
  /** Runs a page between the service's own cycles; default: at once. */
  betweenCycles?: <T>(work: () => Promise<T>) => Promise<T>;
  /** This process, as the import's runner: `host:pid:nonce` (default), so another process can tell it is alive. */
  runner?: string;
  /** Told after each page is recorded (the CLI's progress bar). */
  onPage?: (progress: ImportProgress) => void | Promise<void>;
}

/** An Id literal is only ever one the cursor got from Salesforce; this keeps a tampered store row out of SOQL. */
const SALESFORCE_ID = /^[a-zA-Z0-9]{15,18}$/;

/** A runner on another host that has not moved its import for this long is taken for dead. */
const REMOTE_RUNNER_STALE_MS = 5 * 60_000;

export class Importer implements ImportControl {
  private readonly running = new Map<string, Promise<ImportProgress>>();
  private stopping = false;
  private readonly runner: string;

  constructor(private readonly deps: ImporterDeps) {
    this.runner = deps.runner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /**
   * Starts an import, or continues the unfinished one with the same object and bounds (running the same command
   * again after an interruption continues it).
   */
  async start(order: ImportOrder): Promise<{ importId: string }> {
    const target = await this.targetFor(order.object);
    const now = this.deps.clock();
    for (const [field, bound] of [['createdAfter', order.createdAfter], ['modifiedAfter', order.modifiedAfter]] as const) {
      if (bound && Number.isNaN(bound.getTime())) throw new ImportRefusedError(field, `${field} is not a valid date`);
      if (bound && bound.getTime() > now.getTime()) throw new ImportRefusedError(field, `${field} ${bound.toISOString()} is in the future: nothing could match`);
    }
    const same = (await this.deps.store.imports.listUnfinished()).find(
      (stored) => stored.object === target.object && sameInstant(stored.createdAfter, order.createdAfter) && sameInstant(stored.modifiedAfter, order.modifiedAfter),
    );
    if (same) return this.resume(same.importId);
    const stored = await this.deps.store.imports.create({ importId: randomUUID(), object: target.object, createdAfter: order.createdAfter, modifiedAfter: order.modifiedAfter, runner: this.runner }, now);
    this.launch(stored, target);
    return { importId: stored.importId };
  }

  /** Continues an unfinished import from its cursor; refuses one that succeeded or does not exist. */
  async resume(importId: string): Promise<{ importId: string }> {
    if (this.running.has(importId)) return { importId };
    const stored = await this.deps.store.imports.find(importId);
    if (!stored) throw new ImportRefusedError('importId', `no import has the id ${importId}`);
    if (stored.state === 'succeeded') throw new ImportRefusedError('importId', `import ${importId} of ${stored.object} has already finished: start a new one to import again`);
    // Two processes on the same pages would each create what the other has not linked yet.
    const holder = this.heldElsewhere(stored);
    if (holder) throw new ImportRefusedError('importId', `import ${importId} of ${stored.object} is running in another crmsync process (${holder}): let it finish, or stop it first`);
    const target = await this.targetFor(stored.object);
    if (!(await this.deps.store.imports.resume(importId, this.runner, stored.runner, this.deps.clock()))) {
      throw new ImportRefusedError('importId', `import ${importId} of ${stored.object} was just taken by another crmsync process`);
    }
    this.launch({ ...stored, state: 'running', failure: null }, target);
    return { importId };
  }

  /** Continues every import a stopped process left unfinished (the service does this at start). */
  async resumeUnfinished(): Promise<string[]> {
    const resumed: string[] = [];
    for (const stored of await this.deps.store.imports.listUnfinished()) {
      if (this.heldElsewhere(stored)) continue;
      try {
        resumed.push((await this.resume(stored.importId)).importId);
      } catch (error) {
        // Settings changed since (the pair switched off): the import stays interrupted with the reason.
        if (error instanceof ImportRefusedError && error.field === 'object') {
          await this.deps.store.imports.finish(stored.importId, { state: 'interrupted', failure: error.message }, this.deps.clock());
        } else if (!(error instanceof ImportRefusedError)) throw error;
      }
    }
    return resumed;
  }

  async status(importId: string): Promise<ImportProgress | null> {
    const stored = await this.deps.store.imports.find(importId);
    return stored ? toProgress(stored) : null;
  }

  /** The import's end (or its stop): what the CLI waits for. */
  async finished(importId: string): Promise<ImportProgress> {
    const run = this.running.get(importId);
    if (run) return run;
    const progress = await this.status(importId);
    if (!progress) throw new Error(`no import has the id ${importId}`);
    return progress;
  }

  /** Ends every import after the page in progress, marked interrupted: the next start continues them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.running.values());
  }

  /**
   * Who else runs this import, in words, when another live process does: on this host, its process is alive; on
   * another, it moved the import within the last five minutes. null: nobody (it was killed, or stopped).
   */
  private heldElsewhere(stored: StoredImport): string | null {
    if (stored.state !== 'running' || stored.runner === null || stored.runner === this.runner) return null;
    const [host, pidText] = stored.runner.split(':');
    const pid = Number(pidText);
    if (host === hostname() && Number.isInteger(pid)) return processAlive(pid) ? `process ${pid}` : null;
    return this.deps.clock().getTime() - stored.updatedAt.getTime() < REMOTE_RUNNER_STALE_MS ? `process ${pid} on ${host}` : null;
  }

  private async targetFor(object: string): Promise<ImportTarget> {
    const { settings } = await readSettings(this.deps.store.settings);
    const targets = [...this.deps.targets, ...((await this.deps.configuredTargets?.(settings)) ?? [])];
    const target = targets.find((candidate) => candidate.object.toLowerCase() === object.toLowerCase());
    if (!target) throw new ImportRefusedError('object', unavailable(object, targets));
    const refusal = target.refusal(settings);
    if (refusal) throw new ImportRefusedError('object', refusal);
    return target;
  }

  private launch(stored: StoredImport, target: ImportTarget): void {
    const run = this.run(stored, target).finally(() => this.running.delete(stored.importId));
    this.running.set(stored.importId, run);
  }

  private async run(stored: StoredImport, target: ImportTarget): Promise<ImportProgress> {
    const { store, clock } = this.deps;
    const { importId } = stored;
    const turn = this.deps.betweenCycles ?? ((work) => work());
    const bounds = { createdAfter: stored.createdAfter, modifiedAfter: stored.modifiedAfter };
    const where = target.conditions(bounds);
    let cursor = stored.cursor;
    const ownerCache = new OwnerDirectoryCache();
    try {
      if (stored.total === null) {
        const counted = await this.metered(async () => {
          let total = 0;
          const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
          for await (const [row] of this.deps.salesforce.queryPages(`SELECT COUNT(Id) FROM ${target.pageObject}${filter}`, target.pageObject)) total = typeof row?.expr0 === 'number' ? row.expr0 : total;
          return total;
        });
        await store.imports.setTotal(importId, counted.result, clock());
        await store.imports.advance(importId, null, { read: 0, created: 0, updated: 0, failed: 0, ...counted.calls }, clock());
      }
      for (;;) {
        if (this.stopping) {
          await store.imports.finish(importId, { state: 'interrupted', failure: 'crmsync stopped before the import finished: it continues at the next start' }, clock());
          break;
        }
        const after = cursor;
        const page = await turn(() =>
          this.metered(async () => {
            const settings = (await readSettings(store.settings)).settings;
            const refusal = target.refusal(settings);
            if (refusal) throw new Error(refusal);
            const prepared = target.preparePage ? await target.preparePage(settings) : undefined;
            const rows = await this.readPage(target, where, after, prepared?.fields ?? target.pageFields);
            const last = rows.at(-1)?.Id;
            const scope = [`Id >= '${String(rows[0]?.Id)}'`, `Id <= '${String(last)}'`, ...where].join(' AND ');
            return { rows: rows.length, last, counts: last === undefined ? null : await target.syncPage(rows, { settings, importId, scope, ownerCache, ...(prepared ? { prepared } : {}) }) };
          }),
        );
        if (!page.result.counts || page.result.last === undefined) {
          await store.imports.finish(importId, { state: 'succeeded', failure: null }, clock());
          break;
        }
        cursor = String(page.result.last);
        const counts: ImportPageCounts = { ...page.result.counts, ...page.calls };
        await store.imports.advance(importId, cursor, counts, clock());
        if (this.deps.onPage) await this.deps.onPage((await this.status(importId))!);
        if (page.result.rows < IMPORT_PAGE_SIZE) {
          await store.imports.finish(importId, { state: 'succeeded', failure: null }, clock());
          break;
        }
      }
    } catch (error) {
      // Failed, with the reason; the cursor stays where the last whole page left it, so a resume loses nothing.
      await store.imports.finish(importId, { state: 'failed', failure: (error as Error).message }, clock()).catch(() => undefined);
    }
    return (await this.status(importId))!;
  }

  private async readPage(target: ImportTarget, where: readonly string[], after: string | null, fields: readonly string[]) {
    if (after !== null && !SALESFORCE_ID.test(after)) throw new Error(`the import's cursor "${after}" is not a Salesforce id: the store row was altered`);
    const conditions = [...(after === null ? [] : [`Id > '${after}'`]), ...where];
    const filter = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    // Id leads every page (the cursor is read from it); a target's fields may name it too, which SOQL refuses twice.
    const soql = `SELECT ${['Id', ...fields.filter((field) => field !== 'Id')].join(', ')} FROM ${target.pageObject}${filter} ORDER BY Id LIMIT ${IMPORT_PAGE_SIZE}`;
    const rows = [];
    for await (const page of this.deps.salesforce.queryPages(soql, target.pageObject)) rows.push(...page);
    return rows;
  }

  /** The calls `work` made, from the meters (pages run alone in their turn, so the difference is theirs). */
  private async metered<T>(work: () => Promise<T>): Promise<{ result: T; calls: { salesforceCalls: number; hubspotCalls: number } }> {
    const before = { salesforce: this.deps.calls.salesforce.total, hubspot: this.deps.calls.hubspot.total };
    const result = await work();
    return { result, calls: { salesforceCalls: this.deps.calls.salesforce.total - before.salesforce, hubspotCalls: this.deps.calls.hubspot.total - before.hubspot } };
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sameInstant(stored: Date | null, asked: Date | null): boolean {
  return (stored?.getTime() ?? null) === (asked?.getTime() ?? null);
}

function unavailable(object: string, targets: readonly ImportTarget[]): string {
  const importable = targets.map((target) => target.object).join(', ');
  if (/__c$/i.test(object)) return `${object} is not a synced custom object: add its pair under custom objects first (importable: ${importable})`;
  return `importing ${object} is not supported: importable objects are ${importable}`;
}

function toProgress(stored: StoredImport): ImportProgress {
  return {
    importId: stored.importId,
    object: stored.object,
    state: stored.state,
    read: stored.read,
    total: stored.total,
    created: stored.created,
    updated: stored.updated,
    failed: stored.failed,
    failure: stored.failure,
    apiCalls: { salesforce: stored.salesforceCalls, hubspot: stored.hubspotCalls },
    startedAt: stored.startedAt.toISOString(),
    finishedAt: stored.finishedAt?.toISOString() ?? null,
  };
}
