import { z } from 'zod';
import type { Api } from '../http/api';
import type { Principal } from '../http/principal';
import { route } from '../http/route';
import {
  CardOut,
  ChangeOut,
  changeView,
  CompletenessOut,
  ConsentsInput,
  ConsentsOut,
  consentHistoryView,
  consentsView,
  CurrentConsentsOut,
  MemberOut,
  memberView,
  ProfileOut,
  profileView,
  SelfPatch,
  SignInCodeBody,
  SignInCodeParams,
  SignInOut,
  SignInVerifyBody,
  StatsOut,
  cardView,
  statsView,
} from './members.schemas';
import type { MembersService } from './members.service';
import type { MemberSignInService } from './member-sign-in.service';

type MemberPrincipal = Principal & { kind: 'member' };

/** A member route is only reachable by member principals (access: { member: true }). */
function asMember(principal: Principal): MemberPrincipal {
  if (principal.kind !== 'member') throw new Error('member route reached by a non-member principal');
  return principal;
}

/** Portal sign-in with a one-time code, and the member's self-service. */
export function meRoutes(api: Api<{ members: MembersService; memberSignIn: MemberSignInService }>): void {
  const { members, memberSignIn } = api.services;

  route(api, {
    method: 'post',
    path: '/v1/portal/:merchantId/sign-in/code',
    summary: 'Send a one-time sign-in code by SMS or email; always 202, whether or not a member exists',
    tag: 'portal',
    access: 'public',
    params: SignInCodeParams,
    body: SignInCodeBody,
    status: 202,
    response: z.object({ sent: z.literal(true) }),
    handler: async ({ params, body, req }) => {
      const to = body.phone !== undefined ? { phone: body.phone } : { email: body.email as string };
      await memberSignIn.requestCode(params.merchantId, to, req.ip ?? 'unknown');
      return { sent: true as const };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/portal/:merchantId/sign-in/verify',
    summary: 'Exchange the one-time code for a member access token',
    tag: 'portal',
    access: 'public',
    params: SignInCodeParams,
    body: SignInVerifyBody,
    response: SignInOut,
    handler: async ({ params, body, req }) => {
      const to = body.phone !== undefined ? { phone: body.phone } : { email: body.email as string };
      const result = await memberSignIn.verify(params.merchantId, to, body.code, req.ip ?? 'unknown');
      return { accessToken: result.accessToken, expiresIn: result.expiresIn, member: memberView(result.member) };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me',
    summary: 'My profile, stats, completeness, consents and cards',
    tag: 'portal',
    access: { member: true },
    response: ProfileOut,
    handler: async ({ principal }) => {
      const me = await members.self(asMember(principal));
      return profileView(await members.profile(me.merchantId, me.id));
    },
  });

  route(api, {
    method: 'patch',
    path: '/v1/me',
    summary: 'Change my profile (kept in my change history)',
    tag: 'portal',
    access: { member: true },
    body: SelfPatch,
    response: MemberOut,
    handler: async ({ principal, body }) => {
      const me = await members.self(asMember(principal));
      return memberView(await members.update(principal, me.id, body));
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me/changes',
    summary: 'My profile change history',
    tag: 'portal',
    access: { member: true },
    response: z.object({ items: z.array(ChangeOut) }),
    handler: async ({ principal }) => {
      const me = await members.self(asMember(principal));
      return { items: (await members.changes(me.merchantId, me.id)).map(changeView) };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me/consents',
    summary: 'My consents and their history',
    tag: 'portal',
    access: { member: true },
    response: ConsentsOut,
    handler: async ({ principal }) => {
      const me = await members.self(asMember(principal));
      const { current, history } = await members.consents(me.merchantId, me.id);
      return { current: consentsView(current), history: consentHistoryView(history) };
    },
  });

  route(api, {
    method: 'put',
    path: '/v1/me/consents',
    summary: 'Give or withdraw my consents (recorded with source portal)',
    tag: 'portal',
    access: { member: true },
    body: ConsentsInput,
    response: CurrentConsentsOut,
    handler: async ({ principal, body }) => {
      const me = await members.self(asMember(principal));
      return consentsView(await members.setConsents(principal, me.id, body, 'portal'));
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me/export',
    summary: 'Everything kept about me, as JSON',
    tag: 'portal',
    access: { member: true },
    response: z.object({
      member: MemberOut,
      stats: StatsOut,
      completeness: CompletenessOut,
      consents: CurrentConsentsOut,
      consentHistory: ConsentsOut.shape.history,
      changes: z.array(ChangeOut),
      cards: z.array(CardOut),
      points: z.object({ balance: z.unknown(), entries: z.array(z.unknown()) }),
      purchases: z.array(z.unknown()),
      exportedAt: z.string(),
    }),
    handler: async ({ principal }) => {
      const me = await members.self(asMember(principal));
      const data = await members.exportData({ kind: 'member', merchantId: me.merchantId, memberId: me.id });
      return {
        member: memberView(data.member),
        stats: statsView(data.stats),
        completeness: data.completeness,
        consents: consentsView(data.consents),
        consentHistory: consentHistoryView(data.consentHistory),
        changes: data.changes.map(changeView),
        cards: data.cards.map(cardView),
        points: data.points,
        purchases: data.purchases,
        exportedAt: data.exportedAt.toISOString(),
      };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/me/deletion-request',
    summary: 'Ask the shop to delete my data (staff handle it; the points ledger is kept)',
    tag: 'portal',
    access: { member: true },
    status: 202,
    response: z.object({ deletionRequestedAt: z.string() }),
    handler: async ({ principal }) => {
      const member = await members.requestDeletion(asMember(principal));
      return { deletionRequestedAt: (member.deletionRequestedAt as Date).toISOString() };
    },
  });
}
