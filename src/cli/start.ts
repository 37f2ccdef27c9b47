/**
 * `crmsync start`: the whole product in one process. With no credentials, the built-in emulators with demo data;
 * then the initial sync (with a progress bar on a terminal), the continuous sync loop (polling, HubSpot webhooks and
 * Salesforce change events as triggers), and the HTTP server (API, webhook receiver, UI). It says what it does in
 * lines a person can follow, and never prints a token except the admin token it generated itself.
 */
import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import pino from 'pino';
import { loadConfig, type CrmsyncConfig } from '../config.ts';
import { subscribeToChangeEvents, type ChangeEventSubscription } from '../connectors/salesforce/change-events.ts';
import { runSyncCycle } from '../engine/cycle.ts';
import { importerFor } from '../engine/import/index.ts';
import { TriggerHub } from '../engine/detect/triggers.ts';
import { shouldPollSalesforce, SyncService, type ServiceEvent } from '../engine/service.ts';
import type { SyncControl, SyncProgress } from '../engine/sync-control.ts';
import type { RunningEmulator } from '../emulators/shared/server.ts';
import { createLogger, type Logger } from '../log.ts';
import { buildServer } from '../server/app.ts';
import { crmSchemaFromConnectors } from '../server/api/crm-schema.ts';
import { openStore, type Store } from '../store/open.ts';
import { ensureStartupSecrets } from './first-start.ts';
import { applyDemoSettingsOnFirstStart } from './demo-settings.ts';
import { connectSyncSystems, failedRecords, formatSyncSummary, oneLineSummary } from './sync.ts';

export interface StartOptions {
  /** Where the store, secrets and emulator data live; overrides CRMSYNC_DATA_DIR. */
  dataDir?: string;
  /** TCP port of the HTTP server (0: a free one); overrides PORT. */
  port?: number;
  /** Data the built-in emulators start with on first use. */
  seed?: 'demo' | 'none';
  /** With the demo seed, switch every demo object's sync on at the first start (default true; see demo-settings.ts). */
  demoSettings?: boolean;
  /** The environment to configure from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  pollIntervalMs?: number;
  /** Print nothing (tests); logs still go to the logger. */
  quiet?: boolean;
  /** Where human-readable lines go; default stdout. */
  print?: (line: string) => void;
  logger?: Logger;
}

export interface RunningCrmsync {
  url: string;
  adminToken: string;
  salesforceEmulator: RunningEmulator | null;
  hubspotEmulator: RunningEmulator | null;
  store: Store;
  sync: SyncControl;
  /** Resolves when the first (initial) cycle has ended, whatever its outcome. */
  initialSync: Promise<void>;
  close(): Promise<void>;
}

/** Which HubSpot events wake the loop: every contact event (more objects join as they sync). */
const WEBHOOK_SUBSCRIPTIONS = ['contact.*'];

function configure(options: StartOptions): CrmsyncConfig {
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  if (options.dataDir !== undefined) env.CRMSYNC_DATA_DIR = options.dataDir;
  if (options.dataDir !== undefined && env.DATABASE_URL === undefined) env.DATABASE_URL = `sqlite:${options.dataDir}/crmsync.db`;
  if (options.port !== undefined) env.PORT = String(options.port);
  if (options.pollIntervalMs !== undefined) env.CRMSYNC_POLL_INTERVAL_MS = String(options.pollIntervalMs);
  return loadConfig(env);
}

