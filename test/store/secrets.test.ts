import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecretFile } from '../../src/store/secret-file.ts';
import { SecretKeyError } from '../../src/store/secrets.ts';
import { describeEachDatabase, TEST_SECRET } from './databases.ts';

const now = new Date('2026-03-05T00:00:00.000Z');
const refreshToken = '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrnJcZ.RefreshTokenPlaintextMarker';

describeEachDatabase('encrypted secrets', (database) => {
  it('round-trips a token, and another process with the same CRMSYNC_SECRET reads it', async () => {
    const isolated = database.fresh();
    const store = await isolated.open({ secret: TEST_SECRET });
    expect(await store.secrets.get('salesforce.refresh_token')).toBeNull();
    await store.secrets.put('salesforce.refresh_token', refreshToken, now);
    await store.secrets.put('hubspot.access_token', 'pat-na1-11111111', now);
    expect(await store.secrets.get('salesforce.refresh_token')).toBe(refreshToken);
    expect(await store.secrets.names()).toEqual(['hubspot.access_token', 'salesforce.refresh_token']);

    const other = await isolated.open({ secret: TEST_SECRET });
    expect(await other.secrets.get('salesforce.refresh_token')).toBe(refreshToken);
    expect(await other.secrets.delete('hubspot.access_token')).toBe(true);
    expect(await store.secrets.get('hubspot.access_token')).toBeNull();
  });

  it('never stores the plaintext', async () => {
    const isolated = database.fresh();
    const store = await isolated.open({ secret: TEST_SECRET });
    await store.secrets.put('salesforce.refresh_token', refreshToken, now);
    const { rows } = await sql<{ sealed: string }>`select sealed from secrets`.execute(store.kysely);
    expect(rows[0]?.sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(rows[0]?.sealed).not.toContain('RefreshTokenPlaintextMarker');
    if (isolated.sqlitePath) {
      await store.close();
      const files = [isolated.sqlitePath, `${isolated.sqlitePath}-wal`].filter((path) => existsSync(path));
      const bytes = Buffer.concat(files.map((path) => readFileSync(path)));
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes.includes(Buffer.from('RefreshTokenPlaintextMarker'))).toBe(false);
      expect(bytes.includes(Buffer.from(TEST_SECRET))).toBe(false);
    }
  });

  it('reports a wrong CRMSYNC_SECRET as such, never garbage', async () => {
    const isolated = database.fresh();
    const store = await isolated.open({ secret: TEST_SECRET });
    await store.secrets.put('salesforce.refresh_token', refreshToken, now);
    const wrong = await isolated.open({ secret: 'another-secret-of-sufficient-length' });
    const failure = wrong.secrets.get('salesforce.refresh_token');
    await expect(failure).rejects.toBeInstanceOf(SecretKeyError);
    await expect(failure).rejects.toThrow(/CRMSYNC_SECRET is not the key the stored secrets were encrypted with/);
    await expect(wrong.secrets.put('x', 'y', now)).rejects.toThrow(/CRMSYNC_SECRET is not the key/);
    // The rest of the store still works with a wrong key: Sync Health can still show what happened.
    expect(await wrong.syncErrors.countsByCategory()).toHaveLength(7);

    const none = await isolated.open({ secret: null });
    await expect(none.secrets.get('salesforce.refresh_token')).rejects.toThrow('stored secrets need CRMSYNC_SECRET, and none was given to the store');
  });

  it('refuses a ciphertext moved into another row', async () => {
    const store = await database.fresh().open({ secret: TEST_SECRET });
    await store.secrets.put('salesforce.refresh_token', refreshToken, now);
    await store.secrets.put('hubspot.refresh_token', 'hubspot-token', now);
    await sql`update secrets set sealed = (select sealed from secrets where name = 'salesforce.refresh_token') where name = 'hubspot.refresh_token'`.execute(store.kysely);
    await expect(store.secrets.get('hubspot.refresh_token')).rejects.toThrow('the stored secret "hubspot.refresh_token" does not authenticate: it was altered or copied from another row; store it again');
    expect(await store.secrets.get('salesforce.refresh_token')).toBe(refreshToken);
  });

  it('uses a fresh IV for every value', async () => {
    const store = await database.fresh().open({ secret: TEST_SECRET });
    await store.secrets.put('a', 'same token', now);
    await store.secrets.put('b', 'same token', now);
    const { rows } = await sql<{ sealed: string }>`select sealed from secrets order by name`.execute(store.kysely);
    expect(rows[0]?.sealed.split(':')[1]).not.toBe(rows[1]?.sealed.split(':')[1]);
    expect(rows[0]?.sealed.split(':')[3]).not.toBe(rows[1]?.sealed.split(':')[3]);
  });

  it('rotates the key: every secret re-encrypted, readable with the new secret only', async () => {
    const isolated = database.fresh();
    const store = await isolated.open({ secret: TEST_SECRET });
    await store.secrets.put('salesforce.refresh_token', refreshToken, now);
    await store.secrets.put('hubspot.access_token', 'pat-na1-22222222', now);
    const before = await sql<{ sealed: string }>`select sealed from secrets order by name`.execute(store.kysely);

    expect(await store.secrets.rotateKey('the-new-secret-after-rotation')).toBe(2);
    expect(await store.secrets.get('salesforce.refresh_token')).toBe(refreshToken);
    const after = await sql<{ sealed: string }>`select sealed from secrets order by name`.execute(store.kysely);
    expect(after.rows.map((r) => r.sealed)).not.toEqual(before.rows.map((r) => r.sealed));

    const reopened = await isolated.open({ secret: 'the-new-secret-after-rotation' });
    expect(await reopened.secrets.get('hubspot.access_token')).toBe('pat-na1-22222222');
    const old = await isolated.open({ secret: TEST_SECRET });
    await expect(old.secrets.get('hubspot.access_token')).rejects.toThrow(/CRMSYNC_SECRET is not the key/);
  });
});

describe('the generated secret file', () => {
  it('is created once, owner-only, and read back on the next start', () => {
    const directory = mkdtempSync(join(tmpdir(), 'crmsync-secret-'));
    try {
      const dataDir = join(directory, 'data');
      const first = loadOrCreateSecretFile(dataDir);
      expect(first.created).toBe(true);
      expect(first.secret.length).toBeGreaterThanOrEqual(32);
      expect(statSync(first.path).mode & 0o777).toBe(0o600);
      const second = loadOrCreateSecretFile(dataDir);
      expect(second).toEqual({ ...first, created: false });
      writeFileSync(first.path, 'short\n');
      expect(() => loadOrCreateSecretFile(dataDir)).toThrow(/holds no usable secret/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
