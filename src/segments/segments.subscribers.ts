import { subscriber } from '../events/subscriber';
import type { SegmentsService } from './segments.service';

/**
 * Keeps rules segments current between nightly refreshes: the members of a
 * relay round's purchase events (and a member's profile or consent change)
 * are checked against every rules segment of their merchant, those members only.
 */
export const segmentMembersSubscriber = subscriber({
  name: 'segments.refresh-members',
  events: ['purchase.recorded', 'purchase.returned', 'purchase.voided', 'purchase.claimed', 'member.updated'],
  async handle(events, services: { segments: SegmentsService }) {
    const byMerchant = new Map<string, Set<string>>();
    for (const event of events) {
      const memberId = event.data.memberId;
      if (!memberId) continue;
      byMerchant.set(event.merchantId, (byMerchant.get(event.merchantId) ?? new Set()).add(memberId));
    }
    const now = new Date();
    for (const [merchantId, memberIds] of byMerchant) await services.segments.refreshAll(merchantId, now, [...memberIds]);
  },
});

export const segmentsSubscribers = [segmentMembersSubscriber];
