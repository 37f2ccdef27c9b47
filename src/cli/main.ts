import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, type CrmsyncConfig } from '../config.ts';
import { runSyncCycle } from '../engine/cycle.ts';
import { formatMappingTable, listMappings } from '../engine/mappings.ts';
import { changeSetting, InvalidSettingsError, readSettings, settingAt } from '../engine/settings.ts';
import { syncObjectDescriptions, type SyncObjectDescription } from '../objects/index.ts';
import type { CustomObjectSync } from '../core/settings.ts';
import type { Store } from '../store/open.ts';
import { customObjectSchemaFromConnectors, describeConfiguredCustomObject, findSyncedObject } from '../engine/custom-objects.ts';
import { startHubSpotEmulator } from '../emulators/hubspot/index.ts';
import { connectSyncSystems, formatSyncSummary } from './sync.ts';
import { registerHealthCommands, withStore } from './health.ts';
import { checkImportCommand, runImportCommand } from './import.ts';
import { startCrmsync, type RunningCrmsync } from './start.ts';
import { startSalesforceEmulator } from '../emulators/salesforce/index.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a TCP port (a whole number from 0 to 65535)`);
  }
  return port;
}

/**
 * Installed before anything is printed: stdout to a pipe is synchronous on Linux, so a supervisor that reads
 * the URL and sends SIGTERM at once would otherwise meet the default action and kill the process mid-write.
 */
