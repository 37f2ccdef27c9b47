import { Client } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { failure, useHarness } from './helpers.ts';

const h = useHarness();

describe('HubSpot rate limits', () => {
  it('sends the X-HubSpot-RateLimit headers and answers 429 TEN_SECONDLY_ROLLING past the burst limit', async () => {
    await h.admin('POST', 'config', { rateLimits: { tenSecondly: 3, daily: 1000 } });
    try {
      const first = await h.http('GET', '/crm/v3/objects/contacts');
      // Header names: HubSpot changelog 2018-11-06, "rate limit information headers".
      expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
      expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(first.headers.get('x-hubspot-ratelimit-daily')).toBe('1000');
      expect(first.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('999');
      await h.http('GET', '/crm/v3/objects/contacts');
      await h.http('GET', '/crm/v3/objects/contacts');
      const refused = await failure(h.client.crm.contacts.basicApi.getPage());
      expect(refused.code).toBe(429);
      expect(refused.body.message).toBe('You have reached your ten_secondly_rolling limit.');
      const raw = await h.http('GET', '/crm/v3/objects/contacts');
      // The body the official client's RetryDecorator reads to decide on a retry (policyName).
      expect(raw.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', category: 'RATE_LIMITS' });
      expect(raw.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      expect((await h.admin('GET', 'stats')).body.rateLimits.refused.TEN_SECONDLY_ROLLING).toBe(2);
    } finally {
      await h.admin('POST', 'config', { rateLimits: { tenSecondly: 190, daily: 625_000 } });
    }
  });

  it('answers 429 DAILY once the daily allowance is spent', async () => {
    await h.admin('POST', 'config', { rateLimits: { daily: 2 } });
    try {
      await h.http('GET', '/crm/v3/objects/contacts');
      await h.http('GET', '/crm/v3/objects/contacts');
      const refused = await h.http('GET', '/crm/v3/objects/contacts');
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ policyName: 'DAILY', message: 'You have reached your daily limit.' });
    } finally {
      await h.admin('POST', 'config', { rateLimits: { daily: 625_000 } });
    }
  });

  it('limits search per second on its own, with the secondly message and no rate-limit headers', async () => {
    await h.admin('POST', 'config', { rateLimits: { searchPerSecond: 2 } });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof h.http>> | undefined;
      // Three searches inside one second: the third is refused (a slow machine may spread them; then none is).
      const started = Date.now();
      for (let i = 0; i < 3; i += 1) {
        last = await h.http('POST', '/crm/v3/objects/contacts/search', {});
        statuses.push(last.status);
      }
      if (Date.now() - started < 1000) {
        expect(statuses).toEqual([200, 200, 429]);
        expect(last?.body).toMatchObject({ message: 'You have reached your secondly limit.' });
      }
      expect(last?.headers.get('x-hubspot-ratelimit-max')).toBeNull();
      // Search does not spend the burst allowance.
      const other = await h.http('GET', '/crm/v3/objects/contacts');
      expect(other.headers.get('x-hubspot-ratelimit-remaining')).toBe('189');
    } finally {
      await h.admin('POST', 'config', { rateLimits: { searchPerSecond: 4 } });
    }
  });
});

