/**
 * Where a poll of one object resumes: the vendor's modification time of the last record of the last applied
 * batch, and that record's id. The same shape `CheckpointsRepository.advance` stores, so a batch's checkpoint is
 * handed to the store as it is.
 */
export interface PollCursor {
  time: Date;
  lastId: string | null;
}

/**
 * How far before its checkpoint a poll starts reading again. Two minutes covers the skew between the vendor's
 * application servers and a transaction that commits after records stamped later were already read (its stamp
 * is taken at write time, its visibility at commit). Re-reading costs query pages, never writes: planning finds
 * the re-read records unchanged (docs/architecture.md, "The cycle").
 */
export const DEFAULT_OVERLAP_MS = 2 * 60_000;

/**
 * Records already yielded in this run, at the newest modification time seen. A restarted window begins at that
 * time (inclusive), so these are the only records it can return a second time; older ones are before the window.
 * Kept as a set of ids rather than an id comparison because the vendors' tie-break order of ids is theirs.
 */
export class YieldedAtNewestTime {
  private time = Number.NEGATIVE_INFINITY;
  private readonly ids = new Set<string>();

  get newest(): number {
    return this.time;
  }

  has(time: number, id: string): boolean {
    return time === this.time && this.ids.has(id);
  }

  add(time: number, id: string): void {
    if (time > this.time) {
      this.time = time;
      this.ids.clear();
    }
    if (time === this.time) this.ids.add(id);
  }
}

export function validOverlap(overlapMs: number | undefined): number {
  const overlap = overlapMs ?? DEFAULT_OVERLAP_MS;
  if (!Number.isFinite(overlap) || overlap < 0) throw new RangeError(`overlapMs must be a non-negative number of milliseconds, got ${String(overlapMs)}`);
  return overlap;
}
