import { conditionalExpectedPurchases, type BgNbdParams } from './bgnbd';
import { expectedSpend, type GammaGammaParams } from './gamma-gamma';

export interface ClvSettings {
  /** Horizon in periods (months). */
  periods: number;
  /** Discount rate per period, e.g. 0.01 for 1 % a month. */
  discountRate: number;
  /** Share of spend that is profit, 0..1. */
  margin: number;
  /** Length of a period in the model's time unit: 30 when the model is fitted in days. */
  periodLength: number;
}

export interface ClvInput {
  frequency: number;
  recency: number;
  T: number;
  /** Average spend of repeat purchases, minor units (ignored when frequency is 0). */
  monetary: number;
}

export interface ClvResult {
  /** Expected spend per purchase, minor units. */
  expectedSpendMinor: number;
  /** Expected purchases over the whole horizon. */
  expectedPurchases: number;
  /** Discounted expected margin over the horizon, minor units. */
  clvMinor: number;
}

/**
 * Lifetime value over a horizon, as lifetimes computes it: for each period
 * i = 1..H, the purchases expected in that period, E[Y(i·L)] − E[Y((i−1)·L)],
 * times the expected spend per purchase and the margin, discounted by
 * (1 + d)^i. Money leaves this function rounded to whole minor units.
 */
export function customerLifetimeValue(bgNbd: BgNbdParams, gammaGamma: GammaGammaParams, member: ClvInput, settings: ClvSettings): ClvResult {
  const { periods, discountRate, margin, periodLength } = settings;
  if (!(Number.isInteger(periods) && periods >= 0)) throw new RangeError('periods must be a whole number ≥ 0');
  if (!(discountRate >= 0 && margin >= 0 && margin <= 1 && periodLength > 0)) throw new RangeError('need discountRate ≥ 0, 0 ≤ margin ≤ 1, periodLength > 0');
  const spend = expectedSpend(gammaGamma, member.frequency, member.monetary);
  let value = 0;
  let previous = 0;
  for (let i = 1; i <= periods; i++) {
    const cumulative = conditionalExpectedPurchases(bgNbd, member.frequency, member.recency, member.T, i * periodLength);
    value += ((cumulative - previous) * spend * margin) / (1 + discountRate) ** i;
    previous = cumulative;
  }
  return { expectedSpendMinor: Math.round(spend), expectedPurchases: previous, clvMinor: Math.round(value) };
}
