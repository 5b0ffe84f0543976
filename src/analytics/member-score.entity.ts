import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';
import { FactColumns } from './member-facts.entity';

/** A member's facts as of a run's day and the scores computed from them. */
@Entity('analytics_member_scores')
export class MemberScore extends FactColumns {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'days_since_last', type: 'int' })
  daysSinceLast: number;

  @Column({ name: 'r_score', type: 'int' })
  rScore: number;

  @Column({ name: 'f_score', type: 'int' })
  fScore: number;

  @Column({ name: 'm_score', type: 'int' })
  mScore: number;

  @Column({ type: 'varchar', length: 24, nullable: true })
  segment: string | null;

  @Column({ type: 'varchar', length: 1, nullable: true })
  abc: string | null;

  @Column({ name: 'churn_risk', type: 'int', nullable: true })
  churnRisk: number | null;

  @Column({ name: 'usual_gap_days', type: 'int', nullable: true })
  usualGapDays: number | null;

  /** Whose rhythm the churn score used: 'own', 'merchant' or 'unknown'. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  rhythm: string | null;

  @Column({ name: 'p_alive', type: 'double', nullable: true })
  pAlive: number | null;

  @Column({ name: 'expected_30', type: 'double', nullable: true })
  expected30: number | null;

  @Column({ name: 'expected_90', type: 'double', nullable: true })
  expected90: number | null;

  @Column({ name: 'expected_365', type: 'double', nullable: true })
  expected365: number | null;

  @Column({ name: 'expected_spend_minor', type: 'bigint', nullable: true, transformer: bigintToNumber })
  expectedSpendMinor: number | null;

  @Column({ name: 'clv_minor', type: 'bigint', nullable: true, transformer: bigintToNumber })
  clvMinor: number | null;

  /** What the member's leaving would cost in a year: churn risk × their spend in an average year (spend × 365 / max(T, 365 days)). */
  @Column({ name: 'at_stake_minor', type: 'bigint', nullable: true, transformer: bigintToNumber })
  atStakeMinor: number | null;
}
