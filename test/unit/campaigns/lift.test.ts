import { campaignReturn, estimateLift, isInHoldout, minimumDetectableLift } from '../../../src/campaigns';
import { gammaSample, seededRandom } from '../../support/analytics-simulation';

/**
 * Members of a shop: spend before the campaign varies a lot between members
 * (skewed, like real baskets), spend during it follows each member's own level
 * with noise, and the treated group gets `lift` more on average.
 */
function simulateCampaign(seed: number, options: { treated: number; holdout: number; lift: number }) {
  const random = seededRandom(seed);
  const member = (extra: number) => {
    const level = gammaSample(random, 2, 1 / 25); // mean 50
    const before = level * gammaSample(random, 8, 8);
    const during = level * gammaSample(random, 8, 8) + extra;
    return { before, during };
  };
  const group = (n: number, extra: number) => {
    const members = Array.from({ length: n }, () => member(extra));
    return { outcome: members.map((m) => m.during), before: members.map((m) => m.before) };
  };
  return { treated: group(options.treated, options.lift), holdout: group(options.holdout, 0) };
}

describe('minimumDetectableLift', () => {
  // (z0.975 + z0.8) · sd · √(1/n₁ + 1/n₀), z0.975 + z0.8 = 2.801585 (normal tables).
  it.each([
    { treated: 100, holdout: 100, mean: 1, sd: 1, absolute: 2.801585 * Math.sqrt(2 / 100) },
    { treated: 720, holdout: 80, mean: 50, sd: 60, absolute: 2.801585 * 60 * Math.sqrt(1 / 720 + 1 / 80) },
    { treated: 9000, holdout: 1000, mean: 50, sd: 60, absolute: 2.801585 * 60 * Math.sqrt(1 / 9000 + 1 / 1000) },
  ])('$treated treated / $holdout held out, sd $sd', ({ treated, holdout, mean, sd, absolute }) => {
    const mde = minimumDetectableLift({ treated, holdout, mean, sd });
    expect(mde.absolute).toBeCloseTo(absolute, 4);
    expect(mde.relative).toBeCloseTo(absolute / mean, 4);
  });

  it('says how small a shop can see: 800 members with a 10 % holdout only see lifts above ~40 % of a typical spend', () => {
    expect(minimumDetectableLift({ treated: 720, holdout: 80, mean: 50, sd: 60 }).relative).toBeCloseTo(0.396, 2);
  });

  it('grows without bound when a group is empty, and uses the given alpha and power', () => {
    expect(minimumDetectableLift({ treated: 100, holdout: 0, mean: 5, sd: 1 }).absolute).toBe(Infinity);
    // z0.995 + z0.9 = 2.575829 + 1.281552
    expect(minimumDetectableLift({ treated: 50, holdout: 50, mean: 1, sd: 1, alpha: 0.01, power: 0.9 }).absolute).toBeCloseTo(3.857381 * Math.sqrt(2 / 50), 4);
    expect(() => minimumDetectableLift({ treated: 1, holdout: 1, mean: 1, sd: 1, power: 1 })).toThrow(RangeError);
  });
});

describe('isInHoldout', () => {
  const ids = Array.from({ length: 20000 }, (_, i) => `member-${i}`);

  it('keeps back about the asked share, the same members every time', () => {
    const first = ids.filter((id) => isInHoldout('campaign-a', id, 10));
    expect(first.length / ids.length).toBeGreaterThan(0.09);
    expect(first.length / ids.length).toBeLessThan(0.11);
    expect(ids.filter((id) => isInHoldout('campaign-a', id, 10))).toEqual(first);
  });

  it('draws independently per campaign, and honours 0 and 100', () => {
    const both = ids.filter((id) => isInHoldout('campaign-a', id, 10) && isInHoldout('campaign-b', id, 10)).length;
    expect(both / ids.length).toBeGreaterThan(0.005);
    expect(both / ids.length).toBeLessThan(0.015);
    expect(ids.some((id) => isInHoldout('c', id, 0))).toBe(false);
    expect(ids.every((id) => isInHoldout('c', id, 100))).toBe(true);
    expect(() => isInHoldout('c', 'm', 101)).toThrow(RangeError);
  });
});

