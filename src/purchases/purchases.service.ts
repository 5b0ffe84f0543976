import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { audit } from '../audit';
import type { CatalogueService, SoldItem } from '../catalogue';
import { toInt } from '../db/columns';
import { newId } from '../db/ids';
import { onceOnly, type Idempotent } from '../db/idempotent';
import { insertOnly } from '../db/insert-only';
import type { Deps } from '../deps';
import { AppError, forbidden, found } from '../http/errors';
import { canUseStore, type Principal } from '../http/principal';
import { publish } from '../events/publish';
import type { MemberPurchaseStats, MembersService } from '../members';
import { storeLimit, type MerchantsService } from '../merchants';
import type { OffersService } from '../offers';
import type { PointsService } from '../points';
import { formatMinor, priceBasket, progressAfter, receiptText, type PricedBasket, type PricedLine } from '../pricing';
import { cappedPointsOf, type EarnContext, type Program, type RulesService } from '../rules';
import type { PurchaseReceipt, PurchaseView, ReceiptClaimRequest, ReturnReceipt, ReturnRequest, VoidReceipt, VoidRequest } from '../till';
import { PurchaseLine } from './purchase-line.entity';
import type { Limit, RateLimitsService } from '../rate-limits';
import { claimCodeMatches } from './claim-code';
import { proRataStep, requestHash } from './purchase-math';
import { PurchaseReturn } from './purchase-return.entity';
import { lineRefund } from './return-pricing';
import type { PurchaseListQuery } from './purchases.schemas';
import { Purchase } from './purchase.entity';

/** A past purchase from a history import, checked for form and matched to its store, terminal and member by the imports module. */
export interface ImportedPurchase {
  /** The file's first row of this purchase, for errors. */
  row: number;
  storeId: string;
  /** The store's history-import terminal. */
  terminalId: string;
  receiptNumber: string;
  occurredAt: Date;
  memberId: string | null;
  /** Negative for a return. */
  totalMinor: number;
  lines: { sku: string; category: string | null; description: string | null; quantityMilli: number; unitPriceMinor: number; amountMinor: number }[];
}

/** Purchases per IN (...) list when finding receipts an import already recorded. */
const IMPORT_CHUNK = 500;

/** A terminal may void a sale of its own store this long after it was recorded; managers any time. */
export const TERMINAL_VOID_WINDOW_MS = 24 * 3600_000;

/** A priced sale to record, with who rang it up where. */
export interface NewSale {
  id: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  receiptNumber: string;
  memberId: string | null;
  cardId: string | null;
  occurredAt: Date;
  recordedAt: Date;
  programVersion: number;
  idempotencyKey: string;
  requestHash: string;
  priced: PricedBasket;
  /** The cashier signed in on the till, if any. */
  cashier: Cashier | null;
}

/** A staff member working a till, as receipts name them. */
/** What other modules need of a sale to relate something to it. */
export interface SaleFacts {
  id: string;
  merchantId: string;
  storeId: string;
  memberId: string | null;
  receiptNumber: string;
  occurredAt: Date;
  status: Purchase['status'];
  totalMinor: number;
  refundedMinor: number;
}

function factsOf(p: Purchase): SaleFacts {
  return { id: p.id, merchantId: p.merchantId, storeId: p.storeId, memberId: p.memberId, receiptNumber: p.receiptNumber, occurredAt: p.occurredAt, status: p.status, totalMinor: p.totalMinor, refundedMinor: p.refundedMinor };
}

export interface Cashier {
  id: string;
  name: string;
}

/** Claim attempts, counted in shared counters: a member claims a few receipts a day at most. */
const CLAIM_LIMITS = {
  perMember: { name: 'claims.member', limit: 10, windowSeconds: 24 * 3600 },
  perReceipt: { name: 'claims.receipt', limit: 5, windowSeconds: 24 * 3600 },
} satisfies Record<string, Limit>;

/** The other modules' services this one calls. */
export interface PurchasesServiceUses { catalogue: CatalogueService; members: MembersService; merchants: MerchantsService; offers: OffersService; points: PointsService; rateLimits: RateLimitsService; rules: RulesService }

/** A purchase as recorded: completed, nothing refunded, claimed or voided, no stored answer yet. */
const NOTHING_HAPPENED_YET = {
  status: 'completed',
  refundedMinor: 0,
  pointsReversed: 0,
  pointsRestored: 0,
  response: null,
  claimedAt: null,
  claimedBy: null,
  voidedAt: null,
  voidCashierId: null,
  voidIdempotencyKey: null,
  voidRequestHash: null,
  voidResponse: null,
} as const satisfies Partial<Purchase>;

/**
 * The purchase records: sales as the till recorded them, returns, voids and
 * receipt claims, and the purchase history other modules read. Points move
 * only through `services.points` inside this module's transaction, with the
 * member's balance row locked first.
 */
export class PurchasesService {
  constructor(
    private readonly deps: Deps,
    private readonly services: PurchasesServiceUses,
  ) {}

  // ---- the sale, for the till ----

  /**
   * Writes a priced sale in the till's transaction. `answer` builds the
   * receipt from the purchase as recorded; it is stored with the sale, so a
   * replay gives back exactly the same answer.
   */
  async recordSale(tx: EntityManager, sale: NewSale, answer: (purchase: PurchaseView) => PurchaseReceipt): Promise<PurchaseReceipt> {
    const { priced } = sale;
    const purchase: Purchase = {
      id: sale.id,
      merchantId: sale.merchantId,
      storeId: sale.storeId,
      terminalId: sale.terminalId,
      receiptNumber: sale.receiptNumber,
      cashierId: sale.cashier?.id ?? null,
      cashierName: sale.cashier?.name ?? null,
      memberId: sale.memberId,
      cardId: sale.cardId,
      occurredAt: sale.occurredAt,
      recordedAt: sale.recordedAt,
      totalMinor: priced.totalMinor,
      discountMinor: priced.discountMinor,
      pointsRedeemed: priced.pointsToRedeem,
      redeemValueMinor: priced.redeemValueMinor,
      pointsEarned: priced.earn.points,
      programVersion: sale.programVersion,
      ...NOTHING_HAPPENED_YET,
      idempotencyKey: sale.idempotencyKey,
      requestHash: sale.requestHash,
    };
    const lines = priced.lines.map((l) => lineEntity(purchase, l));
    const receipt = answer(purchaseView(purchase, lines));
    purchase.response = receipt;
    // Every column is given, so nothing needs reading back after the inserts (TypeORM would re-select defaulted columns).
    await insertOnly(tx, Purchase, purchase);
    await insertOnly(tx, PurchaseLine, lines);
    await publish(
      tx,
      sale.merchantId,
      'purchase.recorded',
      {
        purchaseId: sale.id,
        storeId: sale.storeId,
        terminalId: sale.terminalId,
        receiptNumber: sale.receiptNumber,
        memberId: sale.memberId,
        soldAt: sale.occurredAt.toISOString(),
        totalMinor: purchase.totalMinor,
        discountMinor: purchase.discountMinor,
        pointsEarned: purchase.pointsEarned,
        pointsRedeemed: purchase.pointsRedeemed,
      },
      sale.recordedAt,
    );
    return receipt;
  }

