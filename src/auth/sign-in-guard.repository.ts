import { createHash } from 'node:crypto';
import type { Db } from '../db/db';
import { isUniqueViolation } from '../db/db';
import { AppError } from '../http/errors';
import { SignInGuardRow } from './sign-in-guard.entity';

/** Password attempts for one email from one source before that pair is locked. */
export const ACCOUNT_ATTEMPTS = 5;
/**
 * Password attempts for one email from sources it has never signed in from,
 * all together, before such sources are locked for it: many addresses
 * guessing one password. Sources the account signed in from before are not
 * held back by this, so the owner in the shop is never kept out.
 */
export const NEW_SOURCE_ATTEMPTS = 20;
/** Failed password attempts from one source, whatever the email, before the source is locked. */
export const SOURCE_ATTEMPTS = 50;
/** The first lock lasts this long; each further lock without a success in between doubles it, up to MAX_LOCK_MINUTES. */
export const FIRST_LOCK_MINUTES = 1;
export const MAX_LOCK_MINUTES = 60;
/** Rows untouched this long are deleted (their locks have long ended; a source unused this long is new again). */
export const GUARD_ROW_DAYS = 30;

export interface GuardKey {
  key: string;
  limit: number;
}

/**
 * A key for one email (or account) tried from one source. Locking per source
 * means a stranger who guesses wrong locks only themselves out: the owner
 * signing in from the shop is not kept out, and an email nobody uses locks
 * exactly like a real one, so the answer reveals nothing.
 */
export function accountKey(scope: string, subject: string, source: string): GuardKey {
  return { key: digest(scope, subject, source), limit: ACCOUNT_ATTEMPTS };
}

/** Sources the email has never signed in from, together. */
export function newSourcesKey(scope: string, subject: string): GuardKey {
  return { key: digest(scope, subject, 'new sources'), limit: NEW_SOURCE_ATTEMPTS };
}

/** Marks that the email signed in from this source (a row without a limit). */
export function knownSourceKey(scope: string, subject: string, source: string): string {
  return digest(scope, subject, source, 'known');
}

