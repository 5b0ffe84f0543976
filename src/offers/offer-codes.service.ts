import { randomBytes } from 'node:crypto';
import { In, IsNull, MoreThan, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import type { IssuedCoupon } from '../../offer-engine';
import { OfferCodeBatch } from './offer-code-batch.entity';
import { OfferCode } from './offer-code.entity';
import { Offer } from './offer.entity';

/** Why a code the till sent does not apply, before the offer engine is asked. */
export type CodeRefusalReason = 'UNKNOWN_CODE' | 'CODE_USED' | 'CODE_NOT_YET_VALID' | 'CODE_EXPIRED' | 'CODE_NOT_FOR_MEMBER' | 'OFFER_NOT_ACTIVE' | 'CODE_REPEATED';

/** A code the till sent, looked up: the offer it names, or why it does not. */
export interface ResolvedCode {
  /** As the till sent it, normalised (upper case, no spaces). */
  code: string;
  offerId: string | null;
  /** The single-use code's row, which a commit marks used; null for a public code or a refused one. */
  singleUseId: string | null;
  refusal: { reason: CodeRefusalReason; message: string } | null;
  /** A next-purchase coupon's own terms, priced in place of its offer's definition; null: the offer as defined. */
  terms: { amountOffMinor: number; minSpendMinor: number } | null;
}

/** A next-purchase coupon a sale issued: printed on its receipt and kept in the member's wallet. */
export interface IssuedCode {
  code: string;
  offerId: string;
  amountOffMinor: number;
  minSpendMinor: number;
  validFrom: string;
  validUntil: string;
}

/** Who uses the codes, and on which local day. */
export interface CodeScope {
  merchantId: string;
  memberId: string | null;
  /** The sale's local date (YYYY-MM-DD) in the store's zone. */
  localDate: string;
  /** The merchant's active offers: a code of any other offer is refused. */
  activeOfferIds: ReadonlySet<string>;
}

/** The most codes one batch generates; a shop wanting more makes several batches. */
export const MAX_BATCH_CODES = 10_000;
/** Rows read per page when a batch is streamed as CSV or a sheet. */
export const CODES_PER_PAGE = 1000;

/** Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random characters after the prefix: 50 bits, so guessing a live code is hopeless and a clash in a batch is unheard of. */
const RANDOM_CHARS = 10;

/** How codes are compared: upper case without spaces or dashes a scanner or a shopper may add. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, '');
}

/**
 * Coupon codes of offers with trigger `code`: single-use batches for the
 * back office, and for the till the lookup of the codes a basket carries,
 * the claim of a single-use code in the sale's transaction and its release
 * by a void.
 */
export class OfferCodesService {
  constructor(private readonly deps: Deps) {}

  /** Generates `count` single-use codes for a code offer that is not ended, in one transaction. */
  async createBatch(principal: Principal, offerId: string, input: { count: number; prefix?: string }, now = new Date()): Promise<{ batch: OfferCodeBatch; codes: string[] }> {
    const merchantId = principal.merchantId;
    const prefix = normaliseCode(input.prefix ?? '');
    const batch: OfferCodeBatch = { id: newId(now.getTime()), merchantId, offerId, prefix, count: input.count, createdAt: now };
    const codes = uniqueCodes(prefix, input.count);
    await this.deps.db.transaction(async (tx) => {
      const offer = found(await tx.findOneBy(Offer, { merchantId, id: offerId }), 'Offer');
      if (offer.triggerKind !== 'code') throw new AppError('VALIDATION_FAILED', 'Code batches are for offers with trigger code', [{ path: 'params.offerId', message: 'the offer’s trigger is not code' }]);
      if (offer.status === 'ended') throw new AppError('OFFER_STATUS_CONFLICT', 'An ended offer gets no more codes', { status: offer.status });
      await tx.insert(OfferCodeBatch, batch);
      for (let i = 0; i < codes.length; i += 500) {
        await tx.insert(
          OfferCode,
          codes.slice(i, i + 500).map((code) => ({ id: newId(now.getTime()), merchantId, offerId, batchId: batch.id, code, singleUse: true, validFrom: null, validUntil: null, memberId: null, usedAt: null, purchaseId: null, createdAt: now, amountOffMinor: null, minSpendMinor: null, issuedByPurchaseId: null })),
        );
      }
      await audit(tx, merchantId, principal, { action: 'offer.code-batch', entity: 'offer', entityId: offerId, data: { batchId: batch.id, count: input.count, prefix } }, now);
    });
    return { batch, codes };
  }

  /** An offer's batches, newest first, with how many of each batch's codes are used. */
  async listBatches(principal: Principal, offerId: string): Promise<{ batch: OfferCodeBatch; used: number }[]> {
    const merchantId = principal.merchantId;
    found(await this.deps.db.manager.findOneBy(Offer, { merchantId, id: offerId }), 'Offer');
    const batches = await this.deps.db.manager.find(OfferCodeBatch, { where: { merchantId, offerId }, order: { createdAt: 'DESC', id: 'DESC' } });
    if (batches.length === 0) return [];
    const used = await this.deps.db.manager
      .createQueryBuilder(OfferCode, 'c')
      .select('c.batch_id', 'batchId')
      .addSelect('COUNT(*)', 'used')
      .where({ merchantId, offerId, batchId: In(batches.map((b) => b.id)) })
      .andWhere('c.used_at IS NOT NULL')
      .groupBy('c.batch_id')
      .getRawMany<{ batchId: string; used: unknown }>();
    return batches.map((batch) => ({ batch, used: Number(used.find((u) => u.batchId === batch.id)?.used ?? 0) }));
  }

  async getBatch(principal: Principal, offerId: string, batchId: string): Promise<OfferCodeBatch> {
    return found(await this.deps.db.manager.findOneBy(OfferCodeBatch, { merchantId: principal.merchantId, offerId, id: batchId }), 'Code batch');
  }

  /** A batch's codes a page at a time, in code order (ids of one batch share a millisecond), for streaming. */
  async *batchCodes(batch: OfferCodeBatch, range: { offset: number; limit: number } = { offset: 0, limit: MAX_BATCH_CODES }): AsyncGenerator<OfferCode[]> {
    let after = '';
    let skip = range.offset;
    let left = range.limit;
    while (left > 0) {
      const page = await this.deps.db.manager.find(OfferCode, {
        where: { merchantId: batch.merchantId, batchId: batch.id, code: MoreThan(after) },
        order: { code: 'ASC' },
        take: Math.min(CODES_PER_PAGE, skip + left),
      });
      if (page.length === 0) return;
      after = page[page.length - 1].code;
      const kept = page.slice(skip);
      skip = Math.max(0, skip - page.length);
      if (kept.length > 0) yield kept.slice(0, left);
      left -= kept.length;
    }
  }

  /**
   * Looks up the codes a basket carries. A code is refused when it is
   * unknown, its offer is not active, it was used (single-use), it is
   * outside its own dates, it belongs to another member, or it repeats an
   * offer another code of the basket already names. The rest name the offer
   * the till should price as chosen.
   */
  async resolve(m: EntityManager, scope: CodeScope, sent: readonly string[]): Promise<ResolvedCode[]> {
    const codes = sent.map(normaliseCode);
    if (codes.length === 0) return [];
    const rows = await m.find(OfferCode, { where: { merchantId: scope.merchantId, code: In([...new Set(codes)]) } });
    const offers = new Set<string>();
    return codes.map((code): ResolvedCode => {
      const refuse = (reason: CodeRefusalReason, message: string, offerId: string | null = null): ResolvedCode => ({ code, offerId, singleUseId: null, refusal: { reason, message }, terms: null });
      // MySQL compares case-insensitively, SQLite does not: codes are stored upper case and matched exactly here.
      const row = rows.find((r) => r.code === code);
      if (!row) return refuse('UNKNOWN_CODE', 'No offer has this code');
      if (!scope.activeOfferIds.has(row.offerId)) return refuse('OFFER_NOT_ACTIVE', 'The code’s offer is not running', row.offerId);
      if (row.singleUse && row.usedAt) return refuse('CODE_USED', 'The code has been used', row.offerId);
      if (row.validFrom && scope.localDate < row.validFrom) return refuse('CODE_NOT_YET_VALID', `The code is valid from ${row.validFrom}`, row.offerId);
      if (row.validUntil && scope.localDate > row.validUntil) return refuse('CODE_EXPIRED', `The code expired on ${row.validUntil}`, row.offerId);
      if (row.memberId && row.memberId !== scope.memberId) return refuse('CODE_NOT_FOR_MEMBER', 'The code belongs to another member: scan their card', row.offerId);
      if (offers.has(row.offerId)) return refuse('CODE_REPEATED', 'Another code for the same offer is already in the basket', row.offerId);
      offers.add(row.offerId);
      const terms = row.amountOffMinor === null ? null : { amountOffMinor: row.amountOffMinor, minSpendMinor: row.minSpendMinor ?? 0 };
      return { code, offerId: row.offerId, singleUseId: row.singleUse ? row.id : null, refusal: null, terms };
    });
  }

  /**
   * Marks a single-use code used by a sale, in the sale's transaction. The
   * UPDATE changes the row only while it is unused, so of sales racing for
   * one code exactly one changes it (on MySQL the others wait for its row
   * lock, then find it used); false: another sale has it.
   */
  async claim(tx: EntityManager, merchantId: string, codeId: string, purchaseId: string, now: Date): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(OfferCode)
      .set({ usedAt: now, purchaseId })
      .where('id = :codeId AND merchant_id = :merchantId AND used_at IS NULL', { codeId, merchantId })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /**
   * Issues the next-purchase coupons a sale earned (the engine's `coupons`),
   * in the sale's transaction: one single-use code each, with the coupon's
   * terms and local dates, the member's when the sale had one.
   */
  async issue(tx: EntityManager, sale: { merchantId: string; purchaseId: string; memberId: string | null; now: Date }, coupons: readonly IssuedCoupon[]): Promise<IssuedCode[]> {
    if (coupons.length === 0) return [];
    const codes = uniqueCodes('', coupons.length);
    const issued = coupons.map((c, i) => ({ code: codes[i], offerId: c.offerId, amountOffMinor: c.amountOffMinor, minSpendMinor: c.minSpendMinor, validFrom: c.validFrom, validUntil: c.validUntil }));
    await tx.insert(
      OfferCode,
      issued.map((c) => ({
        id: newId(sale.now.getTime()),
        merchantId: sale.merchantId,
        offerId: c.offerId,
        batchId: null,
        code: c.code,
        singleUse: true,
        validFrom: c.validFrom,
        validUntil: c.validUntil,
        memberId: sale.memberId,
        usedAt: null,
        purchaseId: null,
        createdAt: sale.now,
        amountOffMinor: c.amountOffMinor,
        minSpendMinor: c.minSpendMinor,
        issuedByPurchaseId: sale.purchaseId,
      })),
    );
    return issued;
  }

  /** A reward's code for a member who paid for it (in the caller's transaction): single-use, theirs only, the offer as defined. */
  async issueReward(tx: EntityManager, reward: { merchantId: string; offerId: string; memberId: string; now: Date }): Promise<string> {
    const [code] = uniqueCodes('', 1);
    await tx.insert(OfferCode, {
      id: newId(reward.now.getTime()),
      merchantId: reward.merchantId,
      offerId: reward.offerId,
      batchId: null,
      code,
      singleUse: true,
      validFrom: null,
      validUntil: null,
      memberId: reward.memberId,
      usedAt: null,
      purchaseId: null,
      createdAt: reward.now,
      amountOffMinor: null,
      minSpendMinor: null,
      issuedByPurchaseId: null,
    });
    return code;
  }

  /** Gives back a code this sale claimed but did not use after all (its offer did not apply), in the same transaction. */
  async release(tx: EntityManager, merchantId: string, codeId: string): Promise<void> {
    await tx.update(OfferCode, { merchantId, id: codeId }, { usedAt: null, purchaseId: null });
  }
}

/** Voided sales give their single-use codes back, and withdraw the coupons they issued that are still unused, in the void's transaction. */
export async function releaseCodes(tx: EntityManager, merchantId: string, purchaseIds: readonly string[]): Promise<void> {
  await tx.update(OfferCode, { merchantId, purchaseId: In([...purchaseIds]), singleUse: true }, { usedAt: null, purchaseId: null });
  await tx.delete(OfferCode, { merchantId, issuedByPurchaseId: In([...purchaseIds]), usedAt: IsNull() });
}

/**
 * Sets an offer's public code (in the offer's transaction): the old one's
 * row goes, the new one's comes. A code another offer of the merchant has
 * (public or from a batch) is a 409.
 */
export async function replacePublicCode(tx: EntityManager, offer: { merchantId: string; id: string; publicCode: string | null }, next: string | null, now: Date): Promise<void> {
  if (offer.publicCode === next) return;
  if (offer.publicCode) await tx.delete(OfferCode, { merchantId: offer.merchantId, offerId: offer.id, code: offer.publicCode, batchId: IsNull() });
  if (!next) return;
  const taken = await tx.findOneBy(OfferCode, { merchantId: offer.merchantId, code: next });
  if (taken) throw new AppError('ALREADY_EXISTS', `The code ${next} is already in use`, [{ path: 'body.code', message: 'another code of this shop is the same' }]);
  await tx.insert(OfferCode, { id: newId(now.getTime()), merchantId: offer.merchantId, offerId: offer.id, batchId: null, code: next, singleUse: false, validFrom: null, validUntil: null, memberId: null, usedAt: null, purchaseId: null, createdAt: now, amountOffMinor: null, minSpendMinor: null, issuedByPurchaseId: null });
}

/** `count` different codes: the prefix, then random characters of ALPHABET. */
function uniqueCodes(prefix: string, count: number): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    const bytes = randomBytes(RANDOM_CHARS);
    codes.add(prefix + Array.from(bytes, (b) => ALPHABET[b & 31]).join(''));
  }
  return [...codes];
}
