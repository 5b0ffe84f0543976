import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { audit } from '../audit/audit.service';
import { toInt } from '../db/columns';
import type { Deps } from '../deps';
import { AppError } from '../http/errors';
import type { Principal } from '../http/principal';
import { lotExpiresAt, lotPendingUntil } from '../rules/expiry';
import type { Program } from '../rules/program.schemas';
import { localPeriod } from '../rules/time-zone';
import type { Services } from '../services';
import { MemberBalance } from './member-balance.entity';
import { PointEntry } from './point-entry.entity';
import { PointLot } from './point-lot.entity';

export interface Balance {
  available: number;
  pending: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
}

export interface PointsSummary extends Balance {
  /** Points of open lots expiring within EXPIRING_SOON_DAYS, and the first of those expiry times. */
  expiringSoon: { points: number; expiresAt: Date } | null;
}

export interface EarnInput {
  merchantId: string;
  memberId: string;
  points: number;
  sourceType: string;
  sourceId: string | null;
  /** When the purchase happened: pending period and expiry run from here. */
  occurredAt: Date;
  now: Date;
  /** The program in force at occurredAt. */
  program: Program;
  /** 'bonus' for points not tied to spend (e.g. a campaign). */
  kind?: 'earn' | 'bonus';
  /** The promotion and product-bonus part (see `cappedPointsOf`), counted towards the period cap. */
  cappedPoints?: number;
  reason?: string | null;
}

export interface DebitInput {
  merchantId: string;
  memberId: string;
  points: number;
  sourceType: string;
  sourceId: string | null;
  now: Date;
}

export interface ReverseInput extends DebitInput {
  policy: 'negative' | 'cap';
  /** The entry source that earned the points (e.g. purchase + id): its lots are reversed first. */
  earnedBy?: { sourceType: string; sourceId: string };
}

export interface Mismatch {
  memberId: string;
  merchantId: string;
  /** entries: cached available + pending vs the sum of entries; lots: cached vs what the open lots hold. */
  check: 'entries' | 'lots';
  cached: number;
  ledger: number;
}

export interface EntryPage {
  items: PointEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: number | null;
}

const EXPIRING_SOON_DAYS = 30;
const JOB_BATCH = 200;

/**
 * The points ledger. Every write runs inside the caller's transaction and
 * first locks the member's balance row (`SELECT … FOR UPDATE` on MySQL;
 * SQLite serialises writers), so concurrent purchases and redemptions of one
 * member queue up instead of overdrawing. Entries are append-only; the
 * balance row is a cache of their sum, split into available and pending.
 *
 * Lots hold credited points for FIFO spending and expiry. Kept true after
 * every operation: pending = Σ remaining of pending lots, and
 * max(available, 0) = Σ remaining of released lots (a negative balance is a
 * debt that the next credited points pay off first).
 */
export class PointsService {
  /**
   * Balances a transaction has already locked and settled, per member and
   * instant: a till request locks once and then earns, redeems and reads the
   * balance after, and those later `lockBalance` calls answer from here
   * instead of repeating two queries. Kept current by `saveBalance` (the only
   * writer of the row); keyed by the transaction's EntityManager, so it ends
   * with the transaction (a retried transaction gets a new manager).
   */
  private readonly held = new WeakMap<EntityManager, Map<string, { at: number; balance: Balance }>>();

  constructor(
    private readonly deps: Deps,
    private readonly services: Services,
  ) {}

