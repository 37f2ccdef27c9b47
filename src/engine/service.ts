/**
 * The sync service of `crmsync start`: one loop that runs sync cycles, one at a time, for as long as the process
 * lives. A cycle starts when the poll interval has passed since the last one, when a trigger (HubSpot webhook,
 * Salesforce change event) says a record changed, or when someone asks (`POST /api/sync`, a resync). Polling stays
 * on whatever the triggers do: they only bring a cycle forward (docs/architecture.md, Detect).
 *
 * What stops it short of a cycle, and how it comes back by itself:
 * - a suspension (SPEC section 7): no cycle runs until an admin clears it; checked every poll interval;
 * - the API allocation spent (`ApiBudgetExhaustedError`): waits and tries again, the pending work kept;
 * - a failed cycle (a vendor down): the next one comes after a back-off that doubles up to the poll interval.
 */
import type { TriggerBatch } from './detect/triggers.ts';
import type { SyncControl, SyncProgress, SyncStatus } from './sync-control.ts';

export interface CycleOutcome {
  runId: string;
  outcome: 'succeeded' | 'partial';
}

export interface CycleRequest {
  kind: 'initial' | 'incremental';
  /** Why this cycle runs, for the log: "poll", "trigger", or what an admin asked. */
  reason: string;
  /** The trigger hints taken for this cycle (empty on a plain poll). */
  hints: TriggerBatch;
  /** Reports progress while the cycle runs (a progress bar, the UI). */
  onProgress: (progress: SyncProgress) => void;
}

/** Where hints come from: the TriggerHub, or nothing when no trigger is configured. */
export interface HintSource {
  next(options: { signal?: AbortSignal }): Promise<TriggerBatch>;
}

export interface SyncServiceOptions {
  runCycle: (request: CycleRequest) => Promise<CycleOutcome>;
  /** Whether a first cycle has ever finished (decides 'initial' vs 'incremental'). */
  hasSynced: () => Promise<boolean>;
  /** The suspension in force, or null. */
  readSuspension: () => Promise<{ state: string; reason: string } | null>;
  hints?: HintSource;
  clock: () => Date;
  pollIntervalMs: number;
  /** How long to wait after a hint for more to arrive, so a burst of edits makes one cycle. */
  triggerDebounceMs?: number;
  /** How long to wait before asking for budget again once the allocation is spent. */
  budgetRetryMs?: number;
  /** Told of each cycle's end and of what stops the loop: the service's log. */
  onEvent?: (event: ServiceEvent) => void;
}

export type ServiceEvent =
  | { kind: 'cycle_started'; cycleKind: 'initial' | 'incremental'; reason: string }
  | { kind: 'cycle_finished'; runId: string; outcome: 'succeeded' | 'partial'; durationMs: number }
  | { kind: 'cycle_failed'; error: Error; retryInMs: number }
  | { kind: 'budget_exhausted'; retryInMs: number }
  | { kind: 'suspended'; state: string; reason: string };

/**
 * Whether a cycle polls Salesforce. Every idle poll spends Salesforce calls from the org's daily limit (HubSpot's
 * search does not), so while change events are live they carry the changes and polling is the occasional safety
 * net; a change event, a reconciliation request, an admin's "sync now" or the first cycle polls at once.
 */
export function shouldPollSalesforce(input: {
  kind: 'initial' | 'incremental';
  reason: string;
  hints: TriggerBatch;
  changeEventsLive: boolean;
  lastPolledAt: Date | null;
  now: Date;
  safetyPollMs: number;
}): boolean {
  if (input.kind === 'initial' || !input.changeEventsLive || input.lastPolledAt === null) return true;
  if (input.reason !== 'poll' && input.reason !== 'trigger') return true;
  if (input.hints.records.some((hint) => hint.system === 'salesforce')) return true;
  if (input.hints.reconciliations.some((request) => request.system === 'salesforce')) return true;
  return input.now.getTime() - input.lastPolledAt.getTime() >= input.safetyPollMs;
}

const EMPTY_BATCH: TriggerBatch = { records: [], reconciliations: [] };

function isBudgetExhausted(error: unknown): boolean {
  return error instanceof Error && error.name === 'ApiBudgetExhaustedError';
}

/** A timer the loop can cut short: a trigger, a request to run, or stop(). */
class Wakeable {
  private controller = new AbortController();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  wake(): void {
    this.controller.abort();
  }

  /** Sleeps up to `ms`; returns early when woken. Each sleep starts unwoken. */
  async sleep(ms: number): Promise<void> {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    const { signal } = this.controller;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  reset(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }
}

/** One at a time: the loop's cycles and whatever else writes through the engine (an import's pages). */
class Turns {
  private tail: Promise<unknown> = Promise.resolve();

  take<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.tail.then(work, work);
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}

export class SyncService implements SyncControl {
  private readonly turns = new Turns();
  private current: SyncStatus = { phase: 'starting', current: null, lastRun: null, lastSuccessAt: null, nextRunAt: null };
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private readonly timer = new Wakeable();
  private stopped = false;
  private loopDone: Promise<void> | null = null;
  /** Requests waiting for the next cycle to end, with the reasons they gave. */
  private waitingRequests: Array<{ reason: string; resolve: () => void; reject: (error: Error) => void }> = [];
  private failures = 0;
  private readonly debounceMs: number;
  private readonly budgetRetryMs: number;

  constructor(private readonly options: SyncServiceOptions) {
    this.debounceMs = options.triggerDebounceMs ?? 250;
    this.budgetRetryMs = options.budgetRetryMs ?? 60_000;
  }

  status(): SyncStatus {
    return this.current;
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  requestRun(reason: string): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the sync service is stopped'));
    const done = new Promise<void>((resolve, reject) => this.waitingRequests.push({ reason, resolve, reject }));
    this.timer.wake();
    return done;
  }

