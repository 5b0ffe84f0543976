import type { Deps } from '../deps';
import { defineModule } from '../module';
import { OfferCodeBatch } from './offer-code-batch.entity';
import { OfferCode } from './offer-code.entity';
import { OfferCodesService } from './offer-codes.service';
import { OfferCounter } from './offer-counter.entity';
import { OfferUse } from './offer-use.entity';
import { Offer } from './offer.entity';
import { offersRoutes } from './offers.routes';
import { OffersService } from './offers.service';
import { offersSubscribers } from './offers.subscribers';
import { OfferMember } from './offer-member.entity';
import { personalOffersRoutes } from './personal-offers.routes';
import { PersonalOffersService, type PersonalOffersServiceUses } from './personal-offers.service';

/** Offers per merchant (docs/offers.md): the back-office API, the active set the till prices with, limits, uses and coupon codes. */
export const offersModule = defineModule({
  name: 'offers',
  entities: [Offer, OfferCounter, OfferUse, OfferCode, OfferCodeBatch, OfferMember],
  uses: ['members'],
  create: (deps: Deps, use: PersonalOffersServiceUses) => ({ offers: new OffersService(deps), offerCodes: new OfferCodesService(deps), personalOffers: new PersonalOffersService(deps, use) }),
  routes: (api) => {
    offersRoutes(api);
    personalOffersRoutes(api);
  },
  subscribers: offersSubscribers,
});