  /** The sale recorded earlier under this key, else under this terminal and receipt number: one query over both unique indexes. */
  async findEarlierSale(m: EntityManager, merchantId: string, terminalId: string, receiptNumber: string, idempotencyKey: string): Promise<Purchase | null> {
    return m
      .getRepository(Purchase)
      .createQueryBuilder('p')
      .where('p.merchant_id = :merchantId AND (p.idempotency_key = :idempotencyKey OR (p.terminal_id = :terminalId AND p.receipt_number = :receiptNumber))', {
        merchantId,
        idempotencyKey,
        terminalId,
        receiptNumber,
      })
      // The key wins when key and receipt name two different sales; the database compares with its own collation.
      .orderBy('CASE WHEN p.idempotency_key = :idempotencyKey THEN 0 ELSE 1 END', 'ASC')
      .limit(1)
      .getOne();
  }

  /** What the earning rules need to know about a member's sale, read in `tx`. */
  async earningContext(
    tx: EntityManager,
    sale: { program: Program; merchantId: string; storeId: string; memberId: string; tierCode: string | null; occurredAt: Date; excludePurchaseId: string | null; firstPurchaseMatters?: boolean },
  ): Promise<EarnContext> {
    const { program, merchantId, memberId } = sale;
    const store = await this.services.merchants.storeSettings(merchantId, sale.storeId, tx);
    // Only a first-purchase bonus (or offer) needs to know; most programs have none.
    const isFirstPurchase = program.earning.firstPurchaseBonus > 0 || sale.firstPurchaseMatters ? await this.isFirstPurchase(tx, merchantId, memberId, sale.excludePurchaseId) : false;
    return {
      occurredAt: sale.occurredAt,
      storeId: sale.storeId,
      tierCode: sale.tierCode,
      isFirstPurchase,
      earnedInCapPeriod: await this.services.points.earnedInCapPeriod(tx, merchantId, memberId, program, sale.occurredAt),
      timeZone: store.timeZone ?? program.timeZone,
    };
  }

  /** Whether the member has no completed purchase yet (besides `excludePurchaseId`). */
  async isFirstPurchase(m: EntityManager, merchantId: string, memberId: string, excludePurchaseId: string | null = null): Promise<boolean> {
    const earlier = m
      .getRepository(Purchase)
      .createQueryBuilder('p')
      .select('p.id')
      .where('p.merchant_id = :merchantId AND p.member_id = :memberId AND p.status = :status', { merchantId, memberId, status: 'completed' });
    if (excludePurchaseId) earlier.andWhere('p.id <> :excluded', { excluded: excludePurchaseId });
    return (await earlier.limit(1).getRawOne()) === undefined;
  }

  // ---- history import ----

  /**
   * Records past purchases inside the caller's transaction, at their own
   * dates (no till window applies). A receipt number the store already has
   * (from the till or an earlier import) is skipped: a second run adds
   * nothing. With `awardPoints`, a member's purchase earns what the program
   * in force at its date gives (no tier: the tier at the time is not known);
   * a return earns nothing. No events are published: history must not fire
   * webhooks or messages; the caller refreshes the members' stats.
   */
  async importHistory(tx: EntityManager, merchantId: string, purchases: readonly ImportedPurchase[], options: { awardPoints: boolean }, now = new Date()): Promise<('created' | 'existing')[]> {
    const recorded = new Set<string>();
    for (let i = 0; i < purchases.length; i += IMPORT_CHUNK) {
      const chunk = purchases.slice(i, i + IMPORT_CHUNK);
      const rows = await tx
        .getRepository(Purchase)
        .createQueryBuilder('p')
        .select(['p.storeId', 'p.receiptNumber'])
        .where('p.merchant_id = :merchantId AND p.store_id IN (:...stores) AND p.receipt_number IN (:...receipts)', {
          merchantId,
          stores: [...new Set(chunk.map((p) => p.storeId))],
          receipts: [...new Set(chunk.map((p) => p.receiptNumber))],
        })
        .getMany();
      for (const r of rows) recorded.add(`${r.storeId} ${r.receiptNumber}`);
    }
    const outcomes: ('created' | 'existing')[] = [];
    for (const p of purchases) {
      const key = `${p.storeId} ${p.receiptNumber}`;
      if (recorded.has(key)) {
        outcomes.push('existing');
        continue;
      }
      recorded.add(key);
      const purchase: Purchase = {
        id: newId(p.occurredAt.getTime()),
        merchantId,
        storeId: p.storeId,
        terminalId: p.terminalId,
        receiptNumber: p.receiptNumber,
        cashierId: null,
        cashierName: null,
        memberId: p.memberId,
        cardId: null,
        occurredAt: p.occurredAt,
        recordedAt: now,
        totalMinor: p.totalMinor,
        discountMinor: 0,
        pointsRedeemed: 0,
        redeemValueMinor: 0,
        pointsEarned: 0,
        programVersion: null,
        ...NOTHING_HAPPENED_YET,
        idempotencyKey: `import:${p.storeId}:${p.receiptNumber}`,
        requestHash: requestHash({ import: p.storeId, receipt: p.receiptNumber }),
      };
      const lines: PurchaseLine[] = p.lines.map((l, i) => ({
        purchaseId: purchase.id,
        lineNo: i + 1,
        merchantId,
        ...l,
        discountMinor: 0,
        points: 0,
        returnedQuantityMilli: 0,
        returnedAmountMinor: 0,
        pointsReversed: 0,
      }));
      if (options.awardPoints && p.memberId && p.totalMinor > 0) await this.awardImported(tx, purchase, lines, p.memberId, now);
      await insertOnly(tx, Purchase, purchase);
      if (lines.length) await insertOnly(tx, PurchaseLine, lines);
      outcomes.push('created');
    }
    return outcomes;
  }

