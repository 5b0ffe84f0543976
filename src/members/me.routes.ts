import { z } from 'zod';
import type { Api } from '../http/api';
import type { Principal } from '../http/principal';
import { AppError } from '../http/errors';
import { route } from '../http/route';
import {
  ChangeOut,
  changeView,
  ConsentsInput,
  ConsentsOut,
  consentHistoryView,
  consentsView,
  CurrentConsentsOut,
  JoinBody,
  MemberOut,
  memberView,
  PortalCodeParams,
  PortalPosterOut,
  PortalShopOut,
  ProfileOut,
  profileView,
  SelfPatch,
  SignInCodeBody,
  SignInCodeParams,
  SignInOut,
  SignInVerifyBody,
} from './members.schemas';
import type { MembersService } from './members.service';
import type { MemberSignInService } from './member-sign-in.service';
import type { Merchant, MerchantsService } from '../merchants';

type MemberPrincipal = Principal & { kind: 'member' };

/** A member route is only reachable by member principals (access: { member: true }). */
function asMember(principal: Principal): MemberPrincipal {
  if (principal.kind !== 'member') throw new Error('member route reached by a non-member principal');
  return principal;
}

function shopView(m: Merchant) {
  return { id: m.id, name: m.name, brandColor: m.brandColor, locale: m.locale, currency: m.currency };
}

/** Portal sign-in with a one-time code, self sign-up, the shop's poster, and the member's self-service. */
export function meRoutes(api: Api<{ members: MembersService; memberSignIn: MemberSignInService; merchants: MerchantsService }>): void {
  const { members, memberSignIn, merchants } = api.services;

  /** A shop whose portal is open: 404 for an unknown id and for a suspended shop alike. */
  async function openShop(merchantId: string): Promise<Merchant> {
    const merchant = await merchants.getMerchant(merchantId);
    if (merchant.suspendedAt) throw new AppError('NOT_FOUND', 'shop not found');
    return merchant;
  }

  route(api, {
    method: 'get',
    path: '/v1/portal/:merchantId',
    summary: "The shop's portal face (name, colour, language, currency) for its sign-in and join pages; 404 for an unknown address",
    tag: 'portal',
    access: 'public',
    params: SignInCodeParams,
    response: PortalShopOut,
    handler: async ({ params }) => shopView(await openShop(params.merchantId)),
  });

  route(api, {
    method: 'get',
    path: '/v1/portal/codes/:code',
    summary: "The shop of a poster's short address (/j/CODE)",
    tag: 'portal',
    access: 'public',
    params: PortalCodeParams,
    response: PortalShopOut,
    handler: async ({ params }) => {
      const merchant = await merchants.merchantByPortalCode(params.code);
      if (merchant.suspendedAt) throw new AppError('NOT_FOUND', 'shop not found');
      return shopView(merchant);
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/portal/:merchantId/join',
    summary: 'Join the shop from its poster: sends a one-time code; the member is enrolled (with these consents) when the code is verified at sign-in/verify',
    tag: 'portal',
    access: 'public',
    params: SignInCodeParams,
    body: JoinBody,
    status: 202,
    response: z.object({ sent: z.literal(true) }),
    handler: async ({ params, body, req }) => {
      const to = body.phone !== undefined ? { phone: body.phone } : { email: body.email as string };
      const details = { firstName: body.firstName.trim(), lastName: body.lastName?.trim() || null, locale: body.locale ?? null, consents: body.consents };
      await memberSignIn.requestJoin(params.merchantId, to, details, req.ip ?? 'unknown');
      return { sent: true as const };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/portal-poster',
    summary: "What the shop's printable poster shows: the join QR's path and the short address (gives the shop its short code on first use)",
    tag: 'portal',
    access: { staff: ['owner', 'manager'] },
    response: PortalPosterOut,
    handler: async ({ principal }) => {
      const code = await merchants.portalCode(principal.merchantId);
      const merchant = await merchants.getMerchant(principal.merchantId);
      const portalPath = `/portal/${merchant.id}`;
      return { shop: shopView(merchant), portalPath, joinPath: `${portalPath}/join`, shortPath: `/j/${code}`, code };
    },
  });

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
