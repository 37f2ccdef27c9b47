import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector, FaultKind } from '../shared/faults.ts';
import type { CallStats } from '../shared/stats.ts';
import { expiredBody, type HubSpotTokens } from './auth.ts';
import { errorBody } from './errors.ts';
import { rateLimitBody, type HubSpotRateLimiter } from './limits.ts';

/**
 * One gate in front of every vendor route, the modules' routes included: count the call, apply injected
 * latency and faults, check the token, apply the rate limits, and stamp the rate-limit headers. Admin routes
 * under /__emulator/ pass untouched and uncounted.
 */
export interface GatewayDeps {
  faults: FaultInjector;
  stats: CallStats;
  limiter: HubSpotRateLimiter;
  tokens: HubSpotTokens;
}

export const adminPrefix = '/__emulator/';

function isSearch(method: string, path: string): boolean {
  return method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search$/.test(path);
}

function renderFault(kind: Exclude<FaultKind, 'drop_connection'>, reply: FastifyReply): FastifyReply {
  switch (kind) {
    case 'rate_limit':
      return reply.code(429).send(rateLimitBody('TEN_SECONDLY_ROLLING', randomUUID()));
    case 'daily_limit':
      return reply.code(429).send(rateLimitBody('DAILY', randomUUID()));
    case 'expired_session':
      return reply.code(401).send(expiredBody(7));
    case 'unavailable':
      return reply.code(503).send(errorBody('INTERNAL_ERROR', 'Service Unavailable: the server is temporarily unable to handle the request.'));
    case 'lock_row':
    case 'server_error':
      return reply.code(500).send(errorBody('INTERNAL_ERROR', 'internal error'));
  }
}

export function installGateway(app: FastifyInstance, deps: GatewayDeps): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    if (path.startsWith(adminPrefix)) return;
    deps.stats.record(request.method, request.routeOptions.url ?? path);

    const fault = deps.faults.decide(request.method, path);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.kind === 'drop_connection') {
      reply.hijack();
      request.raw.socket?.destroy();
      return;
    }
    if (fault.kind) return renderFault(fault.kind, reply);

    // The OAuth endpoints authenticate with the client secret in the form, not a bearer token.
    if (path.startsWith('/oauth/')) return;
    const refusal = deps.tokens.check(request.headers.authorization);
    if (refusal) return reply.code(401).send(refusal);

    const decision = deps.limiter.take(Date.now(), isSearch(request.method, path) ? 'search' : 'standard');
    reply.headers(decision.headers);
    if (decision.refusedBy) return reply.code(429).send(rateLimitBody(decision.refusedBy, randomUUID()));
  });
}
