import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { OAuth2 } from '@jsforce/jsforce-node';
import type { CrmsyncConfig } from '../config.ts';
import { HubSpotClient } from '../connectors/hubspot/client.ts';
import { HubSpotOAuthSession } from '../connectors/hubspot/oauth.ts';
import { SalesforceClient, type SalesforceCredentials } from '../connectors/salesforce/client.ts';
import { SalesforceApiBudget } from '../engine/api-budget.ts';
import { TallyingMeter, type SyncCycleDeps, type SyncCycleSummary } from '../engine/cycle.ts';
import { readSettings } from '../engine/settings.ts';
import { notifyByWebhook } from '../engine/suspension.ts';
import { startHubSpotEmulator } from '../emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../emulators/salesforce/index.ts';
import type { RunningEmulator } from '../emulators/shared/server.ts';
import type { Store } from '../store/open.ts';

/** The name the current Salesforce access token is kept under in the store's encrypted secrets. */
export const SALESFORCE_ACCESS_TOKEN_SECRET = 'salesforce.oauth.accessToken';

export interface SyncSystems {
  deps: SyncCycleDeps;
  /** The built-in emulators when no credentials are configured; null against real systems. */
  emulators: { salesforce: RunningEmulator; hubspot: RunningEmulator } | null;
  /** What the systems are, in words for the terminal (never a token). */
  description: string;
  close(): Promise<void>;
}

async function salesforceCredentials(config: CrmsyncConfig['salesforce'], emulator: RunningEmulator | null): Promise<SalesforceCredentials> {
  if (config.kind === 'emulator') {
    if (!emulator) throw new Error('the Salesforce emulator is not running');
    return { kind: 'session', instanceUrl: emulator.url, accessToken: 'crmsync-demo' };
  }
  if (config.kind === 'session') return config;
  if (config.instanceUrl) return { ...config, instanceUrl: config.instanceUrl };
  // Without an instance URL, one token refresh finds it (the token endpoint answers with instance_url).
  const oauth = new OAuth2({ loginUrl: config.loginUrl, clientId: config.clientId, clientSecret: config.clientSecret });
  const token = await oauth.refreshToken(config.refreshToken);
  return { ...config, instanceUrl: token.instance_url, accessToken: token.access_token };
}

/**
 * Where crmsync keeps the built-in emulators' data: beside the store, because the store's ID links and
 * last-synced values describe exactly these records. Emulators that forgot their data on each start while the
 * store remembered would make every start look like a world full of deletions.
 */
export function emulatorStateFiles(dataDir: string): { salesforce: string; hubspot: string } {
  const folder = join(dataDir, 'emulators');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return { salesforce: join(folder, 'salesforce.json'), hubspot: join(folder, 'hubspot.json') };
}

/**
 * The two systems a sync runs against, from the configuration: the real ones, or, with no credentials, the built-in
 * emulators, seeded with the demo world on first use and kept in the data folder after that.
 */
export async function connectSyncSystems(config: CrmsyncConfig, store: Store, clock: () => Date, options: { seed?: 'demo' | 'none' } = {}): Promise<SyncSystems> {
  const emulated = config.salesforce.kind === 'emulator';
  const files = emulated ? emulatorStateFiles(config.dataDir) : null;
  const salesforceEmulator = files ? await startSalesforceEmulator({ port: 0, seed: options.seed ?? 'demo', persistFile: files.salesforce }) : null;
  const hubspotEmulator = files ? await startHubSpotEmulator({ port: 0, seed: options.seed ?? 'demo', persistFile: files.hubspot }) : null;
  const budget = new SalesforceApiBudget(store.apiLedger, store.integrationState, async () => (await readSettings(store.settings)).settings.apiCallAllocation, clock);
  const calls = { salesforce: new TallyingMeter(budget), hubspot: new TallyingMeter() };
  const salesforce = new SalesforceClient({
    credentials: await salesforceCredentials(config.salesforce, salesforceEmulator),
    apiVersion: config.salesforceApiVersion,
    meter: calls.salesforce,
    // A refreshed session is kept encrypted, so a restart does not spend a refresh (or a login) first.
    onAccessTokenRefreshed: (accessToken) => void store.secrets.put(SALESFORCE_ACCESS_TOKEN_SECRET, accessToken, clock()).catch(() => undefined),
  });
  let hubspot: HubSpotClient;
  if (config.hubspot.kind === 'oauth') {
    // An OAuth app: tokens live encrypted in the store, a 401 refreshes once, a rotated refresh token is kept.
    const { baseUrl, clientId, clientSecret, refreshToken } = config.hubspot;
    const oauth = new HubSpotOAuthSession({ credentials: { baseUrl, clientId, clientSecret, refreshToken }, vault: store.secrets, clock });
    hubspot = new HubSpotClient({ accessToken: await oauth.accessToken(), basePath: baseUrl, meter: calls.hubspot, oauth });
  } else if (config.hubspot.kind === 'private_app') {
    hubspot = new HubSpotClient({ accessToken: config.hubspot.accessToken, basePath: config.hubspot.baseUrl, meter: calls.hubspot });
  } else {
    hubspot = new HubSpotClient({ accessToken: 'crmsync-demo', basePath: (hubspotEmulator as RunningEmulator).url, meter: calls.hubspot });
  }
  return {
    deps: { store, salesforce, hubspot, calls, clock, ...(config.notifyUrl ? { notify: notifyByWebhook(config.notifyUrl) } : {}) },
    emulators: salesforceEmulator && hubspotEmulator ? { salesforce: salesforceEmulator, hubspot: hubspotEmulator } : null,
    description: emulated
      ? `no credentials configured: the built-in emulators with demo data, kept in ${config.dataDir}/emulators (Salesforce ${salesforceEmulator?.url}, HubSpot ${hubspotEmulator?.url})`
      : `Salesforce ${salesforce.connection.instanceUrl}, HubSpot ${config.hubspot.kind === 'private_app' ? config.hubspot.baseUrl : ''}`,
    close: async () => {
      await Promise.all([salesforceEmulator?.close(), hubspotEmulator?.close()]);
    },
  };
}

