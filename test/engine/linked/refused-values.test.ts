import { describe, expect, it } from 'vitest';
import type { LinkedSyncInput, LinkedSyncPlan } from '../../../src/core/linked/plan.ts';
import { runSyncCycle, type SyncCycleSummary } from '../../../src/engine/cycle.ts';
import { applyLinkedPlan } from '../../../src/engine/linked/apply.ts';
import { pairFacts } from '../../../src/engine/linked/records.ts';
import { readSettings } from '../../../src/engine/settings.ts';
import { companiesDescription } from '../../../src/objects/companies.ts';
import { alignLeadStatus, writeCalls } from '../contacts/world.ts';
import { createInHubspot, createInSalesforce, hubspotRecords, salesforceRecords, saveSettings, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();
const minute = 60_000;

/**
 * A cycle of every pair whose clock runs `aheadMs` ahead (so errors come due without waiting), with a fixed jitter
 * and the polling overlap given: with the production two minutes, a record changed lately is read again each cycle.
 */
async function cycleAt(target: LinkedWorld, aheadMs = 0, overlapMs = 2 * minute): Promise<SyncCycleSummary> {
  // HubSpot allows four searches a second; cycles back to back would spend test time waiting out its window.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const { store, salesforce, hubspot, calls } = target;
  return runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date(Date.now() + aheadMs), jitter: () => 0.5, overlapMs });
}

function pairOf(summary: SyncCycleSummary, name: string) {
  const found = summary.objects.find((object) => object.object === name);
  if (!found) throw new Error(`no ${name} in the cycle`);
  return found;
}

async function openErrors(target: LinkedWorld, object: string) {
  return (await target.store.syncErrors.list({ object }, { limit: 50 })).errors;
}

/** Moves the pair's checkpoints past everything written so far: a record is read again only when its error is due. */
async function pollingMovesOn(target: LinkedWorld, name: string, salesforceObject: string): Promise<void> {
  const past = { time: new Date(Date.now() + 1_000), lastId: null };
  await target.store.checkpoints.advance('hubspot', name, past, new Date());
  await target.store.checkpoints.advance('salesforce', `${name}/${salesforceObject}`, past, new Date());
}

/** The engine's writes to Salesforce so far (sObject Collections creates and updates), by endpoint. */
async function salesforceWrites(target: LinkedWorld): Promise<Record<string, number>> {
  return (await writeCalls(target)).salesforce;
}

