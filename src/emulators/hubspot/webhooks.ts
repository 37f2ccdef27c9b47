import { createHash, createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defaultPortalId } from './emulator.ts';
import type { HubSpotChange, HubSpotEmulatorModule, HubSpotObjectType, HubSpotRecordReader } from './ports.ts';

/**
 * Webhook delivery as HubSpot's app webhooks do it (https://developers.hubspot.com/docs/api-reference/
 * webhooks-webhooks-v3/guide): each change the record store announces becomes an event for every matching
 * subscription; events are POSTed to the one configured target URL as JSON arrays of up to 100, signed with
 * signature v1 and v3, and failed deliveries are retried with back-off. Configuration is admin-only
 * (`/__emulator/webhooks`): HubSpot sets it in the app's settings, not through the CRM API.
 */

/** The legacy CRM objects whose webhooks are named `{object}.{event}`, by the store's type name. */
const webhookObjects: Record<string, string> = { contacts: 'contact', companies: 'company', deals: 'deal', tickets: 'ticket' };
const eventKinds = ['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'associationChange'] as const;
type EventKind = (typeof eventKinds)[number];

/** Type ids that mark a Primary association (contact/deal/ticket to company and back), for `isPrimaryAssociation`. */
const primaryTypeIds = new Set([1, 2, 5, 6, 25, 26]);

/**
 * HubSpot retries a failed notification up to 10 times, spread over the next 24 hours with randomised delays
 * (webhooks guide, "Retries"): connection failures, timeouts over 5 seconds and 5xx answers are retried,
 * 4xx answers are not, except 429 (the exception HubSpot's workflow-webhook rules spell out; app webhooks are
 * assumed to honour a receiver's rate limit the same way). The emulator keeps the count and the rule but compresses the schedule to
 * `retryBaseMs` doubling per attempt (capped at `retryMaxMs`), so a test sees a retry in milliseconds.
 */
const deliveryTimeoutMs = 5_000;

const subscriptionPattern = /^(contact|company|deal|ticket)\.(\*|creation|deletion|propertyChange|merge|restore|associationChange)$/;

const configSchema = z.object({
  targetUrl: z
    .url({ protocol: /^https?$/ })
    // The emulator holds demo customer data and answers to no real portal: it delivers to this machine only,
    // so a misconfigured target can never post that data to (or probe) another host.
    .refine((url) => isLoopback(new URL(url).hostname), { message: 'targetUrl must be on loopback (localhost, 127.0.0.0/8 or [::1])' }),
  clientSecret: z.string().min(1),
  appId: z.number().int().positive().default(1_160_452),
  portalId: z.number().int().positive().default(defaultPortalId),
  subscriptions: z.array(z.string().regex(subscriptionPattern, 'must be {contact|company|deal|ticket}.{creation|deletion|propertyChange|merge|restore|associationChange|*}')).min(1),
  /** Properties a propertyChange subscription listens to, per object ("contact": ["email"]); all when absent. */
  propertyNames: z.record(z.string(), z.array(z.string().min(1))).optional(),
  maxBatch: z.number().int().min(1).max(100).default(100),
  flushMs: z.number().int().min(0).max(60_000).default(100),
  maxAttempts: z.number().int().min(1).max(10).default(10),
  retryBaseMs: z.number().int().min(0).max(3_600_000).default(1_000),
  retryMaxMs: z.number().int().min(0).max(86_400_000).default(3_600_000),
});

export type WebhookConfig = z.infer<typeof configSchema>;

export interface WebhookSubscription {
  subscriptionId: number;
  subscriptionType: string;
}

/** One event as HubSpot sends it; fields beyond the common ones depend on the subscription type. */
export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  changeFlag?: string;
  propertyName?: string;
  propertyValue?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
}

export interface WebhookDelivery {
  deliveryId: number;
  at: string;
  url: string;
  attemptNumber: number;
  /** The HTTP status the target answered, or null when no answer came (connection refused, timeout). */
  status: number | null;
  error?: string;
  outcome: 'delivered' | 'retrying' | 'failed';
  events: WebhookEvent[];
}

export interface WebhooksSnapshot {
  config: WebhookConfig | null;
  nextEventId: number;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The URI as HubSpot signs it: the characters of its table ("Validating the v3 request signature", request
 * validation guide) decoded, so a receiver that decodes them before checking, as the guide tells it to, agrees.
 */
const decodedInSignature: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};
const signedUri = (uri: string) => uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => decodedInSignature[match.toUpperCase()] ?? match);

/** `base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp))`: HubSpot's signature v3. */
export function signatureV3(clientSecret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac('sha256', clientSecret).update(`${method}${signedUri(uri)}${body}${timestamp}`).digest('base64');
}

