import { subscriber } from '../events/subscriber';
import type { OffersService } from './offers.service';

/** A merge moves the duplicate's offer uses to the member kept, as it moves purchases. */
export const offerMergesSubscriber = subscriber({
  name: 'offers.merge-uses',
  events: ['member.merged'],
  async handle(events, services: { offers: OffersService }) {
    for (const event of events) await services.offers.moveMemberUses(event.merchantId, event.data.fromMemberId, event.data.intoMemberId);
  },
});

export const offersSubscribers = [offerMergesSubscriber];
