import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import type { StoreContext } from './context.ts';

/**
 * Tokens at rest (SPEC section 10): AES-256-GCM, a random 96-bit IV per value, the secret's name as
 * authenticated data (a ciphertext copied into another row fails to open), under a key derived from
 * CRMSYNC_SECRET with scrypt and a random per-store salt. scrypt rather than a plain hash or HKDF because an
 * admin may set CRMSYNC_SECRET to a passphrase: a leaked database must not make guessing it cheap.
 * Decryption failures are errors, never a fallback to anything readable.
 */

const FORMAT = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
// 2^15 × 8 × 128 bytes = 32 MiB of memory per derivation, about a tenth of a second: once per process.
const SCRYPT_OPTIONS: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SALT_KEY = 'secrets.kdf_salt';
const KEY_CHECK_KEY = 'secrets.key_check';
const KEY_CHECK_PLAINTEXT = 'crmsync secrets key check';

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

function scrypt(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, KEY_BYTES, SCRYPT_OPTIONS, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export function seal(key: Buffer, plaintext: string, associatedData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

/** Returns null when the value does not authenticate under this key and associated data. */
export function open(key: Buffer, sealed: string, associatedData: string): string | null {
  const [format, iv, tag, ciphertext, ...rest] = sealed.split(':');
  if (format !== FORMAT || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
    throw new SecretKeyError(`a stored secret has an unknown format (expected ${FORMAT}:iv:tag:ciphertext)`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * The key, derived once when the store opens (never inside a transaction that could roll the salt back) and
 * checked against a sealed known value, so that a wrong CRMSYNC_SECRET is reported as such rather than as a
 * corrupt token. A wrong or missing key does not stop the store from opening: it fails the use of secrets.
 */
export class SecretKeyring {
  private constructor(private key: Buffer | SecretKeyError) {}

  /** After a key rotation has committed. */
  replaceKey(key: Buffer): void {
    this.key = key;
  }

  static async prepare(context: StoreContext, secret: string | null): Promise<SecretKeyring> {
    if (secret === null) return new SecretKeyring(new SecretKeyError('stored secrets need CRMSYNC_SECRET, and none was given to the store'));
    await context.db
      .insertInto('storeMeta')
      .values({ key: SALT_KEY, value: randomBytes(16).toString('base64') })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const salt = await context.db.selectFrom('storeMeta').select('value').where('key', '=', SALT_KEY).executeTakeFirstOrThrow();
    const key = await scrypt(secret, Buffer.from(salt.value, 'base64'));
    await context.db
      .insertInto('storeMeta')
      .values({ key: KEY_CHECK_KEY, value: seal(key, KEY_CHECK_PLAINTEXT, KEY_CHECK_KEY) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const check = await context.db.selectFrom('storeMeta').select('value').where('key', '=', KEY_CHECK_KEY).executeTakeFirstOrThrow();
    if (open(key, check.value, KEY_CHECK_KEY) !== KEY_CHECK_PLAINTEXT) {
      return new SecretKeyring(
        new SecretKeyError(
          'CRMSYNC_SECRET is not the key the stored secrets were encrypted with: set the CRMSYNC_SECRET used when they were saved, or reconnect both systems to store new ones',
        ),
      );
    }
    return new SecretKeyring(key);
  }

  get keyOrThrow(): Buffer {
    if (this.key instanceof SecretKeyError) throw this.key;
    return this.key;
  }
}

/** Named secrets (OAuth refresh tokens, access tokens, webhook secrets), encrypted at rest. */
export class SecretsRepository {
  constructor(
    private readonly context: StoreContext,
    private readonly keyring: SecretKeyring,
  ) {}

  async put(name: string, plaintext: string, now: Date): Promise<void> {
    const sealed = seal(this.keyring.keyOrThrow, plaintext, associatedData(name));
    await this.context.db
      .insertInto('secrets')
      .values({ name, sealed, updatedAt: now.toISOString() })
      .onConflict((oc) => oc.column('name').doUpdateSet({ sealed, updatedAt: now.toISOString() }))
      .execute();
  }

  /** The secret, or null when none is stored under this name. */
  async get(name: string): Promise<string | null> {
    const row = await this.context.db.selectFrom('secrets').select('sealed').where('name', '=', name).executeTakeFirst();
    if (!row) return null;
    const plaintext = open(this.keyring.keyOrThrow, row.sealed, associatedData(name));
    if (plaintext === null) {
      throw new SecretKeyError(`the stored secret "${name}" does not authenticate: it was altered or copied from another row; store it again`);
    }
    return plaintext;
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.context.db.deleteFrom('secrets').where('name', '=', name).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * Re-encrypts every stored secret under a key derived from `newSecret` (with a new salt), in one
   * transaction: either all secrets move to the new key or none does. Afterwards this store uses the new key;
   * other processes must be restarted with the new CRMSYNC_SECRET.
   */
  async rotateKey(newSecret: string): Promise<number> {
    if (this.context.inTransaction) throw new Error('rotateKey runs its own transaction; call it outside store.transaction()');
    const oldKey = this.keyring.keyOrThrow;
    const salt = randomBytes(16);
    const newKey = await scrypt(newSecret, salt);
    const rotated = await this.context.transact(async ({ db }) => {
      const rows = await db.selectFrom('secrets').select(['name', 'sealed']).execute();
      for (const row of rows) {
        const plaintext = open(oldKey, row.sealed, associatedData(row.name));
        if (plaintext === null) throw new SecretKeyError(`the stored secret "${row.name}" does not authenticate; nothing was re-encrypted`);
        await db.updateTable('secrets').set({ sealed: seal(newKey, plaintext, associatedData(row.name)) }).where('name', '=', row.name).execute();
      }
      await db.updateTable('storeMeta').set({ value: salt.toString('base64') }).where('key', '=', SALT_KEY).execute();
      await db.updateTable('storeMeta').set({ value: seal(newKey, KEY_CHECK_PLAINTEXT, KEY_CHECK_KEY) }).where('key', '=', KEY_CHECK_KEY).execute();
      return rows.length;
    });
    this.keyring.replaceKey(newKey);
    return rotated;
  }

  async names(): Promise<string[]> {
    const rows = await this.context.db.selectFrom('secrets').select('name').orderBy('name').execute();
    return rows.map((r) => r.name);
  }
}

function associatedData(name: string): string {
  return `crmsync-secret:${FORMAT}:${name}`;
}
