import { AuthService } from './auth/auth.service';
import { CardsService } from './cards/cards.service';
import { MemberSignInService } from './members/member-sign-in.service';
import { MembersService } from './members/members.service';
import { NotificationsService } from './notifications/notifications.service';
import { MerchantsService } from './merchants/merchants.service';
import { StaffService } from './merchants/staff.service';
import { TerminalsService } from './merchants/terminals.service';
import type { Deps } from './deps';
import { HealthService } from './health/health.service';
import { PlannerStatistics } from './db/statistics';
import { OutboxService } from './jobs/outbox.service';
import { PointsAdjustments } from './points/adjustments.service';
import { PointsService } from './points/points.service';
import { PointsReconciliation } from './points/reconciliation.service';
import { PurchasesService } from './purchases/purchases.service';
import { RulesService } from './rules/rules.service';
import { RateLimitsService } from './rate-limits/rate-limits.service';
import { TillLookupsService } from './till/till-lookups';
import { OperatorsService } from './operators/operators.service';
import { ReportsService } from './reports/reports.service';
import { WebhooksService } from './webhooks/webhooks.service';
import { TillService } from './till/till.service';

/**
 * Every service, built once. Services receive this object and reach other
 * modules through it at call time (never through their tables), so the order
 * of construction does not matter.
 */
export interface Services {
  health: HealthService;
  members: MembersService;
  memberSignIn: MemberSignInService;
  cards: CardsService;
  notifications: NotificationsService;
  auth: AuthService;
  merchants: MerchantsService;
  staff: StaffService;
  terminals: TerminalsService;
  outbox: OutboxService;
  statistics: PlannerStatistics;
  till: TillService;
  purchases: PurchasesService;
  points: PointsService;
  pointsAdjustments: PointsAdjustments;
  pointsReconciliation: PointsReconciliation;
  rules: RulesService;
  reports: ReportsService;
  rateLimits: RateLimitsService;
  tillLookups: TillLookupsService;
  operators: OperatorsService;
  webhooks: WebhooksService;
}

export function createServices(deps: Deps): Services {
  const services = {} as Services;
  Object.assign(services, {
    health: new HealthService(deps),
    members: new MembersService(deps, services),
    memberSignIn: new MemberSignInService(deps, services),
    cards: new CardsService(deps, services),
    notifications: new NotificationsService(deps),
    auth: new AuthService(deps, services),
    merchants: new MerchantsService(deps, services),
    staff: new StaffService(deps, services),
    terminals: new TerminalsService(deps, services),
    outbox: new OutboxService(deps),
    statistics: new PlannerStatistics(deps),
    till: new TillService(deps, services),
    purchases: new PurchasesService(deps, services),
    points: new PointsService(deps, services),
    pointsAdjustments: new PointsAdjustments(deps, services),
    pointsReconciliation: new PointsReconciliation(deps),
    rules: new RulesService(deps, services),
    reports: new ReportsService(deps, services),
    rateLimits: new RateLimitsService(deps),
    tillLookups: new TillLookupsService(deps, services),
    operators: new OperatorsService(deps, services),
    webhooks: new WebhooksService(deps),
  } satisfies Services);
  return services;
}
