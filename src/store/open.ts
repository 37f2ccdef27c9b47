import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { StoreContext } from './context.ts';
import { CurrentSchemaPostgresDialect } from './postgres-introspector.ts';
import { parseDatabaseUrl, type DatabaseLocation } from './database-url.ts';
import { storeMigrations } from './migrations.ts';
import type { Database, StoreDb } from './schema.ts';
import { StoreRepositories } from './repositories.ts';
import { SecretKeyring } from './secrets.ts';

export interface OpenStoreOptions {
  /** CRMSYNC_SECRET: the key for stored tokens. Without it the store works, but reading or writing secrets fails. */
  secret?: string | null;
  /** PostgreSQL schema to live in (created when missing); default the connection's search_path. For tests and shared databases. */
  postgresSchema?: string;
  /** PostgreSQL connections in the pool; default 10. */
  poolSize?: number;
  /** How long SQLite waits for another process's write lock before failing with SQLITE_BUSY; default 5 s. */
  sqliteBusyTimeoutMs?: number;
  /**
   * Told when an idle PostgreSQL connection breaks (a server restart). The pool replaces it by itself; without
   * a listener the error would end the process.
   */
  onConnectionError?: (error: Error) => void;
}

export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

/** The open store: its repositories, a way to group their writes in one transaction, and close(). */
export class Store extends StoreRepositories {
  constructor(
    context: StoreContext,
    keyring: SecretKeyring,
    readonly location: DatabaseLocation,
  ) {
    super(context, keyring);
  }

  /**
   * Runs `work` in one transaction over repositories bound to it: everything commits together or nothing
   * does (e.g. a new link, its synced values and the checkpoint of the batch that produced them).
   */
  transaction<T>(work: (store: StoreRepositories) => Promise<T>): Promise<T> {
    return this.context.transact((context) => work(new StoreRepositories(context, this.keyring)));
  }

  /** The query builder itself, for tools and tests that look beneath the repositories. */
  get kysely(): StoreDb {
    return this.context.db;
  }

  async close(): Promise<void> {
    await this.context.db.destroy();
  }
}

/**
 * Opens the store named by DATABASE_URL (`sqlite:<path>`, default ./data/crmsync.db, or `postgres://…`) and
 * brings its schema up to date. Safe to call from several processes at once: the migrations are serialised.
 * Open a SQLite file once per process and share the Store: better-sqlite3 waits for another connection's
 * lock synchronously, so two stores of one process on one file can stall each other until the busy timeout.
 */
export async function openStore(databaseUrl: string | null | undefined, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseDatabaseUrl(databaseUrl);
  const db = location.dialect === 'sqlite' ? openSqlite(location.path, options) : await openPostgres(location, options);
  const context = new StoreContext(db, location.dialect, false);
  let keyring: SecretKeyring;
  try {
    await migrate(context);
    keyring = await SecretKeyring.prepare(context, options.secret ?? null);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StoreOpenError(`cannot open the store at ${describe(location)} (DATABASE_URL): ${(error as Error).message}`, { cause: error });
  }
  return new Store(context, keyring, location);
}

function describe(location: DatabaseLocation): string {
  return location.dialect === 'sqlite' ? `sqlite:${location.path}` : location.display;
}

function openSqlite(path: string, options: OpenStoreOptions): StoreDb {
  let database: SQLite.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    database = new SQLite(path);
    // WAL: readers (the UI) never block the writer (the engine), and a crash loses no committed transaction.
    database.pragma('journal_mode = WAL');
    // NORMAL is durable against a process crash in WAL mode; only a power loss can drop the last commits.
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${Math.trunc(options.sqliteBusyTimeoutMs ?? 5000)}`);
    // Off by default in SQLite: needed for synced values to follow their link when it is dropped.
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database?.close();
    throw new StoreOpenError(`cannot open the SQLite file ${path} (DATABASE_URL): ${(error as Error).message}`, { cause: error });
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }), plugins: [new CamelCasePlugin()] });
}

// pg returns int8 (count(*), sum(), bigserial) as strings to be safe beyond 2^53; our counts never get near.
const INT8_OID = 20;
const parseInt8 = (value: string) => Number.parseInt(value, 10);

async function openPostgres(location: Extract<DatabaseLocation, { dialect: 'postgres' }>, options: OpenStoreOptions): Promise<StoreDb> {
  const schema = options.postgresSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreOpenError(`postgresSchema must be a lower-case SQL identifier, got "${schema}"`);
  }
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: options.poolSize ?? 10,
    options: schema ? `-c search_path=${schema}` : undefined,
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  pool.on('error', options.onConnectionError ?? (() => undefined));
  if (schema) {
    try {
      await pool.query(`create schema if not exists ${schema}`);
    } catch (error) {
      // Two processes creating the schema at once: the loser sees a duplicate, which is what it wanted.
      const code = (error as { code?: string }).code;
      if (code === '23505' || code === '42P06') return kyselyOver(pool);
      await pool.end().catch(() => undefined);
      throw new StoreOpenError(`cannot connect to PostgreSQL at ${location.display} (DATABASE_URL): ${(error as Error).message}`, { cause: error });
    }
  }
  return kyselyOver(pool);
}

function kyselyOver(pool: pg.Pool): StoreDb {
  return new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

async function migrate(context: StoreContext): Promise<void> {
  // SQLite: kysely's migration lock is a no-op (it assumes one connection), so two processes opening one file
  // would both create the tables. An immediate transaction around the whole run makes the second wait, then
  // find nothing to do. PostgreSQL: the migrator takes an advisory lock itself.
  const { error, results } =
    context.dialect === 'sqlite'
      ? await context.transact(({ db }) =>
          new Migrator({ db: db.withoutPlugins(), provider: storeMigrations('sqlite'), disableTransactions: true }).migrateToLatest(),
        )
      : await new Migrator({
          db: context.db.withoutPlugins(),
          provider: storeMigrations('postgres'),
          // Named explicitly: the migrator matches its tables by schema, so that a kysely app in another schema
          // of the same database never passes for ours.
          migrationTableSchema: await currentSchema(context.db),
        }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(failed ? `migration ${failed} failed: ${(error as Error).message}` : (error as Error).message, { cause: error });
  }
}

async function currentSchema(db: StoreDb): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('the PostgreSQL search_path names no existing schema to create the tables in');
  return schema;
}
