import { subscriber } from '../events/subscriber';
import type { PurchasesService } from './purchases.service';

/**
 * Keeps members' purchase stats (and their tier, evaluated with them) current:
 * every purchase event of a member, and a merge that moved purchases to one,
 * refreshes them. Coalesced by the relay round: the events delivered together
 * give each member one refresh, however many sales they had.
 */
export const memberStatsSubscriber = subscriber({
  name: 'purchases.member-stats',
  events: ['purchase.recorded', 'purchase.returned', 'purchase.voided', 'purchase.claimed', 'member.merged'],
  async handle(events, services: { purchases: PurchasesService }) {
    const byMerchant = new Map<string, string[]>();
    for (const event of events) {
      const memberId = event.type === 'member.merged' ? event.data.intoMemberId : event.data.memberId;
      if (memberId) byMerchant.set(event.merchantId, [...(byMerchant.get(event.merchantId) ?? []), memberId]);
    }
    for (const [merchantId, memberIds] of byMerchant) await services.purchases.refreshMemberStats(merchantId, memberIds);
  },
});

export const purchasesSubscribers = [memberStatsSubscriber];
