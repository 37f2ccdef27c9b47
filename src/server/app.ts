import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ImportControl } from '../engine/import-control.ts';
import type { SyncControl } from '../engine/sync-control.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/open.ts';
import type { CrmSchemaPort } from './api/crm-schema.ts';
import { registerApi, type RecordLinks } from './api/index.ts';
import { apiError, ApiRoutes } from './api/route-kit.ts';
import { hubspotWebhookBatchSchema, type WebhookInbox } from './hubspot-webhook-events.ts';
import { verifyHubSpotSignatureV3 } from './hubspot-signature.ts';
import { CSRF_HEADER, LoginRateLimiter, readCookie, sameSecret, SESSION_COOKIE, SessionStore } from './session.ts';
import { registerSessionRoutes } from './api/session-routes.ts';
import { registerStaticUi } from './static-ui.ts';

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
  /**
   * The store and the running sync service behind the admin API (Sync Health, settings, mappings, errors,
   * /metrics). Without both, only sessions, the webhook receiver and the UI are served.
   */
  store?: Store;
  sync?: SyncControl;
  /** Live schemas and HubSpot lists (GET /api/schema/{object}, /api/hubspot/lists, custom mapping checks); without it those answer 501. */
  crmSchema?: CrmSchemaPort | null;
  /** Runs imports (POST /api/import); without it those routes answer 501. */
  imports?: ImportControl | null;
  /** Links to records in each system's own UI, shown next to sync errors. */
  recordLinks?: RecordLinks;
  /** The built web UI (web/dist); null: no UI. Default: web/dist of this checkout. */
  webRoot?: string | null;
  /** A UI session ends after this long without a request; default 30 minutes. */
  sessionIdleMs?: number;
  /** Login attempts allowed per client address per minute; default 10. */
  loginAttemptsPerMinute?: number;
  /** How often /api/events sends a `health` ping (also a keep-alive through proxies); default 15 s. */
  eventsPingMs?: number;
}

const WEBHOOK_PATH = '/webhooks/hubspot';

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim() ?? null;
}

function pathOf(url: string): string {
  const path = url.split('?')[0] ?? url;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The API and the metrics: data, always behind the token or a session. */
function isDataPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/metrics';
}

/**
 * Requests anyone may make: the bare liveness probe, webhooks (they prove themselves by signature), the routes
 * declared public (login), and reading the UI's files, which hold no data. Both the route matched and the path
 * as sent are checked, so no spelling of a data path reaches it as a page.
 */
function isOpen(request: FastifyRequest, publicRoutes: ReadonlySet<string>): boolean {
  const path = pathOf(request.url);
  const route = request.routeOptions.url;
  if (path === '/healthz' || path.startsWith('/webhooks/')) return true;
  if (publicRoutes.has(`${request.method} ${route ?? path}`)) return true;
  const reading = request.method === 'GET' || request.method === 'HEAD';
  return reading && !isDataPath(path) && !(route !== undefined && isDataPath(route));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The HTTP server of `crmsync start`: admin API, webhook receiver, metrics, the web UI, liveness probe.
 * Every data route requires the admin token (Bearer) or a UI session whose changes carry its CSRF token; the
 * check runs before any handler or body parsing of a route that could change anything.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : {}),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Request ids in logs tie a webhook delivery to the sync it caused; never the body (it holds personal data).
    logController: new LogController({ disableRequestLogging: true }),
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

  const sessions = new SessionStore(options.sessionIdleMs ?? 30 * 60_000, options.clock);
  const publicRoutes = new Set<string>();
  const routes = new ApiRoutes(app, publicRoutes);

  /** Bearer callers need no CSRF token: a browser never adds that header by itself. */
  const authenticate = (request: FastifyRequest): 'ok' | 'unauthorized' | 'csrf' => {
    const token = bearerToken(request);
    if (token !== null) return sameSecret(token, options.adminToken) ? 'ok' : 'unauthorized';
    const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
    const session = sessionId ? sessions.touch(sessionId) : null;
    if (!session) return 'unauthorized';
    if (SAFE_METHODS.has(request.method)) return 'ok';
    const csrf = request.headers[CSRF_HEADER];
    return typeof csrf === 'string' && sameSecret(csrf, session.csrfToken) ? 'ok' : 'csrf';
  };

  app.addHook('onRequest', async (request, reply) => {
    if (isOpen(request, publicRoutes)) return;
    const verdict = authenticate(request);
    if (verdict === 'ok') return;
    request.log.warn({ method: request.method, route: request.routeOptions.url ?? null, verdict }, 'refused an unauthenticated request');
    if (verdict === 'csrf') {
      await apiError(reply, 403, 'csrf', `a change made with the session cookie needs the ${CSRF_HEADER} header holding the csrfToken of POST /api/session`);
      return;
    }
    await apiError(reply.header('www-authenticate', 'Bearer'), 401, 'unauthorized', 'an admin token is required: Authorization: Bearer <CRMSYNC_ADMIN_TOKEN>, or sign in to the UI');
  });

  // Errors in the API's own shape; a server fault says no more than that (no stack, no internals).
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return apiError(reply, 500, 'internal_error', 'crmsync failed to answer this request; the server log has the details');
    }
    const names: Record<number, string> = { 400: 'invalid_request', 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type' };
    return apiError(reply, status, names[status] ?? 'bad_request', error.message);
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

  registerSessionRoutes(routes, {
    adminToken: options.adminToken,
    sessions,
    limiter: new LoginRateLimiter(options.loginAttemptsPerMinute ?? 10, options.clock),
    // Read per sign-in: publicUrl may be known only once the server listens.
    secureCookies: () => (typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl).startsWith('https:'),
    bearerValid: (request) => {
      const token = bearerToken(request);
      return token !== null && sameSecret(token, options.adminToken);
    },
  });
  if (options.store && options.sync) {
    registerApi(routes, {
      store: options.store,
      sync: options.sync,
      clock: options.clock,
      crmSchema: options.crmSchema ?? null,
      imports: options.imports ?? null,
      recordLinks: options.recordLinks ?? {},
      eventsPingMs: options.eventsPingMs ?? 15_000,
    });
  }
  registerStaticUi(app, options.webRoot === undefined ? defaultWebRoot() : options.webRoot);

  return app;
}

function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../web/dist', import.meta.url));
}