describe('HubSpot authentication', () => {
  it('refuses a missing or revoked token with 401 INVALID_AUTHENTICATION, and accepts others', async () => {
    const missing = await h.http('GET', '/crm/v3/objects/contacts', undefined, { authorization: '' });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    await h.admin('POST', 'revoke', { token: 'revoked-token' });
    const revoked = new Client({ accessToken: 'revoked-token', basePath: h.emulator.url });
    expect((await failure(revoked.crm.contacts.basicApi.getPage())).code).toBe(401);
    await expect(h.client.crm.contacts.basicApi.getPage()).resolves.toBeDefined();
  });

  it('issues tokens over OAuth (refresh_token and authorization_code) that the client then uses', async () => {
    const oauth = new Client({ basePath: h.emulator.url });
    const refreshed = await oauth.oauth.tokensApi.create('refresh_token', undefined, undefined, 'client-id', 'client-secret', 'refresh-1');
    expect(refreshed).toMatchObject({ refreshToken: 'refresh-1', expiresIn: 1800, tokenType: 'bearer' });
    const fromCode = await oauth.oauth.tokensApi.create('authorization_code', 'code-1', 'http://localhost/callback', 'client-id', 'client-secret');
    expect(fromCode.refreshToken).toMatch(/^emu-rt-/);
    const info = await oauth.oauth.accessTokensApi.get(refreshed.accessToken);
    expect(info).toMatchObject({ token: refreshed.accessToken, tokenType: 'access' });
    expect(info.expiresIn).toBeGreaterThan(1700);

    await h.admin('POST', 'config', { acceptAnyToken: false });
    try {
      const issued = new Client({ accessToken: refreshed.accessToken, basePath: h.emulator.url });
      await expect(issued.crm.contacts.basicApi.getPage()).resolves.toBeDefined();
      expect((await failure(h.client.crm.contacts.basicApi.getPage())).code).toBe(401);
    } finally {
      await h.admin('POST', 'config', { acceptAnyToken: true });
    }
    await h.admin('POST', 'revoke', { token: 'refresh-1' });
    const bad = await failure(oauth.oauth.tokensApi.create('refresh_token', undefined, undefined, 'client-id', 'client-secret', 'refresh-1'));
    expect(bad.code).toBe(400);
    expect(bad.body).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
  });
});

