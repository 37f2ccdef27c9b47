/**
 * The integration's settings as the UI holds them: loaded once, saved change by change (as HubSpot's page
 * does: choosing an option updates the setting at once), replaced by what the server answers so the page never
 * shows a value the server did not accept.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
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
    setSaveState({ kind: 'saving', message: `Saving ${what}…` });
    try {
      const response = await api.put<SettingsResponse>('/api/settings', { changes });
      setSettings(response.settings as unknown as Settings);
      setSaveState({ kind: 'saved', message: `Saved: ${what}` });
      return true;
    } catch (error) {
      setSaveState({ kind: 'failed', message: `Not saved: ${describeFailure(error)}` });
      return false;
    }
  }, []);

  const value = useMemo(() => ({ settings, loadError, save, saveState }), [settings, loadError, save, saveState]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (!value) throw new Error('useSettings outside SettingsProvider');
  return value;
}
