import type { StoreContext } from './context.ts';

/** Whole-integration states that stop syncing until an admin clears them (SPEC section 7). */
export type SuspensionState = 'salesforce_api_limit_exceeded' | 'api_access_disabled' | 'auth_failed' | 'object_permission_missing' | 'unknown';

export interface IntegrationState {
  suspension: { state: SuspensionState; reason: string; since: Date } | null;
  /** Set while crmsync holds back because the API allocation is spent; clears itself as the window frees. */
  apiLimit: { since: Date; detail: string } | null;
  /** The org-wide daily use and limit Salesforce last reported (all integrations, not only crmsync). */
  salesforceReportedUsage: { used: number; limit: number; observedAt: Date } | null;
}

const CURRENT = 'current';

/**
 * The integration's own condition, apart from any record's errors: a suspension (the Sync Health banner with
 * "Clear suspension") and the api_limit condition. One row, shared by every worker.
 */
export class IntegrationStateRepository {
  constructor(private readonly context: StoreContext) {}

  async read(): Promise<IntegrationState> {
    const row = await this.context.db.selectFrom('integrationState').selectAll().where('id', '=', CURRENT).executeTakeFirst();
    return {
      suspension:
        row?.suspensionState && row.suspendedSince
          ? { state: row.suspensionState as SuspensionState, reason: row.suspensionReason ?? '', since: new Date(row.suspendedSince) }
          : null,
      apiLimit: row?.apiLimitSince ? { since: new Date(row.apiLimitSince), detail: row.apiLimitDetail ?? '' } : null,
      salesforceReportedUsage:
        row && row.salesforceCallsUsed !== null && row.salesforceCallsLimit !== null && row.salesforceUsageObservedAt !== null
          ? { used: row.salesforceCallsUsed, limit: row.salesforceCallsLimit, observedAt: new Date(row.salesforceUsageObservedAt) }
          : null,
    };
  }

  /** Suspends syncing. Suspending again in the same state keeps the original `since` and updates the reason. */
  async suspend(state: SuspensionState, reason: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.context.transact(async ({ db }) => {
      await this.ensureRow(db, at);
      const current = await db.selectFrom('integrationState').select(['suspensionState', 'suspendedSince']).where('id', '=', CURRENT).executeTakeFirstOrThrow();
      const since = current.suspensionState === state && current.suspendedSince ? current.suspendedSince : at;
      await db.updateTable('integrationState').set({ suspensionState: state, suspensionReason: reason, suspendedSince: since, updatedAt: at }).where('id', '=', CURRENT).execute();
    });
  }

  async clearSuspension(now: Date): Promise<void> {
    await this.context.db
      .updateTable('integrationState')
      .set({ suspensionState: null, suspensionReason: null, suspendedSince: null, updatedAt: now.toISOString() })
      .where('id', '=', CURRENT)
      .execute();
  }

  /** Raises the api_limit condition (idempotent: `since` is when it first rose). */
  async raiseApiLimit(detail: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.context.transact(async ({ db }) => {
      await this.ensureRow(db, at);
      await db.updateTable('integrationState').set({ apiLimitDetail: detail, updatedAt: at }).where('id', '=', CURRENT).execute();
      await db.updateTable('integrationState').set({ apiLimitSince: at }).where('id', '=', CURRENT).where('apiLimitSince', 'is', null).execute();
    });
  }

  async clearApiLimit(now: Date): Promise<void> {
    await this.context.db
      .updateTable('integrationState')
      .set({ apiLimitSince: null, apiLimitDetail: null, updatedAt: now.toISOString() })
      .where('id', '=', CURRENT)
      .execute();
  }

  /**
   * Records the use and limit Salesforce reported. An observation older than the stored one is ignored:
   * responses of concurrent calls arrive in any order.
   */
  async observeSalesforceUsage(used: number, limit: number, observedAt: Date): Promise<void> {
    if (!Number.isInteger(used) || used < 0 || !Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`Salesforce usage must be whole numbers of 0 or more, got ${used} of ${limit}`);
    }
    const at = observedAt.toISOString();
    await this.context.transact(async ({ db }) => {
      await this.ensureRow(db, at);
      await db
        .updateTable('integrationState')
        .set({ salesforceCallsUsed: used, salesforceCallsLimit: limit, salesforceUsageObservedAt: at })
        .where('id', '=', CURRENT)
        .where((eb) => eb.or([eb('salesforceUsageObservedAt', 'is', null), eb('salesforceUsageObservedAt', '<=', at)]))
        .execute();
    });
  }

  private async ensureRow(db: StoreContext['db'], at: string): Promise<void> {
    await db.insertInto('integrationState').values({ id: CURRENT, updatedAt: at }).onConflict((oc) => oc.column('id').doNothing()).execute();
  }
}
