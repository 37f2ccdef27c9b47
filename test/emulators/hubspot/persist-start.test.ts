import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@hubspot/api-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('HubSpot emulator started with a persist file', () => {
  it('seeds the demo once, keeps what was written across a restart, and does not seed again', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hs-persist-'));
    folders.push(folder);
    const persistFile = join(folder, 'hubspot.json');
    const first = await startHubSpotEmulator({ port: 0, seed: 'demo', persistFile });
    const client = new Client({ accessToken: 'any', basePath: first.url });
    const demoCount = (await client.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 })).total;
    expect(demoCount).toBeGreaterThan(50);
    const added = await client.crm.contacts.basicApi.create({ properties: { email: 'kept@example.com' }, associations: [] });
    const project = await client.crm.objects.basicApi.create('p_projects', { properties: { project_name: 'Kept project' }, associations: [] });
    await first.close();

    const second = await startHubSpotEmulator({ port: 0, seed: 'demo', persistFile });
    const again = new Client({ accessToken: 'any', basePath: second.url });
    expect((await again.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 })).total).toBe(demoCount + 1);
    expect((await again.crm.contacts.basicApi.getById(added.id, ['email'])).properties.email).toBe('kept@example.com');
    // The demo's custom object answers to its `p_<name>` short-hand after the restart as before it: the demo's
    // customObjects setting names it so, and `npm start` twice used to find it gone.
    const projects = await again.crm.objects.basicApi.getPage('p_projects', 100, undefined, ['project_name']);
    expect(projects.results.map((record) => [record.id, record.properties.project_name])).toEqual([[project.id, 'Kept project']]);
    await second.close();
  });
});
