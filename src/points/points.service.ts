import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { toInt } from '../db/columns';
import type { Deps } from '../deps';
import { publish } from '../events/publish';
import { AppError } from '../http/errors';
import { localPeriod, lotExpiresAt, lotPendingUntil, type Program, type RulesService } from '../rules';
import { MemberBalance } from './member-balance.entity';
import { PointEntry } from './point-entry.entity';
import { debtPaid, expiringWithin, settleLots, spendOrder, takeFromLots } from './lot-allocation';
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

export interface EntryPage {
  items: PointEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: number | null;
}

const EXPIRING_SOON_DAYS = 30;
const JOB_BATCH = 200;

/** The other modules' services this one calls. */
export interface PointsServiceUses { rules: RulesService }

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
    private readonly services: PointsServiceUses,
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
      const taken = takeFromLots(lots, left);
      for (const { lot, take } of taken.takes) {
        await this.setRemaining(tx, lot, lot.remaining - take);
        lot.remaining -= take;
        if (lot.pending) fromPending += take;
        else fromAvailable += take;
      }
      left = taken.left;
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

  /**
   * Writes a correction to a locked balance: a positive one as a new lot
   * available at once, a negative one from spendable lots (never overdrawing).
   */
  async adjust(
    tx: EntityManager,
    input: { merchantId: string; memberId: string; points: number; reason: string; actor: string; sourceId: string | null; now: Date },
  ): Promise<{ entryId: number; balance: Balance }> {
    const { merchantId, memberId, now } = input;
    const b = await this.lockBalance(tx, merchantId, memberId, now);
    const base = { merchantId, memberId, points: Math.abs(input.points), sourceType: 'adjustment', sourceId: input.sourceId, now };
    if (input.points > 0) return this.credit(tx, base, 'adjust', input.reason, input.actor, b);
    if (b.available < -input.points) {
      throw new AppError('INSUFFICIENT_POINTS', `Only ${Math.max(0, b.available)} points are available to take away`, { available: Math.max(0, b.available), requested: -input.points });
    }
    await this.consumeReleased(tx, merchantId, memberId, -input.points);
    const entryId = await this.insertEntry(tx, { ...entryBase(base), kind: 'adjust', points: input.points, reason: input.reason, actor: input.actor });
    const after = { ...b, available: b.available + input.points };
    await this.saveBalance(tx, merchantId, memberId, after, now);
    return { entryId, balance: after };
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

  /**
   * When the member's points expire: what is left of each open lot, summed
   * per expiry instant, soonest first (at most `limit` instants), and the
   * points that never expire. Lots already past their expiry are left out.
   */
  async expirySchedule(merchantId: string, memberId: string, now = new Date(), limit = 24): Promise<{ items: { expiresAt: Date; points: number; pending: number }[]; neverExpire: number }> {
    const lots = await this.deps.db.manager
      .createQueryBuilder(PointLot, 'l')
      .select(['l.expiresAt', 'l.remaining', 'l.pending'])
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId AND l.open = :open', { merchantId, memberId, open: true })
      .andWhere('(l.expires_at IS NULL OR l.expires_at > :now)', { now })
      .orderBy('l.expires_at', 'ASC')
      .getMany();
    const items: { expiresAt: Date; points: number; pending: number }[] = [];
    let neverExpire = 0;
    for (const lot of lots) {
      if (lot.expiresAt === null) {
        neverExpire += lot.remaining;
        continue;
      }
      const last = items[items.length - 1];
      if (last && last.expiresAt.getTime() === lot.expiresAt.getTime()) {
        last.points += lot.remaining;
        last.pending += lot.pending ? lot.remaining : 0;
      } else if (items.length < limit) {
        items.push({ expiresAt: lot.expiresAt, points: lot.remaining, pending: lot.pending ? lot.remaining : 0 });
      }
    }
    return { items, neverExpire };
  }

  /** The member's ledger, newest first, keyset-paged by entry id. */
  /** One page of the merchant's ledger for a CSV export, oldest first, by entry id after `afterId`. */
  async ledgerPage(merchantId: string, afterId: number, limit: number): Promise<PointEntry[]> {
    return this.deps.db.manager
      .getRepository(PointEntry)
      .createQueryBuilder('e')
      .where('e.merchant_id = :merchantId AND e.id > :afterId', { merchantId, afterId })
      .orderBy('e.id', 'ASC')
      .limit(limit)
      .getMany();
  }

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
    // One query for both (this runs on every lock): lots due for release, and open lots past expiry.
    const due = await tx
      .createQueryBuilder(PointLot, 'l')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId', { merchantId, memberId })
      .andWhere('((l.pending = :yes AND l.available_at <= :now) OR (l.open = :yes AND l.expires_at <= :now))', { yes: true, now })
      .orderBy('l.id', 'ASC')
      .getMany();
    const settled = settleLots(pick(row), due, now);
    for (const { lot, remaining } of settled.released) {
      await tx.update(PointLot, { id: lot.id }, { pending: false, remaining, open: remaining > 0 });
    }
    for (const lot of settled.expired) await tx.update(PointLot, { id: lot.id }, { remaining: 0, open: false });
    if (settled.expiredPoints > 0) {
      await this.insertEntry(tx, {
        merchantId,
        memberId,
        kind: 'expire',
        points: -settled.expiredPoints,
        cappedPoints: 0,
        sourceType: 'expiry',
        sourceId: null,
        reason: null,
        actor: null,
        occurredAt: now,
        createdAt: now,
      });
    }
    const b = { ...pick(row), ...settled.balance };
    const changed = settled.released.length > 0 || settled.expired.length > 0;
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
    const { takes, left } = takeFromLots(await this.openLots(tx, merchantId, memberId, 'released'), points);
    for (const { lot, take } of takes) await this.setRemaining(tx, lot, lot.remaining - take);
    if (left > 0) throw new Error(`lots of member ${memberId} hold ${points - left} points, fewer than the balance says`);
  }

  private async openLots(tx: EntityManager, merchantId: string, memberId: string, which: 'pending' | 'released'): Promise<PointLot[]> {
    const qb = tx
      .createQueryBuilder(PointLot, 'l')
      .where('l.merchant_id = :merchantId AND l.member_id = :memberId AND l.open = :open AND l.pending = :pending', { merchantId, memberId, open: true, pending: which === 'pending' });
    if (which === 'pending') return qb.orderBy('l.id', 'DESC').getMany();
    return spendOrder(await qb.getMany());
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

  /** Every ledger entry goes through here, so every change of points is published once. */
  private async insertEntry(tx: EntityManager, entry: Omit<PointEntry, 'id'>): Promise<number> {
    const result = await tx.insert(PointEntry, entry as QueryDeepPartialEntity<PointEntry>);
    const entryId = Number(result.identifiers[0].id);
    await publish(
      tx,
      entry.merchantId,
      'points.changed',
      { memberId: entry.memberId, entryId, kind: entry.kind, points: entry.points, sourceType: entry.sourceType, sourceId: entry.sourceId },
      entry.createdAt,
    );
    return entryId;
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

function soonHorizon(now: Date): Date {
  return new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000);
}

/** Points of the lots expiring after `now` but within EXPIRING_SOON_DAYS. */
function expiringOf(lots: PointLot[], now: Date): PointsSummary['expiringSoon'] {
  return expiringWithin(lots, now, soonHorizon(now));
}

function balanceKey(merchantId: string, memberId: string): string {
  return `${merchantId}/${memberId}`;
}

function pick(b: Balance): Balance {
  return { available: b.available, pending: b.pending, lifetimeEarned: b.lifetimeEarned, lifetimeRedeemed: b.lifetimeRedeemed };
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
