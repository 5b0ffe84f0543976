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

export const offersSubscribers = [offerVoidsSubscriber];
