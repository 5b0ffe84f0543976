import { z } from 'zod';
import type { Api } from '../http/api';
import type { Principal } from '../http/principal';
import { route } from '../http/route';
import { MemberExportOut, memberView, type MembersService } from '../members';
import { EXPORT_KINDS, type ExportsService } from './exports.service';

const MemberFeedbackOut = z.array(
  z.object({
    purchaseId: z.string(),
    scale: z.string(),
    score: z.number().int(),
    comment: z.string().nullable(),
    complaint: z.boolean(),
    contact: z.string().nullable(),
    answeredAt: z.string(),
    resolution: z.string().nullable(),
  }),
);

/** CSV exports for owners (and their accountants), the member's data download, and erasure on a deletion request. */
export function exportsRoutes(api: Api<{ dataExports: ExportsService; members: MembersService }>): void {
  const { dataExports } = api.services;

  // Declared before ':kind.csv', which would otherwise take 'segment-members' as a kind and refuse it.
  route(api, {
    method: 'get',
    path: '/v1/exports/segment-members.csv',
    summary: "A segment's members as CSV, streamed, with the members export's columns (owners)",
    tag: 'exports',
    access: { staff: ['owner'] },
    query: z.strictObject({ segmentId: z.uuid() }),
    produces: 'text/csv',
    handler: async ({ principal, query, res }) => {
      const { segment, write } = await dataExports.segmentMembersCsv(principal, query.segmentId);
      const day = new Date().toISOString().slice(0, 10);
      res.type('text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="segment-${segment.id}-${day}.csv"`);
      await write(res);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/exports/:kind.csv',
    summary: "The merchant's members, purchases, points ledger or feedback as CSV, streamed (owners)",
    tag: 'exports',
    access: { staff: ['owner'] },
    params: z.strictObject({ kind: z.enum(EXPORT_KINDS) }),
    produces: 'text/csv',
    handler: async ({ principal, params, res }) => {
      const day = new Date().toISOString().slice(0, 10);
      res.type('text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${params.kind}-${day}.csv"`);
      await dataExports.csv(principal, params.kind, res);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me/export',
    summary: 'Everything kept about me, as JSON (profile, consents, changes, cards, points, purchases, feedback)',
    tag: 'portal',
    access: { member: true },
    response: MemberExportOut.extend({ feedback: MemberFeedbackOut }),
    handler: async ({ principal }) => dataExports.memberDownload(principal as Principal & { kind: 'member' }),
  });

  route(api, {
    method: 'post',
    path: '/v1/members/:memberId/erase',
    summary: "Erase a member's personal data on their deletion request: profile, history values, feedback comments and contact, message addresses; the ledger, purchases and cards stay (owners)",
    tag: 'members',
    access: { staff: ['owner'] },
    params: z.strictObject({ memberId: z.uuid() }),
    response: z.object({ member: z.unknown() }),
    handler: async ({ principal, params }) => ({ member: memberView(await dataExports.erase(principal, params.memberId)) }),
  });
}
