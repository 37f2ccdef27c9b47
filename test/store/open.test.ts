import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { storeMigrations } from '../../src/store/migrations.ts';
import { describe, expect, it } from 'vitest';
import { maskPassword, parseDatabaseUrl } from '../../src/store/database-url.ts';
import { openStore } from '../../src/store/open.ts';
import { SettingsVersionConflictError } from '../../src/store/settings.ts';
import { assertPostgresReachable, describeEachDatabase, POSTGRES_TEST_URL } from './databases.ts';

describe('DATABASE_URL', () => {
  it('defaults to the SQLite file in ./data', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ dialect: 'sqlite', path: './data/crmsync.db' });
    expect(parseDatabaseUrl('sqlite:')).toEqual({ dialect: 'sqlite', path: './data/crmsync.db' });
  });

  it('reads sqlite paths, relative, absolute and URL-like', () => {
    expect(parseDatabaseUrl('sqlite:./x/y.db')).toEqual({ dialect: 'sqlite', path: './x/y.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/crmsync.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/crmsync.db' });
  });

  it('refuses other schemes, naming DATABASE_URL and the scheme', () => {
    expect(() => parseDatabaseUrl('mysql://root:pw@localhost/db')).toThrow(/DATABASE_URL uses the unsupported scheme "mysql:"/);
    expect(() => parseDatabaseUrl('./data/crmsync.db')).toThrow(/DATABASE_URL must start with sqlite: or postgres:\/\//);
  });

  it('never echoes a password in its errors', () => {
    let message = '';
    try {
      parseDatabaseUrl('postgres://crm:hunter2secret@db.example.com:5432');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL names no database/);
    expect(message).toContain('postgres://crm:***@db.example.com:5432');
    expect(message).not.toContain('hunter2secret');
    expect(maskPassword('postgresql://u:p%40ss@h/db')).toBe('postgresql://u:***@h/db');
  });

  it('names DATABASE_URL, without the password, when PostgreSQL cannot be reached', async () => {
    const error = await openStore('postgres://crm:hunter2secret@127.0.0.1:1/nowhere').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot open the store at postgres:\/\/crm:\*\*\*@127\.0\.0\.1:1\/nowhere \(DATABASE_URL\)/);
    expect((error as Error).message).not.toContain('hunter2secret');
  });

  it('creates the folder of the SQLite file and runs it in WAL mode', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'crmsync-open-'));
    try {
      const path = join(directory, 'nested', 'data', 'crmsync.db');
      const store = await openStore(`sqlite:${path}`);
      try {
        expect(existsSync(path)).toBe(true);
        const { rows } = await sql<{ journalMode: string }>`pragma journal_mode`.execute(store.kysely);
        expect(rows[0]?.journalMode).toBe('wal');
      } finally {
        await store.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describeEachDatabase('opening the store', (database) => {
  it('migrates once: reopening keeps the data and reruns nothing', async () => {
    const isolated = database.fresh();
    const first = await isolated.open();
    await first.settings.write({ contacts: { hubspotCreatesIn: 'lead' } }, 0, new Date('2026-01-01T00:00:00Z'));
    await first.close();

    const second = await isolated.open();
    const third = await isolated.open();
    expect((await second.settings.read())?.document).toEqual({ contacts: { hubspotCreatesIn: 'lead' } });
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(third.kysely);
    // Each migration the store knows ran exactly once (no duplicate rows), whatever their number.
    expect(rows.map((r) => r.name)).toEqual(Object.keys(await storeMigrations('sqlite').getMigrations()).sort());
  });
});

describeEachDatabase('introspection', (database) => {
  it("sees the store's own tables and columns, and no other schema's", async () => {
    const ours = await database.fresh().open();
    const neighbour = await database.fresh().open();
    await sql`create table neighbour_only (id integer)`.execute(neighbour.kysely);
    const tables = await ours.kysely.introspection.getTables();
    const names = tables.map((t) => t.name);
    expect(names).toContain('id_links');
    expect(names).not.toContain('neighbour_only');
    const idLinks = tables.find((t) => t.name === 'id_links');
    expect(idLinks?.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['link_id', 'hubspot_object_type', 'hubspot_id', 'salesforce_object', 'salesforce_id']),
    );
    expect(idLinks?.columns.find((c) => c.name === 'salesforce_id')?.isNullable).toBe(false);
  });
});

describeEachDatabase('settings', (database) => {
  it('saves versions in order and refuses an edit based on a stale version', async () => {
    const store = await database.fresh().open();
    expect(await store.settings.read()).toBeNull();
    const first = await store.settings.write({ apiCallAllocation: 1000 }, 0, new Date('2026-01-01T00:00:00Z'));
    expect(first.version).toBe(1);
    const second = await store.settings.write({ apiCallAllocation: 2000 }, 1, new Date('2026-01-01T00:01:00Z'));
    expect(second.version).toBe(2);

    const stale = store.settings.write({ apiCallAllocation: 3000 }, 1, new Date('2026-01-01T00:02:00Z'));
    await expect(stale).rejects.toBeInstanceOf(SettingsVersionConflictError);
    await expect(stale).rejects.toThrow(/based on version 1, the store holds version 2/);
    const again = store.settings.write({ apiCallAllocation: 3000 }, 0, new Date('2026-01-01T00:02:00Z'));
    await expect(again).rejects.toThrow(/based on version 0, the store holds version 2/);

    const current = await store.settings.read();
    expect(current).toEqual({ document: { apiCallAllocation: 2000 }, version: 2, updatedAt: new Date('2026-01-01T00:01:00Z') });
  });

  it('lets exactly one of two racing edits of one version win', async () => {
    const isolated = database.fresh();
    const a = await isolated.open();
    const b = await isolated.open();
    await a.settings.write({ v: 0 }, 0, new Date());
    const results = await Promise.allSettled([a.settings.write({ v: 'a' }, 1, new Date()), b.settings.write({ v: 'b' }, 1, new Date())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});

describe('opening a store that cannot be', () => {
  it('names the SQLite file that cannot be created', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'crmsync-open-'));
    try {
      const blocker = join(directory, 'not-a-folder');
      writeFileSync(blocker, '');
      await expect(openStore(`sqlite:${join(blocker, 'crmsync.db')}`)).rejects.toThrow(/cannot open the SQLite file .*not-a-folder\/crmsync\.db \(DATABASE_URL\)/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses a PostgreSQL schema name that is not a plain identifier', async () => {
    await expect(openStore(POSTGRES_TEST_URL, { postgresSchema: 'x; drop table users' })).rejects.toThrow(/postgresSchema must be a lower-case SQL identifier/);
  });
});

describe('the store tests themselves', () => {
  it('fail, telling how to start PostgreSQL, when it is unreachable', async () => {
    const failure = assertPostgresReachable('postgres://crmsync:secretpw@127.0.0.1:1/crmsync_test');
    await expect(failure).rejects.toThrow(/unreachable at postgres:\/\/crmsync:\*\*\*@127\.0\.0\.1:1\/crmsync_test .*Run scripts\/test-services\.sh/);
  });
});
