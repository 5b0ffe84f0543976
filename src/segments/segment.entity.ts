import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

/** static: a list of members uploaded by the owner. Rule-based segments over member facts come with the analytics scores. */
export type SegmentKind = 'static';

@Entity('segments')
export class Segment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.businessName })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: SegmentKind;

  @Column({ name: 'member_count', type: 'int' })
  memberCount: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
