import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

let dataDir: string;
const crmsync = (...args: string[]) => runCli(dataDir, args);

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'crmsync-cli-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('crmsync settings', () => {
  it('prints the defaults before anything is saved', async () => {
    const { code, stdout } = await crmsync('settings', 'get');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ contacts: { hubspotCreatesIn: 'lead', onSalesforceDelete: 'do_nothing' }, apiCallAllocation: null });
  });

  it('saves a valid change in the SQLite store, where the next command reads it', async () => {
    expect((await crmsync('settings', 'set', 'contacts.hubspotCreatesIn', 'auto')).stdout).toMatch(/contacts.hubspotCreatesIn = "auto" \(settings version 1\)/);
    expect((await crmsync('settings', 'set', 'apiCallAllocation', '5000')).code).toBe(0);
    expect(JSON.parse((await crmsync('settings', 'get', 'contacts.hubspotCreatesIn')).stdout)).toBe('auto');
    expect(JSON.parse((await crmsync('settings', 'get', 'apiCallAllocation')).stdout)).toBe(5000);
  });

  it('refuses a bad value or an unknown key with the reason, exits 1, and changes nothing', async () => {
    const badValue = await crmsync('settings', 'set', 'contacts.hubspotCreatesIn', 'sideways');
    expect(badValue.code).toBe(1);
    expect(badValue.stderr).toMatch(/contacts.hubspotCreatesIn: .*"contact"\|"lead"\|"auto"/);
    const unknown = await crmsync('settings', 'set', 'contacts.bogus', '1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown setting contacts.bogus; known: contacts.onSalesforceUpsert/);
    const negative = await crmsync('settings', 'set', 'apiCallAllocation', '-5');
    expect(negative.code).toBe(1);
    expect(negative.stderr).toMatch(/apiCallAllocation: must be at least 1/);
    expect(JSON.parse((await crmsync('settings', 'get')).stdout)).toMatchObject({ contacts: { hubspotCreatesIn: 'lead' }, apiCallAllocation: null });
  });

  it('refuses to run on a bad configuration, naming the variable', async () => {
    const { code, stderr } = await runCli(dataDir, ['settings', 'get'], { PORT: 'abc' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/PORT: must be a number/);
  });
});
