import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { AuditPage, AuditQuery } from './audit.schemas';
import type { AuditService } from './audit.service';

/** The merchant's audit log, for managers. */
export function auditRoutes(api: Api<{ audit: AuditService }>): void {
  const { audit } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/audit',
    summary: 'Audit log of staff and system actions, newest first',
    tag: 'audit',
    access: { staff: MANAGERS },
    query: AuditQuery,
    response: AuditPage,
    handler: async ({ principal, query }) => {
      const page = await audit.list(principal.merchantId, query);
      return {
        items: page.items.map((a) => ({ id: a.id, actorKind: a.actorKind, actorId: a.actorId, action: a.action, entity: a.entity, entityId: a.entityId, data: a.data, createdAt: a.createdAt.toISOString() })),
        total: page.total,
      };
    },
  });
}
