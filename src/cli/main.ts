import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { startHubSpotEmulator } from '../emulators/hubspot/index.ts';
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

export function buildCli(): Command {
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
    .description('run crmsync: with no credentials, both emulators with demo data')
    .addOption(seedOption())
    .action(async (opts: { seed: 'demo' | 'none' }) => {
      const salesforce = await startSalesforceEmulator({ port: 0, seed: opts.seed });
      const hubspot = await startHubSpotEmulator({ port: 0, seed: opts.seed });
      stopOnSignal(async () => {
        await Promise.all([salesforce.close(), hubspot.close()]);
      });
      console.log(`Salesforce emulator: ${salesforce.url}`);
      console.log(`HubSpot emulator:    ${hubspot.url}`);
    });

  return program;
}

await buildCli().parseAsync(process.argv);
