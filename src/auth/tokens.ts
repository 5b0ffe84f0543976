import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../http/errors';
import type { Caller, StaffRole } from '../http/principal';

/** Access-token claims. Short names keep the token small on every till request. */
interface Claims {
  sub: string;
  typ: Caller['kind'];
  mid?: string;
  role?: StaffRole;
  stores?: string[] | null;
  store?: string;
  /** The cashier signed in on a till (terminal tokens). */
  csh?: string;
  /** Token generation of the staff user or operator (see StaffUser.tokenGeneration). */
  gen?: number;
  exp?: number;
}

/** A verified token: who it stands for and the generation it was issued in. */
export interface VerifiedToken {
  caller: Caller;
  generation: number;
}

const ISSUER = 'tally';
const AUDIENCE = 'tally-api';

/**
 * Given a string, jsonwebtoken builds a key object on every call, first
 * trying it as a PEM public key (which throws): a measurable share of a till
 * request. The key is built once per secret instead; same bytes (UTF-8).
 */
const keys = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/**
 * Signs an access token. `generation` is the staff user's or operator's
 * current token generation; terminals and members have none (their rows are
 * checked on every request instead).
 */
export function signAccessToken(secret: string, ttlSeconds: number, caller: Caller, generation = 0): string {
  const claims: Claims =
    caller.kind === 'staff'
      ? { sub: caller.userId, typ: 'staff', mid: caller.merchantId, role: caller.role, stores: caller.storeIds, gen: generation }
      : caller.kind === 'terminal'
        ? { sub: caller.terminalId, typ: 'terminal', mid: caller.merchantId, store: caller.storeId, ...(caller.cashierId ? { csh: caller.cashierId } : {}) }
        : caller.kind === 'member'
          ? { sub: caller.memberId, typ: 'member', mid: caller.merchantId }
          : { sub: caller.operatorId, typ: 'operator', gen: generation };
  return jwt.sign(claims, keyOf(secret), { algorithm: 'HS256', expiresIn: ttlSeconds, issuer: ISSUER, audience: AUDIENCE });
}

const CASHIER_AUDIENCE = 'tally-cashier';

/** Who a cashier shift token stands for: one staff member on one till. */
export interface CashierShift {
  merchantId: string;
  terminalId: string;
  cashierId: string;
}

/**
 * A cashier's shift on one till: the till trades it, with its key, for access
 * tokens that carry the cashier, so the PIN is asked once per shift and not
 * every time the short access token ends. Its own audience, so it is never
 * accepted as an access token (nor one as it).
 */
export function signCashierToken(secret: string, ttlSeconds: number, shift: CashierShift): string {
  return jwt.sign({ sub: shift.cashierId, mid: shift.merchantId, tid: shift.terminalId }, keyOf(secret), { algorithm: 'HS256', expiresIn: ttlSeconds, issuer: ISSUER, audience: CASHIER_AUDIENCE });
}

/** The shift, or null when the token is not a live cashier token of this server. */
export function verifyCashierToken(secret: string, token: string): CashierShift | null {
  try {
    const claims = jwt.verify(token, keyOf(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: CASHIER_AUDIENCE }) as { sub?: unknown; mid?: unknown; tid?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string' || typeof claims.mid !== 'string' || typeof claims.tid !== 'string' || typeof claims.exp !== 'number') return null;
    return { cashierId: claims.sub, merchantId: claims.mid, terminalId: claims.tid };
  } catch {
    return null;
  }
}

/**
 * Verifies signature (HS256 only: `alg: none` and others are refused), expiry,
 * issuer and audience. A token without an expiry is refused too: jsonwebtoken
 * accepts one, and it would never stop working.
 */
export function verifyAccessToken(secret: string, token: string): VerifiedToken {
  let claims: Claims;
  try {
    claims = jwt.verify(token, keyOf(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }) as Claims;
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw new AppError('INVALID_TOKEN', expired ? 'Access token expired' : 'Access token invalid');
  }
  const caller = typeof claims.exp === 'number' && typeof claims.sub === 'string' ? callerOf(claims) : null;
  if (!caller) throw new AppError('INVALID_TOKEN', 'Access token invalid');
  return { caller, generation: typeof claims.gen === 'number' ? claims.gen : -1 };
}

function callerOf(claims: Claims): Caller | null {
  switch (claims.typ) {
    case 'staff':
      if (!claims.role || !claims.mid) return null;
      return { kind: 'staff', userId: claims.sub, merchantId: claims.mid, role: claims.role, storeIds: claims.stores ?? null };
    case 'terminal':
      if (!claims.store || !claims.mid) return null;
      return { kind: 'terminal', terminalId: claims.sub, merchantId: claims.mid, storeId: claims.store, ...(typeof claims.csh === 'string' ? { cashierId: claims.csh } : {}) };
    case 'member':
      if (!claims.mid) return null;
      return { kind: 'member', memberId: claims.sub, merchantId: claims.mid };
    case 'operator':
      return { kind: 'operator', operatorId: claims.sub };
  }
  return null;
}
