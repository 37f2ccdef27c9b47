// A process that dies with kill -9 in the middle of a batch: two writes recorded as intents and not yet
// confirmed, one confirmed, and a sync run never finished.
import { openStore } from '../../src/store/open.ts';

const [url, schema, now] = process.argv.slice(2);
if (!url || schema === undefined || !now) throw new Error('usage: crash-worker <databaseUrl> <postgresSchema or ""> <nowIso>');
const store = await openStore(url, schema ? { postgresSchema: schema } : {});
const at = new Date(now);
await store.syncRuns.start('incremental', at);
await store.writeIntents.recordMany(
  ['a', 'b', 'c'].map((key) => ({
    idempotencyKey: `link-${key}:v1`,
    system: 'salesforce' as const,
    object: 'Contact',
    operation: 'create',
    recordId: null,
    linkId: null,
    payload: { LastName: `Crash ${key}` },
  })),
  at,
);
await store.writeIntents.markDone([{ idempotencyKey: 'link-a:v1', outcome: { id: '003000000000000AAA' } }], at);
process.kill(process.pid, 'SIGKILL');
