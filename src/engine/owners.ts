import type { OwnerDirectory } from '../core/mapping/convert.ts';
import type { TypedFieldMapping } from '../core/mapping/model.ts';
import { buildOwnerDirectory } from '../core/mapping/owners.ts';
import type { HubSpotClient } from '../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../connectors/salesforce/client.ts';

/** Owners map by email (SPEC section 3): two calls a cycle, spent only while an owner mapping syncs. */
export async function ownerDirectoryFor(mappings: readonly TypedFieldMapping[], salesforce: SalesforceClient, hubspot: HubSpotClient): Promise<OwnerDirectory | undefined> {
  if (!mappings.some((mapping) => mapping.value.meaning === 'owner' && mapping.rule !== 'dont_sync')) return undefined;
  const users: Array<{ id: string; email: string | null; isActive: boolean }> = [];
  for await (const page of salesforce.queryPages('SELECT Id, Email, IsActive FROM User', 'User')) {
    users.push(...page.map((user) => ({ id: String(user.Id), email: typeof user.Email === 'string' ? user.Email : null, isActive: user.IsActive === true })));
  }
  return buildOwnerDirectory(await hubspot.owners(), users);
}
