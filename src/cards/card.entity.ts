import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CARD_STATUSES = ['unassigned', 'active', 'lost', 'blocked', 'replaced'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];
export type CardKind = 'digital' | 'physical';

@Entity('cards')
export class Card {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  /** EAN-13 with an in-store ("2…") prefix; the QR code carries the same 13 digits. */
  @Column({ type: 'varchar', length: 13 })
  number: string;

  /** Null for a pre-printed card not yet handed out. */
  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind: CardKind;

  @Column({ name: 'batch_id', type: 'varchar', length: 36, nullable: true })
  batchId: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: CardStatus;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason: string | null;

  @Column({ name: 'replaced_by_id', type: 'varchar', length: 36, nullable: true })
  replacedById: string | null;

  /** When the card was given to its member. */
  @Column({ name: 'issued_at', type: 'datetime', precision: 3, nullable: true })
  issuedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
