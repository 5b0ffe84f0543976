import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A staff refresh token. Each use replaces it; reusing a spent one revokes its family. */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** All tokens descending from one sign-in share a family. */
  @Column({ name: 'family_id', type: 'varchar', length: 36 })
  familyId: string;

  /** SHA-256 hex of the token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
