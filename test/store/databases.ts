import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { maskPassword } from '../../src/store/database-url.ts';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/open.ts';
import type { Dialect } from '../../src/store/schema.ts';

/**
 * One suite, both databases (STYLE: the kysely anchor). Each call of `fresh()` is a database of its own: a
 * temporary SQLite file, or a PostgreSQL schema dropped when the file's tests end. PostgreSQL is never
 * skipped: when it is unreachable the tests fail and say how to start it.
 */
export const POSTGRES_TEST_URL = process.env.CRMSYNC_TEST_POSTGRES_URL ?? 'postgres://crmsync:crmsync@127.0.0.1:5432/crmsync_test';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

export interface IsolatedDatabase {
  dialect: Dialect;
  url: string;
  /** Opens (or reopens) this database; every store opened is closed after each test. */
  open(options?: OpenStoreOptions): Promise<Store>;
  /** SQLite only: the file, to look inside it. */
  sqlitePath: string | null;
  postgresSchema: string | null;
}

export interface DatabaseUnderTest {
  dialect: Dialect;
  fresh(): IsolatedDatabase;
}

export function describeEachDatabase(title: string, body: (database: DatabaseUnderTest) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    describe(`${title} (${dialect})`, () => {
      const opened: Store[] = [];
      const schemas: string[] = [];
      let directory = '';

      beforeAll(async () => {
        if (dialect === 'sqlite') directory = mkdtempSync(join(tmpdir(), 'crmsync-store-'));
        else await assertPostgresReachable(POSTGRES_TEST_URL);
      });
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((store) => store.close()));
      });
      afterAll(async () => {
        if (directory) rmSync(directory, { recursive: true, force: true });
        if (schemas.length > 0) await dropSchemas(schemas);
      });

      let counter = 0;
      body({
        dialect,
        fresh(): IsolatedDatabase {
          counter += 1;
          const sqlitePath = dialect === 'sqlite' ? join(directory, `store-${counter}.db`) : null;
          const postgresSchema = dialect === 'postgres' ? `crmsync_test_${randomBytes(6).toString('hex')}` : null;
          if (postgresSchema) schemas.push(postgresSchema);
          const url = sqlitePath ? `sqlite:${sqlitePath}` : POSTGRES_TEST_URL;
          return {
            dialect,
            url,
            sqlitePath,
            postgresSchema,
            async open(options: OpenStoreOptions = {}) {
              const store = await openStore(url, { ...options, ...(postgresSchema ? { postgresSchema } : {}) });
              opened.push(store);
              return store;
            },
          };
        },
      });
    });
  }
}

export async function assertPostgresReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL for the store tests is unreachable at ${maskPassword(url)} (${(error as Error).message}). ` +
        'Run scripts/test-services.sh (as root) to install and start it, or set CRMSYNC_TEST_POSTGRES_URL.',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}
