import fc from 'fast-check';
import {
  abcClasses,
  auc,
  aucFromCounts,
  bgNbdLogLikelihood,
  churnRisk,
  churnRiskFromFacts,
  gapsOf,
  gapSums,
  merchantRhythm,
  merchantRhythmFromSums,
  type MerchantRhythm,
} from '../../../src/analytics';
import { quintileScores } from '../../../src/analytics/models/rfm';
import { abcOf, dateOfDay, dayOfDate, DEFAULT_RUN_SETTINGS, localDate, quintileCutPositions, quintileScore, scoreMember, startOfDate } from '../../../src/analytics/scoring';

/**
 * The scoring run decides merchant-wide things from a few set-based queries
 * (cut values, thresholds, sums, counts); these properties hold them to the
 * pure models that take every member at once.
 */
describe('scoring run pieces agree with the pure models', () => {
  it('quintile scores from the four cut values are rfmScores’ quintiles', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 80 }), fc.boolean(), (values, higherIsBetter) => {
        // Worst first, as the run's ORDER BY … LIMIT 1 OFFSET reads them.
        const worstFirst = [...values].sort((p, q) => (higherIsBetter ? p - q : q - p));
        const cuts = quintileCutPositions(values.length).map((i) => worstFirst[i]);
        expect(values.map((v) => quintileScore(v, cuts, higherIsBetter))).toEqual(quintileScores(values, higherIsBetter));
      }),
    );
  });

  it('ABC thresholds found as the run finds them (the lowest spend starting below the share) class like abcClasses', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 40 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 95 }), (spend, aPercent) => {
        const bPercent = Math.min(15, 100 - aPercent);
        const positive = spend.filter((v) => v > 0).sort((p, q) => q - p);
        const total = positive.reduce((s, v) => s + v, 0);
        let before = 0;
        let aMin: number | null = null;
        let bMin: number | null = null;
        for (const v of positive) {
          if (before * 100 < total * aPercent) aMin = v;
          if (before * 100 < total * (aPercent + bPercent)) bMin = v;
          before += v;
        }
        const shares = { aPercent, bPercent };
        expect(spend.map((v) => abcOf(v, { aMin, bMin }))).toEqual(abcClasses(spend, shares));
      }),
    );
  });

  it('AUC from counts per score is the AUC of the scores', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.boolean()), { maxLength: 100 }), (pairs) => {
        const counts = new Map<number, { score: number; positives: number; negatives: number }>();
        for (const [score, positive] of pairs) {
          const c = counts.get(score) ?? { score, positives: 0, negatives: 0 };
          if (positive) c.positives++;
          else c.negatives++;
          counts.set(score, c);
        }
        const expected = auc(
          pairs.map(([s]) => s),
          pairs.map(([, p]) => p),
        );
        const got = aucFromCounts([...counts.values()]);
        if (expected === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(expected, 12);
      }),
    );
  });

  it('the BG/NBD likelihood of distinct (x, t_x, T) with counts is that of the members one by one', () => {
    const params = { r: 0.8, alpha: 12, a: 0.6, b: 3 };
    const one = { frequency: [0, 2, 2, 5, 0], recency: [0, 30, 30, 80, 0], T: [100, 90, 90, 120, 100] };
    const grouped = { frequency: [0, 2, 5], recency: [0, 30, 80], T: [100, 90, 120], count: [2, 2, 1] };
    expect(bgNbdLogLikelihood(params, grouped)).toBeCloseTo(bgNbdLogLikelihood(params, one), 10);
  });

  it('churn risk and the merchant rhythm from gap sums are those from visit days', () => {
    const daysArb = fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 12 }).map((d) => d.sort((p, q) => p - q));
    fc.assert(
      fc.property(fc.array(daysArb, { minLength: 1, maxLength: 12 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (members, pAlive) => {
        const gaps = members.map((days) => gapsOf(days));
        const all = gaps.map(gapSums).reduce((s, g) => ({ count: s.count + g.count, logSum: s.logSum + g.logSum, logSquares: s.logSquares + g.logSquares }), { count: 0, logSum: 0, logSquares: 0 });
        const within = gaps
          .map(gapSums)
          .filter((g) => g.count >= 2)
          .reduce((s, g) => ({ squares: s.squares + Math.max(0, g.logSquares - (g.logSum * g.logSum) / g.count), degrees: s.degrees + g.count - 1 }), { squares: 0, degrees: 0 });
        const fromSums = merchantRhythmFromSums(all, within);
        const direct = merchantRhythm(gaps);
        if (direct === null) expect(fromSums).toBeNull();
        else for (const k of ['logMean', 'logSd', 'withinLogSd'] as const) expect(fromSums?.[k]).toBeCloseTo(direct[k], 9);
        const rhythm: MerchantRhythm | null = direct;
        for (const days of members) {
          const asOfDay = days[days.length - 1] + 5;
          const viaDays = churnRisk({ visitDays: days, asOfDay, probabilityAlive: pAlive, merchant: rhythm })!;
          const viaFacts = churnRiskFromFacts({ visits: days.length, daysSinceLast: 5, gaps: gapSums(gapsOf(days)), probabilityAlive: pAlive, merchant: rhythm });
          expect(viaFacts.reason).toEqual(viaDays.reason);
          expect(Math.abs(viaFacts.score - viaDays.score)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('days and dates: a day number is days since 1970-01-01; a local date starts at its local midnight', () => {
    expect(dayOfDate('1970-01-02')).toBe(1);
    expect(dateOfDay(dayOfDate('2024-02-29'))).toBe('2024-02-29');
    expect(startOfDate('2024-07-01', 'Europe/London').toISOString()).toBe('2024-06-30T23:00:00.000Z');
    expect(startOfDate('2024-01-01', 'Asia/Bangkok').toISOString()).toBe('2023-12-31T17:00:00.000Z');
    expect(startOfDate('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(localDate(new Date('2024-06-30T23:30:00Z'), 'Europe/London')).toBe('2024-07-01');
  });
});

describe('value at stake', () => {
  const model = {
    asOfDay: 1000,
    rfm: { recency: [30, 20, 10, 5], frequency: [1, 2, 3, 4], monetary: [100, 200, 300, 400] },
    abc: { aMin: 500, bMin: 100 },
    rhythm: { logMean: Math.log(7), logSd: 0.6, withinLogSd: 0.4 },
    bgNbd: null,
    gammaGamma: null,
    settings: DEFAULT_RUN_SETTINGS,
  };
  const weekly = (visits: number, lastDay: number) => ({
    firstDay: lastDay - 7 * (visits - 1),
    lastDay,
    visits,
    spendMinor: 1000 * visits,
    firstVisitMinor: 1000,
    ...(() => {
      const g = gapSums(Array.from({ length: visits - 1 }, () => 7));
      return { gapCount: g.count, gapLogSum: g.logSum, gapLogSquares: g.logSquares };
    })(),
  });
  it.each([
    // [visits, days since the last visit, least and most risk]: at stake is risk × spend in an average year (a year at least)
    [10, 1, 0, 2],
    [60, 40, 90, 100],
    [5, 40, 90, 100],
  ])('%i weekly visits, last %i days ago', (visits, since, least, most) => {
    const f = weekly(visits, 1000 - since);
    const s = scoreMember(f, model);
    const T = 1000 - f.firstDay;
    expect(s.atStakeMinor).toBe(Math.round((s.churnRisk / 100) * ((f.spendMinor * 365) / Math.max(T, 365))));
    expect(s.churnRisk).toBeGreaterThanOrEqual(least);
    expect(s.churnRisk).toBeLessThanOrEqual(most);
    expect(s.clvMinor).toBeNull();
    expect(s.pAlive).toBeNull();
  });
});
