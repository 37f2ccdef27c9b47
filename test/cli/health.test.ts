import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerHealthCommands } from '../../src/cli/health.ts';
import { loadConfig, type CrmsyncConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/open.ts';

let folder: string;
let config: CrmsyncConfig;
let output: string[];

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crmsync-cli-health-'));
  config = loadConfig({ CRMSYNC_DATA_DIR: folder, DATABASE_URL: `sqlite:${join(folder, 'crmsync.db')}` });
  output = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });

  // What a few cycles left behind: calls in the ledger, an allocation, errors of two kinds.
  const store = await openStore(config.databaseUrl);
  const now = new Date();
  await store.settings.write({ apiCallAllocation: 1000 }, 0, now);
  await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 42, new Date(now.getTime() - 60_000));
  const base = { object: 'contacts', salesforceId: null, field: 'Email', nextRetryAt: null } as const;
  await store.syncErrors.record({ ...base, hubspotId: '501', category: 'property_value', vendorCode: 'INVALID_EMAIL_ADDRESS', message: 'invalid email: bob@' }, new Date(now.getTime() - 30_000));
  await store.syncErrors.record({ ...base, hubspotId: '502', category: 'duplicates', vendorCode: 'DUPLICATES_DETECTED', message: '+1 duplicate,\n"Bob"' }, now);
  await store.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(folder, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  program.configureOutput({ writeErr: (text) => void output.push(text), writeOut: (text) => void output.push(text) });
  registerHealthCommands(program, () => config);
  await program.parseAsync(['node', 'crmsync', ...args]);
  return output.join('\n');
}

describe('crmsync health', () => {
  it('prints the budget, the suspension state and one line per error type', async () => {
    const text = await run('health');
    expect(text).toMatch(/used\s+42\n/);
    expect(text).toMatch(/allocation\s+1,000\n/);
    expect(text).toMatch(/remaining\s+958\n/);
    expect(text).toContain('Suspension: none');
    expect(text).toContain('Sync errors: 2 open');
    expect(text).toMatch(/property_value:INVALID_EMAIL_ADDRESS\s+1\s+1\s+Invalid email address/);
    expect(text).toMatch(/duplicates:DUPLICATES_DETECTED\s+1\s+1\s+Salesforce duplicate rule/);
  });

  it('prints the JSON of GET /api/health with --json', async () => {
    const health = JSON.parse(await run('health', '--json'));
    expect(health.apiUsage).toMatchObject({ usedLast24h: 42, allocation: 1000, remaining: 958 });
    expect(health.errors).toHaveLength(2);
    expect(health.sync.phase).toBe('stopped');
  });
});

describe('crmsync errors', () => {
  it('lists the open errors, filtered by type or category', async () => {
    const all = await run('errors');
    expect(all).toContain('502');
    expect(all).toContain('501');
    expect(all).toContain('+1 duplicate, "Bob"');
    output = [];
    const byType = await run('errors', '--type', 'property_value:INVALID_EMAIL_ADDRESS');
    expect(byType).toContain('invalid email: bob@');
    expect(byType).not.toContain('duplicate');
    output = [];
    const byCategory = await run('errors', '--category', 'duplicates', '--json');
    expect(JSON.parse(byCategory)).toEqual([expect.objectContaining({ hubspotId: '502', type: 'duplicates:DUPLICATES_DETECTED' })]);
  });

  it('exports CSV as the UI does, formula cells neutralised', async () => {
    const csv = await run('errors', '--csv', '--category', 'duplicates');
    const [header, row] = csv.split('\r\n');
    expect(header).toMatch(/^id,type,category,object,hubspotId/);
    expect(row).toContain(`"'+1 duplicate,\n""Bob"""`);
  });

  it('refuses a type that is not one, naming it', async () => {
    await expect(run('errors', '--type', 'nonsense')).rejects.toThrow(/"nonsense" is not an error type/);
    await expect(run('errors', '--category', 'typos')).rejects.toThrow(/Allowed choices are/);
  });
});
