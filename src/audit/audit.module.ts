import { defineModule } from '../module';
import { AuditEntry } from './audit-entry.entity';

/** The append-only audit log of staff and system actions; other modules write to it with `audit(tx, …)`. */
export const auditModule = defineModule({
  name: 'audit',
  entities: [AuditEntry],
  uses: [],
  create: () => ({}),
});