  /**
   * Locks (creating if needed) the member's balance row and brings it up to
   * `now`: releases pending lots that are due and expires lots past their
   * expiry, so the answer is what the member can spend at that instant.
   */
  async lockBalance(tx: EntityManager, merchantId: string, memberId: string, now = new Date()): Promise<Balance> {
    const held = this.held.get(tx)?.get(balanceKey(merchantId, memberId));
    // Settled at this very instant and still locked: nothing can have changed it but this transaction.
    if (held && held.at === now.getTime()) return { ...held.balance };
    let row = await this.selectForUpdate(tx, merchantId, memberId);
    if (!row) {
      await tx
        .createQueryBuilder()
        .insert()
        .into(MemberBalance)
        .values({ merchantId, memberId, available: 0, pending: 0, lifetimeEarned: 0, lifetimeRedeemed: 0, updatedAt: now })
        .orIgnore()
        .execute();
      row = await this.selectForUpdate(tx, merchantId, memberId);
      if (!row) throw new Error('member balance row missing after insert');
    }
    const balance = await this.settle(tx, row, now);
    let members = this.held.get(tx);
    if (!members) this.held.set(tx, (members = new Map()));
    members.set(balanceKey(merchantId, memberId), { at: now.getTime(), balance: pick(balance) });
    return balance;
  }

  /** Credits earned points as a new lot, pending until the program's hold period has passed. */
  async earn(tx: EntityManager, input: EarnInput): Promise<{ entryId: number; pendingUntil: Date | null; expiresAt: Date | null }> {
    assertPositive(input.points);
    const b = await this.lockBalance(tx, input.merchantId, input.memberId, input.now);
    const pendingUntil = lotPendingUntil(input.program, input.occurredAt);
    const pending = pendingUntil !== null && pendingUntil > input.now;
    const expiresAt = lotExpiresAt(input.program, input.occurredAt);
    const entryId = await this.insertEntry(tx, {
      merchantId: input.merchantId,
      memberId: input.memberId,
      kind: input.kind ?? 'earn',
      points: input.points,
      cappedPoints: input.cappedPoints ?? 0,
      sourceType: input.sourceType,
      sourceId: input.sourceId,
      reason: input.reason ?? null,
      actor: null,
      occurredAt: input.occurredAt,
      createdAt: input.now,
    });
    const next = { ...b, lifetimeEarned: b.lifetimeEarned + input.points };
    if (pending) {
      await this.insertLot(tx, input, entryId, input.points, input.points, true, pendingUntil, expiresAt);
      next.pending += input.points;
    } else {
      await this.insertLot(tx, input, entryId, input.points, input.points - debtPaid(b.available, input.points), false, input.now, expiresAt);
      next.available += input.points;
    }
    await this.saveBalance(tx, input.merchantId, input.memberId, next, input.now);
    return { entryId, pendingUntil: pending ? pendingUntil : null, expiresAt };
  }

  /** Spends points, oldest-expiring lots first. INSUFFICIENT_POINTS (409) writes nothing. */
  async redeem(tx: EntityManager, input: DebitInput): Promise<{ entryId: number }> {
    assertPositive(input.points);
    const b = await this.lockBalance(tx, input.merchantId, input.memberId, input.now);
    if (b.available < input.points) {
      throw new AppError('INSUFFICIENT_POINTS', `Only ${Math.max(0, b.available)} points are available`, { available: Math.max(0, b.available), requested: input.points });
    }
    await this.consumeReleased(tx, input.merchantId, input.memberId, input.points);
    const entryId = await this.insertEntry(tx, { ...entryBase(input), kind: 'redeem', points: -input.points, actor: null });
    await this.saveBalance(tx, input.merchantId, input.memberId, { ...b, available: b.available - input.points, lifetimeRedeemed: b.lifetimeRedeemed + input.points }, input.now);
    return { entryId };
  }

