/**
 * The world a contact-sync test runs in: both emulators (empty, reset before each test), a fresh SQLite store,
 * the official clients metered as the service meters them, and helpers that look at both sides the way an
 * admin would (the emulators' admin API), never through the engine under test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { HubSpotClient, type HubSpotObject } from '../../../src/connectors/hubspot/client.ts';
import { SalesforceClient, type SalesforceRecord } from '../../../src/connectors/salesforce/client.ts';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';
import { SalesforceApiBudget } from '../../../src/engine/api-budget.ts';
import { runContactSyncCycle, TallyingMeter, type ContactSyncSummary } from '../../../src/engine/cycle.ts';
import { openStore, type Store } from '../../../src/store/open.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';

/** The Salesforce emulator's API user: the owner of every record the integration creates. */
const integrationUserEmail = 'integration@crmsync-emulator.example.com';

export interface ContactSyncWorld {
  salesforceEmulator: RunningEmulator;
  hubspotEmulator: RunningEmulator;
  store: Store;
  salesforce: SalesforceClient;
  hubspot: HubSpotClient;
  calls: { salesforce: TallyingMeter; hubspot: TallyingMeter };
  /** apiCallAllocation as the budget reads it on each call; null (no allocation) unless a test sets it. */
  allocation: number | null;
  /** How far the engine's clock runs ahead of the machine's: moved with the Salesforce org's by `passMinute`. */
  clockOffsetMs: number;
}

/**
 * Registers the hooks of one test file and returns its world, filled in before each test. `freshEmulators`: new
 * emulators for every test instead of a reset, for tests that move the Salesforce org's clock (a reset keeps it),
 * so that both vendors' clocks start each test together.
 */
