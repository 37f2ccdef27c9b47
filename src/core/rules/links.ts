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
 *   - merged into a master (MasterRecordId) → `move` to the master, unless the master is already linked to
 *     another HubSpot contact: then this link goes (`unlink`), since a Salesforce record has one HubSpot contact.
 *   - deleted → per `contacts.onSalesforceDelete`: delete the HubSpot contact, or only drop the link. Applies
 *     inside or outside the inclusion list, so no contact keeps a dead link.
 * - `linkChangeForHubspotMerge(loserLink, winnerLink)`: the winner keeps its own link when it has one (the
 *   loser's Salesforce record is then unlinked, not deleted); otherwise the loser's link moves to the winner.
 * - A HubSpot delete only drops the link (`hubspotDeleteOutcome` in scope.ts).
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
  | { change: 'unlink'; hubspotId: string; salesforceObject: SalesforcePersonObject; salesforceId: string; because: string; hubspotProperties: HubspotIdProperties }
  | { change: 'delete_hubspot_contact'; hubspotId: string; salesforceObject: SalesforcePersonObject; salesforceId: string; because: string };

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
    return { change: 'unlink', hubspotId: link.hubspotId, ...from, because: outcome.reason, hubspotProperties: { [idProperty(link.salesforceObject)]: null } };
  }

  const to =
    fate.kind === 'converted' ? { salesforceObject: 'Contact' as const, salesforceId: fate.convertedContactId } : { salesforceObject: fate.masterObject, salesforceId: fate.masterId };
  const takenBy = facts.hubspotIdLinkedToTarget;
  if (takenBy && takenBy !== link.hubspotId) {
    return {
      change: 'unlink',
      hubspotId: link.hubspotId,
      ...from,
      because: `Salesforce ${from.salesforceObject} ${from.salesforceId} ${fate.kind === 'converted' ? 'was converted into' : 'was merged into'} ${to.salesforceObject} ${to.salesforceId}, which is already linked to HubSpot contact ${takenBy}`,
      hubspotProperties: { [idProperty(from.salesforceObject)]: null },
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
