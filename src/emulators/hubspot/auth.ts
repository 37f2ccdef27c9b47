import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { errorBody, type HubSpotErrorBody } from './errors.ts';

/**
 * Bearer tokens and the OAuth endpoints. By default any non-empty token is a valid private-app token (the demo
 * and the tests need no set-up); tokens can be revoked, and tokens issued by `/oauth/v1/token` expire after
 * `expires_in` as HubSpot's do (30 minutes), answering 401 EXPIRED_AUTHENTICATION afterwards.
 */

interface IssuedToken {
  refreshToken: string;
  expiresAt: number;
  scopes: string[];
}

export interface TokenSnapshot {
  revoked: string[];
  revokedRefreshTokens: string[];
}

const scopes = ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.objects.owners.read', 'crm.schemas.custom.read', 'crm.lists.read', 'crm.lists.write', 'oauth'];

export class HubSpotTokens {
  acceptAnyToken = true;
  accessTokenTtlSeconds = 1800;
  private revoked = new Set<string>();
  private revokedRefreshTokens = new Set<string>();
  private issued = new Map<string, IssuedToken>();

  constructor(private readonly portalId: () => number) {}

  reset(): void {
    this.revoked.clear();
    this.revokedRefreshTokens.clear();
    this.issued.clear();
  }

  revoke(token: string): void {
    this.revoked.add(token);
    this.revokedRefreshTokens.add(token);
    this.issued.delete(token);
  }

  /** Null when the Authorization header carries a valid token, else the 401 body to answer with. */
  check(authorization: string | undefined, now = Date.now()): HubSpotErrorBody | null {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    if (!token || this.revoked.has(token)) {
      return errorBody(
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    const issued = this.issued.get(token);
    if (issued && issued.expiresAt <= now) {
      return expiredBody(Math.max(1, Math.round((now - issued.expiresAt) / 1000)));
    }
    if (!issued && !this.acceptAnyToken) {
      return errorBody('INVALID_AUTHENTICATION', 'The access token provided is invalid or was not issued by this emulator.');
    }
    return null;
  }

  snapshot(): TokenSnapshot {
    return { revoked: [...this.revoked], revokedRefreshTokens: [...this.revokedRefreshTokens] };
  }

  restore(snapshot: TokenSnapshot): void {
    this.revoked = new Set(snapshot.revoked);
    this.revokedRefreshTokens = new Set(snapshot.revokedRefreshTokens);
  }

  private issue(refreshToken: string): { access_token: string; refresh_token: string; expires_in: number; token_type: string } {
    const accessToken = `emu-at-${randomBytes(18).toString('base64url')}`;
    this.issued.set(accessToken, { refreshToken, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000, scopes });
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: this.accessTokenTtlSeconds, token_type: 'bearer' };
  }

  registerRoutes(app: FastifyInstance): void {
    // The official client posts the token request form-encoded (TokensApi: application/x-www-form-urlencoded).
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    app.post<{ Body: Record<string, string> | undefined }>('/oauth/v1/token', async (request, reply) => {
      const form = request.body ?? {};
      // OAuth errors are not CRM errors: {status: BAD_REFRESH_TOKEN | BAD_CLIENT_ID | …, message, correlationId}.
      const bad = (status: string, message: string) => reply.code(400).send({ status, message, correlationId: randomUUID() });
      if (!form.client_id || !form.client_secret) return bad('BAD_CLIENT_ID', 'missing or invalid client_id / client_secret');
      if (form.grant_type === 'refresh_token') {
        const refreshToken = form.refresh_token;
        if (!refreshToken || this.revokedRefreshTokens.has(refreshToken)) return bad('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
        return this.issue(refreshToken);
      }
      if (form.grant_type === 'authorization_code') {
        if (!form.code) return bad('BAD_AUTH_CODE', 'missing or unknown auth code');
        if (!form.redirect_uri) return bad('BAD_REDIRECT_URI', 'missing redirect_uri');
        return this.issue(`emu-rt-${randomBytes(18).toString('base64url')}`);
      }
      return bad('BAD_GRANT_TYPE', `unsupported grant_type ${form.grant_type ?? ''}`.trim());
    });

    app.get<{ Params: { token: string } }>('/oauth/v1/access-tokens/:token', async (request, reply) => {
      const { token } = request.params;
      const issued = this.issued.get(token);
      const now = Date.now();
      if (this.revoked.has(token) || (!issued && !this.acceptAnyToken)) return reply.code(404).send(errorBody('OBJECT_NOT_FOUND', 'Token not found'));
      if (issued && issued.expiresAt <= now) return reply.code(401).send(expiredBody(Math.round((now - issued.expiresAt) / 1000)));
      return {
        token,
        user: 'integration@crmsync-emulator.example.com',
        hub_domain: `emulator-${this.portalId()}.hubspot.example.com`,
        scopes: issued?.scopes ?? scopes,
        hub_id: this.portalId(),
        app_id: 1_000_001,
        expires_in: issued ? Math.max(0, Math.round((issued.expiresAt - now) / 1000)) : this.accessTokenTtlSeconds,
        user_id: 10_000_001,
        token_type: 'access',
      };
    });
  }
}

/** HubSpot's wording for an expired OAuth access token. */
export function expiredBody(secondsAgo: number): HubSpotErrorBody {
  return errorBody('EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${secondsAgo} second(s) ago.`);
}
