import type { z } from 'zod';
import type { Api } from '../http/api';
import { ALL_STAFF, MANAGERS, type Principal } from '../http/principal';
import { route, validationError } from '../http/route';
import type { PointEntry } from './point-entry.entity';
import type { PointsAdjustments } from './adjustments.service';
import type { PointsService, PointsSummary } from './points.service';
import type { PointsReconciliation } from './reconciliation.service';
import {
  AdjustmentBody,
  AdjustmentHeaders,
  AdjustmentOut,
  EntriesQuery,
  type EntryOut,
  EntryPageOut,
  ExpiryScheduleOut,
  IdempotencyKeyValue,
  MemberPointsParams,
  ReconciliationOut,
  SummaryOut,
} from './points.schemas';
import type { MembersService } from '../members';

/** Balances and ledgers for staff and for the member, manager adjustments, and the owner's reconciliation. */
export function pointsRoutes(api: Api<{ points: PointsService; pointsAdjustments: PointsAdjustments; pointsReconciliation: PointsReconciliation; members: MembersService }>): void {
  const { points, pointsAdjustments, pointsReconciliation, members } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId/points',
    summary: "A member's points: available, pending, lifetime totals and points expiring soon",
    tag: 'points',
    access: { staff: ALL_STAFF },
    params: MemberPointsParams,
    response: SummaryOut,
    handler: async ({ principal, params }) => {
      await members.get(principal.merchantId, params.memberId);
      return summaryView(await points.summary(principal.merchantId, params.memberId));
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId/points/expiry',
    summary: "When a member's points expire: points per expiry date, soonest first (at most 24 dates), and points that never expire",
    tag: 'points',
    access: { staff: ALL_STAFF },
    params: MemberPointsParams,
    response: ExpiryScheduleOut,
    handler: async ({ principal, params }) => {
      await members.get(principal.merchantId, params.memberId);
      const schedule = await points.expirySchedule(principal.merchantId, params.memberId);
      return { items: schedule.items.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() })), neverExpire: schedule.neverExpire };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId/points/entries',
    summary: "A member's points ledger, newest first (page with `before`)",
    tag: 'points',
    access: { staff: ALL_STAFF },
    params: MemberPointsParams,
    query: EntriesQuery,
    response: EntryPageOut,
    handler: async ({ principal, params, query }) => {
      await members.get(principal.merchantId, params.memberId);
      const page = await points.entries(principal.merchantId, params.memberId, query);
      return { items: page.items.map(entryView), nextBefore: page.nextBefore };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/members/:memberId/points/adjustments',
    summary: 'Credit or take away points with a reason (owners and managers; audited; optional Idempotency-Key)',
    tag: 'points',
    access: { staff: MANAGERS },
    params: MemberPointsParams,
    body: AdjustmentBody,
    headers: AdjustmentHeaders,
    response: AdjustmentOut,
    status: 201,
    handler: async ({ principal, params, body, req, res }) => {
      const header = req.header('idempotency-key');
      let idempotencyKey: string | null = null;
      if (header !== undefined) {
        const parsed = IdempotencyKeyValue.safeParse(header);
        if (!parsed.success) throw validationError(parsed.error, 'headers.idempotency-key');
        idempotencyKey = parsed.data;
      }
      const result = await pointsAdjustments.adjust(principal, params.memberId, { ...body, idempotencyKey });
      const out = { entry: entryView(result.entry), balance: result.balance };
      if (!result.replay) return out;
      res.setHeader('Idempotent-Replay', 'true');
      res.status(200).json(out);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me/points',
    summary: 'My points: available, pending and expiring soon',
    tag: 'me',
    access: { member: true },
    response: SummaryOut,
    handler: async ({ principal }) => summaryView(await points.summary(principal.merchantId, memberIdOf(principal))),
  });

  route(api, {
    method: 'get',
    path: '/v1/me/points/expiry',
    summary: 'When my points expire: points per expiry date, soonest first (at most 24 dates), and points that never expire',
    tag: 'me',
    access: { member: true },
    response: ExpiryScheduleOut,
    handler: async ({ principal }) => {
      const schedule = await points.expirySchedule(principal.merchantId, memberIdOf(principal));
      return { items: schedule.items.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() })), neverExpire: schedule.neverExpire };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me/points/entries',
    summary: 'My points history, newest first',
    tag: 'me',
    access: { member: true },
    query: EntriesQuery,
    response: EntryPageOut,
    handler: async ({ principal, query }) => {
      const page = await points.entries(principal.merchantId, memberIdOf(principal), query);
      return { items: page.items.map(entryView), nextBefore: page.nextBefore };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/points/reconciliation',
    summary: 'Check every cached balance against its ledger and lots (owners)',
    tag: 'points',
    access: { staff: ['owner'] },
    response: ReconciliationOut,
    handler: async ({ principal }) => {
      const mismatches = await pointsReconciliation.reconcile(principal.merchantId);
      return { consistent: mismatches.length === 0, mismatches: mismatches.map(({ memberId, check, cached, ledger }) => ({ memberId, check, cached, ledger })) };
    },
  });
}

function memberIdOf(principal: Principal): string {
  if (principal.kind !== 'member') throw new Error('member route reached without a member principal');
  return principal.memberId;
}

function summaryView(s: PointsSummary): z.infer<typeof SummaryOut> {
  return {
    available: s.available,
    pending: s.pending,
    lifetimeEarned: s.lifetimeEarned,
    lifetimeRedeemed: s.lifetimeRedeemed,
    expiringSoon: s.expiringSoon ? { points: s.expiringSoon.points, expiresAt: s.expiringSoon.expiresAt.toISOString() } : null,
  };
}

function entryView(e: PointEntry): z.infer<typeof EntryOut> {
  return {
    id: e.id,
    kind: e.kind,
    points: e.points,
    sourceType: e.sourceType,
    sourceId: e.sourceId,
    reason: e.reason,
    actor: e.actor,
    occurredAt: e.occurredAt.toISOString(),
    createdAt: e.createdAt.toISOString(),
  };
}
