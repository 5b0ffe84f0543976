import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member's earned tier (the manual override on the member is applied on top, as a floor). */
@Entity('member_tiers')
export class MemberTier {
  @PrimaryColumn({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  /** null: no tier reached. */
  @Column({ name: 'tier_code', type: 'varchar', length: 64, nullable: true })
  tierCode: string | null;

  @Column({ type: 'datetime', precision: 3 })
  since: Date;

  @Column({ name: 'evaluated_at', type: 'datetime', precision: 3 })
  evaluatedAt: Date;

  /** Set when a re-evaluation found the member below the tier: the downgrade happens after this. */
  @Column({ name: 'grace_until', type: 'datetime', precision: 3, nullable: true })
  graceUntil: Date | null;
}