  /**
   * Takes back earned points for a return or void: from the earning source's
   * lots if named, then pending lots (newest first), then spendable lots
   * (FIFO). What is still missing was already spent: 'negative' takes it
   * anyway (the balance goes below zero and later points pay it back), 'cap'
   * takes only what is there.
   */
  async reverseEarn(tx: EntityManager, input: ReverseInput): Promise<{ reversed: number }> {
    assertPositive(input.points);
    const b = await this.lockBalance(tx, input.merchantId, input.memberId, input.now);
    let left = input.points;
    let fromPending = 0;
    let fromAvailable = 0;
    const takeFrom = async (lots: PointLot[]) => {
      for (const lot of lots) {
        if (left === 0) return;
        const take = Math.min(lot.remaining, left);
        if (take === 0) continue;
        await this.setRemaining(tx, lot, lot.remaining - take);
        lot.remaining -= take;
        left -= take;
        if (lot.pending) fromPending += take;
        else fromAvailable += take;
      }
    };
    if (input.earnedBy) await takeFrom(await this.lotsOfSource(tx, input.merchantId, input.memberId, input.earnedBy));
    await takeFrom(await this.openLots(tx, input.merchantId, input.memberId, 'pending'));
    await takeFrom(await this.openLots(tx, input.merchantId, input.memberId, 'released'));
    const debt = input.policy === 'negative' ? left : 0;
    const reversed = input.points - left + debt;
    if (reversed === 0) return { reversed: 0 };
    await this.insertEntry(tx, { ...entryBase(input), kind: 'reverse', points: -reversed, actor: null });
    await this.saveBalance(
      tx,
      input.merchantId,
      input.memberId,
      { ...b, available: b.available - fromAvailable - debt, pending: b.pending - fromPending, lifetimeEarned: b.lifetimeEarned - reversed },
      input.now,
    );
    return { reversed };
  }

  /** Gives back redeemed points (return or void) as a new lot that expires by the program in force now. */
  async restoreRedeemed(tx: EntityManager, input: DebitInput): Promise<void> {
    assertPositive(input.points);
    const b = await this.lockBalance(tx, input.merchantId, input.memberId, input.now);
    await this.credit(tx, input, 'restore', null, null, b);
  }

  /** A manager's correction with a reason, audited. Negative adjustments cannot overdraw. */
  async adjust(
    principal: Principal,
    memberId: string,
    input: { points: number; reason: string; idempotencyKey: string | null },
    now = new Date(),
  ): Promise<{ entry: PointEntry; balance: Balance; replay: boolean }> {
    const merchantId = principal.merchantId;
    await this.services.members.get(merchantId, memberId);
    return this.deps.db.transaction(async (tx) => {
      const b = await this.lockBalance(tx, merchantId, memberId, now);
      if (input.idempotencyKey) {
        const earlier = await tx.findOneBy(PointEntry, { merchantId, sourceType: 'adjustment', sourceId: input.idempotencyKey });
        if (earlier) {
          if (earlier.memberId !== memberId || earlier.points !== input.points || earlier.reason !== input.reason) {
            throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was used for a different adjustment');
          }
          return { entry: earlier, balance: b, replay: true };
        }
      }
      const actor = actorOf(principal);
      const base = { merchantId, memberId, points: Math.abs(input.points), sourceType: 'adjustment', sourceId: input.idempotencyKey, now };
      let entryId: number;
      let after: Balance;
      if (input.points > 0) {
        ({ entryId, balance: after } = await this.credit(tx, base, 'adjust', input.reason, actor, b));
      } else {
        if (b.available < -input.points) {
          throw new AppError('INSUFFICIENT_POINTS', `Only ${Math.max(0, b.available)} points are available to take away`, { available: Math.max(0, b.available), requested: -input.points });
        }
        await this.consumeReleased(tx, merchantId, memberId, -input.points);
        entryId = await this.insertEntry(tx, { ...entryBase(base), kind: 'adjust', points: input.points, reason: input.reason, actor });
        after = { ...b, available: b.available + input.points };
        await this.saveBalance(tx, merchantId, memberId, after, now);
      }
      await audit(tx, merchantId, principal, { action: 'points.adjust', entity: 'member', entityId: memberId, data: { points: input.points, reason: input.reason, entryId } }, now);
      const entry = await tx.findOneByOrFail(PointEntry, { id: entryId });
      return { entry, balance: after, replay: false };
    });
  }

