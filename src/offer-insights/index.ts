import type { OfferInsightsService } from './offer-insights.service';

export type { OfferSimulation } from './offer-insights.schemas';
export type { OfferInsightsService };
