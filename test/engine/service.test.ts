import { afterEach, describe, expect, it } from 'vitest';
import { TriggerHub } from '../../src/engine/detect/triggers.ts';
import { shouldPollSalesforce, SyncService, type CycleRequest, type SyncServiceOptions } from '../../src/engine/service.ts';
import type { SyncStatus } from '../../src/engine/sync-control.ts';

/** A cycle the test finishes by hand, so "what happens while a cycle runs" is decided, not raced. */
function controllableCycles() {
  const requests: CycleRequest[] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  let arrived: (() => void) | null = null;
  let runs = 0;
  return {
    requests,
    get runs() {
      return runs;
    },
    runCycle: (request: CycleRequest) => {
      requests.push(request);
      runs += 1;
      arrived?.();
      return new Promise<{ runId: string; outcome: 'succeeded' }>((resolve, reject) => {
        pending.push({ resolve: () => resolve({ runId: `run-${runs}`, outcome: 'succeeded' }), reject });
      });
    },
    /** Waits until `count` cycles have started. */
    async started(count: number) {
      while (runs < count) await new Promise<void>((resolve) => (arrived = resolve));
    },
    finish(error?: Error) {
      const next = pending.shift();
      if (!next) throw new Error('no cycle is running');
      if (error) next.reject(error);
      else next.resolve();
    },
  };
}

const services: SyncService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop().catch(() => undefined)));
});

function serviceWith(overrides: Partial<SyncServiceOptions> & Pick<SyncServiceOptions, 'runCycle'>): SyncService {
  let synced = false;
  const service = new SyncService({
    clock: () => new Date(),
    pollIntervalMs: 3_600_000,
    triggerDebounceMs: 0,
    hasSynced: async () => {
      const before = synced;
      synced = true;
      return before;
    },
    readSuspension: async () => null,
    ...overrides,
  });
  services.push(service);
  return service;
}

