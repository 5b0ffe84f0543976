import type { Deps } from '../deps';
import { defineModule } from '../module';
import type { MerchantsService } from '../merchants';
import type { RateLimitsService } from '../rate-limits';
import { CardAlias } from './card-alias.entity';
import { CardBatch } from './card-batch.entity';
import { CardStatusChange } from './card-status-change.entity';
import { Card } from './card.entity';
import { cardsRoutes } from './cards.routes';
import { CardsService, type CardsServiceUses } from './cards.service';

/** Member cards: pre-printed batches, digital cards, other systems' card codes, status changes, images. */
export const cardsModule = defineModule({
  name: 'cards',
  entities: [Card, CardAlias, CardBatch, CardStatusChange],
  uses: ['members', 'merchants', 'rateLimits'],
  create: (deps: Deps, use: CardsServiceUses & { merchants: MerchantsService; rateLimits: RateLimitsService }) => ({ cards: new CardsService(deps, use) }),
  routes: cardsRoutes,
});
