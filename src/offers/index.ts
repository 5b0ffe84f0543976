import type { ActiveOfferSet, LimitRefusal, OfferSummary, OffersService } from './offers.service';
import type { CodeRefusalReason, OfferCodesService, ResolvedCode } from './offer-codes.service';
import type { PersonalOffersService } from './personal-offers.service';

export { CreateOfferBody, GiveOfferBody, GivenOut, OfferParams, RewardBought, RewardList } from './offers.schemas';
export type { ActiveOfferSet, CodeRefusalReason, LimitRefusal, OfferCodesService, OfferSummary, OffersService, PersonalOffersService, ResolvedCode };
