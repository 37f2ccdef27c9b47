import type { SoqlDataSource, SoqlObject, SoqlRecord } from './soql-source.ts';
import { canonicalId } from './ids.ts';
import type { ObjectDefinition, Schema } from './schema.ts';

/** A stored record: REST JSON values keyed by the schema's field names. Replaced, never mutated, on write. */
export type StoredRecord = Record<string, unknown>;

export interface DeletedEntry {
  id: string;
  deletedDate: string;
  /** ms since epoch, for the getDeleted window */
  at: number;
}

type Undo = () => void;

/** One committed write: `previous` is absent for an insert. Both are immutable snapshots. */
export interface RecordChange {
  objectName: string;
  previous: StoredRecord | undefined;
  record: StoredRecord;
  /** Writes committed together (one API call, or one allOrNone transaction) share a key. */
  transaction: number;
  /**
   * Which API and client made the write, as change events' `changeOrigin` says it
   * ("com/salesforce/api/rest/62.0;client=crmsync"); null for writes outside the API (a user's in the UI, seeds).
   */
  origin: string | null;
}

/**
 * The org's records. Each object keeps a Map from id to record whose insertion order is the order of last
 * modification (a write deletes and re-inserts), so SystemModstamp order costs nothing to keep. Deleted records
 * stay in place with IsDeleted = true (the recycle bin) until purged. Writes inside `transaction` are journalled
 * so an allOrNone failure can undo them.
 */
export class RecordStore implements SoqlDataSource {
  private readonly byObject = new Map<string, Map<string, StoredRecord>>();
  private readonly byId = new Map<string, { objectName: string; record: StoredRecord }>();
  private readonly deletedLogs = new Map<string, DeletedEntry[]>();
  /** Case-insensitive value → ids, per "Object.Field", built on first use and kept up to date by put/remove. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private journal: Undo[] | undefined;
  /** Objects written inside the current transaction, whose modification order a rollback must restore. */
  private readonly touchedInTransaction = new Set<string>();
  /** Write sequence of each stored record object: a rollback puts restored records back where they were. */
  private readonly sequence = new WeakMap<StoredRecord, number>();
  private nextSequence = 0;
  /** Told about every write once it commits; writes of a rolled-back transaction are never told. */
  onCommit: ((changes: RecordChange[]) => void) | undefined;
  private pendingChanges: RecordChange[] = [];
  private transactionNumber = 0;
  /** The API request now writing (set around each synchronous handler): what its changes' origin is. */
  writeOrigin: string | null = null;

  constructor(
    private readonly schema: Schema,
    /** Hides fields the org does not have right now (the address picklist codes when they are off). */
    private readonly visibleObject: (definition: ObjectDefinition) => SoqlObject,
  ) {}

  // ---- SoqlDataSource ----
  object(name: string): SoqlObject | undefined {
    const definition = this.schema.object(name);
    return definition ? this.visibleObject(definition) : undefined;
  }

  *scan(objectName: string, includeDeleted: boolean): Iterable<SoqlRecord> {
    const records = this.byObject.get(objectName.toLowerCase());
    if (!records) return;
    for (const record of records.values()) if (includeDeleted || record.IsDeleted !== true) yield record;
  }

  get(id: string): { objectName: string; record: SoqlRecord } | undefined {
    const canonical = canonicalId(id);
    return canonical ? this.byId.get(canonical) : undefined;
  }

  // ---- store ----
  find(id: string): { objectName: string; record: StoredRecord } | undefined {
    return this.byId.get(id);
  }

  records(objectName: string): Iterable<StoredRecord> {
    return this.byObject.get(objectName.toLowerCase())?.values() ?? [];
  }

  count(objectName: string, includeDeleted = false): number {
    let total = 0;
    for (const _ of this.scan(objectName, includeDeleted)) total += 1;
    return total;
  }

  deletedLog(objectName: string): DeletedEntry[] {
    return this.deletedLogs.get(objectName.toLowerCase()) ?? [];
  }

  /** Inserts or replaces a record, moving it to the end of its object's modification order. */
  put(objectName: string, record: StoredRecord): void {
    const id = record.Id as string;
    const key = objectName.toLowerCase();
    let records = this.byObject.get(key);
    if (!records) {
      records = new Map();
      this.byObject.set(key, records);
    }
    const previous = records.get(id);
    if (previous) {
      records.delete(id);
      this.unindex(objectName, previous);
    }
    records.set(id, record);
    this.sequence.set(record, ++this.nextSequence);
    this.byId.set(id, { objectName, record });
    this.index(objectName, record);
    if (this.journal) this.touchedInTransaction.add(key);
    if (this.onCommit) {
      const change = { objectName, previous, record, transaction: this.journal ? this.transactionNumber : ++this.transactionNumber, origin: this.writeOrigin };
      if (this.journal) this.pendingChanges.push(change);
      else this.onCommit([change]);
    }
    this.journal?.push(() => {
      records.delete(id);
      this.unindex(objectName, record);
      if (previous) {
        records.set(id, previous);
        this.byId.set(id, { objectName, record: previous });
        this.index(objectName, previous);
      } else {
        this.byId.delete(id);
      }
    });
  }

  /** Replaces every record of an object without moving it in modification order (schema changes, not writes). */
  rewriteInPlace(objectName: string, rewrite: (record: StoredRecord) => StoredRecord): void {
    const records = this.byObject.get(objectName.toLowerCase());
    if (!records) return;
    for (const [id, record] of records) {
      const next = rewrite(record);
      this.sequence.set(next, this.sequence.get(record) ?? 0);
      records.set(id, next);
      this.byId.set(id, { objectName, record: next });
    }
  }

