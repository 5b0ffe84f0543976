import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One-time token that lets the first owner create the first merchant. */
@Entity('setup_tokens')
export class SetupToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** null: the first-run token that creates the first merchant; otherwise the merchant whose owner it creates. */
  @Column({ name: 'merchant_id', type: 'varchar', length: 36, nullable: true })
  merchantId: string | null;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
