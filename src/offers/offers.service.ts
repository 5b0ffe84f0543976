import { In, IsNull, type EntityManager } from 'typeorm';
import { definitionProblem, eligibility, termsOf, type AppliedOffer, type OfferContext, type OfferDefinition, type OfferTerms, type OfferTrigger } from '../../offer-engine';
import { audit } from '../audit';
import type { Buckets } from '../db/buckets';
import { toInt } from '../db/columns';
import { newId } from '../db/ids';
import { TtlCache } from '../db/ttl-cache';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import { localPeriod } from '../rules';
import { OfferCounter } from './offer-counter.entity';
import { OfferUse, type OfflineUseFlag } from './offer-use.entity';
import { isLimited, Offer, type OfferStatus, type StoredDefinition } from './offer.entity';
import { normaliseCode, releaseCodes, replacePublicCode } from './offer-codes.service';
import { OfferCode } from './offer-code.entity';
import { OfferMember } from './offer-member.entity';
import type { CreateOfferBody, OfferOut, OfferReport, UpdateOfferBody } from './offers.schemas';

/** How long a process keeps a merchant's active offers: a change made in another api process reaches its tills within this. */
export const ACTIVE_OFFERS_TTL_MS = 15_000;

/** The limits a sale must keep, of an active offer that has any. */
export interface OfferLimitsOf {
  maxUses: number | null;
  maxUsesPerMember: number | null;
  memberLimitPeriod: 'day' | 'week' | 'month' | null;
  budgetMinor: number | null;
}

/** A merchant's active offers as the till prices with them. */
export interface ActiveOfferSet {
  definitions: readonly OfferDefinition[];
  /** Offers with limits, by id: a sale that applies one locks its counter. */
  limited: ReadonlyMap<string, OfferLimitsOf>;
  /** Public codes of `code` offers, by offer id: an offline till resolves them itself. */
  publicCodes: ReadonlyMap<string, string>;
  /** The rewards catalogue: points price of each reward offer, by offer id. */
  rewards: ReadonlyMap<string, number>;
}

/** An offer a sale may not use because of its limits. */
export interface LimitRefusal {
  offerId: string;
  reason: 'TOTAL_LIMIT_REACHED' | 'MEMBER_LIMIT_REACHED' | 'BUDGET_EXHAUSTED' | 'MEMBER_REQUIRED';
  message: string;
}

/** Who and when, for the limits of a sale. */
export interface LimitScope {
  merchantId: string;
  memberId: string | null;
  occurredAt: Date;
  timeZone: string;
  /** In a commit: lock the counters (the sale then records its uses in the same transaction). Evaluate only reads. */
  lock: boolean;
}

/** What a sale used, written in its transaction. */
export interface SaleOfOffers {
  merchantId: string;
  purchaseId: string;
  memberId: string | null;
  storeId: string;
  occurredAt: Date;
  basketTotalMinor: number;
}

/** A sale a till priced offline: its offers are recorded as printed, and checked against the limits afterwards. */
export interface OfflineSaleOfOffers extends SaleOfOffers {
  /** The store's zone: the schedule and per-member periods are local. */
  timeZone: string;
}

/** An offer a sale used, as a return re-prices what is kept: its terms at the sale. */
export type UsedOfferTerms = OfferTerms;

/** An offer shown at the till when a member is scanned. */
export interface OfferSummary {
  id: string;
  name: string;
  trigger: OfferTrigger;
  kind: string;
  endsOn: string | null;
}