  /** An undeleted record is no longer reported as deleted. */
  forgetDeletion(objectName: string, id: string): void {
    const key = objectName.toLowerCase();
    const log = this.deletedLogs.get(key);
    if (log) this.deletedLogs.set(key, log.filter((entry) => entry.id !== id));
  }

  logDeletion(objectName: string, entry: DeletedEntry): void {
    const key = objectName.toLowerCase();
    let log = this.deletedLogs.get(key);
    if (!log) {
      log = [];
      this.deletedLogs.set(key, log);
    }
    log.push(entry);
    const journalled = log;
    this.journal?.push(() => {
      journalled.pop();
      if (journalled.length === 0) this.deletedLogs.delete(key);
    });
  }

  /** Removes a record for good (purge from the recycle bin); not journalled. */
  purge(id: string): void {
    const found = this.byId.get(id);
    if (!found) return;
    this.byObject.get(found.objectName.toLowerCase())?.delete(id);
    this.byId.delete(id);
    this.unindex(found.objectName, found.record);
  }

  /** Ids of live records whose field equals the value, compared case-insensitively (email, external ids). */
  lookup(objectName: string, fieldName: string, value: string): string[] {
    const index = this.indexFor(objectName, fieldName);
    return [...(index.get(value.toLowerCase()) ?? [])];
  }

  /**
   * Runs `work`; if it throws, every write it made is undone and the error rethrown. Nested calls join the
   * outer transaction, as an sObject Collections request inside an allOrNone composite does.
   */
  transaction<T>(work: () => T): T {
    if (this.journal) return this.savepoint(this.journal, work);
    const journal: Undo[] = [];
    this.journal = journal;
    this.touchedInTransaction.clear();
    this.pendingChanges = [];
    this.transactionNumber += 1;
    try {
      const result = work();
      this.journal = undefined;
      const committed = this.pendingChanges;
      this.pendingChanges = [];
      if (committed.length) this.onCommit?.(committed);
      return result;
    } catch (error) {
      this.journal = undefined;
      for (let index = journal.length - 1; index >= 0; index -= 1) (journal[index] as Undo)();
      this.restoreModificationOrder();
      throw error;
    } finally {
      this.journal = undefined;
      this.touchedInTransaction.clear();
      this.pendingChanges = [];
    }
  }

  /** A transaction inside a transaction: its failure undoes its own writes and leaves the outer ones to the outer. */
  private savepoint<T>(journal: Undo[], work: () => T): T {
    const journalLength = journal.length;
    const changesLength = this.pendingChanges.length;
    try {
      return work();
    } catch (error) {
      for (let index = journal.length - 1; index >= journalLength; index -= 1) (journal[index] as Undo)();
      journal.length = journalLength;
      this.pendingChanges.length = changesLength;
      this.restoreModificationOrder();
      throw error;
    }
  }

  /** Undo re-inserts a record at the end of its Map; sorting by write sequence puts it back in its place. */
  private restoreModificationOrder(): void {
    for (const key of this.touchedInTransaction) {
      const records = this.byObject.get(key);
      if (!records) continue;
      const ordered = [...records].sort(([, a], [, b]) => (this.sequence.get(a) ?? 0) - (this.sequence.get(b) ?? 0));
      records.clear();
      for (const [id, record] of ordered) records.set(id, record);
    }
  }

  clear(): void {
    this.byObject.clear();
    this.byId.clear();
    this.deletedLogs.clear();
    this.indexes.clear();
  }

  snapshot(): { records: Array<[string, StoredRecord[]]>; deleted: Array<[string, DeletedEntry[]]> } {
    return {
      records: [...this.byObject].map(([key, records]) => [this.schema.object(key)?.name ?? key, [...records.values()]]),
      deleted: [...this.deletedLogs],
    };
  }

  restore(snapshot: { records: Array<[string, StoredRecord[]]>; deleted: Array<[string, DeletedEntry[]]> }): void {
    this.clear();
    // Loading saved state is not a change anyone subscribed to.
    const onCommit = this.onCommit;
    this.onCommit = undefined;
    for (const [objectName, records] of snapshot.records) for (const record of records) this.put(objectName, record);
    this.onCommit = onCommit;
    for (const [objectName, entries] of snapshot.deleted) this.deletedLogs.set(objectName.toLowerCase(), [...entries]);
  }

  private indexFor(objectName: string, fieldName: string): Map<string, Set<string>> {
    const key = `${objectName.toLowerCase()}.${fieldName}`;
    let index = this.indexes.get(key);
    if (!index) {
      index = new Map();
      this.indexes.set(key, index);
      for (const record of this.records(objectName)) addTo(index, record, fieldName);
    }
    return index;
  }

  private index(objectName: string, record: StoredRecord): void {
    const prefix = `${objectName.toLowerCase()}.`;
    for (const [key, index] of this.indexes) if (key.startsWith(prefix)) addTo(index, record, key.slice(prefix.length));
  }

  private unindex(objectName: string, record: StoredRecord): void {
    const prefix = `${objectName.toLowerCase()}.`;
    for (const [key, index] of this.indexes) {
      if (!key.startsWith(prefix)) continue;
      const value = record[key.slice(prefix.length)];
      if (value === null || value === undefined) continue;
      const ids = index.get(String(value).toLowerCase());
      ids?.delete(record.Id as string);
      if (ids?.size === 0) index.delete(String(value).toLowerCase());
    }
  }
}

function addTo(index: Map<string, Set<string>>, record: StoredRecord, fieldName: string): void {
  if (record.IsDeleted === true) return;
  const value = record[fieldName];
  if (value === null || value === undefined || value === '') return;
  const key = String(value).toLowerCase();
  let ids = index.get(key);
  if (!ids) {
    ids = new Set();
    index.set(key, ids);
  }
  ids.add(record.Id as string);
}
