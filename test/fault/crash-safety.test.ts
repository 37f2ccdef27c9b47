/**
 * G2 and G7 at the two moments a crash makes a create ambiguous: crmsync is SIGKILLed with its write intents
 * recorded and pending, once before the vendor saw the create and once after the vendor applied it but before the
 * answer came back (a proxy cuts the request at that exact point). A restart must finish the work and never make a
 * second record: Salesforce creates are looked up by email before they are sent again, HubSpot creates are upserts
 * on email. Tickets have no email: a Case create is looked up by its Subject and creation time, and the Case read
 * back as new must not become a second ticket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { startCutProxy, type CutProxy, type CutRule } from './harness/cut-proxy.ts';
import { readWorld } from './harness/driver.ts';
import { startFaultWorld, type FaultWorld } from './harness/world.ts';

const people = Array.from({ length: 30 }, (_, i) => ({ email: `crash${i + 1}@crash.example.com`, firstname: `First${i + 1}`, lastname: `Last${i + 1}` }));

let world: FaultWorld;
let proxy: CutProxy;

beforeEach(async () => {
  world = await startFaultWorld();
});
afterEach(async () => {
  await proxy?.close();
  await world.close();
});

/** Runs crmsync through the proxy with the cut armed; returns the intents the killed run left pending. */
async function killAtCut(system: 'salesforce' | 'hubspot', rule: CutRule): Promise<number> {
  proxy = await startCutProxy(system === 'salesforce' ? world.salesforce.url : world.hubspot.url);
  // A session token rather than the OAuth trio: a refresh would answer with the emulator's own instance URL and
  // route crmsync around the proxy.
  const env: Record<string, string> =
    system === 'salesforce'
      ? { SALESFORCE_INSTANCE_URL: proxy.url, SALESFORCE_ACCESS_TOKEN: 'crash-test-session', SALESFORCE_CLIENT_ID: '', SALESFORCE_CLIENT_SECRET: '', SALESFORCE_REFRESH_TOKEN: '' }
      : { HUBSPOT_BASE_URL: proxy.url };
  const killSwitch: { kill?: () => void } = {};
  proxy.arm(rule, () => killSwitch.kill?.());
  const run = await world.run({ env, killSwitch });
  expect(proxy.cuts, `${run.stdout}${run.stderr}`).toBe(1);
  expect(run.killed).toBe(true);
  const store = await world.openStore();
  try {
    return (await store.writeIntents.listPending(1000)).filter((intent) => intent.system === system && intent.recordId === null).length;
  } finally {
    await store.close();
  }
}

async function runUntilQuiet(): Promise<void> {
  for (let cycle = 0; cycle < 3; cycle += 1) {
    const run = await world.run();
    expect(run.exitCode, `${run.stdout}${run.stderr}`).toBe(0);
    if (/created 0, updated 0, deleted 0[^\n]*\n[^\n]*created 0, updated 0, deleted 0/.test(run.stdout)) return;
  }
  throw new Error('crmsync did not settle in 3 cycles after the restart');
}

/** Every person once on each side, the HubSpot contact carrying the id of its one Lead. */
async function expectEachPersonOnce(): Promise<void> {
  const state = await readWorld({ salesforce: world.salesforce.url, hubspot: world.hubspot.url });
  for (const person of people) {
    const leads = state.salesforcePeople.filter((record) => record.email === person.email);
    const contacts = state.hubspotContacts.filter((contact) => contact.email === person.email);
    expect(leads.map((lead) => lead.object), person.email).toEqual(['Lead']);
    expect(contacts, person.email).toHaveLength(1);
    expect(contacts[0]!.properties.salesforceleadid, person.email).toBe(leads[0]!.id);
  }
  expect(state.salesforcePeople).toHaveLength(people.length);
  expect(state.hubspotContacts).toHaveLength(people.length);
}

