/**
 * Seeded randomness for the simulator.
 *
 * Two kinds: a sequential generator (`Rng`) for building a farm once, and a counter-based hash
 * (`noise01`) for per-tick noise, so a miner's history is the same whether its physics is advanced
 * in one jump or in many small steps (lazy evaluation must not change the outcome).
 */

/** 32-bit integer hash of up to four integers (a murmur3-style finaliser over a simple mix). */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h = (h << 13) | (h >>> 19);
  h ^= Math.imul(c + 0x165667b1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= Math.imul(d + 0x61c88647, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform number in [0, 1) from a counter: the same inputs always give the same number. */
export function noise01(a: number, b = 0, c = 0, d = 0): number {
  return hash32(a, b, c, d) / 4294967296;
}

/** Roughly normal (mean 0, sd 1) number from a counter (sum of four uniforms, rescaled). */
export function noiseNormal(a: number, b = 0, c = 0): number {
  const s = noise01(a, b, c, 1) + noise01(a, b, c, 2) + noise01(a, b, c, 3) + noise01(a, b, c, 4);
  return (s - 2) * 1.7320508;
}

/** Sequential seeded generator (mulberry32) used when a farm is built. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = hash32(seed >>> 0, 0x5eed) >>> 0;
  }
  /** Uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Normal number (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** A 32-bit integer, for deriving child seeds. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Opaque token of `length` alphanumeric characters (vnish tokens are 32 characters, not JWTs). */
export function makeToken(seed: number, counter: number, length = 32): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[hash32(seed, counter, i, 0x70c) % ALNUM.length];
  return out;
}
