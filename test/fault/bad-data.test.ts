/**
 * Bad data from the vendors: values planted through the emulators' admin and REST APIs that a sync meets in real
 * portals and orgs (unicode of every kind, NUL bytes, huge strings, values no picklist holds, text where a number
 * belongs, unexpected nulls). Each either arrives byte for byte or becomes a sync error on that record naming what
 * was wrong; the records around it sync in the same cycle either way.
 */
import { describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../src/connectors/hubspot/client.ts';
import { SalesforceClient } from '../../src/connectors/salesforce/client.ts';
import { runContactSyncCycle, TallyingMeter } from '../../src/engine/cycle.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { cycle, hubspotContacts, salesforceRecords, useContactSyncWorld } from '../engine/contacts/world.ts';
import { startCutProxy, type CutRule } from './harness/cut-proxy.ts';

const world = useContactSyncWorld();

const good = Array.from({ length: 5 }, (_, i) => ({ email: `good${i}@bad-data.example.com`, firstname: `Good${i}`, lastname: `Person${i}` }));
/** Values that must arrive exactly as they are. */
const exotic = [
  { email: 'emoji@bad-data.example.com', firstname: '😀 Zoë 👩🏽‍💻', lastname: 'Ñandú-🦩' },
  { email: 'rtl@bad-data.example.com', firstname: 'שלום', lastname: 'مرحبا بالعالم \u202Egnp.exe' },
  { email: 'combining@bad-data.example.com', firstname: 'e\u0301e\u0301', lastname: 'Z\u0351\u0352a\u0353lgo' },
];

async function openErrors(): Promise<Array<{ hubspotId: string | null; salesforceId: string | null; category: string; field: string | null; message: string }>> {
  return (await world.store.syncErrors.list({ status: 'open' }, { limit: 500 })).errors;
}

describe('bad data from the vendors', () => {
  it('carries emoji, right-to-left text and combining marks byte for byte, both ways', async () => {
    for (const person of [...good, ...exotic]) await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts', { properties: person });
    await world.salesforce.create('Lead', [{ Email: 'lead.unicode@bad-data.example.com', FirstName: '🙂 Ørsted', LastName: 'ひらがな', Company: 'Ünïcødé GmbH' }]);

    await cycle(world);
    const leads = await salesforceRecords(world, 'Lead');
    for (const person of exotic) expect(leads.find((lead) => lead.Email === person.email), person.email).toMatchObject({ FirstName: person.firstname, LastName: person.lastname });
    const contact = (await hubspotContacts(world)).find((c) => c.properties.email === 'lead.unicode@bad-data.example.com');
    expect(contact?.properties).toMatchObject({ firstname: '🙂 Ørsted', lastname: 'ひらがな', company: 'Ünïcødé GmbH' });
    expect(await openErrors()).toEqual([]);
  });

  it('a huge string, a NUL byte, text for a number and an unknown picklist value each stay on their record; the others sync', async () => {
    for (const person of good) await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts', { properties: person });
    const bad = {
      huge: { email: 'huge@bad-data.example.com', lastname: 'L'.repeat(100_000) },
      nul: { email: 'nul@bad-data.example.com', lastname: 'Nul\u0000Byte' },
      notANumber: { email: 'revenue@bad-data.example.com', lastname: 'Revenue', annualrevenue: 'about a million' },
    };
    const ids: Record<string, string> = {};
    for (const [name, properties] of Object.entries(bad)) ids[name] = ((await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts', { properties })) as { id: string }).id;
    const [pigeon] = await world.salesforce.create('Lead', [{ Email: 'pigeon@bad-data.example.com', LastName: 'Pigeon', Company: 'Coop', LeadSource: 'Carrier pigeon' }]);

    const summary = await cycle(world);
    const errors = await openErrors();
    const leads = await salesforceRecords(world, 'Lead');
    // The records around the bad ones synced in the same cycle.
    for (const person of good) expect(leads.find((lead) => lead.Email === person.email), person.email).toMatchObject({ LastName: person.lastname });
    expect((await hubspotContacts(world)).some((c) => c.properties.email === 'pigeon@bad-data.example.com')).toBe(true);

    // Each bad value: synced exactly, or an open error on its own record that names the field.
    const outcome = (name: string, email: string, field: string, value: string) => {
      const lead = leads.find((record) => record.Email === email);
      const error = errors.find((e) => e.hubspotId === ids[name]);
      return lead?.[field] === value ? 'synced exactly' : error ? `error ${error.category} on ${error.field}` : `neither: ${JSON.stringify(lead?.[field])?.slice(0, 40)}`;
    };
    expect(outcome('huge', bad.huge.email, 'LastName', bad.huge.lastname)).toBe('error property_value on LastName');
    expect(outcome('nul', bad.nul.email, 'LastName', bad.nul.lastname)).toMatch(/^(synced exactly|error property_value on LastName)$/);
    expect(outcome('notANumber', bad.notANumber.email, 'AnnualRevenue', bad.notANumber.annualrevenue)).toMatch(/^error property_value on (AnnualRevenue|annualrevenue)$/);
    const pigeonContact = (await hubspotContacts(world)).find((c) => c.properties.email === 'pigeon@bad-data.example.com')!;
    const pigeonError = errors.find((e) => e.salesforceId === pigeon!.id || e.hubspotId === pigeonContact.id);
    expect(pigeonContact.properties.leadsource === 'Carrier pigeon' || pigeonError?.category === 'property_value', JSON.stringify({ pigeonError, leadsource: pigeonContact.properties.leadsource })).toBe(true);
    expect(summary.salesforce.created).toBeGreaterThanOrEqual(good.length);
    // No error lost its way: every one names a record.
    for (const error of errors) expect(error.hubspotId ?? error.salesforceId, error.message).not.toBeNull();
  });

  it('a contact with 10,000 associated companies syncs (or errs) on its own; its neighbours sync in the same cycle', async () => {
    // With hubspotCreatesIn = auto the cycle reads each new contact's companies: the heavy one must not sink the batch.
    await world.store.settings.write({ contacts: { hubspotCreatesIn: 'auto' } }, 0, new Date());
    await emulatorAdmin(world.hubspotEmulator.url, 'seed', { companies: 10_000 });
    const companies = ((await emulatorAdmin(world.hubspotEmulator.url, 'records/companies')) as { results: Array<{ id: string }> }).results;
    expect(companies).toHaveLength(10_000);
    const heavy = (await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts', { properties: { email: 'heavy@bad-data.example.com', lastname: 'Heavy' } })) as { id: string };
    const refused = await world.hubspot.associateDefault('contacts', 'companies', companies.map((company) => ({ fromId: heavy.id, toId: company.id })));
    expect(refused).toEqual([]);
    for (const person of good) await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts', { properties: person });

    await cycle(world);
    const leads = await salesforceRecords(world, 'Lead');
    for (const person of good) expect(leads.find((lead) => lead.Email === person.email), person.email).toMatchObject({ LastName: person.lastname });
    const heavyLead = leads.find((lead) => lead.Email === 'heavy@bad-data.example.com');
    const heavyError = (await openErrors()).find((error) => error.hubspotId === heavy.id);
    expect(heavyLead !== undefined || heavyError !== undefined, 'the heavy contact is neither synced nor an error').toBe(true);
    if (heavyLead) expect(heavyLead).toMatchObject({ LastName: 'Heavy' });
  }, 60_000);

  it('dates in odd formats: valid spellings arrive as the same instant, impossible ones become an error on their record', async () => {
    await world.hubspot.client.crm.properties.coreApi.create('contacts', { name: 'last_event', label: 'Last event', type: 'datetime' as never, fieldType: 'date' as never, groupName: 'contactinformation' });
    await world.hubspot.client.crm.properties.coreApi.create('contacts', { name: 'renewal', label: 'Renewal', type: 'date' as never, fieldType: 'date' as never, groupName: 'contactinformation' });
    for (const object of ['Lead', 'Contact']) {
      await emulatorAdmin(world.salesforceEmulator.url, 'schema', { object, fields: [{ name: 'Last_Event__c', type: 'datetime' }, { name: 'Renewal__c', type: 'date' }] });
    }
    await world.store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'last_event', salesforceField: 'Last_Event__c', rule: 'two_way', origin: 'custom' }, new Date());
    await world.store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'renewal', salesforceField: 'Renewal__c', rule: 'two_way', origin: 'custom' }, new Date());
    // HubSpot's API answers these as it stores them; the proxy plants the spellings real portals hold (imports,
    // integrations writing epoch ms, offsets) and the ones no date has.
    const planted: Record<string, { last_event?: string; renewal?: string }> = {
      'epoch@dates.example.com': { last_event: '1717243200000', renewal: '1717200000000' },
      'offset@dates.example.com': { last_event: '2024-06-01T14:00:00+02:00', renewal: '2024-06-01T00:00:00.000Z' },
      'nozone@dates.example.com': { last_event: '2024-06-01T12:00:00' },
      'feb30@dates.example.com': { renewal: '2024-02-30' },
      'us@dates.example.com': { last_event: '06/01/2024 12:00 PM' },
    };
    for (const email of [...Object.keys(planted), ...good.map((person) => person.email)]) {
      await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts', { properties: { email, lastname: email.split('@')[0]! } });
    }
    const proxy = await startCutProxy(world.hubspotEmulator.url);
    try {
      proxy.rewriteAnswers({ method: 'POST', path: /^\/crm\/v3\/objects\/contacts\/(search|batch\/read)$/ }, (answer) => {
        for (const record of (answer as { results?: Array<{ properties: Record<string, string | null> }> }).results ?? []) {
          Object.assign(record.properties, planted[String(record.properties.email)] ?? {});
        }
        return answer;
      });
      const hubspot = new HubSpotClient({ accessToken: 'token', basePath: proxy.url, meter: world.calls.hubspot });
      await runContactSyncCycle({ store: world.store, salesforce: world.salesforce, hubspot, calls: world.calls, clock: () => new Date(), archivedScanIntervalMs: 0 });
    } finally {
      await proxy.close();
    }

    const leads = new Map((await salesforceRecords(world, 'Lead')).map((lead) => [String(lead.Email), lead]));
    for (const person of good) expect(leads.get(person.email), person.email).toBeDefined();
    expect(leads.get('epoch@dates.example.com')).toMatchObject({ Last_Event__c: '2024-06-01T12:00:00.000+0000', Renewal__c: '2024-06-01' });
    expect(leads.get('offset@dates.example.com')).toMatchObject({ Last_Event__c: '2024-06-01T12:00:00.000+0000', Renewal__c: '2024-06-01' });
    const errors = await openErrors();
    const contactIds = new Map((await hubspotContacts(world)).map((contact) => [contact.id, contact.properties.email]));
    const errorFor = (email: string) => errors.filter((error) => contactIds.get(error.hubspotId ?? '') === email).map((error) => `${error.category} ${error.field}: ${error.message}`);
    // A datetime without a time zone is not guessed to be UTC; a 30th of February and a US spelling are not dates.
    expect(errorFor('nozone@dates.example.com')).toEqual([expect.stringMatching(/^property_value (last_event|Last_Event__c): .*2024-06-01T12:00:00/)]);
    expect(errorFor('feb30@dates.example.com')).toEqual([expect.stringMatching(/^property_value (renewal|Renewal__c): .*2024-02-30/)]);
    expect(errorFor('us@dates.example.com')).toEqual([expect.stringMatching(/^property_value (last_event|Last_Event__c): .*06\/01\/2024/)]);
    // The rest of each refused record still synced.
    for (const email of ['nozone@dates.example.com', 'feb30@dates.example.com', 'us@dates.example.com']) expect(leads.get(email), email).toMatchObject({ LastName: email.split('@')[0] });
  });

  for (const [system, rule] of [
    ['HubSpot', { method: 'POST', path: /^\/crm\/v3\/objects\/contacts\/search$/, when: 'garble' }],
    ['Salesforce', { method: 'GET', path: /\/query$/, when: 'garble' }],
  ] as Array<[string, CutRule]>) {
    it(`malformed JSON from ${system} fails that cycle with a clear error and writes nothing half; the next cycle syncs everything once`, async () => {
      for (const person of good) await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts', { properties: person });
      await world.salesforce.create('Lead', [{ Email: 'lead.json@bad-data.example.com', LastName: 'Json', Company: 'Co' }]);
      const proxy = await startCutProxy(system === 'HubSpot' ? world.hubspotEmulator.url : world.salesforceEmulator.url);
      try {
        proxy.arm(rule, () => undefined);
        const calls = { salesforce: new TallyingMeter(), hubspot: new TallyingMeter() };
        const hubspot = new HubSpotClient({ accessToken: 'token', basePath: system === 'HubSpot' ? proxy.url : world.hubspotEmulator.url, meter: calls.hubspot });
        const salesforce = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: system === 'Salesforce' ? proxy.url : world.salesforceEmulator.url, accessToken: 'token' }, apiVersion: '62.0', meter: calls.salesforce });
        const failed = await runContactSyncCycle({ store: world.store, salesforce, hubspot, calls, clock: () => new Date() }).then(
          () => null,
          (error: unknown) => error as Error,
        );
        expect(proxy.cuts).toBe(1);
        // The cycle stops rather than treat half an answer as data, and says what was wrong with the answer.
        expect(failed, 'the cycle went on as if the garbled answer were data').toBeInstanceOf(Error);
        if (system === 'HubSpot') expect(failed!.message).toMatch(/JSON|Unexpected|parse|end of/i);
        else expect(failed!.message).toMatch(/MALFORMED_RESPONSE: Salesforce answered query on Lead \(HTTP 200, \d+ bytes\) with a body that is not valid JSON/);
        expect(await salesforceRecords(world, 'Lead')).toHaveLength(1);

        await cycle(world);
        const leads = await salesforceRecords(world, 'Lead');
        expect(leads.map((lead) => lead.Email).sort()).toEqual(['lead.json@bad-data.example.com', ...good.map((p) => p.email)].sort());
        expect((await hubspotContacts(world)).map((c) => c.properties.email).sort()).toEqual(leads.map((lead) => String(lead.Email)).sort());
      } finally {
        await proxy.close();
      }
    });
  }
});
