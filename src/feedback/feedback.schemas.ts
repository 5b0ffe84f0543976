import { z } from 'zod';
import { Email, pageSchema } from '../merchants';
import { TEXT_LIMITS } from '../db/text-limits';
import { CASE_STATUSES } from './feedback-case.entity';
import { FEEDBACK_LANGUAGES } from './messages';
import { BANDS, SCALES } from './scores';

const Flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const Page = { limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) };

export const TokenParams = z.strictObject({ token: z.string().min(1).max(64) });
export const CaseParams = z.strictObject({ caseId: z.uuid() });

/** The score is checked against the merchant's scale by the service (0–10 for NPS, 1–5 for CSAT). */
const answerShape = {
  score: z.number().int().min(0).max(10),
  comment: z.string().trim().max(TEXT_LIMITS.feedbackComment).optional(),
  complaint: z.boolean().optional(),
  language: z.enum(FEEDBACK_LANGUAGES).optional(),
};

export const TokenAnswerBody = z.strictObject({ ...answerShape, email: Email.optional() });
export const MemberAnswerBody = z.strictObject({ ...answerShape, purchaseId: z.uuid() });

const Range = z.object({ min: z.number().int(), max: z.number().int() });

export const QuestionOut = z.object({
  shop: z.object({ name: z.string(), locale: z.string(), brandColor: z.string().nullable() }),
  store: z.object({ name: z.string() }),
  purchase: z.object({ receiptNumber: z.string(), occurredAt: z.string() }),
  scale: z.enum(SCALES),
  range: Range,
  /** False once answered, for a voided sale, or after the answer window. */
  open: z.boolean(),
  closedReason: z.enum(['voided', 'expired']).nullable(),
  answer: z.object({ score: z.number().int(), comment: z.string().nullable(), complaint: z.boolean(), answeredAt: z.string() }).nullable(),
  /** The case the answer opened: its resolution is shown here whether or not the shopper left an address. */
  case: z.object({ status: z.enum(CASE_STATUSES), resolution: z.string().nullable(), resolvedAt: z.string().nullable() }).nullable(),
});

export const PendingOut = z.object({ pending: QuestionOut.extend({ token: z.string() }).nullable() });

export const SettingsOut = z.object({ scale: z.enum(SCALES), caseDueDays: z.number().int() });
export const SettingsBody = z.strictObject({ scale: z.enum(SCALES).optional(), caseDueDays: z.number().int().min(1).max(60).optional() });

const AnswerOut = z.object({
  id: z.string(),
  purchaseId: z.string(),
  storeId: z.string(),
  storeName: z.string().nullable(),
  memberId: z.string().nullable(),
  scale: z.enum(SCALES),
  score: z.number().int(),
  band: z.enum(BANDS),
  comment: z.string().nullable(),
  complaint: z.boolean(),
  language: z.string(),
  via: z.string(),
  hasContact: z.boolean(),
  purchasedAt: z.string(),
  answeredAt: z.string(),
});

const CaseSummaryOut = z.object({
  id: z.string(),
  status: z.enum(CASE_STATUSES),
  reason: z.enum(['detractor', 'complaint']),
  assigneeId: z.string().nullable(),
  dueAt: z.string(),
  overdue: z.boolean(),
  openedAt: z.string(),
  resolution: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolutionSentVia: z.enum(['email', 'sms']).nullable(),
});

export const InboxQuery = z.strictObject({ storeId: z.uuid().optional(), band: z.enum(BANDS).optional(), withComment: Flag.optional(), ...Page });
export const InboxOut = pageSchema(AnswerOut.extend({ case: CaseSummaryOut.nullable() }));

export const CaseListQuery = z.strictObject({
  status: z.enum([...CASE_STATUSES, 'unresolved']).optional(),
  overdue: Flag.optional(),
  assigneeId: z.uuid().optional(),
  ...Page,
});
export const CaseListOut = pageSchema(CaseSummaryOut.extend({ answer: AnswerOut }));
export const CaseCountsOut = z.object({ open: z.number().int(), overdue: z.number().int() });

export const CaseOut = CaseSummaryOut.extend({
  answer: AnswerOut.extend({ contact: z.string().nullable(), contactChannel: z.enum(['email', 'sms']).nullable() }),
  purchase: z.object({ id: z.string(), receiptNumber: z.string(), occurredAt: z.string(), totalMinor: z.number().int() }).nullable(),
  member: z.object({ id: z.string(), name: z.string(), memberNumber: z.string() }).nullable(),
  notes: z.array(z.object({ id: z.number().int(), authorId: z.string(), authorName: z.string(), text: z.string(), createdAt: z.string() })),
});

export const CasePatchBody = z
  .strictObject({ status: z.enum(['open', 'in_progress']).optional(), assigneeId: z.uuid().nullable().optional(), dueAt: z.iso.datetime({ offset: true }).optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field');
export const NoteBody = z.strictObject({ text: z.string().trim().min(1).max(TEXT_LIMITS.feedbackComment) });
export const ResolveBody = z.strictObject({ message: z.string().trim().min(1).max(TEXT_LIMITS.feedbackComment) });

export const ScoresQuery = z.strictObject({
  weeks: z.coerce.number().int().min(1).max(52).default(12),
  storeId: z.uuid().optional(),
  scale: z.enum(SCALES).optional(),
});
const ScoreRowOut = z.object({ key: z.string(), answers: z.number().int(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int(), score: z.number().nullable() });
export const ScoresOut = z.object({
  scale: z.enum(SCALES),
  total: ScoreRowOut,
  byStore: z.array(ScoreRowOut.extend({ name: z.string() })),
  byWeek: z.array(ScoreRowOut.extend({ weekStart: z.string() })),
});

export const FollowUpQuery = z.strictObject({
  /** Answers of the last `sinceWeeks` weeks… */
  sinceWeeks: z.coerce.number().int().min(1).max(104).default(26),
  /** …and what their members did in the `weeks` weeks after the purchase, against the same span before. */
  weeks: z.coerce.number().int().min(1).max(26).default(4),
});
export const FollowUpOut = z.object({
  weeks: z.number().int(),
  tooRecent: z.number().int(),
  churnRun: z
    .object({ id: z.string(), asOf: z.string() })
    .nullable()
    .describe("The analytics scoring run the churn risks come from: the newest finished one as of the report date (the merchant's today); null when there is none"),
  bands: z.array(
    z.object({
      band: z.enum(BANDS),
      answers: z.number().int(),
      visitsBefore: z.number().int(),
      visitsAfter: z.number().int(),
      spendBeforeMinor: z.number().int(),
      spendAfterMinor: z.number().int(),
      cameBack: z.number().nullable(),
      churnRisk: z.number().nullable().describe("Mean churn risk (0–100) in churnRun of the members of the band's answers, one value per answer; null with churnRiskReason"),
      churnScored: z.number().int().describe('Answers whose member churnRun gave a churn risk'),
      churnRiskReason: z.enum(['no_run', 'not_scored']).nullable().describe('Why churnRisk is null: no_run (no finished scoring run as of the report date) or not_scored (the run scored none of these members)'),
    }),
  ),
});

export const WordsQuery = z.strictObject({
  weeks: z.coerce.number().int().min(1).max(104).default(12),
  top: z.coerce.number().int().min(1).max(50).default(15),
  storeId: z.uuid().optional(),
});
export const WordsOut = z.object({ bands: z.array(z.object({ band: z.enum(BANDS), comments: z.number().int(), words: z.array(z.object({ word: z.string(), comments: z.number().int() })) })) });
