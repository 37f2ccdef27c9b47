import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execute = promisify(execFile);
const bin = new URL('../../bin/crmsync.js', import.meta.url).pathname;

/** `node bin/crmsync.js …` with a data folder of its own and no DATABASE_URL (the folder's SQLite store), plus `env`. */
export async function runCli(dataDir: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execute('node', [bin, ...args], { env: { ...process.env, CRMSYNC_DATA_DIR: dataDir, DATABASE_URL: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}
