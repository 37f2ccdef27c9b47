/** GET /api/events over a real socket: the UI's live updates as server-sent events. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/open.ts';
import { apiServer, bearer, FakeSync, signIn } from './api-harness.ts';

let folder: string;
let store: Store;
let sync: FakeSync;
let app: FastifyInstance;
let base: string;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crmsync-api-events-'));
  store = await openStore(`sqlite:${join(folder, 'crmsync.db')}`);
  sync = new FakeSync();
  app = apiServer(store, sync, { eventsPingMs: 50 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await app.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Reads the stream until `count` events have come, returning each as { event, data }. */
async function readEvents(response: Response, count: number, wanted: (event: string) => boolean): Promise<Array<{ event: string; data: unknown }>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data && wanted(event)) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}

it('sends the status at once and on every change, with health pings, to a signed-in session', async () => {
  const session = await signIn(app);
  const controller = new AbortController();
  const response = await fetch(`${base}/api/events`, { headers: { cookie: session.cookie }, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const first = await readEvents(response, 1, (event) => event === 'status');
  expect(first[0]).toEqual({ event: 'status', data: expect.objectContaining({ phase: 'idle', current: null }) });

  const again = await fetch(`${base}/api/events`, { headers: bearer, signal: controller.signal });
  const collected = readEvents(again, 3, () => true);
  // The subscription is in place once the first event arrives; a change then reaches the stream.
  await expect.poll(() => sync.listenerCount).toBeGreaterThan(0);
  sync.emit({
    phase: 'syncing',
    current: { runId: 'r1', kind: 'incremental', startedAt: new Date('2026-11-29T12:00:00Z'), progress: { step: 'contacts: HubSpot → Salesforce', done: 2, total: 5 } },
    lastRun: null,
    lastSuccessAt: null,
    nextRunAt: null,
  });
  const events = await collected;
  expect(events.filter((e) => e.event === 'status').map((e) => (e.data as { phase: string }).phase)).toContain('syncing');
  const syncing = events.find((e) => e.event === 'status' && (e.data as { phase: string }).phase === 'syncing')!;
  expect(syncing.data).toMatchObject({ current: { startedAt: '2026-11-29T12:00:00.000Z', progress: { done: 2, total: 5 } } });
  const pings = await readEvents(await fetch(`${base}/api/events`, { headers: bearer, signal: controller.signal }), 1, (event) => event === 'health');
  expect(pings[0]!.data).toEqual({ at: expect.any(String) });
  controller.abort();
  // Closed streams unsubscribe.
  await expect.poll(() => sync.listenerCount).toBe(0);
});

it('ends open streams when the server closes, so a shutdown does not wait on them', async () => {
  const response = await fetch(`${base}/api/events`, { headers: bearer });
  await readEvents(response.clone(), 1, (event) => event === 'status');
  await app.close();
  expect(sync.listenerCount).toBe(0);
  // The stream ended: reading it to the end finishes.
  expect(await response.text()).toContain('event: status');
});

it('refuses the stream without a token or session', async () => {
  const response = await fetch(`${base}/api/events`);
  expect(response.status).toBe(401);
});
