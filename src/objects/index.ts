/** Every synced pair, by name: the engine iterates this instead of knowing objects one by one. */
import { companiesDescription } from './companies.ts';
import { contactsDescription } from './contacts.ts';
import { dealsDescription } from './deals.ts';
import type { SyncObjectDescription, SyncObjectName } from './description.ts';
import type { LinkedObjectDescription } from './linked-description.ts';
import { ticketsDescription } from './tickets.ts';

export const syncObjectDescriptions: Readonly<Record<SyncObjectName, SyncObjectDescription>> = {
  contacts: contactsDescription,
  companies: companiesDescription,
  deals: dealsDescription,
  tickets: ticketsDescription,
};

/**
 * The pairs the link-matched path syncs, parents before children: an Opportunity needs its Account's link, so
 * companies run before deals and tickets in a cycle.
 */
export const linkedObjectDescriptions: readonly LinkedObjectDescription[] = [companiesDescription, dealsDescription, ticketsDescription];

export type { SyncObjectDescription, SyncObjectName } from './description.ts';
export type { LinkedObjectDescription } from './linked-description.ts';
