import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

import type { SegmentRules } from './segment-rules';

/** static: a list of members uploaded by the owner; rules: the members that rules over facts and scores select, refreshed. */
export type SegmentKind = 'static' | 'rules';

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

  /** A rules segment's rules; null for a static one. */
  @Column({ type: 'simple-json', nullable: true })
  rules: SegmentRules | null;

  /** When a rules segment's members were last made what its rules select. */
  @Column({ name: 'refreshed_at', type: 'datetime', precision: 3, nullable: true })
  refreshedAt: Date | null;

  @Column({ name: 'member_count', type: 'int' })
  memberCount: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
