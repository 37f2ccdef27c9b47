import { z } from 'zod';

/**
 * crmsync's configuration, read once at start from the environment (SPEC section 2). Nothing else in the code
 * reads process.env: everything receives the parts of this object it needs.
 *
 * Which back ends are used follows from what is configured: with no HubSpot and no Salesforce credentials,
 * crmsync runs its built-in emulators with demo data, so `npm start` works on a fresh clone.
 */

export type HubSpotConnection =
  | { kind: 'emulator' }
  | { kind: 'private_app'; baseUrl: string; accessToken: string; clientSecret: string | null }
  | { kind: 'oauth'; baseUrl: string; clientId: string; clientSecret: string; refreshToken: string };

export type SalesforceConnection =
  | { kind: 'emulator' }
  | { kind: 'oauth_refresh'; loginUrl: string; clientId: string; clientSecret: string; refreshToken: string; instanceUrl: string | null }
  | { kind: 'session'; instanceUrl: string; accessToken: string };

export interface CrmsyncConfig {
  host: string;
  /**
   * The address people and HubSpot's webhooks reach crmsync at (behind a proxy, say); null: http://HOST:PORT.
   * The webhook signature covers the full URL, so it cannot come from the request's Host header.
   */
  publicUrl: string | null;
  /** Where a JSON notice is posted when syncing suspends itself (SPEC section 7); null: nowhere. */
  notifyUrl: string | null;
  port: number;
  /** `sqlite:<path>` or `postgres://…` */
  databaseUrl: string;
  /** Where the SQLite file, the generated secret and the generated admin token live. */
  dataDir: string;
  /** Key that encrypts stored tokens; null: generate one into dataDir on first start. */
  secret: string | null;
  /** API/UI login token; null: generate one and print it. */
  adminToken: string | null;
  hubspot: HubSpotConnection;
  salesforce: SalesforceConnection;
  /** The polling safety net's interval. */
  pollIntervalMs: number;
  /** While Salesforce change events are live, how often Salesforce is still polled as a safety net. */
  salesforceSafetyPollMs: number;
  /** Salesforce REST API version used for every call. */
  salesforceApiVersion: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`crmsync cannot start: bad configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const optionalText = z.string().trim().min(1).optional();

const envSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535, 'must be a TCP port (0 to 65535)').default(3000),
  CRMSYNC_DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => v.startsWith('sqlite:') || v.startsWith('postgres://') || v.startsWith('postgresql://'), {
      message: 'must start with sqlite: or postgres://',
    })
    .optional(),
  CRMSYNC_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CRMSYNC_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CRMSYNC_POLL_INTERVAL_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000, 'must be at least 1000').max(3_600_000).default(10_000),
  CRMSYNC_PUBLIC_URL: url.optional(),
  CRMSYNC_NOTIFY_URL: url.optional(),
  CRMSYNC_SALESFORCE_SAFETY_POLL_MS: z.coerce.number({ error: 'must be a number' }).int().min(1000, 'must be at least 1000').max(86_400_000).default(300_000),
  CRMSYNC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SALESFORCE_API_VERSION: z.string().regex(/^\d{2}\.0$/, 'must look like 62.0').default('62.0'),
  HUBSPOT_BASE_URL: url.default('https://api.hubapi.com'),
  HUBSPOT_ACCESS_TOKEN: optionalText,
  HUBSPOT_CLIENT_ID: optionalText,
  HUBSPOT_CLIENT_SECRET: optionalText,
  HUBSPOT_REFRESH_TOKEN: optionalText,
  SALESFORCE_LOGIN_URL: url.default('https://login.salesforce.com'),
  SALESFORCE_CLIENT_ID: optionalText,
  SALESFORCE_CLIENT_SECRET: optionalText,
  SALESFORCE_REFRESH_TOKEN: optionalText,
  SALESFORCE_INSTANCE_URL: url.optional(),
  SALESFORCE_ACCESS_TOKEN: optionalText,
});
type Env = z.infer<typeof envSchema>;

function hubspotConnection(env: Env, problems: string[]): HubSpotConnection {
  if (env.HUBSPOT_ACCESS_TOKEN) {
    return { kind: 'private_app', baseUrl: env.HUBSPOT_BASE_URL, accessToken: env.HUBSPOT_ACCESS_TOKEN, clientSecret: env.HUBSPOT_CLIENT_SECRET ?? null };
  }
  const oauth = { HUBSPOT_CLIENT_ID: env.HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET: env.HUBSPOT_CLIENT_SECRET, HUBSPOT_REFRESH_TOKEN: env.HUBSPOT_REFRESH_TOKEN };
  const given = Object.entries(oauth).filter(([, v]) => v);
  if (given.length === 0) return { kind: 'emulator' };
  if (given.length < 3) {
    const missing = Object.entries(oauth).filter(([, v]) => !v).map(([k]) => k);
    problems.push(`HubSpot OAuth needs ${missing.join(' and ')} too (or set HUBSPOT_ACCESS_TOKEN for a private app)`);
    return { kind: 'emulator' };
  }
  return { kind: 'oauth', baseUrl: env.HUBSPOT_BASE_URL, clientId: env.HUBSPOT_CLIENT_ID!, clientSecret: env.HUBSPOT_CLIENT_SECRET!, refreshToken: env.HUBSPOT_REFRESH_TOKEN! };
}

function salesforceConnection(env: Env, problems: string[]): SalesforceConnection {
  const oauth = { SALESFORCE_CLIENT_ID: env.SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET: env.SALESFORCE_CLIENT_SECRET, SALESFORCE_REFRESH_TOKEN: env.SALESFORCE_REFRESH_TOKEN };
  const given = Object.entries(oauth).filter(([, v]) => v);
  if (given.length === 3) {
    return {
      kind: 'oauth_refresh',
      loginUrl: env.SALESFORCE_LOGIN_URL,
      clientId: env.SALESFORCE_CLIENT_ID!,
      clientSecret: env.SALESFORCE_CLIENT_SECRET!,
      refreshToken: env.SALESFORCE_REFRESH_TOKEN!,
      instanceUrl: env.SALESFORCE_INSTANCE_URL ?? null,
    };
  }
  if (given.length > 0) {
    const missing = Object.entries(oauth).filter(([, v]) => !v).map(([k]) => k);
    problems.push(`Salesforce OAuth needs ${missing.join(' and ')} too (or SALESFORCE_INSTANCE_URL with SALESFORCE_ACCESS_TOKEN)`);
    return { kind: 'emulator' };
  }
  if (env.SALESFORCE_INSTANCE_URL && env.SALESFORCE_ACCESS_TOKEN) {
    return { kind: 'session', instanceUrl: env.SALESFORCE_INSTANCE_URL, accessToken: env.SALESFORCE_ACCESS_TOKEN };
  }
  if (env.SALESFORCE_INSTANCE_URL || env.SALESFORCE_ACCESS_TOKEN) {
    problems.push('SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN go together: set both, or neither');
  }
  return { kind: 'emulator' };
}

/** Reads the configuration from an environment. Throws ConfigError listing every problem at once. */
export function loadConfig(environment: Readonly<Record<string, string | undefined>>): CrmsyncConfig {
  // An empty variable (`PORT=`) means "not set", as shells and .env files commonly produce.
  const present = Object.fromEntries(Object.entries(environment).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  const hubspot = hubspotConnection(env, problems);
  const salesforce = salesforceConnection(env, problems);
  if ((hubspot.kind === 'emulator') !== (salesforce.kind === 'emulator') && problems.length === 0) {
    problems.push(
      hubspot.kind === 'emulator'
        ? 'Salesforce credentials are set but HubSpot ones are not: set HUBSPOT_ACCESS_TOKEN (or the HubSpot OAuth trio), or unset both to run on the emulators'
        : 'HubSpot credentials are set but Salesforce ones are not: set the SALESFORCE_* OAuth trio (or instance URL + access token), or unset both to run on the emulators',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const dataDir = env.CRMSYNC_DATA_DIR.replace(/\/+$/, '');
  return {
    host: env.HOST,
    port: env.PORT,
    publicUrl: env.CRMSYNC_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    notifyUrl: env.CRMSYNC_NOTIFY_URL ?? null,
    databaseUrl: env.DATABASE_URL ?? `sqlite:${dataDir}/crmsync.db`,
    dataDir,
    secret: env.CRMSYNC_SECRET ?? null,
    adminToken: env.CRMSYNC_ADMIN_TOKEN ?? null,
    hubspot,
    salesforce,
    pollIntervalMs: env.CRMSYNC_POLL_INTERVAL_MS,
    salesforceSafetyPollMs: env.CRMSYNC_SALESFORCE_SAFETY_POLL_MS,
    salesforceApiVersion: env.SALESFORCE_API_VERSION,
    logLevel: env.CRMSYNC_LOG_LEVEL,
  };
}
