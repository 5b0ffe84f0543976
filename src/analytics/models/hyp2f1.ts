/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1, by its
 * power series. No maintained npm package provides it (@stdlib publishes
 * log-gamma but not hyp2f1), and the BG/NBD only needs real z in [0, 1),
 * where the series converges. Callers keep z away from 1 or use Euler's
 * transformation (see bgnbd.ts) so that a few hundred terms suffice.
 *
 * Terms: t_0 = 1, t_{k+1} = t_k (a+k)(b+k) / ((c+k)(k+1)) z. Stops when a
 * term no longer changes the sum in the 15th digit.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must be in [0, 1), got ${z}`);
  if (z === 0) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    const denominator = (c + k) * (k + 1);
    if (denominator === 0) throw new RangeError(`hyp2f1: c = ${c} is a non-positive integer`);
    term *= ((a + k) * (b + k) * z) / denominator;
    sum += term;
    if (term === 0 || abs(term) <= EPSILON * abs(sum)) {
      // A single tiny term can be a zero crossing of (a+k) or (b+k); a
      // polynomial case (a or b a non-positive integer) ends here for good.
      if (term === 0 || (k > abs(a) && k > abs(b))) return sum;
    }
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`);
}

// Bound once: inside Jest's vm context every global lookup is slow, and this runs per term.
const { abs } = Math;
const EPSILON = 1e-15;
const MAX_TERMS = 100_000;
