import type { EntityManager } from 'typeorm';
import { audit } from '../audit';
import { newId } from '../db/ids';
import { TtlCache } from '../db/ttl-cache';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { Caller, Principal } from '../http/principal';
import { StaffUser } from '../merchants/staff-user.entity';
import { Terminal } from '../merchants/terminal.entity';
import type { MembersService } from '../members';
import type { Merchant, MerchantsService, StaffService, Store } from '../merchants';
import type { OperatorsService } from '../operators';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { RefreshToken } from './refresh-token.entity';
import { matchesHash, newOpaqueToken, newTerminalKey, normalisePairingCode, parseTerminalKey, sha256Hex } from './secrets';
import { SetupToken } from './setup-token.entity';
import { SignInGuard } from './sign-in-guard.repository';
import { signAccessToken, signCashierToken, verifyAccessToken, verifyCashierToken } from './tokens';

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
  /** The cashier the token carries, when a cashier's shift token came with the key. */
  cashier: Cashier | null;
}

/** A staff member working a till, as receipts name them. */
export interface Cashier {
  id: string;
  name: string;
}

export interface CashierSession {
  accessToken: string;
  expiresIn: number;
  /** Traded with the till's key for access tokens that carry the cashier, until the shift ends. */
  cashierToken: string;
  cashierTokenExpiresIn: number;
  cashier: Cashier;
}

/** A cashier's PIN sign-in lasts a shift; then the till asks for the PIN again. */
export const CASHIER_SHIFT_HOURS = 12;

/** A paired till: its new key (kept on the till) and a first session. */
export interface Pairing {
  apiKey: string;
  session: TerminalSession;
}

export type Me =
  | { kind: 'staff'; merchant: Merchant; user: StaffUser }
  | { kind: 'terminal'; merchant: Merchant; terminal: Terminal; store: Store; cashier: Cashier | null }
  | { kind: 'member'; merchant: Merchant; memberId: string };

export interface SignInInput {
  email: string;
  password: string;
  /** Which merchant, when the email and password open several. */
  merchantId?: string;
}

export interface SetupInput {
  token: string;
  /** Required with a first-run token; ignored with a token bound to a merchant. */
  merchant?: { name: string; currency: string; timeZone: string; locale: string };
  owner: { email: string; name: string; password: string };
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
const merchantSuspended = () => new AppError('MERCHANT_SUSPENDED', 'This shop is suspended on this Tally; its operator can tell you more');
const invalidRefresh = () => new AppError('INVALID_TOKEN', 'Refresh token invalid or expired; sign in again');

/** The other modules' services this one calls. */
export interface AuthServiceUses { members: MembersService; merchants: MerchantsService; operators: OperatorsService; staff: StaffService }

export class AuthService {
  private readonly guard: SignInGuard;
  private readonly terminals = new TtlCache<Pick<Terminal, 'id' | 'storeId' | 'revokedAt' | 'lastSeenAt'>>(TERMINAL_AUTH_CACHE_MS);
  /** The cashier on a till is checked like the terminal: a disabled account or a removed PIN stops at once here, within a second elsewhere. */
  private readonly cashiers = new TtlCache<{ signsIn: boolean; storeIds: string[] | null }>(TERMINAL_AUTH_CACHE_MS);

  constructor(
    private readonly deps: Deps,
    private readonly services: AuthServiceUses,
  ) {
    this.guard = new SignInGuard(deps.db);
  }