  /** Prices an imported purchase's points with the program at its date and credits them; fills the purchase's and lines' points. */
  private async awardImported(tx: EntityManager, purchase: Purchase, lines: PurchaseLine[], memberId: string, now: Date): Promise<void> {
    const { merchantId } = purchase;
    const program = await this.services.rules.programAt(merchantId, purchase.occurredAt, tx);
    await this.services.points.lockBalance(tx, merchantId, memberId, now);
    const earning = await this.earningContext(tx, { program, merchantId, storeId: purchase.storeId, memberId, tierCode: null, occurredAt: purchase.occurredAt, excludePurchaseId: null });
    const basketLines = lines.length
      ? lines.map((l) => ({ sku: l.sku, category: l.category, quantity: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, amountMinor: l.amountMinor }))
      : [{ sku: 'import', category: null, quantity: 1000, unitPriceMinor: purchase.totalMinor, amountMinor: purchase.totalMinor }];
    const { earn } = priceBasket({ lines: basketLines }, { program, available: null, earning });
    purchase.programVersion = program.version;
    if (earn.points <= 0) return;
    await this.services.points.earn(tx, { merchantId, memberId, points: earn.points, sourceType: 'purchase', sourceId: purchase.id, occurredAt: purchase.occurredAt, now, program, cappedPoints: cappedPointsOf(earn) });
    purchase.pointsEarned = earn.points;
    if (lines.length) for (const l of earn.lines) lines[l.index].points = l.points;
  }

  // ---- returns, voids and claims ----

