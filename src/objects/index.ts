/** Every synced pair, by name: the engine iterates this instead of knowing objects one by one. */
import { companiesDescription } from './companies.ts';
import { contactsDescription } from './contacts.ts';
import { dealsDescription } from './deals.ts';
import type { SyncObjectDescription, SyncObjectName } from './description.ts';
import { ticketsDescription } from './tickets.ts';

export const syncObjectDescriptions: Readonly<Record<SyncObjectName, SyncObjectDescription>> = {
  contacts: contactsDescription,
  companies: companiesDescription,
  deals: dealsDescription,
  tickets: ticketsDescription,
};

export type { SyncObjectDescription, SyncObjectName } from './description.ts';
