/**
 * Creates a killed run sent to Salesforce but never recorded (src/engine/linked/apply.ts, `createdBefore`): the
 * real engine against both emulators. Each test makes by hand what such a run leaves: the record in Salesforce, a
 * pending intent, no link.
 */
import { describe, expect, it } from 'vitest';
import { engineNow } from '../contacts/world.ts';
import { createInHubspot, createInSalesforce, fullCycle, hubspotRecords, salesforceRecords, saveSettings, useLinkedWorld } from './world.ts';

const world = useLinkedWorld();

/** The intent a run records before it sends the create of `object` made from HubSpot record `hubspotId`. */
async function pendingIntent(pair: string, hubspotId: string, object: string, payload: Record<string, unknown>): Promise<void> {
  await world.store.writeIntents.recordMany(
    [{ idempotencyKey: `${pair}:hubspot:${hubspotId}`, system: 'salesforce', object, operation: 'create', recordId: null, linkId: null, payload }],
    new Date(engineNow(world).getTime() - 1_000),
  );
}

describe('a Salesforce create a killed run sent but never recorded', () => {
  it('a Case made for a ticket is found and linked, not made twice', async () => {
    await saveSettings(world, { tickets: { enabled: true } });
    const ticketId = await createInHubspot(world, 'tickets', { subject: 'Cannot log in', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'LOW' });
    const fields = { Subject: 'Cannot log in', Status: 'New', Priority: 'Low' };
    await pendingIntent('tickets', ticketId, 'Case', fields);
    const caseId = await createInSalesforce(world, 'Case', fields);

    await fullCycle(world);
    expect((await salesforceRecords(world, 'Case')).map((record) => record.Id)).toEqual([caseId]);
    expect((await hubspotRecords(world, 'tickets')).map((record) => record.properties.salesforcecaseid)).toEqual([caseId]);
    expect(await world.store.writeIntents.listPending(10)).toEqual([]);
  });

  it('an Opportunity made for a deal is found and linked, not made twice', async () => {
    await saveSettings(world, { deals: { enabled: true } });
    const dealId = await createInHubspot(world, 'deals', dealProperties);
    await pendingIntent('deals', dealId, 'Opportunity', opportunityFields);
    const opportunityId = await createInSalesforce(world, 'Opportunity', opportunityFields);

    await fullCycle(world);
    expect((await salesforceRecords(world, 'Opportunity')).map((record) => record.Id)).toEqual([opportunityId]);
    expect((await hubspotRecords(world, 'deals')).map((record) => record.properties.salesforceopportunityid)).toEqual([opportunityId]);
  });

  it('an Opportunity a trigger changed since it was made is still found, as the only one with its name', async () => {
    await saveSettings(world, { deals: { enabled: true } });
    const dealId = await createInHubspot(world, 'deals', dealProperties);
    await pendingIntent('deals', dealId, 'Opportunity', opportunityFields);
    const opportunityId = await createInSalesforce(world, 'Opportunity', { ...opportunityFields, CloseDate: '2026-05-31' });

    await fullCycle(world);
    expect((await salesforceRecords(world, 'Opportunity')).map((record) => record.Id)).toEqual([opportunityId]);
    expect((await hubspotRecords(world, 'deals')).map((record) => record.id)).toEqual([dealId]);
  });

  it('an Opportunity made for a deal and deleted in Salesforce before any run linked it is not made again: the deal is held', async () => {
    await saveSettings(world, { deals: { enabled: true } });
    const dealId = await createInHubspot(world, 'deals', dealProperties);
    await pendingIntent('deals', dealId, 'Opportunity', opportunityFields);
    const opportunityId = await createInSalesforce(world, 'Opportunity', opportunityFields);
    await world.salesforce.delete('Opportunity', [opportunityId]);

    await fullCycle(world);
    expect(await salesforceRecords(world, 'Opportunity')).toEqual([]);
    expect(await world.store.writeIntents.listPending(10)).toEqual([]);
    const [held] = await world.store.auditTrail.listForRecord(dealId, 1);
    expect(held).toMatchObject({ action: 'unlink_partner_deleted', changes: { hubspotId: dealId, salesforceId: opportunityId } });
    await fullCycle(world);
    expect(await salesforceRecords(world, 'Opportunity')).toEqual([]);
    expect((await hubspotRecords(world, 'deals')).map((record) => record.id)).toEqual([dealId]);
  });
});

const dealProperties = { dealname: 'Lost deal', dealstage: 'closedlost', pipeline: 'default', closedate: '2026-04-30T00:00:00.000Z' };
const opportunityFields = { Name: 'Lost deal', StageName: 'Closed Lost', CloseDate: '2026-04-30' };
