import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readCookie, sameSecret, SESSION_COOKIE, sessionCookie, type LoginRateLimiter, type SessionStore } from '../session.ts';
import { ApiRefusal, type ApiRoutes } from './route-kit.ts';
import { sessionCreated, sessionState } from './schemas.ts';

export interface SessionRouteDeps {
  adminToken: string;
  sessions: SessionStore;
  limiter: LoginRateLimiter;
  /** Secure cookies when the UI is served over https (publicUrl). */
  secureCookies: () => boolean;
  bearerValid: (request: FastifyRequest) => boolean;
}

/** The UI's sign-in: the admin token once, then a session cookie and the CSRF token its changes must carry. */
export function registerSessionRoutes(routes: ApiRoutes, deps: SessionRouteDeps): void {
  routes.add(
    {
      method: 'POST',
      url: '/api/session',
      summary: 'Sign in to the UI with the admin token: sets the crmsync_session cookie and returns the CSRF token',
      tag: 'session',
      public: true,
      body: z.strictObject({ token: z.string({ error: 'the admin token is required' }).min(1, 'the admin token is required') }),
      response: { status: 200, description: 'signed in; Set-Cookie crmsync_session (HttpOnly, SameSite=Strict)', schema: sessionCreated },
      errors: [
        { status: 401, description: 'wrong token' },
        { status: 429, description: 'too many attempts from this address; Retry-After says when to try again' },
      ],
    },
    async ({ body }, request, reply) => {
      const wait = deps.limiter.attempt(request.ip);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        throw new ApiRefusal(429, 'too_many_attempts', `too many sign-in attempts from this address; try again in ${wait} s`);
      }
      if (!sameSecret(body.token, deps.adminToken)) {
        request.log.warn({ ip: request.ip }, 'refused a sign-in with a wrong admin token');
        throw new ApiRefusal(401, 'unauthorized', 'that is not the admin token (CRMSYNC_ADMIN_TOKEN)');
      }
      const previous = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (previous) deps.sessions.end(previous);
      const { sessionId, csrfToken } = deps.sessions.create();
      reply.header('set-cookie', sessionCookie(sessionId, { secure: deps.secureCookies() }));
      return { csrfToken };
    },
  );

  routes.add(
    {
      method: 'GET',
      url: '/api/session',
      summary: 'Whether this caller is signed in, and the CSRF token of its session',
      tag: 'session',
      public: true,
      response: { status: 200, description: 'the session state; csrfToken is null for Bearer callers, who need none', schema: sessionState },
    },
    async (_input, request) => {
      if (deps.bearerValid(request)) return { authenticated: true, csrfToken: null };
      const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
      const session = sessionId ? deps.sessions.touch(sessionId) : null;
      return { authenticated: session !== null, csrfToken: session?.csrfToken ?? null };
    },
  );

  routes.add(
    {
      method: 'DELETE',
      url: '/api/session',
      summary: 'Sign out: ends the session and clears its cookie',
      tag: 'session',
      response: { status: 204, description: 'signed out' },
      errors: [{ status: 403, description: 'the session cookie came without its X-CSRF-Token' }],
    },
    async (_input, request, reply) => {
      const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (sessionId) deps.sessions.end(sessionId);
      return reply.code(204).header('set-cookie', sessionCookie('', { secure: deps.secureCookies(), clear: true })).send();
    },
  );
}
