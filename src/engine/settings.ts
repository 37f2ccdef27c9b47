import { applySettingChange, defaultSettings, parseSettings, type Settings, type SettingsIssue } from '../core/settings.ts';

/** What settings need of the store (the store's SettingsRepository satisfies it). */
export interface SettingsStorePort {
  read(): Promise<{ document: Record<string, unknown>; version: number } | null>;
  write(document: Record<string, unknown>, expectedVersion: number, now: Date): Promise<unknown>;
}

export class InvalidSettingsError extends Error {
  constructor(readonly issues: SettingsIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n'));
    this.name = 'InvalidSettingsError';
  }
}

export interface CurrentSettings {
  settings: Settings;
  /** 0 before anything was saved: the defaults are in force. */
  version: number;
}

/**
 * The settings in force: what was saved, completed with defaults for anything added since. A stored document
 * that no longer validates (edited by hand, or from a newer crmsync) is an error naming what is wrong, never a
 * silent fall-back to defaults: syncing with settings the admin did not choose could delete records.
 */
export async function readSettings(store: SettingsStorePort): Promise<CurrentSettings> {
  const saved = await store.read();
  if (!saved) return { settings: defaultSettings(), version: 0 };
  const parsed = parseSettings(saved.document);
  if (!parsed.ok) throw new InvalidSettingsError(parsed.issues.map((issue) => ({ ...issue, message: `stored settings: ${issue.message}` })));
  return { settings: parsed.settings, version: saved.version };
}

/** `settings set KEY VALUE`: validated as a whole document, saved only if valid, against the version read. */
export async function changeSetting(store: SettingsStorePort, key: string, valueText: string, now: Date): Promise<CurrentSettings> {
  const current = await readSettings(store);
  const changed = applySettingChange(current.settings, key, valueText);
  if (!changed.ok) throw new InvalidSettingsError(changed.issues);
  await store.write(changed.settings as unknown as Record<string, unknown>, current.version, now);
  return { settings: changed.settings, version: current.version + 1 };
}

/** Reads one dotted key out of the settings, or undefined when there is no such key. */
export function settingAt(settings: Settings, key: string): unknown {
  let value: unknown = settings;
  for (const segment of key.split('.')) {
    if (typeof value !== 'object' || value === null || !(segment in value)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
