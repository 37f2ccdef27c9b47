import type { Connection } from '@jsforce/jsforce-node';
import { StreamingExtension } from '@jsforce/jsforce-node/lib/api/streaming.js';

/**
 * Salesforce Change Data Capture over the Streaming API (CometD), through jsforce's streaming client and its
 * replay extension. Change events only say which records to look at sooner: polling stays the safety net, so
 * every gap this stream can have (lost retention, gap and overflow events, a dead subscription) ends in
 * "reconcile by polling", never in a silently skipped change.
 *
 * Streaming requests are not API calls on Salesforce's daily limit, and faye sends them outside jsforce's HTTP
 * transport, so they pass no meter.
 */

export type ChangeType =
  | 'CREATE'
  | 'UPDATE'
  | 'DELETE'
  | 'UNDELETE'
  | 'GAP_CREATE'
  | 'GAP_UPDATE'
  | 'GAP_DELETE'
  | 'GAP_UNDELETE'
  | 'GAP_OVERFLOW';

export interface SalesforceChangeEvent {
  entityName: string;
  /** Several ids when Salesforce merged identical changes into one event; none on GAP_OVERFLOW. */
  recordIds: string[];
  changeType: ChangeType;
  /** Fields an UPDATE changed (compound fields as `Name.FirstName`); empty for other change types. */
  changedFields: string[];
  commitTimestamp: Date;
  /** Opaque and not contiguous: store it to resume from, never compute with it. */
  replayId: number;
  transactionKey: string | null;
  sequenceNumber: number | null;
  /** `com/salesforce/api/<api>/<version>;client=<id>`: who wrote, for echo detection. */
  changeOrigin: string | null;
}

export const ALL_CHANGE_EVENTS_CHANNEL = '/data/ChangeEvents';

/**
 * The client id crmsync names on every Salesforce call (Sforce-Call-Options: client=crmsync). Salesforce copies it
 * into change events' changeOrigin, so crmsync's own writes can be told from everyone else's without a read.
 */
export const CRMSYNC_CALL_CLIENT = 'crmsync';

/** A change crmsync itself made: its event is an echo, and waking a cycle for it would only re-read what was written. */
export function isOwnChange(event: Pick<SalesforceChangeEvent, 'changeOrigin'>): boolean {
  return (event.changeOrigin ?? '').split(';').some((part) => part.trim() === `client=${CRMSYNC_CALL_CLIENT}`);
}

/** Replay presets of the Streaming API: -1 only events published after subscribing, -2 every retained event. */
export const REPLAY_NEW_EVENTS = -1;
export const REPLAY_ALL_RETAINED = -2;

export interface ChangeEventSubscriptionOptions {
  /** The jsforce connection: its instance URL and current access token open the CometD session. */
  connection: Connection;
  /** `/data/ChangeEvents` (every enabled object) or one object's `/data/LeadChangeEvent`. */
  channel?: string;
  /** The replayId of the last event the caller processed and stored; null starts with new events only. */
  replayFrom: number | null;
  /**
   * Events in replay order, one at a time: the next waits for the promise returned for the previous one. At least
   * once: after a re-subscription an event not yet handed over may come again.
   */
  onEvent: (event: SalesforceChangeEvent) => void | Promise<void>;
  /**
   * The stored replayId is no longer retained (72 hours), so events after it may be gone. The subscription has
   * moved on to new events only; the caller reconciles the lost span by polling from its checkpoints.
   */
  onReplayGap: (gap: { requestedReplayId: number; message: string }) => void;
  /** Each time the channel subscription is acknowledged, with the replay position it started from. */
  onSubscribed?: (replayFrom: number) => void;
  /** Anything else that broke the subscription; it is re-established after `retryDelayMs`. */
  onError?: (error: Error) => void;
  /** Delay before the n-th consecutive re-subscription (1-based); default doubling from 1 s to 60 s. */
  retryDelayMs?: (attempt: number) => number;
}

export interface ChangeEventSubscription {
  /** Resolves once the channel subscription is acknowledged (after any replay fallback). */
  readonly ready: Promise<void>;
  /** The replayId of the last event handed to onEvent, or the one subscribed from. */
  lastReplayId(): number | null;
  close(): Promise<void>;
}

interface BayeuxMessage {
  channel?: string;
  ext?: { sfdc?: { failureReason?: string }; replay?: Record<string, number> };
  successful?: boolean;
  error?: string;
  subscription?: string;
  advice?: { reconnect?: string };
  data?: { event?: { replayId?: number }; payload?: Record<string, unknown> };
}

interface FayeClient {
  addExtension(extension: unknown): void;
  subscribe(channel: string, listener: (data: BayeuxMessage['data']) => void): PromiseLike<unknown>;
  disconnect(): void;
}

const defaultRetryDelay = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 60_000);

/**
 * "400::The replayId {N} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to
 * replay only new events." is the Streaming API's answer to a replayId past retention (Streaming API Developer
 * Guide, "Message Durability"; the Pub/Sub API's equivalent is `…fetch.replayid.corrupted`).
 */
function isReplayIdRefusal(error: string | undefined): boolean {
  return /replay\s*id/i.test(error ?? '') && /invalid|corrupt/i.test(error ?? '');
}

