import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

export type PointEntryKind = 'earn' | 'bonus' | 'redeem' | 'expire' | 'adjust' | 'reverse' | 'restore' | 'transfer';

/** One change of a member's points. Append-only: corrections are new entries. */
@Entity('point_entries')
export class PointEntry {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: PointEntryKind;

  /** Signed: positive credits, negative debits. */
  @Column({ type: 'bigint', transformer: bigintToNumber })
  points: number;

  /** Of an earn: the promotion and product-bonus points in it, counted towards the period cap. */
  @Column({ name: 'capped_points', type: 'bigint', transformer: bigintToNumber })
  cappedPoints: number;

  /** What caused it: purchase, return, void, adjustment, expiry, merge, … */
  @Column({ name: 'source_type', type: 'varchar', length: 32 })
  sourceType: string;

  @Column({ name: 'source_id', type: 'varchar', length: 64, nullable: true })
  sourceId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  /** "staff:<id>", "terminal:<id>", "member:<id>" or "system". */
  @Column({ type: 'varchar', length: 80, nullable: true })
  actor: string | null;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
