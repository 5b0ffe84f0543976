import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../db/columns';
import type { OfferDefinition } from '../../offer-engine';

export type OfferStatus = 'draft' | 'active' | 'paused' | 'ended';
export type LimitPeriod = 'day' | 'week' | 'month';

/** What the engine needs of a definition besides the id, name and priority, which are columns. */
export type StoredDefinition = Omit<OfferDefinition, 'id' | 'name' | 'priority'>;

/**
 * A merchant's offer: the engine's definition (validated with
 * `definitionProblem` on save) and what the engine does not know — its
 * status and the limits a sale must keep (total uses, uses per member per
 * period, a money budget).
 */
@Entity('offers')
export class Offer {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  status: OfferStatus;

  @Column({ type: 'int' })
  priority: number;

  /** Copied from the definition for listing. */
  @Column({ name: 'stacking_class', type: 'varchar', length: 16 })
  stackingClass: string;

  @Column({ name: 'trigger_kind', type: 'varchar', length: 16 })
  triggerKind: string;

  /** The schedule's local dates, copied from the definition for listing. */
  @Column({ name: 'starts_on', type: 'varchar', length: 10, nullable: true })
  startsOn: string | null;

  @Column({ name: 'ends_on', type: 'varchar', length: 10, nullable: true })
  endsOn: string | null;

  @Column({ type: 'simple-json' })
  definition: StoredDefinition;

  /** A `code` offer's public multi-use code (its row in offer_codes keeps it unique); null: single-use codes from batches only. */
  @Column({ name: 'public_code', type: 'varchar', length: 40, nullable: true })
  publicCode: string | null;

  /** A `personal` offer the member must activate in the portal before the till applies it. */
  @Column({ name: 'activation_required', type: 'boolean', default: false })
  activationRequired: boolean;

  /** A `code` offer in the rewards catalogue: what a member pays in points for one of its codes; null: not a reward. */
  @Column({ name: 'reward_points', type: 'int', nullable: true })
  rewardPoints: number | null;

  @Column({ name: 'max_uses', type: 'int', nullable: true })
  maxUses: number | null;

  @Column({ name: 'max_uses_per_member', type: 'int', nullable: true })
  maxUsesPerMember: number | null;

  @Column({ name: 'member_limit_period', type: 'varchar', length: 8, nullable: true })
  memberLimitPeriod: LimitPeriod | null;

  /** The most the offer may take off, summed over all sales, in minor units. */
  @Column({ name: 'budget_minor', type: 'bigint', nullable: true, transformer: bigintToNumber })
  budgetMinor: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;

  @Column({ name: 'activated_at', type: 'datetime', precision: 3, nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt: Date | null;
}

/** Whether a sale must lock the offer's counter: it has a limit that binds. */
export function isLimited(o: Pick<Offer, 'maxUses' | 'maxUsesPerMember' | 'budgetMinor'>): boolean {
  return o.maxUses !== null || o.maxUsesPerMember !== null || o.budgetMinor !== null;
}
