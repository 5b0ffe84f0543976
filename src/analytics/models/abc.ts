/**
 * ABC classes by share of spend (members or products alike): sorted by
 * spend, the top that makes up the first 80 % of spend is A, the next 15 % B,
 * the rest C (shares configurable). The item that crosses a boundary joins
 * the higher class; equal spend always gets the same class; nothing spent is
 * C. Integer arithmetic on minor units, so no rounding decides a class.
 */
export type AbcClass = 'A' | 'B' | 'C';

export interface AbcShares {
  /** Percent of spend in class A (default 80). */
  aPercent: number;
  /** Percent of spend in class B (default 15); C is the rest. */
  bPercent: number;
}

export const ABC_DEFAULT: AbcShares = { aPercent: 80, bPercent: 15 };

export function abcClasses(spendMinor: readonly number[], shares: AbcShares = ABC_DEFAULT): AbcClass[] {
  const { aPercent, bPercent } = shares;
  if (!(aPercent > 0 && bPercent >= 0 && aPercent + bPercent <= 100)) throw new RangeError('need 0 < A, 0 ≤ B, A + B ≤ 100');
  const total = spendMinor.reduce((s, v) => s + Math.max(0, v), 0);
  const order = spendMinor.map((v, i) => ({ v, i })).sort((p, q) => q.v - p.v);
  const classes = new Array<AbcClass>(spendMinor.length).fill('C');
  let before = 0;
  let k = 0;
  while (k < order.length) {
    const value = order[k].v;
    if (value <= 0) break;
    // The class is decided by the spend before the first of a group of equals.
    const cls: AbcClass = before * 100 < total * aPercent ? 'A' : before * 100 < total * (aPercent + bPercent) ? 'B' : 'C';
    while (k < order.length && order[k].v === value) {
      classes[order[k].i] = cls;
      before += value;
      k++;
    }
  }
  return classes;
}
