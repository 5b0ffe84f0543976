import type { Api } from '../http/api';
import { MANAGERS, type Principal } from '../http/principal';
import { route } from '../http/route';
import type { FeedbackService } from './feedback.service';
import {
  CaseCountsOut,
  CaseListOut,
  CaseListQuery,
  CaseOut,
  CaseParams,
  CasePatchBody,
  FollowUpOut,
  FollowUpQuery,
  InboxOut,
  InboxQuery,
  MemberAnswerBody,
  NoteBody,
  PendingOut,
  QuestionOut,
  ResolveBody,
  ScoresOut,
  ScoresQuery,
  SettingsBody,
  SettingsOut,
  TokenAnswerBody,
  TokenParams,
  WordsOut,
  WordsQuery,
} from './feedback.schemas';

const asMember = (p: Principal) => p as Principal & { kind: 'member' };

/**
 * Feedback: the receipt link's question (public, by the token printed on the
 * receipt), the portal's prompt, and the back office's inbox, cases and reports.
 */
export function feedbackRoutes(api: Api<{ feedback: FeedbackService }>): void {
  const { feedback } = api.services;
  const tag = 'feedback';
  const staff = { staff: MANAGERS };

  route(api, {
    method: 'get',
    path: '/v1/receipt-feedback/:token',
    summary: "The receipt link's question: shop, purchase, scale, and the answer and the case's resolution once there (no sign-in: the token is on the receipt)",
    tag,
    access: 'public',
    params: TokenParams,
    response: QuestionOut,
    handler: async ({ params, req }) => feedback.question(params.token, req.ip ?? 'unknown'),
  });

  route(api, {
    method: 'post',
    path: '/v1/receipt-feedback/:token',
    summary: 'Answer for the purchase on the receipt (once per purchase; rate limited per address and receipt)',
    tag,
    access: 'public',
    params: TokenParams,
    body: TokenAnswerBody,
    response: QuestionOut,
    status: 201,
    handler: async ({ params, body, req }) => feedback.answerByToken(params.token, body, req.ip ?? 'unknown'),
  });

  route(api, {
    method: 'get',
    path: '/v1/me/feedback/pending',
    summary: 'The portal prompt: my latest purchase of the last two weeks not answered yet',
    tag,
    access: { member: true },
    response: PendingOut,
    handler: async ({ principal }) => ({ pending: await feedback.pendingForMember(asMember(principal)) }),
  });

  route(api, {
    method: 'post',
    path: '/v1/me/feedback',
    summary: 'Answer for one of my purchases from the portal',
    tag,
    access: { member: true },
    body: MemberAnswerBody,
    response: QuestionOut,
    status: 201,
    handler: async ({ principal, body }) => {
      const { purchaseId, ...answer } = body;
      return feedback.answerAsMember(asMember(principal), purchaseId, answer);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/settings',
    summary: 'The question the shop asks (NPS or CSAT) and the days a case has until it is due',
    tag,
    access: staff,
    response: SettingsOut,
    handler: async ({ principal }) => feedback.settings(principal.merchantId),
  });

  route(api, {
    method: 'put',
    path: '/v1/feedback/settings',
    summary: 'Change the question or the days to a case’s due date (owners)',
    tag,
    access: { staff: ['owner'] },
    body: SettingsBody,
    response: SettingsOut,
    handler: async ({ principal, body }) => feedback.updateSettings(principal, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/answers',
    summary: 'The feedback inbox: answers newest first, with their case',
    tag,
    access: staff,
    query: InboxQuery,
    response: InboxOut,
    handler: async ({ principal, query }) => feedback.inbox(principal, query),
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/cases/counts',
    summary: 'Unresolved and overdue cases (the dashboard shows them)',
    tag,
    access: staff,
    response: CaseCountsOut,
    handler: async ({ principal }) => feedback.caseCounts(principal),
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/cases',
    summary: 'Cases by due date, by status, overdue or assignee',
    tag,
    access: staff,
    query: CaseListQuery,
    response: CaseListOut,
    handler: async ({ principal, query }) => feedback.cases(principal, query),
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/cases/:caseId',
    summary: 'One case with its answer, purchase, member and notes',
    tag,
    access: staff,
    params: CaseParams,
    response: CaseOut,
    handler: async ({ principal, params }) => feedback.getCase(principal, params.caseId),
  });

  route(api, {
    method: 'patch',
    path: '/v1/feedback/cases/:caseId',
    summary: 'Change an unresolved case: status, assignee, due date',
    tag,
    access: staff,
    params: CaseParams,
    body: CasePatchBody,
    response: CaseOut,
    handler: async ({ principal, params, body }) => feedback.updateCase(principal, params.caseId, body),
  });

  route(api, {
    method: 'post',
    path: '/v1/feedback/cases/:caseId/notes',
    summary: 'Add a staff note to a case',
    tag,
    access: staff,
    params: CaseParams,
    body: NoteBody,
    response: CaseOut,
    status: 201,
    handler: async ({ principal, params, body }) => feedback.addNote(principal, params.caseId, body.text),
  });

  route(api, {
    method: 'post',
    path: '/v1/feedback/cases/:caseId/resolve',
    summary: "Resolve a case with a message for the shopper (sent to their address in their language, and shown on the receipt link's page)",
    tag,
    access: staff,
    params: CaseParams,
    body: ResolveBody,
    response: CaseOut,
    handler: async ({ principal, params, body }) => feedback.resolve(principal, params.caseId, body.message),
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/reports/scores',
    summary: 'NPS or CSAT overall, by store and by week',
    tag,
    access: staff,
    query: ScoresQuery,
    response: ScoresOut,
    handler: async ({ principal, query }) => feedback.scores(principal, query),
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/reports/follow-up',
    summary: 'Visits and spend of promoters, passives and detractors in the weeks after the purchase they answered about, against the weeks before',
    tag,
    access: staff,
    query: FollowUpQuery,
    response: FollowUpOut,
    handler: async ({ principal, query }) => feedback.followUp(principal, query),
  });

  route(api, {
    method: 'get',
    path: '/v1/feedback/reports/words',
    summary: 'The words most used in comments, by band (word segmentation for Chinese and Thai too)',
    tag,
    access: staff,
    query: WordsQuery,
    response: WordsOut,
    handler: async ({ principal, query }) => feedback.words(principal, query),
  });
}
