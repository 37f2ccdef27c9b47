import { describe, expect, it } from 'vitest';
import { failure, useHarness } from './helpers.ts';

// Search's own limit (4 a second) would otherwise throttle a file of quick searches; limits.test.ts covers it.
const h = useHarness({}, { rateLimits: { searchPerSecond: 10_000 } });

type Operator = 'EQ' | 'NEQ' | 'LT' | 'LTE' | 'GT' | 'GTE' | 'BETWEEN' | 'IN' | 'NOT_IN' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY' | 'CONTAINS_TOKEN' | 'NOT_CONTAINS_TOKEN';

async function seedPeople() {
  const people: Array<Record<string, string>> = [
    { email: 'ada@acme.example.com', firstname: 'Ada', hs_analytics_num_visits: '10', lifecyclestage: 'lead', city: 'Helsinki' },
    { email: 'ben@globex.example.com', firstname: 'Ben', hs_analytics_num_visits: '250', lifecyclestage: 'customer', city: 'Oslo' },
    { email: 'cleo@acme.example.com', firstname: 'Cleo', hs_analytics_num_visits: '99', lifecyclestage: 'opportunity' },
    { email: 'dev@initech.example.com', firstname: 'Dev Ray', hs_analytics_num_visits: '1000', lifecyclestage: 'lead', city: 'Helsinki' },
  ];
  const created = await h.client.crm.contacts.batchApi.create({ inputs: people.map((properties) => ({ properties, associations: [] })) });
  return created.results;
}

async function search(filters: Array<{ propertyName: string; operator: Operator; value?: string; highValue?: string; values?: string[] }>, extra: Record<string, unknown> = {}) {
  const response = await h.client.crm.contacts.searchApi.doSearch({
    filterGroups: [{ filters: filters as never }],
    properties: ['firstname'],
    limit: 100,
    ...extra,
  });
  return response.results.map((r) => r.properties.firstname).sort();
}

