import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/** Who entered or left a rules segment, and when (written by each refresh). */
@Entity('segment_member_changes')
export class SegmentMemberChange {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'segment_id', type: 'varchar', length: 36 })
  segmentId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'change_kind', type: 'varchar', length: 8 })
  change: 'entered' | 'left';

  @Column({ name: 'changed_at', type: 'datetime', precision: 3 })
  changedAt: Date;
}
