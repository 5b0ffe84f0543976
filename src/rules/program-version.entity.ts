import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProgramRules } from './program.schemas';

/** One saved version of a merchant's program. Never updated: a change is a new version. */
@Entity('programs')
export class ProgramVersion {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ name: 'effective_from', type: 'datetime', precision: 3 })
  effectiveFrom: Date;

  /** Staff user id. */
  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ type: 'simple-json' })
  rules: ProgramRules;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