describe('HubSpot fault injection and recovery', () => {
  it('fails the next N calls as configured, then recovers', async () => {
    await h.admin('POST', 'faults', { rules: [{ kind: 'server_error', next: 2, pathIncludes: '/crm/v3/objects/contacts' }] });
    expect((await failure(h.client.crm.contacts.basicApi.getPage())).code).toBe(500);
    expect((await h.http('GET', '/crm/v3/objects/contacts')).status).toBe(500);
    expect((await h.http('GET', '/crm/v3/objects/contacts')).status).toBe(200);
    expect((await h.admin('GET', 'stats')).body.faults.injected.server_error).toBe(2);
  });

  it('renders each fault kind the way HubSpot answers it', async () => {
    const cases = [
      ['rate_limit', 429, { policyName: 'TEN_SECONDLY_ROLLING' }],
      ['daily_limit', 429, { policyName: 'DAILY' }],
      ['expired_session', 401, { category: 'EXPIRED_AUTHENTICATION' }],
      ['unavailable', 503, { status: 'error' }],
      ['lock_row', 500, { status: 'error' }],
    ] as const;
    for (const [kind, status, body] of cases) {
      await h.admin('POST', 'faults', { rules: [{ kind, next: 1 }] });
      const response = await h.http('GET', '/crm/v3/owners');
      expect(response.status, kind).toBe(status);
      expect(response.body, kind).toMatchObject(body);
    }
    expect((await h.http('GET', '/crm/v3/owners')).status).toBe(200);
  });

  it('drops the connection without an answer, and the next call succeeds', async () => {
    await h.admin('POST', 'faults', { rules: [{ kind: 'drop_connection', next: 1 }] });
    await expect(h.http('GET', '/crm/v3/objects/contacts')).rejects.toThrow();
    expect((await h.http('GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('clears faults with DELETE and refuses a bad fault rule naming the field', async () => {
    await h.admin('POST', 'faults', { rules: [{ kind: 'server_error', share: 1 }] });
    expect((await h.http('GET', '/crm/v3/owners')).status).toBe(500);
    await h.admin('DELETE', 'faults');
    expect((await h.http('GET', '/crm/v3/owners')).status).toBe(200);
    const bad = await h.admin('POST', 'faults', { rules: [{ kind: 'meteor', next: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('rules.0.kind');
  });
});

describe('HubSpot emulator admin API', () => {
  it('counts vendor calls by route, but not admin calls', async () => {
    await h.client.crm.contacts.basicApi.getPage();
    await h.client.crm.contacts.basicApi.getPage();
    await h.http('POST', '/crm/v3/objects/contacts/search', {});
    const stats = (await h.admin('GET', 'stats')).body;
    expect(stats.byEndpoint).toEqual({ 'GET /crm/v3/objects/:objectType': 2, 'POST /crm/v3/objects/:objectType/search': 1 });
    expect(stats.total).toBe(3);
  });

  it('refuses a bad config field with 400 naming it, and changes nothing', async () => {
    const bad = await h.admin('POST', 'config', { rateLimits: { tenSecondly: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('rateLimits.tenSecondly');
    const unknown = await h.admin('POST', 'config', { colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/colour/);
    expect((await h.admin('GET', 'config')).body.rateLimits.tenSecondly).toBe(190);
  });

  it('seeds counts per object type fast, and refuses an unknown type', async () => {
    const seeded = await h.admin('POST', 'seed', { contacts: 20_000, companies: 100, notes: 10 });
    expect(seeded.body.created).toEqual({ contacts: 20_000, companies: 100, notes: 10 });
    const page = await h.client.crm.contacts.basicApi.getPage(100, undefined, ['email']);
    expect(page.results).toHaveLength(100);
    expect(new Set(page.results.map((r) => r.properties.email)).size).toBe(100);
    const bad = await h.admin('POST', 'seed', { widgets: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('widgets');
  });
});

describe('HubSpot emulator admin edits (a user working in HubSpot)', () => {
  it('creates and edits records as CRM_UI, validated, uncounted, visible in the history', async () => {
    const created = await h.admin('POST', 'records/contacts', { properties: { email: 'ui@example.com', firstname: 'Uma' } });
    expect(created.status).toBe(201);
    const edited = await h.http('PATCH', `/__emulator/records/contacts/${created.body.id}`, { properties: { firstname: 'Uma B.' } });
    expect(edited.body.changed).toEqual(['firstname']);
    const invalid = await h.http('PATCH', `/__emulator/records/contacts/${created.body.id}`, { properties: { lifecyclestage: 'nope' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toContain('INVALID_OPTION');
    expect((await h.admin('GET', 'stats')).body.total).toBe(0);
    const read = await h.client.crm.contacts.basicApi.getById(created.body.id, ['firstname'], ['firstname']);
    expect(read.propertiesWithHistory?.firstname?.map((e) => [e.value, e.sourceType])).toEqual([
      ['Uma B.', 'CRM_UI'],
      ['Uma', 'CRM_UI'],
    ]);
  });

  it('merges companies and adds owners without counting', async () => {
    const a = await h.admin('POST', 'records/companies', { properties: { name: 'Keep', domain: 'keep.example.com' } });
    const b = await h.admin('POST', 'records/companies', { properties: { name: 'Lose', city: 'Turku' } });
    const merged = await h.admin('POST', 'merge', { objectType: 'companies', primaryObjectId: a.body.id, objectIdToMerge: b.body.id });
    expect(merged.body.properties).toMatchObject({ name: 'Keep', city: 'Turku', hs_merged_object_ids: `${String(a.body.id)};${String(b.body.id)}` });
    expect(merged.body.id).not.toBe(a.body.id);
    const owner = await h.admin('POST', 'owners', { email: 'new.rep@example.com', firstName: 'New', lastName: 'Rep' });
    expect((await h.client.crm.owners.ownersApi.getById(Number(owner.body.id))).email).toBe('new.rep@example.com');
    expect((await h.admin('POST', 'owners', { email: 'not-an-email', firstName: 'X', lastName: 'Y' })).status).toBe(400);
  });

  it('restores an archived record (announced to the modules) unless its email was taken meanwhile', async () => {
    const gone = await h.client.crm.contacts.basicApi.create({ properties: { email: 'back@example.com' }, associations: [] });
    await h.client.crm.contacts.basicApi.archive(gone.id);
    expect((await h.admin('POST', 'restore', { objectType: 'contacts', id: gone.id })).body).toEqual({ id: gone.id, archived: false });
    expect((await h.client.crm.contacts.basicApi.getById('back@example.com', undefined, undefined, undefined, false, 'email')).id).toBe(gone.id);

    await h.client.crm.contacts.basicApi.archive(gone.id);
    const taker = await h.client.crm.contacts.basicApi.create({ properties: { email: 'BACK@example.com' }, associations: [] });
    const refused = await h.admin('POST', 'restore', { objectType: 'contacts', id: gone.id });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`Existing ID: ${taker.id}`);
  });

  it('refuses changing a contact’s email to one another contact holds', async () => {
    const a = await h.client.crm.contacts.basicApi.create({ properties: { email: 'one@example.com' }, associations: [] });
    await h.client.crm.contacts.basicApi.create({ properties: { email: 'two@example.com' }, associations: [] });
    const refused = await failure(h.client.crm.contacts.basicApi.update(a.id, { properties: { email: 'Two@Example.com' } }));
    expect(refused.code).toBe(409);
    expect(refused.body.category).toBe('CONFLICT');
    // Changing the casing of one's own email is not a conflict.
    await expect(h.client.crm.contacts.basicApi.update(a.id, { properties: { email: 'ONE@example.com' } })).resolves.toBeDefined();
  });
});

describe('HubSpot owners and pipelines through @hubspot/api-client', () => {
  it('lists owners with paging and email filter, and gets one by id and by userId', async () => {
    await h.admin('POST', 'seed', { preset: 'demo' });
    const first = await h.client.crm.owners.ownersApi.getPage(undefined, undefined, 3);
    expect(first.results).toHaveLength(3);
    expect(first.paging?.next?.after).toBeDefined();
    const rest = await h.client.crm.owners.ownersApi.getPage(undefined, first.paging?.next?.after, 100);
    const all = [...first.results, ...rest.results];
    expect(all.map((o) => o.email)).toContain('alex.morgan@crmsync-demo.example.com');
    expect(all[0]).toMatchObject({ archived: false, type: 'PERSON' });
    const byEmail = await h.client.crm.owners.ownersApi.getPage('ALEX.MORGAN@crmsync-demo.example.com');
    expect(byEmail.results.map((o) => o.firstName)).toEqual(['Alex']);
    const owner = all[1] as (typeof all)[number];
    expect((await h.client.crm.owners.ownersApi.getById(Number(owner.id))).email).toBe(owner.email);
    expect((await h.client.crm.owners.ownersApi.getById(owner.userId as number, 'userId')).id).toBe(owner.id);
    expect((await failure(h.client.crm.owners.ownersApi.getById(1))).code).toBe(404);
  });

  it('serves the default deal and ticket pipelines with stage metadata', async () => {
    const deals = await h.client.crm.pipelines.pipelinesApi.getAll('deals');
    const stages = deals.results[0]?.stages ?? [];
    expect(stages.map((s) => s.id)).toEqual(['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']);
    expect(stages.find((s) => s.id === 'closedwon')?.metadata).toEqual({ isClosed: 'true', probability: '1.0' });
    const tickets = await h.client.crm.pipelines.pipelinesApi.getById('tickets', '0');
    expect(tickets.stages.map((s) => s.metadata?.ticketState)).toEqual(['OPEN', 'OPEN', 'OPEN', 'CLOSED']);
    expect((await failure(h.client.crm.pipelines.pipelinesApi.getById('deals', 'nope'))).code).toBe(404);
    // dealstage accepts the pipeline's stages only.
    expect((await failure(h.client.crm.deals.basicApi.create({ properties: { dealname: 'X', dealstage: 'won' }, associations: [] }))).body.message).toContain('INVALID_OPTION');
  });
});
