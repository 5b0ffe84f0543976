import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A member of a launched campaign's audience and the group the draw put them in, fixed at launch. */
@Entity('campaign_members')
export class CampaignMember {
  @PrimaryColumn({ name: 'campaign_id', type: 'varchar', length: 36 })
  campaignId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'boolean' })
  holdout: boolean;

  @Column({ name: 'assigned_at', type: 'datetime', precision: 3 })
  assignedAt: Date;
}
