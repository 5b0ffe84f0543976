import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { audit } from '../audit/audit.service';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { toInt } from '../db/columns';
import { isUniqueViolation } from '../db/db';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError, forbidden, found } from '../http/errors';
import { canUseStore, type Principal } from '../http/principal';
import { enqueueInTransaction } from '../jobs/outbox';
import type { MemberPurchaseStats } from '../members/member-stats';
import type { Member } from '../members/member.entity';
import { storeLimit } from '../merchants/merchants.service';
import type {
  BasketEvaluation,
  CommitPurchaseRequest,
  EvaluateBasketRequest,
  MemberLookupQuery,
  MemberSummary,
  PurchaseReceipt,
  PurchaseView,
  ReceiptClaimRequest,
  ReturnReceipt,
  ReturnRequest,
  VoidReceipt,
  VoidRequest,
} from '../pos/pos.schemas';
import { cappedPointsOf, evaluateEarning, evaluateRedemption, type EarnResult } from '../rules/earning';
import type { Program } from '../rules/program.schemas';
import type { Services } from '../services';
import { PurchaseLine } from './purchase-line.entity';
import { lineAmount, proRataStep, requestHash } from './purchase-math';
import { PurchaseReturn } from './purchase-return.entity';
import type { PurchaseListQuery } from './purchases.schemas';
import { Purchase } from './purchase.entity';
import { progressAfter, receiptText } from './receipt-text';

/** A journalled offline sale is accepted this long after it happened. */
export const OFFLINE_WINDOW_MS = 14 * 24 * 3600_000;
/** How far a till clock may run ahead of the server. */
export const CLOCK_SKEW_MS = 10 * 60_000;
/** A terminal may void a sale of its own store this long after it was recorded; managers any time. */
export const TERMINAL_VOID_WINDOW_MS = 24 * 3600_000;

export const REFRESH_MEMBER_STATS_JOB = 'purchases.refresh-member-stats';

/** Where a till request comes from: the store it is rung up in and the terminal, if any. */
export interface TillContext {
  principal: Principal;
  merchantId: string;
  storeId: string;
  terminalId: string | null;
}

/** An answer and whether it is a replay of one given before. */
export interface Idempotent<T> {
  body: T;
  replay: boolean;
}

interface BasketInput {
  lines: { sku: string; category?: string | null; description?: string; quantity: number; unitPriceMinor: number; amountMinor?: number }[];
  redeemPoints?: number;
  offerIds?: string[];
}

interface PricedLine {
  lineNo: number;
  sku: string;
  category: string | null;
  description: string | null;
  quantityMilli: number;
  unitPriceMinor: number;
  amountMinor: number;
  points: number;
}

/** The numbers of a basket under one program, shared by evaluate and commit. */
interface Priced {
  totalMinor: number;
  discountMinor: number;
  pointsToRedeem: number;
  redeemValueMinor: number;
  payableMinor: number;
  earn: EarnResult;
  lines: PricedLine[];
}

interface Buyer {
  member: Member;
  cardId: string | null;
}

/**
 * Purchases recorded at the till: evaluation, the idempotent commit, returns,
 * voids and receipt claims, and the purchase history other modules read.
 * Points move only through `services.points` inside this module's
 * transaction, with the member's balance row locked first.
 */
export class PurchasesService {
  constructor(
    private readonly deps: Deps,
    private readonly services: Services,
  ) {}

  // ---- the till ----

  async lookupCard(merchantId: string, code: string, now = new Date()): Promise<MemberSummary> {
    const { card, member } = await this.services.cards.resolveForTill(merchantId, code);
    return this.summaryOf(merchantId, member, card.id, now);
  }

  async lookupMember(merchantId: string, query: MemberLookupQuery, now = new Date()): Promise<MemberSummary> {
    const member = await this.services.members.findForTill(merchantId, { phone: query.phone, memberNumber: query.number });
    return this.summaryOf(merchantId, member, null, now);
  }

