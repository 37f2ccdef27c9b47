import { PostgresDialect, sql, type DatabaseIntrospector, type DatabaseMetadata, type Kysely, type TableMetadata } from 'kysely';

/**
 * kysely's PostgreSQL introspector reads every schema of the database, and its query fails ("schema … does
 * not exist") when another schema is dropped while it runs; the migrator introspects on every open. crmsync
 * lives in one schema (the connection's current_schema), so this introspector looks there only: correct for
 * a database shared with other applications, and faster in a big one.
 */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the interface kysely declares
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

interface ColumnRow {
  tableName: string;
  tableType: string;
  schema: string;
  columnName: string | null;
  dataType: string | null;
  isNullable: string | null;
  columnDefault: string | null;
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- introspection runs beneath any schema type
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<Array<{ name: string }>> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select t.table_name as "tableName", t.table_type as "tableType", t.table_schema as "schema",
             c.column_name as "columnName", c.udt_name as "dataType", c.is_nullable as "isNullable", c.column_default as "columnDefault"
      from information_schema.tables t
      left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
      where t.table_schema = current_schema()
      order by t.table_name, c.ordinal_position`.execute(this.db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      let table = tables.get(row.tableName);
      if (!table) tables.set(row.tableName, (table = { name: row.tableName, schema: row.schema, isView: row.tableType === 'VIEW', columns: [] }));
      if (row.columnName === null || row.dataType === null) continue;
      table.columns.push({
        name: row.columnName,
        dataType: row.dataType,
        isNullable: row.isNullable === 'YES',
        hasDefaultValue: row.columnDefault !== null,
        isAutoIncrementing: row.columnDefault?.startsWith('nextval(') ?? false,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
