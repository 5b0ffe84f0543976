import {
  BG_NBD_THRESHOLDS,
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchasesNew,
  fitBgNbd,
  forecastMembers,
  holdoutCheck,
  probabilityAlive,
  probabilityNoPurchase,
  type BgNbdParams,
} from '../../../src/analytics';
import { hyp2f1 } from '../../../src/analytics/models/hyp2f1';
import { simulateBgNbd } from '../../support/analytics-simulation';

const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('BG/NBD: recovering known parameters from simulated members', () => {
  // Weeks, like CDNOW: the published CDNOW parameters as the truth.
  const weekly: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  // Days, like a supermarket: about one visit a fortnight while active, 10 % leave after a visit.
  const daily: BgNbdParams = { r: 1.5, alpha: 20, a: 1.2, b: 10 };

  it.each([
    ['CDNOW-like, weeks', weekly, { members: 6000, minT: 27, maxT: 39, holdout: 39, seed: 11 }],
    ['supermarket-like, days', daily, { members: 4000, minT: 90, maxT: 365, holdout: 90, seed: 12 }],
  ])('%s', (_name, truth, options) => {
    const members = simulateBgNbd(truth, options);
    const fit = fitBgNbd(members);
    if (fit.status !== 'fitted') throw new Error(`expected a fit: ${JSON.stringify(fit)}`);
    // The purchase rate mix (r, α) is well identified; a and b individually less so (they trade
    // off along a ridge), their mean a/(a+b), the chance of leaving after a visit, much better.
    expect(rel(fit.params.r, truth.r)).toBeLessThan(0.15);
    expect(rel(fit.params.alpha, truth.alpha)).toBeLessThan(0.2);
    expect(rel(fit.params.a / (fit.params.a + fit.params.b), truth.a / (truth.a + truth.b))).toBeLessThan(0.15);
    // Over seeds 1–8 the CDNOW-like a and b were off by up to 47 % (docs/analytics.md).
    expect(rel(fit.params.a, truth.a)).toBeLessThan(0.5);
    expect(rel(fit.params.b, truth.b)).toBeLessThan(0.5);

    // Calibration/holdout: the purchases predicted for the holdout match those simulated.
    const check = holdoutCheck(fit.params, members, members.holdout, options.holdout);
    expect(Math.abs(check.relativeError ?? 1)).toBeLessThan(0.1);
    expect(check.byFrequency.map((b) => b.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(check.byFrequency.reduce((s, b) => s + b.members, 0)).toBe(options.members);
  });

  it('P(no purchase in the holdout) adds up to the members who bought nothing in it', () => {
    const members = simulateBgNbd(daily, { members: 4000, minT: 90, maxT: 365, holdout: 60, seed: 13 });
    const expected = members.frequency.reduce((s, x, i) => s + probabilityNoPurchase(daily, x, members.recency[i], members.T[i], 60), 0);
    const actual = members.holdout.filter((h) => h === 0).length;
    expect(rel(expected, actual)).toBeLessThan(0.03);
  });

  it('E[X(t)] for a new member is the mean repeat purchases of simulated members watched for exactly t', () => {
    for (const truth of [weekly, daily]) {
      const t = truth === weekly ? 39 : 180;
      const members = simulateBgNbd(truth, { members: 10_000, minT: t, maxT: t, holdout: 0, seed: 5 });
      const mean = members.frequency.reduce((s, x) => s + x, 0) / members.frequency.length;
      expect(rel(expectedPurchasesNew(truth, t), mean)).toBeLessThan(0.05);
    }
  });
});

describe('BG/NBD: nobody leaves (the NBD limit)', () => {
  // a → 0 puts all of Beta(a, b) at p = 0: members buy at their own rate forever.
  const truth = { r: 0.7, alpha: 60, a: 1e-12, b: 1 };

  it('is fitted as the NBD (a = 0) when the likelihood runs along a → 0, and still predicts the holdout', () => {
    const members = simulateBgNbd(truth, { members: 3000, minT: 90, maxT: 280, holdout: 90, seed: 31 });
    const fit = fitBgNbd(members);
    if (fit.status !== 'fitted') throw new Error(`expected a fit: ${JSON.stringify(fit)}`);
    expect(fit.model).toBe('nbd');
    expect(fit.params.a).toBe(0);
    expect(rel(fit.params.r, truth.r)).toBeLessThan(0.1);
    expect(rel(fit.params.alpha, truth.alpha)).toBeLessThan(0.15);
    expect(Math.abs(holdoutCheck(fit.params, members, members.holdout, 90).relativeError ?? 1)).toBeLessThan(0.05);
  });

  it('with a = 0: P(alive) is 1, E[Y(t)] = (r+x)t/(α+T) (the limit of the general formula), the likelihood is the NBD’s', () => {
    const nbd = { r: 0.7, alpha: 60, a: 0, b: 1 };
    expect(probabilityAlive(nbd, 5, 40, 200)).toBe(1);
    expect(conditionalExpectedPurchases(nbd, 5, 40, 200, 90)).toBeCloseTo((5.7 * 90) / 260, 12);
    expect(conditionalExpectedPurchases({ ...nbd, a: 1e-9, b: 3 }, 5, 40, 200, 90)).toBeCloseTo((5.7 * 90) / 260, 6);
    // x = 0, T = 10: the NBD's P(no purchase in 10) = (α/(α+T))^r.
    expect(bgNbdLogLikelihood(nbd, { frequency: [0], recency: [0], T: [10] })).toBeCloseTo(0.7 * Math.log(60 / 70), 12);
  });
});

describe('BG/NBD: too little data', () => {
  const truth: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  it('refuses fewer members than the threshold, saying why', () => {
    const members = simulateBgNbd(truth, { members: BG_NBD_THRESHOLDS.minMembers - 1, minT: 27, maxT: 39, holdout: 0, seed: 1 });
    expect(fitBgNbd(members)).toMatchObject({ status: 'insufficient-data', members: 99, reason: '99 members; at least 100 are needed' });
  });

  it('refuses when too few members bought again', () => {
    const n = 500;
    const frequency = Array.from({ length: n }, (_, i) => (i < 20 ? 1 : 0));
    const recency = frequency.map((x) => (x ? 5 : 0));
    const fit = fitBgNbd({ frequency, recency, T: frequency.map(() => 30) });
    expect(fit).toMatchObject({ status: 'insufficient-data', repeatBuyers: 20, reason: '20 members bought again; at least 30 are needed' });
  });

  it('thresholds can be set per call', () => {
    const members = simulateBgNbd(truth, { members: 150, minT: 27, maxT: 39, holdout: 0, seed: 2 });
    expect(fitBgNbd(members, { minMembers: 200, minRepeatBuyers: 1 }).status).toBe('insufficient-data');
  });

  it('rejects inconsistent input', () => {
    expect(() => fitBgNbd({ frequency: [1], recency: [5], T: [3] })).toThrow(/recency ≤ T/);
    expect(() => fitBgNbd({ frequency: [0], recency: [2], T: [3] })).toThrow(/recency 0 without repeats/);
    expect(() => fitBgNbd({ frequency: [1.5], recency: [1], T: [3] })).toThrow(/integer frequency/);
    expect(() => fitBgNbd({ frequency: [1, 2], recency: [1], T: [3] })).toThrow(/same length/);
  });
});

describe('BG/NBD: predictions', () => {
  const p: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  it('P(alive) is 1 without repeat purchases and falls the longer a repeat buyer stays away', () => {
    expect(probabilityAlive(p, 0, 0, 30)).toBe(1);
    const recent = probabilityAlive(p, 4, 29, 30);
    const away = probabilityAlive(p, 4, 10, 30);
    expect(recent).toBeGreaterThan(away);
    expect(away).toBeGreaterThan(0);
    expect(recent).toBeLessThanOrEqual(1);
  });

  it('expected purchases grow with the horizon and are 0 for none', () => {
    const horizons = [0, 1, 4, 13, 52, 520];
    const e = horizons.map((t) => conditionalExpectedPurchases(p, 3, 20, 30, t));
    expect(e[0]).toBe(0);
    for (let i = 1; i < e.length; i++) expect(e[i]).toBeGreaterThan(e[i - 1]);
  });

  it("Euler's transformation gives the same value as the direct series of the published formula", () => {
    for (const [x, tx, T, t] of [
      [0, 0, 30, 39],
      [2, 30.43, 38.86, 39],
      [7, 35, 38, 10],
      [1, 5, 38, 100],
    ]) {
      const { r, alpha, a, b } = p;
      const z = t / (alpha + T + t);
      const direct = ((a + b + x - 1) / (a - 1)) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z));
      const alive = x === 0 ? 1 : 1 / (1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));
      expect(conditionalExpectedPurchases(p, x, tx, T, t)).toBeCloseTo(direct * alive, 10);
    }
  });

  it('stays finite for a heavy buyer over a long horizon and for a = 1 exactly', () => {
    const heavy = conditionalExpectedPurchases(p, 60, 38, 38.5, 5000);
    expect(Number.isFinite(heavy)).toBe(true);
    expect(heavy).toBeGreaterThan(60);
    const nearOne = conditionalExpectedPurchases({ ...p, a: 1 + 1e-6 }, 2, 30, 38, 39);
    expect(conditionalExpectedPurchases({ ...p, a: 1 }, 2, 30, 38, 39)).toBeCloseTo(nearOne, 5);
  });

  it('forecastMembers gives P(alive) and one expectation per horizon per member', () => {
    const f = forecastMembers(p, { frequency: [0, 2], recency: [0, 30.43], T: [38.86, 38.86] }, [4, 13, 39]);
    expect(f).toHaveLength(2);
    expect(f[0].probabilityAlive).toBe(1);
    expect(f[1].expectedPurchases[2]).toBeCloseTo(1.226, 3);
    expect(f[1].expectedPurchases[0]).toBeLessThan(f[1].expectedPurchases[1]);
  });
});