describe('a kill between write intent and done', () => {
  const salesforceCreate: Omit<CutRule, 'when'> = { method: 'POST', path: /^\/services\/data\/v[\d.]+\/composite\/sobjects$/ };
  const hubspotUpsert: Omit<CutRule, 'when'> = { method: 'POST', path: /^\/crm\/v3\/objects\/contacts\/batch\/upsert$/ };

  for (const when of ['after', 'before'] as const) {
    it(`Salesforce creates: killed ${when} Salesforce ${when === 'after' ? 'applied them (answer lost)' : 'saw them'}, a restart makes no second Lead`, async () => {
      for (const person of people) await emulatorAdmin(world.hubspot.url, 'records/contacts', { properties: person });
      const pending = await killAtCut('salesforce', { ...salesforceCreate, when });
      expect(pending).toBe(people.length);
      const leadsAfterKill = (await readWorld({ salesforce: world.salesforce.url, hubspot: world.hubspot.url })).salesforcePeople.length;
      expect(leadsAfterKill).toBe(when === 'after' ? people.length : 0);

      await runUntilQuiet();
      await expectEachPersonOnce();
    }, 60_000);

    it(`HubSpot creates: killed ${when} HubSpot ${when === 'after' ? 'applied them (answer lost)' : 'saw them'}, a restart makes no second contact`, async () => {
      const connection = { instanceUrl: world.salesforce.url };
      for (const person of people) {
        const response = await fetch(`${connection.instanceUrl}/services/data/v62.0/sobjects/Lead`, {
          method: 'POST',
          headers: { authorization: 'Bearer crash-test', 'content-type': 'application/json' },
          body: JSON.stringify({ Email: person.email, FirstName: person.firstname, LastName: person.lastname, Company: 'Crash Co' }),
        });
        expect(response.status).toBe(201);
      }
      const pending = await killAtCut('hubspot', { ...hubspotUpsert, when });
      expect(pending).toBe(people.length);
      const contactsAfterKill = (await readWorld({ salesforce: world.salesforce.url, hubspot: world.hubspot.url })).hubspotContacts.length;
      expect(contactsAfterKill).toBe(when === 'after' ? people.length : 0);

      await runUntilQuiet();
      await expectEachPersonOnce();
    }, 60_000);
  }
});

describe('a kill between write intent and done, for tickets', () => {
  // Subjects repeat, as support tickets' do ("Password reset"): a Case is told from another by the values sent.
  const tickets = Array.from({ length: 30 }, (_, i) => ({ subject: `Crash ticket ${(i % 10) + 1}`, content: `Reported by customer ${i + 1}`, hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'LOW' }));

  /** Cases and tickets as they stand, through the emulators' own views. */
  async function casesAndTickets(): Promise<{ cases: Array<{ Id: string; Subject: string; Description: string }>; tickets: Array<{ id: string; properties: Record<string, string | null> }> }> {
    const query = await fetch(`${world.salesforce.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, Subject, Description FROM Case')}`, { headers: { authorization: 'Bearer crash-test' } });
    const cases = ((await query.json()) as { records: Array<{ Id: string; Subject: string; Description: string }> }).records;
    const listed = (await emulatorAdmin(world.hubspot.url, 'records/tickets')) as { results: Array<{ id: string; properties: Record<string, string | null> }> };
    return { cases, tickets: listed.results };
  }

  for (const when of ['after', 'before'] as const) {
    it(`Case creates: killed ${when} Salesforce ${when === 'after' ? 'applied them (answer lost)' : 'saw them'}, a restart makes no second Case and no second ticket`, async () => {
      const store = await world.openStore();
      await store.settings.write({ tickets: { enabled: true } }, 0, new Date());
      await store.close();
      for (const properties of tickets) await emulatorAdmin(world.hubspot.url, 'records/tickets', { properties });
      const pending = await killAtCut('salesforce', { method: 'POST', path: /^\/services\/data\/v[\d.]+\/composite\/sobjects$/, when });
      expect(pending).toBe(tickets.length);
      expect((await casesAndTickets()).cases).toHaveLength(when === 'after' ? tickets.length : 0);

      for (let cycle = 0; cycle < 2; cycle += 1) {
        const run = await world.run();
        expect(run.exitCode, `${run.stdout}${run.stderr}`).toBe(0);
      }
      const state = await casesAndTickets();
      expect(state.cases.map((record) => record.Description).sort()).toEqual(tickets.map((ticket) => ticket.content).sort());
      expect(state.tickets).toHaveLength(tickets.length);
      const caseByDescription = new Map(state.cases.map((record) => [record.Description, record.Id]));
      for (const ticket of state.tickets) expect(ticket.properties.salesforcecaseid, String(ticket.properties.content)).toBe(caseByDescription.get(String(ticket.properties.content)));
    }, 60_000);
  }
});
