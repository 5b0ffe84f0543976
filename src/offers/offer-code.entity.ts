import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/**
 * A coupon code of an offer with trigger `code`: the offer's public
 * multi-use code, or a single-use code from a batch. A single-use code is
 * used by at most one sale at a time: the sale's transaction sets `usedAt`
 * with `UPDATE … WHERE used_at IS NULL` and checks that it changed a row;
 * a void of the sale clears it again.
 */
@Entity('offer_codes')
export class OfferCode {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'offer_id', type: 'varchar', length: 36 })
  offerId: string;

  @Column({ name: 'batch_id', type: 'varchar', length: 36, nullable: true })
  batchId: string | null;

  /** Upper case, as printed; codes are unique per merchant. */
  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ name: 'single_use', type: 'boolean' })
  singleUse: boolean;

  /** First and last local day (YYYY-MM-DD, inclusive) the code may be used; null: no bound of its own. */
  @Column({ name: 'valid_from', type: 'varchar', length: 10, nullable: true })
  validFrom: string | null;

  @Column({ name: 'valid_until', type: 'varchar', length: 10, nullable: true })
  validUntil: string | null;

  /** Only this member may use it; null: anyone. */
  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;

  @Column({ name: 'purchase_id', type: 'varchar', length: 36, nullable: true })
  purchaseId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /**
   * A next-purchase coupon's own terms: this much off the basket (at least
   * `minSpendMinor` spent), priced in place of its offer's definition. Null:
   * the code applies its offer as defined.
   */
  @Column({ name: 'amount_off_minor', type: 'bigint', nullable: true, transformer: bigintToNumber })
  amountOffMinor: number | null;

  @Column({ name: 'min_spend_minor', type: 'bigint', nullable: true, transformer: bigintToNumber })
  minSpendMinor: number | null;

  /** The sale that issued this coupon: a void of it withdraws the coupon while unused. */
  @Column({ name: 'issued_by_purchase_id', type: 'varchar', length: 36, nullable: true })
  issuedByPurchaseId: string | null;
}