describe('link-matched objects: a value the other side refuses', () => {
  it('companies: an Account update refused for a too-long city syncs the rest next cycle, does not send the city again while unchanged, sends it on a resync and once it changes', async () => {
    await saveSettings(world, { companies: { enabled: true } });
    const accountId = await createInSalesforce(world, 'Account', { Name: 'Acme', Phone: '555-0100' });
    await cycleAt(world);
    const [company] = await hubspotRecords(world, 'companies');

    // Salesforce's BillingCity holds 40 characters; HubSpot's city takes more. The update of the Account is refused
    // whole (sObject Collections answer per record), the description with it.
    const tooLong = 'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch';
    await world.hubspot.batchUpdate('companies', [{ id: company!.id, properties: { city: tooLong, description: 'Makes anvils' } }]);
    const refused = await cycleAt(world);
    expect(pairOf(refused, 'companies').salesforce).toMatchObject({ updated: 0, failed: 1 });
    const [error] = await openErrors(world, 'companies');
    expect(error).toMatchObject({ hubspotId: company!.id, salesforceId: accountId, vendorCode: 'STRING_TOO_LONG', field: 'BillingCity', retryable: false, nextRetryAt: null });
    expect(error!.refusedValues).toEqual([{ system: 'salesforce', field: 'BillingCity', value: tooLong }]);

    // Read again in the overlap: the city is held back and the description goes through.
    const rest = await cycleAt(world);
    expect(pairOf(rest, 'companies')).toMatchObject({ withheldValues: 1, salesforce: { updated: 1, failed: 0 } });
    expect((await salesforceRecords(world, 'Account'))[0]).toMatchObject({ Description: 'Makes anvils', BillingCity: null });
    expect(await openErrors(world, 'companies')).toMatchObject([{ id: error!.id, attempts: 1, field: 'BillingCity' }]);

    // Read again and again while unchanged: not one more write to Salesforce, and the refusal still stands.
    const before = await salesforceWrites(world);
    await cycleAt(world);
    await cycleAt(world);
    expect(await salesforceWrites(world)).toEqual(before);
    expect(await openErrors(world, 'companies')).toMatchObject([{ id: error!.id, attempts: 1 }]);

    // A resync by hand makes the error due: the city is sent once more (one call) and refused once more.
    await pollingMovesOn(world, 'companies', 'Account');
    await world.store.syncErrors.retryNow([error!.id], new Date());
    const resync = await cycleAt(world, 1_000, 0);
    expect(pairOf(resync, 'companies')).toMatchObject({ retried: 1, salesforce: { failed: 1 } });
    const writes = await salesforceWrites(world);
    expect(Object.values(writes).reduce((sum, count) => sum + count, 0)).toBe(Object.values(before).reduce((sum, count) => sum + count, 0) + 1);
    expect(await openErrors(world, 'companies')).toMatchObject([{ id: error!.id, attempts: 2, nextRetryAt: null }]);

    // A new value is sent, taken, and the error is resolved.
    await world.hubspot.batchUpdate('companies', [{ id: company!.id, properties: { city: 'Menai Bridge' } }]);
    const fixed = await cycleAt(world, 2_000);
    expect(pairOf(fixed, 'companies').salesforce).toMatchObject({ updated: 1, failed: 0 });
    expect((await salesforceRecords(world, 'Account'))[0]).toMatchObject({ BillingCity: 'Menai Bridge', Description: 'Makes anvils' });
    expect(await openErrors(world, 'companies')).toEqual([]);
  });

  it('deals: an Opportunity create refused for a too-long description is made without it next cycle; the description is not sent again, as a create or as an update, until it changes', async () => {
    await saveSettings(world, { deals: { enabled: true } });
    // An Opportunity's Description holds 32,000 characters; HubSpot's deal description takes more.
    const tooLong = 'A long story. '.repeat(2_300);
    const dealId = await createInHubspot(world, 'deals', { dealname: 'Big one', dealstage: 'closedlost', pipeline: 'default', closedate: '2026-04-30T00:00:00.000Z', amount: '50', description: tooLong });
    const refused = await cycleAt(world);
    expect(pairOf(refused, 'deals').salesforce).toMatchObject({ created: 0, failed: 1 });
    const [error] = await openErrors(world, 'deals');
    expect(error).toMatchObject({ hubspotId: dealId, salesforceId: null, vendorCode: 'STRING_TOO_LONG', field: 'Description', retryable: false });
    expect(error!.refusedValues).toEqual([{ system: 'salesforce', field: 'Description', value: tooLong }]);

    // Read again in the overlap: the Opportunity is created with everything else.
    const created = await cycleAt(world);
    expect(pairOf(created, 'deals')).toMatchObject({ withheldValues: 1, salesforce: { created: 1, failed: 0 } });
    const [opportunity] = await salesforceRecords(world, 'Opportunity');
    expect(opportunity).toMatchObject({ Name: 'Big one', StageName: 'Closed Lost', CloseDate: '2026-04-30', Amount: 50, Description: null });
    expect(await openErrors(world, 'deals')).toMatchObject([{ id: error!.id, attempts: 1 }]);

    // Linked now, the unchanged description would be an update of the Opportunity: it is held back as well.
    const before = await salesforceWrites(world);
    await cycleAt(world);
    await cycleAt(world);
    expect(await salesforceWrites(world)).toEqual(before);
    expect(await openErrors(world, 'deals')).toMatchObject([{ id: error!.id, attempts: 1 }]);

    // A description Salesforce can hold is sent, and the error goes.
    await world.hubspot.batchUpdate('deals', [{ id: dealId, properties: { description: 'A short story.' } }]);
    const fixed = await cycleAt(world);
    expect(pairOf(fixed, 'deals').salesforce).toMatchObject({ updated: 1, failed: 0 });
    expect((await salesforceRecords(world, 'Opportunity'))[0]).toMatchObject({ Description: 'A short story.' });
    expect(await openErrors(world, 'deals')).toEqual([]);
  });

  it('companies: an Account whose required Name was refused is created with the placeholder next cycle, and the name is not sent again while unchanged', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { companies: { enabled: true }, contacts: { hubspotCreatesIn: 'contact' } });
    // An Account Name holds 255 characters; a HubSpot company name takes more.
    const tooLong = 'Globex Corporation '.repeat(14);
    const companyId = await createInHubspot(world, 'companies', { name: tooLong, domain: 'globex.example', city: 'Springfield' });
    const contactId = await createInHubspot(world, 'contacts', { email: 'hank@globex.example', lastname: 'Scorpio' });
    await world.hubspot.associateDefault('companies', 'contacts', [{ fromId: companyId, toId: contactId }]);
    const refused = await cycleAt(world);
    expect(pairOf(refused, 'companies').salesforce).toMatchObject({ created: 0, failed: 1 });
    const [error] = await openErrors(world, 'companies');
    expect(error).toMatchObject({ hubspotId: companyId, salesforceId: null, vendorCode: 'STRING_TOO_LONG', field: 'Name' });

    // Left out, the name Salesforce requires takes the placeholder a nameless company's Account gets.
    const created = await cycleAt(world);
    expect(pairOf(created, 'companies')).toMatchObject({ withheldValues: 1, salesforce: { created: 1, failed: 0 } });
    const [account] = await salesforceRecords(world, 'Account');
    expect(account).toMatchObject({ Name: '[not provided]', BillingCity: 'Springfield' });
    expect((await salesforceRecords(world, 'Contact'))[0]?.AccountId).toBe(account?.Id);
    expect((await hubspotRecords(world, 'companies'))[0]?.properties).toMatchObject({ name: tooLong, salesforceaccountid: account?.Id });

    const before = await salesforceWrites(world);
    await cycleAt(world);
    await cycleAt(world);
    expect(await salesforceWrites(world)).toEqual(before);
    expect(await openErrors(world, 'companies')).toMatchObject([{ id: error!.id, attempts: 1 }]);
  });

  it("companies: HubSpot takes a company without the property it refuses, in the same batch write, and the refusal is an error on that field that is not remembered as synced", async () => {
    // A real cycle checks a company's industry against HubSpot's live options before sending it; a plan made from a
    // list that changed since (an option removed meanwhile) still carries a value HubSpot refuses with INVALID_OPTION.
    await saveSettings(world, { companies: { enabled: true } });
    const acmeId = await createInSalesforce(world, 'Account', { Name: 'Acme', Phone: '555-0100' });
    await cycleAt(world);
    const globexId = await createInSalesforce(world, 'Account', { Name: 'Globex' });
    const [company] = await hubspotRecords(world, 'companies');
    const [link] = [...(await world.store.idLinks.findByHubspotIds('companies', [company!.id])).values()];
    const industryBefore = (await world.store.syncedValues.readForLinks([link!.linkId])).get(link!.linkId)?.get('industry')?.value;
    const plan: LinkedSyncPlan = {
      ...emptyPlan(),
      hubspotUpdates: [{ id: company!.id, properties: { phone: '555-0199', industry: 'Technology' } }],
      hubspotCreates: [{ idempotencyKey: `companies:salesforce:${globexId}`, salesforceId: globexId, properties: { name: 'Globex', industry: 'Technology', salesforceaccountid: globexId }, parents: {}, syncedValues: { name: 'Globex', industry: 'Technology' } }],
      syncedValues: [{ linkId: link!.linkId, pair: { hubspotId: company!.id, salesforceId: acmeId }, values: { phone: '555-0199', industry: 'Technology' } }],
    };
    const applied = await applyPlan(world, plan, [{ linkId: link!.linkId, hubspotId: company!.id, salesforceId: acmeId }]);

    expect(applied.hubspot).toMatchObject({ created: 1, updated: 1, failed: 0 });
    const companies = await hubspotRecords(world, 'companies');
    expect(companies.map((record) => [record.properties.name, record.properties.phone ?? null, record.properties.industry || null]).sort()).toEqual([
      ['Acme', '555-0199', null],
      ['Globex', null, null],
    ]);
    const globex = companies.find((record) => record.properties.name === 'Globex')!;
    const errors = await openErrors(world, 'companies');
    expect(errors.map((error) => [error.hubspotId, error.salesforceId, error.category, error.field]).sort()).toEqual(
      [
        [company!.id, acmeId, 'property_value', 'industry'],
        [globex.id, globexId, 'property_value', 'industry'],
      ].sort(),
    );
    for (const error of errors) expect(error.refusedValues).toEqual([{ system: 'hubspot', field: 'industry', value: 'Technology' }]);
    // What was written is remembered as synced; the refused industry keeps its value from before, so it is tried
    // again when it changes.
    const [globexLink] = [...(await world.store.idLinks.findByHubspotIds('companies', [globex.id])).values()];
    const synced = await world.store.syncedValues.readForLinks([link!.linkId, globexLink!.linkId]);
    expect(Object.fromEntries([...synced.get(link!.linkId)!].map(([field, entry]) => [field, entry.value]))).toMatchObject({ phone: '555-0199' });
    expect(synced.get(link!.linkId)?.get('industry')?.value).toEqual(industryBefore);
    expect(Object.fromEntries([...synced.get(globexLink!.linkId)!].map(([field, entry]) => [field, entry.value]))).toEqual({ name: 'Globex' });
  });
});

function emptyPlan(): LinkedSyncPlan {
  return { plannedAt: Date.now(), salesforceCreates: [], salesforceUpdates: [], hubspotCreates: [], hubspotUpdates: [], associationChanges: [], hubspotDeletes: [], linkChanges: [], syncedValues: [], skips: [], errors: [] };
}

/** The companies writer applying `plan` over these stored links, as a cycle does after planning. */
async function applyPlan(target: LinkedWorld, plan: LinkedSyncPlan, links: LinkedSyncInput['links']) {
  const { settings } = await readSettings(target.store.settings);
  const input: LinkedSyncInput = {
    now: plan.plannedAt,
    pair: pairFacts(companiesDescription, settings),
    mappings: companiesDescription.defaultMappings,
    addressSettings: settings.contacts,
    hubspotChanges: [],
    salesforceChanges: [],
    links,
    lastSynced: new Map(),
  };
  const { store, salesforce, hubspot } = target;
  return applyLinkedPlan({ description: companiesDescription, store, salesforce, hubspot, now: new Date(), runId: 'test', input, pipelineOfStage: new Map(), contactsToAttach: new Map(), hubspotContactsOf: new Map() }, plan);
}
