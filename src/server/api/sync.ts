import type { FastifyReply, FastifyRequest } from 'fastify';
import { toSyncStatusJson } from '../../engine/health.ts';
import type { ApiDeps } from './index.ts';
import { ApiRefusal, type ApiRoutes } from './route-kit.ts';
import { syncRequestedResponse, syncStatusJson } from './schemas.ts';

/**
 * Server-sent events of the service's status: a `status` event at once and on every change, and a `health` ping
 * every `pingMs` (the UI refreshes Sync Health on it; it also keeps proxies from closing an idle stream).
 */
function streamEvents(deps: ApiDeps, open: Set<() => void>, request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Buffering proxies (nginx) would hold events back until the stream ends.
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  raw.write('retry: 3000\n\n');
  send('status', toSyncStatusJson(deps.sync.status()));
  const unsubscribe = deps.sync.onStatus((status) => send('status', toSyncStatusJson(status)));
  const ping = setInterval(() => send('health', { at: deps.clock().toISOString() }), deps.eventsPingMs);
  const close = () => {
    clearInterval(ping);
    unsubscribe();
    open.delete(end);
  };
  const end = () => {
    close();
    raw.end();
  };
  open.add(end);
  request.raw.once('close', close);
  raw.once('close', close);
}

export function registerSyncRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const openStreams = new Set<() => void>();
  routes.beforeClose(() => {
    for (const end of [...openStreams]) end();
  });
  routes.add(
    {
      method: 'POST',
      url: '/api/sync',
      summary: 'Run a sync now (coalesced with a run already asked for); answers at once',
      tag: 'sync',
      response: { status: 202, description: 'the run is asked for', schema: syncRequestedResponse },
      errors: [{ status: 503, description: 'the sync service is stopped' }],
    },
    async (_input, request, reply) => {
      if (deps.sync.status().phase === 'stopped') throw new ApiRefusal(503, 'service_stopped', 'the sync service is stopped; start crmsync to sync');
      deps.sync.requestRun('asked through the API').catch((error: unknown) => request.log.warn({ err: error }, 'the requested run did not start'));
      return reply.code(202).send({ requested: true, status: toSyncStatusJson(deps.sync.status()) });
    },
  );

  routes.add(
    { method: 'GET', url: '/api/sync/status', summary: "The sync service's phase, current run with progress, last run", tag: 'sync', response: { status: 200, description: 'status', schema: syncStatusJson } },
    async () => toSyncStatusJson(deps.sync.status()),
  );

  routes.add(
    {
      method: 'GET',
      url: '/api/events',
      summary: 'Server-sent events: `status` (SyncStatus JSON) on every change, `health` pings',
      tag: 'sync',
      response: { status: 200, description: 'an event stream that stays open', contentType: 'text/event-stream' },
    },
    async (_input, request, reply) => streamEvents(deps, openStreams, request, reply),
  );
}
