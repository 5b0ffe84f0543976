import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

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

  /** Set when the sale was voided: the use no longer counts towards limits, budgets or the report. */
  @Column({ name: 'voided_at', type: 'datetime', precision: 3, nullable: true })
  voidedAt: Date | null;
}
