import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';

/** One staff (or system) action. Append-only. */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** staff | terminal | member | system */
  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 64 })
  entity: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64, nullable: true })
  entityId: string | null;

  @Column({ type: 'simple-json', nullable: true })
  data: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
