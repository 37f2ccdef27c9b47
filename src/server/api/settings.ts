import { z } from 'zod';
import { knownSettingKeys, parseSettings, type Settings } from '../../core/settings.ts';
import { readSettings } from '../../engine/settings.ts';
import { SettingsVersionConflictError } from '../../store/settings.ts';
import type { ApiDeps } from './index.ts';
import { ApiRefusal, invalid, type ApiRoutes } from './route-kit.ts';
import { settingsResponse } from './schemas.ts';

function withValueAt(document: unknown, segments: readonly string[], value: unknown): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  const container = typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as Record<string, unknown>) : {};
  return { ...container, [head]: withValueAt(container[head], rest, value) };
}

/**
 * Applies several dotted-key changes at once: the whole resulting document is validated and saved against the
 * version it was read at, or nothing is saved (400 with every field and reason, 409 when someone saved meanwhile).
 */
export async function applySettingsChanges(
  deps: Pick<ApiDeps, 'store' | 'clock'>,
  changes: Record<string, unknown>,
  expectedVersion: number | undefined,
): Promise<{ settings: Settings; version: number }> {
  const current = await readSettings(deps.store.settings);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new ApiRefusal(409, 'version_conflict', `the settings changed meanwhile: this edit was based on version ${expectedVersion}, the store holds version ${current.version}; reload and apply the edit again`);
  }
  const known = new Set(knownSettingKeys());
  const unknown = Object.keys(changes).filter((key) => !known.has(key));
  if (unknown.length > 0) throw invalid(unknown.map((key) => ({ path: key, message: `unknown setting ${key}` })));
  let document: unknown = current.settings;
  for (const [key, value] of Object.entries(changes)) document = withValueAt(document, key.split('.'), value);
  const parsed = parseSettings(document);
  if (!parsed.ok) throw invalid(parsed.issues);
  try {
    await deps.store.settings.write(parsed.settings as unknown as Record<string, unknown>, current.version, deps.clock());
  } catch (error) {
    if (error instanceof SettingsVersionConflictError) throw new ApiRefusal(409, 'version_conflict', error.message);
    throw error;
  }
  return { settings: parsed.settings, version: current.version + 1 };
}

export function registerSettingsRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add(
    { method: 'GET', url: '/api/settings', summary: 'The settings in force (SPEC section 4), defaults filled in, and their version', tag: 'settings', response: { status: 200, description: 'settings', schema: settingsResponse } },
    async () => {
      const current = await readSettings(deps.store.settings);
      return { settings: current.settings, version: current.version };
    },
  );

  routes.add(
    {
      method: 'PUT',
      url: '/api/settings',
      summary: 'Change settings by dotted key, all or nothing',
      tag: 'settings',
      body: z.strictObject({
        changes: z
          .record(z.string(), z.unknown())
          .refine((changes) => Object.keys(changes).length > 0, 'give at least one setting to change, e.g. { "contacts.hubspotCreatesIn": "auto" }'),
        /** The version the edit was based on (from GET); a different stored version answers 409 instead of overwriting. */
        version: z.number().int().min(0).optional(),
      }),
      response: { status: 200, description: 'the settings after the change', schema: settingsResponse },
      errors: [{ status: 409, description: 'the settings changed since the version given' }],
    },
    async ({ body }) => applySettingsChanges(deps, body.changes, body.version),
  );
}
