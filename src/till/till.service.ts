import type { EntityManager } from 'typeorm';
import type { Deps } from '../deps';
import { newId } from '../db/ids';
import { onceOnly, type Idempotent } from '../db/idempotent';
import { AppError, forbidden } from '../http/errors';
import type { Principal } from '../http/principal';
import type { AnalyticsService } from '../analytics';
import type { CardsService } from '../cards';
import type { CatalogueService } from '../catalogue';
import type { Member, MembersService } from '../members';
import type { MerchantsService } from '../merchants';
import type { PointsService } from '../points';
import type { z } from 'zod';
import type { ActiveOfferSet, OfferCodesService, OffersService, PersonalOffersService, ResolvedCode, RewardBought, RewardList } from '../offers';
import type { OfferDefinition } from '../../offer-engine';
import { currencyDigits, priceBasket, progressAfter, receiptText, type BasketInput, type PricedBasket } from '../pricing';
import { feedbackUrlOf } from '../feedback';
import { claimCodeOf, requestHash, saleReplay, type Cashier, type PurchasesService } from '../purchases';
import type { SegmentsService } from '../segments';
import { cappedPointsOf, programCategories, uniqueCategories, type Program, type RulesService } from '../rules';
import type {
  AppliedOfferView,
  BasketEvaluation,
  CodeOutcomeView,
  CommitPurchaseRequest,
  EvaluateBasketRequest,
  MemberLookupQuery,
  MemberSummary,
  OfflinePricing,
  PurchaseReceipt,
  SkippedOfferView,
  TillOfferSet,
} from './till.schemas';

/** Members of a segment read per page when a personal offer is given to it. */
const SEGMENT_PAGE = 1000;

/** A journalled offline sale is accepted this long after it happened. */
export const OFFLINE_WINDOW_MS = 14 * 24 * 3600_000;
/** How far a till clock may run ahead of the server. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/** Where a till request comes from: the store it is rung up in and the terminal, if any. */
export interface TillContext {
  principal: Principal;
  merchantId: string;
  storeId: string;
  terminalId: string | null;
  /** The cashier signed in on the till, recorded with a sale. */
  cashier: Cashier | null;
}

interface Buyer {
  member: Member;
  cardId: string | null;
}

/** A basket priced with the active offers, the offers its limits kept out, and what became of its codes. */
interface Priced {
  priced: PricedBasket;
  /** Offers a limit kept out, and offers the till named in offerIds that it may not choose. */
  refused: SkippedOfferView[];
  codes: CodeOutcomeView[];
  offers: ActiveOfferSet;
  /** The store's time zone (offers' schedules and per-member periods are local). */
  timeZone: string;
}

/** The other modules' services this one calls. */
export interface TillServiceUses {
  analytics: AnalyticsService;
  cards: CardsService;
  catalogue: CatalogueService;
  members: MembersService;
  merchants: MerchantsService;
  offers: OffersService;
  offerCodes: OfferCodesService;
  personalOffers: PersonalOffersService;
  points: PointsService;
  purchases: PurchasesService;
  rules: RulesService;
  segments: SegmentsService;
}

/**
 * The sale at the till: look the member up, price the basket, record the
 * sale. Evaluate and commit gather the same context and run the same pricing
 * pipeline (`pricing/pipeline.ts`); commit then writes the points (through
 * `services.points`, with the member's balance row locked first) and the
 * purchase record (through `services.purchases`) in one transaction.
 */
export class TillService {
  constructor(
    private readonly deps: Deps,
    private readonly services: TillServiceUses,
  ) {}

  /** `storeId`: the till's store, for offers that run in some stores only (null: staff, who name no store on a lookup). */
  async lookupCard(merchantId: string, code: string, storeId: string | null = null, now = new Date()): Promise<MemberSummary> {
    const { card, member } = await this.services.cards.resolveForTill(merchantId, code);
    return this.summaryOf(merchantId, member, card.id, storeId, now);
  }

