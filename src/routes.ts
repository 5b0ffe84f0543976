import type { Api } from './http/api';
import { cardsRoutes } from './cards/cards.routes';
import { meRoutes } from './members/me.routes';
import { membersRoutes } from './members/members.routes';
import { healthRoutes } from './health/health.routes';
import { authRoutes } from './auth/auth.routes';
import { merchantsRoutes } from './merchants/merchants.routes';
import { tillRoutes } from './till/till.routes';
import { purchasesRoutes } from './purchases/purchases.routes';
import { pointsRoutes } from './points/points.routes';
import { rulesRoutes } from './rules/rules.routes';
import { reportsRoutes } from './reports/reports.routes';
import { operatorsRoutes } from './operators/operators.routes';
import { webhooksRoutes } from './webhooks/webhooks.routes';

/** Every module's routes, mounted in this order. */
export function registerRoutes(api: Api): void {
  healthRoutes(api);
  membersRoutes(api);
  meRoutes(api);
  cardsRoutes(api);
  authRoutes(api);
  merchantsRoutes(api);
  tillRoutes(api);
  purchasesRoutes(api);
  pointsRoutes(api);
  rulesRoutes(api);
  reportsRoutes(api);
  operatorsRoutes(api);
  webhooksRoutes(api);
}
