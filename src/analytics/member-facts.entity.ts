import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/**
 * What a member's purchases say, in whole days since 1970-01-01 in the
 * merchant's time zone: the columns a member's facts have wherever they are
 * kept (current in `analytics_member_facts`, as of a run's day in
 * `analytics_member_scores`). A visit is a day with a positive net amount.
 */
export abstract class FactColumns {
  @Column({ name: 'first_day', type: 'int' })
  firstDay: number;

  @Column({ name: 'last_day', type: 'int' })
  lastDay: number;

  /** Distinct visit days; repeat purchases are visits − 1. */
  @Column({ type: 'int' })
  visits: number;

  @Column({ name: 'spend_minor', type: 'bigint', transformer: bigintToNumber })
  spendMinor: number;

  /** Spend of the first visit: the Gamma-Gamma's average leaves it out. */
  @Column({ name: 'first_visit_minor', type: 'bigint', transformer: bigintToNumber })
  firstVisitMinor: number;

  /** Gaps between consecutive visits (visits − 1) and the sums of their logarithms and squared logarithms: the member's rhythm. */
  @Column({ name: 'gap_count', type: 'int' })
  gapCount: number;

  @Column({ name: 'gap_log_sum', type: 'double' })
  gapLogSum: number;

  @Column({ name: 'gap_log_squares', type: 'double' })
  gapLogSquares: number;

  @Column({ name: 'longest_gap', type: 'int' })
  longestGap: number;

  /** Receipts, returns included. */
  @Column({ type: 'int' })
  receipts: number;

  @Column({ type: 'int' })
  stores: number;

  @Column({ type: 'int' })
  categories: number;
}

/** A member's facts from every purchase so far, kept current from purchase events. */
@Entity('analytics_member_facts')
export class MemberFacts extends FactColumns {
  @PrimaryColumn({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
