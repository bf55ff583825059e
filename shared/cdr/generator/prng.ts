/**
 * A small, fast, seedable PRNG (mulberry32) and helpers: the generators are deterministic from
 * their seed on every machine, with no dependency.
 */

/** A deterministic random source. */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** A string of `length` random digits. */
  digits(length: number): string;
}

/**
 * A mulberry32 generator seeded with `seed` (any 32-bit integer).
 * @example createRandom(42).int(1, 6) // always the same die roll for seed 42
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
    digits(length) {
      let text = '';
      for (let i = 0; i < length; i++) text += String.fromCharCode(48 + Math.floor(next() * 10));
      return text;
    },
  };
}
