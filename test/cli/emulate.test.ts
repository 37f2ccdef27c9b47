import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@hubspot/api-client';
import { Connection } from '@jsforce/jsforce-node';
import { afterEach, describe, expect, it } from 'vitest';

const bin = new URL('../../bin/crmsync.js', import.meta.url).pathname;
const running: ChildProcess[] = [];

/** Starts `crmsync emulate …` as a user would and waits for the URL it prints. */
async function emulate(args: string[]): Promise<string> {
  const child = spawn('node', [bin, 'emulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${output}`)));
  });
}

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
});

describe('crmsync emulate', () => {
  it('serves Salesforce with the demo data to jsforce', async () => {
    const url = await emulate(['salesforce', '--port', '0', '--seed', 'demo']);
    const conn = new Connection({ instanceUrl: url, accessToken: 'any', version: '62.0' });
    const leads = await conn.query('SELECT COUNT() FROM Lead');
    expect(leads.totalSize).toBeGreaterThan(50);
  });

  it('serves HubSpot empty with --seed none, to the official client', async () => {
    const url = await emulate(['hubspot', '--port', '0', '--seed', 'none']);
    const client = new Client({ accessToken: 'any', basePath: url });
    const page = await client.crm.contacts.basicApi.getPage(10);
    expect(page.results).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    await emulate(['hubspot', '--port', '0', '--seed', 'none']);
    const child = running[0] as ChildProcess;
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
