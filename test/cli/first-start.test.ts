import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureStartupSecrets } from '../../src/cli/first-start.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'crmsync-first-')), 'data');
});
afterEach(() => {
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

describe('ensureStartupSecrets', () => {
  it('generates a secret and an admin token on first start, owner-readable only, and reuses them after', () => {
    const first = ensureStartupSecrets({ dataDir, secret: null, adminToken: null });
    expect(first.adminTokenIsNew).toBe(true);
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, 'crmsync.secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    const second = ensureStartupSecrets({ dataDir, secret: null, adminToken: null });
    expect(second).toEqual({ ...first, adminTokenIsNew: false });
  });

  it('uses configured values and writes nothing for them', () => {
    const result = ensureStartupSecrets({ dataDir, secret: 'configured-secret-0123456789', adminToken: 'configured-admin-token-0123' });
    expect(result).toEqual({ secret: 'configured-secret-0123456789', adminToken: 'configured-admin-token-0123', adminTokenIsNew: false });
    expect(() => statSync(join(dataDir, 'crmsync.secret'))).toThrow();
  });

  it('refuses a secret file other users can read, saying how to fix it', () => {
    ensureStartupSecrets({ dataDir, secret: null, adminToken: null });
    chmodSync(join(dataDir, 'crmsync.secret'), 0o644);
    expect(() => ensureStartupSecrets({ dataDir, secret: null, adminToken: null })).toThrow(/readable by other users .*chmod 600/);
  });
});
