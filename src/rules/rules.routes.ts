import type { z } from 'zod';
import type { Api } from '../http/api';
import { ALL_STAFF, MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { MemberPointsParams } from '../points';
import { ProgramView, PutProgramBody } from './program.schemas';
import type { ProgramVersionView } from './rules.service';
import { MemberProgramOut, memberProgramView, TierProgressOut } from './rules.schemas';
import type { RulesService } from './rules.service';
import type { MembersService } from '../members';

/** The loyalty program (earning rules, promotions, tiers, redemption, expiry) and members' tiers. */
export function rulesRoutes(api: Api<{ rules: RulesService; members: MembersService }>): void {
  const { rules, members } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/program',
    summary: 'The loyalty program in force now (version 0 = the built-in default)',
    tag: 'program',
    access: { staff: MANAGERS },
    response: ProgramView,
    handler: async ({ principal }) => programView(await rules.current(principal.merchantId)),
  });

  route(api, {
    method: 'get',
    path: '/v1/program/versions',
    summary: 'Every saved version of the program, newest first',
    tag: 'program',
    access: { staff: MANAGERS },
    response: ProgramView.array(),
    handler: async ({ principal }) => (await rules.versions(principal.merchantId)).map(programView),
  });

  route(api, {
    method: 'put',
    path: '/v1/program',
    summary:
      'Save a new program version, in force from effectiveFrom (default now, never in the past). Owners may change everything; managers only promotions. Audited.',
    tag: 'program',
    access: { staff: MANAGERS },
    body: PutProgramBody,
    response: ProgramView,
    handler: async ({ principal, body }) =>
      programView(await rules.saveProgram(principal, { rules: body.rules, effectiveFrom: body.effectiveFrom ? new Date(body.effectiveFrom) : undefined })),
  });

  route(api, {
    method: 'get',
    path: '/v1/members/:memberId/tier',
    summary: "A member's tier and how far the next one is",
    tag: 'program',
    access: { staff: ALL_STAFF },
    params: MemberPointsParams,
    response: TierProgressOut,
    handler: async ({ principal, params }) => {
      await members.get(principal.merchantId, params.memberId);
      return rules.tierProgress(principal.merchantId, params.memberId);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/me/program',
    summary: 'How points work at my shop: earning, redemption, holding and expiry of the program in force',
    tag: 'me',
    access: { member: true },
    response: MemberProgramOut,
    handler: async ({ principal }) => memberProgramView(await rules.programAt(principal.merchantId, new Date())),
  });

  route(api, {
    method: 'get',
    path: '/v1/me/tier',
    summary: 'My tier and how far the next one is',
    tag: 'me',
    access: { member: true },
    response: TierProgressOut,
    handler: async ({ principal }) => {
      if (principal.kind !== 'member') throw new Error('member route reached without a member principal');
      return rules.tierProgress(principal.merchantId, principal.memberId);
    },
  });
}

function programView(v: ProgramVersionView): z.infer<typeof ProgramView> {
  return { version: v.version, effectiveFrom: v.effectiveFrom.toISOString(), createdBy: v.createdBy, rules: v.rules };
}
