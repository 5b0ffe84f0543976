import { audit } from '../audit';
import type { Deps } from '../deps';
import { AppError } from '../http/errors';
import type { Principal } from '../http/principal';
import type { MembersService } from '../members';
import type { PointsService } from './points.service';
import { PointEntry } from './point-entry.entity';
import type { Balance } from './points.service';

/** The other modules' services this one calls. */
export interface PointsAdjustmentsUses { members: MembersService; points: PointsService }

/** Manual corrections of a member's points by staff: idempotent, with a reason, audited. */
export class PointsAdjustments {
  constructor(
    private readonly deps: Deps,
    private readonly services: PointsAdjustmentsUses,
  ) {}

  /** A manager's correction with a reason, audited. Negative adjustments cannot overdraw. */
  async adjust(
    principal: Principal,
    memberId: string,
    input: { points: number; reason: string; idempotencyKey: string | null },
    now = new Date(),
  ): Promise<{ entry: PointEntry; balance: Balance; replay: boolean }> {
    const merchantId = principal.merchantId;
    await this.services.members.get(merchantId, memberId);
    return this.deps.db.transaction(async (tx) => {
      const b = await this.services.points.lockBalance(tx, merchantId, memberId, now);
      if (input.idempotencyKey) {
        const earlier = await tx.findOneBy(PointEntry, { merchantId, sourceType: 'adjustment', sourceId: input.idempotencyKey });
        if (earlier) {
          if (earlier.memberId !== memberId || earlier.points !== input.points || earlier.reason !== input.reason) {
            throw new AppError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was used for a different adjustment');
          }
          return { entry: earlier, balance: b, replay: true };
        }
      }
      const { entryId, balance } = await this.services.points.adjust(tx, {
        merchantId,
        memberId,
        points: input.points,
        reason: input.reason,
        actor: actorOf(principal),
        sourceId: input.idempotencyKey,
        now,
      });
      await audit(tx, merchantId, principal, { action: 'points.adjust', entity: 'member', entityId: memberId, data: { points: input.points, reason: input.reason, entryId } }, now);
      const entry = await tx.findOneByOrFail(PointEntry, { id: entryId });
      return { entry, balance, replay: false };
    });
  }
}

function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'staff':
      return `staff:${p.userId}`;
    case 'terminal':
      return `terminal:${p.terminalId}`;
    case 'member':
      return `member:${p.memberId}`;
  }
}
