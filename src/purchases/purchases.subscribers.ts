import { subscriber } from '../events/subscriber';
import type { PurchasesService } from './purchases.service';

/**
 * Keeps members' purchase stats (and their tier, evaluated with them) current:
 * every purchase event of a member, and a merge that moved purchases to one,
 * asks for a coalesced refresh.
 */
export const memberStatsSubscriber = subscriber({
  name: 'purchases.member-stats',
  events: ['purchase.recorded', 'purchase.returned', 'purchase.voided', 'purchase.claimed', 'member.merged'],
  async handle(event, services: { purchases: PurchasesService }) {
    const memberId = event.type === 'member.merged' ? event.data.intoMemberId : event.data.memberId;
    if (memberId) await services.purchases.requestMemberStatsRefresh(event.merchantId, memberId);
  },
});

export const purchasesSubscribers = [memberStatsSubscriber];
