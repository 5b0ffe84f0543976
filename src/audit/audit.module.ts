import type { Deps } from '../deps';
import { defineModule } from '../module';
import { AuditEntry } from './audit-entry.entity';
import { auditRoutes } from './audit.routes';
import { AuditService } from './audit.service';

/** The append-only audit log of staff and system actions: other modules write to it with `audit(tx, …)`, managers read it. */
export const auditModule = defineModule({
  name: 'audit',
  entities: [AuditEntry],
  uses: [],
  create: (deps: Deps) => ({ audit: new AuditService(deps) }),
  routes: auditRoutes,
});
