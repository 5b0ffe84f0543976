import type { ReportsService } from './reports.service';

export type { ReportsService };
