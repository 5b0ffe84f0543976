import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';
import type { StaffRole } from '../http/principal';

@Entity('staff_users')
export class StaffUser {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** Unique per merchant. Lower-cased in code: MySQL compares case-insensitively, SQLite does not. */
  @Column({ type: 'varchar', length: TEXT_LIMITS.email })
  email: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.businessName })
  name: string;

  /** scrypt$N$r$p$salt$hash */
  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash: string;

  /** scrypt hash of the PIN a cashier signs in with on a paired till; null: no PIN, no till sign-in. */
  @Column({ name: 'pin_hash', type: 'varchar', length: 200, nullable: true })
  pinHash: string | null;

  @Column({ type: 'varchar', length: 16 })
  role: StaffRole;

  /** null: all stores; otherwise the stores this user may work in. */
  @Column({ name: 'store_ids', type: 'simple-json', nullable: true })
  storeIds: string[] | null;

  @Column({ type: 'varchar', length: TEXT_LIMITS.languageTag, nullable: true })
  locale: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /**
   * Access tokens carry the generation they were issued in; moving it (password
   * change or reset, refresh-token reuse) ends every one of them at once.
   */
  @Column({ name: 'token_generation', type: 'int', default: 0 })
  tokenGeneration: number;

  @Column({ name: 'last_sign_in_at', type: 'datetime', precision: 3, nullable: true })
  lastSignInAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
