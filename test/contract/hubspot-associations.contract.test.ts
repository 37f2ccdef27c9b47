import { describe, expect, it } from 'vitest';
import { hubspot, type Json } from './hs-harness.ts';

// Associations v4: https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4
// (batch associate default: "contact_to_company" unlabeled, typeId 279 one way and 280 back; batch read answers 207
// with crm.associations.NO_ASSOCIATIONS_FOUND for a record with none). Type ids: the SDK's AssociationTypes enum.
const V4 = 'https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4';

describe('HubSpot contract: associations v4 through @hubspot/api-client', () => {
  it(`batch associate default creates both directions, and batch read lists them by toObjectId (${V4})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'assoc@example.com' }, associations: [] });
    const company = await client.crm.objects.basicApi.create('companies', { properties: { name: 'Assoc Inc' }, associations: [] });
    const created = await client.crm.associations.v4.batchApi.createDefault('contacts', 'companies', { inputs: [{ _from: { id: contact.id }, to: { id: company.id } }] });
    expect(created.status).toBe('COMPLETE');
    expect(created.results.map((r) => [r._from.id, r.to.id, r.associationSpec.associationTypeId])).toEqual(
      expect.arrayContaining([
        [contact.id, company.id, 279],
        [company.id, contact.id, 280],
      ]),
    );
    const read = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: contact.id }] });
    expect(read.results).toHaveLength(1);
    expect(read.results[0]?._from.id).toBe(contact.id);
    expect(read.results[0]?.to.map((to) => String(to.toObjectId))).toEqual([company.id]);
    expect(read.results[0]?.to[0]?.associationTypes).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'HUBSPOT_DEFINED', typeId: 279 })]));
    const back = await client.crm.associations.v4.batchApi.getPage('companies', 'contacts', { inputs: [{ id: company.id }] });
    expect(back.results[0]?.to.map((to) => String(to.toObjectId))).toEqual([contact.id]);
  });

  it(`batch read of a record without associations answers 207 with NO_ASSOCIATIONS_FOUND for it (${V4})`, async () => {
    const { client, raw } = await hubspot();
    const lonely = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'lonely@example.com' }, associations: [] });
    const response = await raw('POST', '/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: lonely.id }] });
    expect(response.status).toBe(207);
    expect(response.body.results).toEqual([]);
    expect(response.body.errors as Json[]).toEqual([
      expect.objectContaining({ status: 'error', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND', context: expect.objectContaining({ fromObjectId: [lonely.id] }) }),
    ]);
    const sdk = (await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', { inputs: [{ id: lonely.id }] })) as Json;
    expect(sdk.numErrors).toBe(1);
  });
});
