import { describe, expect, it } from 'vitest';
import { hubspot, type Json } from './hs-harness.ts';

// HubSpot's default properties, as its knowledge base lists them:
// https://knowledge.hubspot.com/properties/hubspots-default-company-properties
// https://knowledge.hubspot.com/properties/hubspots-default-contact-properties
// crmsync's default mappings name several of these; a missing or mistyped one fails every record that maps it.

async function validationErrors(run: () => Promise<unknown>): Promise<Array<{ name: string; error: string }>> {
  const error = (await run().then(() => null, (e: unknown) => e)) as { code: number; body: Json } | null;
  if (error === null) return [];
  expect(error.code).toBe(400);
  const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
  return JSON.parse(String(body.message).replace(/^Property values were not valid: /, '')) as Array<{ name: string; error: string }>;
}

describe('HubSpot default properties (the ones crmsync maps)', () => {
  it('companies: industry takes HubSpot internal values and refuses Salesforce-style labels', async () => {
    const { client } = await hubspot();
    const created = await client.crm.companies.basicApi.create({
      properties: { name: 'Acme', industry: 'COMPUTER_SOFTWARE', numberofemployees: '250', annualrevenue: '1000000', type: 'PROSPECT' },
      associations: [],
    });
    expect(created.properties).toMatchObject({ industry: 'COMPUTER_SOFTWARE', numberofemployees: '250', type: 'PROSPECT' });
    const refused = await validationErrors(() => client.crm.companies.basicApi.create({ properties: { name: 'Globex', industry: 'Technology' }, associations: [] }));
    expect(refused).toEqual([expect.objectContaining({ name: 'industry', error: 'INVALID_OPTION' })]);
  });

  it('contacts: industry and annual revenue are free text, employees a range, salutation and fax exist', async () => {
    const { client } = await hubspot();
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'ada@example.com', industry: 'Consulting Services', annualrevenue: 'about 1M', numemployees: '25-50', salutation: 'Dr.', fax: '+1 555 0100' },
      associations: [],
    });
    expect(created.properties).toMatchObject({ industry: 'Consulting Services', annualrevenue: 'about 1M', numemployees: '25-50', salutation: 'Dr.' });
    const refused = await validationErrors(() => client.crm.contacts.basicApi.create({ properties: { email: 'ben@example.com', numemployees: '42' }, associations: [] }));
    expect(refused).toEqual([expect.objectContaining({ name: 'numemployees', error: 'INVALID_OPTION' })]);
  });

  it('tickets: source_type exists with its options', async () => {
    const { client } = await hubspot();
    const property = await client.crm.properties.coreApi.getByName('tickets', 'source_type');
    expect(property.options.map((o) => o.value)).toEqual(['CHAT', 'EMAIL', 'FORM', 'PHONE']);
  });
});

describe('HubSpot unique email within one batch', () => {
  it('names no fake existing id when two inputs of one batch share an email', async () => {
    const { client } = await hubspot();
    const error = (await client.crm.contacts.batchApi
      .create({ inputs: [{ properties: { email: 'p@x.com' }, associations: [] }, { properties: { email: 'P@x.com' }, associations: [] }] })
      .catch((e: unknown) => e)) as { code: number; body: Json };
    expect(error.code).toBe(409);
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    expect(body.category).toBe('CONFLICT');
    expect(body.message).not.toMatch(/Existing ID/);
    expect(body.message).toMatch(/more than once in this batch/);
    expect((await client.crm.contacts.basicApi.getPage(10)).results).toEqual([]);
  });
});
