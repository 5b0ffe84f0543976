import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One fixed-window counter: how often something happened (a lookup by a
 * terminal, a code request from an address…) in one window. Kept in the
 * database so every api process counts against the same number.
 */
@Entity('rate_counters')
export class RateCounter {
  /** `<limit name>:<hashed subject>:<window number>`. */
  @PrimaryColumn({ name: 'counter_key', type: 'varchar', length: 120 })
  key: string;

  @Column({ type: 'int' })
  hits: number;

  /** When the window is over and the row can go. */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;
}
