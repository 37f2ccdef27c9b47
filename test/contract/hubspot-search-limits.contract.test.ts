import { describe, expect, it } from 'vitest';
import { apiError, hubspot, type Json } from './hs-harness.ts';

// CRM search: https://developers.hubspot.com/docs/api/crm/search (filterGroups, sorts, `after` paging, at most 200 per
// page and 10,000 results per query, no rate-limit headers on search responses).
// Usage guidelines / rate limits: https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines and the
// header changelog https://developers.hubspot.com/changelog/2018-11-06-rate-limit-information-headers-will-be-included-in-http-responses
// Error envelope (status, message, correlationId, category): https://developers.hubspot.com/docs/api-reference/error-handling
// Property validation ("Property values were not valid"): https://developers.hubspot.com/docs/api/crm/properties
const SEARCH = 'https://developers.hubspot.com/docs/api/crm/search';
const USAGE = 'https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines';
const HEADERS = 'https://developers.hubspot.com/changelog/2018-11-06-rate-limit-information-headers-will-be-included-in-http-responses';
const ERRORS = 'https://developers.hubspot.com/docs/api-reference/error-handling';
const PROPERTIES = 'https://developers.hubspot.com/docs/api/crm/properties';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HubSpot contract: search, limits, auth and validation through @hubspot/api-client', () => {
  it(`searches hs_lastmodifieddate >= a cursor, sorted ascending, paging with after (${SEARCH})`, async () => {
    const { client } = await hubspot();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await client.crm.objects.basicApi.create('contacts', { properties: { email: `s${i}@example.com` }, associations: [] })).id);
    const modified = await client.crm.objects.basicApi.update('contacts', ids[0] as string, { properties: { firstname: 'Touched' } });
    const cursor = String(Date.parse(String(modified.properties.hs_lastmodifieddate)) - 0);
    const request = (after?: string) =>
      client.crm.objects.searchApi.doSearch('contacts', {
        filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: '0' }] }],
        sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
        properties: ['email', 'hs_lastmodifieddate'],
        limit: 2,
        ...(after ? { after } : {}),
      });
    const seen: Json[] = [];
    let page = await request();
    expect(page.total).toBe(5);
    for (;;) {
      seen.push(...page.results);
      if (!page.paging?.next?.after) break;
      await pause(300); // CRM search has its own per-second limit
      page = await request(page.paging.next.after);
    }
    expect(seen.map((r) => r.id)).toHaveLength(5);
    expect(seen[seen.length - 1].id).toBe(ids[0]);
    const stamps = seen.map((r) => Date.parse(r.properties.hs_lastmodifieddate));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    await pause(300);
    const onlyTouched = await client.crm.objects.searchApi.doSearch('contacts', {
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: cursor }] }],
      properties: ['firstname'],
      limit: 10,
    });
    expect(onlyTouched.results.map((r) => r.id)).toEqual([ids[0]]);
  });

  it(`search stops at 10,000 results: after=10000 is a 400 (${SEARCH})`, async () => {
    const { client, admin } = await hubspot();
    await admin('seed', { contacts: 10_050 });
    const last = await client.crm.objects.searchApi.doSearch('contacts', { limit: 200, after: '9800', properties: ['email'] });
    expect(last.results).toHaveLength(200);
    expect(last.total).toBe(10_050);
    await pause(300);
    const error = await apiError(client.crm.objects.searchApi.doSearch('contacts', { limit: 200, after: '10000', properties: ['email'] }));
    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });

  it(`every non-search response carries X-HubSpot-RateLimit-* headers; search carries none (${HEADERS}; ${USAGE})`, async () => {
    const { raw } = await hubspot();
    const list = await raw('GET', '/crm/v3/objects/contacts?limit=1');
    expect(list.status).toBe(200);
    for (const name of ['x-hubspot-ratelimit-max', 'x-hubspot-ratelimit-remaining', 'x-hubspot-ratelimit-interval-milliseconds', 'x-hubspot-ratelimit-daily', 'x-hubspot-ratelimit-daily-remaining']) {
      expect(Number(list.headers.get(name))).toBeGreaterThan(0);
    }
    expect(list.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    const search = await raw('POST', '/crm/v3/objects/contacts/search', {});
    expect(search.status).toBe(200);
    expect(search.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
  });

  it(`over the ten-second limit: 429 with policyName TEN_SECONDLY_ROLLING, the body the SDK's retry reads (${USAGE})`, async () => {
    const { client, admin } = await hubspot();
    await admin('config', { rateLimits: { tenSecondly: 2 } });
    await client.crm.objects.basicApi.getPage('contacts', 1);
    await client.crm.objects.basicApi.getPage('contacts', 1);
    const error = await apiError(client.crm.objects.basicApi.getPage('contacts', 1));
    expect(error.code).toBe(429);
    expect(error.body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      correlationId: expect.any(String),
    });
    expect(error.headers['x-hubspot-ratelimit-remaining']).toBe('0');
  });

  it(`over the daily limit: 429 with policyName DAILY (${USAGE})`, async () => {
    const { client, admin } = await hubspot();
    await admin('config', { rateLimits: { daily: 1 } });
    await client.crm.objects.basicApi.getPage('contacts', 1);
    const error = await apiError(client.crm.objects.basicApi.getPage('contacts', 1));
    expect(error.code).toBe(429);
    expect(error.body).toMatchObject({ status: 'error', policyName: 'DAILY', errorType: 'RATE_LIMIT' });
  });

  it(`a revoked token gets 401 with category INVALID_AUTHENTICATION and a correlationId (${ERRORS})`, async () => {
    const { client, admin } = await hubspot();
    await admin('revoke', { token: 'contract-token' });
    const error = await apiError(client.crm.objects.basicApi.getPage('contacts', 1));
    expect(error.code).toBe(401);
    expect(error.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION', correlationId: expect.any(String), message: expect.any(String) });
  });

  it(`refuses an invalid email, an unknown option and a non-number with VALIDATION_ERROR naming each property (${PROPERTIES})`, async () => {
    const { client } = await hubspot();
    const cases: Array<[string, Record<string, string>, string, string]> = [
      ['contacts', { email: 'not-an-email' }, 'email', 'INVALID_EMAIL'],
      ['contacts', { email: 'ok@example.com', lifecyclestage: 'not_a_stage' }, 'lifecyclestage', 'INVALID_OPTION'],
      ['deals', { dealname: 'D', amount: 'twelve' }, 'amount', 'INVALID_INTEGER'],
    ];
    for (const [type, properties, name, code] of cases) {
      const error = await apiError(client.crm.objects.basicApi.create(type, { properties, associations: [] }));
      expect(error.code).toBe(400);
      expect(error.body.category).toBe('VALIDATION_ERROR');
      expect(error.body.message).toMatch(/^Property values were not valid: \[/);
      const details = JSON.parse(String(error.body.message).replace('Property values were not valid: ', '')) as Json[];
      expect(details).toEqual([expect.objectContaining({ isValid: false, name, error: code })]);
    }
    expect((await client.crm.objects.basicApi.getPage('contacts', 10)).results).toHaveLength(0);
  });
});
