/**
 * Importing existing Salesforce leads and contacts: records polling will not bring because they did not change
 * since crmsync was connected (here: created while "do nothing" was the setting, then the setting changed).
 */
import { describe, expect, it } from 'vitest';
import { runSyncCycle } from '../../../src/engine/cycle.ts';
import { contactImporterFor, type ContactImporter } from '../../../src/engine/contacts/import.ts';
import { ImportRefusedError, type ImportProgress } from '../../../src/engine/import-control.ts';
import { alignLeadStatus, hubspotContacts, useContactSyncWorld, type ContactSyncWorld } from './world.ts';

const world = useContactSyncWorld();

function importer(target: ContactSyncWorld): ContactImporter {
  const { store, salesforce, hubspot, calls } = target;
  return contactImporterFor({ store, salesforce, hubspot, calls, clock: () => new Date() });
}

async function finished(control: ContactImporter, importId: string): Promise<ImportProgress> {
  for (let i = 0; i < 600; i += 1) {
    const progress = await control.status(importId);
    if (progress && progress.state !== 'running') return progress;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the import did not finish');
}

describe('ContactImporter', () => {
  it('brings leads that polling will not see again, dedups on a second import, and skips people without an email', async () => {
    await alignLeadStatus(world);
    const { store, salesforce, hubspot, calls } = world;
    await world.store.settings.write({ contacts: { onSalesforceUpsert: 'do_nothing' } }, 0, new Date());
    await salesforce.create('Lead', [
      { LastName: 'Old One', Company: 'Acme', Email: 'one@example.com' },
      { LastName: 'Old Two', Company: 'Acme', Email: 'two@example.com' },
      { LastName: 'No Email', Company: 'Acme' },
    ]);
    await runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() });
    expect(await hubspotContacts(world)).toEqual([]);
    const settings = await world.store.settings.read();
    await world.store.settings.write({ contacts: { onSalesforceUpsert: 'create_or_update_contact' } }, settings!.version, new Date());

    const control = importer(world);
    const { importId } = await control.start({ object: 'Lead', createdAfter: new Date(Date.now() - 3_600_000), modifiedAfter: null });
    const done = await finished(control, importId);
    expect(done).toMatchObject({ state: 'succeeded', read: 2, total: 2, created: 2, failed: 0, failure: null });
    expect((await hubspotContacts(world)).map((contact) => contact.properties.email).sort()).toEqual(['one@example.com', 'two@example.com']);

    const again = await finished(control, (await control.start({ object: 'Lead', createdAfter: null, modifiedAfter: null })).importId);
    expect(again).toMatchObject({ state: 'succeeded', read: 2, created: 0 });
    expect(await hubspotContacts(world)).toHaveLength(2);
  });

  it('refuses an object it does not import and a bound in the future, naming the field', async () => {
    const control = importer(world);
    await expect(control.start({ object: 'Account', createdAfter: null, modifiedAfter: null })).rejects.toMatchObject({ name: 'ImportRefusedError', field: 'object' });
    const refusal = control.start({ object: 'Contact', createdAfter: null, modifiedAfter: new Date(Date.now() + 86_400_000) });
    await expect(refusal).rejects.toBeInstanceOf(ImportRefusedError);
    await expect(refusal).rejects.toMatchObject({ field: 'modifiedAfter' });
    expect(await control.status('no-such-import')).toBeNull();
  });
});
