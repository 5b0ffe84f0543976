import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../http/errors';

/**
 * Per-IP limit on the credential routes (sign-in, refresh, terminal token,
 * setup). Only failed attempts count, so a shop whose tills and back office
 * share one public IP is never blocked by normal use; guessing is. The counter
 * lives in this process: behind a load balancer each api process keeps its
 * own, and the per-account lockout in the database is the shared defence.
 * Build one per app, so separate apps (tests) never share counters.
 */
export function failedAttemptLimit(options: { limit: number; windowMinutes: number }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMinutes * 60_000,
    limit: options.limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + options.windowMinutes * 60_000) - Date.now()) / 1000));
      next(new AppError('RATE_LIMITED', `Too many failed attempts from this address; try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds }));
    },
  });
}
