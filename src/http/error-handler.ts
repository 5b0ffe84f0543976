import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { isDatabaseUnavailable, isUniqueViolation } from '../db/db';
import { AppError } from './errors';

/** 404 for any path no route matched. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.path}`));
};

/**
 * Turns any thrown error into `{ error: { code, message, details, requestId } }`.
 * Known errors keep their code; an unexpected one is logged with the request
 * id and answered as a plain 500, without internals.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const requestId = String(req.id ?? '');
    const known = toAppError(err);
    if (!known) {
      (req.log ?? log).error({ err, requestId }, 'unhandled error');
    } else if (known.code === 'DATABASE_UNAVAILABLE') {
      (req.log ?? log).warn({ err: errorMessage(err), requestId }, 'database unavailable');
    }
    const error = known ?? new AppError('INTERNAL', 'Something went wrong on our side; the request id identifies it in the logs');
    // For the request metrics (errors by code).
    res.locals.errorCode = error.code;
    if (error.code === 'RATE_LIMITED' || error.code === 'ACCOUNT_LOCKED') {
      const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    }
    // A till retries the same request (same Idempotency-Key) after this; the outage is usually a restart.
    if (error.code === 'DATABASE_UNAVAILABLE') res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    res.status(error.status).json({
      error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}), requestId },
    });
  };
}

const DATABASE_RETRY_AFTER_SECONDS = 5;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isUniqueViolation(err)) return new AppError('ALREADY_EXISTS', 'A record with the same unique value already exists');
  if (isDatabaseUnavailable(err)) return new AppError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry in a few seconds');
  const bodyError = err as { type?: string; status?: number; limit?: number };
  switch (bodyError?.type) {
    case 'entity.parse.failed':
      return new AppError('MALFORMED_JSON', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than the limit of ${bodyError.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding; send UTF-8 JSON');
  }
  if (bodyError?.status && bodyError.status >= 400 && bodyError.status < 500) {
    return new AppError('VALIDATION_FAILED', 'The request could not be read');
  }
  return null;
}
