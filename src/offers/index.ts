import type { ActiveOfferSet, LimitRefusal, OfferSummary, OffersService } from './offers.service';
import type { CodeRefusalReason, OfferCodesService, ResolvedCode } from './offer-codes.service';

export type { ActiveOfferSet, CodeRefusalReason, LimitRefusal, OfferCodesService, OfferSummary, OffersService, ResolvedCode };
