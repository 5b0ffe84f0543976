import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

export type PurchaseStatus = 'completed' | 'voided';

/** One receipt recorded at a till: unique per (merchant, terminal, receipt number). */
@Entity('purchases')
export class Purchase {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'store_id', type: 'varchar', length: 36 })
  storeId: string;

  @Column({ name: 'terminal_id', type: 'varchar', length: 36 })
  terminalId: string;

  @Column({ name: 'receipt_number', type: 'varchar', length: 64 })
  receiptNumber: string;

  /** The cashier signed in on the till; null when the till had none (a POS signed in with its key only). */
  @Column({ name: 'cashier_id', type: 'varchar', length: 36, nullable: true })
  cashierId: string | null;

  /** The cashier's name at the sale, as printed on the receipt. */
  @Column({ name: 'cashier_name', type: 'varchar', length: 200, nullable: true })
  cashierName: string | null;

  /** null: anonymous sale (kept for analytics, claimable by a member later). */
  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  @Column({ name: 'card_id', type: 'varchar', length: 36, nullable: true })
  cardId: string | null;

  /** The till clock at the sale; decides which program version applies. */
  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt: Date;

  /** The server clock when it was recorded. */
  @Column({ name: 'recorded_at', type: 'datetime', precision: 3 })
  recordedAt: Date;

  @Column({ name: 'total_minor', type: 'bigint', transformer: bigintToNumber })
  totalMinor: number;

  @Column({ name: 'discount_minor', type: 'bigint', default: 0, transformer: bigintToNumber })
  discountMinor: number;

  @Column({ name: 'points_redeemed', type: 'bigint', default: 0, transformer: bigintToNumber })
  pointsRedeemed: number;

  @Column({ name: 'redeem_value_minor', type: 'bigint', default: 0, transformer: bigintToNumber })
  redeemValueMinor: number;

  @Column({ name: 'points_earned', type: 'bigint', default: 0, transformer: bigintToNumber })
  pointsEarned: number;

  @Column({ name: 'program_version', type: 'int', nullable: true })
  programVersion: number | null;

  @Column({ type: 'varchar', length: 16 })
  status: PurchaseStatus;

  /** Running totals of returns, so the next return knows what is left. */
  @Column({ name: 'refunded_minor', type: 'bigint', default: 0, transformer: bigintToNumber })
  refundedMinor: number;

  @Column({ name: 'points_reversed', type: 'bigint', default: 0, transformer: bigintToNumber })
  pointsReversed: number;

  @Column({ name: 'points_restored', type: 'bigint', default: 0, transformer: bigintToNumber })
  pointsRestored: number;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 128 })
  idempotencyKey: string;

  /** sha256 of the canonical request, to tell a replay from a different request under the same key. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  /** The first answer, returned verbatim on a replay. */
  @Column({ type: 'simple-json', nullable: true })
  response: unknown;

  @Column({ name: 'claimed_at', type: 'datetime', precision: 3, nullable: true })
  claimedAt: Date | null;

  @Column({ name: 'claimed_by', type: 'varchar', length: 36, nullable: true })
  claimedBy: string | null;

  @Column({ name: 'voided_at', type: 'datetime', precision: 3, nullable: true })
  voidedAt: Date | null;

  @Column({ name: 'void_cashier_id', type: 'varchar', length: 36, nullable: true })
  voidCashierId: string | null;

  @Column({ name: 'void_idempotency_key', type: 'varchar', length: 128, nullable: true })
  voidIdempotencyKey: string | null;

  @Column({ name: 'void_request_hash', type: 'varchar', length: 64, nullable: true })
  voidRequestHash: string | null;

  @Column({ name: 'void_response', type: 'simple-json', nullable: true })
  voidResponse: unknown;
}
