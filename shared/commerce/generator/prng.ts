/**
 * A seeded pseudo-random source (sfc32, state seeded through splitmix32) with the helpers the
 * generator needs. Deterministic from the seed on every machine, no dependency.
 */

/** A deterministic random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  between(min: number, max: number): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, with probability proportional to its weight (pass a constant object: its table is cached). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** Exponentially distributed float with the given mean (Poisson inter-arrival times). */
  exponential(mean: number): number;
  /** `length` lower-case hex digits. */
  hex(length: number): string;
  /** A random (version-4) UUID drawn from this source. */
  uuid(): string;
}

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

interface WeightTable {
  readonly keys: readonly string[];
  readonly bounds: readonly number[];
  readonly total: number;
}

function cumulative(weights: Readonly<Record<string, number>>): WeightTable {
  const keys = Object.keys(weights);
  const bounds: number[] = [];
  let total = 0;
  for (const key of keys) {
    total += weights[key]!;
    bounds.push(total);
  }
  return { keys, bounds, total };
}

/**
 * A random source seeded with `seed` (any number; its low 32 bits are used).
 * @example createRng(42).int(1, 6) // the same die roll for seed 42, everywhere
 */
export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextU32();
  // Cumulative tables per weights object (the generator passes the same constant objects).
  const tables = new WeakMap<object, WeightTable>();
  const next = (): number => nextU32() / 4294967296;
  const hex = (length: number): string => {
    let text = '';
    for (let i = 0; i < length; i += 8) {
      const x = nextU32();
      text +=
        HEX_PAIRS[x >>> 24]! +
        HEX_PAIRS[(x >>> 16) & 0xff]! +
        HEX_PAIRS[(x >>> 8) & 0xff]! +
        HEX_PAIRS[x & 0xff]!;
    }
    return text.length === length ? text : text.slice(0, length);
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
      let table = tables.get(weights);
      if (table === undefined) {
        table = cumulative(weights);
        tables.set(weights, table);
      }
      const x = next() * table.total;
      const { keys, bounds } = table;
      for (let i = 0; i < bounds.length; i++) if (x < bounds[i]!) return keys[i] as K;
      return keys[keys.length - 1] as K;
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
    hex,
    uuid() {
      const h = hex(32);
      const variant = (8 + (Number.parseInt(h[16]!, 16) & 3)).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}
