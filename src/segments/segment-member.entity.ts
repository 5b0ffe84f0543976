import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('segment_members')
export class SegmentMember {
  @PrimaryColumn({ name: 'segment_id', type: 'varchar', length: 36 })
  segmentId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'added_at', type: 'datetime', precision: 3 })
  addedAt: Date;
}