const TRANSITIONS: Record<'activate' | 'pause' | 'end', { from: OfferStatus[]; to: OfferStatus }> = {
  activate: { from: ['draft', 'paused'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  end: { from: ['draft', 'active', 'paused'], to: 'ended' },
};

/**
 * Offers per merchant: the back office creates them (checked with the
 * engine's `definitionProblem`), activates, pauses and ends them; the till
 * prices with the active set (cached briefly per process, dropped on every
 * change made here), keeps the limits of a sale under a lock on each limited
 * offer's counter, and records the offers a sale used.
 */
export class OffersService {
  private readonly active = new TtlCache<ActiveOfferSet>(ACTIVE_OFFERS_TTL_MS);

  constructor(private readonly deps: Deps) {}

  // ---- back office ----

  async create(principal: Principal, input: CreateOfferBody, now = new Date()): Promise<OfferOut> {
    const merchantId = principal.merchantId;
    const id = newId(now.getTime());
    const publicCode = publicCodeOf(input.trigger, input.code);
    const offer: Offer = {
      id,
      merchantId,
      publicCode,
      activationRequired: activationOf(input.trigger, input.activationRequired),
      rewardPoints: rewardOf(input.trigger, input.rewardPoints),
      status: 'draft',
      createdAt: now,
      updatedAt: now,
      activatedAt: null,
      endedAt: null,
      ...offerFields(id, input.name, input.priority, { stacking: input.stacking, trigger: input.trigger, conditions: input.conditions, mechanic: input.mechanic }),
      ...limitFields(input.limits),
    };
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(Offer, offer);
      await tx.insert(OfferCounter, { offerId: id, merchantId, uses: 0, discountMinor: 0, points: 0 });
      await replacePublicCode(tx, { merchantId, id, publicCode: null }, publicCode, now);
      await audit(tx, merchantId, principal, { action: 'offer.create', entity: 'offer', entityId: id, data: { name: offer.name, kind: offer.definition.mechanic.kind } }, now);
    });
    return offerView(offer, NO_USES);
  }

  async list(principal: Principal, query: { status?: OfferStatus }): Promise<OfferOut[]> {
    const merchantId = principal.merchantId;
    const offers = await this.deps.db.manager.find(Offer, { where: { merchantId, ...(query.status ? { status: query.status } : {}) }, order: { createdAt: 'DESC', id: 'DESC' } });
    const uses = await this.usesOf(merchantId, offers.map((o) => o.id));
    return offers.map((o) => offerView(o, uses.get(o.id) ?? NO_USES));
  }

  async get(principal: Principal, id: string): Promise<OfferOut> {
    const offer = await this.find(this.deps.db.manager, principal.merchantId, id);
    return offerView(offer, (await this.usesOf(principal.merchantId, [id])).get(id) ?? NO_USES);
  }

  /** Changes a draft or paused offer; an active one is paused first, so no till prices with a half-changed offer. */
  async update(principal: Principal, id: string, patch: UpdateOfferBody, now = new Date()): Promise<OfferOut> {
    const merchantId = principal.merchantId;
    const offer = await this.deps.db.transaction(async (tx) => {
      const current = await this.find(tx, merchantId, id);
      if (current.status === 'active' || current.status === 'ended') {
        throw new AppError('OFFER_STATUS_CONFLICT', current.status === 'active' ? 'Pause the offer before changing it' : 'An ended offer cannot change', { status: current.status });
      }
      const d = current.definition;
      const trigger = patch.trigger ?? d.trigger;
      // Another trigger drops the public code; a code offer keeps its code unless one is given (null: none).
      const publicCode = publicCodeOf(trigger, trigger === 'code' && patch.code === undefined ? current.publicCode : patch.code);
      const next: Offer = {
        ...current,
        publicCode,
        activationRequired: activationOf(trigger, patch.activationRequired ?? (trigger === 'personal' ? current.activationRequired : undefined)),
        rewardPoints: rewardOf(trigger, patch.rewardPoints === undefined ? (trigger === 'code' ? current.rewardPoints : null) : patch.rewardPoints),
        ...offerFields(id, patch.name ?? current.name, patch.priority ?? current.priority, {
          stacking: patch.stacking ?? d.stacking,
          trigger,
          conditions: patch.conditions === null ? undefined : (patch.conditions ?? d.conditions),
          mechanic: patch.mechanic ?? d.mechanic,
        }),
        ...(patch.limits ? limitFields(patch.limits) : {}),
        updatedAt: now,
      };
      const { id: _id, merchantId: _merchant, createdAt: _created, ...changes } = next;
      await replacePublicCode(tx, current, publicCode, now);
      await tx.update(Offer, { id, merchantId }, changes);
      await audit(tx, merchantId, principal, { action: 'offer.update', entity: 'offer', entityId: id, data: { fields: Object.keys(patch) } }, now);
      return next;
    });
    return offerView(offer, (await this.usesOf(merchantId, [id])).get(id) ?? NO_USES);
  }

  /** activate (draft or paused), pause (active) or end (for good). */
  async transition(principal: Principal, id: string, action: keyof typeof TRANSITIONS, now = new Date()): Promise<OfferOut> {
    const merchantId = principal.merchantId;
    const { from, to } = TRANSITIONS[action];
    const offer = await this.deps.db.transaction(async (tx) => {
      const current = await this.find(tx, merchantId, id);
      if (!from.includes(current.status)) {
        throw new AppError('OFFER_STATUS_CONFLICT', `A ${current.status} offer cannot be ${action === 'end' ? 'ended' : `${action}d`}`, { status: current.status });
      }
      const changes: Partial<Offer> = { status: to, updatedAt: now, ...(to === 'active' ? { activatedAt: now } : {}), ...(to === 'ended' ? { endedAt: now } : {}) };
      await tx.update(Offer, { id, merchantId }, changes);
      // Limits can change only while the offer is not active, and the counter is kept only while it has limits: set it from the uses.
      if (to === 'active') await this.recount(tx, merchantId, id);
      await audit(tx, merchantId, principal, { action: `offer.${action}`, entity: 'offer', entityId: id }, now);
      return { ...current, ...changes };
    });
    this.active.delete(merchantId);
    return offerView(offer, (await this.usesOf(merchantId, [id])).get(id) ?? NO_USES);
  }

  /** Uses, members, discount and points cost, and the sales of the baskets that used the offer. */
  async report(principal: Principal, id: string): Promise<OfferReport> {
    const merchantId = principal.merchantId;
    await this.find(this.deps.db.manager, merchantId, id);
    const row = await this.deps.db.manager
      .createQueryBuilder(OfferUse, 'u')
      .select('COUNT(*)', 'uses')
      .addSelect('COUNT(DISTINCT u.member_id)', 'members')
      .addSelect('SUM(CASE WHEN u.member_id IS NULL THEN 1 ELSE 0 END)', 'anonymous')
      .addSelect('SUM(u.discount_minor)', 'discount')
      .addSelect('SUM(u.points)', 'points')
      .addSelect('SUM(u.basket_total_minor)', 'sales')
      .addSelect('MIN(u.occurred_at)', 'first')
      .addSelect('MAX(u.occurred_at)', 'last')
      .addSelect('SUM(CASE WHEN u.offline = :yes THEN 1 ELSE 0 END)', 'offline')
      .addSelect('SUM(CASE WHEN u.flag IS NULL THEN 0 ELSE 1 END)', 'flagged')
      .where('u.merchant_id = :merchantId AND u.offer_id = :id AND u.voided_at IS NULL', { merchantId, id, yes: true })
      .getRawOne<Record<string, unknown>>();
    const flagged = await this.deps.db.manager
      .createQueryBuilder(OfferUse, 'u')
      .where('u.merchant_id = :merchantId AND u.offer_id = :id AND u.voided_at IS NULL AND u.flag IS NOT NULL', { merchantId, id })
      .orderBy('u.occurred_at', 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(FLAGS_IN_REPORT)
      .getMany();
    return {
      offerId: id,
      uses: toInt(row?.uses),
      members: toInt(row?.members),
      anonymousUses: toInt(row?.anonymous),
      discountMinor: toInt(row?.discount),
      points: toInt(row?.points),
      salesMinor: toInt(row?.sales),
      firstUseAt: instant(row?.first),
      lastUseAt: instant(row?.last),
      offlineUses: toInt(row?.offline),
      flaggedUses: toInt(row?.flagged),
      flags: flagged.map((u) => ({ purchaseId: u.purchaseId, occurredAt: u.occurredAt.toISOString(), flag: u.flag as OfflineUseFlag, discountMinor: u.discountMinor, memberId: u.memberId })),
    };
  }

  /**
   * A draft's definition as the engine takes it, checked like a saved offer
   * (a 400 naming the field under `bodyPath` otherwise); nothing is stored.
   */
  draftDefinition(input: CreateOfferBody, bodyPath = 'body'): OfferDefinition {
    const id = 'draft';
    const fields = offerFields(id, input.name, input.priority, { stacking: input.stacking, trigger: input.trigger, conditions: input.conditions, mechanic: input.mechanic }, bodyPath);
    return { id, name: fields.name, priority: fields.priority, ...fields.definition };
  }

  /** One of the merchant's offers as the engine takes it (any status). */
  async definition(merchantId: string, id: string): Promise<OfferDefinition> {
    return definitionOf(await this.find(this.deps.db.manager, merchantId, id));
  }

  /**
   * The offer's uses in each bucket (the caller's local days): uses,
   * discount, points and sales of the baskets, one set-based query each.
   */
  async usesPerBucket(merchantId: string, id: string, buckets: Buckets): Promise<{ uses: number[]; discountMinor: number[]; points: number[]; salesMinor: number[] }> {
    const sums = async (value: string) =>
      buckets.series(
        await this.deps.db.manager
          .createQueryBuilder(OfferUse, 'u')
          .select(buckets.sums('u.occurred_at', value))
          .where('u.merchant_id = :merchantId AND u.offer_id = :id AND u.voided_at IS NULL AND u.occurred_at >= :e0', { merchantId, id, ...buckets.params })
          .getRawOne<Record<string, unknown>>(),
      );
    return { uses: await sums('1'), discountMinor: await sums('u.discount_minor'), points: await sums('u.points'), salesMinor: await sums('u.basket_total_minor') };
  }

  // ---- the till ----

  /** The merchant's active offers, cached for ACTIVE_OFFERS_TTL_MS. */
  async activeSet(merchantId: string): Promise<ActiveOfferSet> {
    return this.active.get(merchantId, async () => {
      const offers = await this.deps.db.manager.find(Offer, { where: { merchantId, status: 'active' } });
      return {
        definitions: offers.map(definitionOf),
        limited: new Map(offers.filter(isLimited).map((o) => [o.id, { maxUses: o.maxUses, maxUsesPerMember: o.maxUsesPerMember, memberLimitPeriod: o.memberLimitPeriod, budgetMinor: o.budgetMinor }])),
        publicCodes: new Map(offers.flatMap((o) => (o.publicCode ? [[o.id, o.publicCode] as const] : []))),
        rewards: new Map(offers.flatMap((o) => (o.rewardPoints !== null ? [[o.id, o.rewardPoints] as const] : []))),
      };
    });
  }

  /**
   * The active offers a member can get at this till now: the engine's own
   * conditions (schedule, store, tier, segments, first purchase) with the
   * basket still unknown. Offers the till must choose are listed too;
   * personal offers only when `personal` (the member's usable ones) names
   * them; code offers not (they need the shopper's coupon).
   */
  async forMember(merchantId: string, context: Omit<OfferContext, 'chosenOfferIds'>, personal: readonly string[]): Promise<OfferSummary[]> {
    const set = await this.activeSet(merchantId);
    const all = set.definitions.map((d) => d.id);
    return set.definitions
      .filter((d) => d.trigger !== 'code' && (d.trigger !== 'personal' || personal.includes(d.id)))
      .filter((d) => eligibility(d, { ...context, chosenOfferIds: all }) === null)
      .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1))
      .map((d) => ({ id: d.id, name: d.name, trigger: d.trigger, kind: d.mechanic.kind, endsOn: d.conditions?.schedule?.endsOn ?? null }));
  }

  /**
   * The applied offers this sale may not use because of their limits. In a
   * commit (`lock`) each limited offer's counter row is locked first, in id
   * order, and stays locked until the sale has recorded its use
   * (`recordUses`), so parallel sales of one offer take turns and none
   * overspends. The limits are read from the offer row, not the cache.
   */
  async overLimit(tx: EntityManager, scope: LimitScope, applied: readonly AppliedOffer[], set: ActiveOfferSet): Promise<LimitRefusal[]> {
    const limitedIds = applied.map((a) => a.offerId).filter((id) => set.limited.has(id)).sort();
    const refusals: LimitRefusal[] = [];
    for (const offerId of limitedIds) {
      const counter = await this.counterOf(tx, scope.merchantId, offerId, scope.lock);
      const offer = await tx.findOneBy(Offer, { merchantId: scope.merchantId, id: offerId });
      if (!counter || !offer) continue;
      const use = applied.find((a) => a.offerId === offerId) as AppliedOffer;
      if (offer.maxUses !== null && counter.uses + 1 > offer.maxUses) {
        refusals.push({ offerId, reason: 'TOTAL_LIMIT_REACHED', message: 'The offer has been used as often as it may be' });
      } else if (offer.budgetMinor !== null && counter.discountMinor + use.discountMinor > offer.budgetMinor) {
        refusals.push({ offerId, reason: 'BUDGET_EXHAUSTED', message: 'The offer’s budget is spent' });
      } else if (offer.maxUsesPerMember !== null) {
        if (!scope.memberId) {
          refusals.push({ offerId, reason: 'MEMBER_REQUIRED', message: 'The offer is limited per member: scan a card' });
          continue;
        }
        const period = localPeriod(scope.occurredAt, offer.memberLimitPeriod ?? 'day', scope.timeZone);
        const used = await tx
          .createQueryBuilder(OfferUse, 'u')
          .where('u.offer_id = :offerId AND u.member_id = :memberId AND u.occurred_at >= :from AND u.occurred_at < :to AND u.voided_at IS NULL', {
            offerId,
            memberId: scope.memberId,
            from: period.from,
            to: period.to,
          })
          .getCount();
        if (used + 1 > offer.maxUsesPerMember) refusals.push({ offerId, reason: 'MEMBER_LIMIT_REACHED', message: `The member has used the offer ${used} time(s) this ${offer.memberLimitPeriod}` });
      }
    }
    return refusals;
  }

  /** Records the offers a sale applied and adds them to the counters of the limited ones (locked by `overLimit`). */
  async recordUses(tx: EntityManager, sale: SaleOfOffers, applied: readonly AppliedOffer[], set: ActiveOfferSet): Promise<void> {
    if (applied.length === 0) return;
    const at = sale.occurredAt.getTime();
    await tx.insert(
      OfferUse,
      applied.map((a) => ({
        id: newId(at),
        merchantId: sale.merchantId,
        offerId: a.offerId,
        purchaseId: sale.purchaseId,
        memberId: sale.memberId,
        storeId: sale.storeId,
        occurredAt: sale.occurredAt,
        discountMinor: a.discountMinor,
        points: a.points,
        basketTotalMinor: sale.basketTotalMinor,
        lines: a.lines.map((l) => ({ lineNo: l.index + 1, discountMinor: l.discountMinor, points: l.points, unitsUsed: l.unitsUsed })),
        receiptLine: a.receiptLine.slice(0, 300),
        offline: false,
        flag: null,
        terms: termsOrNull(set.definitions.find((d) => d.id === a.offerId)),
        voidedAt: null,
      })),
    );
    for (const a of applied) {
      if (!set.limited.has(a.offerId)) continue;
      await tx
        .createQueryBuilder()
        .update(OfferCounter)
        .set({ uses: () => 'uses + 1', discountMinor: () => `discount_minor + ${Number(a.discountMinor)}`, points: () => `points + ${Number(a.points)}` })
        .where('offer_id = :offerId AND merchant_id = :merchantId', { offerId: a.offerId, merchantId: sale.merchantId })
        .execute();
    }
  }

  /**
   * Records the offers a till applied offline, as it printed them: the
   * shopper was told. Each offer must be one of this merchant's (any status:
   * it may have ended since the till last refreshed its set). A limited
   * offer's counter is locked and the use added like any other, and a use
   * the server would have refused is flagged for the owner (the offers
   * report lists them): the offer had ended or was not running
   * (`OFFER_ENDED`, `OFFER_NOT_ACTIVE`), or the use goes past its total
   * uses, budget or the member's uses in the period.
   */
  async recordOfflineUses(tx: EntityManager, sale: OfflineSaleOfOffers, applied: readonly AppliedOffer[]): Promise<void> {
    if (applied.length === 0) return;
    const { merchantId } = sale;
    const ids = [...new Set(applied.map((a) => a.offerId))].sort();
    const offers = await tx.find(Offer, { where: { merchantId, id: In(ids) } });
    const unknown = ids.find((id) => !offers.some((o) => o.id === id));
    if (unknown) throw new AppError('OFFER_NOT_APPLICABLE', `Offer ${unknown} is not one of this merchant's offers`, [{ path: 'body.offline.appliedOffers', message: 'must name offers of this merchant' }]);
    const at = sale.occurredAt.getTime();
    for (const offer of offers.sort((x, y) => (x.id < y.id ? -1 : 1))) {
      const use = applied.find((a) => a.offerId === offer.id) as AppliedOffer;
      const limited = isLimited(offer);
      const counter = limited ? await this.counterOf(tx, merchantId, offer.id, true) : null;
      const flag = offerFlag(offer, sale) ?? (counter ? await this.limitFlag(tx, offer, counter, use, sale) : null);
      await tx.insert(OfferUse, {
        id: newId(at),
        merchantId,
        offerId: offer.id,
        purchaseId: sale.purchaseId,
        memberId: sale.memberId,
        storeId: sale.storeId,
        occurredAt: sale.occurredAt,
        discountMinor: use.discountMinor,
        points: use.points,
        basketTotalMinor: sale.basketTotalMinor,
        lines: use.lines.map((l) => ({ lineNo: l.index + 1, discountMinor: l.discountMinor, points: l.points, unitsUsed: l.unitsUsed })),
        receiptLine: use.receiptLine.slice(0, 300),
        offline: true,
        flag,
        terms: termsOrNull(definitionOf(offer)),
        voidedAt: null,
      });
      if (counter) {
        await tx
          .createQueryBuilder()
          .update(OfferCounter)
          .set({ uses: () => 'uses + 1', discountMinor: () => `discount_minor + ${Number(use.discountMinor)}`, points: () => `points + ${Number(use.points)}` })
          .where('offer_id = :offerId AND merchant_id = :merchantId', { offerId: offer.id, merchantId })
          .execute();
      }
    }
  }

  /** The terms of the offers a sale used (not voided), in `tx`: what a return re-prices the kept goods with. */
  async termsOfSale(tx: EntityManager, merchantId: string, purchaseId: string): Promise<UsedOfferTerms[]> {
    const uses = await tx.find(OfferUse, { where: { merchantId, purchaseId, voidedAt: IsNull() }, order: { offerId: 'ASC' } });
    const missing = uses.filter((u) => u.terms === null).map((u) => u.offerId);
    // Uses recorded before terms were kept: the offer as it is now.
    const current = missing.length ? await tx.find(Offer, { where: { merchantId, id: In(missing) } }) : [];
    return uses.flatMap((u) => {
      if (u.terms) return [u.terms];
      const offer = current.find((o) => o.id === u.offerId);
      return offer ? [termsOf(definitionOf(offer))] : [];
    });
  }

  /**
   * Voided sales give their offer uses back, in the void's transaction
   * (`outer`): each use is marked voided (once: a repeated call finds nothing
   * left to mark), a limited offer's counter, locked first, is set again
   * from the uses that still count, and the single-use codes the sales used
   * may be used again.
   */
  async releaseVoided(merchantId: string, purchaseIds: string[], now = new Date(), outer?: EntityManager): Promise<void> {
    if (purchaseIds.length === 0) return;
    await this.deps.db.transaction(async (tx) => {
      const uses = await tx.find(OfferUse, { where: { merchantId, purchaseId: In(purchaseIds), voidedAt: IsNull() } });
      const offerIds = [...new Set(uses.map((u) => u.offerId))].sort();
      for (const offerId of offerIds) {
        await this.counterOf(tx, merchantId, offerId, true);
        await tx.update(OfferUse, { merchantId, offerId, id: In(uses.filter((u) => u.offerId === offerId).map((u) => u.id)) }, { voidedAt: now });
        const offer = await tx.findOneBy(Offer, { merchantId, id: offerId });
        if (offer && isLimited(offer)) await this.recount(tx, merchantId, offerId);
      }
      await releaseCodes(tx, merchantId, purchaseIds);
    }, outer);
  }

  /**
   * A merged member's offer uses move to the member kept, so per-member
   * limits count them together, and so do their personal offers (one the
   * kept member has too stays theirs) and their coupons. Repeatable: moves
   * what is left.
   */
  async moveMemberUses(merchantId: string, fromMemberId: string, intoMemberId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await tx.update(OfferUse, { merchantId, memberId: fromMemberId }, { memberId: intoMemberId });
      await tx.update(OfferCode, { merchantId, memberId: fromMemberId }, { memberId: intoMemberId });
      const given = await tx.find(OfferMember, { where: { merchantId, memberId: fromMemberId } });
      const kept = await tx.find(OfferMember, { where: { merchantId, memberId: intoMemberId, offerId: In(given.map((g) => g.offerId)) } });
      for (const g of given) {
        const twin = kept.find((k) => k.offerId === g.offerId);
        await tx.delete(OfferMember, { offerId: g.offerId, memberId: fromMemberId });
        if (!twin) await tx.insert(OfferMember, { ...g, memberId: intoMemberId });
        else if (!twin.activatedAt && g.activatedAt) await tx.update(OfferMember, { offerId: g.offerId, memberId: intoMemberId }, { activatedAt: g.activatedAt });
      }
    });
  }

  // ---- internals ----

  private async find(m: EntityManager, merchantId: string, id: string): Promise<Offer> {
    return found(await m.findOneBy(Offer, { merchantId, id }), 'Offer');
  }

  private async counterOf(tx: EntityManager, merchantId: string, offerId: string, lock: boolean): Promise<OfferCounter | null> {
    const qb = tx.createQueryBuilder(OfferCounter, 'c').where('c.offer_id = :offerId AND c.merchant_id = :merchantId', { offerId, merchantId });
    // SQLite has one writer at a time: the sale's transaction already excludes every other.
    if (lock && this.deps.db.isMysql) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** Whether an offline use goes past the offer's limits, the counter (locked) holding the uses before it. */
  private async limitFlag(tx: EntityManager, offer: Offer, counter: OfferCounter, use: AppliedOffer, sale: OfflineSaleOfOffers): Promise<OfflineUseFlag | null> {
    if (offer.maxUses !== null && counter.uses + 1 > offer.maxUses) return 'OVER_TOTAL_LIMIT';
    if (offer.budgetMinor !== null && counter.discountMinor + use.discountMinor > offer.budgetMinor) return 'OVER_BUDGET';
    if (offer.maxUsesPerMember !== null && sale.memberId) {
      const period = localPeriod(sale.occurredAt, offer.memberLimitPeriod ?? 'day', sale.timeZone);
      const used = await tx
        .createQueryBuilder(OfferUse, 'u')
        .where('u.offer_id = :offerId AND u.member_id = :memberId AND u.occurred_at >= :from AND u.occurred_at < :to AND u.voided_at IS NULL', {
          offerId: offer.id,
          memberId: sale.memberId,
          from: period.from,
          to: period.to,
        })
        .getCount();
      if (used + 1 > offer.maxUsesPerMember) return 'OVER_MEMBER_LIMIT';
    }
    return null;
  }

  private async recount(tx: EntityManager, merchantId: string, offerId: string): Promise<void> {
    const uses = (await this.usesOf(merchantId, [offerId], tx)).get(offerId) ?? NO_USES;
    await tx.update(OfferCounter, { offerId, merchantId }, { uses: uses.uses, discountMinor: uses.discountMinor, points: uses.points });
  }

  private async usesOf(merchantId: string, ids: string[], m: EntityManager = this.deps.db.manager): Promise<Map<string, Uses>> {
    if (ids.length === 0) return new Map();
    const rows = await m
      .createQueryBuilder(OfferUse, 'u')
      .select('u.offer_id', 'offerId')
      .addSelect('COUNT(*)', 'uses')
      .addSelect('SUM(u.discount_minor)', 'discount')
      .addSelect('SUM(u.points)', 'points')
      .where({ merchantId, offerId: In(ids), voidedAt: IsNull() })
      .groupBy('u.offer_id')
      .getRawMany<{ offerId: string; uses: unknown; discount: unknown; points: unknown }>();
    return new Map(rows.map((r) => [r.offerId, { uses: toInt(r.uses), discountMinor: toInt(r.discount), points: toInt(r.points) }]));
  }
}

