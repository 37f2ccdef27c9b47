import { dateTimeMs } from './soql-literals.ts';
import { familyOf } from './soql-schema.ts';
import type { SoqlField } from './soql-source.ts';

export interface SortKey<T> {
  read: (item: T) => unknown;
  /** the field (or, for an aggregate, the type of its result) whose family decides how values compare */
  field: SoqlField;
  descending: boolean;
  nullsFirst: boolean;
}

type Comparable = string | number | boolean | null;

/**
 * ORDER BY as Salesforce documents it: ascending by default, text case-insensitive by its upper-cased form, and
 * "By default, null values are sorted first" whatever the direction: the page's own DESC example needs an
 * explicit NULLS LAST to put null names at the end ("ORDER BY",
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm).
 */
export function sortsNullsFirst(nulls: 'FIRST' | 'LAST' | undefined): boolean {
  return nulls !== 'LAST';
}

function sortable(field: SoqlField): (value: unknown) => Comparable {
  switch (familyOf(field.type)) {
    case 'number': return (value) => (typeof value === 'number' ? value : null);
    case 'boolean': return (value) => (typeof value === 'boolean' ? value : null);
    case 'datetime': return (value) => (typeof value === 'string' && value !== '' ? dateTimeMs(value) : null);
    // Full ids order as their 15-character forms do: equal prefixes only occur for the same record.
    case 'id': return (value) => (typeof value === 'string' && value !== '' ? value : null);
    default: return (value) => (typeof value === 'string' && value !== '' ? value.toUpperCase() : null);
  }
}

interface Decorated<T> {
  keys: Comparable[];
  sequence: number;
  item: T;
}

/**
 * Sorts `items` (rows already filtered) by `keys`, keeping scan order among equals so results are repeatable.
 * With a `bound` (OFFSET + LIMIT) only that many rows are kept, in a heap: a modstamp window's
 * `ORDER BY SystemModstamp LIMIT 2000` over a million rows costs n·log(2000), not a full sort.
 */
export function sortRows<T>(items: T[], keys: Array<SortKey<T>>, bound?: number): T[] {
  const extractors = keys.map((key) => ({ ...key, toComparable: sortable(key.field) }));
  const fill = (keys: Comparable[], item: T): Comparable[] => {
    for (let i = 0; i < extractors.length; i++) keys[i] = extractors[i]!.toComparable(extractors[i]!.read(item));
    return keys;
  };
  /** Orders two values of key `k`: nulls where the key puts them, then by value in the key's direction. */
  const compareKey = (k: number, x: Comparable, y: Comparable): number => {
    if (x === y) return 0;
    const { descending, nullsFirst } = extractors[k]!;
    if (x === null) return nullsFirst ? -1 : 1;
    if (y === null) return nullsFirst ? 1 : -1;
    const direction = x < y ? -1 : 1;
    return descending ? -direction : direction;
  };
  const compareKeys = (x: Comparable[], y: Comparable[]): number => {
    for (let k = 0; k < extractors.length; k++) {
      const result = compareKey(k, x[k]!, y[k]!);
      if (result !== 0) return result;
    }
    return 0;
  };
  const compare = (a: Decorated<T>, b: Decorated<T>): number => compareKeys(a.keys, b.keys) || a.sequence - b.sequence;

  if (bound === undefined || bound >= items.length) {
    // Keys are read once into one column per key and row positions are sorted, rather than one decorated
    // object per row: a full sort of a million-row window then allocates a handful of arrays, not millions.
    const columns = extractors.map((key) => items.map((item) => key.toComparable(key.read(item))));
    const order = Array.from(items.keys());
    order.sort((a, b) => {
      for (let k = 0; k < columns.length; k++) {
        const result = compareKey(k, columns[k]![a]!, columns[k]![b]!);
        if (result !== 0) return result;
      }
      return a - b;
    });
    return order.map((position) => items[position]!);
  }
  if (bound <= 0) return [];
  const heap = new MaxHeap<Decorated<T>>(compare);
  // Keys are read into a scratch array first: most rows of a large scan lose to the heap's top and then cost
  // no allocation. A later row that ties with the top loses too, which keeps scan order among equals.
  const scratch: Comparable[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (heap.size < bound) {
      heap.push({ keys: fill([], item), sequence: i, item });
    } else if (compareKeys(fill(scratch, item), heap.peek()!.keys) < 0) {
      heap.replaceTop({ keys: scratch.slice(), sequence: i, item });
    }
  }
  return heap.drain().sort(compare).map((d) => d.item);
}

/** A binary heap whose top is the largest item: the first to drop when a smaller one arrives. */
class MaxHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) <= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  replaceTop(item: T): void {
    const items = this.items;
    items[0] = item;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < items.length && this.compare(items[left]!, items[largest]!) > 0) largest = left;
      if (right < items.length && this.compare(items[right]!, items[largest]!) > 0) largest = right;
      if (largest === i) return;
      [items[i], items[largest]] = [items[largest]!, items[i]!];
      i = largest;
    }
  }

  drain(): T[] {
    return this.items.splice(0);
  }
}
