/**
 * Who a contact is on the other side (SPEC sections 3 and 5): email matching, which of several Salesforce
 * records with one email to link, and whether a new HubSpot contact becomes a Lead or a Contact.
 *
 * Contract:
 * - `normaliseEmail(raw)` → the match key (trimmed, lower-cased) or null for no email. A person with no email
 *   never syncs.
 * - `chooseSalesforceMatch(candidates, occasion)` → the record to link: on a contact's first sync the OLDEST by
 *   CreatedDate (what HubSpot's search returns first), on a later sync (the contact was linked before) the most
 *   recently modified. Ties break on the id so the choice never depends on input order.
 * - `routeNewHubspotContact(setting, account)` → the Salesforce object to create and its AccountId.
 * (https://knowledge.hubspot.com/salesforce/manage-your-salesforce-integration-settings)
 */
import type { ContactsSettings } from '../settings.ts';

export type SalesforcePersonObject = 'Lead' | 'Contact';

export function normaliseEmail(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const email = raw.trim().toLowerCase();
  return email === '' ? null : email;
}

export interface SalesforceMatchCandidate {
  object: SalesforcePersonObject;
  id: string;
  /** Epoch ms of CreatedDate and LastModifiedDate. */
  createdAt: number;
  modifiedAt: number;
}

export type MatchOccasion = 'first_sync' | 'later_sync';

export function chooseSalesforceMatch<T extends SalesforceMatchCandidate>(candidates: readonly T[], occasion: MatchOccasion): T | undefined {
  let best: T | undefined;
  for (const candidate of candidates) {
    if (!best) best = candidate;
    else if (occasion === 'first_sync' ? isOlder(candidate, best) : isMoreRecentlyModified(candidate, best)) best = candidate;
  }
  return best;
}

function isOlder(a: SalesforceMatchCandidate, b: SalesforceMatchCandidate): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
}

function isMoreRecentlyModified(a: SalesforceMatchCandidate, b: SalesforceMatchCandidate): boolean {
  return a.modifiedAt !== b.modifiedAt ? a.modifiedAt > b.modifiedAt : a.id < b.id;
}

export interface NewSalesforcePersonRoute {
  object: SalesforcePersonObject;
  /** The Account the new Contact belongs to; absent for a Lead or a Contact without a linked company. */
  accountId?: string;
}

/**
 * `auto` is crmsync's answer to the one-creation-target complaint: a person whose company is already an
 * Account becomes a Contact on it, anyone else a Lead. `contact` with no linked Account makes a private
 * Contact (no AccountId), which Salesforce allows.
 */
export function routeNewHubspotContact(hubspotCreatesIn: ContactsSettings['hubspotCreatesIn'], linkedAccountId: string | null | undefined): NewSalesforcePersonRoute {
  if (hubspotCreatesIn === 'lead') return { object: 'Lead' };
  if (linkedAccountId) return { object: 'Contact', accountId: linkedAccountId };
  return hubspotCreatesIn === 'contact' ? { object: 'Contact' } : { object: 'Lead' };
}
