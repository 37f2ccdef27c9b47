/**
 * One convergence run under faults (SPEC §10, research §1.9 G3): rounds in which the driver changes both CRMs
 * while the emulators inject faults and a crmsync child process syncs and is SIGKILLed at a random moment; then the
 * faults stop, cycles run until one writes nothing, and the checker compares both systems with what the settings and
 * rules imply. Everything random comes from one seed.
 */
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';
import { checkConvergence, type CheckResult } from './checker.ts';
import { drivenFields, readWorld, WorldDriver, type OperationKind } from './driver.ts';
import { Dice } from './random.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

export interface ConvergenceOptions {
  seed: number;
  rounds: number;
  operationsPerRound: number;
  /** At least this many runs end by SIGKILL; rounds are added (up to three times as many) until they do. */
  minKills: number;
  /** Shares of calls failed by each injected rule are drawn up to this. */
  maxFaultShare: number;
  useInclusionList: boolean;
  /** Cycles allowed after the faults stop before the run is declared not converging. */
  maxQuietCycles: number;
  /**
   * Salesforce deletes and merges in the mix. crmsync sees them through getDeleted, whose log answers in whole
   * minutes and never covers the minute still running: the run then waits a minute before its quiet cycles.
   */
  salesforceDeletes?: boolean;
  /** Looks at the world after the check, before it is torn down: for diagnosing a failing seed. */
  inspect?: (world: FaultWorld, report: ConvergenceReport) => Promise<void>;
}

export interface ConvergenceReport extends CheckResult {
  seed: number;
  operations: number;
  operationsByKind: Record<OperationKind, number>;
  faultsInjected: { salesforce: number; hubspot: number; byKind: Record<string, number> };
  /** Of those, faults that hit the driver's own calls (sent again by it). */
  faultsOnDriver: number;
  kills: number;
  runs: number;
  /** Runs that ended with an error (a fault crmsync could not ride out in that cycle): the next run picks up. */
  failedRuns: number;
  quietCycles: number;
  /** Writes made by the last cycle after the faults stopped: a converged world writes nothing. */
  bouncing: number;
  openSyncErrors: number;
  people: number;
}

/** Vendor write calls counted by an emulator: everything but reads, queries, searches and batch reads. */
async function writeCount(url: string): Promise<number> {
  const { byEndpoint } = (await emulatorAdmin(url, 'stats')) as { byEndpoint: Record<string, number> };
  return Object.entries(byEndpoint)
    .filter(([endpoint]) => !endpoint.startsWith('GET ') && !/\/(query|search|batch\/read|oauth2)\b/.test(endpoint) && endpoint !== 'POST /services/data/:version/composite/sobjects/:type')
    .reduce((sum, [, count]) => sum + count, 0);
}

async function injectedFaults(url: string): Promise<Record<string, number>> {
  const stats = (await emulatorAdmin(url, 'stats')) as { faults?: { injected?: Record<string, number> } | Record<string, number> };
  const faults = stats.faults ?? {};
  return ('injected' in faults ? faults.injected : faults) as Record<string, number>;
}

/** A round's fault rules: a few kinds, each on a small share of calls, drawn from the seed. */
function faultRules(dice: Dice, system: 'salesforce' | 'hubspot', maxShare: number): unknown {
  // HubSpot's 429 is waited out by the client for up to 10 s per attempt: kept rare so a run stays short.
  const kinds = system === 'salesforce' ? (['rate_limit', 'server_error', 'unavailable', 'lock_row', 'expired_session', 'drop_connection'] as const) : (['server_error', 'unavailable', 'drop_connection', 'lock_row'] as const);
  const rules: Array<Record<string, unknown>> = kinds.filter(() => dice.chance(0.6)).map((kind) => ({ kind, share: Math.round(dice.float() * maxShare * 1000) / 1000 + 0.001 }));
  if (system === 'hubspot' && dice.chance(0.15)) rules.push({ kind: 'rate_limit', next: 1 });
  return { latencyMs: dice.int(0, 15), seed: dice.int(1, 1_000_000), rules };
}

