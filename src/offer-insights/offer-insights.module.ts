import type { Deps } from '../deps';
import { defineModule } from '../module';
import { offerInsightsRoutes } from './offer-insights.routes';
import { OfferInsightsService, type OfferInsightsServiceUses } from './offer-insights.service';

/** Offers run over past sales before launch (docs/offers.md). Owns no tables: it reads sales through purchases and prices them with the offer engine. */
export const offerInsightsModule = defineModule({
  name: 'offer-insights',
  entities: [],
  uses: ['catalogue', 'merchants', 'offers', 'purchaseBaskets', 'rules', 'segments'],
  create: (_deps: Deps, use: OfferInsightsServiceUses) => ({ offerInsights: new OfferInsightsService(use) }),
  routes: offerInsightsRoutes,
});
