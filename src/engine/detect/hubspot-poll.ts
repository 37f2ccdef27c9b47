import { SEARCH_PAGE_LIMIT, type HubSpotClient, type HubSpotObject } from '../../connectors/hubspot/client.ts';
import { validOverlap, YieldedAtNewestTime, type PollCursor } from './cursor.ts';

/**
 * Change detection on HubSpot by polling CRM search on the modification date (SPEC §7: the safety net under
 * webhooks), with the same overlap window and checkpoint as Salesforce.
 *
 * Deletions do not show here: search never returns archived records. The engine learns them from the
 * `contact.deletion` (and `*.merge`) webhooks, which the trigger hub keeps with their meaning; listing archived
 * records (`GET /crm/v3/objects/{type}?archived=true`) is the fallback when a webhook is lost, but that listing
 * has no time filter or order, so it is a full scan for a reconciliation, not a per-cycle poll.
 */

/**
 * The property search filters and sorts on. HubSpot's search guide lists `lastmodifieddate` among the contacts'
 * default properties and `hs_lastmodifieddate` for companies, deals, tickets and custom objects
 * (https://developers.hubspot.com/docs/api/crm/search, "Searchable CRM objects"): contacts keep the legacy name
 * from the contacts API, and it is the one their search is documented with.
 */
export function hubspotModifiedProperty(objectType: string): 'lastmodifieddate' | 'hs_lastmodifieddate' {
  return objectType === 'contacts' || objectType === '0-1' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

export interface HubSpotChangedBatch {
  objectType: string;
  /** Records as searched, oldest change first, each with the modification property among its properties. */
  records: HubSpotObject[];
  /** To store once this batch is applied: the last record's modification time and id. */
  checkpoint: PollCursor;
}

export interface HubSpotChangePoll {
  /** `contacts`, `companies`, a custom object's type id … */
  objectType: string;
  properties: readonly string[];
  /** The stored checkpoint; null reads every record (an initial sync). */
  checkpoint: PollCursor | null;
  overlapMs?: number;
}

/** Search takes epoch milliseconds; zero stands for "since ever". */
const beginning = new Date(0);

function modifiedAt(record: HubSpotObject, property: string): number {
  const stamp = Date.parse(record.properties[property] ?? record.updatedAt);
  if (Number.isNaN(stamp)) throw new TypeError(`HubSpot record ${record.id} has no readable ${property}`);
  return stamp;
}

/**
 * Records modified since the checkpoint minus the overlap, as batches with the checkpoint to store after each.
 *
 * Paged by key, not by offset: each page is a fresh search from the newest modification time already yielded.
 * Search's `after` is an offset into a live index, so a record edited while a long poll pages moves to the end
 * and shifts the rest back, and the record that slides across the page boundary would be skipped, possibly
 * for good once the checkpoint has passed it. A fresh search from the newest time cannot skip anything; it costs
 * one call per page, plus a re-read of the records stamped with that newest time (one batch write's worth at
 * most, usually one record). Only when a whole page shares that one millisecond (a batch write stamps up to 100
 * records alike, an import more) does the poll page on by offset within that search to get past it; an edit
 * landing during that stretch can still shift a record past the poll, which the next poll's overlap catches only
 * if the shared millisecond is inside it.
 */
export async function* pollHubSpotChanges(client: HubSpotClient, poll: HubSpotChangePoll): AsyncGenerator<HubSpotChangedBatch> {
  const overlap = validOverlap(poll.overlapMs);
  const property = hubspotModifiedProperty(poll.objectType);
  const yielded = new YieldedAtNewestTime();
  let windowStart = poll.checkpoint ? new Date(Math.max(0, poll.checkpoint.time.getTime() - overlap)) : beginning;
  for (;;) {
    let movedPastWindowStart = false;
    let lastPage = false;
    for await (const page of client.searchModifiedSince(poll.objectType, windowStart, poll.properties, property)) {
      const records = page.filter((record) => {
        const stamp = modifiedAt(record, property);
        if (yielded.has(stamp, record.id)) return false;
        yielded.add(stamp, record.id);
        return true;
      });
      const last = records.at(-1);
      if (last) yield { objectType: poll.objectType, records, checkpoint: { time: new Date(modifiedAt(last, property)), lastId: last.id } };
      lastPage = page.length < SEARCH_PAGE_LIMIT;
      if (yielded.newest > windowStart.getTime()) {
        movedPastWindowStart = true;
        break;
      }
    }
    if (!movedPastWindowStart || lastPage) return;
    windowStart = new Date(yielded.newest);
  }
}