  /**
   * Runs other engine work (a page of an import) between cycles, never beside one: two cycles writing the same
   * records at once could both create what neither has linked yet.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.turns.take(work);
  }

  /** Starts the loop; the returned promise settles when the first cycle has ended (or could not run). */
  start(): Promise<void> {
    if (this.loopDone) throw new Error('the sync service is already started');
    let firstCycleEnded: () => void = () => undefined;
    const firstCycle = new Promise<void>((resolve) => (firstCycleEnded = resolve));
    this.loopDone = this.loop(firstCycleEnded);
    return firstCycle;
  }

  /** Lets the cycle in progress finish (its writes are recorded), then ends the loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer.wake();
    await this.loopDone;
    this.update({ phase: 'stopped', current: null, nextRunAt: null });
    for (const request of this.waitingRequests.splice(0)) request.reject(new Error('the sync service stopped before running'));
  }

  private async loop(firstCycleEnded: () => void): Promise<void> {
    let hints = EMPTY_BATCH;
    let reason = 'start';
    while (!this.stopped) {
      const delayMs = await this.runOnce(reason, hints);
      firstCycleEnded();
      if (this.stopped) break;
      ({ hints, reason } = await this.waitForNextCycle(delayMs));
    }
  }

  /** One turn of the loop: a cycle, or the reason there was none. Returns how long to wait before the next. */
  private async runOnce(reason: string, hints: TriggerBatch): Promise<number> {
    const requests = this.waitingRequests.splice(0);
    const settle = (error?: Error) => {
      for (const request of requests) {
        if (error) request.reject(error);
        else request.resolve();
      }
    };
    const suspension = await this.options.readSuspension().catch(() => null);
    if (suspension) {
      this.update({ phase: 'suspended', current: null });
      this.options.onEvent?.({ kind: 'suspended', state: suspension.state, reason: suspension.reason });
      settle(new Error(`syncing is suspended (${suspension.state}): ${suspension.reason}`));
      return this.options.pollIntervalMs;
    }
    const kind = (await this.options.hasSynced()) ? 'incremental' : 'initial';
    const why = requests.length > 0 ? requests.map((request) => request.reason).join(', ') : reason;
    const startedAt = this.options.clock();
    this.update({ phase: kind === 'initial' ? 'initial_sync' : 'syncing', current: { runId: null, kind, startedAt, progress: null }, nextRunAt: null });
    this.options.onEvent?.({ kind: 'cycle_started', cycleKind: kind, reason: why });
    try {
      const result = await this.turns.take(() => this.options.runCycle({
        kind,
        reason: why,
        hints,
        onProgress: (progress) => {
          if (this.current.current) this.update({ current: { ...this.current.current, progress } });
        },
      }));
      const finishedAt = this.options.clock();
      this.failures = 0;
      this.update({
        phase: 'idle',
        current: null,
        lastRun: { runId: result.runId, outcome: result.outcome, finishedAt, failure: null },
        lastSuccessAt: finishedAt,
      });
      this.options.onEvent?.({ kind: 'cycle_finished', runId: result.runId, outcome: result.outcome, durationMs: finishedAt.getTime() - startedAt.getTime() });
      settle();
      return this.options.pollIntervalMs;
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      const finishedAt = this.options.clock();
      const lastRun = { runId: (error as { runId?: string }).runId ?? '', outcome: 'failed' as const, finishedAt, failure: error.message };
      settle(error);
      if (isBudgetExhausted(error)) {
        this.update({ phase: 'waiting_for_budget', current: null, lastRun });
        this.options.onEvent?.({ kind: 'budget_exhausted', retryInMs: this.budgetRetryMs });
        return this.budgetRetryMs;
      }
      this.failures += 1;
      const retryInMs = Math.min(this.options.pollIntervalMs, 1_000 * 2 ** (this.failures - 1));
      this.update({ phase: 'idle', current: null, lastRun });
      this.options.onEvent?.({ kind: 'cycle_failed', error, retryInMs });
      return retryInMs;
    }
  }

  /** Waits for the delay, a trigger hint, or a request to run, whichever comes first. */
  private async waitForNextCycle(delayMs: number): Promise<{ hints: TriggerBatch; reason: string }> {
    if (this.waitingRequests.length > 0) return { hints: EMPTY_BATCH, reason: 'requested' };
    this.timer.reset();
    this.update({ nextRunAt: new Date(this.options.clock().getTime() + delayMs) });
    const timeout = setTimeout(() => this.timer.wake(), delayMs);
    try {
      if (!this.options.hints) {
        await this.timer.sleep(delayMs);
        return { hints: EMPTY_BATCH, reason: this.waitingRequests.length > 0 ? 'requested' : 'poll' };
      }
      const batch = await this.options.hints.next({ signal: this.timer.signal });
      const hinted = batch.records.length + batch.reconciliations.length > 0;
      if (!hinted || this.stopped) return { hints: batch, reason: this.waitingRequests.length > 0 ? 'requested' : 'poll' };
      // A burst of edits (a list import, a mass update) makes one cycle rather than one per record.
      this.timer.reset();
      await this.timer.sleep(this.debounceMs);
      const more = await this.options.hints.next({ signal: AbortSignal.abort() });
      return { hints: { records: [...batch.records, ...more.records], reconciliations: [...batch.reconciliations, ...more.reconciliations] }, reason: 'trigger' };
    } finally {
      clearTimeout(timeout);
    }
  }

  private update(change: Partial<SyncStatus>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) {
      try {
        listener(this.current);
      } catch {
        // A listener (an SSE client gone away) must not stop the loop.
      }
    }
  }
}
