/**
 * What the outside (HTTP API, UI, CLI) may ask of the running sync service, and what it can see of it. The
 * service loop (src/engine/service.ts) implements it; the server depends on this port only, so the API can be
 * tested with a fake and the loop without a server.
 */
export type SyncPhase = 'starting' | 'initial_sync' | 'idle' | 'syncing' | 'suspended' | 'waiting_for_budget' | 'stopped';

export interface SyncProgress {
  /** What is being synced now, in words ("contacts: HubSpot → Salesforce"). */
  step: string;
  /** Records handled so far in this run, and the total when known (null: still counting). */
  done: number;
  total: number | null;
}

export interface SyncStatus {
  phase: SyncPhase;
  /** The run in progress, or null between runs. */
  current: { runId: string | null; kind: 'initial' | 'incremental' | 'resync' | 'import'; startedAt: Date; progress: SyncProgress | null } | null;
  /** The last run that ended, whatever its outcome. */
  lastRun: { runId: string; outcome: 'succeeded' | 'partial' | 'failed'; finishedAt: Date; failure: string | null } | null;
  /** When the last run that was not 'failed' ended: Sync Health's lag and /metrics' crmsync_sync_lag_seconds. */
  lastSuccessAt: Date | null;
  /** When the loop will start its next run by itself (poll interval, back-off, budget window). */
  nextRunAt: Date | null;
}

export interface SyncControl {
  status(): SyncStatus;
  /**
   * Asks for a run as soon as possible (`POST /api/sync`, a resync): coalesced with a run already asked for.
   * Resolves when that run has ended; rejects only if the service is stopped.
   */
  requestRun(reason: string): Promise<void>;
  /** Called on every change of status (phase, progress, run end): the UI's live updates. Returns an unsubscribe. */
  onStatus(listener: (status: SyncStatus) => void): () => void;
}
