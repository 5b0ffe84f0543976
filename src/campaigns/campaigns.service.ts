import { MoreThan, type EntityManager } from 'typeorm';
import { hashSeed } from '../analytics';
import { audit } from '../audit';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import type { PurchaseFigures, Window } from '../purchases';
import type { SegmentsService } from '../segments';
import { CampaignMember } from './campaign-member.entity';
import { Campaign } from './campaign.entity';
import type { CampaignEstimateView, CampaignReportView, CampaignView, CreateCampaignInput } from './campaigns.schemas';
import { isInHoldout } from './holdout';
import { campaignReturn, estimateLift, type LiftEstimate } from './lift';
import { minimumDetectableLift } from './power';

/** Members read, drawn or measured per step: memory stays flat whatever the audience. */
const PAGE = 1000;
/** Below this many members in either group a lift is not worth computing. */
export const MIN_GROUP = 30;
/** A campaign that can only see lifts above this share of the typical spend is flagged before launch. */
const TOO_SMALL_LIFT = 0.1;

export interface CampaignsServiceUses {
  purchaseFigures: PurchaseFigures;
  segments: SegmentsService;
}

type Lift = NonNullable<CampaignReportView['spend']>;

/** One group's outcomes per member, in the order the members were read. */
interface GroupSeries {
  spendBefore: number[];
  spendDuring: number[];
  spendAfter: number[];
  visitsBefore: number[];
  visitsDuring: number[];
}

/**
 * Campaigns measured against a random holdout (docs/campaigns.md): created
 * as drafts over a segment, launched (each member drawn into the treated or
 * the holdout group once, in one transaction), and reported as treated
 * against holdout with bootstrap intervals.
 */
