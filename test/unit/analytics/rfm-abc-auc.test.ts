import { abcClasses, auc, rfmScores, rfmSegment, RFM_SEGMENTS, segmentMovement, segmentSummary, type RfmSegment } from '../../../src/analytics';
import { quintileScores } from '../../../src/analytics/models/rfm';

describe('RFM segments: the R × F grid', () => {
  const grid: Record<number, RfmSegment[]> = {
    5: ['New', 'Potential loyalists', 'Potential loyalists', 'Champions', 'Champions'],
    4: ['New', 'Potential loyalists', 'Potential loyalists', 'Loyal', 'Loyal'],
    3: ['Hibernating', 'Hibernating', 'Potential loyalists', 'Loyal', 'Loyal'],
    2: ['Hibernating', 'Hibernating', 'At risk', 'At risk', "Can't lose"],
    1: ['Lost', 'Lost', 'At risk', 'At risk', "Can't lose"],
  };
  const cells = Object.entries(grid).flatMap(([r, row]) => row.map((segment, i) => [Number(r), i + 1, segment] as const));
  it.each(cells)('R %i, F %i → %s', (r, f, segment) => {
    expect(rfmSegment(r, f)).toBe(segment);
  });
  it('every named segment is reachable', () => {
    expect(new Set(cells.map((c) => c[2]))).toEqual(new Set(RFM_SEGMENTS));
  });
});

describe('quintile scores', () => {
  it.each([
    ['ten distinct values, higher better', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]],
    ['lower better (recency)', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], false, [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]],
    ['ties share a score: six one-visit members', [1, 1, 1, 1, 1, 1, 2, 3, 4, 5], true, [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]],
    ['all equal', [3, 3, 3], true, [1, 1, 1]],
    ['one member', [42], true, [1]],
    ['none', [], true, []],
  ])('%s', (_name, values, higherIsBetter, scores) => {
    expect(quintileScores(values, higherIsBetter)).toEqual(scores);
  });
});

describe('RFM scores, summary and movement', () => {
  const members = [
    { daysSinceLast: 1, purchases: 40, spendMinor: 90_000 },
    { daysSinceLast: 2, purchases: 30, spendMinor: 50_000 },
    { daysSinceLast: 200, purchases: 35, spendMinor: 60_000 },
    { daysSinceLast: 3, purchases: 1, spendMinor: 1_000 },
    { daysSinceLast: 300, purchases: 1, spendMinor: 500 },
  ];
  const scores = rfmScores(members);

  it('scores and names each member', () => {
    expect(scores.map((s) => `${s.r}${s.f}${s.m} ${s.segment}`)).toEqual([
      '555 Champions',
      '433 Potential loyalists',
      '244 At risk',
      '312 Hibernating',
      '111 Lost',
    ]);
  });

  it('summarises every segment with counts and spend share in basis points', () => {
    const summary = segmentSummary(members, scores);
    expect(summary.map((s) => s.segment)).toEqual([...RFM_SEGMENTS]);
    expect(summary.find((s) => s.segment === 'Champions')).toEqual({ segment: 'Champions', members: 1, spendMinor: 90_000, spendShareBasisPoints: 4467 });
    expect(summary.reduce((s, x) => s + x.members, 0)).toBe(5);
    expect(summary.find((s) => s.segment === 'New')).toMatchObject({ members: 0, spendShareBasisPoints: 0 });
  });

  it('counts movement between two runs', () => {
    const moved = segmentMovement(['Champions', 'Champions', 'New'], ['Champions', 'At risk', 'Loyal']);
    expect(moved).toEqual(
      expect.arrayContaining([
        { from: 'Champions', to: 'Champions', members: 1 },
        { from: 'Champions', to: 'At risk', members: 1 },
        { from: 'New', to: 'Loyal', members: 1 },
      ]),
    );
    expect(() => segmentMovement(['New'], [])).toThrow(RangeError);
  });
});

describe('ABC classes (80/15/5 by default)', () => {
  it.each([
    ['the member crossing 80 % is A, crossing 95 % is B', [50, 30, 10, 6, 4], undefined, ['A', 'A', 'B', 'B', 'C']],
    ['order of input does not matter', [4, 6, 10, 30, 50], undefined, ['C', 'B', 'B', 'A', 'A']],
    ['one member with everything', [100, 0, 0], undefined, ['A', 'C', 'C']],
    ['equal spend, equal class', [25, 25, 25, 25], undefined, ['A', 'A', 'A', 'A']],
    ['nothing spent is C', [0, 0], undefined, ['C', 'C']],
    ['returns (negative) are C', [100, -20], undefined, ['A', 'C']],
    ['70/20/10', [60, 15, 10, 10, 5], { aPercent: 70, bPercent: 20 }, ['A', 'A', 'B', 'B', 'C']],
    ['none', [], undefined, []],
  ])('%s', (_name, spend, shares, classes) => {
    expect(abcClasses(spend, shares)).toEqual(classes);
  });

  it('rejects shares that do not add up', () => {
    expect(() => abcClasses([1], { aPercent: 90, bPercent: 20 })).toThrow(RangeError);
  });
});

describe('AUC (Mann–Whitney)', () => {
  it.each([
    ['perfect ranking', [0.9, 0.8, 0.2, 0.1], [true, true, false, false], 1],
    ['reversed', [0.1, 0.2, 0.8, 0.9], [true, true, false, false], 0],
    ['all tied: a coin toss', [5, 5, 5, 5], [true, false, true, false], 0.5],
    ['one of four pairs wrong', [0.9, 0.4, 0.5, 0.1], [true, true, false, false], 0.75],
    ['a tie between classes counts half', [0.9, 0.5, 0.5, 0.1], [true, true, false, false], 0.875],
  ])('%s', (_name, scores, positive, want) => {
    expect(auc(scores, positive)).toBeCloseTo(want, 12);
  });

  it('is null when one class is empty, and wants one label per score', () => {
    expect(auc([1, 2], [true, true])).toBeNull();
    expect(() => auc([1], [])).toThrow(RangeError);
  });
});
