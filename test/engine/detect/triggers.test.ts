import { Connection } from '@jsforce/jsforce-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubSpotClient } from '../../../src/connectors/hubspot/client.ts';
import { CountingMeter } from '../../../src/connectors/meter.ts';
import { SalesforceClient } from '../../../src/connectors/salesforce/client.ts';
import { subscribeToChangeEvents, type SalesforceChangeEvent } from '../../../src/connectors/salesforce/change-events.ts';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { startSalesforceEmulator } from '../../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../../src/emulators/shared/server.ts';
import { TriggerHub, type RecordHint } from '../../../src/engine/detect/triggers.ts';
import { buildServer, type ServerOptions } from '../../../src/server/app.ts';
import type { HubSpotWebhookEvent, WebhookInbox } from '../../../src/server/hubspot-webhook-events.ts';
import { emulatorAdmin } from '../../helpers/emulator-admin.ts';

const clientSecret = 'webhook-client-secret';

function changeEvent(overrides: Partial<SalesforceChangeEvent>): SalesforceChangeEvent {
  return {
    entityName: 'Lead',
    recordIds: ['00Q000000000001AAA'],
    changeType: 'UPDATE',
    changedFields: [],
    commitTimestamp: new Date('2026-03-02T10:00:00Z'),
    replayId: 1,
    transactionKey: null,
    sequenceNumber: null,
    changeOrigin: null,
    ...overrides,
  };
}

const byRecord = (hints: RecordHint[]) => new Map(hints.map((h) => [`${h.object}/${h.recordId}`, h]));

describe('the trigger hub', () => {
  it('is the webhook receiver’s inbox', () => {
    const inbox: WebhookInbox = new TriggerHub();
    expect(typeof inbox.accept).toBe('function');
  });

  it('keeps hints that arrive while the cycle is busy, coalesced per record, and hands them over at the next call', async () => {
    const hub = new TriggerHub();
    hub.acceptChangeEvent(changeEvent({ changedFields: ['Title'], commitTimestamp: new Date('2026-03-02T10:00:00Z') }));
    hub.acceptChangeEvent(changeEvent({ changedFields: ['Email', 'Title'], commitTimestamp: new Date('2026-03-02T10:00:05Z'), replayId: 2 }));
    hub.acceptChangeEvent(changeEvent({ recordIds: ['00Q000000000002AAA', '00Q000000000003AAA'], changedFields: ['Status'], replayId: 3 }));

    const batch = await hub.next();
    expect(batch.records).toHaveLength(3);
    const first = byRecord(batch.records).get('Lead/00Q000000000001AAA');
    expect(first).toEqual({
      system: 'salesforce',
      object: 'Lead',
      recordId: '00Q000000000001AAA',
      happenings: { changed: new Date('2026-03-02T10:00:05Z') },
      changedFields: ['Title', 'Email'],
    });
    expect(hub.take()).toEqual({ records: [], reconciliations: [] });
  });

  it("drops change events of crmsync's own writes (its client id in changeOrigin): an echo wakes no cycle", () => {
    const hub = new TriggerHub();
    hub.acceptChangeEvent(changeEvent({ changeOrigin: 'com/salesforce/api/rest/62.0;client=crmsync', changedFields: ['Title'] }));
    expect(hub.take()).toEqual({ records: [], reconciliations: [] });
    hub.acceptChangeEvent(changeEvent({ changeOrigin: 'com/salesforce/api/rest/62.0;client=someone-else', changedFields: ['Title'] }));
    hub.acceptChangeEvent(changeEvent({ recordIds: ['00Q000000000002AAA'], changeOrigin: '', changedFields: ['Title'] }));
    expect(hub.take().records.map((hint) => hint.recordId)).toEqual(['00Q000000000001AAA', '00Q000000000002AAA']);
  });

  it('wakes a waiting cycle when a hint arrives', async () => {
    const hub = new TriggerHub();
    const waiting = hub.next();
    hub.acceptChangeEvent(changeEvent({ changeType: 'DELETE' }));
    const batch = await waiting;
    expect(batch.records.map((h) => h.happenings)).toEqual([{ deleted: new Date('2026-03-02T10:00:00Z') }]);
  });

  it('returns what is pending, possibly nothing, when the wait is called off (the poll interval is up)', async () => {
    const hub = new TriggerHub();
    const stop = new AbortController();
    const waiting = hub.next({ signal: stop.signal });
    stop.abort();
    expect(await waiting).toEqual({ records: [], reconciliations: [] });
  });

  it('turns change events without record ids into a reconciliation of their object, and gap events into reads by id', async () => {
    const hub = new TriggerHub();
    hub.acceptChangeEvent(changeEvent({ entityName: 'Account', changeType: 'GAP_OVERFLOW', recordIds: [] }));
    hub.acceptChangeEvent(changeEvent({ changeType: 'GAP_DELETE', recordIds: ['00Q000000000009AAA'] }));
    hub.requestReconciliation({ system: 'salesforce', object: null, reason: 'replayId past retention' });
    const batch = hub.take();
    expect(batch.reconciliations).toEqual([
      { system: 'salesforce', object: 'Account', reason: expect.stringMatching(/overflow/) },
      { system: 'salesforce', object: null, reason: 'replayId past retention' },
    ]);
    expect(batch.records).toEqual([expect.objectContaining({ recordId: '00Q000000000009AAA', happenings: { deleted: expect.any(Date) }, changedFields: [] })]);
  });
});