export class CampaignsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: CampaignsServiceUses,
  ) {}

  async create(principal: Principal, input: CreateCampaignInput, now = new Date()): Promise<CampaignView> {
    const merchantId = principal.merchantId;
    await this.use.segments.get(merchantId, input.segmentId);
    const campaign: Campaign = {
      id: newId(now.getTime()),
      merchantId,
      name: input.name,
      segmentId: input.segmentId,
      status: 'draft',
      holdoutPercent: input.holdoutPercent,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      marginPercent: input.marginPercent,
      costMinor: input.costMinor,
      treatedCount: 0,
      holdoutCount: 0,
      createdAt: now,
      launchedAt: null,
      endedAt: null,
    };
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(Campaign, campaign);
      await audit(tx, merchantId, principal, { action: 'campaign.create', entity: 'campaign', entityId: campaign.id, data: { name: campaign.name, segmentId: campaign.segmentId } }, now);
    });
    return campaignView(campaign);
  }

  async list(merchantId: string): Promise<CampaignView[]> {
    const campaigns = await this.deps.db.manager.find(Campaign, { where: { merchantId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return campaigns.map(campaignView);
  }

  async get(merchantId: string, campaignId: string): Promise<CampaignView> {
    return campaignView(await this.find(this.deps.db.manager, merchantId, campaignId));
  }

  /**
   * Before launch: how many members it reaches, and the smallest lift in spend
   * per member it could tell from chance, from the audience's spend over the
   * last period as long as the campaign.
   */
  async estimate(merchantId: string, campaignId: string, now = new Date()): Promise<CampaignEstimateView> {
    const campaign = await this.find(this.deps.db.manager, merchantId, campaignId);
    const baseline = { from: new Date(now.getTime() - lengthOf(campaign)), to: now };
    let n = 0;
    let sum = 0;
    let sumSquares = 0;
    for await (const memberIds of this.segmentPages(merchantId, campaign.segmentId, this.deps.db.manager)) {
      const activity = await this.use.purchaseFigures.memberActivity(merchantId, memberIds, [baseline]);
      for (const id of memberIds) {
        const spend = activity.get(id)?.spendMinor[0] ?? 0;
        n++;
        sum += spend;
        sumSquares += spend * spend;
      }
    }
    const holdout = Math.round((n * campaign.holdoutPercent) / 100);
    const mean = n > 0 ? sum / n : 0;
    const sd = n > 1 ? Math.sqrt(Math.max(0, (sumSquares - n * mean * mean) / (n - 1))) : 0;
    const lift = minimumDetectableLift({ treated: n - holdout, holdout, mean, sd });
    const finite = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
    const relative = finite(lift.relative);
    return {
      reach: n,
      treated: n - holdout,
      holdout,
      baseline: { from: baseline.from.toISOString(), to: baseline.to.toISOString(), meanMinor: mean, sdMinor: sd },
      detectableLift: { perMemberMinor: finite(lift.absolute), relative },
      tooSmall: relative === null || relative > TOO_SMALL_LIFT,
    };
  }

  /**
   * Draws the audience into treated and holdout, once: the segment's members
   * at this moment, each by `isInHoldout` (deterministic per campaign and
   * member). A second launch finds the campaign launched and is refused.
   */
  async launch(principal: Principal, campaignId: string, now = new Date()): Promise<CampaignView> {
    const merchantId = principal.merchantId;
    const launched = await this.deps.db.transaction(async (tx) => {
      const campaign = await this.find(tx, merchantId, campaignId, true);
      if (campaign.status !== 'draft') throw new AppError('CAMPAIGN_STATUS_CONFLICT', `The campaign is ${campaign.status}: only a draft can be launched`);
      if (campaign.endsAt <= now) throw new AppError('CAMPAIGN_STATUS_CONFLICT', 'The campaign is already over: change its dates (create it anew) to launch it');
      let treated = 0;
      let holdout = 0;
      for await (const memberIds of this.segmentPages(merchantId, campaign.segmentId, tx)) {
        const rows = memberIds.map((memberId) => ({ campaignId, memberId, merchantId, holdout: isInHoldout(campaignId, memberId, campaign.holdoutPercent), assignedAt: now }));
        await tx.insert(CampaignMember, rows);
        const heldOut = rows.filter((r) => r.holdout).length;
        holdout += heldOut;
        treated += rows.length - heldOut;
      }
      const changes = { status: 'launched' as const, launchedAt: now, treatedCount: treated, holdoutCount: holdout };
      await tx.update(Campaign, { merchantId, id: campaignId }, changes);
      await audit(tx, merchantId, principal, { action: 'campaign.launch', entity: 'campaign', entityId: campaignId, data: { treated, holdout } }, now);
      return { ...campaign, ...changes };
    });
    return campaignView(launched);
  }

  /** Stops a launched campaign now: it is measured up to this moment. */
  async end(principal: Principal, campaignId: string, now = new Date()): Promise<CampaignView> {
    const merchantId = principal.merchantId;
    const ended = await this.deps.db.transaction(async (tx) => {
      const campaign = await this.find(tx, merchantId, campaignId, true);
      if (campaign.status !== 'launched') throw new AppError('CAMPAIGN_STATUS_CONFLICT', `The campaign is ${campaign.status}: only a launched campaign can be ended`);
      const changes = { status: 'ended' as const, endedAt: now, endsAt: now < campaign.endsAt ? now : campaign.endsAt };
      await tx.update(Campaign, { merchantId, id: campaignId }, changes);
      await audit(tx, merchantId, principal, { action: 'campaign.end', entity: 'campaign', entityId: campaignId }, now);
      return { ...campaign, ...changes };
    });
    return campaignView(ended);
  }

  /**
   * Treated against holdout: spend, visits and response during the campaign
   * (each CUPED-adjusted with the same measure over as long a period before
   * it), spend in as long a period after it once that has begun, and the
   * campaign's incremental margin and ROI. Read page by page along the
   * campaign's members.
   */
  async report(merchantId: string, campaignId: string, now = new Date()): Promise<CampaignReportView> {
    const campaign = await this.find(this.deps.db.manager, merchantId, campaignId);
    const length = lengthOf(campaign);
    const during = { from: campaign.startsAt, to: new Date(Math.min(campaign.endsAt.getTime(), now.getTime())) };
    const before = { from: new Date(campaign.startsAt.getTime() - length), to: campaign.startsAt };
    const after = now > campaign.endsAt ? { from: campaign.endsAt, to: new Date(Math.min(campaign.endsAt.getTime() + length, now.getTime())) } : null;
    const base = {
      campaignId,
      status: campaign.status,
      during: windowView(during),
      before: windowView(before),
      after: after && windowView(after),
      treatedMembers: campaign.treatedCount,
      holdoutMembers: campaign.holdoutCount,
    };
    const nothing = { spend: null, visits: null, response: null, spendAfter: null, economics: null };
    const notYet = (message: string) => ({ ...base, enoughData: false, message, ...nothing });
    if (campaign.status === 'draft') return notYet('The campaign has not been launched: there are no groups to compare yet.');
    if (now <= campaign.startsAt) return notYet('The campaign has not started yet.');
    if (campaign.treatedCount < MIN_GROUP || campaign.holdoutCount < MIN_GROUP) {
      return notYet(`Too few members to measure: each group needs at least ${MIN_GROUP} (treated ${campaign.treatedCount}, holdout ${campaign.holdoutCount}).`);
    }

    const { treated, holdout } = await this.outcomes(merchantId, campaignId, after ? [before, during, after] : [before, during]);
    // Seeded by the campaign: the same data give the same report every time it is opened.
    const seed = hashSeed(campaignId);
    const lift = (pick: (g: GroupSeries) => [number[], number[]]) => {
      const [t, tBefore] = pick(treated);
      const [h, hBefore] = pick(holdout);
      return estimateLift({ treated: { outcome: t, before: tBefore }, holdout: { outcome: h, before: hBefore }, seed });
    };
    const responded = (visits: number[]) => visits.map((v) => (v > 0 ? 1 : 0));
    const spend = lift((g) => [g.spendDuring, g.spendBefore]);
    const money = campaignReturn(spend, { costMinor: campaign.costMinor, marginRate: campaign.marginPercent / 100 });
    return {
      ...base,
      enoughData: true,
      message: null,
      spend: liftView(spend),
      visits: liftView(lift((g) => [g.visitsDuring, g.visitsBefore])),
      response: liftView(lift((g) => [responded(g.visitsDuring), responded(g.visitsBefore)])),
      spendAfter: after ? liftView(lift((g) => [g.spendAfter, g.spendBefore])) : null,
      economics: { costMinor: campaign.costMinor, marginPercent: campaign.marginPercent, ...money },
    };
  }

  /** Each group's outcomes in the windows [before, during, after?], page by page along the campaign's members. */
  private async outcomes(merchantId: string, campaignId: string, windows: Window[]): Promise<{ treated: GroupSeries; holdout: GroupSeries }> {
    const series = (): GroupSeries => ({ spendBefore: [], spendDuring: [], spendAfter: [], visitsBefore: [], visitsDuring: [] });
    const groups = { treated: series(), holdout: series() };
    let after: string | null = null;
    for (;;) {
      const page: CampaignMember[] = await this.deps.db.manager.find(CampaignMember, {
        select: { memberId: true, holdout: true },
        where: { merchantId, campaignId, ...(after ? { memberId: MoreThan(after) } : {}) },
        order: { memberId: 'ASC' },
        take: PAGE,
      });
      if (!page.length) break;
      after = page[page.length - 1].memberId;
      const activity = await this.use.purchaseFigures.memberActivity(merchantId, page.map((m) => m.memberId), windows);
      for (const { memberId, holdout } of page) {
        const a = activity.get(memberId);
        const g = holdout ? groups.holdout : groups.treated;
        g.spendBefore.push(a?.spendMinor[0] ?? 0);
        g.spendDuring.push(a?.spendMinor[1] ?? 0);
        g.spendAfter.push(a?.spendMinor[2] ?? 0);
        g.visitsBefore.push(a?.visits[0] ?? 0);
        g.visitsDuring.push(a?.visits[1] ?? 0);
      }
    }
    return groups;
  }

  /** The segment's member ids, a page at a time. */
  private async *segmentPages(merchantId: string, segmentId: string, m: EntityManager): AsyncGenerator<string[]> {
    let after: string | null = null;
    for (;;) {
      const page = await this.use.segments.memberPage(merchantId, segmentId, after, PAGE, m);
      if (!page.length) return;
      yield page;
      after = page[page.length - 1];
    }
  }

  private async find(m: EntityManager, merchantId: string, campaignId: string, lock = false): Promise<Campaign> {
    const qb = m.createQueryBuilder(Campaign, 'c').where('c.merchant_id = :merchantId AND c.id = :campaignId', { merchantId, campaignId });
    if (lock && this.deps.db.isMysql) qb.setLock('pessimistic_write');
    return found(await qb.getOne(), 'campaign');
  }
}

function lengthOf(c: Campaign): number {
  return c.endsAt.getTime() - c.startsAt.getTime();
}

function windowView(w: Window): { from: string; to: string } {
  return { from: w.from.toISOString(), to: w.to.toISOString() };
}

function liftView(l: LiftEstimate): Lift {
  return { treatedMean: l.treatedMean, holdoutMean: l.holdoutMean, perMember: l.perMember, total: l.total, relative: l.relative, verdict: l.verdict, cuped: l.cuped.used };
}

function campaignView(c: Campaign): CampaignView {
  return {
    id: c.id,
    name: c.name,
    segmentId: c.segmentId,
    status: c.status,
    holdoutPercent: c.holdoutPercent,
    startsAt: c.startsAt.toISOString(),
    endsAt: c.endsAt.toISOString(),
    marginPercent: c.marginPercent,
    costMinor: c.costMinor,
    treatedCount: c.treatedCount,
    holdoutCount: c.holdoutCount,
    createdAt: c.createdAt.toISOString(),
    launchedAt: c.launchedAt?.toISOString() ?? null,
    endedAt: c.endedAt?.toISOString() ?? null,
  };
}
