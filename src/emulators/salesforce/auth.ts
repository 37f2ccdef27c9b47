import { createHmac, randomBytes } from 'node:crypto';

/**
 * OAuth 2.0 as the token endpoint of a My Domain answers it (Help: "OAuth 2.0 Username-Password Flow",
 * "OAuth 2.0 Refresh Token Flow", "OAuth 2.0 Client Credentials Flow"). By default any non-empty token that was not
 * revoked is accepted, so a jsforce Connection with a made-up accessToken just works; in strict mode only tokens
 * this emulator issued are.
 */

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
  signature: string;
  scope?: string;
}

export interface OAuthError {
  error: string;
  error_description: string;
}

export const orgId = '00DHs000000emuLAAA';

export class TokenIssuer {
  private readonly accessTokens = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private readonly revoked = new Set<string>();

  constructor(private readonly clock: () => number) {}

  /** Checks an Authorization header ("Bearer x" for REST, "OAuth x" for CometD). */
  accepts(authorization: string | undefined, strict: boolean): boolean {
    const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return false;
    const token = match[1] as string;
    if (this.revoked.has(token)) return false;
    return strict ? this.accessTokens.has(token) : true;
  }

  /** Issues an access token, and a refresh token where the flow grants one. */
  issue(instanceUrl: string, userId: string, clientSecret: string, withRefreshToken: boolean): TokenResponse {
    const accessToken = `${orgId.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
    this.accessTokens.add(accessToken);
    const issuedAt = String(this.clock());
    const id = `${instanceUrl}/id/${orgId}/${userId}`;
    const response: TokenResponse = {
      access_token: accessToken,
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
      // The documented signature: HMAC-SHA256 of id + issued_at keyed with the client secret, base64.
      signature: createHmac('sha256', clientSecret).update(id + issuedAt).digest('base64'),
      scope: 'api refresh_token',
    };
    if (withRefreshToken) {
      const refreshToken = `5Aep${randomBytes(32).toString('base64url')}`;
      this.refreshTokens.add(refreshToken);
      response.refresh_token = refreshToken;
    }
    return response;
  }

  refreshTokenValid(refreshToken: string, strict: boolean): boolean {
    if (!refreshToken || this.revoked.has(refreshToken)) return false;
    return strict ? this.refreshTokens.has(refreshToken) : true;
  }

  /** Revokes one token (access or refresh), or with no argument every token issued so far. */
  revoke(token?: string): number {
    if (token !== undefined) {
      this.revoked.add(token);
      return 1;
    }
    const all = [...this.accessTokens, ...this.refreshTokens];
    for (const issued of all) this.revoked.add(issued);
    return all.length;
  }

  reset(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.revoked.clear();
  }
}