export async function runConvergence(options: ConvergenceOptions, log: (line: string) => void = () => {}): Promise<ConvergenceReport> {
  const dice = new Dice(options.seed);
  const world = await startFaultWorld();
  try {
    const report = await convergeIn(world, dice, options, log);
    await options.inspect?.(world, report);
    return report;
  } finally {
    await world.close();
  }
}

async function convergeIn(world: FaultWorld, dice: Dice, options: ConvergenceOptions, log: (line: string) => void): Promise<ConvergenceReport> {
  const urls = { salesforce: world.salesforce.url, hubspot: world.hubspot.url };
  // First run on the empty world: the store is created with its default mappings, then set as the run needs.
  const first = await world.run();
  if (first.exitCode !== 0) throw new Error(`crmsync did not run on an empty world: ${first.stdout}${first.stderr}`);
  let inclusionListId: string | null = null;
  if (options.useInclusionList) {
    const { list } = (await emulatorAdmin(urls.hubspot, 'lists', { name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL' })) as { list: { listId: string } };
    inclusionListId = list.listId;
  }
  const store = await world.openStore();
  try {
    // Default mappings live in code until an admin changes one: the changed rule is stored as the admin's edit would be.
    for (const field of drivenFields) {
      if (field.rule !== 'prefer_salesforce_unless_blank') await store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: field.hubspot, salesforceField: field.salesforce, rule: field.rule, origin: 'default' }, new Date());
    }
    if (inclusionListId !== null) {
      const current = await store.settings.read();
      await store.settings.write({ ...(current?.document ?? {}), contacts: { ...((current?.document as { contacts?: object } | undefined)?.contacts ?? {}), inclusionListId } }, current?.version ?? 0, new Date());
    }
  } finally {
    await store.close();
  }

  const driver = new WorldDriver(urls, dice, inclusionListId, `s${options.seed}`, options.salesforceDeletes ?? false);
  let kills = 0;
  let runs = 1;
  let failedRuns = 0;
  const maxRounds = options.rounds * 3;
  for (let round = 1; round <= maxRounds && (round <= options.rounds || kills < options.minKills); round += 1) {
    await emulatorAdmin(urls.salesforce, 'faults', faultRules(dice, 'salesforce', options.maxFaultShare));
    await emulatorAdmin(urls.hubspot, 'faults', faultRules(dice, 'hubspot', options.maxFaultShare));
    const roundsLeft = options.rounds - round;
    const mustKill = kills + roundsLeft < options.minKills;
    // A cycle that meets a fault it cannot ride out ends early: a kill that must land comes soon after the start.
    const killAfterMs = mustKill ? dice.int(0, 100) : dice.chance(0.6) ? dice.int(0, 1500) : undefined;
    const [run] = await Promise.all([world.run(killAfterMs === undefined ? {} : { killAfterMs }), driver.runOperations(options.operationsPerRound)]);
    runs += 1;
    if (run.killed) kills += 1;
    else if (run.exitCode !== 0) failedRuns += 1;
    log(`round ${round}: ${run.killed ? `killed after ${killAfterMs} ms` : `exit ${run.exitCode}`}`);
  }

  // The faults stop. Time passes for the back-off: every retryable error is due (what its timer does within its delay).
  await emulatorAdmin(urls.salesforce, 'faults', undefined, 'DELETE');
  await emulatorAdmin(urls.hubspot, 'faults', undefined, 'DELETE');
  const faultsInjected = { salesforce: 0, hubspot: 0, byKind: {} as Record<string, number> };
  for (const system of ['salesforce', 'hubspot'] as const) {
    for (const [kind, count] of Object.entries(await injectedFaults(urls[system]))) {
      faultsInjected[system] += count;
      faultsInjected.byKind[`${system}:${kind}`] = count;
    }
  }
  if (options.salesforceDeletes) await new Promise((resolve) => setTimeout(resolve, 61_000));
  let quietCycles = 0;
  let bouncing = Number.POSITIVE_INFINITY;
  while (quietCycles < options.maxQuietCycles && bouncing > 0) {
    await makeRetryableErrorsDue(world);
    const before = (await writeCount(urls.salesforce)) + (await writeCount(urls.hubspot));
    // The first quiet run reconciles: HubSpot deletes reach a `sync --once` run through the archived listing, which a
    // plain run reads only every 15 minutes (the service hears of them at once through webhooks).
    const run = await world.run(quietCycles === 0 ? { args: ['sync', '--once', '--reconcile'] } : {});
    runs += 1;
    quietCycles += 1;
    if (run.exitCode !== 0) throw new Error(`crmsync failed with no faults injected (exit ${run.exitCode}):\n${run.stdout}${run.stderr}`);
    bouncing = (await writeCount(urls.salesforce)) + (await writeCount(urls.hubspot)) - before;
    log(`quiet cycle ${quietCycles}: ${bouncing} writes${bouncing > 0 ? `\n${run.stdout}` : ''}`);
  }

  const check = checkConvergence(driver.people, await readWorld(urls), { inclusionListId });
  const openSyncErrors = await openErrors(world, check.findings);
  const operationsByKind = driver.figures.operations;
  return {
    ...check,
    seed: options.seed,
    operations: Object.values(operationsByKind).reduce((a, b) => a + b, 0),
    operationsByKind,
    faultsInjected,
    faultsOnDriver: driver.figures.retriedCalls,
    kills,
    runs,
    failedRuns,
    quietCycles,
    bouncing,
    openSyncErrors,
    people: driver.people.length,
  };
}

async function makeRetryableErrorsDue(world: FaultWorld): Promise<void> {
  const store = await world.openStore();
  try {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.syncErrors.list({ status: 'open' }, { limit: 500, cursor });
      ids.push(...page.errors.filter((error) => error.retryable).map((error) => error.id));
      cursor = page.nextCursor;
    } while (cursor);
    await store.syncErrors.retryNow(ids, new Date());
  } finally {
    await store.close();
  }
}