  async lookupMember(merchantId: string, query: MemberLookupQuery, storeId: string | null = null, now = new Date()): Promise<MemberSummary> {
    const member = await this.services.members.findForTill(merchantId, { phone: query.phone, memberNumber: query.number });
    return this.summaryOf(merchantId, member, null, storeId, now);
  }

  /** Prices a basket exactly as commit would, without writing anything. */
  async evaluate(till: TillContext, body: EvaluateBasketRequest, now = new Date()): Promise<BasketEvaluation> {
    const occurredAt = body.occurredAt ? checkOccurredAt(body.occurredAt, now) : now;
    const buyer = await this.resolveBuyer(till.merchantId, body);
    const program = await this.services.rules.programAt(till.merchantId, occurredAt);
    const points = buyer ? await this.services.points.summary(till.merchantId, buyer.member.id, now) : null;
    const progress = buyer ? await this.services.rules.tierProgress(till.merchantId, buyer.member.id, now, buyer.member) : null;
    const merchant = await this.services.merchants.merchantSettings(till.merchantId);
    const { priced, refused, codes } = await this.price(this.deps.db.manager, till, {
      program,
      body,
      buyer,
      available: points?.available ?? null,
      tierCode: progress?.tier?.code ?? null,
      occurredAt,
      currency: merchant.currency,
      lock: false,
    });
    const balanceAfter = points ? points.available - priced.pointsToRedeem + (program.pendingDays > 0 ? 0 : priced.earn.points) : null;
    return {
      memberId: buyer?.member.id ?? null,
      programVersion: program.version,
      totalMinor: priced.totalMinor,
      discountMinor: priced.discountMinor,
      pointsToRedeem: priced.pointsToRedeem,
      redeemValueMinor: priced.redeemValueMinor,
      payableMinor: priced.payableMinor,
      pointsToEarn: priced.earn.points,
      ...offersView(priced, refused, body.offerIds ?? []),
      codes,
      lines: priced.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, category: l.category, amountMinor: l.amountMinor, discountMinor: l.discountMinor, points: l.points })),
      breakdown: priced.earn.breakdown,
      balanceAfter,
      receiptText: receiptText({
        locale: merchant.locale,
        currency: merchant.currency,
        timeZone: program.timeZone,
        pointsEarned: priced.earn.points,
        pendingUntil: null,
        pointsRedeemed: priced.pointsToRedeem,
        redeemValueMinor: priced.redeemValueMinor,
        balance: balanceAfter,
        ...progressAfter(progress?.next ?? null, priced.totalMinor - priced.discountMinor, priced.earn.points),
        expiringSoon: points?.expiringSoon ?? null,
        offerLines: priced.offers.applied.map((a) => a.receiptLine),
      }),
    };
  }

  /**
   * Records a sale once. The same Idempotency-Key, or the same terminal and
   * receipt number, with the same body gives back the first answer; with a
   * different body it is a 409. Two identical requests racing each other
   * meet at the member's balance lock (or, for anonymous sales, at the
   * unique indexes) and the loser answers with the winner's stored receipt.
   */
  async commit(till: TillContext, body: CommitPurchaseRequest, idempotencyKey: string, now = new Date()): Promise<Idempotent<PurchaseReceipt>> {
    const terminalId = till.terminalId;
    if (!terminalId) throw forbidden('Recording a sale needs a terminal: sign the till in with its terminal key');
    const { merchantId } = till;
    const hash = requestHash({ body, storeId: till.storeId, terminalId });
    let tierReached: string | null = null;
    const result = await onceOnly(this.deps.db, {
      find: (m) => this.services.purchases.findEarlierSale(m, merchantId, terminalId, body.receiptNumber, idempotencyKey),
      replay: (earlier) => saleReplay(earlier, hash),
      // A replay (a till retrying after a lost answer) is rare, so it is found under the balance lock rather
      // than by one more read on every sale.
      findFirst: false,
      prepare: async () => {
        const occurredAt = checkOccurredAt(body.occurredAt, now);
        const buyer = await this.resolveBuyer(merchantId, body);
        const program = await this.services.rules.programAt(merchantId, occurredAt);
        const merchant = await this.services.merchants.merchantSettings(merchantId);
        const progress = buyer ? await this.services.rules.tierProgress(merchantId, buyer.member.id, now, buyer.member) : null;
        return { occurredAt, buyer, program, merchant, progress };
      },
      write: async (tx, { occurredAt, buyer, program, merchant, progress }, earlier) => {
        const memberId = buyer?.member.id ?? null;
        const balance = memberId ? await this.services.points.lockBalance(tx, merchantId, memberId, now) : null;
        // Under the lock: an earlier answer, or a twin request that committed while this one waited for it.
        const twin = await earlier();
        if (twin) return twin;
        if (balance && body.expectedBalance !== undefined && balance.available !== body.expectedBalance) {
          throw new AppError('BALANCE_CHANGED', 'The points balance changed since the basket was evaluated; evaluate again', {
            expected: body.expectedBalance,
            available: balance.available,
          });
        }
        const purchaseId = newId(now.getTime());
        // Locks the counter of each limited offer the basket gets, until the sale has recorded its use below, and marks its single-use codes used.
        const { priced, refused, codes, offers, timeZone } = await this.price(tx, till, {
          program,
          body,
          buyer,
          available: balance?.available ?? null,
          tierCode: progress?.tier?.code ?? null,
          occurredAt,
          currency: merchant.currency,
          lock: true,
          purchaseId,
        });
        const source = { merchantId, sourceType: 'purchase', sourceId: purchaseId, now };
        let pendingUntil: Date | null = null;
        if (memberId && priced.pointsToRedeem > 0) {
          await this.services.points.redeem(tx, { ...source, memberId, points: priced.pointsToRedeem });
        }
        if (memberId && priced.earn.points > 0) {
          const earned = await this.services.points.earn(tx, { ...source, memberId, points: priced.earn.points, occurredAt, program, cappedPoints: cappedPointsOf(priced.earn) });
          pendingUntil = earned.pendingUntil;
        }
        // Already locked by this transaction: answers from the points service's memory, no query.
        const after = memberId ? await this.services.points.lockBalance(tx, merchantId, memberId, now) : null;
        // Read after the ledger writes: includes the points this sale earned, less what it spent (oldest lots first).
        const expiringSoon = memberId ? await this.services.points.expiringSoon(tx, merchantId, memberId, now) : null;
        const tierAfter = progressAfter(progress?.next ?? null, priced.totalMinor - priced.discountMinor, priced.earn.points);
        tierReached = tierAfter.tierReached ?? null;
        // Next-purchase coupons the sale earned: codes kept for the member (anyone holding the receipt, for an anonymous sale).
        const issued = await this.services.offerCodes.issue(tx, { merchantId, purchaseId, memberId, now }, priced.offers.coupons);
        const receipt = await this.services.purchases.recordSale(
          tx,
          {
            id: purchaseId,
            merchantId,
            storeId: till.storeId,
            terminalId,
            receiptNumber: body.receiptNumber,
            memberId,
            cardId: buyer?.cardId ?? null,
            occurredAt,
            recordedAt: now,
            programVersion: program.version,
            idempotencyKey,
            requestHash: hash,
            priced,
            cashier: till.cashier,
          },
          (purchase): PurchaseReceipt => {
            const claimCode = memberId ? null : claimCodeOf(this.deps.config.jwtSecret, purchase.id);
            const feedbackUrl = feedbackUrlOf(this.deps.config.publicUrl, this.deps.config.jwtSecret, purchase.id);
            return {
              purchase,
              balance: after ? { available: after.available, pending: after.pending } : null,
              pointsPendingUntil: pendingUntil?.toISOString() ?? null,
              claimCode,
              feedbackUrl,
              ...offersView(priced, refused, body.offerIds ?? []),
              codes,
              coupons: issued,
              receiptText: receiptText({
                locale: merchant.locale,
                currency: merchant.currency,
                timeZone: program.timeZone,
                pointsEarned: priced.earn.points,
                pendingUntil,
                pointsRedeemed: priced.pointsToRedeem,
                redeemValueMinor: priced.redeemValueMinor,
                balance: after?.available ?? null,
                ...tierAfter,
                expiringSoon,
                claimCode: claimCode ?? undefined,
                offerLines: priced.offers.applied.map((a) => a.receiptLine),
                couponCodes: issued.map((c) => c.code),
                feedbackUrl,
              }),
            };
          },
        );
        const sale = { merchantId, purchaseId, memberId, storeId: till.storeId, occurredAt, basketTotalMinor: priced.totalMinor };
        if (body.offline) await this.services.offers.recordOfflineUses(tx, { ...sale, timeZone }, priced.offers.applied);
        else await this.services.offers.recordUses(tx, sale, priced.offers.applied, offers);
        return { body: receipt, replay: false };
      },
    });
    // Only a sale that reaches the next tier can upgrade at once; anything else (a grace period ending) waits for the stats job.
    const memberId = result.body.purchase.memberId;
    if (!result.replay && tierReached && memberId) await this.services.rules.upgradeAfterSale(merchantId, memberId, now);
    return result;
  }

  /**
   * Gives a personal offer to members by id and/or to a segment's members as
   * it has them now (read here: the offers module may not use segments,
   * which read purchases, which use offers).
   */
  async giveOffer(principal: Principal, offerId: string, input: { memberIds?: string[]; segmentId?: string }, now = new Date()): Promise<{ added: number; members: number }> {
    let segment: { id: string; memberIds: string[] } | undefined;
    if (input.segmentId) {
      await this.services.segments.get(principal.merchantId, input.segmentId);
      segment = { id: input.segmentId, memberIds: [] };
      for (let after: string | null = null; ; ) {
        const page = await this.services.segments.memberPage(principal.merchantId, input.segmentId, after, SEGMENT_PAGE);
        segment.memberIds.push(...page);
        if (page.length < SEGMENT_PAGE) break;
        after = page[page.length - 1];
      }
    }
    return this.services.personalOffers.give(principal, offerId, { memberIds: input.memberIds, segment }, now);
  }

  /** The rewards catalogue: the active reward offers and their points prices, cheapest first. */
  async rewards(merchantId: string): Promise<z.infer<typeof RewardList>['items']> {
    const set = await this.services.offers.activeSet(merchantId);
    return set.definitions
      .flatMap((d) => {
        const points = set.rewards.get(d.id);
        return points === undefined ? [] : [{ offerId: d.id, name: d.name, kind: d.mechanic.kind, points, endsOn: d.conditions?.schedule?.endsOn ?? null }];
      })
      .sort((a, b) => a.points - b.points || (a.offerId < b.offerId ? -1 : 1));
  }

  /**
   * A member buys a reward with points, in the portal or at the till: the
   * points are debited through the points ledger (409 INSUFFICIENT_POINTS
   * otherwise, with nothing written) and the member's single-use code issued
   * in the same transaction, so neither happens without the other.
   */
  async buyReward(merchantId: string, memberId: string, offerId: string, now = new Date()): Promise<z.infer<typeof RewardBought>> {
    const set = await this.services.offers.activeSet(merchantId);
    const points = set.rewards.get(offerId);
    const reward = set.definitions.find((d) => d.id === offerId);
    if (points === undefined || !reward) throw new AppError('NOT_FOUND', 'Reward not found');
    const member = await this.services.members.get(merchantId, memberId);
    if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `The member is ${member.status}`);
    return this.deps.db.transaction(async (tx) => {
      await this.services.points.redeem(tx, { merchantId, memberId, points, sourceType: 'reward', sourceId: offerId, now });
      const code = await this.services.offerCodes.issueReward(tx, { merchantId, offerId, memberId, now });
      const after = await this.services.points.lockBalance(tx, merchantId, memberId, now);
      return { code, offerId, name: reward.name, points, available: after.available };
    });
  }

  /** The program's categories first spelling wins, then those sold before: the till's category field offers these. */
  async categories(merchantId: string, now = new Date()): Promise<string[]> {
    const program = await this.services.rules.programAt(merchantId, now);
    return uniqueCategories([...programCategories(program), ...(await this.services.purchases.categoriesSeen(merchantId))]);
  }

  /**
   * What a till keeps to price offers offline: the active offers, each marked
   * whether it may apply offline (an offer with limits may not: only the
   * server can keep them), and the context the server prices with. The
   * version is a digest of all of it, so it changes exactly when the till's
   * copy is out of date; a till that has it gets `changed: false` and no set.
   */
  async offerSet(merchantId: string, storeId: string, since: string | undefined, now = new Date()): Promise<TillOfferSet> {
    const active = await this.services.offers.activeSet(merchantId);
    const program = await this.services.rules.programAt(merchantId, now);
    const store = await this.services.merchants.storeSettings(merchantId, storeId);
    const merchant = await this.services.merchants.merchantSettings(merchantId);
    const offerSet = {
      storeId,
      timeZone: store.timeZone ?? program.timeZone,
      currencyDigits: currencyDigits(merchant.currency),
      baseRate: { points: program.earning.baseRate.points, perMinor: program.earning.baseRate.perMinor },
      excludedCategories: [...program.earning.excludedCategories],
      offers: [...active.definitions]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((definition) => {
          const code = active.publicCodes.get(definition.id) ?? null;
          // A code offer without a public code is used with single-use codes, which only the server can mark used.
          const refusal = active.limited.has(definition.id) ? 'LIMITED' : definition.trigger === 'code' && !code ? 'SINGLE_USE_CODE' : null;
          return { definition: { ...definition }, offline: refusal ? ('refuse' as const) : ('apply' as const), refusal, code };
        }),
    };
    const version = requestHash(offerSet).slice(0, 32);
    return since === version ? { version, changed: false, offerSet: null } : { version, changed: true, offerSet };
  }

  private async summaryOf(merchantId: string, member: Member, cardId: string | null, storeId: string | null, now: Date): Promise<MemberSummary> {
    const points = await this.services.points.summary(merchantId, member.id, now);
    const progress = await this.services.rules.tierProgress(merchantId, member.id, now, member);
    const offers = await this.offersFor(merchantId, member, progress.tier?.code ?? null, storeId, now);
    const current = await this.services.members.currentConsentsOf(member);
    const completeness = this.services.members.completeness(member, current);
    const hint = await this.services.analytics.tillHint(merchantId, member.id, now);
    return {
      // The cashier greets the shopper: first name and initial, no more (issue 15, finding 5).
      member: { id: member.id, memberNumber: member.memberNumber, name: member.lastName ? `${member.firstName} ${[...member.lastName][0]}.` : member.firstName, status: member.status },
      card: cardId ? { id: cardId } : null,
      tier: progress.tier,
      nextTier: progress.next,
      points: {
        available: points.available,
        pending: points.pending,
        expiringSoon: points.expiringSoon ? { points: points.expiringSoon.points, expiresAt: points.expiringSoon.expiresAt.toISOString() } : null,
      },
      offers,
      completeness: { score: completeness.score, missing: [...completeness.missing] },
      rhythm: hint && { churnRisk: hint.churnRisk, usualGapDays: hint.usualGapDays, daysSinceLast: hint.daysSinceLast },
    };
  }

  private async resolveBuyer(merchantId: string, body: { memberId?: string; cardCode?: string }): Promise<Buyer | null> {
    if (body.cardCode) {
      const { card, member } = await this.services.cards.resolveForTill(merchantId, body.cardCode);
      return { member, cardId: card.id };
    }
    if (body.memberId) {
      const member = await this.services.members.get(merchantId, body.memberId);
      if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `The member is ${member.status}`);
      return { member, cardId: null };
    }
    return null;
  }

  /** The active offers a scanned member can get at this till now (the basket is not known yet). */
  private async offersFor(merchantId: string, member: Member, tierCode: string | null, storeId: string | null, now: Date): Promise<MemberSummary['offers']> {
    const set = await this.services.offers.activeSet(merchantId);
    if (set.definitions.length === 0) return [];
    const program = await this.services.rules.programAt(merchantId, now);
    const store = storeId ? await this.services.merchants.storeSettings(merchantId, storeId) : null;
    const isFirstPurchase = set.definitions.some((d) => d.conditions?.firstPurchase) ? await this.services.purchases.isFirstPurchase(this.deps.db.manager, merchantId, member.id) : false;
    const segmentIds = needsSegments(set.definitions) ? await this.services.segments.segmentIdsOf(merchantId, member.id) : [];
    const personal = await this.usablePersonal(this.deps.db.manager, merchantId, member.id, set);
    return this.services.offers.forMember(
      merchantId,
      {
        now,
        timeZone: store?.timeZone ?? program.timeZone,
        storeId,
        member: { tierCode, segmentIds, isFirstPurchase },
      },
      personal,
    );
  }

  /** The member's personal offers the till applies (given, and activated when asked for): none when no personal offer is active. */
  private async usablePersonal(m: EntityManager, merchantId: string, memberId: string, set: ActiveOfferSet): Promise<string[]> {
    const ids = set.definitions.filter((d) => d.trigger === 'personal').map((d) => d.id);
    return ids.length ? this.services.personalOffers.usableBy(m, merchantId, memberId, ids) : [];
  }

  /**
   * Gathers what the pipeline needs to know about the member and the sale
   * (in `tx`): each line's product from the catalogue (its category with
   * the ancestors, groups, whether it earns), then runs it with the
   * merchant's active offers. The basket's codes name offers it may use
   * (`services.offerCodes.resolve`); in a commit each single-use code is
   * claimed for the sale first, so of two sales with one code only one gets
   * it, and the claim is given back if its offer then does not apply. An
   * applied offer that a limit refuses (`services.offers.overLimit`; in a
   * commit, under a lock on its counter) is taken out and the basket priced
   * again, until every applied offer is within its limits.
   */
  private async price(
    tx: EntityManager,
    till: TillContext,
    sale: {
      program: Program;
      body: BasketInput & { offline?: OfflinePricing; codes?: string[] };
      buyer: Buyer | null;
      available: number | null;
      tierCode: string | null;
      occurredAt: Date;
      currency: string;
      lock: boolean;
      /** In a commit: the sale's id, which its single-use codes are marked used by. */
      purchaseId?: string;
    },
  ): Promise<Priced> {
    const { program, buyer, occurredAt } = sale;
    const body = { ...sale.body, lines: await this.services.catalogue.withProducts(till.merchantId, sale.body.lines, tx) };
    const active = await this.services.offers.activeSet(till.merchantId);
    const earning = buyer
      ? await this.services.purchases.earningContext(tx, {
          program,
          merchantId: till.merchantId,
          storeId: till.storeId,
          memberId: buyer.member.id,
          tierCode: sale.tierCode,
          occurredAt,
          excludePurchaseId: null,
          firstPurchaseMatters: active.definitions.some((d) => d.conditions?.firstPurchase),
        })
      : null;
    const available = buyer ? sale.available : null;
    const timeZone = earning?.timeZone ?? (await this.services.merchants.storeSettings(till.merchantId, till.storeId, tx)).timeZone ?? program.timeZone;
    // A sale the till priced offline: its offers as printed (commit records them and flags what the limits would have refused).
    if (body.offline) return { priced: priceBasket(body, { program, available, earning, accepted: body.offline.appliedOffers }), refused: [], codes: [], offers: active, timeZone };
    const memberId = buyer?.member.id ?? null;
    const resolved = await this.services.offerCodes.resolve(
      tx,
      { merchantId: till.merchantId, memberId, localDate: localDateOf(occurredAt, timeZone), activeOfferIds: new Set(active.definitions.map((d) => d.id)) },
      body.codes ?? [],
    );
    // Claimed in code id order, so two sales with the same codes never wait for each other crosswise.
    const claimed = new Set<string>();
    if (sale.purchaseId) {
      for (const c of resolved.filter((r) => r.singleUseId).sort((a, b) => ((a.singleUseId as string) < (b.singleUseId as string) ? -1 : 1))) {
        if (await this.services.offerCodes.claim(tx, till.merchantId, c.singleUseId as string, sale.purchaseId, occurredAt)) claimed.add(c.code);
        else c.refusal = { reason: 'CODE_USED', message: 'The code has just been used by another sale' };
      }
    }
    const byCode = resolved.flatMap((c) => (c.offerId && !c.refusal ? [c.offerId] : []));
    // A next-purchase coupon is priced with its own terms in place of its offer's definition (which issues coupons, it takes nothing off).
    const couponTerms = new Map(resolved.flatMap((c) => (c.terms && c.offerId && !c.refusal ? [[c.offerId, c.terms] as const] : [])));
    const offers: ActiveOfferSet = couponTerms.size === 0 ? active : { ...active, definitions: active.definitions.map((d) => (couponTerms.has(d.id) ? couponDefinition(d, couponTerms.get(d.id) as CouponTerms) : d)) };
    // The member's personal offers apply on their own, like automatic ones.
    const personal = memberId ? await this.usablePersonal(tx, till.merchantId, memberId, offers) : [];
    const triggerOf = (id: string) => offers.definitions.find((d) => d.id === id)?.trigger;
    // A code offer is chosen by its code only: its id in offerIds would skip the code (and a single-use code's claim). A personal offer only by its member.
    const refused: SkippedOfferView[] = (body.offerIds ?? []).flatMap((offerId) =>
      triggerOf(offerId) === 'code' && !byCode.includes(offerId)
        ? [{ offerId, reason: 'CODE_REQUIRED', message: 'The offer applies with one of its codes: scan the coupon' }]
        : triggerOf(offerId) === 'personal' && !personal.includes(offerId)
          ? [{ offerId, reason: 'NOT_GIVEN_TO_MEMBER', message: 'The offer is not the member’s, or they have not activated it' }]
          : [],
    );
    if (offers.definitions.length === 0) return { priced: priceBasket(body, { program, available, earning }), refused: [], codes: codeOutcomes(resolved, null, []), offers, timeZone };
    const segmentIds = buyer && needsSegments(offers.definitions) ? await this.services.segments.segmentIdsOf(till.merchantId, buyer.member.id, tx) : [];
    const context = {
      now: occurredAt,
      timeZone,
      storeId: till.storeId,
      member: buyer ? { tierCode: sale.tierCode, segmentIds, isFirstPurchase: earning?.isFirstPurchase ?? false } : null,
      currencyDigits: currencyDigits(sale.currency),
    };
    // Each round takes out at least one offer, so this ends.
    for (;;) {
      const out = new Set(refused.map((r) => r.offerId));
      const chosen = [...new Set([...(body.offerIds ?? []), ...byCode, ...personal])].filter((id) => !out.has(id));
      const priced = priceBasket(
        { ...body, offerIds: chosen },
        { program, available, earning, offers: { definitions: offers.definitions.filter((d) => !out.has(d.id)), context } },
      );
      const scope = { merchantId: till.merchantId, memberId, occurredAt, timeZone, lock: sale.lock };
      const over = await this.services.offers.overLimit(tx, scope, priced.offers.applied, offers);
      if (over.length === 0) {
        const unused = resolved.filter((c) => claimed.has(c.code) && !priced.offers.applied.some((a) => a.offerId === c.offerId));
        for (const c of unused) await this.services.offerCodes.release(tx, till.merchantId, c.singleUseId as string);
        return { priced, refused, codes: codeOutcomes(resolved, priced, refused), offers, timeZone };
      }
      refused.push(...over);
    }
  }
}

