/**
 * G3 (convergence) under faults and kill -9, with G2 (a retried or replayed write never duplicates) and G5 (a
 * converged world writes nothing: no echo, no bouncing) checked on the way. A few hundred operations here; the
 * large run across 20 seeds is `npx tsx bench/convergence.ts`. A failing seed is printed with its replay line:
 * `CRMSYNC_FAULT_SEED=<seed> npx vitest run test/fault/convergence.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { formatReport, runConvergence } from './harness/convergence.ts';
import { seedFromEnvironment } from './harness/random.ts';

describe('convergence under faults and SIGKILL', () => {
  it('after the faults stop, both CRMs hold what the rules imply: nothing lost, duplicated or bouncing', async () => {
    const seed = seedFromEnvironment(process.env, () => Math.floor(Math.random() * 1_000_000));
    const report = await runConvergence({
      seed,
      rounds: 6,
      operationsPerRound: 40,
      minKills: 3,
      maxFaultShare: 0.08,
      useInclusionList: true,
      maxQuietCycles: 4,
    });
    const summary = formatReport(report);
    console.log(summary);
    expect(report.operations, summary).toBeGreaterThanOrEqual(200);
    expect(report.kills, summary).toBeGreaterThanOrEqual(3);
    expect(report.faultsInjected.salesforce + report.faultsInjected.hubspot, summary).toBeGreaterThan(0);
    expect(report.findings, summary).toEqual([]);
    expect({ lost: report.lost, duplicated: report.duplicated, leaked: report.leaked, wrongValues: report.wrongValues, unexpected: report.unexpected, bouncing: report.bouncing }, summary).toEqual({
      lost: 0,
      duplicated: 0,
      leaked: 0,
      wrongValues: 0,
      unexpected: 0,
      bouncing: 0,
    });
  }, 120_000);
});
