import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

@Entity('merchants')
export class Merchant {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: TEXT_LIMITS.businessName })
  name: string;

  /** ISO 4217; all money of this merchant is in its minor units. */
  @Column({ type: 'varchar', length: 3 })
  currency: string;

  /** IANA zone, e.g. Asia/Bangkok: the merchant's calendar (days, months, promotions). */
  @Column({ name: 'time_zone', type: 'varchar', length: 64 })
  timeZone: string;

  /** BCP 47 default locale for receipts and pages. */
  @Column({ type: 'varchar', length: TEXT_LIMITS.languageTag })
  locale: string;

  /** The shop's colour (#rrggbb) on its portal; null: Tally's green. */
  @Column({ name: 'brand_color', type: 'varchar', length: 7, nullable: true })
  brandColor: string | null;

  /** Short code of the portal's poster address (/j/CODE), given on first use. */
  @Column({ name: 'portal_code', type: 'varchar', length: 8, nullable: true })
  portalCode: string | null;

  @Column({ type: 'simple-json', nullable: true })
  settings: Record<string, unknown> | null;

  /** Set by the platform operator: the shop's staff, terminals and members are refused until it is cleared. */
  @Column({ name: 'suspended_at', type: 'datetime', precision: 3, nullable: true })
  suspendedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
