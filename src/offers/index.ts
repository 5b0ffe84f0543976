import type { ActiveOfferSet, LimitRefusal, OfferSummary, OffersService } from './offers.service';

export type { ActiveOfferSet, LimitRefusal, OfferSummary, OffersService };
