import type { Deps } from '../deps';
import { defineModule } from '../module';
import { OfferCounter } from './offer-counter.entity';
import { OfferUse } from './offer-use.entity';
import { Offer } from './offer.entity';
import { offersRoutes } from './offers.routes';
import { OffersService } from './offers.service';
import { offersSubscribers } from './offers.subscribers';

/** Offers per merchant (docs/offers.md): the back-office API, the active set the till prices with, limits and uses. */
export const offersModule = defineModule({
  name: 'offers',
  entities: [Offer, OfferCounter, OfferUse],
  uses: [],
  create: (deps: Deps) => ({ offers: new OffersService(deps) }),
  routes: offersRoutes,
  subscribers: offersSubscribers,
});
