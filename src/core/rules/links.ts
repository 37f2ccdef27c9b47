/**
 * What happens to an ID link when its Salesforce record converts, merges or is deleted, or its HubSpot contact is
 * merged (SPEC section 5: "Lead conversion", "Merges", "Deletes"). Re-pointing the link instead of creating a
 * new pair is what keeps HubSpot's own integration's duplicates away.
 *
 * Contract (pure, one link at a time; the plan gathers the facts and applies the changes):
 * - `linkChangeForSalesforceFate(link, fate, facts, settings)`:
 *   - a converted Lead → `move` the link to its ConvertedContactId, and when the contact's HubSpot company is
 *     not yet linked to an Account, `linkCompany` to ConvertedAccountId (so company sync finds it linked and
 *     creates no second company). A company already linked to another Account is left as it is, with a note.
 *   - merged into a master (MasterRecordId) → `move` to the master. When the master is already linked to another
 *     HubSpot contact, both contacts are one person now: `merge_hubspot_contacts` merges the loser's contact into
 *     the master's (HubSpot's merge endpoint, the master's contact as primary) and drops the loser's link. Never a
 *     delete, whatever `contacts.onSalesforceDelete` says: a merge is not a deletion of the person. (HubSpot's own
 *     integration treats the loser as deleted and deletes or orphans its contact, losing that contact's timeline;
 *     merging keeps both timelines and does in HubSpot what the Salesforce admin decided.)
 *   - deleted → per `contacts.onSalesforceDelete`: delete the HubSpot contact, or only drop the link. Applies
 *     inside or outside the inclusion list, so no contact keeps a dead link. The contact keeps the deleted
 *     record's id in `salesforceleadid`/`salesforcecontactid`: it is the memory that its partner is gone (below),
 *     and clearing it would be a write that brings the contact back into the next poll.
 * - `linkChangeForHubspotMerge(loserLink, winnerLink)`: the winner keeps its own link when it has one (the
 *   loser's Salesforce record is then unlinked, not deleted); otherwise the loser's link moves to the winner.
 * - A HubSpot delete only drops the link (`hubspotDeleteOutcome` in scope.ts).
 * - `afterPartnerDeleted(changedAt, deletedAt)`: a record whose partner on the other side was deleted is sent
 *   there again (created anew) only once it changed after that deletion. Without this the overlap window re-reads
 *   the record, finds it unlinked, and creates the person the other side just deleted: a delete would never stick.
 *   A change made after the deletion is a person someone still works with, and HubSpot's own integration also
 *   recreates a record that is edited after its partner was deleted.
 * Every change carries the HubSpot properties that record the Salesforce ids (`salesforceleadid`,
 * `salesforcecontactid`, `salesforceaccountid`) as they must read afterwards; HubSpot keeps the lead id after a
 * conversion, so a person's history stays findable.
 */
import type { ContactsSettings } from '../settings.ts';
import type { SalesforcePersonObject } from './contact-identity.ts';
import { salesforceDeleteOutcome } from './scope.ts';

export interface ContactLink {
  hubspotId: string;
  salesforceObject: SalesforcePersonObject;
  salesforceId: string;
}

export type SalesforcePersonFate =
  | { kind: 'converted'; convertedContactId: string; convertedAccountId: string | null }
  | { kind: 'merged'; masterId: string; masterObject: SalesforcePersonObject }
  | { kind: 'deleted' };

export interface LinkFacts {
  /** The HubSpot contact already linked to the record the link would move to, if any. */
  hubspotIdLinkedToTarget?: string | null;
  /** The HubSpot contact's primary company and the Account it is linked to (null: not linked). */
  hubspotCompany?: { companyId: string; linkedAccountId: string | null } | null;
  /**
   * Whether the HubSpot contact takes Salesforce's updates (false outside the inclusion list), and whether the
   * record the link would move to is known to be another person (another email than the contact's). A link moved
   * onto another person's record must be followed by the contact, or that person never reaches HubSpot as itself.
   */
  hubspotContactTakesUpdates?: boolean;
  targetIsAnotherPerson?: boolean;
}