  /** The balance as of `now` (without writing: due releases and expiries are applied in the answer). */
  async summary(merchantId: string, memberId: string, now = new Date()): Promise<PointsSummary> {
    const m = this.deps.db.manager;
    const row = await m.findOneBy(MemberBalance, { merchantId, memberId });
    const b: Balance = row ? pick(row) : { available: 0, pending: 0, lifetimeEarned: 0, lifetimeRedeemed: 0 };
    // Only lots that change the answer: due for release, expired, or expiring soon (not every open lot of a long-time member).
    const lots = await m
      .createQueryBuilder(PointLot, 'l')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId AND l.open = :open', { merchantId, memberId, open: true })
      .andWhere('((l.pending = :open AND l.available_at <= :now) OR l.expires_at <= :horizon)', { now, horizon: soonHorizon(now) })
      .getMany();
    for (const lot of lots) {
      const expired = lot.expiresAt !== null && lot.expiresAt <= now;
      if (lot.pending && expired) b.pending -= lot.remaining;
      else if (lot.pending && lot.availableAt <= now) {
        b.pending -= lot.remaining;
        b.available += lot.remaining;
      } else if (expired) b.available -= lot.remaining;
    }
    return { ...b, expiringSoon: expiringOf(lots, now) };
  }

  /**
   * Points of open lots expiring within EXPIRING_SOON_DAYS after `now`, in the
   * caller's transaction: what a receipt shows, read once the balance is locked.
   */
  async expiringSoon(tx: EntityManager, merchantId: string, memberId: string, now: Date): Promise<PointsSummary['expiringSoon']> {
    const lots = await tx
      .createQueryBuilder(PointLot, 'l')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId AND l.open = :open', { merchantId, memberId, open: true })
      .andWhere('l.expires_at > :now AND l.expires_at <= :horizon', { now, horizon: soonHorizon(now) })
      .getMany();
    return expiringOf(lots, now);
  }

  /** The member's ledger, newest first, keyset-paged by entry id. */
  async entries(merchantId: string, memberId: string, page: { limit: number; before?: number }): Promise<EntryPage> {
    const qb = this.deps.db.manager
      .createQueryBuilder(PointEntry, 'e')
      .where('e.merchant_id = :merchantId AND e.member_id = :memberId', { merchantId, memberId })
      .orderBy('e.id', 'DESC')
      .take(page.limit + 1);
    if (page.before !== undefined) qb.andWhere('e.id < :before', { before: page.before });
    const rows = await qb.getMany();
    const items = rows.slice(0, page.limit);
    return { items, nextBefore: rows.length > page.limit ? items[items.length - 1].id : null };
  }

  /** Promotion and product-bonus points the member earned in the (local) cap period containing `at`. */
  async earnedInCapPeriod(tx: EntityManager, merchantId: string, memberId: string, program: Program, at: Date): Promise<number> {
    if (!program.promotionCap) return 0;
    // The whole period counts, also entries after `at` (a purchase replayed late shares its day's cap).
    const { from, to } = localPeriod(at, program.promotionCap.period, program.timeZone);
    const raw = await tx
      .createQueryBuilder(PointEntry, 'e')
      .select('SUM(e.capped_points)', 'total')
      .where('e.merchant_id = :merchantId AND e.member_id = :memberId AND e.occurred_at >= :from AND e.occurred_at < :to', { merchantId, memberId, from, to })
      .getRawOne<{ total: unknown }>();
    return toInt(raw?.total);
  }

  /** Points earned (net of reversals) with occurredAt in [from, to]: the 'points' tier basis. */
  async earnedInWindow(merchantId: string, memberId: string, from: Date, to: Date, tx: EntityManager = this.deps.db.manager): Promise<number> {
    const raw = await tx
      .createQueryBuilder(PointEntry, 'e')
      .select('SUM(e.points)', 'total')
      .where('e.merchant_id = :merchantId AND e.member_id = :memberId AND e.kind IN (:...kinds) AND e.occurred_at >= :from AND e.occurred_at <= :to', {
        merchantId,
        memberId,
        kinds: ['earn', 'bonus', 'reverse'],
        from,
        to,
      })
      .getRawOne<{ total: unknown }>();
    return Math.max(0, toInt(raw?.total));
  }

