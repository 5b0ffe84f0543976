import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

export const MEMBER_STATUSES = ['active', 'suspended', 'closed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Where a member or a consent was captured. */
export const CAPTURE_SOURCES = ['till', 'portal', 'back-office', 'import'] as const;
export type CaptureSource = (typeof CAPTURE_SOURCES)[number];

@Entity('members')
export class Member {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** Short numeric number printed on receipts and said aloud at the till (7 random digits + Luhn check digit). */
  @Column({ name: 'member_number', type: 'varchar', length: 12 })
  memberNumber: string;

  @Column({ name: 'first_name', type: 'varchar', length: TEXT_LIMITS.personName })
  firstName: string;

  @Column({ name: 'last_name', type: 'varchar', length: TEXT_LIMITS.personName, nullable: true })
  lastName: string | null;

  /** The customer's id in the system the merchant used before (history import); unique per merchant. */
  @Column({ name: 'external_id', type: 'varchar', length: 64, nullable: true })
  externalId: string | null;

  /** E.164, normalised in code with the merchant's phone region. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  /** Lower-cased in code (MySQL compares case-insensitively, SQLite does not). */
  @Column({ type: 'varchar', length: TEXT_LIMITS.email, nullable: true })
  email: string | null;

  /** YYYY-MM-DD. */
  @Column({ name: 'birth_date', type: 'varchar', length: 10, nullable: true })
  birthDate: string | null;

  @Column({ type: 'varchar', length: TEXT_LIMITS.languageTag, nullable: true })
  locale: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: MemberStatus;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason: string | null;

  /** A tier set by staff, used as a floor by tier evaluation. */
  @Column({ name: 'tier_override', type: 'varchar', length: 32, nullable: true })
  tierOverride: string | null;

  /** Set when this member was merged into another (and closed). */
  @Column({ name: 'merged_into_id', type: 'varchar', length: 36, nullable: true })
  mergedIntoId: string | null;

  @Column({ name: 'enrolled_at', type: 'datetime', precision: 3 })
  enrolledAt: Date;

  @Column({ name: 'enrolled_store_id', type: 'varchar', length: 36, nullable: true })
  enrolledStoreId: string | null;

  @Column({ name: 'enrolled_by', type: 'varchar', length: 16 })
  enrolledBy: CaptureSource;

  /** The member asked for deletion; staff handle it (the points ledger is never hard-deleted). */
  @Column({ name: 'deletion_requested_at', type: 'datetime', precision: 3, nullable: true })
  deletionRequestedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