/** Open sync errors after convergence: each is a finding (a fault-free world has nothing to refuse). */
async function openErrors(world: FaultWorld, findings: string[]): Promise<number> {
  const store = await world.openStore();
  try {
    const { errors } = await store.syncErrors.list({ status: 'open' }, { limit: 500 });
    for (const error of errors) findings.push(`open sync error: ${error.category} ${error.vendorCode} on HubSpot ${error.hubspotId} / Salesforce ${error.salesforceId}: ${error.message}`);
    return errors.length;
  } finally {
    await store.close();
  }
}

export function formatReport(report: ConvergenceReport): string {
  const kinds = Object.entries(report.operationsByKind).map(([kind, count]) => `${kind} ${count}`).join(', ');
  const faults = Object.entries(report.faultsInjected.byKind).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(', ');
  return [
    `convergence seed ${report.seed} (replay: CRMSYNC_FAULT_SEED=${report.seed})`,
    `  operations ${report.operations} (${kinds}) on ${report.people} people`,
    `  faults injected ${report.faultsInjected.salesforce + report.faultsInjected.hubspot} (${faults}); ${report.faultsOnDriver} of them on the driver's own calls`,
    `  crmsync runs ${report.runs}, SIGKILLed ${report.kills}, ended by an error ${report.failedRuns}; quiet cycles to converge ${report.quietCycles}`,
    `  records compared ${report.recordsCompared}: lost ${report.lost}, duplicated ${report.duplicated}, outside scope ${report.leaked}, wrong values ${report.wrongValues}, unexpected ${report.unexpected}, bouncing ${report.bouncing}, open sync errors ${report.openSyncErrors}`,
    ...report.findings.slice(0, 40).map((finding) => `  ! ${finding}`),
  ].join('\n');
}
