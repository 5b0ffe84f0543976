export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

export interface MinimizeOptions {
  /** Initial step along each axis (same units as x). */
  step?: number;
  maxIterations?: number;
  /** Stop when the simplex's values differ by less than this (absolute)… */
  valueTolerance?: number;
  /** …and its vertices by less than this along every axis. */
  pointTolerance?: number;
}

/**
 * Minimises f by the Nelder–Mead simplex method (reflection 1, expansion 2,
 * contraction ½, shrink ½). Derivative-free, so the log-likelihoods need no
 * gradients; callers optimise log-parameters so every point is valid. A
 * value of NaN counts as +Infinity (the simplex moves away from it).
 */
export function nelderMead(f: (x: number[]) => number, start: number[], options: MinimizeOptions = {}): MinimizeResult {
  const { step = 0.5, maxIterations = 5000, valueTolerance = 1e-10, pointTolerance = 1e-8 } = options;
  const n = start.length;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const simplex: { x: number[]; v: number }[] = [{ x: [...start], v: value(start) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] += step;
    simplex.push({ x, v: value(x) });
  }
  const towards = (from: number[], to: number[], t: number) => from.map((fi, i) => fi + t * (to[i] - fi));

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0];
    const worst = simplex[n];
    const spread = Math.max(...simplex.map((p) => Math.max(...p.x.map((xi, i) => Math.abs(xi - best.x[i])))));
    if (Math.abs(worst.v - best.v) <= valueTolerance && spread <= pointTolerance) {
      return { x: best.x, value: best.v, iterations: iteration, converged: true };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i] += simplex[j].x[i] / n;

    const reflected = towards(centroid, worst.x, -1);
    const vr = value(reflected);
    if (vr < best.v) {
      const expanded = towards(centroid, worst.x, -2);
      const ve = value(expanded);
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
      continue;
    }
    if (vr < simplex[n - 1].v) {
      simplex[n] = { x: reflected, v: vr };
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const outside = vr < worst.v;
    const contracted = towards(centroid, outside ? reflected : worst.x, 0.5);
    const vc = value(contracted);
    if (vc < (outside ? vr : worst.v)) {
      simplex[n] = { x: contracted, v: vc };
      continue;
    }
    for (let j = 1; j <= n; j++) {
      const x = towards(best.x, simplex[j].x, 0.5);
      simplex[j] = { x, v: value(x) };
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0].x, value: simplex[0].v, iterations: maxIterations, converged: false };
}

/**
 * Nelder–Mead can stall on a ridge before the optimum; restarting from the
 * best point with a fresh simplex is the usual remedy. Restarts until a run
 * no longer improves the value.
 */
export function minimizeWithRestarts(f: (x: number[]) => number, start: number[], options: MinimizeOptions & { restarts?: number } = {}): MinimizeResult {
  const { restarts = 4, ...rest } = options;
  let result = nelderMead(f, start, rest);
  let iterations = result.iterations;
  for (let i = 0; i < restarts; i++) {
    const again = nelderMead(f, result.x, { ...rest, step: (rest.step ?? 0.5) / 2 });
    iterations += again.iterations;
    const improved = result.value - again.value > (rest.valueTolerance ?? 1e-10);
    result = again.value <= result.value ? again : result;
    if (!improved) break;
  }
  return { ...result, iterations };
}