/** Flagged uses listed in an offer's report, newest first. */
const FLAGS_IN_REPORT = 50;

/**
 * Whether the offer ran at an offline sale's time: ended before it (by the
 * back office, or its schedule's last day had passed), or not running
 * (not yet activated, paused, outside its schedule). Null: it ran.
 */
export function offerFlag(offer: Offer, sale: { occurredAt: Date; timeZone: string; storeId: string }): OfflineUseFlag | null {
  const at = sale.occurredAt.getTime();
  if (offer.endedAt && offer.endedAt.getTime() <= at) return 'OFFER_ENDED';
  const def = definitionOf(offer);
  const skipped = eligibility(def, { now: sale.occurredAt, timeZone: sale.timeZone, storeId: sale.storeId, member: { tierCode: null, segmentIds: [], isFirstPurchase: false }, chosenOfferIds: [offer.id] });
  if (skipped?.reason === 'NOT_ACTIVE_NOW') return offer.endsOn !== null && offer.endsOn < localDate(sale.occurredAt, sale.timeZone) ? 'OFFER_ENDED' : 'OFFER_NOT_ACTIVE';
  if (offer.activatedAt === null || offer.activatedAt.getTime() > at) return 'OFFER_NOT_ACTIVE';
  if (offer.status === 'paused' && offer.updatedAt.getTime() <= at) return 'OFFER_NOT_ACTIVE';
  return null;
}

