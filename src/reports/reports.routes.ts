import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { DashboardOut, DashboardQuery } from './reports.schemas';
import type { ReportsService } from './reports.service';

/** Read-only reporting for the back office. */
export function reportsRoutes(api: Api<{ reports: ReportsService }>): void {
  const { reports } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/reports/dashboard',
    summary: 'Dashboard KPIs: members, activity, member vs anonymous sales, points issued and redeemed, points liability, weekly series',
    tag: 'reports',
    access: { staff: MANAGERS },
    query: DashboardQuery,
    response: DashboardOut,
    handler: async ({ principal, query }) => reports.dashboard(principal.merchantId, query),
  });
}
