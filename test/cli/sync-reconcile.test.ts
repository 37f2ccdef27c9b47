/**
 * `crmsync sync --once --reconcile`: HubSpot's archived listing has no time filter, so a plain cycle reads it only
 * every 15 minutes and leans on webhooks for deletes in between. A run told to reconcile reads it at once: a
 * HubSpot delete no webhook reported unlinks its pair in that run (and never deletes in Salesforce).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { startFaultWorld, type FaultWorld } from '../fault/harness/world.ts';

let world: FaultWorld;
beforeEach(async () => {
  world = await startFaultWorld();
});
afterEach(async () => {
  await world.close();
});

async function linkOf(leadId: string): Promise<string | null> {
  const store = await world.openStore();
  try {
    return (await store.idLinks.findBySalesforceIds([leadId])).get(leadId)?.hubspotId ?? null;
  } finally {
    await store.close();
  }
}

describe('crmsync sync --once --reconcile', () => {
  it('reads the archived listing at once, so an unreported HubSpot delete unlinks in that run', async () => {
    const created = await fetch(`${world.salesforce.url}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: 'Bearer reconcile-test', 'content-type': 'application/json' },
      body: JSON.stringify({ Email: 'gone@reconcile.example.com', LastName: 'Gone', Company: 'Co' }),
    });
    expect(created.status).toBe(201);
    const leadId = ((await created.json()) as { id: string }).id;
    // The first run links; the second reads the archived listing (the first never does), which starts its 15 minutes.
    for (let run = 0; run < 2; run += 1) expect((await world.run()).exitCode).toBe(0);
    const contactId = await linkOf(leadId);
    expect(contactId).not.toBeNull();

    const archived = await fetch(`${world.hubspot.url}/crm/v3/objects/contacts/${contactId}`, { method: 'DELETE', headers: { authorization: 'Bearer fault-run-driver' } });
    expect(archived.status).toBe(204);
    const plain = await world.run();
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(await linkOf(leadId), 'a plain run read the archived listing within its 15 minutes').toBe(contactId);

    const reconciling = await world.run({ args: ['sync', '--once', '--reconcile'] });
    expect(reconciling.exitCode, reconciling.stderr).toBe(0);
    expect(reconciling.stdout).toMatch(/syncing: .*\(reconciling\)/);
    expect(await linkOf(leadId)).toBeNull();
    // A HubSpot delete never deletes in Salesforce.
    const { records } = (await emulatorAdmin(world.salesforce.url, 'records/Lead')) as { records: Array<{ Id: string }> };
    expect(records.map((record) => record.Id)).toEqual([leadId]);
  }, 120_000);
});
