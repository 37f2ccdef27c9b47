import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './schema.ts';

/**
 * The store's migrations, in code so that they ship inside the package and run on open. One set serves both
 * dialects: the schema builder speaks both, and the only dialect bit is the auto-increment key. Migrations
 * are written in snake_case SQL names (they run without the CamelCasePlugin) and are never edited once
 * released: a change is a new migration.
 */
export function storeMigrations(dialect: Dialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_initial': { up: (db) => createInitialSchema(db, dialect) },
    '0002_salesforce_reported_usage': { up: addSalesforceReportedUsage },
    '0003_received_events': { up: createReceivedEvents },
    '0004_sync_error_retries': { up: addSyncErrorRetries },
    '0005_imports': { up: createImports },
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}

/** An auto-increment integer key: SQLite's rowid alias, PostgreSQL's bigserial. */
function withSerialId<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', sql`bigserial`, (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

const notNull = (c: ColumnDefinitionBuilder) => c.notNull();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema type
async function createInitialSchema(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('store_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', notNull)
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document', 'text', notNull)
    .addColumn('version', 'integer', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute();

  await db.schema
    .createTable('field_mappings')
    .addColumn('object_pair', 'text', notNull)
    .addColumn('hubspot_property', 'text', notNull)
    .addColumn('salesforce_field', 'text', notNull)
    .addColumn('rule', 'text', notNull)
    .addColumn('origin', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addPrimaryKeyConstraint('field_mappings_pk', ['object_pair', 'hubspot_property'])
    .addUniqueConstraint('field_mappings_salesforce_field_unique', ['object_pair', 'salesforce_field'])
    .execute();

  await db.schema
    .createTable('id_links')
    .addColumn('link_id', 'text', (c) => c.primaryKey())
    .addColumn('hubspot_object_type', 'text', notNull)
    .addColumn('hubspot_id', 'text', notNull)
    .addColumn('salesforce_object', 'text', notNull)
    .addColumn('salesforce_id', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    // One link per record on each side: a second link to the same record is how duplicates are born.
    .addUniqueConstraint('id_links_hubspot_unique', ['hubspot_object_type', 'hubspot_id'])
    .addUniqueConstraint('id_links_salesforce_unique', ['salesforce_id'])
    .execute();

  await db.schema
    .createTable('checkpoints')
    .addColumn('system', 'text', notNull)
    .addColumn('object', 'text', notNull)
    .addColumn('cursor_time', 'text', notNull)
    .addColumn('cursor_last_id', 'text')
    .addColumn('updated_at', 'text', notNull)
    .addPrimaryKeyConstraint('checkpoints_pk', ['system', 'object'])
    .execute();

  await db.schema
    .createTable('synced_values')
    .addColumn('link_id', 'text', (c) => c.notNull().references('id_links.link_id').onDelete('cascade'))
    .addColumn('field', 'text', notNull)
    .addColumn('value', 'text', notNull)
    .addColumn('synced_at', 'text', notNull)
    .addPrimaryKeyConstraint('synced_values_pk', ['link_id', 'field'])
    .execute();

  await db.schema
    .createTable('write_intents')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('system', 'text', notNull)
    .addColumn('object', 'text', notNull)
    .addColumn('operation', 'text', notNull)
    .addColumn('record_id', 'text')
    .addColumn('link_id', 'text')
    .addColumn('payload', 'text', notNull)
    .addColumn('state', 'text', notNull)
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema.createIndex('write_intents_state').on('write_intents').columns(['state', 'created_at']).execute();

  await withSerialId(db.schema.createTable('sync_errors'), dialect)
    .addColumn('object', 'text', notNull)
    .addColumn('hubspot_id', 'text')
    .addColumn('salesforce_id', 'text')
    .addColumn('record_key', 'text', notNull)
    .addColumn('category', 'text', notNull)
    .addColumn('vendor_code', 'text', notNull)
    .addColumn('field', 'text')
    .addColumn('message', 'text', notNull)
    .addColumn('first_seen_at', 'text', notNull)
    .addColumn('last_seen_at', 'text', notNull)
    .addColumn('attempts', 'integer', notNull)
    .addColumn('next_retry_at', 'text')
    .addColumn('resolved_at', 'text')
    // A repeated failure of one record for one reason is one row whose attempts grow.
    .addUniqueConstraint('sync_errors_identity', ['object', 'record_key', 'category', 'vendor_code'])
    .execute();
  await db.schema.createIndex('sync_errors_open').on('sync_errors').columns(['resolved_at', 'category', 'last_seen_at']).execute();
  await db.schema.createIndex('sync_errors_hubspot_id').on('sync_errors').column('hubspot_id').execute();
  await db.schema.createIndex('sync_errors_salesforce_id').on('sync_errors').column('salesforce_id').execute();
  await db.schema.createIndex('sync_errors_next_retry').on('sync_errors').column('next_retry_at').execute();

  await withSerialId(db.schema.createTable('audit_trail'), dialect)
    .addColumn('at', 'text', notNull)
    .addColumn('system', 'text', notNull)
    .addColumn('object', 'text', notNull)
    .addColumn('record_id', 'text')
    .addColumn('link_id', 'text')
    .addColumn('action', 'text', notNull)
    .addColumn('changes', 'text', notNull)
    .addColumn('reason', 'text', notNull)
    .addColumn('run_id', 'text')
    .execute();
  await db.schema.createIndex('audit_trail_at').on('audit_trail').column('at').execute();
  await db.schema.createIndex('audit_trail_record').on('audit_trail').columns(['record_id', 'at']).execute();

  await withSerialId(db.schema.createTable('api_ledger'), dialect)
    .addColumn('at', 'text', notNull)
    .addColumn('object', 'text', notNull)
    .addColumn('operation', 'text', notNull)
    .addColumn('calls', 'integer', notNull)
    .execute();
  await db.schema.createIndex('api_ledger_at').on('api_ledger').column('at').execute();

  await db.schema.createTable('api_budget_lock').addColumn('id', 'text', (c) => c.primaryKey()).execute();
  await db.insertInto('api_budget_lock').values({ id: 'salesforce' }).execute();

  await db.schema
    .createTable('integration_state')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('suspension_state', 'text')
    .addColumn('suspension_reason', 'text')
    .addColumn('suspended_since', 'text')
    .addColumn('api_limit_since', 'text')
    .addColumn('api_limit_detail', 'text')
    .addColumn('updated_at', 'text', notNull)
    .execute();

  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('sealed', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', notNull)
    .addColumn('started_at', 'text', notNull)
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('counts', 'text', notNull)
    .addColumn('failure', 'text')
    .execute();
  await db.schema.createIndex('sync_runs_started_at').on('sync_runs').column('started_at').execute();
}

/** What Salesforce itself reports (/limits, Sforce-Limit-Info): the dashboard shows it next to our own count. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema type
async function addSalesforceReportedUsage(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  await db.schema.alterTable('integration_state').addColumn('salesforce_calls_used', 'integer').execute();
  await db.schema.alterTable('integration_state').addColumn('salesforce_calls_limit', 'integer').execute();
  await db.schema.alterTable('integration_state').addColumn('salesforce_usage_observed_at', 'text').execute();
}

/** Keys of webhook deliveries and change events already taken in, to apply a redelivery once. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema type
async function createReceivedEvents(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('received_events')
    .addColumn('event_key', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', notNull)
    .execute();
  await db.schema.createIndex('received_events_received_at').on('received_events').column('received_at').execute();
}

/**
 * Which errors are retried with back-off, and the values a system refused (per field, JSON `{"system:field": value}`),
 * so an unchanged refused value is not sent again every cycle.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema type
async function addSyncErrorRetries(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_errors').addColumn('retryable', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sync_errors').addColumn('refused_values', 'text').execute();
}

/**
 * Imports of existing Salesforce records, one row each: the order, how far it got (the last Salesforce Id done,
 * in Id order) and its counts, so an import cut short continues where it stopped instead of starting again.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema type
async function createImports(db: Kysely<any>): Promise<void> {
  const count = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);
  await db.schema
    .createTable('imports')
    .addColumn('import_id', 'text', (c) => c.primaryKey())
    .addColumn('object', 'text', notNull)
    .addColumn('created_after', 'text')
    .addColumn('modified_after', 'text')
    .addColumn('cursor', 'text')
    .addColumn('state', 'text', notNull)
    .addColumn('total', 'integer')
    .addColumn('read', 'integer', count)
    .addColumn('created', 'integer', count)
    .addColumn('updated', 'integer', count)
    .addColumn('failed', 'integer', count)
    .addColumn('salesforce_calls', 'integer', count)
    .addColumn('hubspot_calls', 'integer', count)
    .addColumn('started_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('finished_at', 'text')
    .addColumn('failure', 'text')
    // Which process runs it (`host:pid:nonce`) while running: a second process must not run the same pages beside it.
    .addColumn('runner', 'text')
    .execute();
  await db.schema.createIndex('imports_state').on('imports').column('state').execute();
}
