import type { Api } from '../http/api';
import { ALL_STAFF } from '../http/principal';
import { route } from '../http/route';
import { merchantView, staffView } from '../merchants';
import {
  CashierSessionOut,
  CashierSignInBody,
  ChangePasswordBody,
  MeOut,
  RefreshBody,
  SessionOut,
  SetupBody,
  SetupStatusOut,
  SetupStatusQuery,
  SignInBody,
  TerminalPairingBody,
  TerminalPairingOut,
  TerminalSessionOut,
  TerminalTokenBody,
} from './auth.schemas';
import type { AuthService, CashierSession, Me, StaffSession, TerminalSession } from './auth.service';
import { failedAttemptLimit } from './rate-limit';

const TAG = 'auth';

export function authRoutes(api: Api<{ auth: AuthService }>): void {
  const auth = api.services.auth;
  // Separate counters: a burst of bad refresh tokens must not block staff from signing in.
  const signInLimit = failedAttemptLimit({ limit: 20, windowMinutes: 15 });
  const tokenLimit = failedAttemptLimit({ limit: 30, windowMinutes: 15 });
  const setupLimit = failedAttemptLimit({ limit: 10, windowMinutes: 15 });
  // The tills of a shop share its address: a cashier fumbling a PIN must not lock the owner's sign-in, nor the other way round.
  const pairingLimit = failedAttemptLimit({ limit: 10, windowMinutes: 15 });
  const pinLimit = failedAttemptLimit({ limit: 50, windowMinutes: 15 });

  route(api, {
    method: 'post',
    path: '/v1/auth/sign-in',
    summary: 'Staff sign-in with email and password (409 MERCHANT_CHOICE_REQUIRED lists the merchants when they open several; repeat with merchantId)',
    tag: TAG,
    access: 'public',
    before: [signInLimit],
    body: SignInBody,
    response: SessionOut,
    handler: async ({ body, req }) => sessionView(await auth.signIn(body, req.ip ?? 'unknown')),
  });

  route(api, {
    method: 'post',
    path: '/v1/auth/refresh',
    summary: 'Exchange a refresh token for a new access and refresh token (the old one is spent)',
    tag: TAG,
    access: 'public',
    before: [tokenLimit],
    body: RefreshBody,
    response: SessionOut,
    handler: async ({ body }) => sessionView(await auth.refresh(body.refreshToken)),
  });

  route(api, {
    method: 'post',
    path: '/v1/auth/sign-out',
    summary: 'Revoke the refresh token and every token of the same sign-in',
    tag: TAG,
    access: 'public',
    body: RefreshBody,
    status: 204,
    handler: async ({ body }) => {
      await auth.signOut(body.refreshToken);
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/auth/terminal-token',
    summary: "A till exchanges its API key (and a cashier's shift token, if one signed in) for a short-lived access token",
    tag: TAG,
    access: 'public',
    before: [tokenLimit],
    body: TerminalTokenBody,
    response: TerminalSessionOut,
    handler: async ({ body }) => terminalSessionView(await auth.terminalToken(body.apiKey, body.cashierToken)),
  });

  route(api, {
    method: 'post',
    path: '/v1/auth/terminal-pairing',
    summary: 'A till pairs with the one-time code shown in the back office: it gets a new API key (the old one stops) and a first access token',
    tag: TAG,
    access: 'public',
    before: [pairingLimit],
    body: TerminalPairingBody,
    response: TerminalPairingOut,
    handler: async ({ body, req }) => {
      const pairing = await auth.pairTerminal(body.code, req.ip ?? 'unknown');
      return { ...terminalSessionView(pairing.session), apiKey: pairing.apiKey };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/auth/cashier-sign-in',
    summary: 'A cashier signs in on a paired till with their PIN; every sale, return and void then records them',
    tag: TAG,
    access: { terminal: true },
    before: [pinLimit],
    body: CashierSignInBody,
    response: CashierSessionOut,
    handler: async ({ principal, body }) => cashierSessionView(await auth.cashierSignIn(principal, body.staffId, body.pin)),
  });

  route(api, {
    method: 'get',
    path: '/v1/auth/me',
    summary: 'The signed-in staff user, terminal or member, with the merchant',
    tag: TAG,
    access: { staff: ALL_STAFF, terminal: true, member: true },
    response: MeOut,
    handler: async ({ principal }) => meView(await auth.me(principal)),
  });

  route(api, {
    method: 'post',
    path: '/v1/auth/password',
    summary: 'Change your own password; other sessions end and a new session is returned',
    tag: TAG,
    access: { staff: ALL_STAFF },
    before: [signInLimit],
    body: ChangePasswordBody,
    response: SessionOut,
    handler: async ({ principal, body }) => sessionView(await auth.changePassword(principal, body.currentPassword, body.newPassword)),
  });

  route(api, {
    method: 'get',
    path: '/v1/setup',
    summary: "Whether first-run setup is still needed, and with ?token= which merchant an owner setup link is for",
    tag: TAG,
    access: 'public',
    query: SetupStatusQuery,
    response: SetupStatusOut,
    handler: async ({ query }) => ({ setupRequired: await auth.setupRequired(), invite: query.token ? await auth.setupInvite(query.token) : null }),
  });

  route(api, {
    method: 'post',
    path: '/v1/setup',
    summary: "Create an owner with a one-time setup token: on first run also the first merchant; with an operator's owner setup link, that merchant's owner",
    tag: TAG,
    access: 'public',
    before: [setupLimit],
    body: SetupBody,
    response: SessionOut,
    status: 201,
    handler: async ({ body }) => sessionView(await auth.setup(body)),
  });
}

function sessionView(s: StaffSession) {
  return { accessToken: s.accessToken, expiresIn: s.expiresIn, refreshToken: s.refreshToken, user: { ...staffView(s.user), merchantId: s.user.merchantId } };
}

function terminalSessionView(s: TerminalSession) {
  return { accessToken: s.accessToken, expiresIn: s.expiresIn, terminal: { id: s.terminal.id, name: s.terminal.name, storeId: s.terminal.storeId }, cashier: s.cashier };
}

function cashierSessionView(s: CashierSession) {
  return { accessToken: s.accessToken, expiresIn: s.expiresIn, cashierToken: s.cashierToken, cashierTokenExpiresIn: s.cashierTokenExpiresIn, cashier: s.cashier };
}

function meView(me: Me) {
  const merchant = merchantView(me.merchant);
  switch (me.kind) {
    case 'staff':
      return { kind: me.kind, merchant, user: { ...staffView(me.user), merchantId: me.user.merchantId } };
    case 'terminal':
      return {
        kind: me.kind,
        merchant,
        terminal: { id: me.terminal.id, name: me.terminal.name, storeId: me.terminal.storeId },
        store: { id: me.store.id, code: me.store.code, name: me.store.name },
        cashier: me.cashier,
      };
    case 'member':
      return { kind: me.kind, merchant, memberId: me.memberId };
  }
}
