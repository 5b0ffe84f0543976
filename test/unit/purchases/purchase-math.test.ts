import fc from 'fast-check';
import { lineAmount } from '../../../src/pricing/pipeline';
import { canonicalJson, proRataStep, requestHash } from '../../../src/purchases/purchase-math';

describe('lineAmount', () => {
  it.each([
    [1000, 250, 250], // one piece
    [3000, 199, 597], // three pieces
    [452, 399, 180], // 0.452 kg at 3.99/kg = 180.348 → 180
    [500, 99, 50], // 49.5 → 50 (half up)
    [1, 1, 0], // 0.001 → 0
  ])('%i thousandths at %i is %i', (q, price, amount) => {
    expect(lineAmount(q, price)).toBe(amount);
  });
});

describe('proRataStep (cumulative floor)', () => {
  it('takes the floor of each share and gives the last step the remainder', () => {
    // 7 points over a 300 receipt returned in thirds: floor(7/3)=2, floor(14/3)=4 → 2, 2, then 3.
    expect(proRataStep(7, 0, 100, 300)).toBe(2);
    expect(proRataStep(7, 100, 200, 300)).toBe(2);
    expect(proRataStep(7, 200, 300, 300)).toBe(3);
  });

  it('never adds up to more than the whole, and exactly to it once everything is returned', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 20 }), (whole, total, parts) => {
        let done = 0;
        let sum = 0;
        for (const part of parts) {
          const next = Math.min(total, done + part);
          const step = proRataStep(whole, done, next, total);
          expect(step).toBeGreaterThanOrEqual(0);
          sum += step;
          expect(sum).toBeLessThanOrEqual(whole);
          done = next;
        }
        sum += proRataStep(whole, done, total, total);
        expect(sum).toBe(whole);
      }),
    );
  });
});

describe('requestHash', () => {
  it('ignores key order and undefined fields but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1, b: 2 })).not.toBe(requestHash({ a: 1, b: 3 }));
    expect(requestHash({ lines: [1, 2] })).not.toBe(requestHash({ lines: [2, 1] }));
  });
});
