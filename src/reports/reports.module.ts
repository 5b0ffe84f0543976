import type { Deps } from '../deps';
import { defineModule } from '../module';
import { reportsRoutes } from './reports.routes';
import { ReportsService, type ReportsServiceUses } from './reports.service';

/** Read-only figures for the back office dashboard. */
export const reportsModule = defineModule({
  name: 'reports',
  entities: [],
  uses: ['merchants', 'members', 'pointsFigures', 'purchaseFigures', 'rules'],
  create: (deps: Deps, use: ReportsServiceUses) => ({ reports: new ReportsService(deps, use) }),
  routes: reportsRoutes,
});
