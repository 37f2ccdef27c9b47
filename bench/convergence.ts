/**
 * The convergence run at a large size across 20 seeds (BENCHMARKS.md, "Convergence under faults and kill -9"):
 * `npx tsx bench/convergence.ts [firstSeed] [seeds] [--without-salesforce-deletes]`. Prints each seed's figures and
 * a Markdown table of them all; exits 1 if any seed lost, duplicated or left something bouncing. The mix has
 * Salesforce deletes and merges, so each run waits a minute for getDeleted before its quiet cycles;
 * `--without-salesforce-deletes` leaves them out (the mix before session 4), and the wait with them.
 */
import { formatReport, runConvergence, type ConvergenceReport } from '../test/fault/harness/convergence.ts';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
// `--salesforce-deletes` was the opt-in before they joined the default mix: still accepted.
const salesforceDeletes = !process.argv.includes('--without-salesforce-deletes');
const firstSeed = Number(positional[0] ?? 1);
const seeds = Number(positional[1] ?? 20);
if (!Number.isSafeInteger(firstSeed) || !Number.isSafeInteger(seeds) || seeds < 1) {
  console.error('usage: npx tsx bench/convergence.ts [firstSeed] [seeds] [--without-salesforce-deletes]');
  process.exit(2);
}

const reports: ConvergenceReport[] = [];
for (let seed = firstSeed; seed < firstSeed + seeds; seed += 1) {
  const started = Date.now();
  const report = await runConvergence({ seed, rounds: 10, operationsPerRound: 100, minKills: 5, maxFaultShare: 0.12, useInclusionList: true, maxQuietCycles: 6, salesforceDeletes });
  reports.push(report);
  console.log(`${formatReport(report)}\n  took ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const sum = (pick: (r: ConvergenceReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
const faults = (r: ConvergenceReport) => r.faultsInjected.salesforce + r.faultsInjected.hubspot;
console.log('\n| seed | operations | people | faults injected (on crmsync) | kills | runs | quiet cycles | records compared | lost | duplicated | wrong values | bouncing | open errors |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of reports) {
  console.log(`| ${r.seed} | ${r.operations} | ${r.people} | ${faults(r)} (${faults(r) - r.faultsOnDriver}) | ${r.kills} | ${r.runs} | ${r.quietCycles} | ${r.recordsCompared} | ${r.lost} | ${r.duplicated} | ${r.wrongValues + r.leaked + r.unexpected} | ${r.bouncing} | ${r.openSyncErrors} |`);
}
console.log(`| **all ${reports.length}** | ${sum((r) => r.operations)} | ${sum((r) => r.people)} | ${sum(faults)} (${sum(faults) - sum((r) => r.faultsOnDriver)}) | ${sum((r) => r.kills)} | ${sum((r) => r.runs)} | | ${sum((r) => r.recordsCompared)} | ${sum((r) => r.lost)} | ${sum((r) => r.duplicated)} | ${sum((r) => r.wrongValues + r.leaked + r.unexpected)} | ${sum((r) => r.bouncing)} | ${sum((r) => r.openSyncErrors)} |`);
process.exitCode = reports.some((r) => r.findings.length > 0 || r.bouncing > 0) ? 1 : 0;
