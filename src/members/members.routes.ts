import { z } from 'zod';
import type { Api } from '../http/api';
import { ALL_STAFF, MANAGERS } from '../http/principal';
import { route } from '../http/route';
import {
  ChangeOut,
  changeView,
  ConsentsOut,
  consentHistoryView,
  consentsView,
  EnrolBody,
  EnrolOut,
  MemberOut,
  MemberPageOut,
  MemberParams,
  MemberPatch,
  MemberSearchQuery,
  MergeBody,
  PosEnrolBody,
  ProfileOut,
  profileView,
  StatusBody,
  cardView,
  memberView,
} from './members.schemas';
import type { MembersService } from './members.service';

/** Members in the back office (staff) and enrolment at the till. */
export function membersRoutes(api: Api<{ members: MembersService }>): void {
  const { members } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/members',
    summary: 'Search members by name, phone, email, member number or card number',
    tag: 'members',
    access: { staff: ALL_STAFF },
    query: MemberSearchQuery,
    response: MemberPageOut,
    handler: async ({ principal, query }) => {
      const page = await members.search(principal.merchantId, query);
      return { items: page.items.map(memberView), total: page.total };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/members',
    summary: 'Enrol a member in the back office (a digital card is issued unless cardCode attaches a pre-printed one)',
    tag: 'members',
    access: { staff: ALL_STAFF },
    body: EnrolBody,
    response: EnrolOut,
    status: 201,
    handler: async ({ principal, body }) => {
      const { member, card } = await members.enrol(principal, body, 'back-office');
      return { member: memberView(member), card: cardView(card) };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/pos/members',
    summary: 'Enrol a member at the till in one call; consents are recorded with source till',
    tag: 'pos',
    access: { staff: ALL_STAFF, terminal: true },
    body: PosEnrolBody,
    response: EnrolOut,
    status: 201,
    handler: async ({ principal, body }) => {
      const { member, card } = await members.enrol(principal, body, 'till');
      return { member: memberView(member), card: cardView(card) };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId',
    summary: 'A member: profile, derived stats, completeness, consents and cards',
    tag: 'members',
    access: { staff: ALL_STAFF },
    params: MemberParams,
    response: ProfileOut,
    handler: async ({ principal, params }) => profileView(await members.profile(principal.merchantId, params.memberId)),
  });

  route(api, {
    method: 'patch',
    path: '/v1/members/:memberId',
    summary: 'Change profile fields; every change is kept in the history',
    tag: 'members',
    access: { staff: ALL_STAFF },
    params: MemberParams,
    body: MemberPatch,
    response: MemberOut,
    handler: async ({ principal, params, body }) => memberView(await members.update(principal, params.memberId, body)),
  });

  route(api, {
    method: 'post',
    path: '/v1/members/:memberId/status',
    summary: 'Suspend, close or reactivate a membership (managers)',
    tag: 'members',
    access: { staff: MANAGERS },
    params: MemberParams,
    body: StatusBody,
    response: MemberOut,
    handler: async ({ principal, params, body }) => memberView(await members.setStatus(principal, params.memberId, body.status, body.reason ?? null)),
  });

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId/changes',
    summary: 'Profile change history: who, field, old, new, when',
    tag: 'members',
    access: { staff: ALL_STAFF },
    params: MemberParams,
    response: z.object({ items: z.array(ChangeOut) }),
    handler: async ({ principal, params }) => ({ items: (await members.changes(principal.merchantId, params.memberId)).map(changeView) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId/consents',
    summary: 'Current consents and their full history',
    tag: 'members',
    access: { staff: ALL_STAFF },
    params: MemberParams,
    response: ConsentsOut,
    handler: async ({ principal, params }) => {
      const { current, history } = await members.consents(principal.merchantId, params.memberId);
      return { current: consentsView(current), history: consentHistoryView(history) };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/members/:memberId/merge',
    summary: 'Merge this member into another (managers): cards, points and purchases move; this member is closed',
    tag: 'members',
    access: { staff: MANAGERS },
    params: MemberParams,
    body: MergeBody,
    response: z.object({ member: MemberOut, cardsMoved: z.number().int() }),
    handler: async ({ principal, params, body }) => {
      const { member, cardsMoved } = await members.merge(principal, params.memberId, body.intoMemberId);
      return { member: memberView(member), cardsMoved };
    },
  });
}
