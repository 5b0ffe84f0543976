import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../http/errors';
import type { Principal, StaffRole } from '../http/principal';

/** Access-token claims. Short names keep the token small on every till request. */
interface Claims {
  sub: string;
  typ: Principal['kind'];
  mid: string;
  role?: StaffRole;
  stores?: string[] | null;
  store?: string;
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

export function signAccessToken(secret: string, ttlSeconds: number, principal: Principal): string {
  const claims: Claims =
    principal.kind === 'staff'
      ? { sub: principal.userId, typ: 'staff', mid: principal.merchantId, role: principal.role, stores: principal.storeIds }
      : principal.kind === 'terminal'
        ? { sub: principal.terminalId, typ: 'terminal', mid: principal.merchantId, store: principal.storeId }
        : { sub: principal.memberId, typ: 'member', mid: principal.merchantId };
  return jwt.sign(claims, keyOf(secret), { algorithm: 'HS256', expiresIn: ttlSeconds, issuer: ISSUER, audience: AUDIENCE });
}

/** Verifies signature (HS256 only: `alg: none` and others are refused), expiry, issuer and audience. */
export function verifyAccessToken(secret: string, token: string): Principal {
  let claims: Claims;
  try {
    claims = jwt.verify(token, keyOf(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }) as Claims;
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw new AppError('INVALID_TOKEN', expired ? 'Access token expired' : 'Access token invalid');
  }
  switch (claims.typ) {
    case 'staff':
      if (!claims.role) break;
      return { kind: 'staff', userId: claims.sub, merchantId: claims.mid, role: claims.role, storeIds: claims.stores ?? null };
    case 'terminal':
      if (!claims.store) break;
      return { kind: 'terminal', terminalId: claims.sub, merchantId: claims.mid, storeId: claims.store };
    case 'member':
      return { kind: 'member', memberId: claims.sub, merchantId: claims.mid };
  }
  throw new AppError('INVALID_TOKEN', 'Access token invalid');
}
