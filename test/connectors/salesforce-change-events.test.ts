import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CountingMeter } from '../../src/connectors/meter.ts';
import { SalesforceClient } from '../../src/connectors/salesforce/client.ts';
import { isOwnChange, subscribeToChangeEvents, toChangeEvent, type ChangeEventSubscription, type SalesforceChangeEvent } from '../../src/connectors/salesforce/change-events.ts';
import { startSalesforceEmulator } from '../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/server.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';

let emulator: RunningEmulator;
let sf: SalesforceClient;
const open: ChangeEventSubscription[] = [];

const admin = (path: string, body?: unknown) => emulatorAdmin(emulator.url, path, body);

/** Events as they arrive, awaited one by one: the test waits for a condition, never for a duration. */
class EventInbox {
  private readonly events: SalesforceChangeEvent[] = [];
  private waiting: Array<() => void> = [];

  push = (event: SalesforceChangeEvent): void => {
    this.events.push(event);
    for (const wake of this.waiting.splice(0)) wake();
  };

  async next(): Promise<SalesforceChangeEvent> {
    while (this.events.length === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.events.shift() as SalesforceChangeEvent;
  }
}

function subscribe(replayFrom: number | null, inbox: EventInbox, gaps: Array<{ requestedReplayId: number }> = []): ChangeEventSubscription {
  const subscription = subscribeToChangeEvents({ connection: sf.connection, replayFrom, onEvent: inbox.push, onReplayGap: (gap) => gaps.push(gap) });
  open.push(subscription);
  return subscription;
}

async function createLead(lastName: string): Promise<string> {
  const [result] = await sf.create('Lead', [{ LastName: lastName, Company: 'Acme', Email: `${lastName.toLowerCase()}@example.com` }]);
  if (!result?.success || !result.id) throw new Error(`lead ${lastName} not created`);
  return result.id;
}

/** Creates leads while subscribed and returns their events: as a caller that processed and stored them would. */
async function processedEvents(...lastNames: string[]): Promise<SalesforceChangeEvent[]> {
  const inbox = new EventInbox();
  const subscription = subscribe(null, inbox);
  await subscription.ready;
  const events: SalesforceChangeEvent[] = [];
  for (const lastName of lastNames) {
    await createLead(lastName);
    events.push(await inbox.next());
  }
  await subscription.close();
  return events;
}

beforeAll(async () => {
  // A short long-poll keeps shutdown quick; it changes nothing the tests look at.
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none', streamingTimeoutMs: 2_000 });
  sf = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: emulator.url, accessToken: 'token' }, apiVersion: '62.0', meter: new CountingMeter() });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await admin('reset', {});
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('Salesforce change events over CometD', () => {
  it("names crmsync as the client of its own writes in changeOrigin, and not another integration's", async () => {
    const inbox = new EventInbox();
    const subscription = subscribe(null, inbox);
    await subscription.ready;
    await createLead('Own');
    const own = await inbox.next();
    // Another integration: plain REST, no Sforce-Call-Options header.
    const other = await fetch(`${emulator.url}/services/data/v62.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Other', Company: 'Acme' }),
    });
    expect(other.status).toBe(201);
    const foreign = await inbox.next();
    expect(own.changeOrigin).toBe('com/salesforce/api/rest/62.0;client=crmsync');
    expect(isOwnChange(own)).toBe(true);
    expect(foreign.changeOrigin).toBe('com/salesforce/api/rest/62.0');
    expect(isOwnChange(foreign)).toBe(false);
  });

  it('delivers a lead created through jsforce as a CREATE event with its id, commit time and replayId', async () => {
    const inbox = new EventInbox();
    const subscription = subscribe(null, inbox);
    await subscription.ready;
    const id = await createLead('Lovelace');
    const event = await inbox.next();
    expect(event).toMatchObject({ entityName: 'Lead', recordIds: [id], changeType: 'CREATE', changedFields: [] });
    expect(event.commitTimestamp.getTime()).not.toBeNaN();
    expect(event.transactionKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof event.replayId).toBe('number');

    await sf.update('Lead', [{ Id: id, Title: 'Countess' }]);
    const update = await inbox.next();
    expect(update).toMatchObject({ changeType: 'UPDATE', recordIds: [id] });
    expect(update.changedFields).toContain('Title');
    expect(update.replayId).toBeGreaterThan(event.replayId);
    expect(subscription.lastReplayId()).toBe(update.replayId);
  });

  it('resumes from a stored replayId: what was committed while away arrives, what was processed does not', async () => {
    const [processed] = await processedEvents('Processed');

    const whileAway = await createLead('WhileAway');
    const again = new EventInbox();
    await subscribe(processed?.replayId ?? null, again).ready;
    expect(await again.next()).toMatchObject({ recordIds: [whileAway], changeType: 'CREATE' });
    const afterwards = await createLead('Afterwards');
    expect(await again.next()).toMatchObject({ recordIds: [afterwards] });
  });

  it('falls back to new events and asks for a reconciliation when the stored replayId is past retention', async () => {
    const [old] = await processedEvents('Old', 'Unprocessed');

    // 73 hours later the event after the stored one is gone (retention is 72 hours): it can no longer be replayed.
    await admin('clock', { advanceMs: 73 * 60 * 60 * 1000 });
    await createLead('Expiring');
    const gaps: Array<{ requestedReplayId: number }> = [];
    const inbox = new EventInbox();
    const resumed = subscribe(old?.replayId ?? null, inbox, gaps);
    await resumed.ready;
    expect(gaps).toEqual([expect.objectContaining({ requestedReplayId: old?.replayId, message: expect.stringMatching(/replayId/) })]);
    const fresh = await createLead('Fresh');
    expect(await inbox.next()).toMatchObject({ recordIds: [fresh], changeType: 'CREATE' });
  });

  it('re-handshakes when the server forgets the client, and reports the gap when its retained events went too', async () => {
    const inbox = new EventInbox();
    const gaps: Array<{ requestedReplayId: number }> = [];
    const subscribedFrom: number[] = [];
    let onLive: () => void = () => undefined;
    const subscription = subscribeToChangeEvents({
      connection: sf.connection,
      replayFrom: null,
      onEvent: inbox.push,
      onReplayGap: (gap) => gaps.push(gap),
      onSubscribed: (from) => {
        subscribedFrom.push(from);
        if (from === -1 && gaps.length > 0) onLive();
      },
    });
    open.push(subscription);
    await subscription.ready;
    await createLead('BeforeReset');
    const before = await inbox.next();
    const liveAgain = new Promise<void>((resolve) => {
      onLive = resolve;
    });

    // A reset drops every CometD client ("403::Unknown client", advice handshake) and every retained event. faye
    // re-handshakes and re-subscribes by itself from the last replayId it saw, which is refused.
    await admin('reset', {});
    await liveAgain;
    expect(gaps).toEqual([expect.objectContaining({ requestedReplayId: before.replayId })]);
    expect(subscribedFrom.at(-1)).toBe(-1);
    const after = await createLead('AfterReset');
    // The reset re-creates the org's API user, whose own CREATE may still reach the old client: skip to the lead.
    let event = await inbox.next();
    while (event.entityName !== 'Lead') event = await inbox.next();
    expect(event).toMatchObject({ recordIds: [after], changeType: 'CREATE' });
  });

  it('reports a refused subscription and tries again later rather than stopping', async () => {
    const errors: Error[] = [];
    let reported: () => void = () => undefined;
    const firstError = new Promise<void>((resolve) => {
      reported = resolve;
    });
    const subscription = subscribeToChangeEvents({
      connection: sf.connection,
      channel: '/data/NoSuchObjectChangeEvent',
      replayFrom: null,
      onEvent: () => undefined,
      onReplayGap: () => undefined,
      onError: (error) => {
        errors.push(error);
        reported();
      },
      retryDelayMs: () => 3_600_000,
    });
    open.push(subscription);
    await firstError;
    expect(errors[0]?.message).toMatch(/NoSuchObjectChangeEvent.*does not exist/);
  });

  it('reads gap and overflow headers as they come, without field data', () => {
    const event = toChangeEvent({
      event: { replayId: 42 },
      payload: { ChangeEventHeader: { entityName: 'Account', recordIds: [], changeType: 'GAP_OVERFLOW', changedFields: [], commitTimestamp: 1_772_441_000_000 } },
    });
    expect(event).toMatchObject({ entityName: 'Account', recordIds: [], changeType: 'GAP_OVERFLOW', replayId: 42, transactionKey: null, changeOrigin: null });
    expect(toChangeEvent({ event: { replayId: 1 }, payload: {} })).toBeNull();
  });
});
