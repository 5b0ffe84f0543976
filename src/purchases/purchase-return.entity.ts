import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/** One return against a purchase (by lines or by amount), idempotent by its key. */
@Entity('purchase_returns')
export class PurchaseReturn {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'purchase_id', type: 'varchar', length: 36 })
  purchaseId: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 128 })
  idempotencyKey: string;

  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  /** [{ lineNo, quantity, amountMinor }]; empty for a return by amount. */
  @Column({ type: 'simple-json', nullable: true })
  lines: { lineNo: number; quantity: number; amountMinor: number }[];

  @Column({ name: 'refund_minor', type: 'bigint', transformer: bigintToNumber })
  refundMinor: number;

  @Column({ name: 'points_reversed', type: 'bigint', default: 0, transformer: bigintToNumber })
  pointsReversed: number;

  @Column({ name: 'points_restored', type: 'bigint', default: 0, transformer: bigintToNumber })
  pointsRestored: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason: string | null;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 36 })
  actorId: string;

  /** The cashier signed in on the till that took the return, if any. */
  @Column({ name: 'cashier_id', type: 'varchar', length: 36, nullable: true })
  cashierId: string | null;

  @Column({ type: 'simple-json', nullable: true })
  response: unknown;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
