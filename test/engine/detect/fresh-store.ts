import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach } from 'vitest';
import { openStore, type Store } from '../../../src/store/open.ts';

/** A new SQLite store file before each test of the calling file (no checkpoint carries over), all removed after. */
export function freshStoreEachTest(): () => Store {
  const folder = mkdtempSync(join(tmpdir(), 'crmsync-detect-'));
  let store: Store | undefined;
  beforeEach(async () => {
    await store?.close();
    store = await openStore(`sqlite:${join(folder, `${crypto.randomUUID()}.db`)}`);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return () => {
    if (!store) throw new Error('the store opens before each test');
    return store;
  };
}
