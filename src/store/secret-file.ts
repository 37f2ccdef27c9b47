import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE_NAME = 'crmsync.secret';

/**
 * CRMSYNC_SECRET when the admin set none (SPEC section 2): generated into the data folder on first start and
 * read from there afterwards. Owner-only permissions; created exclusively, so two processes starting at once
 * end up with the same secret rather than each overwriting the other's.
 */
export function loadOrCreateSecretFile(dataDir: string, fileName: string = SECRET_FILE_NAME): { secret: string; path: string; created: boolean } {
  const path = join(dataDir, fileName);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: readSecret(path), path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: readSecret(path), path, created: false };
  }
}

function readSecret(path: string): string {
  const mode = statSync(path).mode & 0o777;
  // A secret the whole machine can read protects nothing: refuse it rather than use it.
  if ((mode & 0o077) !== 0) throw new Error(`${path} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 16) throw new Error(`${path} holds no usable secret (fewer than 16 characters); delete it to generate a new one, or set CRMSYNC_SECRET`);
  return secret;
}