/** YYYY-MM-DD of an instant in a time zone. */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function termsOrNull(def: OfferDefinition | undefined): OfferTerms | null {
  return def ? termsOf(def) : null;
}

interface Uses {
  uses: number;
  discountMinor: number;
  points: number;
}
const NO_USES: Uses = { uses: 0, discountMinor: 0, points: 0 };

/** The columns that come from the definition, after the engine has checked it: a 400 with the field it names otherwise. */
function offerFields(id: string, name: string, priority: number, definition: StoredDefinition, bodyPath = 'body'): Pick<Offer, 'name' | 'priority' | 'stackingClass' | 'triggerKind' | 'startsOn' | 'endsOn' | 'definition'> {
  const stored: StoredDefinition = { stacking: definition.stacking, trigger: definition.trigger, mechanic: definition.mechanic, ...(definition.conditions ? { conditions: definition.conditions } : {}) };
  const problem = definitionProblem({ id, name, priority, ...stored });
  if (problem) throw new AppError('VALIDATION_FAILED', `The offer is not valid: ${problem}`, [{ path: problemPath(problem, bodyPath), message: problem }]);
  const schedule = stored.conditions?.schedule;
  return {
    name,
    priority,
    stackingClass: stored.stacking.class,
    triggerKind: stored.trigger,
    startsOn: schedule?.startsOn ?? null,
    endsOn: schedule?.endsOn ?? null,
    definition: stored,
  };
}

