import type { CardsService } from './cards.service';
export { CARD_STATUSES, type Card } from './card.entity';
export { isValidEan13 } from './card-number';

export type { CardsService };
