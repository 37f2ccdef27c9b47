import type { HubSpotChange, HubSpotObjectType, HubSpotRecordReader, HubSpotRecordView } from './ports.ts';
import { HubSpotApiError, invalidPropertyValues, notFound, type PropertyValueProblem } from './errors.ts';
import type { HubSpotSchema, NormalisedValues, ObjectTypeDefinition } from './schema.ts';

/**
 * The emulator's records: maps by id per object type, a lower-cased email index for contacts and an index per
 * unique property, per-property history with timestamps, and the change feed the modules (webhooks, lists)
 * listen to. Ids are one counter across all types, as HubSpot's are unique enough that an association body
 * naming only `to.id` identifies the record.
 */

export interface HistoryEntry {
  value: string;
  timestamp: number;
  sourceType: string;
  sourceId?: string;
}

export interface StoredRecord {
  id: string;
  objectType: string;
  values: Record<string, string>;
  /** Oldest first; the API returns it newest first. */
  history: Record<string, HistoryEntry[]>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

/** Who wrote a value: the API (crmsync), an import (the seed), or a merge. */
export interface WriteSource {
  sourceType: 'API' | 'IMPORT' | 'MERGE' | 'CRM_UI';
  sourceId?: string;
}

/** Marks a unique value claimed by an earlier input of the same batch, which has no record id yet. */
const CLAIMED_IN_THIS_BATCH = '\u0000claimed-in-this-batch';

export interface StoreSnapshot {
  nextId: number;
  lastTimestamp: number;
  records: StoredRecord[];
  mergedInto: Record<string, string>;
}

/** Properties the store maintains itself; changes to them are not announced (HubSpot's webhooks cannot subscribe to them). */
const timestampProperties = new Set(['createdate', 'lastmodifieddate', 'hs_lastmodifieddate', 'hs_createdate']);

const firstId = 1001;

export class HubSpotStore implements HubSpotRecordReader {
  private byType = new Map<string, Map<string, StoredRecord>>();
  /** Ids per type in creation order, which is ascending numeric order: `after` cursors binary-search it. */
  private order = new Map<string, string[]>();
  private typeOfId = new Map<string, string>();
  private emailIndex = new Map<string, string>();
  private uniqueIndex = new Map<string, Map<string, string>>();
  private mergedInto = new Map<string, string>();
  private nextId = firstId;
  private lastTimestamp = 0;
  private listeners: Array<(change: HubSpotChange) => void> = [];
  /** Bumped by every write, so a cached search result knows it is stale. */
  version = 0;

  constructor(
    readonly schema: HubSpotSchema,
    private readonly ownerExists: (ownerId: string) => boolean,
  ) {}

  onChange(listener: (change: HubSpotChange) => void): void {
    this.listeners.push(listener);
  }

  private emit(change: HubSpotChange): void {
    this.version += 1;
    for (const listener of this.listeners) listener(change);
  }

  /**
   * The time of one write. Strictly increasing, so that a later write always has a later
   * `hs_lastmodifieddate` even within one millisecond: the sync compares per-field change times.
   */
  tick(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }

  reset(): void {
    this.byType.clear();
    this.order.clear();
    this.typeOfId.clear();
    this.emailIndex.clear();
    this.uniqueIndex.clear();
    this.mergedInto.clear();
    this.nextId = firstId;
    this.version += 1;
  }

  // ---- HubSpotRecordReader -------------------------------------------------------------------------

  resolveObjectType(nameOrId: string): HubSpotObjectType | undefined {
    return this.schema.resolve(nameOrId);
  }

  objectTypeId(objectType: HubSpotObjectType): string {
    const type = this.schema.get(objectType);
    if (!type) throw new Error(`unknown HubSpot object type ${objectType}`);
    return type.objectTypeId;
  }

  get(objectType: HubSpotObjectType, id: string): HubSpotRecordView | undefined {
    const record = this.find(objectType, id);
    return record && view(record);
  }

  *scan(objectType: HubSpotObjectType): Iterable<HubSpotRecordView> {
    for (const record of this.records(objectType).values()) yield view(record);
  }

  // ---- reads -----------------------------------------------------------------------------------------

  records(objectType: string): Map<string, StoredRecord> {
    let records = this.byType.get(objectType);
    if (!records) {
      records = new Map();
      this.byType.set(objectType, records);
      this.order.set(objectType, []);
    }
    return records;
  }

  count(objectType: string): { active: number; archived: number } {
    let archived = 0;
    const records = this.records(objectType);
    for (const record of records.values()) if (record.archived) archived += 1;
    return { active: records.size - archived, archived };
  }

