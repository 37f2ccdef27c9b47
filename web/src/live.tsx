/**
 * Live sync status from the server's event stream (GET /api/events): `status` events carry the SyncStatusJson,
 * `health` events say Sync Health changed. Tabs re-read what they show when a run ends or health changes, so
 * the page follows a running sync without a reload. EventSource reconnects by itself after a drop.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, type SyncStatusJson } from './api.ts';

interface LiveValue {
  status: SyncStatusJson | null;
  /** Bumps whenever what Sync Health shows may have changed (a run ended, a health event arrived). */
  healthVersion: number;
  connected: boolean;
}

const LiveContext = createContext<LiveValue>({ status: null, healthVersion: 0, connected: false });

export function LiveProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SyncStatusJson | null>(null);
  const [healthVersion, setHealthVersion] = useState(0);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    let lastKey: string | null = null;
    const take = (next: SyncStatusJson) => {
      setStatus(next);
      // A run that ended, or a new phase (suspended, waiting for budget), changes what Sync Health shows.
      const key = `${next.phase}|${next.lastRun ? `${next.lastRun.runId}/${next.lastRun.finishedAt}` : ''}`;
      if (key !== lastKey) {
        lastKey = key;
        setHealthVersion((version) => version + 1);
      }
    };
    api
      .get<SyncStatusJson>('/api/sync/status')
      .then(take)
      .catch(() => undefined);
    const source = new EventSource('/api/events', { withCredentials: true });
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('status', (event) => {
      try {
        take(JSON.parse((event as MessageEvent<string>).data) as SyncStatusJson);
      } catch {
        // A malformed event is skipped; the next one carries the whole status again.
      }
    });
    source.addEventListener('health', () => setHealthVersion((version) => version + 1));
    return () => source.close();
  }, []);

  const value = useMemo(() => ({ status, healthVersion, connected }), [status, healthVersion, connected]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveValue {
  return useContext(LiveContext);
}

const phaseWords: Record<SyncStatusJson['phase'], string> = {
  starting: 'Starting',
  initial_sync: 'Initial sync',
  idle: 'Up to date',
  syncing: 'Syncing',
  suspended: 'Suspended',
  waiting_for_budget: 'Waiting for API budget',
  stopped: 'Stopped',
};

export function phaseLabel(status: SyncStatusJson | null): string {
  return status ? phaseWords[status.phase] : 'Connecting…';
}
