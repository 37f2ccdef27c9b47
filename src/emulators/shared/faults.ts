import { z } from 'zod';
import { seededRandom } from './random.ts';

/**
 * Vendor-neutral fault kinds. Each emulator renders a kind the way its vendor does
 * (a HubSpot `rate_limit` is a 429 with policyName TEN_SECONDLY_ROLLING; a Salesforce one is
 * 403 REQUEST_LIMIT_EXCEEDED), so tests can say "fail the next 3 calls" without knowing the wire format.
 */
export const faultKinds = [
  'rate_limit', // HubSpot 429 TEN_SECONDLY_ROLLING; Salesforce 403 REQUEST_LIMIT_EXCEEDED
  'daily_limit', // HubSpot 429 DAILY; Salesforce 403 REQUEST_LIMIT_EXCEEDED
  'server_error', // 500
  'unavailable', // 503
  'lock_row', // Salesforce UNABLE_TO_LOCK_ROW (HubSpot renders it as a 500)
  'expired_session', // Salesforce 401 INVALID_SESSION_ID; HubSpot 401 EXPIRED_AUTHENTICATION
  'drop_connection', // the socket is destroyed without an answer
] as const;
export type FaultKind = (typeof faultKinds)[number];

const faultRuleSchema = z
  .object({
    kind: z.enum(faultKinds),
    /** Fail this share of matching calls, 0..1. */
    share: z.number().min(0).max(1).optional(),
    /** Fail the next N matching calls, then stop. */
    next: z.number().int().positive().optional(),
    /** Only calls whose method matches (e.g. "POST"). */
    method: z.string().optional(),
    /** Only calls whose path contains this text (e.g. "/composite/sobjects"). */
    pathIncludes: z.string().optional(),
  })
  .strict()
  .refine((r) => (r.share === undefined) !== (r.next === undefined), {
    message: 'give exactly one of share or next',
  });

export const faultConfigSchema = z
  .object({
    /** Added to every vendor call, in milliseconds. */
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    rules: z.array(faultRuleSchema).max(50).optional(),
    /** Seed for share-based faults, so a failing run replays exactly. */
    seed: z.number().int().optional(),
  })
  .strict();
export type FaultConfig = z.infer<typeof faultConfigSchema>;
type FaultRule = z.infer<typeof faultRuleSchema>;

export interface FaultDecision {
  latencyMs: number;
  kind: FaultKind | null;
}

export class FaultInjector {
  private latencyMs = 0;
  private rules: Array<FaultRule & { remaining?: number }> = [];
  private random = seededRandom(1);
  readonly injected: Record<FaultKind, number> = Object.fromEntries(faultKinds.map((k) => [k, 0])) as Record<FaultKind, number>;

  /** Replaces the current fault configuration. Throws a ZodError naming the bad field. */
  configure(input: unknown): FaultConfig {
    const config = faultConfigSchema.parse(input);
    this.latencyMs = config.latencyMs ?? 0;
    this.rules = (config.rules ?? []).map((r) => ({ ...r, remaining: r.next }));
    this.random = seededRandom(config.seed ?? 1);
    return config;
  }

  clear(): void {
    this.latencyMs = 0;
    this.rules = [];
  }

  describe(): { latencyMs: number; rules: Array<FaultRule & { remaining?: number }>; injected: Record<FaultKind, number> } {
    return { latencyMs: this.latencyMs, rules: this.rules.map((r) => ({ ...r })), injected: { ...this.injected } };
  }

  /** Decides the fate of one vendor call. First matching rule wins. */
  decide(method: string, path: string): FaultDecision {
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.pathIncludes && !path.includes(rule.pathIncludes)) continue;
      if (rule.remaining !== undefined) {
        if (rule.remaining <= 0) continue;
        rule.remaining -= 1;
      } else if (rule.share !== undefined && this.random() >= rule.share) {
        continue;
      }
      this.injected[rule.kind] += 1;
      return { latencyMs: this.latencyMs, kind: rule.kind };
    }
    return { latencyMs: this.latencyMs, kind: null };
  }
}