/** Runs crmsync until close(). Throws (having released what it opened) when it cannot start. */
export async function startCrmsync(options: StartOptions = {}): Promise<RunningCrmsync> {
  const config = configure(options);
  const print = options.quiet ? () => undefined : (options.print ?? ((line: string) => console.log(line)));
  const interactive = !options.quiet && options.print === undefined && process.stdout.isTTY === true;
  // Logs (JSON, for machines) go to stderr so stdout stays the lines a person reads; on a terminal only warnings
  // and worse show unless CRMSYNC_LOG_LEVEL asks for more.
  const logger =
    options.logger ??
    createLogger({ level: !interactive || process.env.CRMSYNC_LOG_LEVEL ? config.logLevel : 'warn', destination: pino.destination({ fd: 2, sync: false }) });
  const clock = () => new Date();
  const secrets = ensureStartupSecrets({ dataDir: config.dataDir, secret: config.secret, adminToken: config.adminToken });

  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while shutting down'));
  };
  try {
    const store = await openStore(config.databaseUrl, { secret: secrets.secret });
    cleanups.push(() => store.close());
    const interrupted = await store.syncRuns.markInterrupted(clock());
    if (interrupted > 0) print(`A sync run was cut short last time; this start picks up where it stopped.`);

    const systems = await connectSyncSystems(config, store, clock, { seed: options.seed ?? 'demo' });
    cleanups.push(() => systems.close());
    print(systems.emulators ? `No credentials configured: using the built-in emulators with demo data (kept in ${config.dataDir}/emulators).` : `Syncing ${systems.description}.`);
    if (systems.emulators) {
      print(`  Salesforce emulator  ${systems.emulators.salesforce.url}`);
      print(`  HubSpot emulator     ${systems.emulators.hubspot.url}`);
      if ((options.seed ?? 'demo') === 'demo' && (options.demoSettings ?? true) && (await applyDemoSettingsOnFirstStart(store, clock()))) {
        print('Demo settings: companies, deals, tickets, activities both ways and the Project__c custom object sync (change them in the UI).');
      }
    }

    const triggers = new TriggerHub();
    // The emulated HubSpot signs its webhooks with a secret made for this run; a real app's comes from configuration.
    const webhookSecret = systems.emulators ? randomBytes(24).toString('base64url') : config.hubspot.kind === 'emulator' ? null : config.hubspot.clientSecret;

    const progress = new ProgressDisplay(print, interactive);
    // Set by the change-event subscription once it is acknowledged, cleared on any error of it.
    const changeEventsLive = { value: false };
    let salesforcePolledAt: Date | null = null;
    const service: SyncService = new SyncService({
      clock,
      pollIntervalMs: config.pollIntervalMs,
      hints: triggers,
      hasSynced: async () => (await store.checkpoints.read('hubspot', 'contacts')) !== null,
      readSuspension: async () => (await store.integrationState.read()).suspension,
      runCycle: async (request) => {
        if (request.kind === 'initial') progress.begin('Initial sync');
        try {
          const now = clock();
          const pollSalesforce = shouldPollSalesforce({
            kind: request.kind,
            reason: request.reason,
            hints: request.hints,
            changeEventsLive: changeEventsLive.value,
            lastPolledAt: salesforcePolledAt,
            now,
            safetyPollMs: config.salesforceSafetyPollMs,
          });
          const summary = await runSyncCycle({ ...systems.deps, triggers: request.hints, pollSalesforce, onProgress: (step) => {
            request.onProgress(step);
            if (request.kind === 'initial') progress.update(step);
          } });
          if (pollSalesforce) salesforcePolledAt = now;
          if (request.kind === 'initial') {
            progress.end();
            print(formatSyncSummary(summary));
          } else {
            const written = oneLineSummary(summary);
            if (written) print(`${clock().toISOString()} ${request.reason}: ${written}`);
          }
          return { runId: summary.contacts.runId, outcome: failedRecords(summary) > 0 ? 'partial' : 'succeeded' };
        } finally {
          progress.end();
        }
      },
      onEvent: (event) => reportServiceEvent(event, print, logger),
    });

    const importer = importerFor({ ...systems.deps, store }, { betweenCycles: (work) => service.exclusive(work) });

    const host = config.host;
    let url = config.publicUrl ?? '';
    const server = buildServer({
      adminToken: secrets.adminToken,
      hubspotClientSecret: webhookSecret,
      publicUrl: () => url,
      webhookInbox: triggers,
      clock,
      logger,
      store,
      sync: service,
      crmSchema: crmSchemaFromConnectors(systems.deps.salesforce, systems.deps.hubspot),
      imports: importer,
      recordLinks: { salesforceInstanceUrl: systems.deps.salesforce.connection.instanceUrl },
    });
    cleanups.push(() => server.close());
    await server.listen({ host, port: config.port });
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    url = config.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

    // Real-time triggers. Both are hints only: if either fails, polling still finds every change.
    if (systems.emulators && webhookSecret) {
      await configureEmulatorWebhooks(systems.emulators.hubspot.url, `${url}/webhooks/hubspot`, webhookSecret);
    }
    const changeEvents = startChangeEvents(systems.deps.salesforce.connection, triggers, logger, changeEventsLive);
    cleanups.push(() => changeEvents?.close() ?? Promise.resolve());

    const initialSync = service.start();
    cleanups.push(() => service.stop());
    // Imports a stopped process left unfinished continue from their cursor, page by page between the cycles.
    void importer.resumeUnfinished().then((resumed) => {
      if (resumed.length > 0) print(`Continuing ${resumed.length} unfinished import${resumed.length === 1 ? '' : 's'}: ${resumed.join(', ')}`);
    }, (error: unknown) => logger.error({ err: error }, 'could not continue the unfinished imports'));
    // Stopped first (clean-ups run in reverse): the page in progress ends and the import is marked interrupted.
    cleanups.push(() => importer.stop());

    print('');
    print(`crmsync is running at ${url}`);
    if (secrets.adminTokenIsNew) {
      print(`Log in with this admin token (generated now, kept in ${config.dataDir}/admin-token; set CRMSYNC_ADMIN_TOKEN to choose your own):`);
      print(`  ${secrets.adminToken}`);
    } else {
      print(config.adminToken ? 'Log in with the admin token in CRMSYNC_ADMIN_TOKEN.' : `Log in with the admin token in ${config.dataDir}/admin-token.`);
    }
    print(`Syncing every ${Math.round(config.pollIntervalMs / 1000)} s, and at once on HubSpot webhooks and Salesforce change events. Ctrl+C stops.`);

    return {
      url,
      adminToken: secrets.adminToken,
      salesforceEmulator: systems.emulators?.salesforce ?? null,
      hubspotEmulator: systems.emulators?.hubspot ?? null,
      store,
      sync: service,
      initialSync,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function configureEmulatorWebhooks(emulatorUrl: string, targetUrl: string, clientSecret: string): Promise<void> {
  const response = await fetch(`${emulatorUrl}/__emulator/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ targetUrl, clientSecret, subscriptions: WEBHOOK_SUBSCRIPTIONS, retryBaseMs: 1_000, retryMaxMs: 60_000 }),
  });
  if (!response.ok) throw new Error(`could not configure the HubSpot emulator's webhooks: HTTP ${response.status} ${await response.text()}`);
}

function startChangeEvents(
  connection: Parameters<typeof subscribeToChangeEvents>[0]['connection'],
  triggers: TriggerHub,
  logger: Logger,
  live: { value: boolean },
): ChangeEventSubscription | null {
  let broken = false;
  try {
    return subscribeToChangeEvents({
      connection,
      // No stored replay position: events from now on. Whatever happened while crmsync was down, polling finds.
      replayFrom: null,
      onEvent: (event) => triggers.acceptChangeEvent(event),
      onReplayGap: (gap) => triggers.requestReconciliation({ system: 'salesforce', object: null, reason: gap.message }),
      onSubscribed: () => {
        // Events published while the subscription was down are not replayed from "new events only": poll them.
        if (broken) triggers.requestReconciliation({ system: 'salesforce', object: null, reason: 'change events resubscribed' });
        broken = false;
        live.value = true;
      },
      onError: (error) => {
        broken = true;
        live.value = false;
        logger.warn({ err: error }, 'Salesforce change events unavailable for now; polling continues');
      },
    });
  } catch (error) {
    logger.warn({ err: error }, 'Salesforce change events could not start; polling only');
    return null;
  }
}

function reportServiceEvent(event: ServiceEvent, print: (line: string) => void, logger: Logger): void {
  switch (event.kind) {
    case 'cycle_started':
      logger.debug({ cycleKind: event.cycleKind, reason: event.reason }, 'sync cycle started');
      return;
    case 'cycle_finished':
      logger.info({ runId: event.runId, outcome: event.outcome, durationMs: event.durationMs }, 'sync cycle finished');
      return;
    case 'cycle_failed':
      logger.error({ err: event.error, retryInMs: event.retryInMs }, 'sync cycle failed');
      print(`Sync failed: ${event.error.message}. Trying again in ${Math.round(event.retryInMs / 1000)} s; nothing is lost.`);
      return;
    case 'budget_exhausted':
      logger.warn({ retryInMs: event.retryInMs }, 'Salesforce API allocation reached; holding pending changes');
      print(`The Salesforce API allocation is used up: pending changes wait, and syncing resumes as the 24-hour window frees.`);
      return;
    case 'suspended':
      logger.warn({ state: event.state }, 'sync suspended');
      print(`Syncing is suspended (${event.state}): ${event.reason}. Clear the suspension in Sync Health once the cause is fixed.`);
      return;
  }
}

/** The initial sync's progress: a bar on a terminal, a few plain lines elsewhere (logs, CI). */
export class ProgressDisplay {
  private bar: cliProgress.SingleBar | null = null;
  private lastStep = '';

  constructor(
    private readonly print: (line: string) => void,
    private readonly interactive: boolean,
  ) {}

  begin(title: string): void {
    this.print(`${title}…`);
  }

  update(progress: SyncProgress): void {
    if (progress.step !== this.lastStep) {
      this.lastStep = progress.step;
      this.bar?.stop();
      this.bar = null;
      if (!this.interactive || progress.total === null) this.print(`  ${progress.step}${progress.total !== null ? ` (${progress.total} records)` : ''}`);
    }
    if (!this.interactive || progress.total === null) return;
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar({ format: `  ${progress.step} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
      this.bar.start(progress.total, progress.done);
    } else {
      this.bar.setTotal(progress.total);
      this.bar.update(progress.done);
    }
  }

  end(): void {
    this.bar?.stop();
    this.bar = null;
    this.lastStep = '';
  }
}