  /**
   * Verifies an access token and rebuilds the caller from the database on
   * every request: a disabled account, a revoked terminal, a suspended
   * merchant or a moved token generation (password changed or reset, refresh
   * token reused) stops at once, and a changed role or store list applies
   * without waiting for the token to expire. (Terminals, which call many
   * times a second, are read at most every TERMINAL_AUTH_CACHE_MS per process;
   * see `forgetTerminal`; merchants as `merchantSettings` caches them.)
   */
  async authenticate(token: string, now = new Date()): Promise<Caller> {
    const { caller, generation } = verifyAccessToken(this.deps.config.jwtSecret, token);
    const m = this.deps.db.manager;
    switch (caller.kind) {
      case 'staff': {
        const user = await m.findOne(StaffUser, { select: { id: true, role: true, storeIds: true, tokenGeneration: true }, where: { id: caller.userId, merchantId: caller.merchantId, active: true } });
        if (!user || user.tokenGeneration !== generation) throw disabled();
        await this.assertMerchantActive(caller.merchantId);
        return { ...caller, role: user.role, storeIds: user.storeIds };
      }
      case 'terminal': {
        const terminal = await this.terminals.get(`${caller.merchantId}/${caller.terminalId}`, async () => {
          const row = await m.findOne(Terminal, { select: { id: true, storeId: true, revokedAt: true, lastSeenAt: true }, where: { id: caller.terminalId, merchantId: caller.merchantId } });
          // A missing row is not cached: the first request after a revocation's eviction reads again.
          if (!row) throw disabled();
          return row;
        });
        if (terminal.revokedAt) throw disabled();
        await this.assertMerchantActive(caller.merchantId);
        if (caller.cashierId) {
          const cashierId = caller.cashierId;
          const cashier = await this.cashiers.get(`${caller.merchantId}/${cashierId}`, async () => {
            const user = await m.findOne(StaffUser, { select: { id: true, active: true, pinHash: true, storeIds: true }, where: { id: cashierId, merchantId: caller.merchantId } });
            return { signsIn: Boolean(user?.active && user.pinHash), storeIds: user?.storeIds ?? null };
          });
          // The till trades its shift token for a new one and learns the cashier is gone (see terminalToken).
          if (!cashier.signsIn || !worksIn(cashier, terminal.storeId)) throw new AppError('INVALID_TOKEN', 'This cashier can no longer sign in on this till; sign in with another PIN');
        }
        await this.touchTerminal({ ...terminal, merchantId: caller.merchantId }, now);
        return { ...caller, storeId: terminal.storeId };
      }
      case 'member': {
        // A closed (or merged-away) member's portal session ends at once, like a disabled staff account.
        const member = await this.services.members.get(caller.merchantId, caller.memberId).catch(() => null);
        if (!member || member.status === 'closed') throw disabled();
        await this.assertMerchantActive(caller.merchantId);
        return caller;
      }
      case 'operator':
        return this.services.operators.authenticate(caller, generation);
    }
  }

  /** A suspended merchant's staff, terminals and members are refused with a code of their own. */
  async assertMerchantActive(merchantId: string): Promise<void> {
    const merchant = await this.services.merchants.merchantSettings(merchantId).catch(() => null);
    if (!merchant) throw disabled();
    if (merchant.suspendedAt) throw merchantSuspended();
  }

  /**
   * Staff sign-in with email and password. The attempt is counted before the
   * password is checked (per email from this source, and per source), so
   * parallel guesses cannot outrun the limit, and an unknown email is counted,
   * hashed and answered exactly like a known one. When the email and password
   * match accounts in several merchants, the answer lists them and the client
   * repeats with `merchantId`.
   */
  async signIn(input: SignInInput, source: string, now = new Date()): Promise<StaffSession> {
    const email = input.email.toLowerCase();
    let users: StaffUser[] = [];
    await this.guard.attempt(
      'staff',
      email,
      source,
      async () => {
        const candidates = await this.services.staff.findForSignIn(email, input.merchantId);
        // Same answer as a wrong password: a disabled account's existence is not confirmed.
        users = (await matchingAccounts(candidates, input.password)).filter((u) => u.active);
        return users.length > 0;
      },
      now,
    );
    if (users.length === 0) throw invalidCredentials();
    if (users.length > 1) {
      const merchants = await Promise.all(users.map((u) => this.services.merchants.getMerchant(u.merchantId)));
      throw new AppError('MERCHANT_CHOICE_REQUIRED', 'This email and password open several shops; sign in again with the merchantId of one', {
        merchants: merchants.map((m) => ({ id: m.id, name: m.name })),
      });
    }
    const user = users[0];
    await this.assertMerchantActive(user.merchantId);
    return this.deps.db.transaction(async (tx) => {
      await tx.update(StaffUser, { id: user.id }, { lastSignInAt: now });
      return this.issueStaffSession(tx, Object.assign(user, { lastSignInAt: now }), null, now);
    });
  }

