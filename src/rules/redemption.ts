import { AppError } from '../http/errors';
import type { Program } from './program.schemas';

export interface RedemptionRequest {
  requestedPoints: number;
  /** Points the member can spend now. */
  available: number;
  /** What the basket costs before points, in minor units. */
  payableMinor: number;
}

export type RedemptionRefusal = 'disabled' | 'not_positive' | 'below_minimum' | 'not_multiple_of_step' | 'more_than_available' | 'above_max_share';

/**
 * Checks a request to pay with points and prices it. Pure. Refusals are a
 * 422 REDEMPTION_NOT_ALLOWED whose details carry the reason and the largest
 * number of points that would be accepted (`maxPoints`, 0 if none), so the
 * till can offer it. The value is rounded down to whole minor units.
 */
export function evaluateRedemption(program: Program, req: RedemptionRequest): { points: number; discountMinor: number } {
  const r = program.redemption;
  const value = (points: number) => Math.floor((points * r.unitValueMinor) / r.pointsPerUnit);
  const maxDiscount = Math.floor((Math.max(0, req.payableMinor) * r.maxShareOfBasketPercent) / 100);
  // The most points whose value fits the share, the balance and the step.
  const byShare = Math.floor((maxDiscount * r.pointsPerUnit) / r.unitValueMinor);
  const fitting = Math.min(byShare, Math.max(0, req.available));
  const maxPoints = r.enabled && fitting >= r.minPoints ? fitting - (fitting % r.step) : 0;
  const refuse = (reason: RedemptionRefusal, message: string): never => {
    // The program's minimum, step and share come along, so a till can say in its own language what would be accepted.
    throw new AppError('REDEMPTION_NOT_ALLOWED', message, {
      reason,
      maxPoints: maxPoints >= r.minPoints ? maxPoints : 0,
      minPoints: r.minPoints,
      step: r.step,
      maxSharePercent: r.maxShareOfBasketPercent,
    });
  };
  if (!r.enabled) refuse('disabled', 'This shop does not take points as payment');
  if (!Number.isSafeInteger(req.requestedPoints) || req.requestedPoints <= 0) refuse('not_positive', 'Redeem a positive whole number of points');
  if (req.requestedPoints < r.minPoints) refuse('below_minimum', `Redeem at least ${r.minPoints} points`);
  if (req.requestedPoints % r.step !== 0) refuse('not_multiple_of_step', `Redeem points in steps of ${r.step}`);
  if (req.requestedPoints > req.available) refuse('more_than_available', `Only ${Math.max(0, req.available)} points are available`);
  const discountMinor = value(req.requestedPoints);
  if (discountMinor > maxDiscount) refuse('above_max_share', `Points may pay at most ${r.maxShareOfBasketPercent}% of this basket`);
  return { points: req.requestedPoints, discountMinor };
}
