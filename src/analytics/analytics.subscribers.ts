import { subscriber } from '../events/subscriber';
import type { MemberFactsService } from './member-facts.service';

/**
 * Keeps member facts current: every purchase event of a member, and a merge
 * (both members), recomputes their facts, once per member per relay round.
 */
export const memberFactsSubscriber = subscriber({
  name: 'analytics.member-facts',
  events: ['purchase.recorded', 'purchase.returned', 'purchase.voided', 'purchase.claimed', 'member.merged'],
  async handle(events, services: { memberFacts: MemberFactsService }) {
    const byMerchant = new Map<string, string[]>();
    for (const event of events) {
      const ids = event.type === 'member.merged' ? [event.data.fromMemberId, event.data.intoMemberId] : [event.data.memberId];
      for (const id of ids) if (id) byMerchant.set(event.merchantId, [...(byMerchant.get(event.merchantId) ?? []), id]);
    }
    for (const [merchantId, memberIds] of byMerchant) await services.memberFacts.refresh(merchantId, memberIds);
  },
});

export const analyticsSubscribers = [memberFactsSubscriber];
