import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A merchant's HTTPS endpoint that receives the events it lists, signed with its own secret. */
@Entity('webhook_subscriptions')
export class WebhookSubscription {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description: string | null;

  /** Event types delivered, e.g. ["purchase.recorded"]. */
  @Column({ type: 'simple-json' })
  events: string[];

  /** HMAC-SHA256 key; shown once when the subscription is created (needed in clear to sign). */
  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  /** Why it was disabled (by Tally after repeated failure, or by staff); null while enabled. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 200, nullable: true })
  disabledReason: string | null;

  /** Deliveries in a row that failed every try; a success resets it. */
  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
