import type { EntityManager } from 'typeorm';
import { audit } from '../audit/audit.service';
import { newId } from '../db/ids';
import { TtlCache } from '../db/ttl-cache';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import type { Merchant } from '../merchants/merchant.entity';
import { StaffUser } from '../merchants/staff-user.entity';
import { Terminal } from '../merchants/terminal.entity';
import type { Services } from '../services';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { RefreshToken } from './refresh-token.entity';
import { matchesHash, newOpaqueToken, parseTerminalKey, sha256Hex } from './secrets';
import { SetupToken } from './setup-token.entity';
import { signAccessToken, verifyAccessToken } from './tokens';

/** Failed passwords in a row before an account is locked, and for how long. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;
/** A first-run setup link stays valid this long. */
export const SETUP_TOKEN_HOURS = 24;
/** last_seen_at of a terminal is written at most this often, not on every till request. */
const LAST_SEEN_EVERY_MS = 60_000;
/**
 * How long a process trusts the terminal row it read to authenticate a till
 * request. A revocation made in this process applies at once (it evicts the
 * entry); one made through another api process applies within this bound.
 */
export const TERMINAL_AUTH_CACHE_MS = 1_000;

export interface StaffSession {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: StaffUser;
}

export interface TerminalSession {
  accessToken: string;
  expiresIn: number;
  terminal: Terminal;
}

export type Me =
  | { kind: 'staff'; merchant: Merchant; user: StaffUser }
  | { kind: 'terminal'; merchant: Merchant; terminal: Terminal }
  | { kind: 'member'; merchant: Merchant; memberId: string };

export interface SetupInput {
  token: string;
  merchant: { name: string; currency: string; timeZone: string; locale: string };
  owner: { email: string; name: string; password: string };
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
const invalidRefresh = () => new AppError('INVALID_TOKEN', 'Refresh token invalid or expired; sign in again');

export class AuthService {
  private readonly terminals = new TtlCache<Pick<Terminal, 'id' | 'storeId' | 'revokedAt' | 'lastSeenAt'>>(TERMINAL_AUTH_CACHE_MS);

  constructor(
    private readonly deps: Deps,
    private readonly services: Services,
  ) {}

  /**
   * Verifies an access token and rebuilds the principal from the database on
   * every request: a disabled account or a revoked terminal stops at once, and
   * a changed role or store list applies without waiting for the token to expire.
   * (Terminals, which call many times a second, are read at most every
   * TERMINAL_AUTH_CACHE_MS per process; see `forgetTerminal`.)
   */
  async authenticate(token: string, now = new Date()): Promise<Principal> {
    const claimed = verifyAccessToken(this.deps.config.jwtSecret, token);
    const m = this.deps.db.manager;
    switch (claimed.kind) {
      case 'staff': {
        const user = await m.findOne(StaffUser, { select: { id: true, role: true, storeIds: true }, where: { id: claimed.userId, merchantId: claimed.merchantId, active: true } });
        if (!user) throw disabled();
        return { ...claimed, role: user.role, storeIds: user.storeIds };
      }
      case 'terminal': {
        const terminal = await this.terminals.get(`${claimed.merchantId}/${claimed.terminalId}`, async () => {
          const row = await m.findOne(Terminal, { select: { id: true, storeId: true, revokedAt: true, lastSeenAt: true }, where: { id: claimed.terminalId, merchantId: claimed.merchantId } });
          // A missing row is not cached: the first request after a revocation's eviction reads again.
          if (!row) throw disabled();
          return row;
        });
        if (terminal.revokedAt) throw disabled();
        await this.touchTerminal({ ...terminal, merchantId: claimed.merchantId }, now);
        return { ...claimed, storeId: terminal.storeId };
      }
      case 'member': {
        // A closed (or merged-away) member's portal session ends at once, like a disabled staff account.
        const member = await this.services.members.get(claimed.merchantId, claimed.memberId).catch(() => null);
        if (!member || member.status === 'closed') throw disabled();
        return claimed;
      }
    }
  }

