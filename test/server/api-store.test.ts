/** The API over a real store, on SQLite and PostgreSQL: Sync Health, settings, errors, CSV, resync, sync, metrics, import. */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SyncErrorReport } from '../../src/engine/contacts/ports.ts';
import { ImportRefusedError, type ImportControl, type ImportOrder } from '../../src/engine/import-control.ts';
import type { Store } from '../../src/store/open.ts';
import { describeEachDatabase } from '../store/databases.ts';
import { apiServer, bearer, FakeSync } from './api-harness.ts';

const now = new Date('2026-11-29T12:30:00.000Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

function report(overrides: Partial<SyncErrorReport>): SyncErrorReport {
  return { object: 'contacts', hubspotId: '101', salesforceId: null, category: 'property_value', vendorCode: 'INVALID_EMAIL_ADDRESS', field: 'Email', message: 'invalid email', nextRetryAt: null, ...overrides };
}

describeEachDatabase('HTTP API over the store', (database) => {
  let store: Store;
  let sync: FakeSync;
  let app: FastifyInstance;

  beforeEach(async () => {
    store = await database.fresh().open();
    sync = new FakeSync();
    app = apiServer(store, sync, { clock: () => now, recordLinks: { salesforceInstanceUrl: 'https://acme.my.salesforce.com', hubspotPortalId: '62515' } });
  });
  afterEach(async () => {
    await app.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: bearer });
  const send = (method: 'POST' | 'PUT', url: string, payload?: unknown) => app.inject({ method, url, headers: bearer, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function seedErrors(): Promise<void> {
    await store.syncErrors.record(report({ hubspotId: '101' }), minutesAgo(30));
    await store.syncErrors.record(report({ hubspotId: '102' }), minutesAgo(20));
    // The same record failing again: one error, two attempts, one affected record.
    await store.syncErrors.record(report({ hubspotId: '102' }), minutesAgo(10));
    await store.syncErrors.record(report({ hubspotId: '103', salesforceId: '00Q000000000001AAA', category: 'custom_code', vendorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: '=HYPERLINK("http://evil")', field: null }), minutesAgo(5));
    await store.syncErrors.record(report({ hubspotId: '104', category: 'associations', vendorCode: '', message: 'waiting for the company, "Acme, Inc"\nto sync', field: null }), minutesAgo(1));
  }

  it('GET /api/health: usage, allocation, what Salesforce reports, suspension, and one card per error type', async () => {
    await seedErrors();
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 7, minutesAgo(90));
    await store.apiLedger.record({ object: 'Contact', operation: 'update' }, 3, minutesAgo(5));
    // Outside the rolling 24 hours: not counted.
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 50, new Date(now.getTime() - 25 * 3600_000));
    await store.settings.write({ apiCallAllocation: 100 }, 0, now);
    await store.integrationState.observeSalesforceUsage(15_000, 15_100, minutesAgo(1));
    await store.integrationState.suspend('auth_failed', 'the refresh token was revoked', minutesAgo(2));

    const response = await get('/api/health');
    expect(response.statusCode).toBe(200);
    const health = response.json();
    expect(health.apiUsage).toMatchObject({ usedLast24h: 10, allocation: 100, salesforceLimit: 15_100, salesforceRemaining: 100, remaining: 90, apiLimit: null });
    expect(health.apiUsage.hourly).toHaveLength(24);
    expect(health.apiUsage.hourly.at(-1)).toEqual({ hourStart: '2026-11-29T12:00:00.000Z', calls: 3 });
    expect(health.apiUsage.hourly.at(-2)).toEqual({ hourStart: '2026-11-29T11:00:00.000Z', calls: 7 });
    expect(health.apiUsage.byOperation).toEqual([
      { object: 'Lead', operation: 'query', calls: 7 },
      { object: 'Contact', operation: 'update', calls: 3 },
    ]);
    expect(health.suspension).toEqual({ state: 'auth_failed', reason: 'the refresh token was revoked', since: minutesAgo(2).toISOString() });
    expect(health.errors).toEqual([
      { type: 'property_value:INVALID_EMAIL_ADDRESS', category: 'property_value', title: 'Invalid email address', count: 2, affectedRecords: 2 },
      { type: 'associations:none', category: 'associations', title: 'Associations', count: 1, affectedRecords: 1 },
      { type: 'custom_code:FIELD_CUSTOM_VALIDATION_EXCEPTION', category: 'custom_code', title: 'Salesforce validation rule', count: 1, affectedRecords: 1 },
    ]);
    expect(health.sync.phase).toBe('idle');
    expect(health.waiting.join(' ')).toContain('suspended');
  });

  it('PUT /api/health/allocation sets the cap, and refuses a bad one naming the field, changing nothing', async () => {
    const set = await send('PUT', '/api/health/allocation', { allocation: 5000 });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ allocation: 5000, usedLast24h: 0, remaining: 5000 });
    for (const allocation of [0, 2.5, 'lots']) {
      const refused = await send('PUT', '/api/health/allocation', { allocation });
      expect(refused.statusCode, String(allocation)).toBe(400);
      expect(refused.json().issues[0].path).toBe('allocation');
    }
    expect((await get('/api/settings')).json()).toMatchObject({ settings: { apiCallAllocation: 5000 }, version: 1 });
    const removed = await send('PUT', '/api/health/allocation', { allocation: null });
    expect(removed.json()).toMatchObject({ allocation: null, remaining: null });
  });

  it('PUT /api/settings applies every change or none, naming each bad field', async () => {
    const refused = await send('PUT', '/api/settings', { changes: { 'contacts.hubspotCreatesIn': 'auto', 'contacts.syncCompanyLifecycle': 'yes', 'contacts.nope': 1 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues).toEqual([{ path: 'contacts.nope', message: 'unknown setting contacts.nope' }]);
    const invalidValue = await send('PUT', '/api/settings', { changes: { 'contacts.hubspotCreatesIn': 'auto', 'contacts.syncCompanyLifecycle': 'yes' } });
    expect(invalidValue.statusCode).toBe(400);
    expect(invalidValue.json().issues.map((issue: { path: string }) => issue.path)).toEqual(['contacts.syncCompanyLifecycle']);
    expect((await get('/api/settings')).json()).toMatchObject({ settings: { contacts: { hubspotCreatesIn: 'lead', syncCompanyLifecycle: false } }, version: 0 });

    const applied = await send('PUT', '/api/settings', { changes: { 'contacts.hubspotCreatesIn': 'auto', 'companies.enabled': true }, version: 0 });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ settings: { contacts: { hubspotCreatesIn: 'auto' }, companies: { enabled: true } }, version: 1 });
    const stale = await send('PUT', '/api/settings', { changes: { 'deals.enabled': true }, version: 0 });
    expect(stale.statusCode).toBe(409);
    expect((await send('PUT', '/api/settings', { changes: {} })).json().issues[0].path).toBe('changes');
  });

  it('POST /api/suspension/clear clears it and asks for a run', async () => {
    await store.integrationState.suspend('salesforce_api_limit_exceeded', 'REQUEST_LIMIT_EXCEEDED', minutesAgo(3));
    const cleared = await send('POST', '/api/suspension/clear');
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toBeNull();
    expect((await store.integrationState.read()).suspension).toBeNull();
    expect(sync.requests).toHaveLength(1);
  });

  it('GET /api/errors pages newest first with a cursor and filters by type, category and object', async () => {
    await seedErrors();
    const first = await get('/api/errors?limit=2');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.errors.map((e: { hubspotId: string }) => e.hubspotId)).toEqual(['104', '103']);
    expect(page1.errors[1]).toMatchObject({
      type: 'custom_code:FIELD_CUSTOM_VALIDATION_EXCEPTION',
      salesforceUrl: 'https://acme.my.salesforce.com/00Q000000000001AAA',
      hubspotUrl: 'https://app.hubspot.com/contacts/62515/record/0-1/103',
      attempts: 1,
    });
    const page2 = (await get(`/api/errors?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2.errors.map((e: { hubspotId: string }) => e.hubspotId)).toEqual(['102', '101']);
    expect(page2.errors[0].attempts).toBe(2);
    expect(page2.nextCursor).toBeNull();

    const byType = (await get('/api/errors?type=property_value:INVALID_EMAIL_ADDRESS')).json();
    expect(byType.errors.map((e: { hubspotId: string }) => e.hubspotId)).toEqual(['102', '101']);
    expect((await get('/api/errors?type=associations:none')).json().errors).toHaveLength(1);
    expect((await get('/api/errors?category=custom_code')).json().errors).toHaveLength(1);
    expect((await get('/api/errors?object=deals')).json().errors).toHaveLength(0);

    for (const [url, field] of [
      ['/api/errors?type=nonsense', 'type'],
      ['/api/errors?category=typos', 'category'],
      ['/api/errors?limit=0', 'limit'],
      ['/api/errors?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['/api/errors?type=duplicates:none&category=custom_code', 'category'],
      ['/api/errors?colour=red', 'colour'],
    ] as const) {
      const refused = await get(url);
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json().issues.map((issue: { path: string }) => issue.path), url).toContain(field);
    }
  });

  it('GET /api/errors.csv quotes as RFC 4180 and neutralises formulas', async () => {
    await seedErrors();
    const response = await get('/api/errors.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toContain('attachment');
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe('id,type,category,object,hubspotId,salesforceId,field,vendorCode,message,firstSeenAt,lastSeenAt,attempts,nextRetryAt,hubspotUrl,salesforceUrl');
    expect(response.body).toContain(',"waiting for the company, ""Acme, Inc""\nto sync",');
    expect(response.body).toContain(`,"'=HYPERLINK(""http://evil"")",`);
    expect(response.body.endsWith('\r\n')).toBe(true);
    // Header, four errors (102 failed twice: one error), and the final CRLF; the line break inside a quoted cell is LF.
    expect(lines).toHaveLength(6);
    const filtered = await get('/api/errors.csv?type=custom_code:FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(filtered.body.trim().split('\r\n')).toHaveLength(2);
  });

  it('POST /api/errors/resync queues the chosen errors, or a whole card, and asks for a run', async () => {
    await seedErrors();
    const { errors } = (await get('/api/errors')).json() as { errors: Array<{ id: number; hubspotId: string }> };
    const chosen = errors.filter((e) => e.hubspotId === '101' || e.hubspotId === '104').map((e) => e.id);
    const byId = await send('POST', '/api/errors/resync', { ids: chosen });
    expect(byId.json()).toEqual({ queued: 2 });
    expect((await store.syncErrors.dueForRetry(now, 10)).map((e) => e.hubspotId).sort()).toEqual(['101', '104']);
    expect(sync.requests).toHaveLength(1);

    const byType = await send('POST', '/api/errors/resync', { type: 'property_value:INVALID_EMAIL_ADDRESS' });
    expect(byType.json()).toEqual({ queued: 2 });
    expect((await store.syncErrors.dueForRetry(now, 10)).map((e) => e.hubspotId).sort()).toEqual(['101', '102', '104']);

    const both = await send('POST', '/api/errors/resync', { ids: [1], category: 'duplicates' });
    expect(both.statusCode).toBe(400);
    expect(both.json().issues[0].path).toBe('ids');
    expect((await send('POST', '/api/errors/resync', { ids: ['one'] })).json().issues[0].path).toBe('ids.0');
    expect((await send('POST', '/api/errors/resync', { category: 'duplicates' })).json()).toEqual({ queued: 0 });
    expect(sync.requests).toHaveLength(2);
  });

  it('POST /api/sync asks for a run; GET /api/sync/status shows the service', async () => {
    sync.current = { phase: 'syncing', current: { runId: 'r1', kind: 'incremental', startedAt: minutesAgo(1), progress: { step: 'contacts: HubSpot → Salesforce', done: 3, total: null } }, lastRun: null, lastSuccessAt: null, nextRunAt: null };
    const requested = await send('POST', '/api/sync');
    expect(requested.statusCode).toBe(202);
    expect(requested.json()).toMatchObject({ requested: true, status: { phase: 'syncing', current: { runId: 'r1', startedAt: minutesAgo(1).toISOString(), progress: { done: 3 } } } });
    expect(sync.requests).toEqual(['asked through the API']);
    expect((await get('/api/sync/status')).json()).toMatchObject({ phase: 'syncing' });
    sync.current = { ...sync.current, phase: 'stopped', current: null };
    expect((await send('POST', '/api/sync')).statusCode).toBe(503);
  });

  it('GET /metrics reports the budget, records per object and direction, lag and errors per category', async () => {
    await seedErrors();
    await store.settings.write({ apiCallAllocation: 1000 }, 0, now);
    await store.apiLedger.record({ object: 'Lead', operation: 'query' }, 12, minutesAgo(3));
    const run = await store.syncRuns.start('incremental', minutesAgo(4));
    await store.syncRuns.finish(run.runId, { outcome: 'partial', counts: { 'salesforce.created': 2, 'salesforce.updated': 3, 'salesforce.failed': 1, 'hubspot.created': 4, 'hubspot.read': 9 } }, minutesAgo(2));
    sync.current = { ...sync.current, lastSuccessAt: minutesAgo(2) };
    const response = await get('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
    const text = response.body;
    expect(text).toContain('# TYPE crmsync_salesforce_api_calls_used_24h gauge\ncrmsync_salesforce_api_calls_used_24h 12\n');
    expect(text).toContain('crmsync_salesforce_api_calls_remaining 988\n');
    expect(text).toContain('crmsync_records_synced_total{object="contacts",direction="hubspot_to_salesforce"} 5\n');
    expect(text).toContain('crmsync_records_synced_total{object="contacts",direction="salesforce_to_hubspot"} 4\n');
    expect(text).toContain('crmsync_records_failed_total{object="contacts",direction="hubspot_to_salesforce"} 1\n');
    expect(text).toContain('crmsync_sync_lag_seconds 120\n');
    expect(text).toContain('crmsync_sync_errors{category="property_value"} 2\n');
    expect(text).toContain('crmsync_sync_errors{category="duplicates"} 0\n');
  });

  it('/api/import answers 501 without an importer, and hands a valid order to one', async () => {
    const none = await send('POST', '/api/import', { object: 'Lead' });
    expect(none.statusCode).toBe(501);
    expect(none.json().message).toContain('imports are not available');

    const orders: ImportOrder[] = [];
    const importer: ImportControl = {
      async start(order) {
        if (order.object === 'Nothing__c') throw new ImportRefusedError('object', 'Salesforce has no object Nothing__c');
        orders.push(order);
        return { importId: 'imp-1' };
      },
      async status(importId) {
        return importId === 'imp-1' ? { importId, object: 'Lead', state: 'running', read: 10, total: null, created: 4, updated: 1, failed: 0, failure: null, apiCalls: { salesforce: 3, hubspot: 2 }, startedAt: now.toISOString(), finishedAt: null } : null;
      },
    };
    const withImporter = apiServer(store, sync, { clock: () => now, imports: importer });
    const started = await withImporter.inject({ method: 'POST', url: '/api/import', headers: bearer, payload: { object: 'Lead', modifiedAfter: '2026-01-01T00:00:00Z' } });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toEqual({ importId: 'imp-1' });
    expect(orders).toEqual([{ object: 'Lead', createdAfter: null, modifiedAfter: new Date('2026-01-01T00:00:00Z') }]);
    expect((await withImporter.inject({ method: 'GET', url: '/api/import/imp-1', headers: bearer })).json()).toMatchObject({ state: 'running', read: 10, apiCalls: { salesforce: 3, hubspot: 2 } });
    expect((await withImporter.inject({ method: 'GET', url: '/api/import/other', headers: bearer })).statusCode).toBe(404);
    const refused = await withImporter.inject({ method: 'POST', url: '/api/import', headers: bearer, payload: { object: 'Nothing__c' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues).toEqual([{ path: 'object', message: 'Salesforce has no object Nothing__c' }]);
    const badDate = await withImporter.inject({ method: 'POST', url: '/api/import', headers: bearer, payload: { object: 'Lead', createdAfter: 'yesterday' } });
    expect(badDate.json().issues[0].path).toBe('createdAfter');
    await withImporter.close();
  });
});