  /** A record by id, following merges: a merged-away id answers with the record it was merged into. */
  find(objectType: string, id: string): StoredRecord | undefined {
    const records = this.records(objectType);
    let current = id;
    for (let hops = 0; hops < 100; hops += 1) {
      const record = records.get(current);
      if (record) return record;
      const next = this.mergedInto.get(current);
      if (next === undefined) return undefined;
      current = next;
    }
    return undefined;
  }

  typeOf(id: string): string | undefined {
    return this.typeOfId.get(id);
  }

  /** Looks a record up by a unique property (email is case-insensitive, as HubSpot matches it). */
  findByUnique(type: ObjectTypeDefinition, propertyName: string, value: string): StoredRecord | undefined {
    if (propertyName === 'hs_object_id') {
      const record = this.find(type.name, value);
      return record && !record.archived ? record : undefined;
    }
    const id = type.name === 'contacts' && propertyName === 'email' ? this.emailIndex.get(value.trim().toLowerCase()) : this.uniqueIndex.get(`${type.name}\u0000${propertyName}`)?.get(value);
    const record = id === undefined ? undefined : this.records(type.name).get(id);
    return record && !record.archived ? record : undefined;
  }

  /** One page of a type in id order, after the `after` cursor (an id). */
  page(objectType: string, options: { after?: string; limit: number; archived: boolean }): { records: StoredRecord[]; nextAfter?: string } {
    const ids = this.order.get(objectType) ?? [];
    const records = this.records(objectType);
    let start = 0;
    if (options.after !== undefined && options.after !== '') {
      const after = Number(options.after);
      let low = 0;
      let high = ids.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (Number(ids[mid]) <= after) low = mid + 1;
        else high = mid;
      }
      start = low;
    }
    const page: StoredRecord[] = [];
    let index = start;
    for (; index < ids.length && page.length < options.limit; index += 1) {
      const record = records.get(ids[index] as string);
      if (record && record.archived === options.archived) page.push(record);
    }
    let more = false;
    for (let probe = index; probe < ids.length; probe += 1) {
      const record = records.get(ids[probe] as string);
      if (record && record.archived === options.archived) {
        more = true;
        break;
      }
    }
    const last = page[page.length - 1];
    return { records: page, ...(more && last ? { nextAfter: last.id } : {}) };
  }

  // ---- validation --------------------------------------------------------------------------------------

  /**
   * Validates one write and returns the values to store, or the error HubSpot answers with. `pending`
   * holds unique values claimed earlier in the same batch, so a batch cannot create two contacts with one email.
   */
  checkWrite(
    type: ObjectTypeDefinition,
    input: Record<string, unknown>,
    existing: StoredRecord | undefined,
    pending?: Map<string, string>,
  ): { values: NormalisedValues } | { error: HubSpotApiError } {
    const { values, problems } = this.schema.normaliseValues(type, input);
    const owner = values.hubspot_owner_id;
    if (owner && !this.ownerExists(owner)) {
      problems.push({ isValid: false, message: `${owner} is not a valid owner id`, error: 'INVALID_OWNER_ID', name: 'hubspot_owner_id' });
    }
    if (!existing) {
      const missing: PropertyValueProblem[] = type.requiredProperties
        .filter((name) => !values[name])
        .map((name) => ({ isValid: false, message: `${name} is required`, error: 'REQUIRED_FIELD', name }));
      problems.push(...missing);
    }
    if (problems.length > 0) return { error: invalidPropertyValues(problems) };
    for (const [name, value] of Object.entries(values)) {
      if (value === '') continue;
      const property = type.properties.get(name);
      if (!property?.hasUniqueValue) continue;
      const key = type.name === 'contacts' && name === 'email' ? value.toLowerCase() : value;
      const holder = this.findByUnique(type, name, value)?.id ?? pending?.get(`${name}\u0000${key}`);
      if (holder === CLAIMED_IN_THIS_BATCH) {
        // No record holds the value yet, so there is no "Existing ID" to name: clients parse that number to link
        // to the holder, and a non-number there would send them after a record that does not exist.
        const message = `${name} "${value}" appears more than once in this batch; each ${type.singular} needs its own`;
        return { error: new HubSpotApiError(409, 'CONFLICT', message, { context: { [name]: [value] } }) };
      }
      if (holder !== undefined && holder !== existing?.id) {
        const message =
          type.name === 'contacts' && name === 'email'
            ? `Contact already exists. Existing ID: ${holder}`
            : `A ${type.singular} with ${name} "${value}" already exists. Existing ID: ${holder}`;
        return { error: new HubSpotApiError(409, 'CONFLICT', message, { context: { [name]: [value] } }) };
      }
      pending?.set(`${name}\u0000${key}`, existing?.id ?? CLAIMED_IN_THIS_BATCH);
    }
    return { values };
  }

