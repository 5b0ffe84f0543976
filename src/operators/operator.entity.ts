import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A platform operator: runs this Tally for many shops, belongs to none of them. */
@Entity('operators')
export class Operator {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Lower-cased in code; unique. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** scrypt$N$r$p$salt$hash */
  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Access tokens carry it; moving it ends them at once (see StaffUser.tokenGeneration). */
  @Column({ name: 'token_generation', type: 'int', default: 0 })
  tokenGeneration: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
