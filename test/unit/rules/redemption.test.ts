import { AppError } from '../../../src/http/errors';
import { evaluateRedemption } from '../../../src/rules/earning';
import { DEFAULT_RULES, type Program, type ProgramRules } from '../../../src/rules/program.schemas';

const program = (redemption: Partial<ProgramRules['redemption']> = {}): Program => ({
  ...DEFAULT_RULES,
  // 100 points = 1.00, at least 200, in steps of 50, at most half the basket.
  redemption: { enabled: true, pointsPerUnit: 100, unitValueMinor: 100, minPoints: 200, step: 50, maxShareOfBasketPercent: 50, ...redemption },
  version: 1,
  effectiveFrom: new Date(0),
  timeZone: 'UTC',
});

function refusal(fn: () => unknown): { reason: string; maxPoints: number } | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.code).toBe('REDEMPTION_NOT_ALLOWED');
    expect(err.status).toBe(422);
    const { reason, maxPoints } = err.details as { reason: string; maxPoints: number };
    return { reason, maxPoints };
  }
}

describe('evaluateRedemption', () => {
  it('tells the till the minimum, step and share with every refusal, so it can say them in its language', () => {
    try {
      evaluateRedemption(program(), { requestedPoints: 120, available: 1000, payableMinor: 1000 });
      throw new Error('not refused');
    } catch (err) {
      expect((err as AppError).details).toEqual({ reason: 'below_minimum', maxPoints: 500, minPoints: 200, step: 50, maxSharePercent: 50 });
    }
  });

  it.each([
    ['exactly the minimum', 200, 1000, 1000, { points: 200, discountMinor: 200 }],
    ['a multiple of the step', 350, 1000, 1000, { points: 350, discountMinor: 350 }],
    ['exactly the max share', 500, 1000, 1000, { points: 500, discountMinor: 500 }],
    ['exactly the balance', 300, 300, 1000, { points: 300, discountMinor: 300 }],
  ])('accepts %s', (_name, requestedPoints, available, payableMinor, expected) => {
    expect(evaluateRedemption(program(), { requestedPoints, available, payableMinor })).toEqual(expected);
  });

  it.each([
    ['below the minimum', 150, 1000, 1000, 'below_minimum', 500],
    ['not a multiple of the step', 260, 1000, 1000, 'not_multiple_of_step', 500],
    ['more than available', 400, 350, 1000, 'more_than_available', 350],
    ['above the max share of the basket', 550, 1000, 1000, 'above_max_share', 500],
    ['zero', 0, 1000, 1000, 'not_positive', 500],
    ['a small basket allows nothing', 200, 1000, 399, 'above_max_share', 0],
    ['a negative balance allows nothing', 200, -50, 1000, 'more_than_available', 0],
  ])('refuses %s', (_name, requestedPoints, available, payableMinor, reason, maxPoints) => {
    expect(refusal(() => evaluateRedemption(program(), { requestedPoints, available, payableMinor }))).toEqual({ reason, maxPoints });
  });

  it('refuses when the shop does not take points', () => {
    expect(refusal(() => evaluateRedemption(program({ enabled: false }), { requestedPoints: 200, available: 1000, payableMinor: 1000 }))?.reason).toBe('disabled');
  });

  it('rounds the value down to whole minor units', () => {
    // 3 points = 0.01: 200 points are worth 66.67 minor units → 66.
    const p = program({ pointsPerUnit: 3, unitValueMinor: 1, minPoints: 3, step: 3, maxShareOfBasketPercent: 100 });
    expect(evaluateRedemption(p, { requestedPoints: 201, available: 1000, payableMinor: 1000 })).toEqual({ points: 201, discountMinor: 67 });
    expect(evaluateRedemption(p, { requestedPoints: 198, available: 1000, payableMinor: 1000 })).toEqual({ points: 198, discountMinor: 66 });
  });
});
