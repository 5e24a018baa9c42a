// Deterministic randomness for the simulator: a seeded PRNG and hashing, so a seed always replays the same night.

/** mulberry32: a tiny, fast 32-bit PRNG; returns uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of some parts (FNV-1a over their text, then avalanched), the seed of one random stream. */
export function hashParts(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = `${part}\u0001`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  // murmur3 finaliser: neighbouring inputs (minute 1000 and 1001) give unrelated streams
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A PRNG seeded from parts: `seeded(seed, 'crowd', cameraId, day)`. */
export const seeded = (...parts: ReadonlyArray<string | number>): (() => number) => mulberry32(hashParts(...parts));

/** A uniform number in [min, max) drawn from `rand`. */
export const between = (rand: () => number, min: number, max: number): number => min + (max - min) * rand();

/**
 * Smooth noise in [-1, 1] over time: random values at knots `knotMs` apart, eased between (value noise). The same
 * (parts, t) always gives the same value, without any state.
 */
export function smoothNoise(t: number, knotMs: number, ...parts: ReadonlyArray<string | number>): number {
  const k = Math.floor(t / knotMs);
  const f = t / knotMs - k;
  const a = seeded(...parts, k)() * 2 - 1;
  const b = seeded(...parts, k + 1)() * 2 - 1;
  const s = f * f * (3 - 2 * f);
  return a + (b - a) * s;
}

/** 0 → 0, 1 → 1, eased at both ends; clamped outside [0, 1]. */
export function smoothstep(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
}
