import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/** Cached sums of a member's ledger, updated in the same transaction as each entry. */
@Entity('member_balances')
export class MemberBalance {
  @PrimaryColumn({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  /** Spendable; negative only after a return clawed back points already spent. */
  @Column({ type: 'bigint', transformer: bigintToNumber })
  available: number;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  pending: number;

  @Column({ name: 'lifetime_earned', type: 'bigint', transformer: bigintToNumber })
  lifetimeEarned: number;

  @Column({ name: 'lifetime_redeemed', type: 'bigint', transformer: bigintToNumber })
  lifetimeRedeemed: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
