/** `crmsync import` refuses a command it cannot run before connecting to anything, with the reason and exit code 1. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'crmsync-cli-import-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const crmsync = (...args: string[]) => runCli(dataDir, args);

it('refuses an import with no object, --resume mixed with an order, and a date that is not one', async () => {
  const nothing = await crmsync('import');
  expect(nothing.code).toBe(1);
  expect(nothing.stderr).toContain('crmsync: could not run: say which object to import (--object) or which import to continue (--resume <id>)');
  const mixed = await crmsync('import', '--resume', 'abc', '--object', 'Lead');
  expect(mixed.code).toBe(1);
  expect(mixed.stderr).toContain('--resume continues an import with its own object and dates');
  const badDate = await crmsync('import', '--object', 'Lead', '--created-after', 'yesterday');
  expect(badDate.code).toBe(1);
  expect(badDate.stderr).toContain('"yesterday" is not a date');
}, 60_000);
