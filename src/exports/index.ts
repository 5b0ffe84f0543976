import type { ExportsService } from './exports.service';

export type { ExportsService };
