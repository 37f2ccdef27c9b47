import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SalesforceOrg } from './org.ts';
import type { ObjectDefinition } from './schema.ts';
import type { RecordChange } from './store.ts';
import type { TokenIssuer } from './auth.ts';

/**
 * Change Data Capture over CometD (Streaming API), the long-polling Bayeux endpoint jsforce's
 * `conn.streaming.createClient()` speaks at /cometd/XX.X. Channels are `/data/ChangeEvents` and
 * `/data/<Object>ChangeEvent` (`Invoice__c` → `/data/Invoice__ChangeEvent`); every committed write becomes one
 * event whose ChangeEventHeader and field layout follow the Change Data Capture Developer Guide ("Change Event
 * Message Structure", "Change Event Header Fields"): names and addresses as compound fields, only changed fields on
 * UPDATE, none on DELETE. Events are retained for replay (`ext.replay`: -1 new only, -2 all retained, or a replayId).
 */

const retainedEvents = 100_000;
const retentionMs = 72 * 60 * 60 * 1000;
/** Salesforce holds a /meta/connect for up to 110 seconds before answering it empty. */
const defaultConnectTimeoutMs = 110_000;

interface ChangeEvent {
  replayId: number;
  at: number;
  entityName: string;
  change: RecordChange;
  commitNumber: number;
  sequenceNumber: number;
}

interface BayeuxMessage {
  channel?: string;
  clientId?: string;
  id?: string;
  subscription?: string;
  ext?: { replay?: Record<string, number | string> };
}

interface StreamingClient {
  /** channel → the replayId last delivered */
  subscriptions: Map<string, number>;
  queue: Array<Record<string, unknown>>;
  wake?: () => void;
  connected: boolean;
}

const compoundNames: Record<string, string[]> = {
  Lead: ['Salutation', 'FirstName', 'LastName'],
  Contact: ['Salutation', 'FirstName', 'LastName'],
  User: ['FirstName', 'LastName'],
};

function changeEventChannel(def: ObjectDefinition): string {
  return `/data/${def.custom ? def.name.replace(/__c$/, '__') : def.name}ChangeEvent`;
}

/** "BillingStreet" → ["BillingAddress", "Street"] on objects that have the compound BillingAddress. */
function compoundOf(def: ObjectDefinition, fieldName: string): [string, string] | undefined {
  if (compoundNames[def.name]?.includes(fieldName)) return ['Name', fieldName];
  const match = /^(Billing|Shipping|Mailing|Other|)(Street|City|State|PostalCode|Country|StateCode|CountryCode)$/.exec(fieldName);
  if (!match || !def.fields.some((f) => f.name === `${match[1]}Street`)) return undefined;
  return [`${match[1]}Address`, match[2] as string];
}

/** CometD JSON carries datetimes in UTC with a Z, not the REST API's +0000. */
function eventValue(value: unknown): unknown {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T.*\+0000$/.test(value) ? value.replace('+0000', 'Z') : value;
}

/** A UUID-shaped key per transaction, derived from its number so that publishing costs no randomness. */
function transactionKeyOf(transaction: number): string {
  return `00000000-0000-4000-8000-${transaction.toString(16).padStart(12, '0')}`;
}

export class ChangeEventStream {
  private readonly events: ChangeEvent[] = [];
  /** Index of the oldest retained event in `events`. */
  private first = 0;
  private nextReplayId = 1;
  private commitNumber = 1_000_000;
  private readonly clients = new Map<string, StreamingClient>();
  private lastTransaction = -1;
  private sequenceInTransaction = 0;

  constructor(
    private readonly org: SalesforceOrg,
    private readonly connectTimeoutMs = defaultConnectTimeoutMs,
  ) {
    org.store.onCommit = (changes) => this.publish(changes);
  }

  private publish(changes: RecordChange[]): void {
    const now = this.org.now();
    this.commitNumber += 1;
    for (const change of changes) {
      const def = this.org.schema.object(change.objectName);
      if (!def) continue;
      if (change.transaction !== this.lastTransaction) {
        this.lastTransaction = change.transaction;
        this.sequenceInTransaction = 0;
      }
      const event: ChangeEvent = {
        replayId: this.nextReplayId++,
        at: now,
        entityName: def.name,
        change,
        commitNumber: this.commitNumber,
        sequenceNumber: ++this.sequenceInTransaction,
      };
      this.events.push(event);
      for (const client of this.clients.values()) this.deliver(client, event);
    }
    this.expire(now);
  }