  /**
   * A signed-in staff user changes their own password. Every other session
   * ends at once, access tokens included (someone who knew the old password
   * may hold one); the caller gets a fresh session in its place.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string, now = new Date()): Promise<StaffSession> {
    if (principal.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only staff accounts have passwords here');
    const user = found(await this.deps.db.manager.findOneBy(StaffUser, { id: principal.userId, merchantId: principal.merchantId }), 'staff user');
    // Guessing the current password with a stolen access token is limited like sign-in (per account: the caller is known).
    if (!(await this.guard.attempt('password-change', user.id, null, () => verifyPassword(currentPassword, user.passwordHash), now))) {
      throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong', [{ path: 'body.currentPassword', message: 'is wrong' }]);
    }
    const passwordHash = await hashPassword(newPassword);
    return this.deps.db.transaction(async (tx) => {
      await tx.update(StaffUser, { id: user.id }, { passwordHash, updatedAt: now });
      await this.revokeUserSessions(tx, user.id, now);
      await audit(tx, user.merchantId, principal, { action: 'staff.change-password', entity: 'staff_user', entityId: user.id }, now);
      const current = found(await tx.findOneBy(StaffUser, { id: user.id }), 'staff user');
      return this.issueStaffSession(tx, current, null, now);
    });
  }

  /** Exchanges a refresh token for a new pair. A spent token presented again revokes its whole family. */
  async refresh(refreshToken: string, now = new Date()): Promise<StaffSession> {
    const row = await this.deps.db.manager.findOneBy(RefreshToken, { tokenHash: sha256Hex(refreshToken) });
    if (!row || row.revokedAt || row.expiresAt <= now) throw invalidRefresh();
    if (row.usedAt) return this.reuseDetected(row, now);
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
    return session ?? this.reuseDetected(row, now);
  }

  /**
   * A spent refresh token came back: someone holds a copy. The sign-in it
   * belongs to ends, and every access token of the user stops at once (the
   * thief may hold one); the user's other sign-ins get new ones on refresh.
   */
  private async reuseDetected(row: RefreshToken, now: Date): Promise<never> {
    await this.deps.db.transaction(async (tx) => {
      await this.revokeFamily(tx, row.familyId, now);
      await this.services.staff.endAccessTokens(tx, row.userId);
    });
    throw new AppError('INVALID_TOKEN', 'This refresh token was already used; every session from that sign-in is now signed out');
  }

  /** Revokes the sign-in the token belongs to. Unknown tokens are ignored, so the answer reveals nothing. */
  async signOut(refreshToken: string, now = new Date()): Promise<void> {
    const row = await this.deps.db.manager.findOneBy(RefreshToken, { tokenHash: sha256Hex(refreshToken) });
    if (row) await this.deps.db.transaction((tx) => this.revokeFamily(tx, row.familyId, now));
  }

  /**
   * Signs a user out everywhere (password change or reset, account disabled):
   * refresh tokens are revoked and access tokens stop at once. Runs in the
   * caller's transaction.
   */
  async revokeUserSessions(tx: EntityManager, userId: string, now = new Date()): Promise<void> {
    await tx.createQueryBuilder().update(RefreshToken).set({ revokedAt: now }).where('user_id = :userId AND revoked_at IS NULL', { userId }).execute();
    await this.services.staff.endAccessTokens(tx, userId);
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
    const accessToken = signAccessToken(jwtSecret, accessTokenTtlSeconds, { kind: 'staff', merchantId: user.merchantId, userId: user.id, role: user.role, storeIds: user.storeIds }, user.tokenGeneration);
    return { accessToken, expiresIn: accessTokenTtlSeconds, refreshToken, user };
  }

