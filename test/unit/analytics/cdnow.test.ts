import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  customerLifetimeValue,
  expectedSpend,
  fitBgNbd,
  fitGammaGamma,
  probabilityAlive,
  type BgNbdParams,
  type GammaGammaParams,
} from '../../../src/analytics';

/** The published CDNOW fits (FHL 2005, BG/NBD paper Table and the "RFM and CLV" paper / Gamma-Gamma note). */
const PUBLISHED_BG_NBD: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PUBLISHED_LL = -9582.4;
const PUBLISHED_GAMMA_GAMMA: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

const rows = readFileSync(join(__dirname, '../../fixtures/cdnow/cdnow_customers_summary_with_transactions.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));
const cdnow = { frequency: rows.map((r) => r[1]), recency: rows.map((r) => r[2]), T: rows.map((r) => r[3]), monetary: rows.map((r) => r[4]) };

/** Relative difference, for "agrees with the published figure to its printed precision". */
const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('CDNOW sample (2,357 customers, 39-week calibration)', () => {
  it('is the published sample: 2,357 customers, 946 repeat buyers, 2,457 repeat purchases', () => {
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 2357 }, (_, i) => i + 1));
    expect(cdnow.frequency.filter((x) => x > 0)).toHaveLength(946);
    expect(cdnow.frequency.reduce((s, x) => s + x, 0)).toBe(2457);
  });

  it('BG/NBD fit matches the published r = 0.243, α = 4.414, a = 0.793, b = 2.426 and LL = −9582.4', () => {
    const fit = fitBgNbd(cdnow);
    if (fit.status !== 'fitted') throw new Error(`expected a fit, got ${fit.status}`);
    expect(fit.params.r).toBeCloseTo(PUBLISHED_BG_NBD.r, 3);
    expect(fit.params.alpha).toBeCloseTo(PUBLISHED_BG_NBD.alpha, 2);
    expect(fit.params.a).toBeCloseTo(PUBLISHED_BG_NBD.a, 3);
    expect(fit.params.b).toBeCloseTo(PUBLISHED_BG_NBD.b, 2);
    expect(fit.logLikelihood).toBeCloseTo(PUBLISHED_LL, 1);
    expect(fit).toMatchObject({ model: 'bg-nbd', members: 2357, repeatBuyers: 946, repeatPurchases: 2457 });
  });

  it('the log-likelihood at the published parameters is the published −9582.4', () => {
    expect(bgNbdLogLikelihood(PUBLISHED_BG_NBD, cdnow)).toBeCloseTo(PUBLISHED_LL, 1);
  });

  it("customer 1 (x = 2, t_x = 30.43, T = 38.86) expects 1.226 purchases in the next 39 weeks, as in Hardie's BG/NBD spreadsheet", () => {
    expect(conditionalExpectedPurchases(PUBLISHED_BG_NBD, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
    expect(probabilityAlive(PUBLISHED_BG_NBD, 2, 30.43, 38.86)).toBeCloseTo(0.7266, 3);
  });

  it('Gamma-Gamma fit matches the published p = 6.25, q = 3.74, γ = 15.44', () => {
    const fit = fitGammaGamma(cdnow);
    if (fit.status !== 'fitted') throw new Error(`expected a fit, got ${fit.status}`);
    expect(rel(fit.params.p, PUBLISHED_GAMMA_GAMMA.p)).toBeLessThan(0.005);
    expect(rel(fit.params.q, PUBLISHED_GAMMA_GAMMA.q)).toBeLessThan(0.005);
    expect(rel(fit.params.gamma, PUBLISHED_GAMMA_GAMMA.gamma)).toBeLessThan(0.005);
    expect(fit.repeatBuyers).toBe(946);
    // Spend and frequency are nearly independent here, as the model assumes (lifetimes reports 0.11).
    expect(fit.frequencySpendCorrelation).toBeCloseTo(0.11, 2);
    // The model's mean spend per transaction, pγ/(q−1) ≈ $35.
    expect(fit.populationMeanSpend).toBeCloseTo(35.2, 1);
  });

  it('expected spend shrinks a member’s own average towards the population mean', () => {
    const population = expectedSpend(PUBLISHED_GAMMA_GAMMA, 0, 0);
    const own = 22.35;
    const oneVisit = expectedSpend(PUBLISHED_GAMMA_GAMMA, 1, own);
    const manyVisits = expectedSpend(PUBLISHED_GAMMA_GAMMA, 20, own);
    expect(oneVisit).toBeLessThan(population);
    expect(oneVisit).toBeGreaterThan(own);
    expect(Math.abs(manyVisits - own)).toBeLessThan(Math.abs(oneVisit - own));
  });

  it('CLV of customer 1 over a year of 4-week periods is the discounted sum of period purchases × spend × margin', () => {
    const settings = { periods: 13, discountRate: 0.01, margin: 0.3, periodLength: 4 };
    const member = { frequency: 2, recency: 30.43, T: 38.86, monetary: 22.35 };
    const { expectedSpendMinor, expectedPurchases, clvMinor } = customerLifetimeValue(PUBLISHED_BG_NBD, PUBLISHED_GAMMA_GAMMA, { ...member, monetary: 2235 }, settings);
    expect(expectedPurchases).toBeCloseTo(conditionalExpectedPurchases(PUBLISHED_BG_NBD, 2, 30.43, 38.86, 52), 10);
    expect(expectedSpendMinor).toBe(Math.round(expectedSpend(PUBLISHED_GAMMA_GAMMA, 2, 2235)));
    let manual = 0;
    for (let i = 1; i <= 13; i++) {
      const inPeriod = conditionalExpectedPurchases(PUBLISHED_BG_NBD, 2, 30.43, 38.86, 4 * i) - conditionalExpectedPurchases(PUBLISHED_BG_NBD, 2, 30.43, 38.86, 4 * (i - 1));
      manual += (inPeriod * expectedSpend(PUBLISHED_GAMMA_GAMMA, 2, 2235) * 0.3) / 1.01 ** i;
    }
    expect(clvMinor).toBe(Math.round(manual));
  });
});
