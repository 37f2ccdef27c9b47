/**
 * `crmsync health` and `crmsync errors`: Sync Health in a terminal, read from the store (the same figures as
 * GET /api/health and GET /api/errors, which work whether or not the service is running).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CrmsyncConfig } from '../config.ts';
import { syncErrorCategories, type SyncErrorCategory } from '../core/sync-error.ts';
import { parseErrorType, readHealth } from '../engine/health.ts';
import type { HealthResponse, SyncErrorJson } from '../server/api/contract.ts';
import { errorsCsv, listErrors } from '../server/api/errors.ts';
import { ApiRefusal } from '../server/api/route-kit.ts';
import { openStore, type Store } from '../store/open.ts';

/**
 * Opens the store for one command and always closes it. The same helper lives in main.ts, which this helper's
 * owner may not edit; main.ts can import this one instead.
 */
export async function withStore<T>(config: () => CrmsyncConfig, run: (store: Store) => Promise<T>): Promise<T> {
  const { databaseUrl, secret } = config();
  const store = await openStore(databaseUrl, { secret });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

const number = (value: number) => value.toLocaleString('en-US');
const when = (iso: string | null) => (iso === null ? '—' : `${iso.slice(0, 16).replace('T', ' ')} UTC`);

/** One character per hour, scaled to the busiest hour: the 24-hour chart of the UI, in a line. */
function sparkline(hours: ReadonlyArray<{ calls: number }>): string {
  const bars = '▁▂▃▄▅▆▇█';
  const most = Math.max(...hours.map((hour) => hour.calls));
  // A dot for an hour without calls, so a quiet hour is not mistaken for a small one.
  if (most === 0) return '·'.repeat(hours.length);
  return hours.map((hour) => (hour.calls === 0 ? '·' : bars[Math.min(bars.length - 1, Math.floor((hour.calls / most) * (bars.length - 1)))])).join('');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [render(header), ...rows.map(render)];
}

/** Sync Health as a terminal shows it well. */
export function formatHealth(health: HealthResponse, now: Date): string {
  const usage = health.apiUsage;
  const lines = [`Sync Health at ${when(now.toISOString())}`, '', 'Salesforce API calls, last 24 hours'];
  lines.push(`  used        ${number(usage.usedLast24h)}`);
  lines.push(`  allocation  ${usage.allocation === null ? 'none set (apiCallAllocation)' : number(usage.allocation)}`);
  lines.push(`  remaining   ${usage.remaining === null ? '—' : number(usage.remaining)}`);
  lines.push(
    `  Salesforce  ${usage.salesforceLimit === null ? 'limit not reported yet' : `daily limit ${number(usage.salesforceLimit)}, ${number(usage.salesforceRemaining ?? 0)} left for the whole org`}`,
  );
  lines.push(`  per hour    ${sparkline(usage.hourly)}  (oldest to now)`);
  if (usage.apiLimit) lines.push(`  HOLDING BACK at the allocation since ${when(usage.apiLimit.since)}: ${usage.apiLimit.detail}`);
  lines.push('');
  lines.push(
    health.suspension
      ? `SUSPENDED (${health.suspension.state}) since ${when(health.suspension.since)}: ${health.suspension.reason}\n  Clear it in the UI, or POST /api/suspension/clear, once the cause is fixed.`
      : 'Suspension: none',
  );
  const sync = health.sync;
  const lastRun = sync.lastRun ? `${sync.lastRun.outcome} at ${when(sync.lastRun.finishedAt)}${sync.lastRun.failure ? ` (${sync.lastRun.failure})` : ''}` : 'none yet';
  lines.push(`Sync: ${sync.phase === 'stopped' ? 'service not running' : sync.phase}; last run ${lastRun}; last success ${when(sync.lastSuccessAt)}`);
  lines.push('');
  const open = health.errors.reduce((sum, card) => sum + card.count, 0);
  if (open === 0) lines.push('Sync errors: none');
  else {
    lines.push(`Sync errors: ${number(open)} open`);
    lines.push(...table(['type', 'errors', 'records', 'what'], health.errors.map((card) => [card.type, number(card.count), number(card.affectedRecords), card.title])).map((line) => `  ${line}`));
    lines.push('  See them with: crmsync errors --type <type>');
  }
  if (health.waiting.length > 0) lines.push('', 'Waiting:', ...health.waiting.map((line) => `  - ${line}`));
  return lines.join('\n');
}

export function formatErrors(errors: readonly SyncErrorJson[]): string {
  if (errors.length === 0) return 'No open sync errors.';
  const rows = errors.map((error) => [
    String(error.id),
    error.type,
    error.object,
    error.hubspotId ?? '—',
    error.salesforceId ?? '—',
    error.field ?? '—',
    String(error.attempts),
    when(error.lastSeenAt),
    // One line per error: a vendor message can hold line breaks.
    error.message.replace(/\s+/g, ' '),
  ]);
  return table(['id', 'type', 'object', 'HubSpot id', 'Salesforce id', 'field', 'tries', 'last seen', 'message'], rows).join('\n');
}

function parseType(value: string): string {
  if (!parseErrorType(value, syncErrorCategories)) {
    throw new InvalidArgumentError(`"${value}" is not an error type: <category>:<vendor code or none>, e.g. property_value:INVALID_EMAIL_ADDRESS (crmsync health lists them)`);
  }
  return value;
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InvalidArgumentError(`"${value}" is not a number from 1 to 500`);
  return limit;
}

/**
 * Adds `health` and `errors` to the crmsync program.
 * @param config the configuration, read only when a command runs.
 */
export function registerHealthCommands(program: Command, config: () => CrmsyncConfig): void {
  program
    .command('health')
    .description('Sync Health: Salesforce API calls used and left, suspension, sync errors by type')
    .option('--json', 'print the JSON of GET /api/health')
    .action(async (opts: { json?: boolean }) => {
      const now = new Date();
      const health = await withStore(config, (store) => readHealth(store, null, now));
      console.log(opts.json ? JSON.stringify(health, null, 2) : formatHealth(health, now));
    });

  program
    .command('errors')
    .description('list the open sync errors, newest first, or export them all as CSV')
    .option('--type <type>', 'one card: <category>:<vendor code or none>', parseType)
    .addOption(new Option('--category <category>', 'one category').choices(syncErrorCategories))
    .option('--object <object>', 'one synced object, e.g. contacts')
    .option('--limit <n>', 'how many to list (not with --csv)', parseLimit, 100)
    .option('--csv', 'every matching error as CSV (RFC 4180), as the UI exports')
    .option('--json', 'print JSON')
    .action(async (opts: { type?: string; category?: SyncErrorCategory; object?: string; limit: number; csv?: boolean; json?: boolean }, command: Command) => {
      const filter = { type: opts.type, category: opts.category, object: opts.object };
      try {
        await withStore(config, async (store) => {
          if (opts.csv) {
            process.stdout.write(await errorsCsv(store, filter));
            return;
          }
          const page = await listErrors(store, filter, { limit: opts.limit });
          if (opts.json) console.log(JSON.stringify(page.errors, null, 2));
          else {
            console.log(formatErrors(page.errors));
            if (page.nextCursor) console.log(`(the ${opts.limit} newest shown; --limit or --csv for more)`);
          }
        });
      } catch (error) {
        if (error instanceof ApiRefusal) command.error(`crmsync: ${error.message}`, { exitCode: 1 });
        throw error;
      }
    });
}
