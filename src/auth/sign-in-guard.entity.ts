import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Password attempts against one key (an email from one source, or one source
 * alone), counted in the database so every api process shares them.
 */
@Entity('sign_in_guards')
export class SignInGuardRow {
  /** sha256 hex of what is counted; emails and addresses are not stored in clear. */
  @PrimaryColumn({ name: 'guard_key', type: 'varchar', length: 64 })
  key: string;

  /** Attempts reserved since the last lock or success, including ones still being checked. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** Locks so far without a success in between: each one lasts twice as long as the last. */
  @Column({ type: 'int', default: 0 })
  strikes: number;

  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
