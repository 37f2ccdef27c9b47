/**
 * HubSpot OAuth for an app installed on the portal (as opposed to a private-app token): access tokens live 30
 * minutes and are renewed with the refresh token at `POST /oauth/v1/token` (grant_type=refresh_token; HubSpot's
 * "OAuth" reference: https://developers.hubspot.com/docs/api/oauth/tokens).
 *
 * - The current access token, its expiry and the refresh token are kept through a `HubSpotTokenVault`, which the
 *   store's SecretsRepository satisfies (AES-256-GCM under CRMSYNC_SECRET), so a restart reuses the token and
 *   nothing is ever on disk in plaintext.
 * - Renewed ahead of expiry, as HubSpot's usage guidelines ask ("401s are not a valid indicator that a new access
 *   token must be retrieved"), and also when a call is answered 401 anyway (a revoked or rotated token).
 * - One refresh at a time: callers that need a token while one is running wait for it, so a burst of 401s costs
 *   one refresh, not one each.
 * - A refused refresh (invalid_grant, a revoked refresh token) throws HubSpotAuthFailedError: retrying cannot
 *   help, the admin must reconnect (suspension auth_failed).
 */
import { z } from 'zod';

export interface HubSpotTokenVault {
  get(name: string): Promise<string | null>;
  put(name: string, plaintext: string, now: Date): Promise<void>;
}

export interface HubSpotOAuthCredentials {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The refresh token from the installation; a rotated one in the vault takes precedence. */
  refreshToken: string;
}

export class HubSpotAuthFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubSpotAuthFailedError';
  }
}

/** Names of the secrets kept in the vault. */
export const hubspotTokenSecrets = { accessToken: 'hubspot.oauth.accessToken', refreshToken: 'hubspot.oauth.refreshToken' } as const;

/** Renew this long before the announced expiry: clocks drift and a call takes time to arrive. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
});
const storedAccessToken = z.object({ token: z.string().min(1), expiresAt: z.number() });

export class HubSpotOAuthSession {
  private inFlight: Promise<string> | null = null;
  /** The last token this session handed out: a 401 on an older one is answered with it, not another refresh. */
  private current: string | null = null;
  /** Token refreshes done by this process: tests and the health page can tell a refresh happened. */
  refreshes = 0;

  constructor(
    private readonly options: {
      credentials: HubSpotOAuthCredentials;
      vault: HubSpotTokenVault;
      clock: () => Date;
      fetch?: typeof fetch;
    },
  ) {}

  /** A token good for a while yet: the stored one, or a fresh one. */
  async accessToken(): Promise<string> {
    const raw = await this.options.vault.get(hubspotTokenSecrets.accessToken);
    const stored = raw === null ? null : storedAccessToken.safeParse(JSON.parse(raw));
    if (stored?.success && stored.data.expiresAt - EXPIRY_MARGIN_MS > this.options.clock().getTime()) {
      this.current = stored.data.token;
      return stored.data.token;
    }
    return this.refresh();
  }

  /**
   * A new access token, because `refused` was answered 401. Calls refused with a token already replaced get the
   * replacement; concurrent callers share one refresh.
   */
  refresh(refused?: string): Promise<string> {
    if (refused !== undefined && this.current !== null && this.current !== refused && this.inFlight === null) return Promise.resolve(this.current);
    this.inFlight ??= this.refreshOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async refreshOnce(): Promise<string> {
    const { credentials, vault, clock } = this.options;
    const refreshToken = (await vault.get(hubspotTokenSecrets.refreshToken)) ?? credentials.refreshToken;
    const response = await (this.options.fetch ?? fetch)(`${credentials.baseUrl.replace(/\/+$/, '')}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: credentials.clientId, client_secret: credentials.clientSecret, refresh_token: refreshToken }).toString(),
    });
    const text = await response.text();
    if (!response.ok) {
      // The answer names the reason (BAD_REFRESH_TOKEN, invalid_grant…) and never echoes a token.
      throw new HubSpotAuthFailedError(`HubSpot refused the token refresh (HTTP ${response.status}): ${text.slice(0, 300)}`);
    }
    let parsed: z.infer<typeof tokenAnswer>;
    try {
      parsed = tokenAnswer.parse(JSON.parse(text));
    } catch (error) {
      throw new HubSpotAuthFailedError(`HubSpot's token answer was not understood: ${error instanceof Error ? error.message.slice(0, 200) : 'not JSON'}`);
    }
    const now = clock();
    await vault.put(hubspotTokenSecrets.accessToken, JSON.stringify({ token: parsed.access_token, expiresAt: now.getTime() + parsed.expires_in * 1000 }), now);
    // HubSpot may rotate the refresh token: the new one is kept before the access token is used.
    if (parsed.refresh_token && parsed.refresh_token !== refreshToken) await vault.put(hubspotTokenSecrets.refreshToken, parsed.refresh_token, now);
    this.refreshes += 1;
    this.current = parsed.access_token;
    return parsed.access_token;
  }
}
