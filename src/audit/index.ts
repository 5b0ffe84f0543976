import type { AuditService } from './audit.service';

export { audit, type AuditInput } from './audit.service';
export type { AuditService };