describe('HubSpot CRM search through @hubspot/api-client', () => {
  it('applies each documented operator', async () => {
    await seedPeople();
    expect(await search([{ propertyName: 'email', operator: 'EQ', value: 'ADA@acme.example.com' }])).toEqual(['Ada']);
    expect(await search([{ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'lead' }])).toEqual(['Ben', 'Cleo']);
    // Numbers compare as numbers, not as text ("99" < "250").
    expect(await search([{ propertyName: 'hs_analytics_num_visits', operator: 'LT', value: '250' }])).toEqual(['Ada', 'Cleo']);
    expect(await search([{ propertyName: 'hs_analytics_num_visits', operator: 'LTE', value: '250' }])).toEqual(['Ada', 'Ben', 'Cleo']);
    expect(await search([{ propertyName: 'hs_analytics_num_visits', operator: 'GT', value: '99' }])).toEqual(['Ben', 'Dev Ray']);
    expect(await search([{ propertyName: 'hs_analytics_num_visits', operator: 'GTE', value: '99' }])).toEqual(['Ben', 'Cleo', 'Dev Ray']);
    expect(await search([{ propertyName: 'hs_analytics_num_visits', operator: 'BETWEEN', value: '50', highValue: '300' }])).toEqual(['Ben', 'Cleo']);
    expect(await search([{ propertyName: 'lifecyclestage', operator: 'IN', values: ['customer', 'opportunity'] }])).toEqual(['Ben', 'Cleo']);
    expect(await search([{ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['customer', 'opportunity'] }])).toEqual(['Ada', 'Dev Ray']);
    expect(await search([{ propertyName: 'city', operator: 'HAS_PROPERTY' }])).toEqual(['Ada', 'Ben', 'Dev Ray']);
    expect(await search([{ propertyName: 'city', operator: 'NOT_HAS_PROPERTY' }])).toEqual(['Cleo']);
    expect(await search([{ propertyName: 'firstname', operator: 'CONTAINS_TOKEN', value: 'ray' }])).toEqual(['Dev Ray']);
    expect(await search([{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@acme.example.com' }])).toEqual(['Ada', 'Cleo']);
    expect(await search([{ propertyName: 'email', operator: 'NOT_CONTAINS_TOKEN', value: '*@acme.example.com' }])).toEqual(['Ben', 'Dev Ray']);
  });

  it('ANDs filters in a group and ORs the groups', async () => {
    await seedPeople();
    const response = await h.client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'city', operator: 'EQ' as never, value: 'Helsinki' }, { propertyName: 'lifecyclestage', operator: 'EQ' as never, value: 'lead' }] },
        { filters: [{ propertyName: 'firstname', operator: 'EQ' as never, value: 'Ben' }] },
      ],
      properties: ['firstname'],
      limit: 10,
    });
    expect(response.total).toBe(3);
    expect(response.results.map((r) => r.properties.firstname).sort()).toEqual(['Ada', 'Ben', 'Dev Ray']);
  });

  it('searches by free-text query over the default searchable properties', async () => {
    await seedPeople();
    const response = await h.client.crm.contacts.searchApi.doSearch({ query: 'globex', properties: ['firstname'], limit: 10 });
    expect(response.results.map((r) => r.properties.firstname)).toEqual(['Ben']);
  });

  it('filters and sorts on hs_lastmodifieddate as epoch milliseconds, with total and after paging', async () => {
    const created = await seedPeople();
    const cutoff = Date.now() + 1;
    const later = await h.client.crm.contacts.basicApi.update(created[2]?.id as string, { properties: { jobtitle: 'CTO' } });
    await h.client.crm.contacts.basicApi.update(created[0]?.id as string, { properties: { jobtitle: 'CEO' } });
    expect(Date.parse(later.properties.hs_lastmodifieddate as string)).toBeGreaterThanOrEqual(cutoff - 1);

    const since = await h.client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: String(Date.parse(later.properties.hs_lastmodifieddate as string)) }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
      properties: ['firstname'],
      limit: 1,
    });
    expect(since.total).toBe(2);
    expect(since.results.map((r) => r.properties.firstname)).toEqual(['Cleo']);
    expect(since.paging?.next?.after).toBe('1');
    const next = await h.client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: String(Date.parse(later.properties.hs_lastmodifieddate as string)) }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
      properties: ['firstname'],
      limit: 1,
      after: '1',
    });
    expect(next.results.map((r) => r.properties.firstname)).toEqual(['Ada']);
    expect(next.paging).toBeUndefined();

    const descending = await h.client.crm.contacts.searchApi.doSearch({ sorts: ['-hs_analytics_num_visits'], properties: ['firstname'], limit: 2 });
    expect(descending.results.map((r) => r.properties.firstname)).toEqual(['Dev Ray', 'Ben']);
  });

  it('enforces HubSpot’s limits: 5 groups, 6 filters a group, 18 in all, 200 a page', async () => {
    const filter = { propertyName: 'email', operator: 'HAS_PROPERTY' as never };
    const groups = (count: number, per: number) => Array.from({ length: count }, () => ({ filters: Array.from({ length: per }, () => filter) }));
    for (const body of [{ filterGroups: groups(6, 1) }, { filterGroups: groups(1, 7) }, { filterGroups: groups(4, 5) }, { limit: 201 }]) {
      const refused = await failure(h.client.crm.contacts.searchApi.doSearch(body));
      expect(refused.code).toBe(400);
      expect(refused.body.category).toBe('VALIDATION_ERROR');
    }
    await expect(h.client.crm.contacts.searchApi.doSearch({ filterGroups: groups(3, 6), limit: 200 })).resolves.toMatchObject({ total: 0 });
  });

  it('answers 400 past the 10,000th result, while total still counts every match', async () => {
    await h.admin('POST', 'seed', { contacts: 10_050 });
    const page = await h.client.crm.contacts.searchApi.doSearch({ limit: 200, after: '9800', properties: ['email'] });
    expect(page.total).toBe(10_050);
    expect(page.results).toHaveLength(200);
    expect(page.paging?.next?.after).toBe('10000');
    // HubSpot's search cap: paging beyond 10,000 results is a 400 (search guide, "Limitations").
    const refused = await failure(h.client.crm.contacts.searchApi.doSearch({ limit: 200, after: '10000' }));
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
  });

  it('never returns archived records', async () => {
    const created = await seedPeople();
    await h.client.crm.contacts.basicApi.archive(created[0]?.id as string);
    expect(await search([{ propertyName: 'email', operator: 'HAS_PROPERTY' }])).toEqual(['Ben', 'Cleo', 'Dev Ray']);
  });
});
