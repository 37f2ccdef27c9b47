/**
 * What moves a contact's lifecycle stage (SPEC section 5): its OpportunityContactRoles and the state of their
 * opportunities. A role added after the close, or an opportunity closing, changes neither the Contact nor the
 * HubSpot contact, so both objects are polled on their own checkpoints, and every linked Contact they touch is
 * read with all its roles: the planner moves stages forward only, so reading a contact again is harmless.
 */
import type { OpportunityRole } from '../../core/rules/lifecycle.ts';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { PollCursor } from '../detect/cursor.ts';
import { pollSalesforceChanges } from '../detect/salesforce-poll.ts';
import type { CheckpointAdvance } from './gather.ts';
import { soqlInLists } from './records.ts';

export interface OpportunityRoleChanges {
  /** Every role of each Contact a changed role or opportunity touches. */
  rolesByContact: Map<string, OpportunityRole[]>;
  checkpoints: CheckpointAdvance[];
}

export async function gatherOpportunityRoles(
  client: SalesforceClient,
  checkpoints: { roles: PollCursor | null; opportunities: PollCursor | null },
  overlapMs: number,
): Promise<OpportunityRoleChanges> {
  const advances: CheckpointAdvance[] = [];
  const touchedContacts = new Set<string>();
  let lastRoles: PollCursor | undefined;
  for await (const batch of pollSalesforceChanges(client, { object: 'OpportunityContactRole', fields: ['ContactId'], checkpoint: checkpoints.roles, overlapMs })) {
    for (const role of batch.records) if (typeof role.ContactId === 'string') touchedContacts.add(role.ContactId);
    lastRoles = batch.checkpoint;
  }
  if (lastRoles) advances.push({ system: 'salesforce', object: 'OpportunityContactRole', cursor: lastRoles });

  const changedOpportunities: string[] = [];
  let lastOpportunities: PollCursor | undefined;
  for await (const batch of pollSalesforceChanges(client, { object: 'Opportunity', fields: [], checkpoint: checkpoints.opportunities, overlapMs })) {
    changedOpportunities.push(...batch.records.map((record) => String(record.Id)));
    lastOpportunities = batch.checkpoint;
  }
  if (lastOpportunities) advances.push({ system: 'salesforce', object: 'Opportunity', cursor: lastOpportunities });
  for (const role of await queryByIds(client, 'OpportunityContactRole', ['ContactId'], 'OpportunityId', changedOpportunities)) {
    if (typeof role.ContactId === 'string') touchedContacts.add(role.ContactId);
  }

  const roles = await queryByIds(client, 'OpportunityContactRole', ['ContactId', 'OpportunityId'], 'ContactId', [...touchedContacts]);
  const opportunityIds = [...new Set(roles.map((role) => String(role.OpportunityId)))];
  const opportunities = new Map((await queryByIds(client, 'Opportunity', ['IsClosed', 'IsWon'], 'Id', opportunityIds)).map((record) => [String(record.Id), record]));
  const rolesByContact = new Map<string, OpportunityRole[]>();
  for (const role of roles) {
    const opportunity = opportunities.get(String(role.OpportunityId));
    if (!opportunity) continue;
    const contactId = String(role.ContactId);
    rolesByContact.set(contactId, [
      ...(rolesByContact.get(contactId) ?? []),
      { opportunityId: String(role.OpportunityId), isClosed: opportunity.IsClosed === true, isWon: opportunity.IsWon === true },
    ]);
  }
  return { rolesByContact, checkpoints: advances };
}

async function queryByIds(client: SalesforceClient, object: string, fields: readonly string[], key: string, ids: readonly string[]): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  // Salesforce ids are [A-Za-z0-9]: nothing else is let into the query.
  for (const list of soqlInLists(ids.filter((id) => /^[A-Za-z0-9]{15,18}$/.test(id)))) {
    const soql = `SELECT Id, ${fields.join(', ')} FROM ${object} WHERE ${key} IN (${list})`;
    for await (const page of client.queryPages(soql, object)) rows.push(...page);
  }
  return rows;
}
