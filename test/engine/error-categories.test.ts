/**
 * Sync Health's error cards from real refusals (issue 4): a value Salesforce refuses (property_value) and an org's
 * validation rule (custom_code) become sync errors with the vendor's code and message, and disappear once the cause
 * is fixed and the records are resynced; the rest of the batch syncs meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { runSyncCycle } from '../../src/engine/cycle.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { alignLeadStatus, editInHubspot, salesforceRecords, useContactSyncWorld, type ContactSyncWorld } from './contacts/world.ts';

const world = useContactSyncWorld();

function fullCycle(target: ContactSyncWorld) {
  const { store, salesforce, hubspot, calls } = target;
  return runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() });
}

async function openErrors(target: ContactSyncWorld) {
  return (await target.store.syncErrors.list({ status: 'open' }, { limit: 100 })).errors;
}

async function resyncAll(target: ContactSyncWorld): Promise<void> {
  await target.store.syncErrors.retryNow((await openErrors(target)).map((error) => error.id), new Date());
}

describe('error categories from real refusals', () => {
  it('property_value: a value too long for Salesforce, fixed in HubSpot and resynced', async () => {
    await alignLeadStatus(world);
    const created = await world.hubspot.batchCreate('contacts', [
      { properties: { email: 'long@example.com', lastname: 'L'.repeat(81), company: 'Acme' } },
      { properties: { email: 'fine@example.com', lastname: 'Fine', company: 'Acme' } },
    ]);
    await fullCycle(world);
    const [error] = await openErrors(world);
    expect(error).toMatchObject({ category: 'property_value', vendorCode: 'STRING_TOO_LONG', object: 'contacts' });
    expect(error?.message).toMatch(/LastName|Last Name/);
    expect((await salesforceRecords(world, 'Lead')).map((lead) => lead.Email)).toEqual(['fine@example.com']);

    const long = created.results.find((record) => record.properties.email === 'long@example.com')!;
    await editInHubspot(world, long.id, { lastname: 'Longfellow' });
    await resyncAll(world);
    await fullCycle(world);
    expect(await openErrors(world)).toEqual([]);
    expect((await salesforceRecords(world, 'Lead')).map((lead) => lead.Email).sort()).toEqual(['fine@example.com', 'long@example.com']);
  });

  it('custom_code: an org validation rule refuses a lead until the admin changes the rule and resyncs', async () => {
    await alignLeadStatus(world);
    await emulatorAdmin(world.salesforceEmulator.url, 'config', {
      validationRules: [{ object: 'Lead', field: 'Company', operator: 'equals', value: 'Blocked Inc', message: 'Leads from Blocked Inc need a partner referral' }],
    });
    await world.hubspot.batchCreate('contacts', [
      { properties: { email: 'blocked@example.com', lastname: 'Blocked', company: 'Blocked Inc' } },
      { properties: { email: 'open@example.com', lastname: 'Open', company: 'Open Ltd' } },
    ]);
    await fullCycle(world);
    const [error] = await openErrors(world);
    expect(error).toMatchObject({ category: 'custom_code', vendorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: expect.stringContaining('partner referral') });
    expect((await salesforceRecords(world, 'Lead')).map((lead) => lead.Email)).toEqual(['open@example.com']);

    await emulatorAdmin(world.salesforceEmulator.url, 'config', { validationRules: [] });
    await resyncAll(world);
    await fullCycle(world);
    expect(await openErrors(world)).toEqual([]);
    expect((await salesforceRecords(world, 'Lead')).map((lead) => lead.Email).sort()).toEqual(['blocked@example.com', 'open@example.com']);
  });
});
