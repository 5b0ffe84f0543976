import type { Request } from 'express';
import { AppError, forbidden } from './errors';
import { isAllowed, type Access, type Caller } from './principal';

/**
 * Turns a bearer token into a live principal: verifies the JWT and checks the
 * account or terminal has not been disabled or revoked since it was issued.
 * Set once per app by createApp.
 */
export type Authenticator = (token: string) => Promise<Caller>;

const authenticators = new WeakMap<object, Authenticator>();

export function setAuthenticator(app: object, authenticate: Authenticator): void {
  authenticators.set(app, authenticate);
}

/** Checks the caller against the route's access rule; the one place roles are enforced. */
export async function authorize(req: Request, access: Access): Promise<Caller | null> {
  // Public routes (sign-in, health) never look at a token, so a stale one cannot block them.
  if (access === 'public') return null;
  const header = req.headers.authorization;
  if (!header) {
    throw new AppError('UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token>');
  }
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
  const authenticate = authenticators.get(req.app);
  if (!authenticate) throw new Error('no authenticator configured for this app');
  const principal = await authenticate(match[1]);
  if (!isAllowed(access, principal)) throw forbidden();
  return principal;
}
