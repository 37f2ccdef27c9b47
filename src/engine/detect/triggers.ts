import { isOwnChange, type SalesforceChangeEvent } from '../../connectors/salesforce/change-events.ts';

/**
 * The trigger hub: "look at these records sooner" hints from HubSpot webhooks and Salesforce change events,
 * coalesced per record until the engine's cycle takes them. A hint only brings a record forward; polling stays
 * on as the safety net, so a hint lost to a crash or a full hub costs latency, never the change. What the hints
 * carry beyond "changed" (a deletion, a merge, a restore) is kept, because search polling cannot see HubSpot
 * deletions and merges at all.
 */

export type HintSystem = 'salesforce' | 'hubspot';

/** What happened to a record, as far as a trigger tells. */
export type Happening = 'changed' | 'deleted' | 'restored' | 'merged' | 'merged_away' | 'association_changed';

export interface RecordHint {
  system: HintSystem;
  /** Salesforce sObject name (`Lead`) or HubSpot object type (`contacts`). */
  object: string;
  recordId: string;
  /** Each happening with the latest time the vendor says it happened: a deletion and a restore arrive in any order. */
  happenings: Partial<Record<Happening, Date>>;
  /** Fields or properties the triggers named as changed; empty when they did not say (a creation, a gap event). */
  changedFields: string[];
  /** On a HubSpot merge's surviving record: the records merged into it. */
  mergedIds?: string[];
  /** On a record merged away: the record that now stands for it. */
  mergedInto?: string;
}

/** A whole object to compare by polling: the triggers know something changed but not which records. */
export interface ReconciliationRequest {
  system: HintSystem;
  /** An object name, or null for every object of the system (a change-event stream that lost its place). */
  object: string | null;
  reason: string;
}

export interface TriggerBatch {
  records: RecordHint[];
  reconciliations: ReconciliationRequest[];
}

export interface TriggerHubOptions {
  /**
   * How long a webhook event's identity is remembered to drop redeliveries. HubSpot retries a notification for up
   * to 24 hours (webhooks guide, "Retries"); a little more covers a delivery started just before the horizon.
   */
  dedupeHorizonMs?: number;
  /** Most event identities remembered; the oldest are forgotten first (a forgotten one only costs a re-read). */
  dedupeCapacity?: number;
}

/**
 * What the hub reads of a verified HubSpot webhook event (webhooks guide, "Webhook payloads"). The receiver's
 * `HubSpotWebhookEvent` has these fields, so the hub is the server's `WebhookInbox` structurally, without the
 * engine depending on the server.
 */
export interface HubSpotWebhookNotice {
  subscriptionType: string;
  objectId: number;
  occurredAt: number;
  propertyName?: string | undefined;
  propertyValue?: string | undefined;
  primaryObjectId?: number | undefined;
  mergedObjectIds?: number[] | undefined;
  newObjectId?: number | undefined;
}

/** HubSpot's webhook object names, mapped to the CRM API's object types the pollers use. */
const hubspotObjectTypes: Record<string, string> = { contact: 'contacts', company: 'companies', deal: 'deals', ticket: 'tickets' };

function hubspotObjectType(subscriptionType: string): { objectType: string; event: string } {
  const [object = '', event = ''] = subscriptionType.split('.');
  return { objectType: hubspotObjectTypes[object] ?? object, event };
}

/**
 * HubSpot's `eventId` "is not guaranteed to be unique" (webhooks guide), so an event is known by what it says:
 * the subscription, the record, the property and value, and when it happened.
 */
export function webhookEventIdentity(event: HubSpotWebhookNotice): string {
  return JSON.stringify([event.subscriptionType, event.objectId, event.propertyName ?? null, event.propertyValue ?? null, event.occurredAt]);
}

const salesforceHappenings: Record<string, Happening> = {
  CREATE: 'changed',
  UPDATE: 'changed',
  DELETE: 'deleted',
  UNDELETE: 'restored',
  // Gap events carry ids but no fields: the record is read by id, as the CDC guide says to.
  GAP_CREATE: 'changed',
  GAP_UPDATE: 'changed',
  GAP_DELETE: 'deleted',
  GAP_UNDELETE: 'restored',
};

export class TriggerHub {
  private pending = new Map<string, RecordHint>();
  private reconciliations = new Map<string, ReconciliationRequest>();
  private readonly seenEvents = new Map<string, number>();
  private waiters: Array<() => void> = [];
  private readonly dedupeHorizonMs: number;
  private readonly dedupeCapacity: number;

  constructor(options: TriggerHubOptions = {}) {
    this.dedupeHorizonMs = options.dedupeHorizonMs ?? 25 * 60 * 60 * 1000;
    this.dedupeCapacity = options.dedupeCapacity ?? 200_000;
  }

  /**
   * Takes a verified webhook batch (the receiver answers HubSpot once this resolves). Redelivered events are
   * dropped; the rest become hints.
   */
  async accept(events: readonly HubSpotWebhookNotice[], receivedAt: Date): Promise<void> {
    this.forgetEventsBefore(receivedAt.getTime() - this.dedupeHorizonMs);
    for (const event of events) {
      const identity = webhookEventIdentity(event);
      if (this.seenEvents.has(identity)) continue;
      this.rememberEvent(identity, receivedAt.getTime());
      this.hintFromWebhook(event);
    }
    this.wake();
  }

