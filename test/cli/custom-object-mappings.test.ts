/**
 * `crmsync mappings list` for a custom object, against the demo emulators (whose seeds carry Project__c and
 * p_projects): the object is named by its Salesforce API name, and only a configured custom object is accepted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const execute = promisify(execFile);
const bin = new URL('../../bin/crmsync.js', import.meta.url).pathname;
let dataDir: string;

async function crmsync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execute('node', [bin, ...args], { env: { ...process.env, CRMSYNC_DATA_DIR: dataDir, DATABASE_URL: '', CRMSYNC_LOG_LEVEL: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'crmsync-cli-custom-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('crmsync mappings list <custom object>', () => {
  it('lists the mappings made from both demo schemas once customObjects names the object, and refuses one it does not name', async () => {
    const refused = await crmsync('mappings', 'list', 'Project__c');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Project__c is not a synced object: use contacts, companies, deals, tickets, or a Salesforce custom object once it is configured in customObjects/);

    const entry = [{ salesforceObject: 'Project__c', hubspotObjectType: 'p_projects', associations: ['contacts', 'companies'] }];
    expect((await crmsync('settings', 'set', 'customObjects', JSON.stringify(entry))).code).toBe(0);
    const listed = await crmsync('mappings', 'list', 'Project__c', '--json');
    expect(listed.stderr).toBe('');
    const rows = JSON.parse(listed.stdout) as Array<{ hubspotProperty: string; salesforceFields: Record<string, string> }>;
    expect(rows.map((row) => `${row.salesforceFields.Project__c}→${row.hubspotProperty}`)).toEqual(['OwnerId→hubspot_owner_id', 'Name→project_name', 'Stage__c→stage', 'Budget__c→budget']);
  });
});
