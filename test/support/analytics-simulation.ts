import { seededRandom, type BgNbdParams, type GammaGammaParams } from '../../src/analytics';

export { seededRandom };

// Bound once: global lookups are slow inside Jest's vm context and these run per simulated purchase.
const { log, sqrt, cos, pow, PI } = Math;

function normal(random: () => number): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  return sqrt(-2 * log(1 - random())) * cos(2 * PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000); shape < 1 by the u^(1/shape) boost. */
export function gammaSample(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return gammaSample(random, shape + 1, rate) * pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (log(u) < 0.5 * x * x + d - d * v + d * log(v)) return (d * v) / rate;
  }
}

export interface SimulatedMembers {
  frequency: number[];
  recency: number[];
  T: number[];
  /** Repeat purchases in the holdout period that follows each member's T. */
  holdout: number[];
}

/**
 * Members drawn from the BG/NBD process itself: λ ~ Gamma(r, α), p ~ Beta(a, b);
 * purchases arrive at rate λ; after each repeat purchase the member leaves
 * with probability p. First purchases are spread evenly so T runs from
 * minT to maxT; the holdout continues the same lives for `holdout` more.
 */
export function simulateBgNbd(params: BgNbdParams, options: { members: number; minT: number; maxT: number; holdout: number; seed: number }): SimulatedMembers {
  const random = seededRandom(options.seed);
  const out: SimulatedMembers = { frequency: [], recency: [], T: [], holdout: [] };
  for (let i = 0; i < options.members; i++) {
    const T = options.minT + (options.maxT - options.minT) * random();
    const lambda = gammaSample(random, params.r, params.alpha);
    const ga = gammaSample(random, params.a, 1);
    const p = ga / (ga + gammaSample(random, params.b, 1));
    let t = 0;
    let x = 0;
    let tx = 0;
    let later = 0;
    for (;;) {
      t += -log(1 - random()) / lambda;
      if (t > T + options.holdout) break;
      if (t <= T) {
        x++;
        tx = t;
      } else later++;
      if (random() < p) break;
    }
    out.frequency.push(x);
    out.recency.push(tx);
    out.T.push(T);
    out.holdout.push(later);
  }
  return out;
}

/** Average spend of each member's x purchases under the Gamma-Gamma: ν ~ Gamma(q, γ), each purchase ~ Gamma(p, ν). */
export function simulateGammaGamma(params: GammaGammaParams, frequency: readonly number[], seed: number): number[] {
  const random = seededRandom(seed);
  return frequency.map((x) => {
    if (x === 0) return 0;
    const nu = gammaSample(random, params.q, params.gamma);
    let total = 0;
    for (let k = 0; k < x; k++) total += gammaSample(random, params.p, nu);
    return total / x;
  });
}
