import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';
import type { CaptureSource } from './member.entity';

export const CONSENT_KINDS = ['marketing_email', 'marketing_sms', 'profiling'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** One consent decision. The latest row per kind is the member's current answer; older rows are the history. */
@Entity('member_consents')
export class MemberConsent {
  @PrimaryColumn({ type: 'bigint', generated: 'increment', transformer: bigintToNumber })
  id: number;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: ConsentKind;

  @Column({ type: 'boolean' })
  granted: boolean;

  @Column({ type: 'varchar', length: 16 })
  source: CaptureSource;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