describe('estimateLift', () => {
  it('without a pre-period, the estimate is the difference of the means', () => {
    const lift = estimateLift({ treated: { outcome: [10, 20, 30] }, holdout: { outcome: [5, 15] }, replicates: 200 });
    expect(lift.perMember.estimate).toBeCloseTo(10, 10);
    expect(lift.total.estimate).toBeCloseTo(30, 10);
    expect(lift.relative!.estimate).toBeCloseTo(1, 10);
    expect(lift.cuped).toEqual({ used: false, theta: 0 });
  });

  it('is repeatable for a seed, and the interval contains the estimate', () => {
    const data = simulateCampaign(7, { treated: 900, holdout: 100, lift: 5 });
    const a = estimateLift({ ...data, seed: 3 });
    const b = estimateLift({ ...data, seed: 3 });
    expect(a.perMember).toEqual(b.perMember);
    expect(a.perMember.low).toBeLessThan(a.perMember.estimate);
    expect(a.perMember.high).toBeGreaterThan(a.perMember.estimate);
  });

  it('recovers a planted lift, and CUPED narrows the interval', () => {
    const data = simulateCampaign(11, { treated: 2700, holdout: 300, lift: 8 });
    const plain = estimateLift({ treated: { outcome: data.treated.outcome }, holdout: { outcome: data.holdout.outcome } });
    const adjusted = estimateLift(data);
    expect(adjusted.cuped.used).toBe(true);
    expect(adjusted.cuped.theta).toBeGreaterThan(0.5);
    expect(adjusted.perMember.low).toBeLessThan(8);
    expect(adjusted.perMember.high).toBeGreaterThan(8);
    const width = (i: { low: number; high: number }) => i.high - i.low;
    expect(width(adjusted.perMember)).toBeLessThan(0.8 * width(plain.perMember));
    expect(adjusted.verdict).toBe('lift');
  });

  it('says "not proven" when there is no lift to find', () => {
    const data = simulateCampaign(5, { treated: 720, holdout: 80, lift: 0 });
    expect(estimateLift(data).verdict).toBe('not_proven');
  });

  it('its 95 % interval covers the planted lift in about 95 % of seeded repetitions', () => {
    const repetitions = 600;
    let covered = 0;
    for (let seed = 1; seed <= repetitions; seed++) {
      const data = simulateCampaign(1000 + seed, { treated: 1350, holdout: 150, lift: 6 });
      const { perMember } = estimateLift({ ...data, replicates: 400, seed });
      if (perMember.low <= 6 && 6 <= perMember.high) covered++;
    }
    // 95 % ± 2.8 binomial standard deviations over 600 repetitions (a 91 % interval fails it).
    expect(covered / repetitions).toBeGreaterThan(0.925);
    expect(covered / repetitions).toBeLessThan(0.975);
  });

  it('refuses malformed input', () => {
    expect(() => estimateLift({ treated: { outcome: [1], before: [] }, holdout: { outcome: [1], before: [1] } })).toThrow(RangeError);
    expect(() => estimateLift({ treated: { outcome: [1] }, holdout: { outcome: [1] }, replicates: 10 })).toThrow(RangeError);
  });
});

describe('campaignReturn', () => {
  const lift = estimateLift({ treated: { outcome: [30, 40, 50, 60] }, holdout: { outcome: [20, 30, 40] }, replicates: 500 });

  it('turns the lift into incremental margin and ROI, with the same intervals', () => {
    const money = campaignReturn(lift, { costMinor: 20, marginRate: 0.25 });
    // 15 per member × 4 members × 25 % − 20 = −5
    expect(money.incrementalMargin.estimate).toBeCloseTo(-5, 10);
    expect(money.roi!.estimate).toBeCloseTo(-0.25, 10);
    expect(money.incrementalMargin.low).toBeCloseTo(lift.perMember.low * 4 * 0.25 - 20, 10);
    expect(money.verdict).toBe('not_proven');
    expect(campaignReturn(lift, { costMinor: 0, marginRate: 0.25 }).roi).toBeNull();
    expect(() => campaignReturn(lift, { costMinor: 1, marginRate: 2 })).toThrow(RangeError);
  });
});
