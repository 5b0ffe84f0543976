import { subscriber } from '../events/subscriber';
import type { OffersService } from './offers.service';

/** A voided sale gives back its offer uses: they stop counting towards limits, budgets and the report. */
export const offerVoidsSubscriber = subscriber({
  name: 'offers.void-uses',
  events: ['purchase.voided'],
  async handle(events, services: { offers: OffersService }) {
    const byMerchant = new Map<string, string[]>();
    for (const event of events) byMerchant.set(event.merchantId, [...(byMerchant.get(event.merchantId) ?? []), event.data.purchaseId]);
    for (const [merchantId, purchaseIds] of byMerchant) await services.offers.releaseVoided(merchantId, purchaseIds);
  },
});

/** A merge moves the duplicate's offer uses to the member kept, as it moves purchases. */
export const offerMergesSubscriber = subscriber({
  name: 'offers.merge-uses',
  events: ['member.merged'],
  async handle(events, services: { offers: OffersService }) {
    for (const event of events) await services.offers.moveMemberUses(event.merchantId, event.data.fromMemberId, event.data.intoMemberId);
  },
});

export const offersSubscribers = [offerVoidsSubscriber, offerMergesSubscriber];