  /**
   * A return by lines or by amount. Earned points are reversed pro rata by
   * cumulative floor (see proRataStep): per line for the points the line
   * earned, by refunded share of the receipt for basket-level bonuses and
   * for returns by amount; never more than was earned, and a return of
   * everything reverses exactly what is left. Points the shopper paid with
   * are given back by the same rule.
   */
  async returnPurchase(principal: Principal, purchaseId: string, body: ReturnRequest, idempotencyKey: string, now = new Date(), cashier: Cashier | null = null): Promise<Idempotent<ReturnReceipt>> {
    const merchantId = principal.merchantId;
    const hash = requestHash({ purchaseId, body });
    return onceOnly(this.deps.db, {
      find: (m) => m.findOneBy(PurchaseReturn, { merchantId, idempotencyKey }),
      replay: (earlier) => {
        if (earlier.requestHash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different return', { returnId: earlier.id });
        return earlier.response as ReturnReceipt;
      },
      findFirst: true,
      prepare: async () => undefined,
      write: async (tx, _prepared, earlier) => {
        const purchase = await this.lockPurchase(tx, merchantId, purchaseId);
        if (!canUseStore(principal, purchase.storeId) && principal.kind !== 'terminal') throw forbidden('This store is not one of yours');
        // Its clawback policy. Cached, and on a miss read on this transaction's connection, never a second one.
        const program = await this.services.rules.programAt(merchantId, purchase.occurredAt, tx);
        const balance = purchase.memberId ? await this.services.points.lockBalance(tx, merchantId, purchase.memberId, now) : null;
        const twin = await earlier();
        if (twin) return twin;
        if (purchase.status === 'voided') throw new AppError('PURCHASE_VOIDED', 'This purchase was voided; nothing is left to return');
        const lines = await tx.find(PurchaseLine, { where: { purchaseId: purchase.id }, order: { lineNo: 'ASC' } });

        const before = purchase.refundedMinor;
        // What was paid for the goods (points included): the total less the offer discounts.
        const paid = purchase.totalMinor - purchase.discountMinor;
        const returned: { lineNo: number; quantity: number; amountMinor: number }[] = [];
        let refund = 0;
        let adjustment = 0;
        let linePoints = 0;
        if (body.lines) {
          const requested = mergeReturnLines(body.lines);
          const will = new Map(lines.map((l) => [l.lineNo, l.returnedQuantityMilli]));
          for (const [lineNo, quantity] of requested) {
            const line = lines.find((l) => l.lineNo === lineNo);
            if (!line) throw new AppError('RETURN_EXCEEDS_PURCHASE', `Line ${lineNo} is not on this receipt`, [{ path: 'body.lines', message: `no line ${lineNo}` }]);
            const left = line.quantityMilli - line.returnedQuantityMilli;
            if (quantity > left) {
              throw new AppError('RETURN_EXCEEDS_PURCHASE', `Line ${lineNo}: ${quantity} returned but only ${left} left`, { lineNo, requested: quantity, left });
            }
            will.set(lineNo, line.returnedQuantityMilli + quantity);
          }
          // The offers the sale used re-price the goods kept (docs/offers.md, "Returns"); a sale without offers has none to read.
          const terms = purchase.discountMinor > 0 ? await this.services.offers.termsOfSale(tx, merchantId, purchase.id) : [];
          // What the line returns so far have refunded: this one brings the sum up to what they should refund in all.
          const earlierReturns = await tx.find(PurchaseReturn, { where: { merchantId, purchaseId: purchase.id } });
          const refundedByLines = earlierReturns.filter((r) => r.lines && r.lines.length > 0).reduce((sum, r) => sum + r.refundMinor, 0);
          refund = Math.max(0, lineRefund(lines, will, terms, program.earning.excludedCategories).refundMinor - refundedByLines);
          for (const [lineNo, quantity] of requested) {
            const line = lines.find((l) => l.lineNo === lineNo) as PurchaseLine;
            const from = line.returnedQuantityMilli;
            const to = from + quantity;
            const amount = proRataStep(line.amountMinor, from, to, line.quantityMilli) - proRataStep(line.discountMinor, from, to, line.quantityMilli);
            const points = proRataStep(line.points, from, to, line.quantityMilli);
            await tx.update(
              PurchaseLine,
              { purchaseId: purchase.id, lineNo },
              {
                returnedQuantityMilli: to,
                returnedAmountMinor: line.returnedAmountMinor + amount,
                pointsReversed: line.pointsReversed + points,
              },
            );
            returned.push({ lineNo, quantity, amountMinor: amount });
            linePoints += points;
          }
          adjustment = refund - returned.reduce((sum, r) => sum + r.amountMinor, 0);
        } else {
          refund = body.amountMinor ?? 0;
        }
        const after = before + refund;
        if (after > paid) {
          const merchant = await this.services.merchants.merchantSettings(merchantId);
          const left = formatMinor(paid - before, merchant.currency, merchant.locale);
          throw new AppError('RETURN_EXCEEDS_PURCHASE', `Only ${left} of this purchase is left to refund`, {
            requested: refund,
            left: paid - before,
          });
        }
        const earnedLeft = purchase.pointsEarned - purchase.pointsReversed;
        const basketPoints = purchase.pointsEarned - lines.reduce((s, l) => s + l.points, 0);
        const owed = body.lines ? linePoints + proRataStep(basketPoints, before, after, paid) : proRataStep(purchase.pointsEarned, before, after, paid);
        const toReverse = after === paid ? earnedLeft : Math.min(owed, earnedLeft);
        const toRestore =
          after === paid
            ? purchase.pointsRedeemed - purchase.pointsRestored
            : Math.min(proRataStep(purchase.pointsRedeemed, before, after, paid), purchase.pointsRedeemed - purchase.pointsRestored);
        const restoredValue = proRataStep(purchase.redeemValueMinor, before, after, paid);

        const returnId = newId(now.getTime());
        const moved = await this.reversePoints(tx, purchase, returnId, 'return', toReverse, toRestore, program, now);
        await tx.update(
          Purchase,
          { id: purchase.id, merchantId },
          { refundedMinor: after, pointsReversed: purchase.pointsReversed + toReverse, pointsRestored: purchase.pointsRestored + toRestore },
        );
        // Locked above: the points service answers from memory with what reversePoints left.
        const fresh = balance && purchase.memberId ? await this.services.points.lockBalance(tx, merchantId, purchase.memberId, now) : null;
        const merchant = adjustment !== 0 ? await this.services.merchants.merchantSettings(merchantId) : null;
        const adjustmentText = merchant
          ? [`${adjustment < 0 ? 'Offer no longer met by the goods kept' : 'Offer still met by the goods kept'}: ${adjustment < 0 ? '−' : '+'}${formatMinor(Math.abs(adjustment), merchant.currency, merchant.locale)}`]
          : [];
        const receipt: ReturnReceipt = {
          returnId,
          purchaseId: purchase.id,
          refundMinor: refund,
          offerAdjustmentMinor: adjustment,
          cashRefundMinor: refund - restoredValue,
          pointsReversed: moved.reversed,
          pointsRestored: toRestore,
          lines: returned,
          cashier,
          balance: fresh ? { available: fresh.available, pending: fresh.pending } : null,
          receiptText: [
            ...adjustmentText,
            ...(fresh
              ? [...(moved.reversed > 0 ? [`Points reversed: ${moved.reversed}`] : []), ...(toRestore > 0 ? [`Points given back: ${toRestore}`] : []), `Points balance: ${fresh.available}`]
              : []),
          ],
        };
        await tx.insert(PurchaseReturn, {
          id: returnId,
          merchantId,
          purchaseId: purchase.id,
          idempotencyKey,
          requestHash: hash,
          lines: returned,
          refundMinor: refund,
          pointsReversed: moved.reversed,
          pointsRestored: toRestore,
          reason: body.reason ?? null,
          actorKind: principal.kind,
          actorId: actorIdOf(principal),
          cashierId: cashier?.id ?? null,
          response: receipt,
          createdAt: now,
        } as QueryDeepPartialEntity<PurchaseReturn>);
        await publish(
          tx,
          merchantId,
          'purchase.returned',
          {
            purchaseId: purchase.id,
            returnId,
            storeId: purchase.storeId,
            memberId: purchase.memberId,
            refundMinor: refund,
            refundedTotalMinor: after,
            pointsReversed: moved.reversed,
            pointsRestored: toRestore,
          },
          now,
        );
        if (principal.kind === 'staff') {
          await audit(tx, merchantId, principal, { action: 'purchase.return', entity: 'purchase', entityId: purchase.id, data: { returnId, refundMinor: refund, reason: body.reason ?? null } }, now);
        }
        return { body: receipt, replay: false };
      },
    });
  }

  /**
   * Cancels a sale: reverses what is left of its earned points and gives back
   * what is left of its redeemed points. A terminal voids sales of its own
   * store within 24 hours; managers and owners at any time.
   */
  async voidPurchase(principal: Principal, purchaseId: string, body: VoidRequest, idempotencyKey: string, now = new Date(), cashier: Cashier | null = null): Promise<Idempotent<VoidReceipt>> {
    const merchantId = principal.merchantId;
    const hash = requestHash({ purchaseId, body });
    const replay = (earlier: Purchase): VoidReceipt => {
      if (earlier.id !== purchaseId || earlier.voidRequestHash !== hash) {
        throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different void', { purchaseId: earlier.id });
      }
      return earlier.voidResponse as VoidReceipt;
    };
    return onceOnly(this.deps.db, {
      find: (m) => m.findOneBy(Purchase, { merchantId, voidIdempotencyKey: idempotencyKey }),
      replay,
      findFirst: true,
      prepare: async () => undefined,
      write: async (tx) => {
        const purchase = await this.lockPurchase(tx, merchantId, purchaseId);
        // A twin void of this sale that committed while this one waited for the lock.
        if (purchase.voidIdempotencyKey === idempotencyKey) return { body: replay(purchase), replay: true };
        if (principal.kind === 'terminal') {
          if (principal.storeId !== purchase.storeId) throw forbidden('A terminal voids sales of its own store only');
          if (now.getTime() - purchase.recordedAt.getTime() > TERMINAL_VOID_WINDOW_MS) throw forbidden('Too late to void at the till; ask a manager');
        } else if (!canUseStore(principal, purchase.storeId)) {
          throw forbidden('This store is not one of yours');
        }
        if (purchase.status === 'voided') throw new AppError('PURCHASE_VOIDED', 'This purchase is already voided');
        const balance = purchase.memberId ? await this.services.points.lockBalance(tx, merchantId, purchase.memberId, now) : null;
        const program = await this.services.rules.programAt(merchantId, purchase.occurredAt, tx);
        const toReverse = purchase.pointsEarned - purchase.pointsReversed;
        const toRestore = purchase.pointsRedeemed - purchase.pointsRestored;
        const moved = await this.reversePoints(tx, purchase, purchase.id, 'void', toReverse, toRestore, program, now);
        const fresh = balance && purchase.memberId ? await this.services.points.lockBalance(tx, merchantId, purchase.memberId, now) : null;
        const receipt: VoidReceipt = {
          purchaseId: purchase.id,
          status: 'voided',
          pointsReversed: moved.reversed,
          pointsRestored: toRestore,
          cashier,
          balance: fresh ? { available: fresh.available, pending: fresh.pending } : null,
          receiptText: fresh ? [`Sale voided`, `Points balance: ${fresh.available}`] : ['Sale voided'],
        };
        await tx.update(
          Purchase,
          { id: purchase.id, merchantId },
          {
            status: 'voided',
            voidedAt: now,
            voidCashierId: cashier?.id ?? null,
            pointsReversed: purchase.pointsEarned,
            pointsRestored: purchase.pointsRedeemed,
            voidIdempotencyKey: idempotencyKey,
            voidRequestHash: hash,
            voidResponse: receipt as unknown as QueryDeepPartialEntity<Purchase>['voidResponse'],
          },
        );
        // Its offer uses stop counting at once, in this transaction: limits and budgets (and single-use codes) are free again.
        await this.services.offers.releaseVoided(merchantId, [purchase.id], now, tx);
        await publish(
          tx,
          merchantId,
          'purchase.voided',
          { purchaseId: purchase.id, storeId: purchase.storeId, memberId: purchase.memberId, pointsReversed: moved.reversed, pointsRestored: toRestore },
          now,
        );
        if (principal.kind === 'staff') {
          await audit(tx, merchantId, principal, { action: 'purchase.void', entity: 'purchase', entityId: purchase.id, data: { reason: body.reason ?? null } }, now);
        }
        return { body: receipt, replay: false };
      },
    });
  }

  /**
   * "I forgot my card": attaches an anonymous sale to a member and earns its
   * points by the rules in force when it happened, within the program's
   * claim window, once. The receipt total and the claim code printed on it
   * must match, as proof of holding it; attempts are limited per member and
   * per receipt, counted before the check (issue 15, finding 4).
   * The sale is priced again by the same pipeline as at the till, as paid in money.
   */
  async claimReceipt(principal: Principal, memberId: string, body: ReceiptClaimRequest, now = new Date()): Promise<PurchaseReceipt> {
    const merchantId = principal.merchantId;
    const member = await this.services.members.get(merchantId, memberId);
    if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `The member is ${member.status}`);
    await this.services.rateLimits.enforce(CLAIM_LIMITS.perMember, `${merchantId}|${memberId}`, 'Too many receipt claims for this member', now);
    await this.services.rateLimits.enforce(CLAIM_LIMITS.perReceipt, `${merchantId}|${body.storeCode.toUpperCase()}|${body.receiptNumber}`, 'Too many claims for this receipt', now);
    const store = await this.services.merchants.getStoreByCode(merchantId, body.storeCode);
    const candidates = await this.deps.db.manager.findBy(Purchase, { merchantId, storeId: store.id, receiptNumber: body.receiptNumber, totalMinor: body.totalMinor });
    // Any mismatch is the same 404, and whether the receipt was claimed is told only to its holder.
    const sale = found(
      candidates.find((p) => p.status === 'completed' && claimCodeMatches(this.deps.config.jwtSecret, p.id, body.claimCode)),
      'receipt',
    );
    if (sale.memberId) throw new AppError('ALREADY_CLAIMED', 'Points for this receipt were already collected');
    // Points follow what was kept; a receipt with returns is settled at the service desk by an adjustment.
    if (sale.refundedMinor > 0) throw new AppError('UNPROCESSABLE', 'Goods on this receipt were returned; it can no longer be claimed');
    const program = await this.services.rules.programAt(merchantId, sale.occurredAt);
    if (now.getTime() - sale.occurredAt.getTime() > program.receiptClaimWindowDays * 24 * 3600_000) {
      throw new AppError('CLAIM_WINDOW_PASSED', `Receipts can be claimed within ${program.receiptClaimWindowDays} days`);
    }
    const progress = await this.services.rules.tierProgress(merchantId, memberId, now, member);
    const merchant = await this.services.merchants.merchantSettings(merchantId);
    const receipt = await this.deps.db.transaction(async (tx): Promise<PurchaseReceipt> => {
      await this.services.points.lockBalance(tx, merchantId, memberId, now);
      // Conditional update: of two claims racing for one receipt, exactly one changes the row.
      const claimed = await tx
        .createQueryBuilder()
        .update(Purchase)
        .set({ memberId, claimedAt: now, claimedBy: memberId, programVersion: program.version })
        .where('id = :id AND merchant_id = :merchantId AND member_id IS NULL AND status = :status', { id: sale.id, merchantId, status: 'completed' })
        .execute();
      if (!claimed.affected) throw new AppError('ALREADY_CLAIMED', 'Points for this receipt were already collected');
      const lines = await tx.find(PurchaseLine, { where: { purchaseId: sale.id }, order: { lineNo: 'ASC' } });
      const earning = await this.earningContext(tx, {
        program,
        merchantId,
        storeId: sale.storeId,
        memberId,
        tierCode: progress.tier?.code ?? null,
        occurredAt: sale.occurredAt,
        excludePurchaseId: sale.id,
      });
      // The lines' products as the catalogue knows them now, as at the till: excluded goods earn nothing here either.
      const basketLines = await this.services.catalogue.withProducts(
        merchantId,
        lines.map((l) => ({ sku: l.sku, category: l.category, quantity: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, amountMinor: l.amountMinor })),
        tx,
      );
      const { earn } = priceBasket({ lines: basketLines }, { program, available: null, earning });
      let pendingUntil: Date | null = null;
      if (earn.points > 0) {
        const earned = await this.services.points.earn(tx, {
          merchantId,
          memberId,
          points: earn.points,
          sourceType: 'purchase',
          sourceId: sale.id,
          occurredAt: sale.occurredAt,
          now,
          program,
          cappedPoints: cappedPointsOf(earn),
        });
        pendingUntil = earned.pendingUntil;
      }
      for (const l of earn.lines) {
        await tx.update(PurchaseLine, { purchaseId: sale.id, lineNo: l.index + 1 }, { points: l.points });
      }
      await tx.update(Purchase, { id: sale.id, merchantId }, { pointsEarned: earn.points });
      const after = await this.services.points.lockBalance(tx, merchantId, memberId, now);
      await publish(tx, merchantId, 'purchase.claimed', { purchaseId: sale.id, storeId: sale.storeId, memberId, pointsEarned: earn.points }, now);
      if (principal.kind === 'staff') {
        await audit(tx, merchantId, principal, { action: 'purchase.claim', entity: 'purchase', entityId: sale.id, data: { memberId, points: earn.points } }, now);
      }
      const updated = found(await tx.findOneBy(Purchase, { id: sale.id, merchantId }), 'purchase');
      const updatedLines = await tx.find(PurchaseLine, { where: { purchaseId: sale.id }, order: { lineNo: 'ASC' } });
      return {
        purchase: purchaseView(updated, updatedLines),
        balance: { available: after.available, pending: after.pending },
        pointsPendingUntil: pendingUntil?.toISOString() ?? null,
        receiptText: receiptText({
          locale: merchant.locale,
          currency: merchant.currency,
          timeZone: program.timeZone,
          pointsEarned: earn.points,
          pendingUntil,
          pointsRedeemed: 0,
          redeemValueMinor: 0,
          balance: after.available,
          ...progressAfter(progress.next, sale.totalMinor - sale.discountMinor, earn.points),
          expiringSoon: await this.services.points.expiringSoon(tx, merchantId, memberId, now),
        }),
      };
    });
    await this.services.rules.upgradeAfterSale(merchantId, memberId, now);
    return receipt;
  }