  /**
   * Moves everything from one member to another (merge): open lots keep
   * their expiry and pending state; a transfer entry on each side keeps both
   * ledgers summing to their balances.
   */
  async mergeMembers(tx: EntityManager, merchantId: string, fromId: string, intoId: string, now = new Date()): Promise<void> {
    if (fromId === intoId) throw new AppError('CONFLICT', 'Cannot merge a member into itself');
    // Lock in id order so two merges touching the same pair cannot deadlock.
    const [first, second] = [fromId, intoId].sort();
    const locked = new Map([
      [first, await this.lockBalance(tx, merchantId, first, now)],
      [second, await this.lockBalance(tx, merchantId, second, now)],
    ]);
    const from = locked.get(fromId) as Balance;
    const into = locked.get(intoId) as Balance;
    const total = from.available + from.pending;
    await tx.update(PointLot, { merchantId, memberId: fromId, open: true }, { memberId: intoId });
    const merged: Balance = {
      available: into.available + from.available,
      pending: into.pending + from.pending,
      lifetimeEarned: into.lifetimeEarned + from.lifetimeEarned,
      lifetimeRedeemed: into.lifetimeRedeemed + from.lifetimeRedeemed,
    };
    if (total !== 0) {
      const base = { merchantId, sourceType: 'merge', now };
      await this.insertEntry(tx, { ...entryBase({ ...base, memberId: fromId, sourceId: intoId }), kind: 'transfer', points: -total, actor: null });
      await this.insertEntry(tx, { ...entryBase({ ...base, memberId: intoId, sourceId: fromId }), kind: 'transfer', points: total, actor: null });
    }
    // A debt brought by one side is paid from the other side's spendable lots.
    const held = await this.releasedTotal(tx, merchantId, intoId);
    if (held > Math.max(0, merged.available)) await this.consumeReleased(tx, merchantId, intoId, held - Math.max(0, merged.available));
    await this.saveBalance(tx, merchantId, fromId, { available: 0, pending: 0, lifetimeEarned: 0, lifetimeRedeemed: 0 }, now);
    await this.saveBalance(tx, merchantId, intoId, merged, now);
  }

  /**
   * Balances that do not match their ledger (empty = consistent): cached
   * available + pending vs Σ entries, and vs what the open lots hold.
   * Set-based; only mismatching rows come back.
   */
  async reconcile(merchantId?: string): Promise<Mismatch[]> {
    const m = this.deps.db.manager;
    const scope = merchantId ? 'AND b.merchant_id = ?' : '';
    const params = merchantId ? [merchantId] : [];
    const entries: RawMismatch[] = await m.query(
      `SELECT b.merchant_id AS merchantId, b.member_id AS memberId, b.available + b.pending AS cached, COALESCE(SUM(e.points), 0) AS ledger
         FROM member_balances b
         LEFT JOIN point_entries e ON e.merchant_id = b.merchant_id AND e.member_id = b.member_id
        WHERE 1 = 1 ${scope}
        GROUP BY b.merchant_id, b.member_id, b.available, b.pending
       HAVING b.available + b.pending <> COALESCE(SUM(e.points), 0)`,
      params,
    );
    const orphans: RawMismatch[] = await m.query(
      `SELECT e.merchant_id AS merchantId, e.member_id AS memberId, 0 AS cached, SUM(e.points) AS ledger
         FROM point_entries e
         LEFT JOIN member_balances b ON b.merchant_id = e.merchant_id AND b.member_id = e.member_id
        WHERE b.member_id IS NULL ${merchantId ? 'AND e.merchant_id = ?' : ''}
        GROUP BY e.merchant_id, e.member_id`,
      params,
    );
    const lots: RawMismatch[] = await m.query(
      `SELECT b.merchant_id AS merchantId, b.member_id AS memberId,
              CASE WHEN b.available > 0 THEN b.available ELSE 0 END + b.pending AS cached, COALESCE(SUM(l.remaining), 0) AS ledger
         FROM member_balances b
         LEFT JOIN point_lots l ON l.merchant_id = b.merchant_id AND l.member_id = b.member_id AND l.open = 1
        WHERE 1 = 1 ${scope}
        GROUP BY b.merchant_id, b.member_id, b.available, b.pending
       HAVING CASE WHEN b.available > 0 THEN b.available ELSE 0 END + b.pending <> COALESCE(SUM(l.remaining), 0)`,
      params,
    );
    const shape = (check: Mismatch['check']) => (r: RawMismatch) => ({ merchantId: r.merchantId, memberId: r.memberId, check, cached: toInt(r.cached), ledger: toInt(r.ledger) });
    return [...entries.map(shape('entries')), ...orphans.map(shape('entries')), ...lots.map(shape('lots'))];
  }

