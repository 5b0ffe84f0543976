import fc from 'fast-check';
import { abcClasses, auc, churnRisk, conditionalExpectedPurchases, probabilityAlive, rfmScores, summarizeMember, type MerchantRhythm } from '../../../src/analytics';
import { quintileScores } from '../../../src/analytics/models/rfm';

const purchasesArb = fc.array(fc.record({ day: fc.integer({ min: 0, max: 400 }), amountMinor: fc.integer({ min: -2_000, max: 20_000 }) }), { maxLength: 30 });
const paramsArb = fc.record({
  r: fc.double({ min: 0.05, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0.5, max: 100, noNaN: true }),
  a: fc.double({ min: 0.1, max: 5, noNaN: true }),
  b: fc.double({ min: 0.2, max: 20, noNaN: true }),
});
const historyArb = fc
  .record({ x: fc.integer({ min: 0, max: 60 }), T: fc.double({ min: 1, max: 400, noNaN: true }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : T * share }));
const rhythm: MerchantRhythm = { logMean: Math.log(9), logSd: 0.6, withinLogSd: 0.4 };
const CLASS_RANK = { A: 0, B: 1, C: 2 } as const;

describe('analytics properties', () => {
  it('a summary as of a day ignores everything after it, and 0 ≤ recency ≤ T', () => {
    fc.assert(
      fc.property(purchasesArb, purchasesArb, fc.integer({ min: 0, max: 400 }), (before, after, asOfDay) => {
        const known = before.filter((p) => p.day <= asOfDay);
        const later = after.map((p) => ({ ...p, day: asOfDay + 1 + p.day }));
        const summary = summarizeMember([...known, ...later], asOfDay);
        expect(summary).toEqual(summarizeMember(known, asOfDay));
        if (summary !== null) {
          expect(summary.frequency).toBe(summary.purchases - 1);
          expect(summary.recency).toBeGreaterThanOrEqual(0);
          expect(summary.recency).toBeLessThanOrEqual(summary.T);
          expect(summary.daysSinceLast).toBe(summary.T - summary.recency);
        }
      }),
    );
  });

  it('P(alive) is in [0, 1] (0 only by underflow); expected purchases are finite, ≥ 0 and grow with the horizon', () => {
    fc.assert(
      fc.property(paramsArb, historyArb, fc.double({ min: 0.1, max: 400, noNaN: true }), (params, { x, tx, T }, t) => {
        const alive = probabilityAlive(params, x, tx, T);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        const shorter = conditionalExpectedPurchases(params, x, tx, T, t);
        const longer = conditionalExpectedPurchases(params, x, tx, T, 2 * t);
        expect(Number.isFinite(longer)).toBe(true);
        expect(shorter).toBeGreaterThanOrEqual(0);
        expect(longer).toBeGreaterThanOrEqual(shorter * (1 - 1e-9));
      }),
    );
  });

  it('churn risk is an integer 0–100 that never falls as the days away grow', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 20 }).map((d) => d.sort((p, q) => p - q)),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        (visitDays, away, more, probabilityAlive) => {
          const asOfDay = visitDays[visitDays.length - 1] + away;
          const now = churnRisk({ visitDays, asOfDay, probabilityAlive, merchant: rhythm })!;
          const later = churnRisk({ visitDays, asOfDay: asOfDay + more, probabilityAlive, merchant: rhythm })!;
          expect(Number.isInteger(now.score)).toBe(true);
          expect(now.score).toBeGreaterThanOrEqual(0);
          expect(now.score).toBeLessThanOrEqual(100);
          expect(later.score).toBeGreaterThanOrEqual(now.score);
        },
      ),
    );
  });

  it('quintile scores are 1–5, equal values share a score, and a better value never scores lower', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }), fc.boolean(), (values, higherIsBetter) => {
        const scores = quintileScores(values, higherIsBetter);
        values.forEach((v, i) => {
          expect(scores[i]).toBeGreaterThanOrEqual(1);
          expect(scores[i]).toBeLessThanOrEqual(5);
          values.forEach((w, j) => {
            const better = higherIsBetter ? v > w : v < w;
            if (v === w) expect(scores[i]).toBe(scores[j]);
            if (better) expect(scores[i]).toBeGreaterThanOrEqual(scores[j]);
          });
        });
      }),
    );
  });

  it('every member gets a segment', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ daysSinceLast: fc.nat(400), purchases: fc.integer({ min: 1, max: 90 }), spendMinor: fc.nat(1_000_000) }), { maxLength: 40 }), (members) => {
        expect(rfmScores(members).every((s) => typeof s.segment === 'string')).toBe(true);
      }),
    );
  });

  it('ABC: more spend never means a worse class, and A holds at least its share of spend', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 60 }), (spend) => {
        const classes = abcClasses(spend);
        spend.forEach((v, i) => spend.forEach((w, j) => {
          if (v > w) expect(CLASS_RANK[classes[i]]).toBeLessThanOrEqual(CLASS_RANK[classes[j]]);
        }));
        const total = spend.reduce((s, v) => s + v, 0);
        const inA = spend.reduce((s, v, i) => s + (classes[i] === 'A' ? v : 0), 0);
        if (total > 0) expect(inA * 100).toBeGreaterThanOrEqual(total * 80);
      }),
    );
  });

  it('AUC is the share of (positive, negative) pairs ordered right, ties half', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.boolean()), { maxLength: 50 }), (pairs) => {
        const scores = pairs.map((p) => p[0]);
        const positive = pairs.map((p) => p[1]);
        let count = 0;
        let wins = 0;
        pairs.forEach(([s, pos]) => pairs.forEach(([t, neg]) => {
          if (!pos || neg) return;
          count++;
          wins += s > t ? 1 : s === t ? 0.5 : 0;
        }));
        const got = auc(scores, positive);
        if (count === 0) expect(got).toBeNull();
        else expect(got).toBeCloseTo(wins / count, 12);
      }),
    );
  });
});
