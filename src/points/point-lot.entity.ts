import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/**
 * Points credited together (an earn, a positive adjustment, a restore) that
 * expire together. Redemptions and expiry consume lots; `remaining` is what
 * is left of `points`.
 */
@Entity('point_lots')
export class PointLot {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'entry_id', type: 'bigint', transformer: bigintToNumber })
  entryId: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  points: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  remaining: number;

  /** remaining > 0 */
  @Column({ type: 'boolean' })
  open: boolean;

  /** Counted in the pending balance until released at `availableAt`. */
  @Column({ type: 'boolean' })
  pending: boolean;

  @Column({ name: 'available_at', type: 'datetime', precision: 3 })
  availableAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
