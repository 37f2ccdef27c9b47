import { describe, expect, it } from 'vitest';
import { alignLeadStatus } from '../contacts/world.ts';
import { createInHubspot, createInSalesforce, fullCycle, hubspotRecords, objectWrites, salesforceRecords, saveSettings, useLinkedWorld, type LinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** A Salesforce Contact under an Account, synced to a HubSpot contact and company: what a Case points at. */
async function syncedContactAndAccount(target: LinkedWorld, email = 'ada@acme.example'): Promise<{ accountId: string; contactId: string; hubspotContactId: string; companyId: string }> {
  const accountId = await createInSalesforce(target, 'Account', { Name: 'Acme' });
  const contactId = await createInSalesforce(target, 'Contact', { LastName: 'Lovelace', Email: email, AccountId: accountId });
  await fullCycle(target);
  const hubspotContact = (await hubspotRecords(target, 'contacts')).find((record) => record.properties.email === email);
  const company = (await hubspotRecords(target, 'companies')).find((record) => record.properties.salesforceaccountid === accountId);
  if (!hubspotContact || !company) throw new Error('the contact and its account did not sync');
  return { accountId, contactId, hubspotContactId: hubspotContact.id, companyId: company.id };
}

async function openErrors(target: LinkedWorld, ids: { hubspotIds?: string[]; salesforceIds?: string[] }) {
  return target.store.syncErrors.openForRecords('tickets', { hubspotIds: ids.hubspotIds ?? [], salesforceIds: ids.salesforceIds ?? [] });
}

describe('tickets ⇄ Cases', () => {
  it('creates a ticket for a Case: status by stage label, priority by label, on the contact and company of the Case; a second cycle writes nothing', async () => {
    await saveSettings(world, { companies: { enabled: true }, tickets: { enabled: true } });
    const { accountId, contactId, hubspotContactId, companyId } = await syncedContactAndAccount(world);
    const caseId = await createInSalesforce(world, 'Case', { Subject: 'Printer on fire', Description: 'Smoke', Status: 'Closed', Priority: 'High', ContactId: contactId, AccountId: accountId });
    const summary = await fullCycle(world);
    expect(summary.objects.map((object) => object.object)).toEqual(['companies', 'tickets']);
    const [ticket] = await hubspotRecords(world, 'tickets');
    expect(ticket?.properties).toMatchObject({ subject: 'Printer on fire', content: 'Smoke', hs_pipeline: '0', hs_pipeline_stage: '4', hs_ticket_priority: 'HIGH', salesforcecaseid: caseId });
    expect((await world.hubspot.associationsOf('tickets', 'contacts', [ticket!.id])).get(ticket!.id)).toEqual([hubspotContactId]);
    expect((await world.hubspot.associationsOf('tickets', 'companies', [ticket!.id])).get(ticket!.id)).toEqual([companyId]);
    const second = await fullCycle(world);
    expect(objectWrites(second), JSON.stringify(second.objects)).toBe(0);
  });

  it('creates a Case for a HubSpot ticket with Status, Priority, ContactId and AccountId from its stage, priority and associations', async () => {
    await saveSettings(world, { companies: { enabled: true }, tickets: { enabled: true } });
    const { accountId, contactId, hubspotContactId, companyId } = await syncedContactAndAccount(world);
    const ticketId = await createInHubspot(world, 'tickets', { subject: 'Cannot log in', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'LOW' });
    await world.hubspot.associateDefault('tickets', 'contacts', [{ fromId: ticketId, toId: hubspotContactId }]);
    await world.hubspot.associateDefault('tickets', 'companies', [{ fromId: ticketId, toId: companyId }]);
    await fullCycle(world);
    const [created] = await salesforceRecords(world, 'Case');
    expect(created).toMatchObject({ Subject: 'Cannot log in', Status: 'New', Priority: 'Low', ContactId: contactId, AccountId: accountId });
    expect((await hubspotRecords(world, 'tickets'))[0]?.properties.salesforcecaseid).toBe(created?.Id);
    const second = await fullCycle(world);
    expect(objectWrites(second), JSON.stringify(second.objects)).toBe(0);
  });

  it('updates both ways: a Case status and priority reach the ticket, a ticket fills a blank Case field', async () => {
    await saveSettings(world, { tickets: { enabled: true } });
    const caseId = await createInSalesforce(world, 'Case', { Subject: 'Slow', Status: 'New', Priority: 'Medium' });
    await fullCycle(world);
    const [ticket] = await hubspotRecords(world, 'tickets');
    expect(ticket?.properties.hs_ticket_priority).toBe('MEDIUM');

    await world.salesforce.update('Case', [{ Id: caseId, Status: 'Closed', Priority: 'Low' }]);
    await fullCycle(world);
    expect((await hubspotRecords(world, 'tickets'))[0]?.properties).toMatchObject({ hs_pipeline_stage: '4', hs_ticket_priority: 'LOW' });

    // prefer_salesforce_unless_blank (HubSpot's default rule): HubSpot fills what the Case leaves blank.
    await world.hubspot.batchUpdate('tickets', [{ id: ticket!.id, properties: { content: 'Pages take a minute' } }]);
    await fullCycle(world);
    const [after] = await salesforceRecords(world, 'Case');
    expect(after).toMatchObject({ Description: 'Pages take a minute', Subject: 'Slow', Status: 'Closed', Priority: 'Low' });
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a value with no counterpart is a property_value error naming it, and the rest of the record syncs', async () => {
    await saveSettings(world, { tickets: { enabled: true } });
    // "Waiting on contact" is a ticket stage no Case status matches; URGENT is a priority Case does not have.
    const waiting = await createInHubspot(world, 'tickets', { subject: 'Waiting', hs_pipeline: '0', hs_pipeline_stage: '2', hs_ticket_priority: 'LOW' });
    const urgent = await createInHubspot(world, 'tickets', { subject: 'Urgent', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'URGENT' });
    await fullCycle(world);
    const [stage] = await openErrors(world, { hubspotIds: [waiting] });
    expect(stage).toMatchObject({ category: 'property_value', field: 'hs_pipeline_stage' });
    expect(stage?.message).toContain('"2" (Waiting on contact) has no counterpart');
    const [priority] = await openErrors(world, { hubspotIds: [urgent] });
    expect(priority).toMatchObject({ category: 'property_value', field: 'hs_ticket_priority' });
    expect(priority?.message).toContain('"URGENT" has no counterpart');
    // Each Case is created with what does translate; the refused value is left for Salesforce's default.
    const cases = await salesforceRecords(world, 'Case');
    expect(cases.map((record) => [record.Subject, record.Status, record.Priority]).sort()).toEqual([
      ['Urgent', 'New', 'Medium'],
      ['Waiting', 'New', 'Low'],
    ]);

    // A Case status HubSpot's pipeline lacks is refused the other way too.
    const caseId = await createInSalesforce(world, 'Case', { Subject: 'Being handled', Status: 'Working', Priority: 'Low' });
    await fullCycle(world);
    const refused = await openErrors(world, { salesforceIds: [caseId] });
    expect(refused.map((error) => [error.category, error.field])).toContainEqual(['property_value', 'hs_pipeline_stage']);
    expect(refused.map((error) => error.message).join('\n')).toContain('"Working" has no counterpart');
  });

  it('a deleted Case deletes its ticket when tickets.onSalesforceDelete is delete, and only unlinks under do_nothing', async () => {
    await saveSettings(world, { tickets: { enabled: true, onSalesforceDelete: 'delete' } });
    const goes = await createInSalesforce(world, 'Case', { Subject: 'Goes', Status: 'New' });
    await fullCycle(world);
    expect(await hubspotRecords(world, 'tickets')).toHaveLength(1);
    await world.salesforce.delete('Case', [goes]);
    await fullCycle(world);
    expect(await hubspotRecords(world, 'tickets')).toEqual([]);

    await saveSettings(world, { tickets: { enabled: true, onSalesforceDelete: 'do_nothing' } });
    const stays = await createInSalesforce(world, 'Case', { Subject: 'Stays', Status: 'New' });
    await fullCycle(world);
    await world.salesforce.delete('Case', [stays]);
    await fullCycle(world);
    expect((await hubspotRecords(world, 'tickets')).map((ticket) => ticket.properties.subject)).toEqual(['Stays']);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });

  it('a ticket whose contact is synced as a Lead creates its Case without a contact, skipped with the reason, not waiting', async () => {
    await alignLeadStatus(world);
    await saveSettings(world, { tickets: { enabled: true } });
    await createInSalesforce(world, 'Lead', { LastName: 'Prospect', Company: 'Somewhere', Email: 'lee@somewhere.example' });
    await fullCycle(world);
    const leadContact = (await hubspotRecords(world, 'contacts'))[0]!.id;
    const ticketId = await createInHubspot(world, 'tickets', { subject: 'From a lead', hs_pipeline: '0', hs_pipeline_stage: '1' });
    await world.hubspot.associateDefault('tickets', 'contacts', [{ fromId: ticketId, toId: leadContact }]);
    const summary = await fullCycle(world);
    expect((await salesforceRecords(world, 'Case')).map((record) => [record.Subject, record.ContactId ?? null])).toEqual([['From a lead', null]]);
    expect(summary.objects.find((object) => object.object === 'tickets')?.waitingForParent).toBe(0);
    expect(await openErrors(world, { hubspotIds: [ticketId] })).toEqual([]);
    // The HubSpot association stays as the user made it.
    expect((await world.hubspot.associationsOf('tickets', 'contacts', [ticketId])).get(ticketId)).toEqual([leadContact]);
    expect(objectWrites(await fullCycle(world))).toBe(0);
  });
});