/** `hex(SHA-256(clientSecret + body))`: signature v1, which HubSpot still sends on app webhooks. */
export function signatureV1(clientSecret: string, body: string): string {
  return createHash('sha256').update(`${clientSecret}${body}`).digest('hex');
}

const asNumber = (id: string): number => Number(id);

const singular = (type: HubSpotObjectType) => (type.endsWith('ies') ? `${type.slice(0, -3)}y` : type.replace(/s$/, ''));

/** How many deliveries the admin log keeps: enough for a test or a demo, bounded for a long benchmark. */
const logLimit = 1_000;

/** The events carry everything a subscriber gets (ids, the changed value), so the reader is not consulted. */
export function createWebhooksModule(_reader: HubSpotRecordReader): HubSpotEmulatorModule<WebhooksSnapshot> {
  let config: WebhookConfig | null = null;
  let subscriptions: WebhookSubscription[] = [];
  let queue: WebhookEvent[] = [];
  let log: WebhookDelivery[] = [];
  let nextEventId = 1;
  let nextDeliveryId = 1;
  let flushTimer: NodeJS.Timeout | undefined;
  const retryTimers = new Set<NodeJS.Timeout>();
  /** Deliveries run one after another, so the target sees batches in the order the changes happened. */
  let sending: Promise<void> = Promise.resolve();
  /** Bumped by reset and reconfiguration: a delivery or retry of an older generation is dropped. */
  let generation = 0;

  const configure = (input: WebhookConfig) => {
    stop();
    config = input;
    let id = 1;
    subscriptions = input.subscriptions.flatMap((s) => {
      const [object, kind] = s.split('.') as [string, string];
      return (kind === '*' ? eventKinds : [kind]).map((k) => ({ subscriptionId: id++, subscriptionType: `${object}.${k}` }));
    });
    // A subscription named twice (contact.* and contact.creation) delivers once.
    subscriptions = subscriptions.filter((s, i) => subscriptions.findIndex((o) => o.subscriptionType === s.subscriptionType) === i);
  };

  const stop = () => {
    generation += 1;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    for (const timer of retryTimers) clearTimeout(timer);
    retryTimers.clear();
    queue = [];
  };

  const subscribed = (object: string, kind: EventKind) => subscriptions.find((s) => s.subscriptionType === `${object}.${kind}`);

  const listensTo = (object: string, propertyName: string) => {
    const names = config?.propertyNames?.[object] ?? config?.propertyNames?.[`${object}.propertyChange`];
    return names === undefined || names.includes(propertyName);
  };

  const enqueue = (object: string, kind: EventKind, fields: Omit<WebhookEvent, 'eventId' | 'subscriptionId' | 'portalId' | 'appId' | 'occurredAt' | 'subscriptionType' | 'attemptNumber' | 'changeSource'>) => {
    const subscription = subscribed(object, kind);
    if (!config || !subscription) return;
    queue.push({
      eventId: nextEventId++,
      subscriptionId: subscription.subscriptionId,
      portalId: config.portalId,
      appId: config.appId,
      occurredAt: Date.now(),
      subscriptionType: subscription.subscriptionType,
      attemptNumber: 0,
      // The record store's change feed does not say who wrote: every change reads as an API write.
      changeSource: 'API',
      ...fields,
    });
    schedule();
  };

  const schedule = () => {
    if (!config) return;
    if (queue.length >= config.maxBatch) {
      void flush();
      return;
    }
    if (!flushTimer) {
      flushTimer = setTimeout(flush, config.flushMs);
      flushTimer.unref();
    }
  };

  /** Sends everything queued, in batches of `maxBatch`; resolves when those deliveries have been attempted once. */
  const flush = (): Promise<void> => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (!config) return sending;
    const batches: WebhookEvent[][] = [];
    while (queue.length > 0) batches.push(queue.splice(0, config.maxBatch));
    const current = generation;
    for (const batch of batches) sending = sending.then(() => deliver(batch, 0, current));
    return sending;
  };

  const deliver = async (events: WebhookEvent[], attemptNumber: number, ofGeneration: number): Promise<void> => {
    if (!config || ofGeneration !== generation) return;
    const target = config;
    const payload = events.map((e) => ({ ...e, attemptNumber }));
    const body = JSON.stringify(payload);
    const timestamp = Date.now();
    const entry: WebhookDelivery = { deliveryId: nextDeliveryId++, at: new Date(timestamp).toISOString(), url: target.targetUrl, attemptNumber, status: null, outcome: 'failed', events: payload };
    let retryable: boolean;
    try {
      // The one place the emulator opens a connection: to the configured target URL, never elsewhere.
      const response = await fetch(target.targetUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - crmsync emulator',
          'x-hubspot-signature': signatureV1(target.clientSecret, body),
          'x-hubspot-signature-version': 'v1',
          'x-hubspot-signature-v3': signatureV3(target.clientSecret, 'POST', target.targetUrl, body, timestamp),
          'x-hubspot-request-timestamp': String(timestamp),
          'x-hubspot-timeout-millis': String(deliveryTimeoutMs),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(deliveryTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      entry.status = response.status;
      retryable = response.status >= 500 || response.status === 429;
      if (response.ok) entry.outcome = 'delivered';
    } catch (error) {
      entry.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      retryable = true;
    }
    if (ofGeneration !== generation) return;
    if (entry.outcome !== 'delivered' && retryable && attemptNumber + 1 < target.maxAttempts) {
      entry.outcome = 'retrying';
      const delay = Math.min(target.retryBaseMs * 2 ** attemptNumber, target.retryMaxMs);
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        sending = sending.then(() => deliver(events, attemptNumber + 1, ofGeneration));
      }, delay);
      timer.unref();
      retryTimers.add(timer);
    }
    log.push(entry);
    if (log.length > logLimit) log = log.slice(-logLimit);
  };

  const onChange = (change: HubSpotChange) => {
    if (!config) return;
    switch (change.kind) {
      case 'creation':
      case 'restore': {
        const object = webhookObjects[change.record.objectType];
        if (object) enqueue(object, change.kind, { objectId: asNumber(change.record.id), changeFlag: change.kind === 'creation' ? 'CREATED' : 'RESTORED' });
        return;
      }
      case 'propertyChange': {
        const object = webhookObjects[change.record.objectType];
        if (object && listensTo(object, change.propertyName)) {
          enqueue(object, 'propertyChange', { objectId: asNumber(change.record.id), propertyName: change.propertyName, propertyValue: change.propertyValue ?? '' });
        }
        return;
      }
      case 'deletion': {
        const object = webhookObjects[change.objectType];
        if (object) enqueue(object, 'deletion', { objectId: asNumber(change.id), changeFlag: 'DELETED' });
        return;
      }
      case 'merge': {
        const object = webhookObjects[change.objectType];
        if (object) {
          enqueue(object, 'merge', {
            objectId: asNumber(change.newId),
            changeFlag: 'MERGED',
            primaryObjectId: asNumber(change.primaryId),
            // The secondaries only: when the merge minted a new record, the primary is gone too but is named above.
            mergedObjectIds: change.mergedIds.filter((id) => id !== change.primaryId).map(asNumber),
            newObjectId: asNumber(change.newId),
            numberOfPropertiesMoved: 0,
          });
        }
        return;
      }
      case 'associationChange': {
        const object = webhookObjects[change.fromObjectType];
        const toObject = webhookObjects[change.toObjectType] ?? singular(change.toObjectType);
        if (object) {
          enqueue(object, 'associationChange', {
            objectId: asNumber(change.fromId),
            associationType: `${object}_TO_${toObject}`.toUpperCase(),
            fromObjectId: asNumber(change.fromId),
            toObjectId: asNumber(change.toId),
            associationRemoved: change.removed,
            isPrimaryAssociation: primaryTypeIds.has(change.associationTypeId),
          });
        }
        return;
      }
    }
  };

  const register = (app: FastifyInstance) => {
    app.post('/__emulator/webhooks', async (request) => {
      configure(configSchema.parse(request.body));
      return describe();
    });
    app.get('/__emulator/webhooks', async () => describe());
    app.delete('/__emulator/webhooks', async (_request, reply) => {
      stop();
      config = null;
      subscriptions = [];
      return reply.code(204).send();
    });
    /** Sends what is queued now and answers once each batch has had its first attempt. */
    app.post('/__emulator/webhooks/flush', async () => {
      await flush();
      return { deliveries: log.length, pending: queue.length };
    });
    app.get('/__emulator/webhooks/deliveries', async () => ({ results: log, pending: queue.length, retrying: retryTimers.size }));
    app.addHook('onClose', async () => stop());
  };

  /** The settings as configured, without the client secret (the admin API is not a place to read secrets back). */
  const describe = () => {
    if (!config) return { configured: false, subscriptions: [] };
    const { clientSecret: _secret, ...visible } = config;
    return { configured: true, ...visible, subscriptions };
  };

  return {
    name: 'webhooks',
    register,
    onChange,
    state: {
      reset() {
        stop();
        config = null;
        subscriptions = [];
        log = [];
        nextEventId = 1;
        nextDeliveryId = 1;
      },
      snapshot: () => ({ config, nextEventId }),
      restore(snapshot) {
        stop();
        config = null;
        subscriptions = [];
        if (snapshot.config) configure(snapshot.config);
        nextEventId = snapshot.nextEventId;
      },
    },
  };
}
