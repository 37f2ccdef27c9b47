import { loadOrCreateSecretFile } from '../store/secret-file.ts';

/**
 * SPEC section 2: with no CRMSYNC_SECRET, one is generated into the data folder on first start; with no
 * CRMSYNC_ADMIN_TOKEN, one is generated and printed. Both are reused on every later start: a new secret would
 * make the stored tokens unreadable, a new admin token would lock the admin out.
 */
export interface StartupSecrets {
  secret: string;
  adminToken: string;
  /** True when the admin token was generated now: print it, once, with how to log in. */
  adminTokenIsNew: boolean;
}

export const ADMIN_TOKEN_FILE_NAME = 'admin-token';

export function ensureStartupSecrets(options: { dataDir: string; secret: string | null; adminToken: string | null }): StartupSecrets {
  const secret = options.secret ?? loadOrCreateSecretFile(options.dataDir).secret;
  if (options.adminToken !== null) return { secret, adminToken: options.adminToken, adminTokenIsNew: false };
  const token = loadOrCreateSecretFile(options.dataDir, ADMIN_TOKEN_FILE_NAME);
  return { secret, adminToken: token.secret, adminTokenIsNew: token.created };
}