/** The summary `crmsync sync --once` prints: per object, one line per system. */
export function formatSyncSummary(summary: SyncCycleSummary): string {
  const { contacts } = summary;
  const line = (name: string, s: { read: number; created: number; updated: number; deleted: number; skipped: number; failed: number; apiCalls?: number }) =>
    `${name.padEnd(10)} read ${s.read}, created ${s.created}, updated ${s.updated}, deleted ${s.deleted}, skipped ${s.skipped}, failed ${s.failed}${s.apiCalls === undefined ? '' : `, API calls ${s.apiCalls}`}`;
  const lines = ['contacts', `  ${line('Salesforce', contacts.salesforce)}`, `  ${line('HubSpot', contacts.hubspot)}`];
  if (contacts.planErrors > 0) lines.push(`  ${contacts.planErrors} record(s) could not be converted: see crmsync errors`);
  for (const refused of contacts.refusedMappings) lines.push(`  mapping not synced: ${refused.reason}`);
  for (const waiting of contacts.waiting) lines.push(`  waiting: ${waiting}`);
  for (const object of summary.objects) {
    lines.push(object.object, `  ${line('Salesforce', object.salesforce)}`, `  ${line('HubSpot', object.hubspot)}`);
    if (object.waitingForParent > 0) lines.push(`  ${object.waitingForParent} record(s) wait for their parent to sync`);
    if (object.planErrors > object.waitingForParent) lines.push(`  ${object.planErrors - object.waitingForParent} record(s) could not be converted: see crmsync errors`);
    for (const refused of object.refusedMappings) lines.push(`  mapping not synced: ${refused.reason}`);
    for (const field of object.unmappedFields ?? []) lines.push(`  field not synced: ${field.salesforceField}: ${field.reason}`);
    // Activities: a toggle that is on but has nothing HubSpot's API can read says so instead of doing nothing quietly.
    for (const key of 'notSynced' in object ? (object.notSynced as string[]) : []) lines.push(`  ${key} is on, but HubSpot's API has no CRM object for it: not synced (docs/activities.md)`);
  }
  for (const refused of summary.refusedCustomObjects) lines.push(refused.salesforceObject, `  ${refused.reason}`);
  return lines.join('\n');
}

/** Records that failed in a cycle, every object together: a cycle with any is "partial". */
export function failedRecords(summary: SyncCycleSummary): number {
  const { contacts } = summary;
  // A custom object entry that could not run leaves all its records unsynced: the run is partial, not a success.
  return [contacts, ...summary.objects].reduce((total, object) => total + object.salesforce.failed + object.hubspot.failed + object.planErrors, summary.refusedCustomObjects.length);
}

/** One line for the service's log of a cycle that wrote something; null for a cycle that wrote nothing. */
export function oneLineSummary(summary: SyncCycleSummary): string | null {
  const parts: string[] = [];
  for (const [name, object] of [['contacts', summary.contacts], ...summary.objects.map((o) => [o.object, o] as const)] as const) {
    const side = (label: string, s: { created: number; updated: number; deleted: number; failed: number }) =>
      s.created + s.updated + s.deleted + s.failed === 0 ? null : `${label} +${s.created} ~${s.updated} -${s.deleted}${s.failed ? ` failed ${s.failed}` : ''}`;
    const sides = [side('Salesforce', object.salesforce), side('HubSpot', object.hubspot)].filter((text) => text !== null);
    if (sides.length > 0) parts.push(`${name} ${sides.join(', ')}`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}