describe('SyncService', () => {
  it('runs the initial cycle at start, then incremental ones only when asked within a long poll interval', async () => {
    const cycles = controllableCycles();
    const service = serviceWith({ runCycle: cycles.runCycle });
    const first = service.start();
    await cycles.started(1);
    expect(service.status().phase).toBe('initial_sync');
    cycles.finish();
    await first;
    expect(service.status()).toMatchObject({ phase: 'idle', lastRun: { runId: 'run-1', outcome: 'succeeded' } });
    expect(service.status().nextRunAt).toBeInstanceOf(Date);

    const asked = service.requestRun('admin pressed Sync now');
    await cycles.started(2);
    expect(cycles.requests.map((request) => request.kind)).toEqual(['initial', 'incremental']);
    expect(cycles.requests[1]?.reason).toBe('admin pressed Sync now');
    cycles.finish();
    await asked;
    expect(cycles.runs).toBe(2);
  });

  it('folds requests made while a cycle runs into one next cycle, and resolves each when that cycle ends', async () => {
    const cycles = controllableCycles();
    const service = serviceWith({ runCycle: cycles.runCycle });
    void service.start();
    await cycles.started(1);
    const settled: string[] = [];
    const a = service.requestRun('a').then(() => settled.push('a'));
    const b = service.requestRun('b').then(() => settled.push('b'));
    cycles.finish();
    await cycles.started(2);
    // The requests came after the first cycle had begun reading, so only the second one answers them.
    expect(settled).toEqual([]);
    expect(cycles.requests[1]?.reason).toBe('a, b');
    cycles.finish();
    await Promise.all([a, b]);
    expect(settled.sort()).toEqual(['a', 'b']);
    expect(cycles.runs).toBe(2);
  });

  it('starts a cycle when a trigger hint arrives, and hands the hints to it', async () => {
    const cycles = controllableCycles();
    const hub = new TriggerHub();
    const service = serviceWith({ runCycle: cycles.runCycle, hints: hub });
    void service.start();
    await cycles.started(1);
    cycles.finish();
    hub.requestReconciliation({ system: 'salesforce', object: 'Lead', reason: 'replay gap' });
    await cycles.started(2);
    expect(cycles.requests[1]).toMatchObject({ reason: 'trigger', hints: { reconciliations: [{ system: 'salesforce', object: 'Lead' }] } });
    cycles.finish();
  });

  it('after a failed cycle, rejects the requests it answered with the error and tries again by itself', async () => {
    const cycles = controllableCycles();
    const service = serviceWith({ runCycle: cycles.runCycle, pollIntervalMs: 20 });
    void service.start();
    await cycles.started(1);
    cycles.finish();
    await cycles.started(2);
    const asked = service.requestRun('resync');
    cycles.finish(new Error('HubSpot answered 503'));
    await cycles.started(3);
    expect(service.status().lastRun).toMatchObject({ outcome: 'failed', failure: 'HubSpot answered 503' });
    cycles.finish();
    // The request was taken by the third cycle (the second had started before it), which succeeded.
    await expect(asked).resolves.toBeUndefined();
  });

  it('waits for budget without calling it a failure when the API allocation is spent', async () => {
    const cycles = controllableCycles();
    const events: string[] = [];
    const service = serviceWith({ runCycle: cycles.runCycle, budgetRetryMs: 3_600_000, onEvent: (event) => events.push(event.kind) });
    void service.start();
    await cycles.started(1);
    const exhausted = Object.assign(new Error('the Salesforce API allocation of 100 calls is used up'), { name: 'ApiBudgetExhaustedError' });
    cycles.finish(exhausted);
    await waitFor(() => service.status().phase === 'waiting_for_budget');
    expect(events).toContain('budget_exhausted');
    expect(events).not.toContain('cycle_failed');
  });

  it('runs no cycle while suspended, says why to whoever asks, and resumes once the suspension is cleared', async () => {
    const cycles = controllableCycles();
    let suspension: { state: string; reason: string } | null = { state: 'auth_failed', reason: 'the refresh token was revoked' };
    const service = serviceWith({ runCycle: cycles.runCycle, readSuspension: async () => suspension });
    await service.start();
    expect(service.status().phase).toBe('suspended');
    await expect(service.requestRun('try')).rejects.toThrow(/suspended \(auth_failed\): the refresh token was revoked/);
    expect(cycles.runs).toBe(0);

    suspension = null;
    const asked = service.requestRun('after clearing');
    await cycles.started(1);
    cycles.finish();
    await asked;
    expect(service.status().phase).toBe('idle');
  });

  it('tells listeners of each change of status, and stop() lets the cycle in progress finish first', async () => {
    const cycles = controllableCycles();
    const service = serviceWith({ runCycle: cycles.runCycle });
    const seen: SyncStatus['phase'][] = [];
    service.onStatus((status) => seen.push(status.phase));
    void service.start();
    await cycles.started(1);
    cycles.requests[0]?.onProgress({ step: 'contacts: writing', done: 5, total: 10 });
    expect(service.status().current?.progress).toEqual({ step: 'contacts: writing', done: 5, total: 10 });
    const stopped = service.stop();
    let stoppedYet = false;
    void stopped.then(() => (stoppedYet = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stoppedYet).toBe(false);
    cycles.finish();
    await stopped;
    expect(seen).toEqual(expect.arrayContaining(['initial_sync', 'idle', 'stopped']));
    await expect(service.requestRun('late')).rejects.toThrow(/stopped/);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('shouldPollSalesforce', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  const base = {
    kind: 'incremental' as const,
    reason: 'trigger',
    hints: { records: [], reconciliations: [] },
    changeEventsLive: true,
    lastPolledAt: new Date(now.getTime() - 60_000),
    now,
    safetyPollMs: 300_000,
  };

  it('skips the Salesforce poll while change events are live and nothing points at Salesforce', () => {
    expect(shouldPollSalesforce(base)).toBe(false);
    expect(shouldPollSalesforce({ ...base, reason: 'poll' })).toBe(false);
  });

  it('polls on the first cycle, without live change events, on a Salesforce hint or reconciliation, when asked, and past the safety interval', () => {
    expect(shouldPollSalesforce({ ...base, kind: 'initial' })).toBe(true);
    expect(shouldPollSalesforce({ ...base, changeEventsLive: false })).toBe(true);
    expect(shouldPollSalesforce({ ...base, lastPolledAt: null })).toBe(true);
    expect(shouldPollSalesforce({ ...base, reason: 'admin pressed Sync now' })).toBe(true);
    expect(shouldPollSalesforce({ ...base, hints: { records: [{ system: 'salesforce', object: 'Lead', recordId: '00Q1', happenings: {}, changedFields: [] }], reconciliations: [] } })).toBe(true);
    expect(shouldPollSalesforce({ ...base, hints: { records: [], reconciliations: [{ system: 'salesforce', object: null, reason: 'gap' }] } })).toBe(true);
    expect(shouldPollSalesforce({ ...base, lastPolledAt: new Date(now.getTime() - 300_000) })).toBe(true);
    expect(shouldPollSalesforce({ ...base, hints: { records: [{ system: 'hubspot', object: 'contacts', recordId: '1', happenings: {}, changedFields: [] }], reconciliations: [] } })).toBe(false);
  });
});
