import type { Deps } from '../deps';
import { defineModule } from '../module';
import { Operator } from './operator.entity';
import { operatorsRoutes } from './operators.routes';
import { OperatorsService, type OperatorsServiceUses } from './operators.service';

/** Platform operators (a provider hosting many shops): their accounts, merchant creation and suspension. */
export const operatorsModule = defineModule({
  name: 'operators',
  entities: [Operator],
  uses: ['auth', 'merchants'],
  create: (deps: Deps, use: OperatorsServiceUses) => ({ operators: new OperatorsService(deps, use) }),
  routes: operatorsRoutes,
});
