import type { ImportsService, ImportResult } from './imports.service';

export type { ImportsService, ImportResult };
