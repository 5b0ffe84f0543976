import type { Deps } from '../deps';
import { defineModule } from '../module';
import { TillLookupsService, type TillLookupsServiceUses } from './till-lookups';
import { tillRoutes } from './till.routes';
import { TillService, type TillServiceUses } from './till.service';

/** The till workflow (card scan, member lookup, evaluate, commit), its lookup limits and the /v1/pos protocol. Owns no tables. */
export const tillModule = defineModule({
  name: 'till',
  entities: [],
  uses: ['analytics', 'cards', 'catalogue', 'members', 'merchants', 'notifications', 'offerCodes', 'offers', 'personalOffers', 'points', 'purchases', 'rateLimits', 'rules', 'segments', 'staff'],
  create: (deps: Deps, use: TillServiceUses & TillLookupsServiceUses) => ({ till: new TillService(deps, use), tillLookups: new TillLookupsService(deps, use) }),
  routes: tillRoutes,
});