/**
 * The request field a `definitionProblem` message is about, for the 400's
 * details: the message starts with the definition's path ("mechanic.percent
 * must be 1 to 100", "schedule.recurrence: …", schedule being under
 * conditions in the body) under `bodyPath`; `bodyPath` itself when it names none.
 */
export function problemPath(problem: string, bodyPath = 'body'): string {
  const field = /^([a-zA-Z.]+)[: ]/.exec(problem)?.[1];
  if (!field || !/^(mechanic|conditions|stacking|trigger|schedule)\b/.test(field)) return bodyPath;
  return `${bodyPath}.${field.startsWith('schedule') ? `conditions.${field}` : field}`;
}

/** The public code an offer keeps: only a `code` offer has one (a 400 otherwise). */
function publicCodeOf(trigger: OfferTrigger, code: string | null | undefined): string | null {
  if (code === undefined || code === null) return null;
  if (trigger !== 'code') throw new AppError('VALIDATION_FAILED', 'Only an offer with trigger code has a code', [{ path: 'body.code', message: 'set trigger to code, or leave the code out' }]);
  return normaliseCode(code);
}

/** Only a `code` offer is a reward bought with points (a 400 otherwise). */
function rewardOf(trigger: OfferTrigger, points: number | null | undefined): number | null {
  if (points === undefined || points === null) return null;
  if (trigger !== 'code') throw new AppError('VALIDATION_FAILED', 'Only an offer with trigger code is a reward', [{ path: 'body.rewardPoints', message: 'set trigger to code, or leave it out' }]);
  return points;
}

