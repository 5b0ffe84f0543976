import type { Deps } from '../deps';
import { defineModule } from '../module';
import { PurchaseLine } from './purchase-line.entity';
import { PurchaseReturn } from './purchase-return.entity';
import { Purchase } from './purchase.entity';
import { purchasesRoutes } from './purchases.routes';
import { PurchaseBaskets } from './purchase-baskets.service';
import { MemberPurchaseSources, PurchaseFigures } from './purchase-figures.service';
import { purchasesSubscribers } from './purchases.subscribers';
import { PurchasesService, type PurchasesServiceUses } from './purchases.service';

/** Purchases recorded at the till, returns, voids and receipt claims. */
export const purchasesModule = defineModule({
  name: 'purchases',
  entities: [Purchase, PurchaseLine, PurchaseReturn],
  uses: ['catalogue', 'members', 'merchants', 'offers', 'points', 'rateLimits', 'rules'],
  create: (deps: Deps, use: PurchasesServiceUses) => ({
    purchases: new PurchasesService(deps, use),
    purchaseFigures: new PurchaseFigures(deps),
    purchaseBaskets: new PurchaseBaskets(deps),
    memberPurchaseSources: new MemberPurchaseSources(deps),
  }),
  routes: purchasesRoutes,
  subscribers: purchasesSubscribers,
});