  // ---- writes ------------------------------------------------------------------------------------------

  /** Creates a record from already validated values. */
  /**
   * `announce`: 'all' (the default) sends the creation and a propertyChange per property; 'creation' only the
   * creation, which is what bulk seeds send (listeners see every record at a fifth of the cost); 'none' nothing,
   * for a record whose associations are checked before it is announced.
   */
  create(type: ObjectTypeDefinition, values: NormalisedValues, source: WriteSource, at: number, options: { announce?: 'all' | 'creation' | 'none' } = {}): StoredRecord {
    const id = String(this.nextId++);
    const iso = new Date(at).toISOString();
    const record: StoredRecord = { id, objectType: type.name, values: {}, history: {}, createdAt: at, updatedAt: at, archived: false };
    const createdate = values.createdate || iso;
    this.setValue(record, 'hs_object_id', id, at, source);
    this.setValue(record, 'createdate', createdate, at, source);
    if (type.properties.has('hs_createdate')) this.setValue(record, 'hs_createdate', createdate, at, source);
    for (const [name, value] of Object.entries(values)) {
      if (name !== 'createdate' && value !== '') this.setValue(record, name, value, at, source);
    }
    this.touch(type, record, at, source);
    this.records(type.name).set(id, record);
    this.order.get(type.name)?.push(id);
    this.typeOfId.set(id, type.name);
    this.index(type, record);
    this.version += 1;
    const announce = options.announce ?? 'all';
    if (announce === 'creation') this.emit({ kind: 'creation', record: view(record, true) });
    else if (announce === 'all') this.announceCreation(record);
    return record;
  }

  /** Tells the listeners about a record created unannounced (its associations were checked first). */
  announceCreation(record: StoredRecord): void {
    const snapshot = view(record, true);
    this.emit({ kind: 'creation', record: snapshot });
    // HubSpot also announces each property set at creation (contact.propertyChange follows contact.creation).
    for (const [name, value] of Object.entries(record.values)) {
      if (!timestampProperties.has(name) && name !== 'hs_object_id') this.emit({ kind: 'propertyChange', record: snapshot, propertyName: name, propertyValue: value });
    }
  }

  /** Forgets an unannounced record as if it had never been written. */
  discard(type: ObjectTypeDefinition, record: StoredRecord): void {
    this.unindex(type, record);
    this.records(type.name).delete(record.id);
    this.typeOfId.delete(record.id);
    const order = this.order.get(type.name);
    if (order?.[order.length - 1] === record.id) order.pop();
    this.version += 1;
  }

