/**
 * DATABASE_URL (SPEC section 2): `sqlite:<path>` (the embedded default) or `postgres://…`. Errors name the
 * variable and show the URL with its password masked: the message ends up in logs and terminals.
 */
export type DatabaseLocation =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; connectionString: string; display: string };

export const DEFAULT_SQLITE_PATH = './data/crmsync.db';

export class DatabaseUrlError extends Error {
  constructor(reason: string) {
    super(`DATABASE_URL ${reason}`);
    this.name = 'DatabaseUrlError';
  }
}

export function parseDatabaseUrl(databaseUrl: string | null | undefined): DatabaseLocation {
  const value = (databaseUrl ?? '').trim();
  if (value === '') return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (value.startsWith('sqlite:')) {
    // sqlite:./data/x.db, sqlite:/abs/x.db and the URL-like sqlite:///abs/x.db all name a file path.
    const rest = value.slice('sqlite:'.length);
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    return { dialect: 'sqlite', path: path === '' ? DEFAULT_SQLITE_PATH : path };
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new DatabaseUrlError(`is not a valid URL: ${maskPassword(value)}`);
    }
    if (url.hostname === '' && !url.searchParams.has('host')) {
      throw new DatabaseUrlError(`names no host: ${maskPassword(value)} (expected postgres://user:password@host:5432/database)`);
    }
    if (url.pathname.replace(/^\//, '') === '') {
      throw new DatabaseUrlError(`names no database: ${maskPassword(value)} (expected postgres://user:password@host:5432/database)`);
    }
    return { dialect: 'postgres', connectionString: value, display: maskPassword(value) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  throw new DatabaseUrlError(
    scheme
      ? `uses the unsupported scheme "${scheme}:"; use sqlite:<path> or postgres://user:password@host:5432/database`
      : 'must start with sqlite: or postgres:// (e.g. sqlite:./data/crmsync.db)',
  );
}

/** The URL with any password replaced by ***, for messages. */
export function maskPassword(databaseUrl: string): string {
  return databaseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@');
}