/** A key for everything tried from one source: guessing across many emails. */
export function sourceKey(source: string): GuardKey {
  return { key: digest('source', '', source), limit: SOURCE_ATTEMPTS };
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** How long the lock after `strikes` earlier locks lasts. */
export function lockMinutes(strikes: number): number {
  return Math.min(MAX_LOCK_MINUTES, FIRST_LOCK_MINUTES * 2 ** Math.min(strikes, 30));
}

/**
 * Counts password attempts in the database, shared by every api process.
 * An attempt is reserved before the password is checked, in one atomic
 * statement, and the reservation that reaches the limit sets the lock: a
 * hundred parallel guesses get `limit` checks, not a hundred.
 */
export class SignInGuard {
  constructor(private readonly db: Db) {}

  /**
   * One password attempt for `subject` (an email, or an account id) from
   * `source` (the caller's address; null when the caller is already signed
   * in, as for a password change): reserves the attempt on every key that
   * applies, runs `check` only when none is locked, and on a match gives the
   * attempts back and remembers the source. Returns whether it matched.
   */
  async attempt(scope: string, subject: string, source: string | null, check: () => Promise<boolean>, now = new Date()): Promise<boolean> {
    const account = accountKey(scope, subject, source ?? '');
    const shared: GuardKey[] = [];
    if (source !== null) {
      const known = knownSourceKey(scope, subject, source);
      if (!(await this.isMarked(known))) shared.push(newSourcesKey(scope, subject));
      shared.push(sourceKey(source));
    }
    await this.reserve([account, ...shared], now);
    if (!(await check())) return false;
    await this.succeeded(account, shared, now);
    if (source !== null) await this.mark(knownSourceKey(scope, subject, source), now);
    return true;
  }

  /** Reserves one attempt on every key, or throws ACCOUNT_LOCKED (nothing is checked then). */
  async reserve(keys: GuardKey[], now = new Date()): Promise<void> {
    for (const key of keys) await this.reserveOne(key, now);
  }

  private async reserveOne({ key, limit }: GuardKey, now: Date): Promise<void> {
    if (await this.take(key, limit, now)) return;
    try {
      await this.db.manager.insert(SignInGuardRow, { key, attempts: 1, strikes: 0, lockedUntil: null, updatedAt: now });
      return;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    // Another request created the row first: take from it like any other.
    if (await this.take(key, limit, now)) return;
    const row = await this.db.manager.findOneBy(SignInGuardRow, { key });
    throw tooManyAttempts(row?.lockedUntil ?? now, now);
  }

  /**
   * One statement: count the attempt unless locked, and lock when this is the
   * attempt that reaches the limit. Assignments read only columns assigned
   * after them, because MySQL applies SET left to right and SQLite does not.
   */
  private async take(key: string, limit: number, now: Date): Promise<boolean> {
    const lockUntil = (strikes: number) => new Date(now.getTime() + lockMinutes(strikes) * 60_000);
    const steps = Array.from({ length: 8 }, (_, strikes) => strikes);
    const lockCase = `CASE strikes ${steps.map((s) => `WHEN ${s} THEN :lock${s}`).join(' ')} ELSE :lockMax END`;
    const reachesLimit = 'attempts + 1 >= :limit';
    const result = await this.db.manager
      .createQueryBuilder()
      .update(SignInGuardRow)
      .set({
        lockedUntil: () => `CASE WHEN ${reachesLimit} THEN ${lockCase} ELSE NULL END`,
        strikes: () => `CASE WHEN ${reachesLimit} THEN strikes + 1 ELSE strikes END`,
        attempts: () => `CASE WHEN ${reachesLimit} THEN 0 ELSE attempts + 1 END`,
        updatedAt: now,
      })
      .where('guard_key = :key AND (locked_until IS NULL OR locked_until <= :now)', { key, now })
      .setParameters({ limit, lockMax: lockUntil(steps.length), ...Object.fromEntries(steps.map((s) => [`lock${s}`, lockUntil(s)])) })
      .execute();
    return result.affected === 1;
  }

  /** The password matched: the account key starts afresh (lock included), the others get their attempt back. */
  async succeeded(account: GuardKey, shared: GuardKey[], now = new Date()): Promise<void> {
    await this.db.manager.update(SignInGuardRow, { key: account.key }, { attempts: 0, strikes: 0, lockedUntil: null, updatedAt: now });
    for (const { key } of shared) {
      await this.db.manager
        .createQueryBuilder()
        .update(SignInGuardRow)
        .set({ attempts: () => 'attempts - 1', updatedAt: now })
        .where('guard_key = :key AND attempts > 0', { key })
        .execute();
    }
  }

  /** True when the key was marked (see `mark`) within GUARD_ROW_DAYS. */
  async isMarked(key: string): Promise<boolean> {
    return (await this.db.manager.countBy(SignInGuardRow, { key })) > 0;
  }

  /** Records a fact such as "this email signed in from this source"; refreshes its date when it exists. */
  async mark(key: string, now = new Date()): Promise<void> {
    const updated = await this.db.manager.update(SignInGuardRow, { key }, { updatedAt: now });
    if (updated.affected) return;
    try {
      await this.db.manager.insert(SignInGuardRow, { key, attempts: 0, strikes: 0, lockedUntil: null, updatedAt: now });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }

  /** Deletes rows nobody has tried for GUARD_ROW_DAYS (every lock on them has ended). */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - GUARD_ROW_DAYS * 86_400_000);
    const result = await this.db.manager.createQueryBuilder().delete().from(SignInGuardRow).where('updated_at < :before', { before }).execute();
    return result.affected ?? 0;
  }
}

function tooManyAttempts(until: Date, now: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  // The same answer whether or not the email has an account: the lock is on what was tried, not on an account.
  return new AppError('ACCOUNT_LOCKED', `Too many wrong passwords; try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds });
}