export function useContactSyncWorld(options: { freshEmulators?: boolean } = {}): ContactSyncWorld {
  const world = {} as ContactSyncWorld;
  let folder: string;
  const start = async () => {
    world.salesforceEmulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
    world.hubspotEmulator = await startHubSpotEmulator({ port: 0, seed: 'none' });
  };
  const stop = async () => {
    await world.salesforceEmulator.close();
    await world.hubspotEmulator.close();
  };
  if (options.freshEmulators) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  beforeEach(async () => {
    await emulatorAdmin(world.salesforceEmulator.url, 'reset', {});
    await emulatorAdmin(world.hubspotEmulator.url, 'reset', {});
    // Owners map by email: the person who owns the records in Salesforce is a HubSpot owner too, as in a real portal.
    await emulatorAdmin(world.hubspotEmulator.url, 'owners', { email: integrationUserEmail, firstName: 'Integration', lastName: 'User' });
    folder = mkdtempSync(join(tmpdir(), 'crmsync-contacts-'));
    world.store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
    world.allocation = null;
    world.clockOffsetMs = 0;
    const budget = new SalesforceApiBudget(world.store.apiLedger, world.store.integrationState, async () => world.allocation, () => new Date());
    world.calls = { salesforce: new TallyingMeter(budget), hubspot: new TallyingMeter() };
    world.salesforce = new SalesforceClient({
      credentials: { kind: 'session', instanceUrl: world.salesforceEmulator.url, accessToken: 'token' },
      apiVersion: '62.0',
      meter: world.calls.salesforce,
    });
    world.hubspot = new HubSpotClient({ accessToken: 'token', basePath: world.hubspotEmulator.url, meter: world.calls.hubspot });
  });
  afterEach(async () => {
    await world.store.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return world;
}

export function cycle(world: ContactSyncWorld): Promise<ContactSyncSummary> {
  const { store, salesforce, hubspot, calls } = world;
  // Every cycle reads HubSpot's archived listing here, so a test sees a deletion without waiting out the interval.
  return runContactSyncCycle({ store, salesforce, hubspot, calls, clock: () => engineNow(world), archivedScanIntervalMs: 0 });
}

export function engineNow(world: ContactSyncWorld): Date {
  return new Date(Date.now() + world.clockOffsetMs);
}

/**
 * getDeleted answers in whole minutes and never covers the minute still running: a delete is seen once a minute
 * has passed on both the org's clock and the engine's. Moves both forward by one.
 */
export async function passMinute(world: ContactSyncWorld): Promise<void> {
  const { now } = (await emulatorAdmin(world.salesforceEmulator.url, 'clock', { advanceMs: 61_000 })) as { now: string };
  world.clockOffsetMs = Date.parse(now) - Date.now();
}

/** Every HubSpot contact, archived ones included. */
export async function allHubspotContacts(world: ContactSyncWorld): Promise<HubSpotObject[]> {
  return ((await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts')) as { results: HubSpotObject[] }).results;
}

export async function hubspotContacts(world: ContactSyncWorld): Promise<HubSpotObject[]> {
  const { results } = (await emulatorAdmin(world.hubspotEmulator.url, 'records/contacts')) as { results: HubSpotObject[] };
  return results.filter((record) => !record.archived);
}

export async function salesforceRecords(world: ContactSyncWorld, object: 'Lead' | 'Contact'): Promise<SalesforceRecord[]> {
  return ((await emulatorAdmin(world.salesforceEmulator.url, `records/${object}`)) as { records: SalesforceRecord[] }).records;
}

/** A user's edit in the HubSpot app, not through the API crmsync uses. */
export async function editInHubspot(world: ContactSyncWorld, contactId: string, properties: Record<string, string>): Promise<void> {
  const response = await fetch(`${world.hubspotEmulator.url}/__emulator/records/contacts/${contactId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
  });
  if (!response.ok) throw new Error(`edit of contact ${contactId}: ${response.status} ${await response.text()}`);
}

/** Calls that change data: everything but reads, queries, searches and batch reads (which HubSpot sends as POST). */
function writes(byEndpoint: Record<string, number>): Record<string, number> {
  const isWrite = (endpoint: string) =>
    !endpoint.startsWith('GET ') && !/\/(query|search|batch\/read)\b/.test(endpoint) && endpoint !== 'POST /services/data/:version/composite/sobjects/:type';
  return Object.fromEntries(Object.entries(byEndpoint).filter(([endpoint]) => isWrite(endpoint)));
}

/** The write calls each emulator has counted so far, by endpoint. */
export async function writeCalls(world: ContactSyncWorld): Promise<{ salesforce: Record<string, number>; hubspot: Record<string, number> }> {
  const read = async (url: string) => writes(((await emulatorAdmin(url, 'stats')) as { byEndpoint: Record<string, number> }).byEndpoint);
  return { salesforce: await read(world.salesforceEmulator.url), hubspot: await read(world.hubspotEmulator.url) };
}

/** Cycles until nothing is written: every write converged, none bounces. */
export async function settles(world: ContactSyncWorld): Promise<void> {
  await cycle(world);
  const before = await writeCalls(world);
  await cycle(world);
  expect(await writeCalls(world)).toEqual(before);
}

/** Every API call each emulator has counted so far. */
export async function totalCalls(world: ContactSyncWorld): Promise<{ salesforce: number; hubspot: number }> {
  const read = async (url: string) => ((await emulatorAdmin(url, 'stats')) as { total: number }).total;
  return { salesforce: await read(world.salesforceEmulator.url), hubspot: await read(world.hubspotEmulator.url) };
}

/**
 * HubSpot's Lead Status options (NEW, OPEN…) are not Salesforce's ("Open - Not Contacted"…) until an admin aligns
 * them; the tests that are not about refused values stop that one mapping, as an admin would.
 */
export async function alignLeadStatus(world: ContactSyncWorld): Promise<void> {
  await setRule(world, 'hs_lead_status', 'Status', 'dont_sync');
}

export async function setRule(world: ContactSyncWorld, hubspotProperty: string, salesforceField: string, rule: 'two_way' | 'dont_sync'): Promise<void> {
  await world.store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty, salesforceField, rule, origin: 'default' }, new Date());
}

export async function linksOf(world: ContactSyncWorld, hubspotIds: readonly string[]) {
  return [...(await world.store.idLinks.findByHubspotIds('contacts', hubspotIds)).values()];
}
