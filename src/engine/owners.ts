import type { OwnerDirectory } from '../core/mapping/convert.ts';
import type { TypedFieldMapping } from '../core/mapping/model.ts';
import { buildOwnerDirectory } from '../core/mapping/owners.ts';
import type { HubSpotClient } from '../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../connectors/salesforce/client.ts';

/**
 * The owner directory shared by everything one cycle (or one import) syncs: without it each synced object read the
 * users and owners again, two calls per object per cycle and per import page. Scoped to the caller's unit of work,
 * not timed: a user added in Salesforce is seen by the next cycle.
 */
export class OwnerDirectoryCache {
  private loaded: Promise<OwnerDirectory> | null = null;

  load(read: () => Promise<OwnerDirectory>): Promise<OwnerDirectory> {
    if (!this.loaded) {
      this.loaded = read();
      // A failed read is not kept: the next object of the cycle tries again.
      this.loaded.catch(() => {
        this.loaded = null;
      });
    }
    return this.loaded;
  }
}

/** Owners map by email (SPEC section 3): two calls a cycle, spent only while an owner mapping syncs. */
export async function ownerDirectoryFor(
  mappings: readonly TypedFieldMapping[],
  salesforce: SalesforceClient,
  hubspot: HubSpotClient,
  cache?: OwnerDirectoryCache,
): Promise<OwnerDirectory | undefined> {
  if (!mappings.some((mapping) => mapping.value.meaning === 'owner' && mapping.rule !== 'dont_sync')) return undefined;
  const read = () => readOwnerDirectory(salesforce, hubspot);
  return cache ? cache.load(read) : read();
}

async function readOwnerDirectory(salesforce: SalesforceClient, hubspot: HubSpotClient): Promise<OwnerDirectory> {
  const users: Array<{ id: string; email: string | null; isActive: boolean }> = [];
  for await (const page of salesforce.queryPages('SELECT Id, Email, IsActive FROM User', 'User')) {
    users.push(...page.map((user) => ({ id: String(user.Id), email: typeof user.Email === 'string' ? user.Email : null, isActive: user.IsActive === true })));
  }
  return buildOwnerDirectory(await hubspot.owners(), users);
}