/** Only a `personal` offer asks its members to activate it (a 400 otherwise). */
function activationOf(trigger: OfferTrigger, required: boolean | undefined): boolean {
  if (!required) return false;
  if (trigger !== 'personal') throw new AppError('VALIDATION_FAILED', 'Only a personal offer is activated by its members', [{ path: 'body.activationRequired', message: 'set trigger to personal, or leave it out' }]);
  return true;
}

function limitFields(limits: CreateOfferBody['limits']): Pick<Offer, 'maxUses' | 'maxUsesPerMember' | 'memberLimitPeriod' | 'budgetMinor'> {
  return {
    maxUses: limits?.maxUses ?? null,
    maxUsesPerMember: limits?.perMember?.uses ?? null,
    memberLimitPeriod: limits?.perMember?.period ?? null,
    budgetMinor: limits?.budgetMinor ?? null,
  };
}

function definitionOf(o: Offer): OfferDefinition {
  return { id: o.id, name: o.name, priority: o.priority, ...o.definition };
}

function offerView(o: Offer, uses: Uses): OfferOut {
  const d = o.definition;
  return {
    id: o.id,
    name: o.name,
    status: o.status,
    priority: o.priority,
    stacking: d.stacking,
    trigger: d.trigger,
    code: o.publicCode,
    activationRequired: o.activationRequired,
    rewardPoints: o.rewardPoints,
    conditions: (d.conditions ?? null) as OfferOut['conditions'],
    mechanic: d.mechanic as OfferOut['mechanic'],
    limits: {
      maxUses: o.maxUses,
      perMember: o.maxUsesPerMember !== null ? { uses: o.maxUsesPerMember, period: o.memberLimitPeriod ?? 'day' } : null,
      budgetMinor: o.budgetMinor,
    },
    startsOn: o.startsOn,
    endsOn: o.endsOn,
    ...uses,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    activatedAt: o.activatedAt?.toISOString() ?? null,
    endedAt: o.endedAt?.toISOString() ?? null,
  };
}

/** MIN/MAX of a datetime come back as a Date (MySQL) or text (SQLite, stored in UTC). */
function instant(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const text = String(v);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`).toISOString();
}
