import { chunks, type StoreContext } from './context.ts';

/**
 * Deduplication of incoming events. HubSpot "does not guarantee that you'll only get a single notification for
 * an event" and retries deliveries for 24 hours; a Salesforce change event can arrive again after a
 * resubscribe. The receiver keys each event (e.g. a hash of its content) and applies only the new ones.
 * Across processes too: the key's uniqueness is the database's.
 */
export class ReceivedEventsRepository {
  constructor(private readonly context: StoreContext) {}

  /** Records the keys and returns those never seen before, in the order given. */
  async keepNew(eventKeys: readonly string[], now: Date): Promise<string[]> {
    const receivedAt = now.toISOString();
    const fresh = new Set<string>();
    for (const batch of chunks([...new Set(eventKeys)])) {
      const inserted = await this.context.db
        .insertInto('receivedEvents')
        .values(batch.map((eventKey) => ({ eventKey, receivedAt })))
        .onConflict((oc) => oc.column('eventKey').doNothing())
        .returning('eventKey')
        .execute();
      for (const row of inserted) fresh.add(row.eventKey);
    }
    return eventKeys.filter((key) => fresh.delete(key));
  }

  /** Forgets keys received before `cutoff`: past the vendors' redelivery horizon (24 h for HubSpot), keep a margin. */
  async pruneBefore(cutoff: Date): Promise<number> {
    const result = await this.context.db.deleteFrom('receivedEvents').where('receivedAt', '<', cutoff.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
