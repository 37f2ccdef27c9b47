import type { StoreContext } from './context.ts';
import { parseJson } from './context.ts';

export type JsonObject = { [key: string]: unknown };

/** The settings document (SPEC section 4) as last saved; its version guards concurrent edits. */
export interface SettingsSnapshot {
  document: JsonObject;
  /** 1 for the first save, +1 on each. */
  version: number;
  updatedAt: Date;
}

export class SettingsVersionConflictError extends Error {
  constructor(
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`the settings changed meanwhile: this edit was based on version ${expectedVersion}, the store holds version ${currentVersion}; reload and apply the edit again`);
    this.name = 'SettingsVersionConflictError';
  }
}

const CURRENT = 'current';

/**
 * One settings document with optimistic concurrency: two admins saving at once cannot silently overwrite
 * each other. Validation is the caller's (the settings API refuses a bad value before it gets here).
 */
export class SettingsRepository {
  constructor(private readonly context: StoreContext) {}

  async read(): Promise<SettingsSnapshot | null> {
    const row = await this.context.db.selectFrom('settings').selectAll().where('id', '=', CURRENT).executeTakeFirst();
    if (!row) return null;
    return { document: parseJson(row.document, 'settings') as JsonObject, version: row.version, updatedAt: new Date(row.updatedAt) };
  }

  /**
   * Saves `document` if the stored version is still `expectedVersion` (0: nothing saved yet); otherwise
   * throws SettingsVersionConflictError and changes nothing.
   */
  async write(document: JsonObject, expectedVersion: number, now: Date): Promise<SettingsSnapshot> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new RangeError(`expectedVersion must be a whole number of 0 or more, got ${expectedVersion}`);
    }
    const text = JSON.stringify(document);
    const updatedAt = now.toISOString();
    const version = expectedVersion + 1;
    const result =
      expectedVersion === 0
        ? await this.context.db
            .insertInto('settings')
            .values({ id: CURRENT, document: text, version, updatedAt })
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst()
        : await this.context.db
            .updateTable('settings')
            .set({ document: text, version, updatedAt })
            .where('id', '=', CURRENT)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
    const written = 'numInsertedOrUpdatedRows' in result ? result.numInsertedOrUpdatedRows : result.numUpdatedRows;
    if (written !== 1n) {
      const current = await this.read();
      throw new SettingsVersionConflictError(expectedVersion, current?.version ?? 0);
    }
    return { document, version, updatedAt: now };
  }
}
