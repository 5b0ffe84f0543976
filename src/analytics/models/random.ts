/**
 * A seeded uniform [0, 1) generator (mulberry32): the same seed gives the
 * same sequence on every machine, so simulations, bootstraps and fuzzing are
 * repeatable.
 */
// Bound once: global lookups are slow inside Jest's vm context, and a bootstrap draws millions.
const { imul } = Math;

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a text (FNV-1a): the same name, the same seed. */
export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