export type HubspotIdProperties = Partial<Record<'salesforceleadid' | 'salesforcecontactid' | 'salesforceaccountid', string | null>>;

export type LinkChange =
  | {
      change: 'move';
      hubspotId: string;
      from: { salesforceObject: SalesforcePersonObject; salesforceId: string };
      to: { salesforceObject: SalesforcePersonObject; salesforceId: string };
      because: 'lead_converted' | 'merged_in_salesforce' | 'merged_in_hubspot';
      hubspotProperties: HubspotIdProperties;
      /** For a HubSpot merge: the contact id the link moves from (the merged-away one). */
      fromHubspotId?: string;
      linkCompany?: { hubspotCompanyId: string; salesforceAccountId: string };
      note?: string;
    }
  | {
      change: 'unlink';
      hubspotId: string;
      salesforceObject: SalesforcePersonObject;
      salesforceId: string;
      because: string;
      hubspotProperties: HubspotIdProperties;
      /**
       * The Salesforce record went (deleted, merged or converted away): the contact is held until it changes after
       * this, so it is not sent back as a new person. Remembered with the unlink, since the id properties that also
       * say so may never have reached the contact (a run killed between two writes).
       */
      partnerGone?: true;
      /** When it went, as Salesforce stamped it (the end of that second), where the planner knows. */
      partnerGoneAt?: number;
    }
  | { change: 'delete_hubspot_contact'; hubspotId: string; salesforceObject: SalesforcePersonObject; salesforceId: string; because: string }
  | {
      change: 'merge_hubspot_contacts';
      /** The merged-away Salesforce record's contact: merged into `intoHubspotId`, its link dropped. */
      hubspotId: string;
      salesforceObject: SalesforcePersonObject;
      salesforceId: string;
      /** The master's contact, HubSpot's primary: its values stay current, its link stays (on the id HubSpot answers). */
      intoHubspotId: string;
      master: { salesforceObject: SalesforcePersonObject; salesforceId: string };
      because: string;
    };

const idProperty = (object: SalesforcePersonObject): 'salesforceleadid' | 'salesforcecontactid' => (object === 'Lead' ? 'salesforceleadid' : 'salesforcecontactid');

