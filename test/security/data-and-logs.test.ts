/**
 * What a real crmsync run leaves behind, looked at from outside: `crmsync sync --once` as a child process at info
 * level, against the emulators, with records whose names carry script and SQL, and a Salesforce session that expires
 * (so a fresh access token passes through crmsync). Then:
 * - values with script and SQL arrive byte for byte on the other side (SQL goes only through parameters: a value
 *   that were spliced into a statement would break it or the store);
 * - a vendor message with HTML comes back from the API as JSON data, not markup;
 * - no token, secret or personal email is in the data folder in the clear, nor in what crmsync printed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { FakeSync } from '../server/api-harness.ts';
import { readWorld } from '../fault/harness/driver.ts';
import { faultRunSecrets, startFaultWorld, type FaultWorld } from '../fault/harness/world.ts';

const hostile = [
  { email: "o'brien.sql@hostile.example.com", firstname: "Robert'); DROP TABLE id_links;--", lastname: "x' OR '1'='1" },
  { email: 'script.person@hostile.example.com', firstname: '<script>alert(1)</script>', lastname: '<img src=x onerror=alert(1)>' },
  { email: 'quotes.person@hostile.example.com', firstname: '"; DELETE FROM sync_errors; --', lastname: 'Bobby `tables` $1 ?' },
];
const salesforceHostile = { Email: 'lead.sql@hostile.example.com', FirstName: "1; UPDATE settings SET document='{}'", LastName: "Smith'--", Company: '<b>Bold</b> & Co' };
/** A Salesforce validation rule whose message is HTML: it comes back to the admin as a sync error. */
const refusedTitle = 'refuse-me';
const htmlMessage = '<img src=x onerror=alert(document.cookie)> is not allowed here';

let world: FaultWorld;
let output = '';

beforeAll(async () => {
  world = await startFaultWorld();
  for (const person of hostile) await emulatorAdmin(world.hubspot.url, 'records/contacts', { properties: person });
  await emulatorAdmin(world.hubspot.url, 'records/contacts', { properties: { email: 'refused.person@hostile.example.com', lastname: 'Refused', jobtitle: refusedTitle } });
  await emulatorAdmin(world.salesforce.url, 'config', { validationRules: [{ object: 'Lead', field: 'Title', operator: 'equals', value: refusedTitle, message: htmlMessage }] });
  const response = await fetch(`${world.salesforce.url}/services/data/v62.0/sobjects/Lead`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-setup', 'content-type': 'application/json' },
    body: JSON.stringify(salesforceHostile),
  });
  expect(response.status).toBe(201);
  // The session expires mid-run: crmsync refreshes it, so a live access token passes through the process.
  await emulatorAdmin(world.salesforce.url, 'faults', { rules: [{ kind: 'expired_session', next: 2 }] });
  for (let run = 0; run < 2; run += 1) {
    const result = await world.run();
    output += result.stdout + result.stderr;
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  }
}, 60_000);
afterAll(async () => {
  await world.close();
});

describe('hostile values', () => {
  it('arrive byte for byte on the other side, both ways', async () => {
    const state = await readWorld({ salesforce: world.salesforce.url, hubspot: world.hubspot.url });
    for (const person of hostile) {
      const lead = state.salesforcePeople.find((record) => record.email === person.email);
      expect(lead?.fields, person.email).toMatchObject({ FirstName: person.firstname, LastName: person.lastname });
    }
    const contact = state.hubspotContacts.find((record) => record.email === salesforceHostile.Email);
    expect(contact?.properties).toMatchObject({ firstname: salesforceHostile.FirstName, lastname: salesforceHostile.LastName, company: salesforceHostile.Company });
  });

  it('leave the store whole: the links of every person are there', async () => {
    const store = await world.openStore();
    try {
      const state = await readWorld({ salesforce: world.salesforce.url, hubspot: world.hubspot.url });
      const emails = [...hostile.map((p) => p.email), salesforceHostile.Email];
      const ids = state.hubspotContacts.filter((c) => emails.includes(c.email)).map((c) => c.id);
      expect(ids).toHaveLength(emails.length);
      const links = await store.idLinks.findByHubspotIds('contacts', ids);
      expect([...links.keys()].sort()).toEqual([...ids].sort());
    } finally {
      await store.close();
    }
  });

  it('a vendor message with HTML is returned by the API as JSON data, verbatim', async () => {
    const store = await world.openStore();
    const app = buildServer({ adminToken: faultRunSecrets.adminToken, hubspotClientSecret: null, publicUrl: 'http://127.0.0.1', webhookInbox: { accept: async () => undefined }, clock: () => new Date(), webRoot: null, store, sync: new FakeSync() });
    try {
      const response = await app.inject({ method: 'GET', url: '/api/errors', headers: { authorization: `Bearer ${faultRunSecrets.adminToken}` } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.stringify(response.json())).toContain(JSON.stringify(htmlMessage).slice(1, -1));
    } finally {
      await app.close();
      await store.close();
    }
  });
});

describe('secrets and personal data', () => {
  /** Salesforce access tokens the emulator issues start with the org id and "!" (as real ones do). */
  const issuedTokenPrefix = '00DHs000000emuL!';
  const secrets = [faultRunSecrets.hubspotAccessToken, faultRunSecrets.salesforceRefreshToken, faultRunSecrets.salesforceClientSecret, faultRunSecrets.crmsyncSecret, faultRunSecrets.adminToken, issuedTokenPrefix];

  function filesUnder(folder: string): string[] {
    return readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
  }

  it('the run refreshed the Salesforce session (so a live token went through crmsync)', async () => {
    const stats = (await emulatorAdmin(world.salesforce.url, 'stats')) as { faults: { injected: Record<string, number> } };
    expect(stats.faults.injected.expired_session).toBe(2);
  });

  it('no token or secret is in the data folder in the clear (database, WAL, anything crmsync wrote)', () => {
    const files = filesUnder(world.dataDir).filter((path) => path !== world.logFile);
    expect(files.some((path) => path.endsWith('crmsync.db'))).toBe(true);
    const found = files.flatMap((path) => {
      const bytes = readFileSync(path).toString('latin1');
      return secrets.filter((secret) => bytes.includes(secret)).map((secret) => `${path}: ${secret}`);
    });
    expect(found).toEqual([]);
  });

  it('what crmsync printed at info level holds no token, secret or email of the people synced', () => {
    expect(output).toContain('syncing:');
    const emails = [...hostile.map((p) => p.email), salesforceHostile.Email, 'refused.person@hostile.example.com'];
    const leaks = [...secrets, ...emails, ...emails.map((e) => e.split('@')[0]!)].filter((needle) => output.toLowerCase().includes(needle.toLowerCase()));
    expect(leaks).toEqual([]);
  });
});
