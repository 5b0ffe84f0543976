import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';
import type { OfferTerms } from '../../offer-engine';

/** Why the owner should look at a use a till made offline (the server recorded it as printed). */
export type OfflineUseFlag = 'OFFER_ENDED' | 'OFFER_NOT_ACTIVE' | 'OVER_TOTAL_LIMIT' | 'OVER_BUDGET' | 'OVER_MEMBER_LIMIT';

/** One line's share of an offer in a sale: what a return needs to unwind it. */
export interface OfferUseLine {
  lineNo: number;
  discountMinor: number;
  points: number;
  /** Whole units the offer used on the line (qualifying and reward units). */
  unitsUsed: number;
}

/** An offer a sale applied, written in the sale's transaction; a void of the sale gives it back (`voidedAt`). */
@Entity('offer_uses')
export class OfferUse {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'offer_id', type: 'varchar', length: 36 })
  offerId: string;

  @Column({ name: 'purchase_id', type: 'varchar', length: 36 })
  purchaseId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  @Column({ name: 'store_id', type: 'varchar', length: 36 })
  storeId: string;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt: Date;

  @Column({ name: 'discount_minor', type: 'bigint', transformer: bigintToNumber })
  discountMinor: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  points: number;

  /** The sale's total before discounts: the report's sales of baskets with the offer. */
  @Column({ name: 'basket_total_minor', type: 'bigint', transformer: bigintToNumber })
  basketTotalMinor: number;

  @Column({ type: 'simple-json' })
  lines: OfferUseLine[];

  @Column({ name: 'receipt_line', type: 'varchar', length: 300 })
  receiptLine: string;

  /** Priced by a till offline and accepted as it printed it. */
  @Column({ type: 'boolean', default: false })
  offline: boolean;

  /** An offline use past a limit or budget, or after the offer ended: for the owner to look at. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  flag: OfflineUseFlag | null;

  /** The offer's terms at the sale: a partial return re-prices what is kept with them. Null on uses recorded before they were kept. */
  @Column({ type: 'simple-json', nullable: true })
  terms: OfferTerms | null;

  /** Set when the sale was voided: the use no longer counts towards limits, budgets or the report. */
  @Column({ name: 'voided_at', type: 'datetime', precision: 3, nullable: true })
  voidedAt: Date | null;
}