export function linkChangeForSalesforceFate(
  link: ContactLink,
  fate: SalesforcePersonFate,
  facts: LinkFacts,
  settings: Pick<ContactsSettings, 'onSalesforceDelete'>,
): LinkChange {
  const from = { salesforceObject: link.salesforceObject, salesforceId: link.salesforceId };
  if (fate.kind === 'deleted') {
    const outcome = salesforceDeleteOutcome(settings);
    if (outcome.action === 'delete_hubspot_contact_and_unlink') {
      return { change: 'delete_hubspot_contact', hubspotId: link.hubspotId, ...from, because: 'the Salesforce record was deleted and contacts.onSalesforceDelete is delete_contact' };
    }
    return { change: 'unlink', hubspotId: link.hubspotId, ...from, because: outcome.reason, hubspotProperties: {}, partnerGone: true };
  }

  const to =
    fate.kind === 'converted' ? { salesforceObject: 'Contact' as const, salesforceId: fate.convertedContactId } : { salesforceObject: fate.masterObject, salesforceId: fate.masterId };
  const takenBy = facts.hubspotIdLinkedToTarget;
  if (takenBy && takenBy !== link.hubspotId && fate.kind === 'merged') {
    return {
      change: 'merge_hubspot_contacts',
      hubspotId: link.hubspotId,
      ...from,
      intoHubspotId: takenBy,
      master: to,
      because: `Salesforce ${from.salesforceObject} ${from.salesforceId} was merged into ${to.salesforceObject} ${to.salesforceId}, which is linked to HubSpot contact ${takenBy}: the two contacts are one person`,
    };
  }
  if (takenBy && takenBy !== link.hubspotId) {
    return {
      change: 'unlink',
      hubspotId: link.hubspotId,
      ...from,
      because: `Salesforce ${from.salesforceObject} ${from.salesforceId} ${fate.kind === 'converted' ? 'was converted into' : 'was merged into'} ${to.salesforceObject} ${to.salesforceId}, which is already linked to HubSpot contact ${takenBy}`,
      hubspotProperties: { [idProperty(from.salesforceObject)]: null },
      partnerGone: true,
    };
  }

  if (facts.hubspotContactTakesUpdates === false && facts.targetIsAnotherPerson === true) {
    // Moved, the link would tie another person's record (a merge's master; a converted lead's Contact that was
    // itself merged into someone else's) to a contact that never takes its values (outside the inclusion list), and
    // that person would never reach HubSpot as itself. Unlinked, the record syncs as the one it is, and the contact
    // stays, holding the old id (so it is not sent back to Salesforce).
    return {
      change: 'unlink',
      hubspotId: link.hubspotId,
      ...from,
      because: `Salesforce ${from.salesforceObject} ${from.salesforceId} ${fate.kind === 'converted' ? 'was converted into' : 'was merged into'} ${to.salesforceObject} ${to.salesforceId}, another person's record; HubSpot contact ${link.hubspotId} is outside the inclusion list, so that record syncs on its own`,
      hubspotProperties: {},
      partnerGone: true,
    };
  }
  if (fate.kind === 'merged') {
    const hubspotProperties: HubspotIdProperties = { [idProperty(to.salesforceObject)]: to.salesforceId };
    if (from.salesforceObject !== to.salesforceObject) hubspotProperties[idProperty(from.salesforceObject)] = null;
    return { change: 'move', hubspotId: link.hubspotId, from, to, because: 'merged_in_salesforce', hubspotProperties };
  }

  // Lead conversion: the lead id stays on the HubSpot contact as history, the contact id is added.
  const moved: Extract<LinkChange, { change: 'move' }> = {
    change: 'move',
    hubspotId: link.hubspotId,
    from,
    to,
    because: 'lead_converted',
    hubspotProperties: { salesforcecontactid: to.salesforceId },
  };
  const account = fate.convertedAccountId;
  const company = facts.hubspotCompany;
  if (account !== null) {
    moved.hubspotProperties.salesforceaccountid = account;
    if (company && company.linkedAccountId === null) moved.linkCompany = { hubspotCompanyId: company.companyId, salesforceAccountId: account };
    else if (company && company.linkedAccountId !== account) {
      moved.note = `HubSpot company ${company.companyId} stays linked to Account ${company.linkedAccountId}; the lead was converted into Account ${account}`;
    }
  }
  return moved;
}

export function linkChangeForHubspotMerge(loser: ContactLink, winner: { hubspotId: string; link: ContactLink | null }): LinkChange {
  if (winner.link) {
    return {
      change: 'unlink',
      hubspotId: loser.hubspotId,
      salesforceObject: loser.salesforceObject,
      salesforceId: loser.salesforceId,
      because: `HubSpot contact ${loser.hubspotId} was merged into ${winner.hubspotId}, which keeps its own link to ${winner.link.salesforceObject} ${winner.link.salesforceId}`,
      hubspotProperties: {},
    };
  }
  const at = { salesforceObject: loser.salesforceObject, salesforceId: loser.salesforceId };
  return {
    change: 'move',
    hubspotId: winner.hubspotId,
    fromHubspotId: loser.hubspotId,
    from: at,
    to: at,
    because: 'merged_in_hubspot',
    hubspotProperties: { [idProperty(loser.salesforceObject)]: loser.salesforceId },
  };
}

export type AfterPartnerDeleted = 'send_again' | 'hold';

/** `changedAt`: the record's latest change to a synced value; `deletedAt`: when its partner was deleted. */
export function afterPartnerDeleted(changedAt: number, deletedAt: number): AfterPartnerDeleted {
  return changedAt > deletedAt ? 'send_again' : 'hold';
}