function stopOnSignal(close: () => Promise<void>): void {
  const stop = () => {
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const seedOption = () =>
  new Option('--seed <preset>', 'data to start with').choices(['demo', 'none']).default('demo');

function parseDate(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError(`"${value}" is not a date (ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`);
  return date;
}

function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/**
 * @param config the configuration, read from the environment only when a command needs it (so `--help` and the
 *   emulators work whatever the environment holds).
 */
export function buildCli(config: () => CrmsyncConfig = () => loadConfig(process.env)): Command {
  const program = new Command();
  program
    .name('crmsync')
    .description('Two-way sync between HubSpot and Salesforce: open, self-hosted, real-time.')
    .showHelpAfterError();

  program
    .command('emulate')
    .description('start one local emulator of a vendor API (HTTP, on loopback)')
    .addArgument(new Argument('<system>', 'which vendor API').choices(['salesforce', 'hubspot']))
    .option('--port <n>', 'TCP port (0 picks a free one)', parsePort, 0)
    .addOption(seedOption())
    .option('--persist <file>', 'load state from and save it to this JSON file')
    .action(async (system: 'salesforce' | 'hubspot', opts: { port: number; seed: 'demo' | 'none'; persist?: string }) => {
      const start = system === 'salesforce' ? startSalesforceEmulator : startHubSpotEmulator;
      const running = await start({ port: opts.port, seed: opts.seed, persistFile: opts.persist });
      stopOnSignal(() => running.close());
      console.log(`${system} emulator listening at ${running.url} (admin API: ${running.url}/__emulator/stats)`);
    });

  program
    .command('start')
    .description('run crmsync: sync loop, HTTP API and UI; with no credentials, on the built-in emulators with demo data')
    .addOption(seedOption())
    .action(async (opts: { seed: 'demo' | 'none' }) => {
      let running: Promise<RunningCrmsync> | null = null;
      stopOnSignal(async () => {
        await (await running?.catch(() => null))?.close();
      });
      running = startCrmsync({ seed: opts.seed, dataDir: config().dataDir });
      await running;
    });

  const settings = program.command('settings').description('read or change the sync settings (SPEC section 4)');
  settings
    .command('get')
    .description('print the settings in force, or one of them')
    .argument('[key]', 'a dotted setting name, e.g. contacts.hubspotCreatesIn')
    .action(async (key: string | undefined) => {
      const current = await withStore(config, (store) => readSettings(store.settings));
      if (key === undefined) return printJson(current.settings);
      const value = settingAt(current.settings, key);
      if (value === undefined) throw new InvalidSettingsError([{ path: key, message: 'unknown setting' }]);
      printJson(value);
    });
  settings
    .command('set')
    .description('change one setting; the whole result is validated and nothing changes on error')
    .argument('<key>', 'a dotted setting name, e.g. contacts.hubspotCreatesIn')
    .argument('<value>', 'the new value: text, a number, true/false, null, or JSON')
    .action(async (key: string, value: string) => {
      const changed = await withStore(config, (store) => changeSetting(store.settings, key, value, new Date()));
      console.log(`${key} = ${JSON.stringify(settingAt(changed.settings, key))} (settings version ${changed.version})`);
    });

  program
    .command('sync')
    .description('run one full sync cycle and print what it did')
    .requiredOption('--once', 'run one cycle and exit (the service, crmsync start, keeps syncing)')
    .option('--reconcile', "also read what polling cannot see by time: HubSpot's archived records (deletes no webhook reported), otherwise read every 15 minutes")
    .action(async (opts: { reconcile?: boolean }) => {
      await withStore(config, async (store) => {
        const systems = await connectSyncSystems(config(), store, () => new Date());
        try {
          console.log(`syncing: ${systems.description}${opts.reconcile ? ' (reconciling)' : ''}`);
          const triggers = opts.reconcile ? { records: [], reconciliations: [{ system: 'hubspot' as const, object: null, reason: 'crmsync sync --once --reconcile' }] } : undefined;
          console.log(formatSyncSummary(await runSyncCycle({ ...systems.deps, ...(triggers ? { triggers } : {}) })));
        } finally {
          await systems.close();
        }
      });
    });

  program
    .command('import')
    .description('sync existing Salesforce records that polling will not bring (they have not changed since crmsync was connected)')
    .option('--object <name>', 'the Salesforce object: Lead, Contact, Account, Opportunity, Campaign (its members), or a synced pair\'s object')
    .option('--created-after <date>', 'only records created at or after this date (ISO 8601)', parseDate)
    .option('--modified-after <date>', 'only records modified at or after this date (ISO 8601)', parseDate)
    .option('--resume <importId>', 'continue an import that was stopped, from where it stopped')
    .action(async (opts: { object?: string; createdAfter?: Date; modifiedAfter?: Date; resume?: string }) => {
      checkImportCommand(opts);
      await withStore(config, async (store) => {
        const systems = await connectSyncSystems(config(), store, () => new Date());
        try {
          await runImportCommand(store, systems, opts);
        } finally {
          await systems.close();
        }
      });
    });

  const mappings = program.command('mappings').description('field mappings between HubSpot properties and Salesforce fields');
  mappings
    .command('list')
    .description('print the field mappings in force for an object')
    .addArgument(new Argument('<object>', `the synced object: ${Object.keys(syncObjectDescriptions).join(', ')}, or a custom object's Salesforce API name (Project__c)`))
    .option('--json', 'print JSON instead of a table')
    .action(async (object: string, opts: { json?: boolean }) => {
      await withStore(config, async (store) => {
        const found = findSyncedObject(object, (await readSettings(store.settings)).settings);
        if (found.kind === 'unknown') throw new UnknownSyncObjectError(found.message);
        const description = found.kind === 'standard' ? found.description : await liveCustomObjectDescription(found.entry, config(), store);
        const rows = await listMappings(store.fieldMappings, description);
        if (opts.json) printJson(rows);
        else console.log(formatMappingTable(rows, description.salesforceObjects));
      });
    });

  registerHealthCommands(program, config);

  return program;
}

/** A custom object's default mappings come from both live schemas, so the vendors are asked. */
async function liveCustomObjectDescription(entry: CustomObjectSync, settings: CrmsyncConfig, store: Store): Promise<SyncObjectDescription> {
  const systems = await connectSyncSystems(settings, store, () => new Date());
  try {
    const described = await describeConfiguredCustomObject(entry, customObjectSchemaFromConnectors(systems.deps.salesforce, systems.deps.hubspot));
    if (!described.ok) throw new UnknownSyncObjectError(described.reason);
    return described.description;
  } finally {
    await systems.close();
  }
}

/** An object name `mappings` cannot work on: not a standard pair, not a configured (and readable) custom object. */
class UnknownSyncObjectError extends Error {
  override name = 'UnknownSyncObjectError';
}

/** Errors a user can fix get one clear message and exit code 1; anything else is a bug and shows its stack. */
function reportFailure(error: unknown): number {
  if (error instanceof InvalidSettingsError) {
    console.error(`crmsync: invalid setting\n${error.message.replace(/^/gm, '  ')}`);
    return 1;
  }
  if (error instanceof Error && ['HubSpotRequestError', 'SalesforceRequestError', 'ApiBudgetExhaustedError', 'StoreOpenError', 'IntegrationSuspendedError', 'ImportRefusedError', 'ImportCommandError', 'HubSpotAuthFailedError', 'UnknownSyncObjectError'].includes(error.name)) {
    console.error(`crmsync: could not run: ${error.message}`);
    return 1;
  }
  if (error instanceof Error && error.name === 'ConfigError') {
    console.error(error.message);
    return 2;
  }
  console.error(error);
  return 70;
}

await buildCli()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = reportFailure(error);
  });
