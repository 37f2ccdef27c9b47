import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * SPEC section 2: with no CRMSYNC_SECRET, one is generated into the data folder on first start; with no
 * CRMSYNC_ADMIN_TOKEN, one is generated and printed. Both files are readable by the owner only, and both are
 * reused on every later start: a new secret would make the stored tokens unreadable, a new admin token would
 * lock the admin out.
 */
export interface StartupSecrets {
  secret: string;
  adminToken: string;
  /** True when the admin token was generated now: print it, once, with how to log in. */
  adminTokenIsNew: boolean;
}

function readOrCreate(path: string, what: string): { value: string; created: boolean } {
  try {
    const mode = statSync(path).mode & 0o777;
    // A secret the whole machine can read protects nothing: refuse rather than use it.
    if ((mode & 0o077) !== 0) {
      throw new Error(`${path} (the ${what}) is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
    }
    const value = readFileSync(path, 'utf8').trim();
    if (value.length < 32) throw new Error(`${path} (the ${what}) is too short to be one crmsync generated; delete it to make a new one`);
    return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const value = randomBytes(32).toString('base64url');
    // wx: never overwrite one that another process created meanwhile.
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  }
}

export function ensureStartupSecrets(options: { dataDir: string; secret: string | null; adminToken: string | null }): StartupSecrets {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const secret = options.secret ?? readOrCreate(join(options.dataDir, 'secret.key'), 'CRMSYNC_SECRET').value;
  if (options.adminToken !== null) return { secret, adminToken: options.adminToken, adminTokenIsNew: false };
  const token = readOrCreate(join(options.dataDir, 'admin-token'), 'admin token');
  return { secret, adminToken: token.value, adminTokenIsNew: token.created };
}