  /**
   * A till exchanges its API key for a short-lived access token. With a
   * cashier's shift token (from `cashierSignIn`) the token carries that
   * cashier while they may still work this till; otherwise it carries none
   * and the answer says so, and the till asks for a PIN.
   */
  async terminalToken(apiKey: string, cashierToken?: string, now = new Date()): Promise<TerminalSession> {
    const parsed = parseTerminalKey(apiKey.trim());
    if (!parsed) throw new AppError('TERMINAL_KEY_INVALID', 'This is not a terminal key: a key starts with tly_ (or pair the till with a code from the back office)');
    const terminal = await this.deps.db.manager.findOneBy(Terminal, { keyPrefix: parsed.prefix });
    if (!terminal || !matchesHash(parsed.secret, terminal.keyHash)) {
      throw new AppError('TERMINAL_KEY_INVALID', 'No till has this key (it may have been replaced by a new pairing); pair the till again from the back office');
    }
    if (terminal.revokedAt) throw terminalRevoked();
    await this.assertMerchantActive(terminal.merchantId);
    await this.touchTerminal(terminal, now);
    const shift = cashierToken ? verifyCashierToken(this.deps.config.jwtSecret, cashierToken) : null;
    const cashier =
      shift && shift.terminalId === terminal.id && shift.merchantId === terminal.merchantId ? await this.cashierAt(terminal.merchantId, terminal.storeId, shift.cashierId) : null;
    return this.terminalSession(terminal, cashier);
  }

  /**
   * Pairs a till with the one-time code shown in the back office. The till
   * gets a new key (the previous key of that terminal stops working) and a
   * first session. Wrong codes are counted per source by the sign-in guard.
   */
  async pairTerminal(code: string, source: string, now = new Date()): Promise<Pairing> {
    const plain = normalisePairingCode(code);
    let terminal: Terminal | null = null;
    await this.guard.attempt('terminal-pairing', source, source, async () => {
      terminal = plain ? await this.deps.db.manager.findOneBy(Terminal, { pairingCodeHash: sha256Hex(plain) }) : null;
      return terminal !== null && terminal.pairingExpiresAt !== null && terminal.pairingExpiresAt > now;
    }, now);
    const paired = terminal as Terminal | null;
    if (!plain || !paired || !paired.pairingExpiresAt || paired.pairingExpiresAt <= now) {
      throw new AppError('PAIRING_CODE_INVALID', 'This pairing code is wrong or has expired; show a new one in the back office (Terminals → Pair)');
    }
    if (paired.revokedAt) throw terminalRevoked();
    await this.assertMerchantActive(paired.merchantId);
    const key = newTerminalKey();
    const claimed = await this.deps.db.transaction(async (tx) => {
      // Conditional on the code still being there: of two tills racing with one code, one pairs.
      const result = await tx
        .createQueryBuilder()
        .update(Terminal)
        .set({ keyPrefix: key.prefix, keyHash: key.hash, pairingCodeHash: null, pairingExpiresAt: null, lastSeenAt: now })
        .where('id = :id AND pairing_code_hash = :hash', { id: paired.id, hash: paired.pairingCodeHash })
        .execute();
      if (!result.affected) return false;
      await audit(tx, paired.merchantId, null, { action: 'terminal.pair', entity: 'terminal', entityId: paired.id, data: { keyPrefix: key.prefix } }, now);
      return true;
    });
    if (!claimed) throw new AppError('PAIRING_CODE_INVALID', 'This pairing code was just used by another till; show a new one in the back office');
    this.forgetTerminal(paired.merchantId, paired.id);
    const fresh = Object.assign(paired, { keyPrefix: key.prefix, keyHash: key.hash, pairingCodeHash: null, pairingExpiresAt: null, lastSeenAt: now });
    return { apiKey: key.apiKey, session: this.terminalSession(fresh, null) };
  }

