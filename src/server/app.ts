import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from '../log.ts';
import { hubspotWebhookBatchSchema, type WebhookInbox } from './hubspot-webhook-events.ts';
import { verifyHubSpotSignatureV3 } from './hubspot-signature.ts';

export interface ServerOptions {
  adminToken: string;
  /** The HubSpot app's client secret; null: no webhook receiver (polling only). */
  hubspotClientSecret: string | null;
  /**
   * The public base URL HubSpot calls (e.g. https://crmsync.example.com). The signature covers the full URL, and
   * behind a proxy the Host header is not to be trusted, so it comes from configuration. A function when it is
   * known only once the server listens (port 0).
   */
  publicUrl: string | (() => string);
  webhookInbox: WebhookInbox;
  clock: () => Date;
  logger?: Logger;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
}

const WEBHOOK_PATH = '/webhooks/hubspot';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim() ?? null;
}

/** Routes anyone may call: a bare liveness probe, and webhooks, which prove themselves by signature. */
function isPublic(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return path === '/healthz' || path.startsWith('/webhooks/');
}

/**
 * The HTTP server of `crmsync start`: admin API (added by later routes), webhook receiver, liveness probe.
 * Every route but the public two requires the admin token; the check runs before any handler or body parsing
 * of a route that could change anything.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : {}),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Request ids in logs tie a webhook delivery to the sync it caused; never the body (it holds personal data).
    disableRequestLogging: true,
  });

  // The webhook signature covers the body byte for byte, so this route keeps it as received.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (request.url.startsWith(WEBHOOK_PATH)) {
      done(null, body);
      return;
    }
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      const error = new Error('the request body is not valid JSON') as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request.url)) return;
    const token = bearerToken(request);
    if (token === null || !sameSecret(token, options.adminToken)) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'an admin token is required: Authorization: Bearer <CRMSYNC_ADMIN_TOKEN>' });
    }
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post(WEBHOOK_PATH, async (request, reply) => {
    if (options.hubspotClientSecret === null) {
      return reply.code(404).send({ error: 'not_found', message: 'webhooks are not configured: set HUBSPOT_CLIENT_SECRET' });
    }
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const verdict = verifyHubSpotSignatureV3({
      clientSecret: options.hubspotClientSecret,
      method: request.method,
      uri: `${(typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl).replace(/\/+$/, '')}${request.url}`,
      rawBody,
      signature: header('x-hubspot-signature-v3'),
      timestamp: header('x-hubspot-request-timestamp'),
      now: options.clock().getTime(),
    });
    if (!verdict.valid) {
      request.log.warn({ reason: verdict.reason }, 'refused a HubSpot webhook with an invalid signature');
      return reply.code(401).send({ error: 'invalid_signature', message: `the webhook signature is not valid (${verdict.reason})` });
    }
    let events: unknown;
    try {
      events = JSON.parse(rawBody);
    } catch {
      return reply.code(400).send({ error: 'bad_request', message: 'the webhook body is not valid JSON' });
    }
    const parsed = hubspotWebhookBatchSchema.safeParse(events);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply.code(400).send({ error: 'bad_request', message: `webhook event ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` });
    }
    await options.webhookInbox.accept(parsed.data, options.clock());
    return reply.code(200).send({ accepted: parsed.data.length });
  });

  return app;
}
