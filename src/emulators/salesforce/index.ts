import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { FaultKind } from '../shared/faults.ts';
import { listen, type RunningEmulator } from '../shared/server.ts';
import { registerAdminRoutes } from './admin.ts';
import { apiVersions } from './api.ts';
import { orgId } from './auth.ts';
import type { OrgConfig } from './config.ts';
import { messages } from './errors.ts';
import type { ApiResponse } from './router.ts';
import { SalesforceEmulatorState } from './state.ts';

export interface SalesforceEmulatorOptions {
  /** 'demo' seeds realistic demo data; 'none' starts empty. */
  seed?: 'demo' | 'none';
  /** When set, state is loaded from and saved to this JSON file. */
  persistFile?: string;
  logger?: boolean;
  /** The org's clock in ms since the epoch (tests pass a controllable one). */
  clock?: () => number;
  /** Configuration to start with, as POST /__emulator/config takes it. */
  config?: Partial<OrgConfig>;
  /** How long /cometd holds an idle /meta/connect (Salesforce: 110 s). */
  streamingTimeoutMs?: number;
}

/** A body that was not JSON: the route answers JSON_PARSER_ERROR in Salesforce's shape rather than Fastify's. */
class InvalidJson {
  constructor(readonly message: string) {}
}

const jsonContentType = 'application/json;charset=UTF-8';

function limitHeader(state: SalesforceEmulatorState): string {
  return `api-usage=${state.usage.used(state.org.now())}/${state.org.config.dailyApiLimit}`;
}