  /** Prices a basket exactly as commit would, without writing anything. */
  async evaluate(till: TillContext, body: EvaluateBasketRequest, now = new Date()): Promise<BasketEvaluation> {
    const occurredAt = body.occurredAt ? checkOccurredAt(body.occurredAt, now) : now;
    const buyer = await this.resolveBuyer(till.merchantId, body);
    const program = await this.services.rules.programAt(till.merchantId, occurredAt);
    const db = this.deps.db.manager;
    let available: number | null = null;
    let tierCode: string | null = null;
    let nextTier: MemberSummary['nextTier'] = null;
    let expiringSoon: { points: number; expiresAt: Date } | null = null;
    if (buyer) {
      const summary = await this.services.points.summary(till.merchantId, buyer.member.id, now);
      available = summary.available;
      expiringSoon = summary.expiringSoon;
      const progress = await this.services.rules.tierProgress(till.merchantId, buyer.member.id, now, buyer.member);
      tierCode = progress.tier?.code ?? null;
      nextTier = progress.next;
    }
    const priced = await this.price(db, till, program, body, buyer, available, tierCode, occurredAt);
    const merchant = await this.services.merchants.merchantSettings(till.merchantId);
    const balanceAfter = available === null ? null : available - priced.pointsToRedeem + (program.pendingDays > 0 ? 0 : priced.earn.points);
    return {
      memberId: buyer?.member.id ?? null,
      programVersion: program.version,
      totalMinor: priced.totalMinor,
      discountMinor: priced.discountMinor,
      pointsToRedeem: priced.pointsToRedeem,
      redeemValueMinor: priced.redeemValueMinor,
      payableMinor: priced.payableMinor,
      pointsToEarn: priced.earn.points,
      appliedOffers: [],
      lines: priced.lines.map((l) => ({ lineNo: l.lineNo, amountMinor: l.amountMinor, points: l.points })),
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
        ...progressAfter(nextTier, priced.totalMinor - priced.discountMinor, priced.earn.points),
        expiringSoon,
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
    const hash = requestHash({ body, storeId: till.storeId, terminalId });
    const prepare = async () => {
      const occurredAt = checkOccurredAt(body.occurredAt, now);
      const buyer = await this.resolveBuyer(till.merchantId, body);
      const program = await this.services.rules.programAt(till.merchantId, occurredAt);
      const merchant = await this.services.merchants.merchantSettings(till.merchantId);
      const progress = buyer ? await this.services.rules.tierProgress(till.merchantId, buyer.member.id, now, buyer.member) : null;
      return { occurredAt, buyer, program, merchant, progress };
    };
    // A replay (a till retrying after a lost answer) is rare, so it is found under the lock below rather than
    // by one more read on every sale. Only when the sale can no longer be prepared (its card blocked since,
    // occurredAt now out of the window) is the earlier answer looked up here, so the retry still gets it.
    let prepared: Awaited<ReturnType<typeof prepare>>;
    try {
      prepared = await prepare();
    } catch (err) {
      const earlier = await this.findEarlierPurchase(this.deps.db.manager, till.merchantId, terminalId, body.receiptNumber, idempotencyKey);
      if (earlier) return replayOf(earlier, hash);
      throw err;
    }
    const { occurredAt, buyer, program, merchant, progress } = prepared;
    const purchaseId = newId(now.getTime());
    let tierReached: string | null = null;

    try {
      const result = await this.deps.db.transaction(async (tx): Promise<Idempotent<PurchaseReceipt>> => {
        const balance = buyer ? await this.services.points.lockBalance(tx, till.merchantId, buyer.member.id, now) : null;
        // Under the lock: an earlier answer, or a twin request that committed while this one waited for it.
        const twin = await this.findEarlierPurchase(tx, till.merchantId, terminalId, body.receiptNumber, idempotencyKey);
        if (twin) return replayOf(twin, hash);
        if (balance && body.expectedBalance !== undefined && balance.available !== body.expectedBalance) {
          throw new AppError('BALANCE_CHANGED', 'The points balance changed since the basket was evaluated; evaluate again', {
            expected: body.expectedBalance,
            available: balance.available,
          });
        }
        const priced = await this.price(tx, till, program, body, buyer, balance?.available ?? null, progress?.tier?.code ?? null, occurredAt);

        let pendingUntil: Date | null = null;
        if (buyer && priced.pointsToRedeem > 0) {
          await this.services.points.redeem(tx, {
            merchantId: till.merchantId,
            memberId: buyer.member.id,
            points: priced.pointsToRedeem,
            sourceType: 'purchase',
            sourceId: purchaseId,
            now,
          });
        }
        if (buyer && priced.earn.points > 0) {
          const earned = await this.services.points.earn(tx, {
            merchantId: till.merchantId,
            memberId: buyer.member.id,
            points: priced.earn.points,
            sourceType: 'purchase',
            sourceId: purchaseId,
            occurredAt,
            now,
            program,
            cappedPoints: cappedPointsOf(priced.earn),
          });
          pendingUntil = earned.pendingUntil;
        }
        // Already locked by this transaction: answers from the points service's memory, no query.
        const after = buyer ? await this.services.points.lockBalance(tx, till.merchantId, buyer.member.id, now) : null;
        // Read after the ledger writes: includes the points this sale earned, less what it spent (oldest lots first).
        const expiringSoon = buyer ? await this.services.points.expiringSoon(tx, till.merchantId, buyer.member.id, now) : null;

        const purchase: Purchase = {
          id: purchaseId,
          merchantId: till.merchantId,
          storeId: till.storeId,
          terminalId,
          receiptNumber: body.receiptNumber,
          memberId: buyer?.member.id ?? null,
          cardId: buyer?.cardId ?? null,
          occurredAt,
          recordedAt: now,
          totalMinor: priced.totalMinor,
          discountMinor: priced.discountMinor,
          pointsRedeemed: priced.pointsToRedeem,
          redeemValueMinor: priced.redeemValueMinor,
          pointsEarned: priced.earn.points,
          programVersion: program.version,
          status: 'completed',
          refundedMinor: 0,
          pointsReversed: 0,
          pointsRestored: 0,
          idempotencyKey,
          requestHash: hash,
          response: null,
          claimedAt: null,
          claimedBy: null,
          voidedAt: null,
          voidIdempotencyKey: null,
          voidRequestHash: null,
          voidResponse: null,
        };
        const lines = priced.lines.map((l) => lineEntity(purchase, l));
        const tierAfter = progressAfter(progress?.next ?? null, priced.totalMinor - priced.discountMinor, priced.earn.points);
        const receipt: PurchaseReceipt = {
          purchase: purchaseView(purchase, lines),
          balance: after ? { available: after.available, pending: after.pending } : null,
          pointsPendingUntil: pendingUntil?.toISOString() ?? null,
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
          }),
        };
        purchase.response = receipt;
        // Every column is given, so nothing needs reading back after the inserts (TypeORM would re-select defaulted columns).
        await insertOnly(tx, Purchase, purchase);
        await insertOnly(tx, PurchaseLine, lines);
        if (buyer) {
          await enqueueInTransaction(tx, REFRESH_MEMBER_STATS_JOB, { merchantId: till.merchantId, memberId: buyer.member.id }, { merchantId: till.merchantId, now });
        }
        tierReached = tierAfter.tierReached ?? null;
        return { body: receipt, replay: false };
      });
      // Only a sale that reaches the next tier can upgrade at once; anything else (a grace period ending) waits for the stats job.
      if (buyer && !result.replay && tierReached) await this.upgradeTier(till.merchantId, buyer.member.id, now);
      return result;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Lost a race on the receipt or key index: the winner's answer is the answer.
      const winner = await this.findEarlierPurchase(this.deps.db.manager, till.merchantId, terminalId, body.receiptNumber, idempotencyKey);
      if (!winner) throw err;
      return replayOf(winner, hash);
    }
  }

  /**
   * A return by lines or by amount. Earned points are reversed pro rata by
   * cumulative floor (see proRataStep): per line for the points the line
   * earned, by refunded share of the receipt for basket-level bonuses and
   * for returns by amount; never more than was earned, and a return of
   * everything reverses exactly what is left. Points the shopper paid with
   * are given back by the same rule.
   */
  async returnPurchase(principal: Principal, purchaseId: string, body: ReturnRequest, idempotencyKey: string, now = new Date()): Promise<Idempotent<ReturnReceipt>> {
    const merchantId = principal.merchantId;
    const hash = requestHash({ purchaseId, body });
    const earlier = await this.deps.db.manager.findOneBy(PurchaseReturn, { merchantId, idempotencyKey });
    if (earlier) return replayOfReturn(earlier, hash);
    try {
      return await this.deps.db.transaction(async (tx) => {
        const purchase = await this.lockPurchase(tx, merchantId, purchaseId);
        if (!canUseStore(principal, purchase.storeId) && principal.kind !== 'terminal') throw forbidden('This store is not one of yours');
        // Its clawback policy. Cached, and on a miss read on this transaction's connection, never a second one.
        const program = await this.services.rules.programAt(merchantId, purchase.occurredAt, tx);
        const balance = purchase.memberId ? await this.services.points.lockBalance(tx, merchantId, purchase.memberId, now) : null;
        const twin = await tx.findOneBy(PurchaseReturn, { merchantId, idempotencyKey });
        if (twin) return replayOfReturn(twin, hash);
        if (purchase.status === 'voided') throw new AppError('PURCHASE_VOIDED', 'This purchase was voided; nothing is left to return');
        const lines = await tx.find(PurchaseLine, { where: { purchaseId: purchase.id }, order: { lineNo: 'ASC' } });

        const before = purchase.refundedMinor;
        const returned: { lineNo: number; quantity: number; amountMinor: number }[] = [];
        let refund = 0;
        let linePoints = 0;
        if (body.lines) {
          for (const [lineNo, quantity] of mergeReturnLines(body.lines)) {
            const line = lines.find((l) => l.lineNo === lineNo);
            if (!line) throw new AppError('RETURN_EXCEEDS_PURCHASE', `Line ${lineNo} is not on this receipt`, [{ path: 'body.lines', message: `no line ${lineNo}` }]);
            const left = line.quantityMilli - line.returnedQuantityMilli;
            if (quantity > left) {
              throw new AppError('RETURN_EXCEEDS_PURCHASE', `Line ${lineNo}: ${quantity} returned but only ${left} left`, { lineNo, requested: quantity, left });
            }
            const amount = proRataStep(line.amountMinor, line.returnedQuantityMilli, line.returnedQuantityMilli + quantity, line.quantityMilli);
            const points = proRataStep(line.points, line.returnedQuantityMilli, line.returnedQuantityMilli + quantity, line.quantityMilli);
            await tx.update(
              PurchaseLine,
              { purchaseId: purchase.id, lineNo },
              {
                returnedQuantityMilli: line.returnedQuantityMilli + quantity,
                returnedAmountMinor: line.returnedAmountMinor + amount,
                pointsReversed: line.pointsReversed + points,
              },
            );
            returned.push({ lineNo, quantity, amountMinor: amount });
            refund += amount;
            linePoints += points;
          }
        } else {
          refund = body.amountMinor ?? 0;
        }
        const after = before + refund;
        if (after > purchase.totalMinor) {
          throw new AppError('RETURN_EXCEEDS_PURCHASE', `Only ${purchase.totalMinor - before} of this purchase is left to refund`, {
            requested: refund,
            left: purchase.totalMinor - before,
          });
        }
        const earnedLeft = purchase.pointsEarned - purchase.pointsReversed;
        const basketPoints = purchase.pointsEarned - lines.reduce((s, l) => s + l.points, 0);
        const owed = body.lines
          ? linePoints + proRataStep(basketPoints, before, after, purchase.totalMinor)
          : proRataStep(purchase.pointsEarned, before, after, purchase.totalMinor);
        const toReverse = after === purchase.totalMinor ? earnedLeft : Math.min(owed, earnedLeft);
        const toRestore =
          after === purchase.totalMinor
            ? purchase.pointsRedeemed - purchase.pointsRestored
            : Math.min(proRataStep(purchase.pointsRedeemed, before, after, purchase.totalMinor), purchase.pointsRedeemed - purchase.pointsRestored);
        const restoredValue = proRataStep(purchase.redeemValueMinor, before, after, purchase.totalMinor);

        const returnId = newId(now.getTime());
        const moved = await this.reversePoints(tx, purchase, returnId, 'return', toReverse, toRestore, program, now);
        await tx.update(
          Purchase,
          { id: purchase.id, merchantId },
          { refundedMinor: after, pointsReversed: purchase.pointsReversed + toReverse, pointsRestored: purchase.pointsRestored + toRestore },
        );
        // Locked above: the points service answers from memory with what reversePoints left.
        const fresh = balance && purchase.memberId ? await this.services.points.lockBalance(tx, merchantId, purchase.memberId, now) : null;
        const receipt: ReturnReceipt = {
          returnId,
          purchaseId: purchase.id,
          refundMinor: refund,
          cashRefundMinor: refund - restoredValue,
          pointsReversed: moved.reversed,
          pointsRestored: toRestore,
          lines: returned,
          balance: fresh ? { available: fresh.available, pending: fresh.pending } : null,
          receiptText: fresh
            ? [
                ...(moved.reversed > 0 ? [`Points reversed: ${moved.reversed}`] : []),
                ...(toRestore > 0 ? [`Points given back: ${toRestore}`] : []),
                `Points balance: ${fresh.available}`,
              ]
            : [],
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
          response: receipt,
          createdAt: now,
        } as QueryDeepPartialEntity<PurchaseReturn>);
        if (purchase.memberId) {
          await enqueueInTransaction(tx, REFRESH_MEMBER_STATS_JOB, { merchantId, memberId: purchase.memberId }, { merchantId, now });
        }
        if (principal.kind === 'staff') {
          await audit(tx, merchantId, principal, { action: 'purchase.return', entity: 'purchase', entityId: purchase.id, data: { returnId, refundMinor: refund, reason: body.reason ?? null } }, now);
        }
        return { body: receipt, replay: false };
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.deps.db.manager.findOneBy(PurchaseReturn, { merchantId, idempotencyKey });
      if (!winner) throw err;
      return replayOfReturn(winner, hash);
    }
  }

  /**
   * Cancels a sale: reverses what is left of its earned points and gives back
   * what is left of its redeemed points. A terminal voids sales of its own
   * store within 24 hours; managers and owners at any time.
   */
  async voidPurchase(principal: Principal, purchaseId: string, body: VoidRequest, idempotencyKey: string, now = new Date()): Promise<Idempotent<VoidReceipt>> {
    const merchantId = principal.merchantId;
    const hash = requestHash({ purchaseId, body });
    const earlier = await this.deps.db.manager.findOneBy(Purchase, { merchantId, voidIdempotencyKey: idempotencyKey });
    if (earlier) return replayOfVoid(earlier, purchaseId, hash);
    try {
      return await this.deps.db.transaction(async (tx) => {
        const purchase = await this.lockPurchase(tx, merchantId, purchaseId);
        if (purchase.voidIdempotencyKey === idempotencyKey) return replayOfVoid(purchase, purchaseId, hash);
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
          balance: fresh ? { available: fresh.available, pending: fresh.pending } : null,
          receiptText: fresh ? [`Sale voided`, `Points balance: ${fresh.available}`] : ['Sale voided'],
        };
        await tx.update(
          Purchase,
          { id: purchase.id, merchantId },
          {
            status: 'voided',
            voidedAt: now,
            pointsReversed: purchase.pointsEarned,
            pointsRestored: purchase.pointsRedeemed,
            voidIdempotencyKey: idempotencyKey,
            voidRequestHash: hash,
            voidResponse: receipt as unknown as QueryDeepPartialEntity<Purchase>['voidResponse'],
          },
        );
        if (purchase.memberId) {
          await enqueueInTransaction(tx, REFRESH_MEMBER_STATS_JOB, { merchantId, memberId: purchase.memberId }, { merchantId, now });
        }
        if (principal.kind === 'staff') {
          await audit(tx, merchantId, principal, { action: 'purchase.void', entity: 'purchase', entityId: purchase.id, data: { reason: body.reason ?? null } }, now);
        }
        return { body: receipt, replay: false };
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.deps.db.manager.findOneBy(Purchase, { merchantId, voidIdempotencyKey: idempotencyKey });
      if (!winner) throw err;
      return replayOfVoid(winner, purchaseId, hash);
    }
  }

  /**
   * "I forgot my card": attaches an anonymous sale to a member and earns its
   * points by the rules in force when it happened, within the program's
   * claim window, once. The receipt total must match, as proof of holding it.
   */
  async claimReceipt(principal: Principal, memberId: string, body: ReceiptClaimRequest, now = new Date()): Promise<PurchaseReceipt> {
    const merchantId = principal.merchantId;
    const member = await this.services.members.get(merchantId, memberId);
    if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `The member is ${member.status}`);
    const store = await this.services.merchants.getStoreByCode(merchantId, body.storeCode);
    const candidates = await this.deps.db.manager.findBy(Purchase, { merchantId, storeId: store.id, receiptNumber: body.receiptNumber, totalMinor: body.totalMinor });
    const sale = found(
      candidates.find((p) => p.status === 'completed'),
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
      const earn = evaluateEarning(
        program,
        { lines: lines.map((l) => ({ sku: l.sku, category: l.category, quantityMilli: l.quantityMilli, amountMinor: l.amountMinor })), paidWithPointsMinor: 0 },
        await this.earnContext(tx, program, merchantId, sale.storeId, memberId, progress.tier?.code ?? null, sale.occurredAt, sale.id),
      );
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
      await enqueueInTransaction(tx, REFRESH_MEMBER_STATS_JOB, { merchantId, memberId }, { merchantId, now });
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
    await this.upgradeTier(merchantId, memberId, now);
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
  async memberPurchaseStats(merchantId: string, memberId: string): Promise<MemberPurchaseStats> {
    const repo = this.deps.db.manager.getRepository(Purchase);
    const where = 'p.merchant_id = :merchantId AND p.member_id = :memberId AND p.status = :status';
    const params = { merchantId, memberId, status: 'completed' };
    const totals = await repo
      .createQueryBuilder('p')
      .select('MIN(p.occurred_at)', 'first')
      .addSelect('MAX(p.occurred_at)', 'last')
      .addSelect('COUNT(*)', 'visits')
      .addSelect('SUM(p.total_minor - p.refunded_minor)', 'spend')
      .where(where, params)
      .getRawOne<{ first: unknown; last: unknown; visits: unknown; spend: unknown }>();
    const visits = toInt(totals?.visits);
    const spendMinor = toInt(totals?.spend);
    const favourite = await repo
      .createQueryBuilder('p')
      .select('p.store_id', 'storeId')
      .addSelect('COUNT(*)', 'n')
      .where(where, params)
      .groupBy('p.store_id')
      .orderBy('n', 'DESC')
      .addOrderBy('p.store_id', 'ASC')
      .limit(1)
      .getRawOne<{ storeId: string }>();
    const categories = await this.deps.db.manager
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
      firstPurchaseAt: visits ? toDate(totals?.first) : null,
      lastPurchaseAt: visits ? toDate(totals?.last) : null,
      visits,
      spendMinor,
      averageBasketMinor: visits ? Math.floor(spendMinor / visits) : 0,
      favouriteStoreId: favourite?.storeId ?? null,
      topCategories: categories.filter((c) => toInt(c.spend) > 0).map((c) => c.category),
    };
  }

  /**
   * The job behind `purchases.refresh-member-stats`: idempotent, it recomputes
   * the stats from scratch and evaluates the tier again (the durable half of
   * the upgrade made right after the sale).
   */
  async refreshMemberStats(merchantId: string, memberId: string, now = new Date()): Promise<void> {
    const stats = await this.memberPurchaseStats(merchantId, memberId);
    await this.services.members.recordStats(merchantId, memberId, stats);
    await this.services.rules.evaluateTier(undefined, merchantId, memberId, now);
  }

  // ---- internals ----

  /**
   * Upgrades the member's tier at once, in its own transaction right after the
   * sale commits. Not inside the sale's transaction: tier evaluation reads the
   * program outside the caller's transaction, and on MySQL many sales waiting
   * on one member's lock would then need a second pool connection each and
   * could starve the pool. The stats job enqueued with the sale evaluates the
   * tier again, so a failure here delays an upgrade but never loses it.
   */
  private async upgradeTier(merchantId: string, memberId: string, now: Date): Promise<void> {
    try {
      await this.services.rules.evaluateTier(undefined, merchantId, memberId, now);
    } catch (err) {
      this.deps.log.warn({ err, merchantId, memberId }, 'tier evaluation after a sale failed; the stats job evaluates it again');
    }
  }

  private async summaryOf(merchantId: string, member: Member, cardId: string | null, now: Date): Promise<MemberSummary> {
    const points = await this.services.points.summary(merchantId, member.id, now);
    const progress = await this.services.rules.tierProgress(merchantId, member.id, now, member);
    const current = await this.services.members.currentConsentsOf(member);
    const completeness = this.services.members.completeness(member, current);
    return {
      member: { id: member.id, memberNumber: member.memberNumber, name: [member.firstName, member.lastName].filter(Boolean).join(' '), status: member.status },
      card: cardId ? { id: cardId } : null,
      tier: progress.tier,
      nextTier: progress.next,
      points: {
        available: points.available,
        pending: points.pending,
        expiringSoon: points.expiringSoon ? { points: points.expiringSoon.points, expiresAt: points.expiringSoon.expiresAt.toISOString() } : null,
      },
      offers: [],
      completeness: { score: completeness.score, missing: [...completeness.missing] },
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

  /** Prices a basket: redemption first (it lowers what earns), then earning on the rest. */
  private async price(
    tx: EntityManager,
    till: TillContext,
    program: Program,
    body: BasketInput,
    buyer: Buyer | null,
    available: number | null,
    tierCode: string | null,
    occurredAt: Date,
  ): Promise<Priced> {
    if (body.offerIds?.length) {
      throw new AppError('OFFER_NOT_APPLICABLE', 'Offers cannot be applied at the till yet', [{ path: 'body.offerIds', message: 'must be empty' }]);
    }
    const lines: PricedLine[] = body.lines.map((l, i) => ({
      lineNo: i + 1,
      sku: l.sku,
      category: l.category ?? null,
      description: l.description ?? null,
      quantityMilli: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      amountMinor: l.amountMinor ?? lineAmount(l.quantity, l.unitPriceMinor),
      points: 0,
    }));
    const totalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0);
    const discountMinor = 0;
    const requested = body.redeemPoints ?? 0;
    let redemption = { points: 0, discountMinor: 0 };
    if (requested > 0) {
      if (!buyer || available === null) {
        throw new AppError('REDEMPTION_NOT_ALLOWED', 'Points can be redeemed only by a member', [{ path: 'body.redeemPoints', message: 'needs a member' }]);
      }
      redemption = evaluateRedemption(program, { requestedPoints: requested, available, payableMinor: totalMinor - discountMinor });
    }
    let earn: EarnResult = { points: 0, eligibleMinor: 0, breakdown: [], lines: [] };
    if (buyer) {
      earn = evaluateEarning(
        program,
        { lines: lines.map((l) => ({ sku: l.sku, category: l.category, quantityMilli: l.quantityMilli, amountMinor: l.amountMinor })), paidWithPointsMinor: redemption.discountMinor },
        await this.earnContext(tx, program, till.merchantId, till.storeId, buyer.member.id, tierCode, occurredAt, null),
      );
      for (const l of earn.lines) lines[l.index].points = l.points;
    }
    return {
      totalMinor,
      discountMinor,
      pointsToRedeem: redemption.points,
      redeemValueMinor: redemption.discountMinor,
      payableMinor: totalMinor - discountMinor - redemption.discountMinor,
      earn,
      lines,
    };
  }

  private async earnContext(
    tx: EntityManager,
    program: Program,
    merchantId: string,
    storeId: string,
    memberId: string,
    tierCode: string | null,
    occurredAt: Date,
    excludePurchaseId: string | null,
  ) {
    const store = await this.services.merchants.storeSettings(merchantId, storeId, tx);
    let isFirstPurchase = false;
    // Only a first-purchase bonus needs to know; most programs have none.
    if (program.earning.firstPurchaseBonus > 0) {
      const earlier = tx
        .getRepository(Purchase)
        .createQueryBuilder('p')
        .select('p.id')
        .where('p.merchant_id = :merchantId AND p.member_id = :memberId AND p.status = :status', { merchantId, memberId, status: 'completed' });
      if (excludePurchaseId) earlier.andWhere('p.id <> :excluded', { excluded: excludePurchaseId });
      isFirstPurchase = (await earlier.limit(1).getRawOne()) === undefined;
    }
    return {
      occurredAt,
      storeId,
      tierCode,
      isFirstPurchase,
      earnedInCapPeriod: await this.services.points.earnedInCapPeriod(tx, merchantId, memberId, program, occurredAt),
      timeZone: store.timeZone ?? program.timeZone,
    };
  }

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

  /** The sale recorded earlier under this key, else under this terminal and receipt number: one query over both unique indexes. */
  private async findEarlierPurchase(tx: EntityManager, merchantId: string, terminalId: string, receiptNumber: string, idempotencyKey: string): Promise<Purchase | null> {
    return tx
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

function replayOf(earlier: Purchase, hash: string): Idempotent<PurchaseReceipt> {
  if (earlier.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key or receipt number was already used for a different sale', {
      purchaseId: earlier.id,
      receiptNumber: earlier.receiptNumber,
    });
  }
  return { body: earlier.response as PurchaseReceipt, replay: true };
}

function replayOfReturn(earlier: PurchaseReturn, hash: string): Idempotent<ReturnReceipt> {
  if (earlier.requestHash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different return', { returnId: earlier.id });
  return { body: earlier.response as ReturnReceipt, replay: true };
}

function replayOfVoid(earlier: Purchase, purchaseId: string, hash: string): Idempotent<VoidReceipt> {
  if (earlier.id !== purchaseId || earlier.voidRequestHash !== hash) {
    throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different void', { purchaseId: earlier.id });
  }
  return { body: earlier.voidResponse as VoidReceipt, replay: true };
}

/**
 * Inserts rows whose every column is set, without TypeORM's read-back of
 * defaulted and generated columns (a SELECT per insert on MySQL).
 */
async function insertOnly<T extends ObjectLiteral>(tx: EntityManager, entity: EntityTarget<T>, rows: T | T[]): Promise<void> {
  await tx
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(rows as QueryDeepPartialEntity<T> | QueryDeepPartialEntity<T>[])
    .updateEntity(false)
    .execute();
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
