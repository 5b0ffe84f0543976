import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';
import { TEXT_LIMITS } from '../db/text-limits';

/** draft: editable, nobody assigned; launched: groups drawn, measured from `startsAt`; ended: stopped early or over. */
export type CampaignStatus = 'draft' | 'launched' | 'ended';

@Entity('campaigns')
export class Campaign {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.businessName })
  name: string;

  @Column({ name: 'segment_id', type: 'varchar', length: 36 })
  segmentId: string;

  @Column({ type: 'varchar', length: 16 })
  status: CampaignStatus;

  @Column({ name: 'holdout_percent', type: 'int' })
  holdoutPercent: number;

  @Column({ name: 'starts_at', type: 'datetime', precision: 3 })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'datetime', precision: 3 })
  endsAt: Date;

  /** Gross margin on incremental sales, for the incremental margin and ROI. */
  @Column({ name: 'margin_percent', type: 'int' })
  marginPercent: number;

  /** What the campaign costs besides what the till records (printing, messages), in minor units. */
  @Column({ name: 'cost_minor', type: 'bigint', transformer: bigintToNumber })
  costMinor: number;

  @Column({ name: 'treated_count', type: 'int' })
  treatedCount: number;

  @Column({ name: 'holdout_count', type: 'int' })
  holdoutCount: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'launched_at', type: 'datetime', precision: 3, nullable: true })
  launchedAt: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt: Date | null;
}