  /** Staff sign-in with email and password; locks the account after repeated failures. */
  async signIn(email: string, password: string, now = new Date()): Promise<StaffSession> {
    const user = await this.deps.db.manager.findOneBy(StaffUser, { email: email.toLowerCase() });
    if (!user) {
      await verifyAgainstDummy(password);
      throw invalidCredentials();
    }
    if (user.lockedUntil && user.lockedUntil > now) throw accountLocked(user.lockedUntil, now);
    if (!(await verifyPassword(password, user.passwordHash))) {
      await this.recordFailedSignIn(user.id, now);
      throw invalidCredentials();
    }
    // Same answer as a wrong password: a disabled account's existence is not confirmed.
    if (!user.active) throw invalidCredentials();
    return this.deps.db.transaction(async (tx) => {
      const signedIn = { failedSignIns: 0, lockedUntil: null, lastSignInAt: now };
      await tx.update(StaffUser, { id: user.id }, signedIn);
      return this.issueStaffSession(tx, Object.assign(user, signedIn), null, now);
    });
  }

  /** Counts a failure atomically (parallel guesses all count) and locks on reaching the limit. */
  private async recordFailedSignIn(userId: string, now: Date): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await tx
        .createQueryBuilder()
        .update(StaffUser)
        .set({ failedSignIns: () => 'failed_sign_ins + 1' })
        .where('id = :id', { id: userId })
        .execute();
      await tx
        .createQueryBuilder()
        .update(StaffUser)
        .set({ failedSignIns: 0, lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000) })
        .where('id = :id AND failed_sign_ins >= :max', { id: userId, max: MAX_FAILED_SIGN_INS })
        .execute();
    });
  }

  /**
   * A signed-in staff user changes their own password. Every other session
   * ends (someone who knew the old password may hold one); the caller gets a
   * fresh session in its place.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string, now = new Date()): Promise<StaffSession> {
    if (principal.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only staff accounts have passwords here');
    const user = found(await this.deps.db.manager.findOneBy(StaffUser, { id: principal.userId, merchantId: principal.merchantId }), 'staff user');
    // Guessing the current password with a stolen access token meets the same lockout as sign-in.
    if (user.lockedUntil && user.lockedUntil > now) throw accountLocked(user.lockedUntil, now);
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      await this.recordFailedSignIn(user.id, now);
      throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong', [{ path: 'body.currentPassword', message: 'is wrong' }]);
    }
    const passwordHash = await hashPassword(newPassword);
    return this.deps.db.transaction(async (tx) => {
      await tx.update(StaffUser, { id: user.id }, { passwordHash, failedSignIns: 0, lockedUntil: null, updatedAt: now });
      await this.revokeUserSessions(tx, user.id, now);
      await audit(tx, user.merchantId, principal, { action: 'staff.change-password', entity: 'staff_user', entityId: user.id }, now);
      return this.issueStaffSession(tx, user, null, now);
    });
  }

  /** Exchanges a refresh token for a new pair. A spent token presented again revokes its whole family. */
  async refresh(refreshToken: string, now = new Date()): Promise<StaffSession> {
    const row = await this.deps.db.manager.findOneBy(RefreshToken, { tokenHash: sha256Hex(refreshToken) });
    if (!row || row.revokedAt || row.expiresAt <= now) throw invalidRefresh();
    if (row.usedAt) return this.reuseDetected(row.familyId, now);
    const session = await this.deps.db.transaction(async (tx) => {
      const claimed = await tx
        .createQueryBuilder()
        .update(RefreshToken)
        .set({ usedAt: now })
        .where('id = :id AND used_at IS NULL AND revoked_at IS NULL', { id: row.id })
        .execute();
      // Another request spent it between our read and this update: that is reuse too.
      if (!claimed.affected) return null;
      const user = await tx.findOneBy(StaffUser, { id: row.userId, merchantId: row.merchantId, active: true });
      if (!user) throw invalidRefresh();
      return this.issueStaffSession(tx, user, row.familyId, now);
    });
    return session ?? this.reuseDetected(row.familyId, now);
  }

  private async reuseDetected(familyId: string, now: Date): Promise<never> {
    await this.deps.db.transaction((tx) => this.revokeFamily(tx, familyId, now));
    throw new AppError('INVALID_TOKEN', 'This refresh token was already used; every session from that sign-in is now signed out');
  }

  /** Revokes the sign-in the token belongs to. Unknown tokens are ignored, so the answer reveals nothing. */
  async signOut(refreshToken: string, now = new Date()): Promise<void> {
    const row = await this.deps.db.manager.findOneBy(RefreshToken, { tokenHash: sha256Hex(refreshToken) });
    if (row) await this.deps.db.transaction((tx) => this.revokeFamily(tx, row.familyId, now));
  }

  /** Signs a user out everywhere (password reset, account disabled). Runs in the caller's transaction. */
  async revokeUserSessions(tx: EntityManager, userId: string, now = new Date()): Promise<void> {
    await tx.createQueryBuilder().update(RefreshToken).set({ revokedAt: now }).where('user_id = :userId AND revoked_at IS NULL', { userId }).execute();
  }

  private async revokeFamily(tx: EntityManager, familyId: string, now: Date): Promise<void> {
    await tx.createQueryBuilder().update(RefreshToken).set({ revokedAt: now }).where('family_id = :familyId AND revoked_at IS NULL', { familyId }).execute();
  }

  /** A new access token and refresh token; `familyId` null starts a new family (a fresh sign-in). */
  private async issueStaffSession(tx: EntityManager, user: StaffUser, familyId: string | null, now: Date): Promise<StaffSession> {
    const refreshToken = newOpaqueToken();
    const id = newId(now.getTime());
    await tx.insert(RefreshToken, {
      id,
      merchantId: user.merchantId,
      userId: user.id,
      familyId: familyId ?? id,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: new Date(now.getTime() + this.deps.config.refreshTokenTtlDays * 86_400_000),
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    const { jwtSecret, accessTokenTtlSeconds } = this.deps.config;
    const accessToken = signAccessToken(jwtSecret, accessTokenTtlSeconds, { kind: 'staff', merchantId: user.merchantId, userId: user.id, role: user.role, storeIds: user.storeIds });
    return { accessToken, expiresIn: accessTokenTtlSeconds, refreshToken, user };
  }

  /** A till exchanges its API key for a short-lived access token. */
  async terminalToken(apiKey: string, now = new Date()): Promise<TerminalSession> {
    const parsed = parseTerminalKey(apiKey);
    const terminal = parsed ? await this.deps.db.manager.findOneBy(Terminal, { keyPrefix: parsed.prefix }) : null;
    if (!parsed || !terminal || !matchesHash(parsed.secret, terminal.keyHash)) throw new AppError('INVALID_CREDENTIALS', 'API key is wrong');
    if (terminal.revokedAt) throw new AppError('INVALID_CREDENTIALS', 'This terminal has been revoked; ask a manager for a new one');
    await this.touchTerminal(terminal, now);
    const { jwtSecret, accessTokenTtlSeconds } = this.deps.config;
    const accessToken = signAccessToken(jwtSecret, accessTokenTtlSeconds, { kind: 'terminal', merchantId: terminal.merchantId, terminalId: terminal.id, storeId: terminal.storeId });
    return { accessToken, expiresIn: accessTokenTtlSeconds, terminal };
  }

  /** Records that a till is alive, at most once a minute so the hot till path does not write on every request. */
  private async touchTerminal(terminal: Pick<Terminal, 'id' | 'merchantId' | 'lastSeenAt'>, now: Date): Promise<void> {
    if (terminal.lastSeenAt && now.getTime() - terminal.lastSeenAt.getTime() < LAST_SEEN_EVERY_MS) return;
    await this.deps.db.transaction((tx) => tx.update(Terminal, { id: terminal.id }, { lastSeenAt: now }));
    // The cached row still has the old time; reading it again avoids writing once more per cached request.
    this.forgetTerminal(terminal.merchantId, terminal.id);
  }

  /** Called after a terminal is revoked: this process stops it on its very next request. */
  forgetTerminal(merchantId: string, terminalId: string): void {
    this.terminals.delete(`${merchantId}/${terminalId}`);
  }

  /** Who the caller is, with the merchant: what a client shows after signing in. */
  async me(principal: Principal): Promise<Me> {
    const merchant = await this.services.merchants.getMerchant(principal.merchantId);
    switch (principal.kind) {
      case 'staff':
        return { kind: 'staff', merchant, user: await this.services.staff.get(principal, principal.userId) };
      case 'terminal': {
        const terminal = found(await this.deps.db.manager.findOneBy(Terminal, { id: principal.terminalId, merchantId: principal.merchantId }), 'terminal');
        return { kind: 'terminal', merchant, terminal };
      }
      case 'member':
        return { kind: 'member', merchant, memberId: principal.memberId };
    }
  }

  /** True until the first merchant exists. */
  async setupRequired(): Promise<boolean> {
    return !(await this.services.merchants.hasAnyMerchant());
  }

  /**
   * On first run (no merchant yet) creates a one-time setup token and returns
   * it; null when setup is done. Only the hash is stored, so each call makes a
   * new token; every unexpired one works until the first merchant exists.
   */
  async ensureSetupToken(now = new Date()): Promise<{ token: string; expiresAt: Date } | null> {
    if (!(await this.setupRequired())) return null;
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + SETUP_TOKEN_HOURS * 3_600_000);
    await this.deps.db.transaction((tx) => tx.insert(SetupToken, { id: newId(now.getTime()), tokenHash: sha256Hex(token), expiresAt, usedAt: null, createdAt: now }));
    return { token, expiresAt };
  }

  /** First run: creates the merchant and its owner in one transaction, burns the token and signs the owner in. */
  async setup(input: SetupInput, now = new Date()): Promise<StaffSession> {
    if (!(await this.setupRequired())) throw setupDone();
    const passwordHash = await hashPassword(input.owner.password);
    return this.deps.db.transaction(async (tx) => {
      // Locking every setup token serialises concurrent setups on MySQL, so only one merchant is ever created here.
      if (this.deps.db.isMysql) await tx.query('SELECT id FROM setup_tokens FOR UPDATE');
      if (await this.services.merchants.hasAnyMerchant(tx)) throw setupDone();
      const row = await tx.findOneBy(SetupToken, { tokenHash: sha256Hex(input.token) });
      if (!row || row.usedAt || row.expiresAt <= now) {
        throw new AppError('INVALID_TOKEN', 'Setup token invalid, used or expired; run `npm run create-owner` for a new one');
      }
      await tx.update(SetupToken, { id: row.id }, { usedAt: now });
      const merchant = await this.services.merchants.createMerchant(tx, input.merchant, now);
      await audit(tx, merchant.id, null, { action: 'merchant.create', entity: 'merchant', entityId: merchant.id, data: { ...input.merchant } }, now);
      const owner = await this.services.staff.insert(tx, merchant.id, { ...input.owner, role: 'owner', storeIds: null, passwordHash }, null, now);
      return this.issueStaffSession(tx, owner, null, now);
    });
  }
}

const disabled = () => new AppError('INVALID_TOKEN', 'This account or terminal has been disabled');
const setupDone = () => new AppError('SETUP_ALREADY_DONE', 'Tally is already set up; sign in instead');

function accountLocked(until: Date, now: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError('ACCOUNT_LOCKED', `Too many wrong passwords; this account is locked for ${Math.ceil(retryAfterSeconds / 60)} more minutes`, { retryAfterSeconds });
}
