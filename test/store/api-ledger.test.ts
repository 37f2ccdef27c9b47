import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { storeMigrations } from '../../src/store/migrations.ts';
import { describeEachDatabase, type IsolatedDatabase } from './databases.ts';

const worker = fileURLToPath(new URL('./budget-race-worker.ts', import.meta.url));
const hour = 60 * 60 * 1000;
const now = new Date('2026-03-02T12:30:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describeEachDatabase('API ledger', (database) => {
  it('counts a rolling 24 hours and reserves only what fits in the allocation', async () => {
    const store = await database.fresh().open();
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 5, ago(25 * hour));
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 7, ago(23 * hour));
    await store.apiLedger.record({ object: 'Contact', operation: 'update' }, 2, ago(10 * 60 * 1000));
    expect(await store.apiLedger.usedInWindow(now)).toBe(9);

    const refused = await store.apiLedger.tryReserveCalls(2, 10, now);
    expect(refused).toEqual({ granted: false, usedInWindow: 9 });
    const granted = await store.apiLedger.tryReserveCalls(1, 10, now, { object: 'Lead', operation: 'upsert' });
    expect(granted).toMatchObject({ granted: true, usedInWindow: 10 });

    // An hour later the 23-hour-old calls have left the window.
    expect(await store.apiLedger.tryReserveCalls(7, 10, new Date(now.getTime() + 2 * hour))).toMatchObject({ granted: true, usedInWindow: 10 });
    await expect(store.apiLedger.tryReserveCalls(0, 10, now)).rejects.toThrow('calls must be a whole number of 1 or more, got 0');
    await expect(store.apiLedger.tryReserveCalls(1, -1, now)).rejects.toThrow('allocation must be a whole number of 0 or more, got -1');
  });

  it('settles a reservation to what the call really cost', async () => {
    const store = await database.fresh().open();
    const first = await store.apiLedger.tryReserveCalls(1, 100, now);
    const second = await store.apiLedger.tryReserveCalls(3, 100, now);
    if (!first.granted || !second.granted) throw new Error('expected both reservations');
    await store.apiLedger.settle(first.reservationId, 2, { object: 'Lead', operation: 'update' });
    await store.apiLedger.settle(second.reservationId, 0);
    expect(await store.apiLedger.usedInWindow(now)).toBe(2);
    expect(await store.apiLedger.usageByOperation(now)).toEqual([{ object: 'Lead', operation: 'update', calls: 2 }]);
  });

  it('buckets the last 24 hours by hour for the chart, empty hours included', async () => {
    const store = await database.fresh().open();
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 4, new Date('2026-03-02T12:05:00.000Z'));
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 1, new Date('2026-03-02T12:29:59.999Z'));
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 3, new Date('2026-03-01T13:00:00.000Z'));
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 100, new Date('2026-03-01T12:59:59.999Z'));
    const buckets = await store.apiLedger.hourlyUsage(now);
    expect(buckets).toHaveLength(24);
    expect(buckets[0]).toEqual({ hourStart: new Date('2026-03-01T13:00:00.000Z'), calls: 3 });
    expect(buckets[23]).toEqual({ hourStart: new Date('2026-03-02T12:00:00.000Z'), calls: 5 });
    expect(buckets.reduce((sum, b) => sum + b.calls, 0)).toBe(8);
    expect(await store.apiLedger.pruneBefore(new Date('2026-03-01T13:00:00.000Z'))).toBe(1);
    expect((await store.apiLedger.hourlyUsage(now)).reduce((sum, b) => sum + b.calls, 0)).toBe(8);
  });

  it('never grants beyond the allocation when reservations race on one store', async () => {
    const store = await database.fresh().open();
    const results = await Promise.all(Array.from({ length: 40 }, () => store.apiLedger.tryReserveCalls(3, 50, now)));
    expect(results.filter((r) => r.granted)).toHaveLength(16);
    expect(await store.apiLedger.usedInWindow(now)).toBe(48);
  });

  it('never grants beyond the allocation when separate processes race for it', async () => {
    const isolated = database.fresh();
    // Migrate first, so that the racers race for the budget only.
    await (await isolated.open()).close();
    const granted = await raceForBudget(isolated, { racers: 3, allocation: 100, attemptsEach: 60 });
    // No fairness is promised (SQLite's busy wait lets one racer win often), only the total.
    expect(granted.reduce((a, b) => a + b, 0)).toBe(100);
    const store = await isolated.open();
    expect(await store.apiLedger.usedInWindow(now)).toBe(100);
  }, 90_000);

  it('lets several processes open and migrate a new database at once', async () => {
    const isolated = database.fresh();
    const granted = await raceForBudget(isolated, { racers: 3, allocation: 3, attemptsEach: 1 });
    expect(granted).toEqual([1, 1, 1]);
    const store = await isolated.open();
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.kysely);
    // Each migration the store knows ran exactly once (no duplicate rows), whatever their number.
    expect(rows.map((r) => r.name)).toEqual(Object.keys(await storeMigrations('sqlite').getMigrations()).sort());
  }, 90_000);
});

