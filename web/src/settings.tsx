/**
 * The integration's settings as the UI holds them: loaded once, saved change by change (as HubSpot's page
 * does: choosing an option updates the setting at once), replaced by what the server answers so the page never
 * shows a value the server did not accept.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Settings } from '../../src/core/settings.ts';
import { api, describeFailure, type SettingsResponse } from './api.ts';

export type { Settings };

export interface SaveState {
  kind: 'idle' | 'saving' | 'saved' | 'failed';
  message: string;
}

interface SettingsContextValue {
  settings: Settings | null;
  loadError: string | null;
  save: (changes: Record<string, unknown>, what: string) => Promise<boolean>;
  saveState: SaveState;
}

const SettingsContext = createContext<SettingsContextValue | null>(null);

export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle', message: '' });
  const lastSave = useRef(0);

  // "Saved" fades after a while; a failure stays until the next save.
  useEffect(() => {
    if (saveState.kind !== 'saved') return;
    const timer = window.setTimeout(() => setSaveState((current) => (current === saveState ? { kind: 'idle', message: '' } : current)), 6000);
    return () => window.clearTimeout(timer);
  }, [saveState]);

  useEffect(() => {
    let cancelled = false;
    api
      .get<SettingsResponse>('/api/settings')
      .then((response) => {
        if (!cancelled) setSettings(response.settings as unknown as Settings);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(describeFailure(error));
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const save = useCallback(async (changes: Record<string, unknown>, what: string) => {
    // The control shows the choice at once; the server's answer then replaces it, or a refusal puts it back.
    let before: Settings | null = null;
    setSettings((current) => {
      before = current;
      return current ? withChanges(current, changes) : current;
    });
    setSaveState({ kind: 'saving', message: `Saving ${what}…` });
    const attempt = ++lastSave.current;
    try {
      const response = await api.put<SettingsResponse>('/api/settings', { changes });
      // An answer overtaken by a later save would undo that save's optimistic value: only the last one lands.
      if (attempt === lastSave.current) setSettings(response.settings as unknown as Settings);
      setSaveState({ kind: 'saved', message: `Saved: ${what}` });
      return true;
    } catch (error) {
      if (before && attempt === lastSave.current) setSettings(before);
      setSaveState({ kind: 'failed', message: `Not saved: ${describeFailure(error)}` });
      return false;
    }
  }, []);

  const value = useMemo(() => ({ settings, loadError, save, saveState }), [settings, loadError, save, saveState]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

/** The settings with dotted-key changes applied (`contacts.hubspotCreatesIn` → settings.contacts.hubspotCreatesIn). */
function withChanges(settings: Settings, changes: Record<string, unknown>): Settings {
  const next = structuredClone(settings) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    const path = key.split('.');
    let container = next;
    for (const segment of path.slice(0, -1)) {
      const child = container[segment];
      if (typeof child !== 'object' || child === null) return settings;
      container = child as Record<string, unknown>;
    }
    container[path.at(-1)!] = value;
  }
  return next as unknown as Settings;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (!value) throw new Error('useSettings outside SettingsProvider');
  return value;
}
