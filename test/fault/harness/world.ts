/**
 * The world a fault run happens in: both emulators in this process (so the test can plant data and faults through
 * their admin APIs), a temporary data folder with crmsync's SQLite store, and the environment that points a crmsync
 * child process at all three. Nothing here reaches into the engine: crmsync is judged from outside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';
import { openStore, type Store } from '../../../src/store/open.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { runCrmsync, type CrmsyncRun, type RunOptions } from './crmsync-process.ts';

/** Secrets of the run: the security tests grep the data folder and the logs for them. */
export const faultRunSecrets = {
  hubspotAccessToken: 'pat-na1-fault-run-hubspot-token-0b9c1d',
  salesforceRefreshToken: '5Aep-fault-run-refresh-token-7f3e2a',
  salesforceClientSecret: 'fault-run-client-secret-91ad',
  crmsyncSecret: 'fault-run-crmsync-secret-key-4c1f82',
  adminToken: 'fault-run-admin-token-5d0e77aa',
};

export interface FaultWorld {
  salesforce: RunningEmulator;
  hubspot: RunningEmulator;
  dataDir: string;
  databaseUrl: string;
  logFile: string;
  /** The environment crmsync runs with: OAuth refresh on Salesforce (expired sessions are refreshed), a private app on HubSpot. */
  env: Record<string, string>;
  /** Runs `crmsync sync --once`; `env` adds to or overrides the world's (e.g. a proxy in front of an emulator). */
  run(options?: Omit<RunOptions, 'env' | 'logFile'> & { env?: Record<string, string> }): Promise<CrmsyncRun>;
  /** Opens crmsync's store in this process (settings before a run, sync errors after); close it before the next run. */
  openStore(): Promise<Store>;
  close(): Promise<void>;
}

export async function startFaultWorld(options: { keepData?: boolean } = {}): Promise<FaultWorld> {
  const salesforce = await startSalesforceEmulator({ port: 0, seed: 'none' });
  const hubspot = await startHubSpotEmulator({ port: 0, seed: 'none' });
  const dataDir = mkdtempSync(join(tmpdir(), 'crmsync-fault-'));
  const databaseUrl = `sqlite:${join(dataDir, 'crmsync.db')}`;
  const logFile = join(dataDir, 'crmsync-output.log');
  // Owners map by email: the emulator's API user owns what crmsync creates in Salesforce, and is a HubSpot owner too.
  await emulatorAdmin(hubspot.url, 'owners', { email: 'integration@crmsync-emulator.example.com', firstName: 'Integration', lastName: 'User' });
  const env: Record<string, string> = {
    CRMSYNC_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    CRMSYNC_SECRET: faultRunSecrets.crmsyncSecret,
    CRMSYNC_ADMIN_TOKEN: faultRunSecrets.adminToken,
    CRMSYNC_LOG_LEVEL: 'info',
    HUBSPOT_ACCESS_TOKEN: faultRunSecrets.hubspotAccessToken,
    HUBSPOT_BASE_URL: hubspot.url,
    SALESFORCE_LOGIN_URL: salesforce.url,
    SALESFORCE_INSTANCE_URL: salesforce.url,
    SALESFORCE_CLIENT_ID: 'crmsync-fault-run',
    SALESFORCE_CLIENT_SECRET: faultRunSecrets.salesforceClientSecret,
    SALESFORCE_REFRESH_TOKEN: faultRunSecrets.salesforceRefreshToken,
  };
  return {
    salesforce,
    hubspot,
    dataDir,
    databaseUrl,
    logFile,
    env,
    run: (runOptions = {}) => runCrmsync({ ...runOptions, env: { ...env, ...runOptions.env }, logFile }),
    openStore: () => openStore(databaseUrl, { secret: faultRunSecrets.crmsyncSecret }),
    close: async () => {
      await Promise.all([salesforce.close(), hubspot.close()]);
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
