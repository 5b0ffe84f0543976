import { analyticsModule } from './analytics/analytics.module';
import { auditModule } from './audit/audit.module';
import { authModule } from './auth/auth.module';
import { cardsModule } from './cards/cards.module';
import { catalogueModule } from './catalogue/catalogue.module';
import { statisticsModule } from './db/statistics.module';
import { exportsModule } from './exports/exports.module';
import { feedbackModule } from './feedback/feedback.module';
import { forecastsModule } from './forecasts/forecasts.module';
import { healthModule } from './health/health.module';
import { importsModule } from './imports/imports.module';
import { outboxModule } from './jobs/outbox.module';
import { membersModule } from './members/members.module';
import { merchantsModule } from './merchants/merchants.module';
import { notificationsModule } from './notifications/notifications.module';
import { offerInsightsModule } from './offer-insights/offer-insights.module';
import { offersModule } from './offers/offers.module';
import { operatorsModule } from './operators/operators.module';
import { pointsModule } from './points/points.module';
import { purchasesModule } from './purchases/purchases.module';
import { rateLimitsModule } from './rate-limits/rate-limits.module';
import { reportsModule } from './reports/reports.module';
import { rulesModule } from './rules/rules.module';
import { segmentsModule } from './segments/segments.module';
import { campaignsModule } from './campaigns/campaigns.module';
import { tillModule } from './till/till.module';
import { webhooksModule } from './webhooks/webhooks.module';
import type { ServicesOf } from './module';

/**
 * The composition root: every module of Tally, and nothing else. Processes
 * and tests build the app, the jobs and the DataSource from this list (see
 * `composeModules`); routes are mounted in this order.
 */
export const modules = [
  healthModule,
  membersModule,
  cardsModule,
  authModule,
  merchantsModule,
  auditModule,
  tillModule,
  offersModule,
  catalogueModule,
  purchasesModule,
  pointsModule,
  rulesModule,
  reportsModule,
  operatorsModule,
  webhooksModule,
  notificationsModule,
  outboxModule,
  statisticsModule,
  rateLimitsModule,
  importsModule,
  feedbackModule,
  exportsModule,
  analyticsModule,
  segmentsModule,
  campaignsModule,
  forecastsModule,
  offerInsightsModule,
] as const;

/** Every module's services by name: for processes, CLIs and tests; a service gets only what its module uses. */
export type Services = ServicesOf<typeof modules>;
