import quantile from '@stdlib/stats-base-dists-normal-quantile';

export interface PowerInput {
  /** Members who will get the campaign. */
  treated: number;
  /** Members kept back. */
  holdout: number;
  /** Mean of the outcome per member (e.g. spend per member in a comparable past period). */
  mean: number;
  /** Its standard deviation across members. */
  sd: number;
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Chance of seeing a lift of the returned size; default 0.8. */
  power?: number;
}

export interface DetectableLift {
  /** In the outcome's own unit per member. */
  absolute: number;
  /** As a share of the mean (0.25: 25 %); null when the mean is 0. */
  relative: number | null;
}

/**
 * The smallest lift in the mean outcome per member a campaign of this size
 * can tell from chance: (z₁₋α/₂ + z_power) · sd · √(1/n_treated + 1/n_holdout),
 * the normal approximation of a two-sample comparison of means. A small
 * shop's campaign often cannot prove a modest lift; the owner is told before
 * launch instead of being shown noise afterwards.
 */
export function minimumDetectableLift(input: PowerInput): DetectableLift {
  const { treated, holdout, mean, sd } = input;
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) throw new RangeError('alpha and power must be within (0, 1)');
  if (treated <= 0 || holdout <= 0) return { absolute: Infinity, relative: mean === 0 ? null : Infinity };
  const z = quantile(1 - alpha / 2, 0, 1) + quantile(power, 0, 1);
  const absolute = z * sd * Math.sqrt(1 / treated + 1 / holdout);
  return { absolute, relative: mean === 0 ? null : absolute / Math.abs(mean) };
}
