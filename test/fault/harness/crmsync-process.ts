/**
 * crmsync as an operator runs it: `node bin/crmsync.js sync --once` in its own process, configured only through
 * the environment, so a SIGKILL ends it exactly as `kill -9` would (no handler, no flush, no clean-up).
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface CrmsyncRun {
  exitCode: number | null;
  /** 'SIGKILL' when this run was killed. */
  signal: NodeJS.Signals | null;
  killed: boolean;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: Record<string, string>;
  /** Kill with SIGKILL this many ms after the cycle has started (after the "syncing:" line); none: let it finish. */
  killAfterMs?: number;
  /** Appended to after the run, for a look at what crmsync wrote to its terminal (logs included). */
  logFile?: string;
  /** A run that takes longer is killed and reported as a failure: a hung cycle is a bug, not a slow machine. */
  timeoutMs?: number;
  args?: readonly string[];
  /** Filled in at spawn with a function that SIGKILLs this run: for a kill at a moment the caller picks. */
  killSwitch?: { kill?: () => void };
}

export function runCrmsync(options: RunOptions): Promise<CrmsyncRun> {
  const child = spawn(process.execPath, [join(repositoryRoot, 'bin/crmsync.js'), ...(options.args ?? ['sync', '--once'])], {
    cwd: repositoryRoot,
    // Only what the run needs: nothing from the test's own environment leaks into crmsync's configuration.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let killed = false;
  let killTimer: NodeJS.Timeout | undefined;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) {
      killed = true;
      child.kill('SIGKILL');
    }
  };
  if (options.killSwitch) options.killSwitch.kill = kill;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const started = !stdout.includes('syncing:') && (stdout + text).includes('syncing:');
    stdout += text;
    if (started && options.killAfterMs !== undefined) killTimer = setTimeout(kill, options.killAfterMs);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const hung = setTimeout(() => {
    stderr += `\n[harness] no exit after ${options.timeoutMs ?? 120_000} ms: killed as hung`;
    kill();
  }, options.timeoutMs ?? 120_000);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(killTimer);
      clearTimeout(hung);
      if (options.logFile) appendFileSync(options.logFile, `--- run (exit ${exitCode}, signal ${signal})\n${stdout}${stderr}\n`);
      resolvePromise({ exitCode, signal, killed, stdout, stderr });
    });
  });
}
