// A separate process racing others for the API budget: the guarantee under test is across processes, which
// one process with one connection cannot show. It opens the store, prints "ready", waits for "go" on stdin so
// that all racers start together, reserves one call at a time, and prints {"granted": n}.
import { once } from 'node:events';
import { openStore } from '../../src/store/open.ts';

const [url, schema, allocation, attempts, now] = process.argv.slice(2);
if (!url || schema === undefined || !allocation || !attempts || !now) {
  throw new Error('usage: budget-race-worker <databaseUrl> <postgresSchema or ""> <allocation> <attempts> <nowIso>');
}
const store = await openStore(url, schema ? { postgresSchema: schema } : {});
let granted = 0;
try {
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  for (let i = 0; i < Number(attempts); i += 1) {
    const reservation = await store.apiLedger.tryReserveCalls(1, Number(allocation), new Date(now), { object: 'Lead', operation: 'update' });
    if (reservation.granted) granted += 1;
  }
} finally {
  await store.close();
}
process.stdout.write(`${JSON.stringify({ granted })}\n`);
process.stdin.destroy();