  /** Logs mismatches found by `reconcile` and records each in its merchant's audit log. */
  async recordMismatches(mismatches: Mismatch[], now = new Date()): Promise<void> {
    if (mismatches.length === 0) return;
    this.deps.log.error({ count: mismatches.length, sample: mismatches.slice(0, 20) }, 'points ledger does not match cached balances');
    await this.deps.db.transaction(async (tx) => {
      for (const m of mismatches) {
        await audit(tx, m.merchantId, null, { action: 'points.reconcile.mismatch', entity: 'member', entityId: m.memberId, data: { check: m.check, cached: m.cached, ledger: m.ledger } }, now);
      }
    });
  }

  /** Job: expires due lots of every member, in batches of members, one expire entry per member. */
  async expireDue(now = new Date()): Promise<number> {
    return this.settleMembersWhere('l.open = :open AND l.expires_at <= :now', { open: true, now }, now);
  }

  /** Job: makes due pending lots spendable, in batches of members. */
  async releaseDue(now = new Date()): Promise<number> {
    return this.settleMembersWhere('l.pending = :pending AND l.available_at <= :now', { pending: true, now }, now);
  }

  private async settleMembersWhere(where: string, params: Record<string, unknown>, now: Date): Promise<number> {
    let settled = 0;
    // Settling a member clears its rows from this query, so a member seen in the previous batch must not come back.
    let previous = new Set<string>();
    for (;;) {
      const batch = await this.deps.db.manager
        .createQueryBuilder(PointLot, 'l')
        .select('l.merchant_id', 'merchantId')
        .addSelect('l.member_id', 'memberId')
        .distinct(true)
        .where(where, params)
        .limit(JOB_BATCH)
        .getRawMany<{ merchantId: string; memberId: string }>();
      const keys = new Set(batch.map((m) => `${m.merchantId}/${m.memberId}`));
      if ([...keys].some((k) => previous.has(k))) {
        this.deps.log.error({ where }, 'points job: a member is still due after settling; stopping this run');
        return settled;
      }
      for (const { merchantId, memberId } of batch) {
        await this.deps.db.transaction((tx) => this.lockBalance(tx, merchantId, memberId, now));
      }
      settled += batch.length;
      if (batch.length < JOB_BATCH) return settled;
      previous = keys;
    }
  }