/** Starts racer processes, waits until each has opened the store, then lets them all go at once. */
async function raceForBudget(isolated: IsolatedDatabase, race: { racers: number; allocation: number; attemptsEach: number }): Promise<number[]> {
  const racers = Array.from({ length: race.racers }, () =>
    spawn(
      process.execPath,
      ['--import', 'tsx', worker, isolated.url, isolated.postgresSchema ?? '', String(race.allocation), String(race.attemptsEach), now.toISOString()],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    ),
  );
  const lines = racers.map((racer) => createInterface({ input: racer.stdout })[Symbol.asyncIterator]());
  for (const line of lines) expect((await line.next()).value).toBe('ready');
  for (const racer of racers) racer.stdin.write('go\n');
  const granted = await Promise.all(lines.map(async (line) => (JSON.parse((await line.next()).value as string) as { granted: number }).granted));
  await Promise.all(racers.map((racer) => (racer.exitCode === null ? once(racer, 'exit') : undefined)));
  return granted;
}

describeEachDatabase('integration state', (database) => {
  it('suspends with a reason, keeps the first since, and clears', async () => {
    const store = await database.fresh().open();
    expect(await store.integrationState.read()).toEqual({ suspension: null, apiLimit: null, salesforceReportedUsage: null });
    await store.integrationState.suspend('auth_failed', 'invalid_grant: expired refresh token', ago(hour));
    await store.integrationState.suspend('auth_failed', 'invalid_grant again', now);
    await store.integrationState.raiseApiLimit('1000 of 1000 calls used', ago(hour));
    await store.integrationState.raiseApiLimit('1000 of 1000 calls used', now);
    expect(await store.integrationState.read()).toEqual({
      suspension: { state: 'auth_failed', reason: 'invalid_grant again', since: ago(hour) },
      apiLimit: { since: ago(hour), detail: '1000 of 1000 calls used' },
      salesforceReportedUsage: null,
    });
    await store.integrationState.suspend('api_access_disabled', 'API_DISABLED_FOR_ORG', now);
    expect((await store.integrationState.read()).suspension?.since).toEqual(now);
    await store.integrationState.clearSuspension(now);
    await store.integrationState.clearApiLimit(now);
    expect(await store.integrationState.read()).toMatchObject({ suspension: null, apiLimit: null });
  });

  it('keeps the latest usage Salesforce reported, whatever order the responses arrive in', async () => {
    const store = await database.fresh().open();
    await store.integrationState.observeSalesforceUsage(5200, 15000, now);
    await store.integrationState.observeSalesforceUsage(5100, 15000, ago(1000));
    expect((await store.integrationState.read()).salesforceReportedUsage).toEqual({ used: 5200, limit: 15000, observedAt: now });
    await expect(store.integrationState.observeSalesforceUsage(-1, 15000, now)).rejects.toThrow('Salesforce usage must be whole numbers of 0 or more, got -1 of 15000');
  });
});