export function toChangeEvent(data: BayeuxMessage['data']): SalesforceChangeEvent | null {
  const header = data?.payload?.ChangeEventHeader as Record<string, unknown> | undefined;
  const replayId = data?.event?.replayId;
  if (!header || typeof replayId !== 'number' || typeof header.entityName !== 'string') return null;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return {
    entityName: header.entityName,
    recordIds: strings(header.recordIds),
    changeType: String(header.changeType) as ChangeType,
    changedFields: strings(header.changedFields),
    commitTimestamp: new Date(Number(header.commitTimestamp)),
    replayId,
    transactionKey: typeof header.transactionKey === 'string' ? header.transactionKey : null,
    sequenceNumber: typeof header.sequenceNumber === 'number' ? header.sequenceNumber : null,
    changeOrigin: typeof header.changeOrigin === 'string' ? header.changeOrigin : null,
  };
}

/**
 * Subscribes to change events from a stored replayId. Transport errors are retried by faye itself (the server's
 * `advice`), and a re-handshake re-subscribes with the last replayId seen, through the replay extension. What
 * faye does not recover from is handled here: a refused subscription (checked on every `/meta/subscribe`
 * answer, since faye's own re-subscription after a re-handshake reports a refusal to no one) and a server that
 * says not to reconnect (an expired session). Both start a fresh client after a back-off, from the last
 * replayId delivered and with the connection's current access token.
 */
export function subscribeToChangeEvents(options: ChangeEventSubscriptionOptions): ChangeEventSubscription {
  const channel = options.channel ?? ALL_CHANGE_EVENTS_CHANNEL;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  let replayFrom = options.replayFrom ?? REPLAY_NEW_EVENTS;
  let lastDelivered: number | null = options.replayFrom;
  let client: FayeClient | null = null;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  /** Events handed over one after another, in replay order. */
  let delivering: Promise<void> = Promise.resolve();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const report = (error: Error) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error handler must not stop the re-subscription.
    }
  };

  const restart = (from: number, reason: Error | null) => {
    if (closed) return;
    client?.disconnect();
    client = null;
    replayFrom = from;
    if (reason === null) {
      start();
      return;
    }
    failures += 1;
    report(reason);
    retryTimer = setTimeout(start, retryDelay(failures));
    retryTimer.unref();
  };

  const watcher = (owner: () => FayeClient | null) => {
    /**
     * The position the last /meta/subscribe asked for, as sent: after a re-handshake faye re-subscribes by itself
     * with whatever the replay extension last saw, which is not the position this client was started from.
     */
    let requested = replayFrom;
    return {
      incoming(message: BayeuxMessage, callback: (message: BayeuxMessage) => void) {
        const mine = owner() === client;
        if (mine && message.channel === '/meta/subscribe' && message.subscription === channel) {
          if (message.successful) {
            failures = 0;
            markReady();
            try {
              options.onSubscribed?.(requested);
            } catch (error) {
              report(error as Error);
            }
          } else if (isReplayIdRefusal(message.error) && requested >= 0) {
            const requestedReplayId = requested;
            lastDelivered = null;
            // Resubscribe at once: the caller reconciles the lost span by polling, and the stream resumes now.
            queueMicrotask(() => restart(REPLAY_NEW_EVENTS, null));
            try {
              options.onReplayGap({ requestedReplayId, message: message.error ?? 'replayId refused' });
            } catch (error) {
              report(error as Error);
            }
          } else {
            const from = lastDelivered ?? replayFrom;
            queueMicrotask(() => restart(from, new Error(`change event subscription to ${channel} refused: ${message.error ?? 'no reason given'}`)));
          }
        } else if (mine && (message.channel === '/meta/handshake' || message.channel === '/meta/connect') && message.advice?.reconnect === 'none') {
          const reason = message.ext?.sfdc?.failureReason ?? message.error ?? 'the server said not to reconnect';
          const from = lastDelivered ?? replayFrom;
          queueMicrotask(() => restart(from, new Error(`change event stream stopped: ${reason}`)));
        }
        callback(message);
      },
      outgoing(message: BayeuxMessage, callback: (message: BayeuxMessage | null) => void) {
        const sent = message.ext?.replay?.[channel];
        if (message.channel === '/meta/subscribe' && typeof sent === 'number') requested = sent;
        // A replaced or closed client may still be handshaking; it must not come back to life.
        callback(owner() === client && !closed ? message : message.channel === '/meta/disconnect' ? message : null);
      },
    };
  };

  const start = () => {
    if (closed) return;
    let self: FayeClient | null = null;
    const replay = new StreamingExtension.Replay(channel, replayFrom);
    self = options.connection.streaming.createClient([replay, watcher(() => self)]) as unknown as FayeClient;
    client = self;
    self.subscribe(channel, (data) => {
      const event = toChangeEvent(data);
      if (!event || closed) return;
      delivering = delivering.then(async () => {
        if (closed) return;
        try {
          await options.onEvent(event);
        } catch (error) {
          // The stream moves on: the record this event named is still found by the next poll.
          report(error as Error);
        }
        lastDelivered = event.replayId;
      });
    });
  };

  start();

  return {
    ready,
    lastReplayId: () => lastDelivered,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const current = client;
      client = null;
      current?.disconnect();
      await delivering;
    },
  };
}