  /** Takes one Salesforce change event (the caller stores its replayId once the hint is taken care of). */
  acceptChangeEvent(event: SalesforceChangeEvent): void {
    if (event.changeType === 'GAP_OVERFLOW') {
      // Over 100,000 changes in one transaction: no ids at all, only the object (CDC guide, "Overflow Events").
      this.requestReconciliation({ system: 'salesforce', object: event.entityName, reason: 'change event overflow: too many changes in one transaction to list' });
      return;
    }
    // crmsync's own write coming back: what it would wake a cycle to read is what was just written (and recorded).
    if (isOwnChange(event)) return;
    const happening = salesforceHappenings[event.changeType] ?? 'changed';
    for (const recordId of event.recordIds) {
      this.hint('salesforce', event.entityName, recordId, happening, event.commitTimestamp, happening === 'changed' ? event.changedFields : []);
    }
    this.wake();
  }

  /** An object (or a whole system) to compare by polling, e.g. after a change-event stream lost its replay position. */
  requestReconciliation(request: ReconciliationRequest): void {
    this.reconciliations.set(JSON.stringify([request.system, request.object]), request);
    this.wake();
  }

  /** Everything pending, taken at once; empty when nothing is. */
  take(): TriggerBatch {
    const batch: TriggerBatch = { records: [...this.pending.values()], reconciliations: [...this.reconciliations.values()] };
    this.pending = new Map();
    this.reconciliations = new Map();
    return batch;
  }

  get size(): number {
    return this.pending.size + this.reconciliations.size;
  }

  /**
   * Waits until something is pending, then takes it all. Hints that arrive while the cycle is busy wait here,
   * coalesced, and the next call returns at once. An aborted signal (the poll interval elapsing, shutdown)
   * returns whatever is pending, possibly nothing.
   */
  async next(options: { signal?: AbortSignal } = {}): Promise<TriggerBatch> {
    const { signal } = options;
    while (this.size === 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          this.waiters = this.waiters.filter((waiter) => waiter !== done);
          resolve();
        };
        this.waiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    return this.take();
  }

  private wake(): void {
    if (this.size === 0) return;
    for (const waiter of [...this.waiters]) waiter();
  }

  private hintFromWebhook(event: HubSpotWebhookNotice): void {
    const { objectType, event: kind } = hubspotObjectType(event.subscriptionType);
    const at = new Date(event.occurredAt);
    const recordId = String(event.objectId);
    switch (kind) {
      case 'propertyChange':
        this.hint('hubspot', objectType, recordId, 'changed', at, event.propertyName ? [event.propertyName] : []);
        return;
      case 'deletion':
      case 'privacyDeletion':
        this.hint('hubspot', objectType, recordId, 'deleted', at, []);
        return;
      case 'restore':
        this.hint('hubspot', objectType, recordId, 'restored', at, []);
        return;
      case 'associationChange':
        this.hint('hubspot', objectType, recordId, 'association_changed', at, []);
        return;
      case 'merge': {
        // `newObjectId` is the record that stands after the merge; HubSpot sometimes mints a new one.
        const survivor = String(event.newObjectId ?? event.primaryObjectId ?? event.objectId);
        const merged = [event.primaryObjectId, ...(event.mergedObjectIds ?? [])].filter((id): id is number => id !== undefined).map(String).filter((id) => id !== survivor);
        const hint = this.hint('hubspot', objectType, survivor, 'merged', at, []);
        hint.mergedIds = [...new Set([...(hint.mergedIds ?? []), ...merged])];
        for (const id of merged) this.hint('hubspot', objectType, id, 'merged_away', at, []).mergedInto = survivor;
        return;
      }
      default:
        // creation, and any event type HubSpot adds later: look at the record.
        this.hint('hubspot', objectType, recordId, 'changed', at, []);
    }
  }

  private hint(system: HintSystem, object: string, recordId: string, happening: Happening, at: Date, fields: readonly string[]): RecordHint {
    const key = JSON.stringify([system, object, recordId]);
    let hint = this.pending.get(key);
    if (!hint) {
      hint = { system, object, recordId, happenings: {}, changedFields: [] };
      this.pending.set(key, hint);
    }
    const previous = hint.happenings[happening];
    if (!previous || previous < at) hint.happenings[happening] = at;
    for (const field of fields) if (!hint.changedFields.includes(field)) hint.changedFields.push(field);
    return hint;
  }

  private rememberEvent(identity: string, at: number): void {
    this.seenEvents.set(identity, at);
    // Map keeps insertion order, which is receipt order: the first entries are the oldest.
    while (this.seenEvents.size > this.dedupeCapacity) {
      const oldest = this.seenEvents.keys().next().value as string;
      this.seenEvents.delete(oldest);
    }
  }

  private forgetEventsBefore(cutoff: number): void {
    for (const [identity, at] of this.seenEvents) {
      if (at >= cutoff) break;
      this.seenEvents.delete(identity);
    }
  }
}
