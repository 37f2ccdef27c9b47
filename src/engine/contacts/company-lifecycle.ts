/**
 * `contacts.syncCompanyLifecycle` (SPEC section 5): when a contact's opportunity roles move it to opportunity or
 * customer, the other HubSpot contacts of its company follow, never backwards (src/core/rules/lifecycle.ts). The
 * planner needs each such contact's company and the company's other contacts with their stages; they are read
 * only when roles changed this cycle: three batched HubSpot reads, no Salesforce call.
 */
import type { ContactSyncInput } from '../../core/plan.ts';
import { lifecycleTargetFromRoles } from '../../core/rules/lifecycle.ts';
import type { HubSpotClient } from '../../connectors/hubspot/client.ts';
import { HUBSPOT_CONTACTS } from './records.ts';

export async function companyLifecycleContext(hubspot: HubSpotClient, input: ContactSyncInput): Promise<ContactSyncInput['lifecycleContext'] | undefined> {
  const { contacts } = input.settings;
  if (!contacts.syncCompanyLifecycle || contacts.onOpportunityStage !== 'update_lifecycle_stage') return undefined;
  const movedContacts = new Set(
    input.salesforceChanges.filter((record) => record.object === 'Contact' && !record.deleted && lifecycleTargetFromRoles(record.opportunityRoles ?? []) !== undefined).map((record) => record.id),
  );
  const candidates = input.links.filter((link) => link.salesforceObject === 'Contact' && movedContacts.has(link.salesforceId)).map((link) => link.hubspotId);
  if (candidates.length === 0) return undefined;

  const companyByContact = new Map<string, string>();
  for (const [contactId, companyIds] of await hubspot.associationsOf(HUBSPOT_CONTACTS, 'companies', candidates)) {
    if (companyIds[0] !== undefined) companyByContact.set(contactId, companyIds[0]);
  }
  const companyIds = [...new Set(companyByContact.values())];
  if (companyIds.length === 0) return undefined;
  const membersByCompany = await hubspot.associationsOf('companies', HUBSPOT_CONTACTS, companyIds);
  const everyone = [...new Set([...candidates, ...[...membersByCompany.values()].flat()])];
  const stages = new Map((await hubspot.batchRead(HUBSPOT_CONTACTS, everyone, ['lifecyclestage'])).results.filter((record) => !record.archived).map((record) => [record.id, record.properties.lifecyclestage ?? null]));

  return {
    contacts: new Map(candidates.map((id) => [id, { stage: stages.get(id) ?? null, companyId: companyByContact.get(id) ?? null }])),
    companyMembers: new Map(
      [...membersByCompany].map(([companyId, memberIds]) => [companyId, memberIds.filter((id) => stages.has(id)).map((hubspotId) => ({ hubspotId, stage: stages.get(hubspotId) ?? null }))]),
    ),
  };
}