/** How Salesforce answers each injected fault (reliability-security research §2; REST "Status Codes and Error Responses"). */
function faultResponse(kind: Exclude<FaultKind, 'drop_connection'>, method: string, path: string, body: unknown): ApiResponse {
  switch (kind) {
    case 'rate_limit':
      return { status: 403, body: [{ message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] };
    case 'daily_limit':
      return { status: 403, body: [{ message: messages.totalRequestsExceeded, errorCode: 'REQUEST_LIMIT_EXCEEDED' }] };
    case 'expired_session':
      return { status: 401, body: [{ message: messages.sessionInvalid, errorCode: 'INVALID_SESSION_ID' }] };
    case 'server_error':
      return { status: 500, body: [{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1893021457-42 (-1179437291)', errorCode: 'UNKNOWN_EXCEPTION' }] };
    case 'unavailable':
      return { status: 503, body: [{ message: 'Server temporarily unavailable, please retry your request', errorCode: 'SERVER_UNAVAILABLE' }] };
    case 'lock_row': {
      const message = 'unable to obtain exclusive access to this record or 1 records';
      // A lock is a record-level DML failure: inside a collection write every record fails alike ("if an object in a
      // batch can't be locked, the entire batch fails"), and the call itself still answers 200.
      const records = (body as { records?: unknown } | undefined)?.records;
      if (method !== 'GET' && path.startsWith('/composite/sobjects') && Array.isArray(records)) {
        return { status: 200, body: records.map(() => ({ success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message, fields: [] }] })) };
      }
      return { status: 400, body: [{ message, errorCode: 'UNABLE_TO_LOCK_ROW', fields: [] }] };
    }
  }
}

export async function buildSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 64 * 1024 * 1024 });
  const state = new SalesforceEmulatorState(options);

  // jsforce sends `Content-Type: application/json` on DELETE with no body; Salesforce accepts that, Fastify would not.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(null, new InvalidJson((error as Error).message));
    }
  });
  // Bulk API 2.0 uploads.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, String(body)));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  registerAdminRoutes(app, state);
  registerOAuthRoutes(app, state);
  state.changeEvents.register(app, state.tokens);
  // Long-polling clients would otherwise hold the server open for up to 110 seconds on close.
  app.addHook('preClose', async () => state.changeEvents.releaseAll());

  const send = (reply: FastifyReply, response: ApiResponse) => {
    reply.code(response.status).header('Sforce-Limit-Info', limitHeader(state));
    for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
    if (response.text !== undefined) return reply.send(response.text);
    if (response.status === 204 || response.body === undefined) return reply.send();
    return reply.header('Content-Type', jsonContentType).send(JSON.stringify(response.body));
  };

  const serveApi = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = new URL(request.url, 'http://emulator');
    const match = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/.exec(url.pathname);
    if (!match) {
      if (/^\/services\/data\/?$/.test(url.pathname)) return reply.header('Content-Type', jsonContentType).send(JSON.stringify(apiVersions));
      return reply.code(404).header('Content-Type', jsonContentType).send(JSON.stringify([{ errorCode: 'NOT_FOUND', message: messages.notFound }]));
    }
    const version = match[1] as string;
    const path = match[2] && match[2] !== '' ? match[2] : '/';
    const method = request.method.toUpperCase();
    state.stats.record(method, state.api.patternOf(method, path) ?? '/services/data/:version/(no such resource)');

    const fault = state.faults.decide(method, url.pathname);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.kind === 'drop_connection') {
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    if (fault.kind) return send(reply, faultResponse(fault.kind, method, path, request.body));

    if (!state.tokens.accepts(request.headers.authorization, state.org.config.strictTokens)) {
      return send(reply, { status: 401, body: [{ message: messages.sessionInvalid, errorCode: 'INVALID_SESSION_ID' }] });
    }
    const now = state.org.now();
    if (state.usage.used(now) >= state.org.config.dailyApiLimit) {
      return send(reply, { status: 403, body: [{ message: messages.totalRequestsExceeded, errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    }
    state.usage.record(now);
    if (request.body instanceof InvalidJson) {
      return send(reply, { status: 400, body: [{ message: `Unexpected character in the request body: ${request.body.message}`, errorCode: 'JSON_PARSER_ERROR' }] });
    }

    let response: ApiResponse;
    try {
      response = state.api.dispatch({
        method,
        version,
        path,
        query: Object.fromEntries(url.searchParams),
        body: request.body,
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value])),
      });
    } catch (error) {
      request.log.error(error, 'salesforce emulator: unexpected failure');
      response = { status: 500, body: [{ message: `An unexpected error occurred: ${(error as Error).message}`, errorCode: 'UNKNOWN_EXCEPTION' }] };
    }
    if (method !== 'GET') state.scheduleSave();
    return send(reply, response);
  };

  app.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url: '/services/data', handler: serveApi });
  app.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'], url: '/services/data/*', handler: serveApi });

  app.addHook('onClose', async () => state.saveNow());
  return app;
}

function registerOAuthRoutes(app: FastifyInstance, state: SalesforceEmulatorState): void {
  const oauthError = (reply: FastifyReply, status: number, error: string, description: string) => reply.code(status).send({ error, error_description: description });

  app.post('/services/oauth2/token', async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' && !(request.body instanceof InvalidJson) ? request.body : {}) as Record<string, string | undefined>;
    const strict = state.org.config.strictTokens;
    const instanceUrl = `${request.protocol}://${request.host}`;
    const clientSecret = body.client_secret ?? '';
    switch (body.grant_type) {
      case 'password': {
        if (!body.client_id) return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
        const user = [...state.org.store.scan('User', false)].find((candidate) => String(candidate.Username).toLowerCase() === (body.username ?? '').toLowerCase());
        if (!body.username || !body.password || (strict && (!user || user.IsActive !== true))) return oauthError(reply, 400, 'invalid_grant', 'authentication failure');
        return state.tokens.issue(instanceUrl, (user?.Id as string | undefined) ?? state.org.apiUserId, clientSecret, false);
      }
      case 'refresh_token': {
        if (!body.client_id) return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
        if (!state.tokens.refreshTokenValid(body.refresh_token ?? '', strict)) return oauthError(reply, 400, 'invalid_grant', 'expired access/refresh token');
        return state.tokens.issue(instanceUrl, state.org.apiUserId, clientSecret, false);
      }
      case 'client_credentials': {
        if (!body.client_id) return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
        // The client credentials flow authenticates the connected app itself, so the secret is mandatory.
        if (!body.client_secret) return oauthError(reply, 400, 'invalid_client', 'invalid client credentials');
        return state.tokens.issue(instanceUrl, state.org.apiUserId, clientSecret, false);
      }
      default:
        return oauthError(reply, 400, 'unsupported_grant_type', 'grant type not supported');
    }
  });

  /** The identity URL a token response names (Help: "Identity URLs"); it is not a REST API call and is not counted. */
  app.get<{ Params: { org: string; user: string }; Querystring: { oauth_token?: string } }>('/id/:org/:user', async (request, reply) => {
    const authorization = request.headers.authorization ?? (request.query.oauth_token ? `Bearer ${request.query.oauth_token}` : undefined);
    if (!state.tokens.accepts(authorization, state.org.config.strictTokens)) return reply.code(403).send('Bad_OAuth_Token');
    const user = state.org.store.find(request.params.user)?.record;
    if (request.params.org !== orgId || !user || state.org.store.find(request.params.user)?.objectName !== 'User') return reply.code(404).send('Bad_Id');
    const base = `${request.protocol}://${request.host}`;
    return {
      id: `${base}/id/${orgId}/${String(user.Id)}`,
      asserted_user: true,
      user_id: user.Id,
      organization_id: orgId,
      username: user.Username,
      nick_name: user.CommunityNickname,
      display_name: user.Name,
      email: user.Email,
      email_verified: true,
      first_name: user.FirstName,
      last_name: user.LastName,
      active: user.IsActive,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      last_modified_date: user.LastModifiedDate,
      urls: {
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
        limits: `${base}/services/data/v{version}/limits`,
      },
    };
  });

  app.post('/services/oauth2/revoke', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const token = body.token ?? (request.query as Record<string, string | undefined>).token;
    if (!token) return reply.code(400).send({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
    state.tokens.revoke(token);
    return reply.code(200).send();
  });
}

export async function startSalesforceEmulator(
  options: SalesforceEmulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningEmulator> {
  const app = await buildSalesforceEmulator(options);
  return listen(app, options.port, options.host);
}