/**
 * The definition a next-purchase coupon is priced with: its amount off the
 * basket once its minimum spend is met, in the stores its offer runs in, in
 * place of the offer's own (an issue_coupon), so the offer's uses and budget
 * count what its coupons cost.
 */
function couponDefinition(d: OfferDefinition, terms: CouponTerms): OfferDefinition {
  const storeIds = d.conditions?.storeIds;
  const conditions = { ...(storeIds ? { storeIds } : {}), ...(terms.minSpendMinor > 0 ? { minSpendMinor: terms.minSpendMinor } : {}) };
  return { id: d.id, name: `${d.name}: coupon`, priority: d.priority, stacking: { class: 'combinable' }, trigger: 'code', conditions, mechanic: { kind: 'amount_off', amountMinor: terms.amountOffMinor, per: 'basket' } };
}

type CouponTerms = NonNullable<ResolvedCode['terms']>;

/** Whether any offer is limited to segments: only then is the member's membership read. */
function needsSegments(definitions: ActiveOfferSet['definitions']): boolean {
  return definitions.some((d) => d.conditions?.segmentIds?.length);
}

/** YYYY-MM-DD of an instant in a time zone: the day a code's dates are compared with. */
function localDateOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Per code sent: applied when its offer applied, else the first reason that kept it out (the code's own, a limit's, the engine's). */
function codeOutcomes(resolved: ResolvedCode[], priced: PricedBasket | null, refused: SkippedOfferView[]): CodeOutcomeView[] {
  return resolved.map((c) => {
    const refuse = (reason: string, message: string): CodeOutcomeView => ({ code: c.code, status: 'refused', offerId: c.offerId, reason, message });
    if (c.refusal) return refuse(c.refusal.reason, c.refusal.message);
    if (priced?.offers.applied.some((a) => a.offerId === c.offerId)) return { code: c.code, status: 'applied', offerId: c.offerId, reason: null, message: null };
    const why = refused.find((r) => r.offerId === c.offerId) ?? priced?.offers.skipped.find((s) => s.offerId === c.offerId);
    return why ? refuse(why.reason, why.message) : refuse('OFFER_NOT_ACTIVE', 'The code’s offer is not running');
  });
}

/** The answer's offers: all that applied; of the skipped, those the till chose and those a limit refused. */
function offersView(priced: PricedBasket, refused: SkippedOfferView[], chosen: string[]): { appliedOffers: AppliedOfferView[]; skippedOffers: SkippedOfferView[] } {
  return {
    appliedOffers: priced.offers.applied.map((a) => ({
      offerId: a.offerId,
      name: a.name,
      discountMinor: a.discountMinor,
      points: a.points,
      receiptLine: a.receiptLine,
      lines: a.lines.map((l) => ({ lineNo: l.index + 1, discountMinor: l.discountMinor, points: l.points })),
    })),
    skippedOffers: [...priced.offers.skipped.filter((s) => chosen.includes(s.offerId)), ...refused],
  };
}

/** The till clock may be up to 10 minutes ahead and an offline sale up to 14 days old. */
export function checkOccurredAt(value: string, now: Date): Date {
  const at = new Date(value);
  const ahead = at.getTime() - now.getTime();
  if (ahead > CLOCK_SKEW_MS) {
    throw new AppError('OCCURRED_AT_OUT_OF_WINDOW', 'occurredAt is in the future: check the till clock', [{ path: 'body.occurredAt', message: 'more than 10 minutes ahead of the server' }]);
  }
  if (-ahead > OFFLINE_WINDOW_MS) {
    throw new AppError('OCCURRED_AT_OUT_OF_WINDOW', 'occurredAt is too old to record', [{ path: 'body.occurredAt', message: 'more than 14 days in the past' }]);
  }
  return at;
}
