import { LessThan, MoreThan, type EntityManager } from 'typeorm';
import type { AnalyticsService, MemberFactsService } from '../analytics';
import { audit } from '../audit';
import { sqlInstant, toInt } from '../db/columns';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import type { FeedbackService } from '../feedback';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import type { MembersService } from '../members';
import type { MemberPurchaseSources, SqlSource } from '../purchases';
import { SegmentMemberChange } from './segment-member-change.entity';
import { SegmentMember } from './segment-member.entity';
import { boundedSet, compileRules, type MemberSet } from './member-sets.repository';
import { conditionsOf, type SegmentCondition, type SegmentRules } from './segment-rules';
import { Segment } from './segment.entity';

export interface SegmentsUses {
  analytics: AnalyticsService;
  feedback: FeedbackService;
  memberFacts: MemberFactsService;
  memberPurchaseSources: MemberPurchaseSources;
  members: MembersService;
}

/** Rows inserted per statement when a segment's list is replaced. */
const INSERT_CHUNK = 500;

export interface SegmentView {
  id: string;
  name: string;
  kind: Segment['kind'];
  rules: SegmentRules | null;
  memberCount: number;
  refreshedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What rules select now, and what the owner should know about the answer. */
export interface RulesPreview {
  count: number;
  /** Conditions that can select nobody yet, e.g. scores before the first scoring run. */
  warnings: { code: 'NO_SCORES'; message: string }[];
}

const DAY_MS = 86_400_000;

/**
 * Groups of members an owner targets. A static segment is a list, replaced
 * whole by an upload (`imports`), so its members are exactly the last file's.
 * Campaigns read a segment's members page by page; offers ask which segments
 * a member is in.
 */
export class SegmentsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: SegmentsUses,
  ) {}

  /** A static segment (members from a CSV upload), or with rules a rules segment, filled at once. */
  async create(principal: Principal, input: { name: string; rules?: SegmentRules }, now = new Date()): Promise<SegmentView> {
    const segment: Segment = {
      id: newId(now.getTime()),
      merchantId: principal.merchantId,
      name: input.name,
      kind: input.rules ? 'rules' : 'static',
      rules: input.rules ?? null,
      refreshedAt: null,
      memberCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(Segment, segment);
      await audit(tx, segment.merchantId, principal, { action: 'segment.create', entity: 'segment', entityId: segment.id, data: { name: segment.name, kind: segment.kind } }, now);
    });
    return input.rules ? this.refresh(segment.merchantId, segment.id, now) : segmentView(segment);
  }

  /** Renames a segment or changes a rules segment's rules (then refreshed at once; the change history shows who moved). */
  async update(principal: Principal, segmentId: string, patch: { name?: string; rules?: SegmentRules }, now = new Date()): Promise<SegmentView> {
    const segment = await this.find(principal.merchantId, segmentId);
    if (patch.rules && segment.kind !== 'rules') {
      throw new AppError('VALIDATION_FAILED', 'A static segment holds an uploaded list, not rules', [{ path: 'body.rules', message: 'only a rules segment has rules' }]);
    }
    await this.deps.db.transaction(async (tx) => {
      await tx.update(Segment, { merchantId: segment.merchantId, id: segment.id }, { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.rules ? { rules: patch.rules } : {}), updatedAt: now });
      await audit(tx, segment.merchantId, principal, { action: 'segment.update', entity: 'segment', entityId: segment.id, data: { fields: Object.keys(patch) } }, now);
    });
    return patch.rules ? this.refresh(segment.merchantId, segment.id, now) : this.get(segment.merchantId, segment.id);
  }

  /** How many members the rules select now (the builder's live count); nothing is stored. */
  async preview(merchantId: string, rules: SegmentRules, now = new Date()): Promise<RulesPreview> {
    const { query, warnings } = await this.rulesQuery(merchantId, rules, now);
    const [row] = (await this.deps.db.manager.query(`SELECT COUNT(*) AS n FROM (${query.sql}) q`, query.params)) as { n: unknown }[];
    return { count: toInt(row?.n), warnings };
  }

  /**
   * Makes a rules segment's members what its rules select now, set-based in
   * one transaction: who enters and who leaves is written to the history,
   * then the list changes. `memberIds` limits the refresh to those members
   * (after their purchases); the segment row is locked, so two refreshes of
   * one segment take turns instead of writing the same change twice.
   */
  async refresh(merchantId: string, segmentId: string, now = new Date(), memberIds?: readonly string[]): Promise<SegmentView> {
    const segment = await this.find(merchantId, segmentId);
    if (segment.kind !== 'rules' || !segment.rules) throw new AppError('VALIDATION_FAILED', 'Only a rules segment is refreshed; a static one changes by upload', [{ path: 'params.segmentId', message: 'not a rules segment' }]);
    const { query } = await this.rulesQuery(merchantId, segment.rules, now, memberIds);
    const at = sqlInstant(now);
    const only = memberIds ? ` AND sm.member_id IN (${memberIds.map(() => '?').join(', ') || 'NULL'})` : '';
    const current = { sql: `SELECT sm.member_id FROM segment_members sm WHERE sm.segment_id = ?${only}`, params: [segmentId, ...(memberIds ?? [])] };
    return this.deps.db.transaction(async (tx) => {
      const lock = tx.createQueryBuilder(Segment, 's').where('s.id = :segmentId', { segmentId });
      if (this.deps.db.isMysql) lock.setLock('pessimistic_write');
      await lock.getOne();
      // This refresh's history rows are those after the segment's last one: a refresh started in the same
      // millisecond (two requests at once) must not take the other's rows for its own.
      const [newest] = (await tx.query('SELECT COALESCE(MAX(id), 0) AS id FROM segment_member_changes WHERE segment_id = ?', [segmentId])) as { id: unknown }[];
      const after = toInt(newest?.id);
      await tx.query(
        `INSERT INTO segment_member_changes (merchant_id, segment_id, member_id, change_kind, changed_at)
         SELECT ?, ?, q.member_id, 'entered', ? FROM (${query.sql}) q WHERE q.member_id NOT IN (${current.sql})`,
        [merchantId, segmentId, at, ...query.params, ...current.params],
      );
      await tx.query(
        `INSERT INTO segment_member_changes (merchant_id, segment_id, member_id, change_kind, changed_at)
         SELECT ?, ?, c.member_id, 'left', ? FROM (${current.sql}) c WHERE c.member_id NOT IN (${query.sql})`,
        [merchantId, segmentId, at, ...current.params, ...query.params],
      );
      // The members who left, through the history rows just written (MySQL refuses a DELETE whose subquery reads its own table).
      await tx.query(
        `DELETE FROM segment_members WHERE segment_id = ? AND member_id IN (SELECT h.member_id FROM segment_member_changes h WHERE h.segment_id = ? AND h.id > ? AND h.change_kind = 'left')`,
        [segmentId, segmentId, after],
      );
      await tx.query(
        `INSERT INTO segment_members (segment_id, member_id, merchant_id, added_at)
         SELECT ?, h.member_id, ?, ? FROM segment_member_changes h WHERE h.segment_id = ? AND h.id > ? AND h.change_kind = 'entered'`,
        [segmentId, merchantId, at, segmentId, after],
      );
      const [row] = (await tx.query('SELECT COUNT(*) AS n FROM segment_members WHERE segment_id = ?', [segmentId])) as { n: unknown }[];
      await tx.update(Segment, { merchantId, id: segmentId }, { memberCount: toInt(row?.n), refreshedAt: now });
      return segmentView(await tx.findOneByOrFail(Segment, { merchantId, id: segmentId }));
    });
  }

  /** Refreshes every rules segment of the merchant (all of them, or only for these members). */
  async refreshAll(merchantId: string, now = new Date(), memberIds?: readonly string[]): Promise<number> {
    const segments = await this.deps.db.manager.find(Segment, { select: { id: true }, where: { merchantId, kind: 'rules' } });
    for (const s of segments) await this.refresh(merchantId, s.id, now, memberIds);
    return segments.length;
  }

  /** The merchants that have rules segments (the nightly refresh walks them). */
  async merchantsWithRules(): Promise<string[]> {
    const rows = (await this.deps.db.manager.query("SELECT DISTINCT merchant_id AS merchant_id FROM segments WHERE kind = 'rules'")) as { merchant_id: string }[];
    return rows.map((r) => r.merchant_id);
  }

  /** Who entered and left a segment, newest first, a page before the id `beforeId`. */
  async changes(merchantId: string, segmentId: string, page: { limit: number; beforeId?: number }): Promise<{ items: { id: number; memberId: string; change: 'entered' | 'left'; changedAt: string }[] }> {
    await this.find(merchantId, segmentId);
    const rows = await this.deps.db.manager.find(SegmentMemberChange, {
      where: { merchantId, segmentId, ...(page.beforeId ? { id: LessThan(page.beforeId) } : {}) },
      order: { id: 'DESC' },
      take: page.limit,
    });
    return { items: rows.map((r) => ({ id: r.id, memberId: r.memberId, change: r.change, changedAt: r.changedAt.toISOString() })) };
  }

  async list(merchantId: string): Promise<SegmentView[]> {
    const segments = await this.deps.db.manager.find(Segment, { where: { merchantId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return segments.map(segmentView);
  }

  async get(merchantId: string, segmentId: string): Promise<SegmentView> {
    return segmentView(await this.find(merchantId, segmentId));
  }

  /**
   * The segment's members become exactly `memberIds` (the caller checked they
   * are the merchant's members), in one transaction: a campaign launched
   * meanwhile sees the old list or the new one, never half of each.
   */
  async replaceMembers(merchantId: string, segmentId: string, memberIds: ReadonlySet<string>, now = new Date()): Promise<SegmentView> {
    await this.find(merchantId, segmentId);
    return this.deps.db.transaction(async (tx) => {
      await tx.delete(SegmentMember, { merchantId, segmentId });
      const ids = [...memberIds];
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
        await tx.insert(
          SegmentMember,
          ids.slice(i, i + INSERT_CHUNK).map((memberId) => ({ segmentId, memberId, merchantId, addedAt: now })),
        );
      }
      await tx.update(Segment, { merchantId, id: segmentId }, { memberCount: ids.length, updatedAt: now });
      return segmentView(await tx.findOneByOrFail(Segment, { merchantId, id: segmentId }));
    });
  }

  /** A page of the segment's member ids in id order, after `afterMemberId`: campaigns walk big segments without loading them. */
  async memberPage(merchantId: string, segmentId: string, afterMemberId: string | null, limit: number, m: EntityManager = this.deps.db.manager): Promise<string[]> {
    const rows = await m.find(SegmentMember, {
      select: { memberId: true },
      where: { merchantId, segmentId, ...(afterMemberId ? { memberId: MoreThan(afterMemberId) } : {}) },
      order: { memberId: 'ASC' },
      take: limit,
    });
    return rows.map((r) => r.memberId);
  }

  /** The segments a member is in (offer conditions); `m` is the till's transaction in a commit. */
  async segmentIdsOf(merchantId: string, memberId: string, m: EntityManager = this.deps.db.manager): Promise<string[]> {
    const rows = await m.find(SegmentMember, { select: { segmentId: true }, where: { merchantId, memberId } });
    return rows.map((r) => r.segmentId).sort();
  }

  /** The rules as one SELECT of member_id, each condition's set written by the module that owns its data. */
  private async rulesQuery(merchantId: string, rules: SegmentRules, now: Date, memberIds?: readonly string[]): Promise<{ query: SqlSource; warnings: RulesPreview['warnings'] }> {
    const warnings: RulesPreview['warnings'] = [];
    const sets: MemberSet[] = [];
    for (const condition of conditionsOf(rules)) {
      const set = await this.memberSet(merchantId, condition, now);
      if (set) sets.push(set);
      else {
        if (!warnings.length) warnings.push({ code: 'NO_SCORES', message: 'No scoring run yet: conditions on RFM segment, ABC class, churn risk and lifetime value select nobody until one has run' });
        sets.push({ sql: 'SELECT NULL AS member_id WHERE 1 = 0', params: [] });
      }
    }
    return { query: compileRules(rules, this.use.members.activeMembers(merchantId, memberIds), sets), warnings };
  }

  /** The members for whom one condition holds; null when it needs scores and there are none yet. */
  private async memberSet(merchantId: string, c: SegmentCondition, now: Date): Promise<MemberSet | null> {
    const window = async (withinDays: number) => ({ ...(await this.use.memberFacts.rangeAt(merchantId, now)), from: new Date(now.getTime() - withinDays * DAY_MS) });
    switch (c.field) {
      case 'rfmSegment':
        return this.use.analytics.scoredMembers(merchantId, { segments: c.in });
      case 'abcClass':
        return this.use.analytics.scoredMembers(merchantId, { abc: c.in });
      case 'churnRisk':
        return this.use.analytics.scoredMembers(merchantId, { churnRisk: c });
      case 'lifetimeValue':
        return this.use.analytics.scoredMembers(merchantId, { clvMinor: c });
      case 'visits':
      case 'spend': {
        const days = this.use.memberPurchaseSources.visits(merchantId, await window(c.withinDays));
        const grouped = { sql: `SELECT v.member_id FROM (${days.sql}) v GROUP BY v.member_id`, params: days.params };
        return boundedSet(grouped, c.field === 'visits' ? 'COUNT(*)' : 'SUM(v.amount_minor)', c);
      }
      case 'boughtCategory':
        return this.use.memberPurchaseSources.categoryBuyers(merchantId, await window(c.withinDays), c.categories);
      case 'boughtAtStore':
        return this.use.memberPurchaseSources.storeBuyers(merchantId, await window(c.withinDays), c.storeIds);
      case 'consent':
        return this.use.members.consenting(merchantId, c.kind);
      case 'birthdayMonth':
        return this.use.members.bornInMonths(merchantId, c.in);
      case 'enrolled':
        return this.use.members.enrolledBetween(merchantId, c.from ? new Date(`${c.from}T00:00:00Z`) : undefined, c.before ? new Date(`${c.before}T00:00:00Z`) : undefined);
      case 'feedback':
        return this.use.feedback.latestBandMembers(merchantId, c.bands);
    }
  }

  private async find(merchantId: string, segmentId: string): Promise<Segment> {
    return found(await this.deps.db.manager.findOneBy(Segment, { merchantId, id: segmentId }), 'segment');
  }
}

function segmentView(s: Segment): SegmentView {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    rules: s.rules,
    memberCount: s.memberCount,
    refreshedAt: s.refreshedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
