import { z } from 'zod';
import { nameText, TEXT_LIMITS } from '../db/text-limits';

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time');

export const CreateCampaignBody = z
  .strictObject({
    name: nameText(TEXT_LIMITS.businessName),
    segmentId: z.uuid().describe('The audience: a segment of the merchant'),
    holdoutPercent: z.number().int().min(1).max(50).default(10).describe('Share of the audience kept back, drawn at random at launch'),
    startsAt: instant,
    endsAt: instant,
    marginPercent: z.number().int().min(0).max(100).default(30).describe('Gross margin on incremental sales, for incremental margin and ROI'),
    costMinor: z.number().int().min(0).max(1_000_000_000).default(0).describe('Costs the till does not record (printing, messages), minor units'),
  })
  .refine((b) => new Date(b.endsAt) > new Date(b.startsAt), { path: ['endsAt'], message: 'must be after startsAt' });

export const CampaignParams = z.strictObject({ campaignId: z.uuid() });

export const CampaignOut = z.object({
  id: z.string(),
  name: z.string(),
  segmentId: z.string(),
  status: z.enum(['draft', 'launched', 'ended']),
  holdoutPercent: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  marginPercent: z.number().int(),
  costMinor: z.number().int(),
  treatedCount: z.number().int(),
  holdoutCount: z.number().int(),
  createdAt: z.string(),
  launchedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});

export const CampaignList = z.object({ items: z.array(CampaignOut) });

export const CampaignEstimate = z.object({
  reach: z.number().int().describe('Members in the audience now'),
  treated: z.number().int(),
  holdout: z.number().int(),
  baseline: z.object({ from: z.string(), to: z.string(), meanMinor: z.number(), sdMinor: z.number() }).describe("The audience's spend per member over a past period as long as the campaign"),
  detectableLift: z
    .object({ perMemberMinor: z.number().nullable(), relative: z.number().nullable() })
    .describe('The smallest lift in spend per member this campaign can tell from chance (95 % confidence, 80 % power); null: cannot be measured at all'),
  tooSmall: z.boolean().describe('True when only lifts above 10 % of the typical spend could be seen'),
});

const Interval = z.object({ estimate: z.number(), low: z.number(), high: z.number() });
const Verdict = z.enum(['lift', 'loss', 'not_proven']);

const Lift = z.object({
  treatedMean: z.number(),
  holdoutMean: z.number(),
  perMember: Interval,
  total: Interval,
  relative: Interval.nullable(),
  verdict: Verdict.describe('not_proven: the 95 % interval spans zero'),
  cuped: z.boolean().describe('Narrowed with each member’s pre-period value (CUPED)'),
});

export const CampaignReport = z.object({
  campaignId: z.string(),
  status: z.enum(['draft', 'launched', 'ended']),
  during: z.object({ from: z.string(), to: z.string() }),
  before: z.object({ from: z.string(), to: z.string() }),
  after: z.object({ from: z.string(), to: z.string() }).nullable(),
  treatedMembers: z.number().int(),
  holdoutMembers: z.number().int(),
  enoughData: z.boolean(),
  message: z.string().nullable().describe('Why there is no lift to show yet, when so'),
  spend: Lift.nullable().describe('Net spend per member during the campaign, minor units'),
  visits: Lift.nullable().describe('Purchases per member during the campaign'),
  response: Lift.nullable().describe('Share of members who bought at least once during the campaign'),
  spendAfter: Lift.nullable().describe('Spend per member in as long a period after the campaign (does the lift last?)'),
  economics: z
    .object({ costMinor: z.number().int(), marginPercent: z.number().int(), incrementalMargin: Interval, roi: Interval.nullable(), verdict: Verdict })
    .nullable(),
});

export type CreateCampaignInput = z.infer<typeof CreateCampaignBody>;
export type CampaignView = z.infer<typeof CampaignOut>;
export type CampaignEstimateView = z.infer<typeof CampaignEstimate>;
export type CampaignReportView = z.infer<typeof CampaignReport>;
