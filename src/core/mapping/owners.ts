/**
 * The owner directory (SPEC section 3: "owners map by email; a HubSpot owner reaches Salesforce only when an
 * active user has the same email"), built from both user lists.
 *
 * Contract: `buildOwnerDirectory(hubspotOwners, salesforceUsers)` → the two id maps `convert.ts` translates
 * owner values with, plus what could not be matched (for the Sync Health page). Emails match trimmed and
 * case-insensitive. Inactive Salesforce users and archived HubSpot owners are never write targets: Salesforce
 * refuses an inactive owner (INACTIVE_OWNER_OR_USER), and an archived HubSpot owner cannot be assigned.
 * Two active users sharing an email are ambiguous and match nobody, rather than whichever came first.
 */
import type { OwnerDirectory } from './convert.ts';

export interface HubspotOwner {
  id: string;
  email: string | null;
  archived?: boolean;
}

export interface SalesforceUser {
  id: string;
  email: string | null;
  isActive: boolean;
}

export interface OwnerDirectoryReport extends OwnerDirectory {
  /** HubSpot owners with no active Salesforce user of the same email. */
  unmatchedHubspotOwnerIds: string[];
  /** Emails held by more than one active user on one side: matched to nobody. */
  ambiguousEmails: string[];
}

export function buildOwnerDirectory(hubspotOwners: readonly HubspotOwner[], salesforceUsers: readonly SalesforceUser[]): OwnerDirectoryReport {
  const ambiguous = new Set<string>();
  const byEmail = <T extends { email: string | null }>(people: readonly T[]): Map<string, T> => {
    const found = new Map<string, T>();
    for (const person of people) {
      const email = person.email?.trim().toLowerCase();
      if (!email) continue;
      if (found.has(email)) ambiguous.add(email);
      else found.set(email, person);
    }
    return found;
  };
  const owners = byEmail(hubspotOwners.filter((owner) => !owner.archived));
  const users = byEmail(salesforceUsers.filter((user) => user.isActive));

  const salesforceUserIdByHubspotOwnerId = new Map<string, string>();
  const hubspotOwnerIdBySalesforceUserId = new Map<string, string>();
  const unmatchedHubspotOwnerIds: string[] = [];
  for (const [email, owner] of owners) {
    const user = users.get(email);
    if (!user || ambiguous.has(email)) {
      unmatchedHubspotOwnerIds.push(owner.id);
      continue;
    }
    salesforceUserIdByHubspotOwnerId.set(owner.id, user.id);
    hubspotOwnerIdBySalesforceUserId.set(user.id, owner.id);
  }
  return { salesforceUserIdByHubspotOwnerId, hubspotOwnerIdBySalesforceUserId, unmatchedHubspotOwnerIds, ambiguousEmails: [...ambiguous].sort() };
}