  /** Drops events past retention; the array is compacted in bulk so a steady stream stays O(1) per event. */
  private expire(now: number): void {
    const horizon = now - retentionMs;
    while (this.first < this.events.length && (this.events.length - this.first > retainedEvents || (this.events[this.first] as ChangeEvent).at < horizon)) this.first += 1;
    if (this.first > 10_000 && this.first * 2 > this.events.length) {
      this.events.splice(0, this.first);
      this.first = 0;
    }
  }

  private retained(): ChangeEvent[] {
    return this.events.slice(this.first);
  }

  private channelsFor(event: ChangeEvent): string[] {
    const def = this.org.schema.object(event.entityName);
    return def ? ['/data/ChangeEvents', changeEventChannel(def)] : [];
  }

  private deliver(client: StreamingClient, event: ChangeEvent): void {
    for (const channel of this.channelsFor(event)) {
      const last = client.subscriptions.get(channel);
      if (last === undefined || event.replayId <= last) continue;
      client.subscriptions.set(channel, event.replayId);
      client.queue.push({ channel, data: this.render(event) });
    }
    if (client.queue.length) client.wake?.();
  }

  private render(event: ChangeEvent): Record<string, unknown> {
    const { previous, record } = event.change;
    const def = this.org.schema.object(event.entityName) as ObjectDefinition;
    const changeType = !previous ? 'CREATE' : record.IsDeleted === true && previous.IsDeleted !== true ? 'DELETE' : record.IsDeleted !== true && previous.IsDeleted === true ? 'UNDELETE' : 'UPDATE';
    const payload: Record<string, unknown> = {};
    const changedFields: string[] = [];
    const nulledFields: string[] = [];
    const put = (fieldName: string, value: unknown) => {
      const compound = compoundOf(def, fieldName);
      if (!compound) {
        payload[fieldName] = eventValue(value);
        return;
      }
      const [parent, part] = compound;
      const nested = (payload[parent] as Record<string, unknown> | undefined) ?? {};
      nested[part] = eventValue(value);
      payload[parent] = nested;
    };
    const nameOf = (fieldName: string) => {
      const compound = compoundOf(def, fieldName);
      return compound ? `${compound[0]}.${compound[1]}` : fieldName;
    };
    const hidden = (fieldName: string) => fieldName === 'Id' || fieldName === 'IsDeleted' || fieldName === 'SystemModstamp' || (compoundNames[def.name] !== undefined && fieldName === 'Name');
    if (changeType === 'CREATE' || changeType === 'UNDELETE') {
      for (const f of def.fields) if (!hidden(f.name) && record[f.name] !== null && record[f.name] !== undefined) put(f.name, record[f.name]);
    } else if (changeType === 'UPDATE') {
      for (const f of def.fields) {
        // An update always carries LastModifiedDate, even when the stamp's second did not change.
        if (hidden(f.name) || (f.name !== 'LastModifiedDate' && Object.is(previous?.[f.name], record[f.name]))) continue;
        put(f.name, record[f.name]);
        changedFields.push(nameOf(f.name));
        if (record[f.name] === null) nulledFields.push(nameOf(f.name));
      }
    }
    payload.ChangeEventHeader = {
      entityName: event.entityName,
      recordIds: [record.Id],
      changeType,
      // Empty for changes made outside the API (the UI here), as Salesforce leaves it.
      changeOrigin: event.change.origin ?? '',
      transactionKey: transactionKeyOf(event.change.transaction),
      sequenceNumber: event.sequenceNumber,
      commitTimestamp: Date.parse(String(record.SystemModstamp).replace('+0000', 'Z')),
      commitNumber: event.commitNumber,
      commitUser: record.LastModifiedById,
      nulledFields,
      diffFields: [],
      changedFields,
    };
    return { schema: `emulator-${event.entityName}-v1`, payload, event: { replayId: event.replayId } };
  }