  /**
   * A cashier signs in on a till with their PIN. Wrong PINs are counted per
   * staff member and till (and per till) by the sign-in guard, like passwords;
   * an unknown staff id, a disabled account or one without a PIN or not
   * working in this store answers exactly like a wrong PIN.
   */
  async cashierSignIn(principal: Principal, staffId: string, pin: string, now = new Date()): Promise<CashierSession> {
    if (principal.kind !== 'terminal') throw new AppError('FORBIDDEN', 'Cashiers sign in on a till');
    let cashier: Cashier | null = null;
    const ok = await this.guard.attempt('cashier-pin', `${principal.merchantId}/${staffId}`, principal.terminalId, async () => {
      const user = await this.deps.db.manager.findOneBy(StaffUser, { id: staffId, merchantId: principal.merchantId });
      if (!user?.pinHash || !user.active || !worksIn(user, principal.storeId)) return verifyAgainstDummy(pin);
      if (!(await verifyPassword(pin, user.pinHash))) return false;
      cashier = { id: user.id, name: user.name };
      return true;
    }, now);
    const signedIn = cashier as Cashier | null;
    if (!ok || !signedIn) throw new AppError('INVALID_PIN', 'Wrong PIN', [{ path: 'body.pin', message: 'is wrong' }]);
    await this.deps.db.transaction((tx) => tx.update(StaffUser, { id: signedIn.id }, { lastSignInAt: now }));
    const { jwtSecret, accessTokenTtlSeconds } = this.deps.config;
    const shiftSeconds = CASHIER_SHIFT_HOURS * 3600;
    return {
      accessToken: signAccessToken(jwtSecret, accessTokenTtlSeconds, { kind: 'terminal', merchantId: principal.merchantId, terminalId: principal.terminalId, storeId: principal.storeId, cashierId: signedIn.id }),
      expiresIn: accessTokenTtlSeconds,
      cashierToken: signCashierToken(jwtSecret, shiftSeconds, { merchantId: principal.merchantId, terminalId: principal.terminalId, cashierId: signedIn.id }),
      cashierTokenExpiresIn: shiftSeconds,
      cashier: signedIn,
    };
  }

  /** The cashier, when this staff member may still work a till of this store (active, with a PIN). */
  private async cashierAt(merchantId: string, storeId: string, staffId: string): Promise<Cashier | null> {
    const user = await this.deps.db.manager.findOne(StaffUser, { select: { id: true, name: true, active: true, pinHash: true, storeIds: true }, where: { id: staffId, merchantId } });
    return user?.active && user.pinHash && worksIn(user, storeId) ? { id: user.id, name: user.name } : null;
  }

  private terminalSession(terminal: Terminal, cashier: Cashier | null): TerminalSession {
    const { jwtSecret, accessTokenTtlSeconds } = this.deps.config;
    const accessToken = signAccessToken(jwtSecret, accessTokenTtlSeconds, {
      kind: 'terminal',
      merchantId: terminal.merchantId,
      terminalId: terminal.id,
      storeId: terminal.storeId,
      ...(cashier ? { cashierId: cashier.id } : {}),
    });
    return { accessToken, expiresIn: accessTokenTtlSeconds, terminal, cashier };
  }

  /** Records that a till is alive, at most once a minute so the hot till path does not write on every request. */
  private async touchTerminal(terminal: Pick<Terminal, 'id' | 'merchantId' | 'lastSeenAt'>, now: Date): Promise<void> {
    if (terminal.lastSeenAt && now.getTime() - terminal.lastSeenAt.getTime() < LAST_SEEN_EVERY_MS) return;
    await this.deps.db.transaction((tx) => tx.update(Terminal, { id: terminal.id }, { lastSeenAt: now }));
    // The cached row still has the old time; reading it again avoids writing once more per cached request.
    this.forgetTerminal(terminal.merchantId, terminal.id);
  }

