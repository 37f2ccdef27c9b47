import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = new URL('../../bin/crmsync.js', import.meta.url).pathname;

describe('crmsync CLI', () => {
  it('prints help naming its commands', async () => {
    const { stdout } = await run('node', [bin, '--help']);
    expect(stdout).toContain('emulate');
    expect(stdout).toContain('start');
  });

  it('refuses an unknown emulator with the allowed choices', async () => {
    const failure = await run('node', [bin, 'emulate', 'zoho']).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/salesforce, hubspot/);
  });

  it('refuses a port that is not a port', async () => {
    const failure = await run('node', [bin, 'emulate', 'salesforce', '--port', 'abc']).catch((e: { stderr: string }) => e);
    expect((failure as { stderr: string }).stderr).toMatch(/"abc" is not a TCP port/);
  });
});
