import { StreamingExtension } from '@jsforce/jsforce-node/lib/api/streaming.js';
import { describe, expect, it } from 'vitest';
import { startHarness, type Json } from './helpers.ts';

/** Collects the change events a jsforce CometD client receives on one channel. */
async function listen(conn: Awaited<ReturnType<typeof startHarness>>['conn'], channel: string, replayFrom: number) {
  const received: Json[] = [];
  const client = conn.streaming.createClient([new StreamingExtension.Replay(channel, replayFrom)]);
  const subscription = client.subscribe(channel, (message: Json) => received.push(message));
  await subscription;
  const waitFor = async (count: number) => {
    for (let attempt = 0; attempt < 200 && received.length < count; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    return received;
  };
  // faye's Client has disconnect() at runtime; jsforce's type for it leaves it out.
  return { received, waitFor, close: () => (client as unknown as { disconnect(): void }).disconnect() };
}

describe('Salesforce emulator: Change Data Capture over CometD', () => {
  it('delivers CREATE, UPDATE and DELETE events to jsforce with the documented header (CDC "Change Event Header Fields")', async () => {
    const { conn } = await startHarness({ streamingTimeoutMs: 2000 });
    const stream = await listen(conn, '/data/ContactChangeEvent', -1);
    try {
      const { id } = await conn.sobject('Contact').create({ FirstName: 'Aino', LastName: 'Virtanen', Email: 'aino@example.com', MailingCity: 'Helsinki' });
      await conn.sobject('Contact').update({ Id: id as string, Email: 'aino@virtanen.example.com', Title: null });
      await conn.sobject('Contact').destroy(id as string);
      const [created, updated, deleted] = await stream.waitFor(3);

      expect(created.payload).toMatchObject({
        Name: { FirstName: 'Aino', LastName: 'Virtanen' },
        Email: 'aino@example.com',
        MailingAddress: { City: 'Helsinki' },
        CreatedDate: expect.stringMatching(/Z$/),
        ChangeEventHeader: { entityName: 'Contact', recordIds: [id], changeType: 'CREATE', changedFields: [], commitUser: expect.stringMatching(/^005/), commitTimestamp: expect.any(Number) },
      });
      expect(created.event.replayId).toEqual(expect.any(Number));
      expect(updated.payload.ChangeEventHeader).toMatchObject({ changeType: 'UPDATE', changedFields: expect.arrayContaining(['Email', 'LastModifiedDate']) });
      expect(updated.payload.Email).toBe('aino@virtanen.example.com');
      expect(updated.payload.FirstName).toBeUndefined();
      expect(deleted.payload.ChangeEventHeader).toMatchObject({ changeType: 'DELETE', recordIds: [id] });
      expect(updated.event.replayId).toBeGreaterThan(created.event.replayId);
    } finally {
      stream.close();
    }
  });

  it('replays retained events with -2 and sends nothing for a rolled-back allOrNone call', async () => {
    const { conn } = await startHarness({ streamingTimeoutMs: 2000 });
    await conn.sobject('Account').create({ Name: 'Before subscribing' });
    await conn.sobject('Account').create([{ Name: 'Good' }, {}], { allOrNone: true });
    const stream = await listen(conn, '/data/ChangeEvents', -2);
    try {
      await conn.sobject('Account').create({ Name: 'After' });
      const events = await stream.waitFor(2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stream.received.map((event) => event.payload.Name)).toEqual(['Before subscribing', 'After']);
      expect(events[0].payload.ChangeEventHeader.entityName).toBe('Account');
    } finally {
      stream.close();
    }
  });

  it('refuses an unknown channel and a client without a valid token', async () => {
    const { emulator, admin } = await startHarness({ config: { strictTokens: true } });
    const post = async (body: unknown, token: string) =>
      (await (await fetch(`${emulator.url}/cometd/62.0`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `OAuth ${token}` }, body: JSON.stringify(body) })).json()) as Json[];
    const denied = await post([{ channel: '/meta/handshake', id: '1', version: '1.0', supportedConnectionTypes: ['long-polling'] }], 'made-up');
    expect(denied[0]).toMatchObject({ successful: false, ext: { sfdc: { failureReason: '401::Authentication invalid' } } });
    const token = (await admin('POST', 'tokens')).body.access_token as string;
    const [handshake] = await post([{ channel: '/meta/handshake', id: '1', version: '1.0', supportedConnectionTypes: ['long-polling'] }], token);
    expect(handshake).toMatchObject({ successful: true, supportedConnectionTypes: ['long-polling'] });
    const [refused] = await post([{ channel: '/meta/subscribe', id: '2', clientId: handshake.clientId, subscription: '/data/NopeChangeEvent' }], token);
    expect(refused).toMatchObject({ successful: false, error: expect.stringContaining('does not exist') });
    const [custom] = await post([{ channel: '/meta/subscribe', id: '3', clientId: handshake.clientId, subscription: '/data/AccountChangeEvent' }], token);
    expect(custom.successful).toBe(true);
    // Streaming calls are not REST API calls.
    expect((await admin('GET', 'stats')).body.apiUsage.used).toBe(0);
  });
});
