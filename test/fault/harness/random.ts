import { seededRandom } from '../../../src/emulators/shared/random.ts';

/** A seeded source of choices: one seed replays a whole run (operations, values, kill moments, fault rules). */
export class Dice {
  private readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = seededRandom(seed);
  }

  /** In [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One key of `weights`, chosen in proportion to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

/** The seed of a run: CRMSYNC_FAULT_SEED replays one; otherwise a fresh one, printed with every failure. */
export function seedFromEnvironment(environment: Readonly<Record<string, string | undefined>>, fallback: () => number): number {
  const given = environment.CRMSYNC_FAULT_SEED;
  if (given === undefined || given === '') return fallback();
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`CRMSYNC_FAULT_SEED must be a whole number, got "${given}"`);
  return seed;
}
