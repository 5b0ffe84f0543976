import { createHash } from 'node:crypto';
import { LessThan } from 'typeorm';
import type { Deps } from '../deps';
import { sqlInstant, toInt } from '../db/columns';
import { AppError } from '../http/errors';
import { RateCounter } from './rate-counter.entity';

/** A limit: at most `limit` hits per subject in each window of `windowSeconds`. */
export interface Limit {
  /** Short and stable: part of the counter key (`pos.lookup.terminal`). */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface Hit {
  allowed: boolean;
  hits: number;
  /** True for exactly one hit per window and subject: the first one over the limit (alert once). */
  firstOver: boolean;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters shared by every api process (a counter in process
 * memory lets N processes allow N times the limit): in Redis when it is
 * configured (one round trip, no database commit on the till's every lookup
 * and sale), else in the database, one statement per hit. While Redis is
 * unreachable the database counts, so a window that spans an outage counts
 * part of its hits in each: limits are a little looser then, never off.
 * Subjects (addresses, phone numbers, member ids) are hashed into the key,
 * so neither store holds personal data.
 */
export class RateLimitsService {
  private redisFailing = false;

  constructor(private readonly deps: Deps) {}

  /** Counts one hit and says whether it is within the limit. */
  async hit(limit: Limit, subject: string, now = new Date()): Promise<Hit> {
    const windowMs = limit.windowSeconds * 1000;
    const window = Math.floor(now.getTime() / windowMs);
    const key = `${limit.name}:${createHash('sha256').update(subject).digest('base64url').slice(0, 32)}:${window}`;
    const expiresAt = new Date((window + 1) * windowMs);
    const hits = await this.count(key, expiresAt, now);
    return { allowed: hits <= limit.limit, hits, firstOver: hits === limit.limit + 1, retryAfterSeconds: Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000)) };
  }

  /** Adds one to the window's counter and gives the new count. */
  private async count(key: string, expiresAt: Date, now: Date): Promise<number> {
    const { counters } = this.deps;
    if (counters) {
      try {
        const hits = await counters.increment(key, expiresAt.getTime() - now.getTime());
        this.redisFailing = false;
        return hits;
      } catch (err) {
        if (!this.redisFailing) this.deps.log.warn({ err }, 'rate limits: Redis unreachable; counting in the database until it answers');
        this.redisFailing = true;
      }
    }
    const { db } = this.deps;
    if (db.isMysql) {
      // One autocommitted statement, no transaction around it: the till pays for this on every
      // lookup. LAST_INSERT_ID(expr) hands the new count back in the statement's own answer; a
      // fresh row reports 0.
      const result = (await db.manager.query('INSERT INTO rate_counters (counter_key, hits, expires_at) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)', [key, expiresAt])) as { insertId: number };
      return toInt(result.insertId) || 1;
    }
    // SQLite shares one connection between transactions: a write must go through the serialised transaction.
    return db.transaction(async (tx) => {
      const rows = (await tx.query('INSERT INTO rate_counters (counter_key, hits, expires_at) VALUES (?, 1, ?) ON CONFLICT (counter_key) DO UPDATE SET hits = hits + 1 RETURNING hits', [key, sqlInstant(expiresAt)])) as { hits: number }[];
      return toInt(rows[0].hits);
    });
  }

  /** Counts one hit and throws 429 RATE_LIMITED when it is over the limit. */
  async enforce(limit: Limit, subject: string, message: string, now = new Date()): Promise<Hit> {
    const hit = await this.hit(limit, subject, now);
    if (!hit.allowed) throw rateLimited(message, hit.retryAfterSeconds);
    return hit;
  }

  /** Housekeeping: windows that are over. */
  async prune(now = new Date()): Promise<number> {
    const result = await this.deps.db.manager.delete(RateCounter, { expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }
}

export function rateLimited(message: string, retryAfterSeconds: number): AppError {
  return new AppError('RATE_LIMITED', `${message}; try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds });
}