  /** Called after a staff member changes (disabled, PIN removed, stores moved): a till of this process stops carrying them at once. */
  forgetCashier(merchantId: string, userId: string): void {
    this.cashiers.delete(`${merchantId}/${userId}`);
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
        const store = await this.services.merchants.getStore(principal.merchantId, terminal.storeId);
        const cashier = principal.cashierId ? await this.cashierAt(principal.merchantId, terminal.storeId, principal.cashierId) : null;
        return { kind: 'terminal', merchant, terminal, store, cashier };
      }
      case 'member':
        return { kind: 'member', merchant, memberId: principal.memberId };
    }
  }

  /** True until the first merchant exists. */
  async setupRequired(): Promise<boolean> {
    return !(await this.services.merchants.hasAnyMerchant());
  }

  /** The merchant a live owner setup token (from the platform operator) is for, or null. */
  async setupInvite(token: string, now = new Date()): Promise<{ merchantName: string } | null> {
    const row = await this.deps.db.manager.findOneBy(SetupToken, { tokenHash: sha256Hex(token) });
    if (!row?.merchantId || row.usedAt || row.expiresAt <= now) return null;
    const merchant = await this.services.merchants.getMerchant(row.merchantId);
    return { merchantName: merchant.name };
  }

  /**
   * On first run (no merchant yet) creates a one-time setup token and returns
   * it; null when setup is done. Only the hash is stored, so each call makes a
   * new token; every unexpired one works until the first merchant exists.
   */
  async ensureSetupToken(now = new Date()): Promise<{ token: string; expiresAt: Date } | null> {
    if (!(await this.setupRequired())) return null;
    return this.newSetupToken(null, now);
  }

  /**
   * A one-time token with which the first owner of a merchant the platform
   * operator created signs up on the setup page (also a recovery path when a
   * merchant's owners have all lost access).
   */
  async ownerSetupToken(merchantId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    await this.services.merchants.getMerchant(merchantId);
    return this.newSetupToken(merchantId, now);
  }

  private async newSetupToken(merchantId: string | null, now: Date): Promise<{ token: string; expiresAt: Date }> {
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + SETUP_TOKEN_HOURS * 3_600_000);
    await this.deps.db.transaction((tx) => tx.insert(SetupToken, { id: newId(now.getTime()), merchantId, tokenHash: sha256Hex(token), expiresAt, usedAt: null, createdAt: now }));
    return { token, expiresAt };
  }

  /**
   * Burns a setup token and signs the new owner in. A first-run token creates
   * the first merchant and its owner in one transaction; a token bound to a
   * merchant (made by the platform operator) adds that merchant's owner.
   */
  async setup(input: SetupInput, now = new Date()): Promise<StaffSession> {
    const passwordHash = await hashPassword(input.owner.password);
    return this.deps.db.transaction(async (tx) => {
      // Locking every setup token serialises concurrent setups on MySQL, so only one merchant is ever created here.
      if (this.deps.db.isMysql) await tx.query('SELECT id FROM setup_tokens FOR UPDATE');
      const row = await tx.findOneBy(SetupToken, { tokenHash: sha256Hex(input.token) });
      if (!row?.merchantId && (await this.services.merchants.hasAnyMerchant(tx))) throw setupDone();
      if (!row || row.usedAt || row.expiresAt <= now) {
        throw new AppError('INVALID_TOKEN', 'Setup token invalid, used or expired; ask for a new one (`npm run create-owner`, or your platform operator)');
      }
      await tx.update(SetupToken, { id: row.id }, { usedAt: now });
      let merchantId = row.merchantId;
      if (!merchantId) {
        if (!input.merchant) throw new AppError('VALIDATION_FAILED', 'The first merchant needs its details', [{ path: 'body.merchant', message: 'required' }]);
        const merchant = await this.services.merchants.createMerchant(tx, input.merchant, now);
        await audit(tx, merchant.id, null, { action: 'merchant.create', entity: 'merchant', entityId: merchant.id, data: { ...input.merchant } }, now);
        merchantId = merchant.id;
      }
      const owner = await this.services.staff.insert(tx, merchantId, { ...input.owner, role: 'owner', storeIds: null, passwordHash }, null, now);
      return this.issueStaffSession(tx, owner, null, now);
    });
  }

  /** Housekeeping: sign-in guard rows whose locks have long ended. */
  async pruneSignInGuards(now = new Date()): Promise<number> {
    return this.guard.prune(now);
  }
}

const terminalRevoked = () => new AppError('TERMINAL_REVOKED', 'This till was revoked in the back office; a manager can add it again and pair it');

/** Whether a staff member works in this store (null store list: every store). */
function worksIn(user: Pick<StaffUser, 'storeIds'>, storeId: string): boolean {
  return user.storeIds === null || user.storeIds.includes(storeId);
}

const disabled = () => new AppError('INVALID_TOKEN', 'This account or terminal has been disabled');
const setupDone = () => new AppError('SETUP_ALREADY_DONE', 'Tally is already set up; sign in instead');

/**
 * The accounts among `candidates` whose password this is. Every candidate is
 * checked (in parallel), and an unknown email checks a dummy hash, so the time
 * taken does not tell which emails have accounts.
 */
async function matchingAccounts(candidates: StaffUser[], password: string): Promise<StaffUser[]> {
  if (candidates.length === 0) return verifyAgainstDummy(password).then(() => []);
  const checked = await Promise.all(candidates.map(async (u) => ((await verifyPassword(password, u.passwordHash)) ? u : null)));
  return checked.filter((u): u is StaffUser => u !== null);
}