  private subscribe(client: StreamingClient, channel: string, replayFrom: number): void {
    const latest = this.nextReplayId - 1;
    const start = replayFrom === -2 ? 0 : replayFrom === -1 ? latest : replayFrom;
    client.subscriptions.set(channel, start);
    for (const event of this.retained()) if (event.replayId > start && this.channelsFor(event).includes(channel)) this.deliver(client, event);
  }

  private validChannel(channel: string): boolean {
    if (channel === '/data/ChangeEvents') return true;
    return this.org.schema.all().some((def) => changeEventChannel(def) === channel);
  }

  /** Answers whoever is waiting on /meta/connect, so the server can close without waiting 110 seconds. */
  releaseAll(): void {
    for (const client of this.clients.values()) client.wake?.();
  }

  reset(): void {
    this.events.length = 0;
    this.first = 0;
    this.releaseAll();
    this.clients.clear();
  }

  register(app: FastifyInstance, tokens: TokenIssuer): void {
    const advice = { timeout: this.connectTimeoutMs, interval: 0, reconnect: 'retry' };

    app.post('/cometd/:version', async (request) => {
      const messages = (Array.isArray(request.body) ? request.body : [request.body]) as BayeuxMessage[];
      const authorized = tokens.accepts(request.headers.authorization, this.org.config.strictTokens);
      const replies: Array<Record<string, unknown>> = [];
      for (const message of messages) {
        const base = { channel: message.channel, id: message.id, clientId: message.clientId };
        if (!authorized) {
          // The failure jsforce's AuthFailure extension looks for (Streaming API "Authentication failures").
          replies.push({ ...base, successful: false, error: '403::Handshake denied', ext: { sfdc: { failureReason: '401::Authentication invalid' } }, advice: { reconnect: 'none' } });
          continue;
        }
        if (message.channel === '/meta/handshake') {
          const clientId = randomUUID().replace(/-/g, '');
          this.clients.set(clientId, { subscriptions: new Map(), queue: [], connected: false });
          replies.push({ ...base, clientId, version: '1.0', minimumVersion: '1.0', supportedConnectionTypes: ['long-polling'], successful: true, advice, ext: { replay: true, 'payload.format': true } });
          continue;
        }
        const client = message.clientId ? this.clients.get(message.clientId) : undefined;
        if (!client) {
          replies.push({ ...base, successful: false, error: '403::Unknown client', advice: { reconnect: 'handshake', interval: 0 } });
          continue;
        }
        switch (message.channel) {
          case '/meta/subscribe': {
            const channel = message.subscription ?? '';
            if (!this.validChannel(channel)) {
              replies.push({ ...base, subscription: channel, successful: false, error: `400::The channel you requested to subscribe to does not exist {${channel}}` });
              break;
            }
            const requested = Number(message.ext?.replay?.[channel] ?? -1);
            const oldest = this.events[this.first]?.replayId ?? this.nextReplayId;
            if (!Number.isInteger(requested) || requested < -2 || (requested >= 0 && requested < oldest - 1 && requested !== 0)) {
              replies.push({ ...base, subscription: channel, successful: false, error: `400::The replayId {${String(requested)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.` });
              break;
            }
            this.subscribe(client, channel, requested);
            replies.push({ ...base, subscription: channel, successful: true });
            break;
          }
          case '/meta/unsubscribe':
            client.subscriptions.delete(message.subscription ?? '');
            replies.push({ ...base, subscription: message.subscription, successful: true });
            break;
          case '/meta/connect': {
            // The first connect is answered at once; later ones wait for events up to the advised timeout.
            if (client.connected && client.queue.length === 0) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, this.connectTimeoutMs);
                client.wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              client.wake = undefined;
            }
            client.connected = true;
            replies.push(...client.queue.splice(0), { ...base, successful: true, advice });
            break;
          }
          case '/meta/disconnect':
            if (message.clientId) this.clients.delete(message.clientId);
            client.wake?.();
            replies.push({ ...base, successful: true });
            break;
          default:
            replies.push({ ...base, successful: false, error: `400::Unsupported channel ${String(message.channel)}` });
        }
      }
      return replies;
    });
  }
}