  /** Applies due releases and expiries to a locked balance row. */
  private async settle(tx: EntityManager, row: MemberBalance, now: Date): Promise<Balance> {
    const { merchantId, memberId } = row;
    const b = pick(row);
    let changed = false;
    // One query for both (this runs on every lock): lots due for release, and open lots past expiry.
    const lots = await tx
      .createQueryBuilder(PointLot, 'l')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId', { merchantId, memberId })
      .andWhere('((l.pending = :yes AND l.available_at <= :now) OR (l.open = :yes AND l.expires_at <= :now))', { yes: true, now })
      .orderBy('l.id', 'ASC')
      .getMany();
    for (const lot of lots) {
      if (!lot.pending || lot.availableAt > now) continue;
      const paid = debtPaid(b.available, lot.remaining);
      await tx.update(PointLot, { id: lot.id }, { pending: false, remaining: lot.remaining - paid, open: lot.remaining - paid > 0 });
      b.pending -= lot.remaining;
      b.available += lot.remaining;
      lot.pending = false;
      lot.remaining -= paid;
      lot.open = lot.remaining > 0;
      changed = true;
    }
    const expired = lots.filter((l) => l.open && l.expiresAt !== null && l.expiresAt <= now);
    if (expired.length > 0) {
      let total = 0;
      for (const lot of expired) {
        await this.setRemaining(tx, lot, 0);
        total += lot.remaining;
        if (lot.pending) b.pending -= lot.remaining;
        else b.available -= lot.remaining;
      }
      if (total > 0) {
        await this.insertEntry(tx, {
          merchantId,
          memberId,
          kind: 'expire',
          points: -total,
          cappedPoints: 0,
          sourceType: 'expiry',
          sourceId: null,
          reason: null,
          actor: null,
          occurredAt: now,
          createdAt: now,
        });
      }
      changed = true;
    }
    if (changed) await this.saveBalance(tx, merchantId, memberId, b, now);
    return b;
  }

  /** Credits points available at once as a new lot (paying off any debt first). */
  private async credit(
    tx: EntityManager,
    input: DebitInput,
    kind: 'restore' | 'adjust',
    reason: string | null,
    actor: string | null,
    b: Balance,
  ): Promise<{ entryId: number; balance: Balance }> {
    const program = await this.services.rules.programAt(input.merchantId, input.now, tx);
    const entryId = await this.insertEntry(tx, { ...entryBase(input), kind, points: input.points, reason, actor });
    await this.insertLot(tx, input, entryId, input.points, input.points - debtPaid(b.available, input.points), false, input.now, lotExpiresAt(program, input.now));
    const after = {
      ...b,
      available: b.available + input.points,
      lifetimeRedeemed: kind === 'restore' ? b.lifetimeRedeemed - input.points : b.lifetimeRedeemed,
    };
    await this.saveBalance(tx, input.merchantId, input.memberId, after, input.now);
    return { entryId, balance: after };
  }

  /** Takes points from spendable lots, earliest expiry first (never-expiring last), then oldest. */
  private async consumeReleased(tx: EntityManager, merchantId: string, memberId: string, points: number): Promise<void> {
    let left = points;
    for (const lot of await this.openLots(tx, merchantId, memberId, 'released')) {
      if (left === 0) break;
      const take = Math.min(lot.remaining, left);
      await this.setRemaining(tx, lot, lot.remaining - take);
      left -= take;
    }
    if (left > 0) throw new Error(`lots of member ${memberId} hold ${points - left} points, fewer than the balance says`);
  }

  private async openLots(tx: EntityManager, merchantId: string, memberId: string, which: 'pending' | 'released'): Promise<PointLot[]> {
    const qb = tx
      .createQueryBuilder(PointLot, 'l')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId AND l.open = :open AND l.pending = :pending', { merchantId, memberId, open: true, pending: which === 'pending' });
    if (which === 'pending') return qb.orderBy('l.id', 'DESC').getMany();
    return qb.orderBy('CASE WHEN l.expires_at IS NULL THEN 1 ELSE 0 END', 'ASC').addOrderBy('l.expires_at', 'ASC').addOrderBy('l.id', 'ASC').getMany();
  }

  private async lotsOfSource(tx: EntityManager, merchantId: string, memberId: string, source: { sourceType: string; sourceId: string }): Promise<PointLot[]> {
    return tx
      .createQueryBuilder(PointLot, 'l')
      .innerJoin(PointEntry, 'e', 'e.id = l.entry_id')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId AND l.open = :open', { merchantId, memberId, open: true })
      .andWhere('e.source_type = :sourceType AND e.source_id = :sourceId', source)
      .orderBy('l.id', 'ASC')
      .getMany();
  }

