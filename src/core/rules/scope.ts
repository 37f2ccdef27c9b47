/**
 * What may travel for one contact at all, before any field is looked at (SPEC section 5): the inclusion list,
 * the "what happens in HubSpot" setting, and deletes.
 *
 * Contract:
 * - `contactSyncScope(settings, { inInclusionList, linked })` → which directions are open for the contact.
 *   With a list set, only members sync HubSpot → Salesforce, and non-members get no further updates either
 *   way; but a new Salesforce lead/contact still creates or deduplicates its HubSpot contact outside the list
 *   (https://knowledge.hubspot.com/salesforce/create-a-salesforce-inclusion-list).
 * - `salesforceDeleteOutcome(settings)` and `hubspotDeleteOutcome()`: a Salesforce delete deletes the HubSpot
 *   contact only when the setting says so (members or not: no orphans); a HubSpot delete never deletes in
 *   Salesforce. Either way the link goes, so nothing keeps writing to a record that is gone.
 */
import type { ContactsSettings } from '../settings.ts';

export interface ContactSyncScope {
  hubspotToSalesforce: boolean;
  /** `create_or_link_only`: a new Salesforce person may create or link its HubSpot contact; no updates. */
  salesforceToHubspot: 'all' | 'create_or_link_only' | 'none';
  /** Why a direction is closed, for the skip reason. */
  reason?: string;
}

export function contactSyncScope(
  settings: Pick<ContactsSettings, 'inclusionListId' | 'onSalesforceUpsert'>,
  contact: { inInclusionList: boolean; linked: boolean },
): ContactSyncScope {
  const salesforceWrites = settings.onSalesforceUpsert !== 'do_nothing';
  if (settings.inclusionListId === null || contact.inInclusionList) {
    return salesforceWrites ? { hubspotToSalesforce: true, salesforceToHubspot: 'all' } : { hubspotToSalesforce: true, salesforceToHubspot: 'none', reason: 'contacts.onSalesforceUpsert is do_nothing' };
  }
  const reason = `not in inclusion list ${settings.inclusionListId}`;
  return { hubspotToSalesforce: false, salesforceToHubspot: salesforceWrites && !contact.linked ? 'create_or_link_only' : 'none', reason };
}

export type DeleteOutcome = { action: 'delete_hubspot_contact_and_unlink' } | { action: 'unlink'; reason: string };

export function salesforceDeleteOutcome(settings: Pick<ContactsSettings, 'onSalesforceDelete'>): DeleteOutcome {
  return settings.onSalesforceDelete === 'delete_contact'
    ? { action: 'delete_hubspot_contact_and_unlink' }
    : { action: 'unlink', reason: 'the Salesforce record was deleted; contacts.onSalesforceDelete is do_nothing, so the HubSpot contact stays' };
}

export function hubspotDeleteOutcome(): DeleteOutcome {
  return { action: 'unlink', reason: 'the HubSpot contact was deleted; a HubSpot delete never deletes in Salesforce' };
}
