import type { Deps } from '../deps';
import { defineModule } from '../module';
import { Merchant } from './merchant.entity';
import { merchantsRoutes } from './merchants.routes';
import { MerchantsService } from './merchants.service';
import { StaffUser } from './staff-user.entity';
import { StaffService, type StaffServiceUses } from './staff.service';
import { Store } from './store.entity';
import { Terminal } from './terminal.entity';
import { TerminalsService, type TerminalsServiceUses } from './terminals.service';

/** The merchant, its stores, staff accounts and terminals. */
export const merchantsModule = defineModule({
  name: 'merchants',
  entities: [Merchant, Store, StaffUser, Terminal],
  uses: ['auth'],
  create: (deps: Deps, use: StaffServiceUses & TerminalsServiceUses) => {
    const merchants = new MerchantsService(deps);
    return { merchants, staff: new StaffService(deps, merchants, use), terminals: new TerminalsService(deps, merchants, use) };
  },
  routes: merchantsRoutes,
});
