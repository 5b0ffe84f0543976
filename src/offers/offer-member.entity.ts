import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A personal offer given to a member; the till applies it once it is activated, or at once when the offer asks for no activation. */
@Entity('offer_members')
export class OfferMember {
  @PrimaryColumn({ name: 'offer_id', type: 'varchar', length: 36 })
  offerId: string;

  @PrimaryColumn({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ name: 'given_at', type: 'datetime', precision: 3 })
  givenAt: Date;

  /** When the member activated it in the portal; null: not (yet). */
  @Column({ name: 'activated_at', type: 'datetime', precision: 3, nullable: true })
  activatedAt: Date | null;
}
