import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

@Entity('terminals')
export class Terminal {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'store_id', type: 'varchar', length: 36 })
  storeId: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.terminalName })
  name: string;

  /** Public first part of the API key, used to find the row without scanning hashes. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 200 })
  keyHash: string;

  /** sha256 of the one-time pairing code shown in the back office; null when none is open. */
  @Column({ name: 'pairing_code_hash', type: 'varchar', length: 64, nullable: true })
  pairingCodeHash: string | null;

  @Column({ name: 'pairing_expires_at', type: 'datetime', precision: 3, nullable: true })
  pairingExpiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3, nullable: true })
  lastSeenAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