  /** Applies validated values; unchanged values leave no history and no change event. Returns the changed names. */
  update(type: ObjectTypeDefinition, record: StoredRecord, values: NormalisedValues, source: WriteSource, at: number): string[] {
    this.unindex(type, record);
    const changed: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      if ((record.values[name] ?? '') === value) continue;
      this.setValue(record, name, value, at, source);
      changed.push(name);
    }
    if (changed.length > 0) this.touch(type, record, at, source);
    this.index(type, record);
    this.version += 1;
    if (changed.length > 0) {
      const snapshot = view(record, true);
      for (const name of changed) this.emit({ kind: 'propertyChange', record: snapshot, propertyName: name, propertyValue: record.values[name] ?? null });
    }
    return changed;
  }

  archive(type: ObjectTypeDefinition, record: StoredRecord, at: number): void {
    if (record.archived) return;
    this.unindex(type, record);
    record.archived = true;
    record.archivedAt = at;
    record.updatedAt = at;
    this.emit({ kind: 'deletion', objectType: type.name, id: record.id });
  }

  /**
   * Brings an archived record back (HubSpot restores deleted records for 90 days), unless another live record
   * has taken one of its unique values meanwhile.
   */
  restoreArchived(type: ObjectTypeDefinition, record: StoredRecord, at: number): void {
    if (!record.archived) return;
    for (const property of type.properties.values()) {
      const value = record.values[property.name];
      const holder = property.hasUniqueValue && value ? this.findByUnique(type, property.name, value) : undefined;
      if (holder && holder.id !== record.id) {
        throw new HubSpotApiError(409, 'CONFLICT', `Cannot restore ${record.id}: ${property.name} ${value} now belongs to ${holder.id}. Existing ID: ${holder.id}`);
      }
    }
    record.archived = false;
    delete record.archivedAt;
    record.updatedAt = at;
    this.index(type, record);
    this.emit({ kind: 'restore', record: view(record, true) });
  }

  /**
   * Merges `mergedId` into `primaryId`. Contacts and companies merge into a NEW record with a new id, as HubSpot
   * does since its 2024 change ("Updated merge functionality for contacts and companies", developer changelog):
   * the primary's values are current, the merged record's fill what the primary lacks, both histories are kept,
   * `hs_merged_object_ids` lists both old ids, and both old ids keep resolving to the new record. The merge
   * webhook names it `newObjectId`. Other types keep the primary's id. A contact keeps the merged email as an
   * additional email. The oldest create date stays.
   */
  merge(type: ObjectTypeDefinition, primaryId: string, mergedId: string): StoredRecord {
    const primary = this.find(type.name, primaryId);
    const merged = this.find(type.name, mergedId);
    if (!primary || primary.archived) throw notFound(`Object not found. objectId are usually numeric.`, { id: [primaryId] });
    if (!merged || merged.archived) throw notFound(`Object not found. objectId are usually numeric.`, { id: [mergedId] });
    if (primary.id === merged.id) throw new HubSpotApiError(400, 'VALIDATION_ERROR', 'Cannot merge an object with itself', { context: { id: [primaryId] } });
    const at = this.tick();
    const source: WriteSource = { sourceType: 'MERGE' };
    this.unindex(type, primary);
    this.unindex(type, merged);
    const mintsNewId = type.name === 'contacts' || type.name === 'companies';
    const survivor = mintsNewId ? this.mergedRecord(type, primary, merged, at) : primary;
    const changed: string[] = [];
    for (const [name, value] of Object.entries(merged.values)) {
      if (name === 'hs_object_id' || timestampProperties.has(name) || name === 'hs_merged_object_ids' || value === '') continue;
      if ((survivor.values[name] ?? '') !== '') continue;
      this.setValue(survivor, name, value, at, source);
      changed.push(name);
    }
    const goneIds = mintsNewId ? [primary.id, merged.id] : [merged.id];
    const mergedIds = [primary.values.hs_merged_object_ids, ...goneIds.filter((id) => id !== survivor.id), merged.values.hs_merged_object_ids].filter((v): v is string => !!v).join(';');
    this.setValue(survivor, 'hs_merged_object_ids', mergedIds, at, source);
    if (type.name === 'contacts') {
      const emails = new Set([primary.values.hs_additional_emails, merged.values.email, merged.values.hs_additional_emails].filter((v): v is string => !!v).flatMap((v) => v.split(';')));
      emails.delete(survivor.values.email ?? '');
      if (emails.size > 0) this.setValue(survivor, 'hs_additional_emails', [...emails].join(';'), at, source);
    }
    this.touch(type, survivor, at, source);
    for (const id of goneIds) {
      this.records(type.name).delete(id);
      this.mergedInto.set(id, survivor.id);
    }
    this.index(type, survivor);
    this.version += 1;
    this.emit({ kind: 'merge', objectType: type.name, primaryId: primary.id, mergedIds: goneIds, newId: survivor.id });
    const snapshot = view(survivor, true);
    for (const name of changed) this.emit({ kind: 'propertyChange', record: snapshot, propertyName: name, propertyValue: survivor.values[name] ?? null });
    return survivor;
  }

  /** The record a contact or company merge creates: the primary's values and history under a new id. */
  private mergedRecord(type: ObjectTypeDefinition, primary: StoredRecord, merged: StoredRecord, at: number): StoredRecord {
    const id = String(this.nextId++);
    const createdAt = Math.min(primary.createdAt, merged.createdAt);
    const history: Record<string, HistoryEntry[]> = {};
    for (const [name, entries] of Object.entries(merged.history)) history[name] = entries.map((entry) => ({ ...entry }));
    for (const [name, entries] of Object.entries(primary.history)) {
      history[name] = [...(history[name] ?? []), ...entries.map((entry) => ({ ...entry }))].sort((a, b) => a.timestamp - b.timestamp);
    }
    const record: StoredRecord = { id, objectType: type.name, values: { ...primary.values, hs_object_id: id }, history, createdAt, updatedAt: at, archived: false };
    // The newest history entry is the current value everywhere else; where the secondary changed a property later
    // than the primary, the primary's value is taken again at the merge, so the history still reads that way.
    for (const [name, entries] of Object.entries(history)) {
      const current = record.values[name];
      if (current !== undefined && entries.at(-1)?.value !== current) entries.push({ value: current, timestamp: at, sourceType: 'MERGE' });
    }
    const createdate = new Date(createdAt).toISOString();
    record.values.createdate = createdate;
    if (type.properties.has('hs_createdate')) record.values.hs_createdate = createdate;
    this.records(type.name).set(id, record);
    this.order.get(type.name)?.push(id);
    this.typeOfId.set(id, type.name);
    return record;
  }

  private setValue(record: StoredRecord, name: string, value: string, at: number, source: WriteSource): void {
    record.values[name] = value;
    if (timestampProperties.has(name) || name === 'hs_object_id') return; // derived: history would only repeat the value
    const entry: HistoryEntry = { value, timestamp: at, sourceType: source.sourceType, ...(source.sourceId ? { sourceId: source.sourceId } : {}) };
    (record.history[name] ??= []).push(entry);
  }

  private touch(type: ObjectTypeDefinition, record: StoredRecord, at: number, _source: WriteSource): void {
    const iso = new Date(at).toISOString();
    record.updatedAt = at;
    record.values.hs_lastmodifieddate = iso;
    if (type.properties.has('lastmodifieddate')) record.values.lastmodifieddate = iso;
  }

  private index(type: ObjectTypeDefinition, record: StoredRecord): void {
    if (record.archived) return;
    if (type.name === 'contacts') {
      const emails = [record.values.email, ...(record.values.hs_additional_emails?.split(';') ?? [])];
      for (const email of emails) if (email) this.emailIndex.set(email.toLowerCase(), record.id);
    }
    for (const property of type.properties.values()) {
      if (!property.hasUniqueValue || (type.name === 'contacts' && property.name === 'email')) continue;
      const value = record.values[property.name];
      if (!value) continue;
      const key = `${type.name}\u0000${property.name}`;
      let index = this.uniqueIndex.get(key);
      if (!index) this.uniqueIndex.set(key, (index = new Map()));
      index.set(value, record.id);
    }
  }

  private unindex(type: ObjectTypeDefinition, record: StoredRecord): void {
    if (type.name === 'contacts') {
      const emails = [record.values.email, ...(record.values.hs_additional_emails?.split(';') ?? [])];
      for (const email of emails) if (email && this.emailIndex.get(email.toLowerCase()) === record.id) this.emailIndex.delete(email.toLowerCase());
    }
    for (const property of type.properties.values()) {
      if (!property.hasUniqueValue) continue;
      const value = record.values[property.name];
      const index = this.uniqueIndex.get(`${type.name}\u0000${property.name}`);
      if (value && index?.get(value) === record.id) index.delete(value);
    }
  }

  /** Rebuilds every index: after a restore, or after a property becomes unique. */
  reindex(): void {
    this.emailIndex.clear();
    this.uniqueIndex.clear();
    for (const [typeName, records] of this.byType) {
      const type = this.schema.get(typeName);
      if (!type) continue;
      for (const record of records.values()) this.index(type, record);
    }
  }

  snapshot(): StoreSnapshot {
    const records: StoredRecord[] = [];
    for (const byId of this.byType.values()) records.push(...byId.values());
    return { nextId: this.nextId, lastTimestamp: this.lastTimestamp, records, mergedInto: Object.fromEntries(this.mergedInto) };
  }

  restore(snapshot: StoreSnapshot): void {
    this.reset();
    const sorted = [...snapshot.records].sort((a, b) => Number(a.id) - Number(b.id));
    for (const record of sorted) {
      this.records(record.objectType).set(record.id, record);
      this.order.get(record.objectType)?.push(record.id);
      this.typeOfId.set(record.id, record.objectType);
    }
    for (const [from, to] of Object.entries(snapshot.mergedInto)) this.mergedInto.set(from, to);
    this.nextId = snapshot.nextId;
    this.lastTimestamp = Math.max(this.lastTimestamp, snapshot.lastTimestamp);
    this.reindex();
  }
}

/** A read-only view; `copy` detaches the values, for changes that listeners may keep after later writes. */
export function view(record: StoredRecord, copy = false): HubSpotRecordView {
  return {
    id: record.id,
    objectType: record.objectType,
    properties: copy ? { ...record.values } : record.values,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
  };
}