  private async releasedTotal(tx: EntityManager, merchantId: string, memberId: string): Promise<number> {
    const raw = await tx
      .createQueryBuilder(PointLot, 'l')
      .select('SUM(l.remaining)', 'total')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId AND l.open = :open AND l.pending = :pending', { merchantId, memberId, open: true, pending: false })
      .getRawOne<{ total: unknown }>();
    return toInt(raw?.total);
  }

  private async setRemaining(tx: EntityManager, lot: PointLot, remaining: number): Promise<void> {
    await tx.update(PointLot, { id: lot.id }, { remaining, open: remaining > 0 });
  }

  private async selectForUpdate(tx: EntityManager, merchantId: string, memberId: string): Promise<MemberBalance | null> {
    const qb = tx.createQueryBuilder(MemberBalance, 'b').where('b.merchant_id = :merchantId AND b.member_id = :memberId', { merchantId, memberId });
    if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  private async saveBalance(tx: EntityManager, merchantId: string, memberId: string, b: Balance, now: Date): Promise<void> {
    await tx.update(MemberBalance, { merchantId, memberId }, { ...pick(b), updatedAt: now });
    const held = this.held.get(tx)?.get(balanceKey(merchantId, memberId));
    if (held) held.balance = pick(b);
  }

  private async insertEntry(tx: EntityManager, entry: Omit<PointEntry, 'id'>): Promise<number> {
    const result = await tx.insert(PointEntry, entry as QueryDeepPartialEntity<PointEntry>);
    return Number(result.identifiers[0].id);
  }

  private async insertLot(
    tx: EntityManager,
    owner: { merchantId: string; memberId: string; now: Date },
    entryId: number,
    points: number,
    remaining: number,
    pending: boolean,
    availableAt: Date,
    expiresAt: Date | null,
  ): Promise<void> {
    await tx.insert(PointLot, {
      merchantId: owner.merchantId,
      memberId: owner.memberId,
      entryId,
      points,
      remaining,
      open: remaining > 0,
      pending,
      availableAt,
      expiresAt,
      createdAt: owner.now,
    } as QueryDeepPartialEntity<PointLot>);
  }
}

interface RawMismatch {
  merchantId: string;
  memberId: string;
  cached: unknown;
  ledger: unknown;
}

function soonHorizon(now: Date): Date {
  return new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000);
}

/** Total and first expiry of the lots that expire after `now` but within EXPIRING_SOON_DAYS. */
function expiringOf(lots: PointLot[], now: Date): PointsSummary['expiringSoon'] {
  const horizon = soonHorizon(now);
  let points = 0;
  let expiresAt: Date | null = null;
  for (const lot of lots) {
    if (lot.expiresAt === null || lot.expiresAt <= now || lot.expiresAt > horizon) continue;
    points += lot.remaining;
    if (expiresAt === null || lot.expiresAt < expiresAt) expiresAt = lot.expiresAt;
  }
  return expiresAt && points > 0 ? { points, expiresAt } : null;
}

function balanceKey(merchantId: string, memberId: string): string {
  return `${merchantId}/${memberId}`;
}

function pick(b: Balance): Balance {
  return { available: b.available, pending: b.pending, lifetimeEarned: b.lifetimeEarned, lifetimeRedeemed: b.lifetimeRedeemed };
}

/** How much of newly spendable points goes to paying off a negative balance. */
function debtPaid(available: number, points: number): number {
  return Math.min(points, Math.max(0, -available));
}

function entryBase(input: { merchantId: string; memberId: string; sourceType: string; sourceId: string | null; now: Date }) {
  return {
    merchantId: input.merchantId,
    memberId: input.memberId,
    sourceType: input.sourceType,
    sourceId: input.sourceId,
    cappedPoints: 0,
    reason: null as string | null,
    occurredAt: input.now,
    createdAt: input.now,
  };
}

function assertPositive(points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error(`points must be a positive integer, got ${points}`);
}

function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'staff':
      return `staff:${p.userId}`;
    case 'terminal':
      return `terminal:${p.terminalId}`;
    case 'member':
      return `member:${p.memberId}`;
  }
}