describe('hints from the vendors, end to end', () => {
  let hubspot: RunningEmulator;
  let salesforce: RunningEmulator;
  let server: FastifyInstance;
  let receiverUrl: string;
  let hub: TriggerHub;
  let inboxReceived: HubSpotWebhookEvent[][] = [];
  const hubspotAdmin = (path: string, body?: unknown) => emulatorAdmin(hubspot.url, path, body);

  beforeAll(async () => {
    hubspot = await startHubSpotEmulator({ port: 0, seed: 'none' });
    salesforce = await startSalesforceEmulator({ port: 0, seed: 'none', streamingTimeoutMs: 2_000 });
    // The receiver reads its options per request, so the public URL can be filled in once the port is known.
    const options: ServerOptions = {
      adminToken: 'admin-token',
      hubspotClientSecret: clientSecret,
      publicUrl: '',
      webhookInbox: { accept: (events, receivedAt) => (inboxReceived.push(events), hub.accept(events, receivedAt)) },
      clock: () => new Date(),
    };
    server = buildServer(options);
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    options.publicUrl = `http://127.0.0.1:${address.port}`;
    receiverUrl = `${options.publicUrl}/webhooks/hubspot`;
  });
  afterAll(async () => {
    await server.close();
    await hubspot.close();
    await salesforce.close();
  });
  beforeEach(async () => {
    hub = new TriggerHub();
    inboxReceived = [];
    await hubspotAdmin('reset', {});
    // Deliveries wait for an explicit flush, so the test decides when a batch goes out.
    await hubspotAdmin('webhooks', { targetUrl: receiverUrl, clientSecret, subscriptions: ['contact.*'], flushMs: 60_000 });
  });

  it('turns a signed webhook batch into one hint per record, keeping deletions and merges, and drops a redelivery', async () => {
    const hs = new HubSpotClient({ accessToken: 'token', basePath: hubspot.url, meter: new CountingMeter() });
    const created = await hs.batchCreate('contacts', [
      { properties: { email: 'ada@example.com', firstname: 'Ada' } },
      { properties: { email: 'bob@example.com' } },
      { properties: { email: 'cleo@example.com' } },
      { properties: { email: 'dev@example.com' } },
    ]);
    const [ada, bob, cleo, dev] = created.results.map((r) => r.id) as [string, string, string, string];
    await hs.batchUpdate('contacts', [{ id: ada, properties: { jobtitle: 'Engineer' } }]);
    await hs.batchUpdate('contacts', [{ id: ada, properties: { jobtitle: 'Countess' } }]);
    await hs.batchArchive('contacts', [bob]);
    // A contact merge mints a new record (HubSpot's merge change): both old ids are merged away into it.
    const merged = String(((await hubspotAdmin('merge', { objectType: 'contacts', primaryObjectId: cleo, objectIdToMerge: dev })) as { id: string }).id);

    const flushed = (await hubspotAdmin('webhooks/flush', {})) as { deliveries: number };
    expect(flushed.deliveries).toBeGreaterThan(0);
    const { results: deliveries } = (await hubspotAdmin('webhooks/deliveries')) as { results: Array<{ status: number | null }> };
    expect(deliveries.every((d) => d.status === 200)).toBe(true);

    const hints = byRecord((await hub.next()).records);
    expect([...hints.keys()].sort()).toEqual([ada, bob, cleo, dev, merged].map((id) => `contacts/${id}`).sort());
    expect(hints.get(`contacts/${ada}`)).toMatchObject({ system: 'hubspot', happenings: { changed: expect.any(Date) } });
    expect(hints.get(`contacts/${ada}`)?.changedFields).toEqual(expect.arrayContaining(['email', 'firstname', 'jobtitle']));
    expect(hints.get(`contacts/${bob}`)?.happenings.deleted).toBeInstanceOf(Date);
    expect(hints.get(`contacts/${merged}`)).toMatchObject({ happenings: { merged: expect.any(Date) } });
    expect(hints.get(`contacts/${merged}`)?.mergedIds?.sort()).toEqual([cleo, dev].sort());
    expect(hints.get(`contacts/${cleo}`)).toMatchObject({ happenings: { merged_away: expect.any(Date) }, mergedInto: merged });
    expect(hints.get(`contacts/${dev}`)).toMatchObject({ happenings: { merged_away: expect.any(Date) }, mergedInto: merged });

    // HubSpot redelivers when it gets no answer in time: the same events, possibly with new eventIds.
    const again = inboxReceived.flat().map((event) => ({ ...event, eventId: event.eventId + 1_000_000, attemptNumber: 1 }));
    await hub.accept(again, new Date());
    expect(hub.take()).toEqual({ records: [], reconciliations: [] });
  });

  it('turns a Salesforce change event for a lead created by another client into a hint, and skips its own echo', async () => {
    const sf = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: salesforce.url, accessToken: 'token' }, apiVersion: '62.0', meter: new CountingMeter() });
    const subscription = subscribeToChangeEvents({
      connection: sf.connection,
      replayFrom: null,
      onEvent: (event) => hub.acceptChangeEvent(event),
      onReplayGap: () => hub.requestReconciliation({ system: 'salesforce', object: null, reason: 'replay gap' }),
    });
    try {
      await subscription.ready;
      // crmsync's own create comes back as an echo and wakes nothing; a user's (another client's) is a hint.
      await sf.create('Lead', [{ LastName: 'Echo', Company: 'Navy' }]);
      const someoneElse = new Connection({ instanceUrl: salesforce.url, accessToken: 'token', version: '62.0' });
      const lead = await someoneElse.sobject('Lead').create({ LastName: 'Hopper', Company: 'Navy' });
      const batch = await hub.next();
      expect(batch.records).toEqual([expect.objectContaining({ system: 'salesforce', object: 'Lead', recordId: lead.id, happenings: { changed: expect.any(Date) } })]);
    } finally {
      await subscription.close();
    }
  });
});