  // ---- back office and portal ----

  async list(principal: Principal, query: PurchaseListQuery): Promise<{ items: PurchaseView[]; total: number }> {
    const qb = this.deps.db.manager
      .getRepository(Purchase)
      .createQueryBuilder('p')
      .where('p.merchant_id = :mid', { mid: principal.merchantId })
      .orderBy('p.occurred_at', 'DESC')
      .addOrderBy('p.id', 'DESC');
    const limitedTo = storeLimit(principal);
    if (principal.kind === 'member') qb.andWhere('p.member_id = :self', { self: principal.memberId });
    else if (limitedTo) qb.andWhere('p.store_id IN (:...stores)', { stores: limitedTo.length ? limitedTo : [''] });
    if (query.storeId) qb.andWhere('p.store_id = :storeId', { storeId: query.storeId });
    if (query.memberId) qb.andWhere('p.member_id = :memberId', { memberId: query.memberId });
    if (query.receiptNumber) qb.andWhere('p.receipt_number = :receiptNumber', { receiptNumber: query.receiptNumber });
    if (query.from) qb.andWhere('p.occurred_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('p.occurred_at < :to', { to: new Date(query.to) });
    const [purchases, total] = await qb.take(query.limit).skip(query.offset).getManyAndCount();
    const lines = await this.linesOf(purchases.map((p) => p.id));
    return { items: purchases.map((p) => purchaseView(p, lines.get(p.id) ?? [])), total };
  }

  async get(principal: Principal, purchaseId: string): Promise<PurchaseView> {
    const purchase = await this.deps.db.manager.findOneBy(Purchase, { id: purchaseId, merchantId: principal.merchantId });
    const visible = purchase && (principal.kind === 'member' ? purchase.memberId === principal.memberId : canUseStore(principal, purchase.storeId));
    const p = found(visible ? purchase : null, 'purchase');
    return purchaseView(p, (await this.linesOf([p.id])).get(p.id) ?? []);
  }

  // ---- contract for other modules ----

  /**
   * What the lines of these recorded sales sold (SKU, category,
   * description), one entry per SKU: the catalogue learns unknown SKUs from
   * them (`purchases.learn-products`).
   */
  async soldItems(merchantId: string, purchaseIds: readonly string[]): Promise<SoldItem[]> {
    if (purchaseIds.length === 0) return [];
    const rows = await this.deps.db.manager
      .createQueryBuilder(PurchaseLine, 'l')
      .select(['l.sku AS sku', 'l.category AS category', 'l.description AS description'])
      .where('l.merchant_id = :merchantId AND l.purchase_id IN (:...purchaseIds)', { merchantId, purchaseIds })
      .orderBy('l.purchase_id', 'ASC')
      .addOrderBy('l.line_no', 'ASC')
      .getRawMany<SoldItem>();
    const bySku = new Map<string, SoldItem>();
    // A line with a category teaches more than one without: it wins for its SKU.
    for (const r of rows) if (!bySku.get(r.sku)?.category) bySku.set(r.sku, { sku: r.sku, category: r.category, description: r.description });
    return [...bySku.values()];
  }

  /** Categories sold before (as stored: see rules/category.ts), for the till's category field; at most `limit`. */
  async categoriesSeen(merchantId: string, limit = 200): Promise<string[]> {
    const rows = await this.deps.db.manager
      .getRepository(PurchaseLine)
      .createQueryBuilder('l')
      .select('DISTINCT l.category', 'category')
      .where('l.merchant_id = :merchantId AND l.category IS NOT NULL', { merchantId })
      .orderBy('l.category', 'ASC')
      .limit(limit)
      .getRawMany<{ category: string }>();
    return rows.map((r) => r.category);
  }

  /**
   * The facts a shopper's feedback is tied to. Without a merchant id it finds
   * the purchase by id alone: the caller holds a signed token for it.
   */
  async saleFacts(purchaseId: string, merchantId?: string): Promise<SaleFacts | null> {
    const p = await this.deps.db.manager.findOneBy(Purchase, merchantId ? { id: purchaseId, merchantId } : { id: purchaseId });
    return p ? factsOf(p) : null;
  }

  /** A member's latest sales since `since`, newest first (the portal asks about the last one not yet answered). */
  async recentSales(merchantId: string, memberId: string, since: Date, limit: number): Promise<SaleFacts[]> {
    const rows = await this.deps.db.manager
      .getRepository(Purchase)
      .createQueryBuilder('p')
      .where('p.merchant_id = :merchantId AND p.member_id = :memberId AND p.occurred_at >= :since', { merchantId, memberId, since })
      .orderBy('p.occurred_at', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map(factsOf);
  }

  /**
   * The completed sales of some members in [from, to), oldest first: what
   * they did around an event (feedback follow-up). Callers pass a batch of
   * members (a few hundred) and a window, so the answer stays small.
   */
  async salesOfMembers(merchantId: string, memberIds: readonly string[], from: Date, to: Date): Promise<{ memberId: string; occurredAt: Date; spendMinor: number }[]> {
    if (memberIds.length === 0) return [];
    const rows = await this.deps.db.manager
      .getRepository(Purchase)
      .createQueryBuilder('p')
      .select(['p.member_id AS member_id', 'p.occurred_at AS occurred_at', 'p.total_minor - p.refunded_minor AS spend'])
      .where('p.merchant_id = :merchantId AND p.member_id IN (:...memberIds) AND p.status = :status', { merchantId, memberIds, status: 'completed' })
      .andWhere('p.occurred_at >= :from AND p.occurred_at < :to', { from, to })
      .orderBy('p.occurred_at', 'ASC')
      .getRawMany<{ member_id: string; occurred_at: Date | string; spend: unknown }>();
    return rows.map((r) => ({ memberId: r.member_id, occurredAt: toDate(r.occurred_at) as Date, spendMinor: toInt(r.spend) }));
  }

  /**
   * One page of the merchant's purchases for a CSV export, by id after
   * `afterId` (keyset: each page costs the same however deep the export is).
   */
  async exportPage(merchantId: string, afterId: string | null, limit: number): Promise<Purchase[]> {
    const qb = this.deps.db.manager.getRepository(Purchase).createQueryBuilder('p').where('p.merchant_id = :merchantId', { merchantId });
    if (afterId) qb.andWhere('p.id > :afterId', { afterId });
    return qb.orderBy('p.id', 'ASC').limit(limit).getMany();
  }

  /** Moves a merged member's purchases to the surviving member, inside the merge transaction. */
  async reassignMember(tx: EntityManager, merchantId: string, fromId: string, intoId: string): Promise<void> {
    await tx.update(Purchase, { merchantId, memberId: fromId }, { memberId: intoId });
  }

  /** What a member spent in [from, to), net of returns, voided sales excluded (tiers by spend). */
  async spendInWindow(merchantId: string, memberId: string, from: Date, to: Date, tx: EntityManager = this.deps.db.manager): Promise<number> {
    const row = await tx
      .getRepository(Purchase)
      .createQueryBuilder('p')
      .select('SUM(p.total_minor - p.refunded_minor)', 'spend')
      .where('p.merchant_id = :merchantId AND p.member_id = :memberId AND p.status = :status', { merchantId, memberId, status: 'completed' })
      .andWhere('p.occurred_at >= :from AND p.occurred_at < :to', { from, to })
      .getRawOne<{ spend: unknown }>();
    return toInt(row?.spend);
  }

  /** A member's derived purchase statistics, computed in SQL (never loads the history). */
  async memberPurchaseStats(merchantId: string, memberId: string, tx: EntityManager = this.deps.db.manager): Promise<MemberPurchaseStats> {
    const where = 'p.merchant_id = :merchantId AND p.member_id = :memberId AND p.status = :status';
    const params = { merchantId, memberId, status: 'completed' };
    // One row per store the member bought in, read along the member's own index (ix_purchases_member_store):
    // the totals and the favourite store both come from it, and the cost follows the member's history only.
    const perStore = await tx
      .getRepository(Purchase)
      .createQueryBuilder('p')
      .select('p.store_id', 'storeId')
      .addSelect('MIN(p.occurred_at)', 'first')
      .addSelect('MAX(p.occurred_at)', 'last')
      .addSelect('COUNT(*)', 'visits')
      .addSelect('SUM(p.total_minor - p.refunded_minor)', 'spend')
      .where(where, params)
      .groupBy('p.store_id')
      .getRawMany<{ storeId: string; first: unknown; last: unknown; visits: unknown; spend: unknown }>();
    let visits = 0;
    let spendMinor = 0;
    let first: Date | null = null;
    let last: Date | null = null;
    let favourite: { storeId: string; visits: number } | null = null;
    for (const row of perStore) {
      const n = toInt(row.visits);
      visits += n;
      spendMinor += toInt(row.spend);
      const from = toDate(row.first);
      const to = toDate(row.last);
      if (from && (!first || from < first)) first = from;
      if (to && (!last || to > last)) last = to;
      // Most visits; a tie goes to the lowest store id, so the answer does not depend on the row order.
      if (!favourite || n > favourite.visits || (n === favourite.visits && row.storeId < favourite.storeId)) favourite = { storeId: row.storeId, visits: n };
    }
    const categories = await tx
      .getRepository(PurchaseLine)
      .createQueryBuilder('l')
      .innerJoin(Purchase, 'p', 'p.id = l.purchase_id')
      .select('l.category', 'category')
      .addSelect('SUM(l.amount_minor - l.returned_amount_minor)', 'spend')
      .where(where, params)
      .andWhere('l.category IS NOT NULL')
      .groupBy('l.category')
      .orderBy('spend', 'DESC')
      .addOrderBy('l.category', 'ASC')
      .limit(3)
      .getRawMany<{ category: string; spend: unknown }>();
    return {
      firstPurchaseAt: first,
      lastPurchaseAt: last,
      visits,
      spendMinor,
      averageBasketMinor: visits ? Math.floor(spendMinor / visits) : 0,
      favouriteStoreId: favourite?.storeId ?? null,
      topCategories: categories.filter((c) => toInt(c.spend) > 0).map((c) => c.category),
    };
  }

  /**
   * Recomputes members' stats from scratch and evaluates their tiers again
   * (the durable half of the upgrade made right after the sale). Idempotent;
   * each member once, however many of their events came in one batch.
   */
  async refreshMemberStats(merchantId: string, memberIds: readonly string[], now = new Date()): Promise<void> {
    for (const memberId of new Set(memberIds)) {
      await this.services.members.refreshStats(merchantId, memberId, (tx) => this.memberPurchaseStats(merchantId, memberId, tx));
      // Most programs have no tiers; the program is cached, so this saves the tier evaluation's reads for them.
      if ((await this.services.rules.programAt(merchantId, now)).tiers.length > 0) await this.services.rules.evaluateTier(undefined, merchantId, memberId, now);
    }
  }

  // ---- internals ----

  private async reversePoints(
    tx: EntityManager,
    purchase: Purchase,
    sourceId: string,
    sourceType: 'return' | 'void',
    toReverse: number,
    toRestore: number,
    program: Program,
    now: Date,
  ): Promise<{ reversed: number }> {
    if (!purchase.memberId) return { reversed: 0 };
    const base = { merchantId: purchase.merchantId, memberId: purchase.memberId, sourceType, sourceId, now };
    let reversed = 0;
    if (toReverse > 0) {
      const earnedBy = { sourceType: 'purchase', sourceId: purchase.id };
      reversed = (await this.services.points.reverseEarn(tx, { ...base, points: toReverse, policy: program.returnClawback, earnedBy })).reversed;
    }
    if (toRestore > 0) await this.services.points.restoreRedeemed(tx, { ...base, points: toRestore });
    return { reversed };
  }

  private async lockPurchase(tx: EntityManager, merchantId: string, purchaseId: string): Promise<Purchase> {
    const qb = tx.getRepository(Purchase).createQueryBuilder('p').where('p.id = :purchaseId AND p.merchant_id = :merchantId', { purchaseId, merchantId });
    if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
    return found(await qb.getOne(), 'purchase');
  }

  private async linesOf(purchaseIds: string[]): Promise<Map<string, PurchaseLine[]>> {
    const byPurchase = new Map<string, PurchaseLine[]>();
    if (purchaseIds.length === 0) return byPurchase;
    const lines = await this.deps.db.manager
      .getRepository(PurchaseLine)
      .createQueryBuilder('l')
      .where('l.purchase_id IN (:...ids)', { ids: purchaseIds })
      .orderBy('l.line_no', 'ASC')
      .getMany();
    for (const line of lines) byPurchase.set(line.purchaseId, [...(byPurchase.get(line.purchaseId) ?? []), line]);
    return byPurchase;
  }
}


/** The answer of a sale recorded before; a different request under the same key or receipt number is a conflict. */
export function saleReplay(earlier: Purchase, hash: string): PurchaseReceipt {
  if (earlier.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key or receipt number was already used for a different sale', {
      purchaseId: earlier.id,
      receiptNumber: earlier.receiptNumber,
    });
  }
  return earlier.response as PurchaseReceipt;
}

