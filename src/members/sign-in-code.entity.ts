import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a shopper gave on the portal's join form. */
export interface SignUpDetails {
  firstName: string;
  lastName: string | null;
  locale: string | null;
  consents: { marketingEmail: boolean; marketingSms: boolean; profiling: boolean };
}

/**
 * A one-time portal sign-in code. Only an HMAC of the code is stored. A row is
 * written for every request, even for an unknown destination (member_id null),
 * so rate limits count the same either way and reveal nothing.
 */
@Entity('member_sign_in_codes')
export class SignInCode {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** Normalised phone (E.164) or lower-cased email. */
  @Column({ type: 'varchar', length: 254 })
  destination: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  /**
   * Self sign-up from the portal: the details given, enrolled only when this
   * code is verified (so nobody joins with another person's phone or email).
   */
  @Column({ name: 'sign_up', type: 'simple-json', nullable: true })
  signUp: SignUpDetails | null;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'requester_ip', type: 'varchar', length: 64 })
  requesterIp: string;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