/** The same line named twice in one return counts once with the quantities added. */
function mergeReturnLines(lines: { lineNo: number; quantity: number }[]): Map<number, number> {
  const merged = new Map<number, number>();
  for (const l of lines) merged.set(l.lineNo, (merged.get(l.lineNo) ?? 0) + l.quantity);
  return merged;
}

function lineEntity(purchase: Purchase, l: PricedLine): PurchaseLine {
  return {
    purchaseId: purchase.id,
    lineNo: l.lineNo,
    merchantId: purchase.merchantId,
    sku: l.sku,
    category: l.category,
    description: l.description,
    quantityMilli: l.quantityMilli,
    unitPriceMinor: l.unitPriceMinor,
    amountMinor: l.amountMinor,
    discountMinor: l.discountMinor,
    points: l.points,
    returnedQuantityMilli: 0,
    returnedAmountMinor: 0,
    pointsReversed: 0,
  };
}

export function purchaseView(p: Purchase, lines: PurchaseLine[]): PurchaseView {
  return {
    id: p.id,
    storeId: p.storeId,
    terminalId: p.terminalId,
    receiptNumber: p.receiptNumber,
    cashier: p.cashierId ? { id: p.cashierId, name: p.cashierName ?? '' } : null,
    memberId: p.memberId,
    occurredAt: p.occurredAt.toISOString(),
    recordedAt: p.recordedAt.toISOString(),
    status: p.status,
    totalMinor: p.totalMinor,
    discountMinor: p.discountMinor,
    pointsRedeemed: p.pointsRedeemed,
    redeemValueMinor: p.redeemValueMinor,
    payableMinor: p.totalMinor - p.discountMinor - p.redeemValueMinor,
    pointsEarned: p.pointsEarned,
    refundedMinor: p.refundedMinor,
    programVersion: p.programVersion,
    claimedAt: p.claimedAt?.toISOString() ?? null,
    lines: lines.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      category: l.category,
      description: l.description,
      quantity: l.quantityMilli,
      unitPriceMinor: l.unitPriceMinor,
      amountMinor: l.amountMinor,
      points: l.points,
      returnedQuantity: l.returnedQuantityMilli,
      returnedAmountMinor: l.returnedAmountMinor,
    })),
  };
}

function actorIdOf(p: Principal): string {
  switch (p.kind) {
    case 'staff':
      return p.userId;
    case 'terminal':
      return p.terminalId;
    case 'member':
      return p.memberId;
  }
}

/** SQLite returns MIN/MAX of a datetime column as text, MySQL as a Date. */
function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
