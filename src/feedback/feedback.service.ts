import type { EntityManager } from 'typeorm';
import type { AnalyticsService } from '../analytics';
import { audit } from '../audit';
import { Buckets } from '../db/buckets';
import { isUniqueViolation } from '../db/db';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError, forbidden } from '../http/errors';
import { canUseStore, type Principal } from '../http/principal';
import type { Member, MembersService } from '../members';
import { storeLimit, type MerchantsService, type StaffService } from '../merchants';
import type { NotificationsService } from '../notifications';
import type { PurchasesService, SaleFacts, SqlSource } from '../purchases';
import type { Limit, RateLimitsService } from '../rate-limits';
import { FeedbackAnswer, type AnsweredVia, type ContactChannel } from './feedback-answer.entity';
import { FeedbackCaseNote } from './feedback-case-note.entity';
import { FeedbackCase, type CaseStatus } from './feedback-case.entity';
import { FeedbackSettings } from './feedback-settings.entity';
import { languageOf, resolutionMessage, thankYouMessage, type FeedbackLanguage } from './messages';
import { BANDS, bandOf, caseReason, headline, inRange, SCALE_RANGE, type Band, type BandCounts, type Scale } from './scores';
import { feedbackTokenOf, purchaseOfToken } from './token';
import { WordTally, type WordCount } from './words';

const DAY_MS = 24 * 3600_000;
const WEEK_MS = 7 * DAY_MS;

/** A receipt can be answered for this long after the sale; the portal asks about sales of the last two weeks. */
export const ANSWER_WINDOW_DAYS = 60;
const PORTAL_PROMPT_DAYS = 14;

/** Counted in shared counters before the check: answering is public, so addresses and receipts are bounded. */
export const FEEDBACK_LIMITS = {
  /** Pages and answers from one address: a family's receipts, not a script walking tokens. */
  perAddress: { name: 'feedback.address', limit: 60, windowSeconds: 3600 },
  /** Attempts at one receipt's answer (one succeeds; the rest are mistakes or replays). */
  perPurchase: { name: 'feedback.purchase', limit: 10, windowSeconds: 24 * 3600 },
  /** A member answering from the portal. */
  perMember: { name: 'feedback.member', limit: 30, windowSeconds: 24 * 3600 },
} satisfies Record<string, Limit>;

const DEFAULT_SETTINGS = { scale: 'nps' as Scale, caseDueDays: 3 };

export interface FeedbackServiceUses {
  analytics: AnalyticsService;
  members: MembersService;
  merchants: MerchantsService;
  notifications: NotificationsService;
  purchases: PurchasesService;
  rateLimits: RateLimitsService;
  staff: StaffService;
}

export interface AnswerInput {
  score: number;
  comment?: string;
  complaint?: boolean;
  /** Where to send the thank-you and a resolution, when the shopper gives one (else the member's own). */
  email?: string;
  /** The page's language: the automatic answers are written in it. */
  language?: string;
}

export interface ReportQuery {
  weeks: number;
  storeId?: string;
  scale?: Scale;
}

/** Members' group names for a report by segment: the campaigns module's segments give one (issue 13 leaves the interface). */
export type MemberGroups = (merchantId: string, memberIds: readonly string[]) => Promise<Map<string, string[]>>;

export interface ScoreRow extends BandCounts {
  key: string;
  answers: number;
  score: number | null;
}

export interface FollowUpBand {
  band: Band;
  /** Answers by members whose follow-up window has ended. */
  answers: number;
  visitsBefore: number;
  visitsAfter: number;
  spendBeforeMinor: number;
  spendAfterMinor: number;
  /** Share (0–1) of these members who bought again within the window. */
  cameBack: number | null;
  /** Mean churn risk (0–100) of these answers' members in `churnRun`; null with `churnRiskReason` saying why. */
  churnRisk: number | null;
  /** Answers whose member the run gave a churn risk (the mean's count). */
  churnScored: number;
  /** no_run: the merchant has no finished scoring run as of the report date; not_scored: the run scored none of these members. */
  churnRiskReason: 'no_run' | 'not_scored' | null;
}

/**
 * Shopper feedback tied to purchases: the question on the receipt and in the
 * portal, one answer per purchase, the automatic thank-you, the cases that
 * detractors and complaints open, and the figures over them.
 */
export class FeedbackService {
  constructor(
    private readonly deps: Deps,
    private readonly use: FeedbackServiceUses,
  ) {}

  /** (member_id): members whose latest answer falls in one of these bands, for rule segments. */
  latestBandMembers(merchantId: string, bands: readonly Band[]): SqlSource {
    return {
      sql: `SELECT a.member_id AS member_id FROM feedback_answers a
            WHERE a.merchant_id = ? AND a.member_id IS NOT NULL AND a.band IN (${bands.map(() => '?').join(', ')})
              AND a.answered_at = (SELECT MAX(a2.answered_at) FROM feedback_answers a2 WHERE a2.merchant_id = a.merchant_id AND a2.member_id = a.member_id)`,
      params: [merchantId, ...bands],
    };
  }

  // ---- settings ----

  async settings(merchantId: string, m: EntityManager = this.deps.db.manager): Promise<{ scale: Scale; caseDueDays: number }> {
    const row = await m.findOneBy(FeedbackSettings, { merchantId });
    return row ? { scale: row.scale, caseDueDays: row.caseDueDays } : DEFAULT_SETTINGS;
  }

  async updateSettings(principal: Principal, patch: { scale?: Scale; caseDueDays?: number }, now = new Date()) {
    return this.deps.db.transaction(async (tx) => {
      const next = { ...(await this.settings(principal.merchantId, tx)), ...patch };
      await tx.upsert(FeedbackSettings, { merchantId: principal.merchantId, ...next, updatedAt: now }, ['merchantId']);
      await audit(tx, principal.merchantId, principal, { action: 'feedback.settings', entity: 'feedback_settings', entityId: principal.merchantId, data: patch }, now);
      return next;
    });
  }

  // ---- the shopper's side ----

  /** The token of a sale, for the receipt (link and QR). */
  tokenOf(purchaseId: string): string {
    return feedbackTokenOf(this.deps.config.jwtSecret, purchaseId);
  }

  /** What the receipt link's page shows: the shop, the sale, the question, and the answer and resolution once there. */
  async question(token: string, address: string, now = new Date()) {
    await this.use.rateLimits.enforce(FEEDBACK_LIMITS.perAddress, address, 'Too many feedback requests from this address', now);
    const sale = await this.saleOfToken(token);
    return this.questionView(sale, now);
  }

  async answerByToken(token: string, input: AnswerInput, address: string, now = new Date()) {
    await this.use.rateLimits.enforce(FEEDBACK_LIMITS.perAddress, address, 'Too many feedback requests from this address', now);
    const sale = await this.saleOfToken(token);
    await this.use.rateLimits.enforce(FEEDBACK_LIMITS.perPurchase, sale.id, 'Too many answers for this receipt', now);
    await this.answer(sale, input, 'receipt', now);
    return this.questionView(sale, now);
  }

  /** The portal's prompt: the member's latest sale of the last two weeks not answered yet, or null. */
  async pendingForMember(principal: Principal & { kind: 'member' }, now = new Date()) {
    const since = new Date(now.getTime() - PORTAL_PROMPT_DAYS * DAY_MS);
    const sales = (await this.use.purchases.recentSales(principal.merchantId, principal.memberId, since, 10)).filter((s) => s.status === 'completed');
    if (sales.length === 0) return null;
    const answered = new Set(
      (await this.deps.db.manager.find(FeedbackAnswer, { select: { purchaseId: true }, where: sales.map((s) => ({ purchaseId: s.id })) })).map((a) => a.purchaseId),
    );
    const sale = sales.find((s) => !answered.has(s.id));
    return sale ? { token: this.tokenOf(sale.id), ...(await this.questionView(sale, now)) } : null;
  }

  async answerAsMember(principal: Principal & { kind: 'member' }, purchaseId: string, input: AnswerInput, now = new Date()) {
    await this.use.rateLimits.enforce(FEEDBACK_LIMITS.perMember, `${principal.merchantId}|${principal.memberId}`, 'Too many answers from this member', now);
    const sale = await this.use.purchases.saleFacts(purchaseId, principal.merchantId);
    if (!sale || sale.memberId !== principal.memberId) throw new AppError('NOT_FOUND', 'Purchase not found');
    await this.answer(sale, input, 'portal', now);
    return this.questionView(sale, now);
  }

  private async saleOfToken(token: string): Promise<SaleFacts> {
    const purchaseId = purchaseOfToken(this.deps.config.jwtSecret, token);
    const sale = purchaseId ? await this.use.purchases.saleFacts(purchaseId) : null;
    // A token this server did not make and a purchase that is gone look the same.
    if (!sale) throw new AppError('NOT_FOUND', 'This feedback link is not valid');
    return sale;
  }

  private async questionView(sale: SaleFacts, now: Date) {
    const [merchant, store, settings] = await Promise.all([
      this.use.merchants.merchantSettings(sale.merchantId),
      this.use.merchants.storeSettings(sale.merchantId, sale.storeId),
      this.settings(sale.merchantId),
    ]);
    const answer = await this.deps.db.manager.findOneBy(FeedbackAnswer, { purchaseId: sale.id });
    const kase = answer ? await this.deps.db.manager.findOneBy(FeedbackCase, { answerId: answer.id }) : null;
    return {
      shop: { name: merchant.name, locale: merchant.locale, brandColor: merchant.brandColor ?? null },
      store: { name: store.name },
      purchase: { receiptNumber: sale.receiptNumber, occurredAt: sale.occurredAt.toISOString() },
      scale: answer?.scale ?? settings.scale,
      range: SCALE_RANGE[answer?.scale ?? settings.scale],
      open: !answer && this.answerable(sale, now) === null,
      closedReason: answer ? null : this.answerable(sale, now),
      answer: answer ? { score: answer.score, comment: answer.comment, complaint: answer.complaint, answeredAt: answer.answeredAt.toISOString() } : null,
      case: kase ? { status: kase.status, resolution: kase.resolution, resolvedAt: kase.resolvedAt?.toISOString() ?? null } : null,
    };
  }

  /** Why a sale can no longer be answered, or null when it can. */
  private answerable(sale: SaleFacts, now: Date): 'voided' | 'expired' | null {
    if (sale.status !== 'completed') return 'voided';
    if (now.getTime() - sale.occurredAt.getTime() > ANSWER_WINDOW_DAYS * DAY_MS) return 'expired';
    return null;
  }

  /**
   * Stores the answer (the unique purchase id lets one of two racing answers
   * in), opens a case for a detractor or a complaint, and writes the
   * thank-you to the notifications outbox in the same transaction.
   */
  private async answer(sale: SaleFacts, input: AnswerInput, via: AnsweredVia, now: Date): Promise<void> {
    const closed = this.answerable(sale, now);
    if (closed === 'voided') throw new AppError('UNPROCESSABLE', 'This sale was voided');
    if (closed === 'expired') throw new AppError('UNPROCESSABLE', `Feedback can be given within ${ANSWER_WINDOW_DAYS} days of the purchase`);
    const settings = await this.settings(sale.merchantId);
    if (!inRange(settings.scale, input.score)) {
      const { min, max } = SCALE_RANGE[settings.scale];
      throw new AppError('VALIDATION_FAILED', `The score is from ${min} to ${max}`, [{ path: 'body.score', message: `must be an integer from ${min} to ${max}` }]);
    }
    const merchant = await this.use.merchants.merchantSettings(sale.merchantId);
    const member = sale.memberId ? await this.use.members.get(sale.merchantId, sale.memberId) : null;
    const language = languageOf(input.language, member?.locale, merchant.locale);
    const contact = contactOf(input.email, member);
    const band = bandOf(settings.scale, input.score);
    const complaint = input.complaint ?? false;
    const reason = caseReason(band, complaint);
    const comment = input.comment?.trim() || null;
    try {
      await this.deps.db.transaction(async (tx) => {
        const answerId = newId(now.getTime());
        await tx.insert(FeedbackAnswer, {
          id: answerId,
          merchantId: sale.merchantId,
          purchaseId: sale.id,
          storeId: sale.storeId,
          memberId: sale.memberId,
          scale: settings.scale,
          score: input.score,
          band,
          comment,
          complaint,
          language,
          via,
          contactChannel: contact?.channel ?? null,
          contact: contact?.destination ?? null,
          purchasedAt: sale.occurredAt,
          answeredAt: now,
          anonymisedAt: null,
        });
        if (reason) {
          await tx.insert(FeedbackCase, {
            id: newId(now.getTime()),
            merchantId: sale.merchantId,
            answerId,
            status: 'open',
            reason,
            assigneeId: null,
            dueAt: new Date(now.getTime() + settings.caseDueDays * DAY_MS),
            openedAt: now,
            resolution: null,
            resolvedAt: null,
            resolvedBy: null,
            resolutionSentVia: null,
            updatedAt: now,
          });
        }
        if (contact) {
          const message = thankYouMessage(language, merchant.name, band, reason !== null);
          await this.use.notifications.enqueue(
            tx,
            { merchantId: sale.merchantId, memberId: sale.memberId, channel: contact.channel, destination: contact.destination, template: 'feedback-thanks', ...message },
            now,
          );
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw alreadyAnswered();
      throw err;
    }
  }

  // ---- the back office: inbox and cases ----

  /** Answers newest first, with their case; store-limited staff see their stores' answers only. */
  async inbox(principal: Principal, query: { storeId?: string; band?: Band; withComment?: boolean; limit: number; offset: number }) {
    const qb = this.deps.db.manager.getRepository(FeedbackAnswer).createQueryBuilder('a').where('a.merchant_id = :merchantId', { merchantId: principal.merchantId });
    this.limitToStores(qb, principal, query.storeId);
    if (query.band) qb.andWhere('a.band = :band', { band: query.band });
    if (query.withComment) qb.andWhere('a.comment IS NOT NULL');
    const [answers, total] = await qb.orderBy('a.answered_at', 'DESC').addOrderBy('a.id', 'DESC').take(query.limit).skip(query.offset).getManyAndCount();
    const cases = answers.length ? await this.deps.db.manager.find(FeedbackCase, { where: answers.map((a) => ({ answerId: a.id })) }) : [];
    const caseOf = new Map(cases.map((c) => [c.answerId, c]));
    const stores = await this.storeNames(principal.merchantId);
    return { items: answers.map((a) => ({ ...answerView(a, stores), case: caseOf.has(a.id) ? caseSummary(caseOf.get(a.id) as FeedbackCase, undefined) : null })), total };
  }

  async cases(principal: Principal, query: { status?: CaseStatus | 'unresolved'; overdue?: boolean; assigneeId?: string; limit: number; offset: number }, now = new Date()) {
    const qb = this.deps.db.manager
      .getRepository(FeedbackCase)
      .createQueryBuilder('c')
      .innerJoin(FeedbackAnswer, 'a', 'a.id = c.answer_id')
      .where('c.merchant_id = :merchantId', { merchantId: principal.merchantId });
    this.limitToStores(qb, principal);
    if (query.status === 'unresolved') qb.andWhere('c.status <> :resolved', { resolved: 'resolved' });
    else if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.overdue) qb.andWhere('c.status <> :resolved AND c.due_at < :now', { resolved: 'resolved', now });
    if (query.assigneeId) qb.andWhere('c.assignee_id = :assigneeId', { assigneeId: query.assigneeId });
    const [cases, total] = await qb.orderBy('c.due_at', 'ASC').addOrderBy('c.id', 'ASC').take(query.limit).skip(query.offset).getManyAndCount();
    const answers = cases.length ? await this.deps.db.manager.find(FeedbackAnswer, { where: cases.map((c) => ({ id: c.answerId })) }) : [];
    const answerOf = new Map(answers.map((a) => [a.id, a]));
    const stores = await this.storeNames(principal.merchantId);
    return { items: cases.map((c) => ({ ...caseSummary(c, now), answer: answerView(answerOf.get(c.answerId) as FeedbackAnswer, stores) })), total };
  }

  /** Open and overdue cases, for the owner's dashboard. */
  async caseCounts(principal: Principal, now = new Date()): Promise<{ open: number; overdue: number }> {
    const qb = this.deps.db.manager
      .getRepository(FeedbackCase)
      .createQueryBuilder('c')
      .innerJoin(FeedbackAnswer, 'a', 'a.id = c.answer_id')
      .select('COUNT(*)', 'open')
      .addSelect('SUM(CASE WHEN c.due_at < :now THEN 1 ELSE 0 END)', 'overdue')
      .where('c.merchant_id = :merchantId AND c.status <> :resolved', { merchantId: principal.merchantId, resolved: 'resolved', now });
    this.limitToStores(qb, principal);
    const row = await qb.getRawOne<{ open: unknown; overdue: unknown }>();
    return { open: Number(row?.open ?? 0), overdue: Number(row?.overdue ?? 0) };
  }

  async getCase(principal: Principal, caseId: string, now = new Date()) {
    const { kase, answer } = await this.caseFor(principal, caseId);
    const [notes, stores, sale, member] = await Promise.all([
      this.deps.db.manager.find(FeedbackCaseNote, { where: { caseId: kase.id }, order: { id: 'ASC' } }),
      this.storeNames(principal.merchantId),
      this.use.purchases.saleFacts(answer.purchaseId, principal.merchantId),
      answer.memberId ? this.use.members.get(principal.merchantId, answer.memberId).catch(() => null) : null,
    ]);
    return {
      ...caseSummary(kase, now),
      answer: { ...answerView(answer, stores), contact: answer.contact, contactChannel: answer.contactChannel },
      purchase: sale ? { id: sale.id, receiptNumber: sale.receiptNumber, occurredAt: sale.occurredAt.toISOString(), totalMinor: sale.totalMinor } : null,
      member: member ? { id: member.id, name: [member.firstName, member.lastName].filter(Boolean).join(' '), memberNumber: member.memberNumber } : null,
      notes: notes.map((n) => ({ id: n.id, authorId: n.authorId, authorName: n.authorName, text: n.text, createdAt: n.createdAt.toISOString() })),
    };
  }

  async updateCase(principal: Principal, caseId: string, patch: { status?: 'open' | 'in_progress'; assigneeId?: string | null; dueAt?: string }, now = new Date()) {
    const { kase } = await this.caseFor(principal, caseId);
    if (kase.status === 'resolved') throw new AppError('CASE_RESOLVED', 'This case is resolved');
    if (patch.assigneeId) {
      const assignee = await this.use.staff.get(principal, patch.assigneeId);
      if (!assignee.active) throw new AppError('UNPROCESSABLE', 'This staff account is disabled');
    }
    const changes = {
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.assigneeId !== undefined ? { assigneeId: patch.assigneeId } : {}),
      ...(patch.dueAt ? { dueAt: new Date(patch.dueAt) } : {}),
    };
    await this.deps.db.transaction(async (tx) => {
      // Conditional: a case resolved meanwhile stays resolved.
      const updated = await tx.update(FeedbackCase, { id: kase.id, merchantId: principal.merchantId, status: kase.status }, { ...changes, updatedAt: now });
      if (!updated.affected) throw new AppError('CONFLICT', 'The case changed meanwhile; load it again');
      await audit(tx, principal.merchantId, principal, { action: 'feedback.case.update', entity: 'feedback_case', entityId: kase.id, data: patch }, now);
    });
    return this.getCase(principal, caseId, now);
  }

  async addNote(principal: Principal, caseId: string, text: string, now = new Date()) {
    if (principal.kind !== 'staff') throw forbidden('Only staff write case notes');
    const { kase } = await this.caseFor(principal, caseId);
    const authorName = (await this.use.staff.nameOf(principal.merchantId, principal.userId)) ?? '';
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(FeedbackCaseNote, { merchantId: principal.merchantId, caseId: kase.id, authorId: principal.userId, authorName, text, createdAt: now });
      await tx.update(FeedbackCase, { id: kase.id }, { updatedAt: now });
    });
    return this.getCase(principal, caseId, now);
  }

  /**
   * Closes a case with a message for the shopper: sent to the address they
   * left (or the member's) in their language through the notifications
   * outbox, and shown on the receipt link's page either way.
   */
  async resolve(principal: Principal, caseId: string, message: string, now = new Date()) {
    if (principal.kind !== 'staff') throw forbidden('Only staff resolve cases');
    const { kase, answer } = await this.caseFor(principal, caseId);
    const merchant = await this.use.merchants.merchantSettings(principal.merchantId);
    await this.deps.db.transaction(async (tx) => {
      const channel = answer.contactChannel && answer.contact ? answer.contactChannel : null;
      const updated = await tx
        .createQueryBuilder()
        .update(FeedbackCase)
        .set({ status: 'resolved', resolution: message, resolvedAt: now, resolvedBy: principal.userId, resolutionSentVia: channel, updatedAt: now })
        .where('id = :id AND merchant_id = :merchantId AND status <> :resolved', { id: kase.id, merchantId: principal.merchantId, resolved: 'resolved' })
        .execute();
      if (!updated.affected) throw new AppError('CASE_RESOLVED', 'This case is already resolved');
      if (channel && answer.contact) {
        await this.use.notifications.enqueue(
          tx,
          {
            merchantId: principal.merchantId,
            memberId: answer.memberId,
            channel,
            destination: answer.contact,
            template: 'feedback-resolution',
            ...resolutionMessage(answer.language, merchant.name, message),
          },
          now,
        );
      }
      await audit(tx, principal.merchantId, principal, { action: 'feedback.case.resolve', entity: 'feedback_case', entityId: kase.id, data: { sentVia: channel } }, now);
    });
    return this.getCase(principal, caseId, now);
  }

  private async caseFor(principal: Principal, caseId: string): Promise<{ kase: FeedbackCase; answer: FeedbackAnswer }> {
    const kase = await this.deps.db.manager.findOneBy(FeedbackCase, { id: caseId, merchantId: principal.merchantId });
    const answer = kase ? await this.deps.db.manager.findOneBy(FeedbackAnswer, { id: kase.answerId }) : null;
    if (!kase || !answer || !canUseStore(principal, answer.storeId)) throw new AppError('NOT_FOUND', 'Case not found');
    return { kase, answer };
  }

  // ---- reports ----

  /**
   * NPS or CSAT by store and by week over the last `weeks` weeks (rolling
   * weeks ending now, like the dashboard), in one set-based query: a
   * conditional count per week bucket, grouped by store and band.
   */
  async scores(principal: Principal, query: ReportQuery, now = new Date()) {
    const scale = query.scale ?? (await this.settings(principal.merchantId)).scale;
    const buckets = weekBuckets(query.weeks, now);
    const qb = this.deps.db.manager
      .getRepository(FeedbackAnswer)
      .createQueryBuilder('a')
      .select('a.store_id', 'storeId')
      .addSelect('a.band', 'band')
      .addSelect(buckets.sums('a.answered_at', '1'))
      .where('a.merchant_id = :merchantId AND a.scale = :scale AND a.answered_at >= :e0 AND a.answered_at < :end', { merchantId: principal.merchantId, scale, ...buckets.params, end: now })
      .groupBy('a.store_id')
      .addGroupBy('a.band');
    this.limitToStores(qb, principal, query.storeId);
    const rows = (await qb.getRawMany<Record<string, unknown> & { storeId: string; band: Band }>()).map((r) => ({ storeId: r.storeId, band: r.band, perWeek: buckets.series(r) }));
    const stores = await this.storeNames(principal.merchantId);
    const byStore = new Map<string, BandCounts>();
    const byWeek = buckets.edges.slice(0, -1).map(() => emptyCounts());
    for (const r of rows) {
      const counts = byStore.get(r.storeId) ?? emptyCounts();
      r.perWeek.forEach((n, i) => {
        addBand(counts, r.band, n);
        addBand(byWeek[i], r.band, n);
      });
      byStore.set(r.storeId, counts);
    }
    const total = emptyCounts();
    for (const c of byStore.values()) for (const band of BANDS) addBand(total, band, countOf(c, band));
    return {
      scale,
      total: scoreRow('all', scale, total),
      byStore: [...byStore].map(([storeId, c]) => ({ ...scoreRow(storeId, scale, c), name: stores.get(storeId) ?? storeId })).sort((a, b) => b.answers - a.answers),
      byWeek: byWeek.map((c, i) => ({ ...scoreRow(buckets.edges[i].toISOString(), scale, c), weekStart: buckets.edges[i].toISOString() })),
    };
  }

  /**
   * Scores by a grouping of members the caller supplies (segments, from the
   * campaigns module): answers are read in pages of 500 and each page's
   * members are grouped in one call; a member in several groups counts in each.
   */
  async scoresByMemberGroup(merchantId: string, query: ReportQuery, groupsOf: MemberGroups, now = new Date()): Promise<{ scale: Scale; groups: ScoreRow[] }> {
    const scale = query.scale ?? (await this.settings(merchantId)).scale;
    const from = new Date(now.getTime() - query.weeks * WEEK_MS);
    const counts = new Map<string, BandCounts>();
    for await (const page of this.answerPages(merchantId, from, now, { scale, withMember: true })) {
      const groups = await groupsOf(merchantId, [...new Set(page.map((a) => a.memberId as string))]);
      for (const a of page) {
        for (const g of groups.get(a.memberId as string) ?? []) {
          const c = counts.get(g) ?? emptyCounts();
          addBand(c, a.band, 1);
          counts.set(g, c);
        }
      }
    }
    return { scale, groups: [...counts].map(([key, c]) => scoreRow(key, scale, c)) };
  }

  /**
   * What members did in the `weeks` weeks after the purchase they answered
   * about, against the same span before it, by band: do unhappy shoppers
   * leave? Only answers whose window has ended count; answers are read in
   * pages of 500, with the sales of each page's members around their dates.
   * Their members' churn risk now comes from the analytics module's newest
   * scoring run as of the report date, read for each page's members.
   */
  async followUp(principal: Principal, query: { sinceWeeks: number; weeks: number }, now = new Date()) {
    const windowMs = query.weeks * WEEK_MS;
    const from = new Date(now.getTime() - query.sinceWeeks * WEEK_MS);
    const settledBefore = new Date(now.getTime() - windowMs);
    const churnRun = await this.use.analytics.runAsOfTime(principal.merchantId, now);
    const acc = new Map(BANDS.map((band) => [band, { band, answers: 0, visitsBefore: 0, visitsAfter: 0, spendBeforeMinor: 0, spendAfterMinor: 0, cameBackCount: 0, churnRiskSum: 0, churnScored: 0 }]));
    let tooRecent = 0;
    for await (const page of this.answerPages(principal.merchantId, from, now, { withMember: true, storesOf: principal })) {
      const settled = page.filter((a) => a.purchasedAt.getTime() <= settledBefore.getTime());
      tooRecent += page.length - settled.length;
      if (settled.length === 0) continue;
      const earliest = Math.min(...settled.map((a) => a.purchasedAt.getTime())) - windowMs;
      const latest = Math.max(...settled.map((a) => a.purchasedAt.getTime())) + windowMs + 1;
      const memberIds = [...new Set(settled.map((a) => a.memberId as string))];
      const sales = await this.use.purchases.salesOfMembers(principal.merchantId, memberIds, new Date(earliest), new Date(latest));
      const risks = churnRun ? await this.use.analytics.churnRisks(principal.merchantId, churnRun.id, memberIds) : new Map<string, number>();
      const salesOf = new Map<string, { at: number; spend: number }[]>();
      for (const s of sales) salesOf.set(s.memberId, [...(salesOf.get(s.memberId) ?? []), { at: s.occurredAt.getTime(), spend: s.spendMinor }]);
      for (const a of settled) {
        const pivot = a.purchasedAt.getTime();
        const b = acc.get(a.band) as NonNullable<ReturnType<typeof acc.get>>;
        b.answers++;
        let cameBack = false;
        for (const s of salesOf.get(a.memberId as string) ?? []) {
          // The purchase answered about is at the pivot: in neither span.
          if (s.at >= pivot - windowMs && s.at < pivot) {
            b.visitsBefore++;
            b.spendBeforeMinor += s.spend;
          } else if (s.at > pivot && s.at <= pivot + windowMs) {
            b.visitsAfter++;
            b.spendAfterMinor += s.spend;
            cameBack = true;
          }
        }
        if (cameBack) b.cameBackCount++;
        const risk = risks.get(a.memberId as string);
        if (risk !== undefined) {
          b.churnRiskSum += risk;
          b.churnScored++;
        }
      }
    }
    const bands: FollowUpBand[] = [...acc.values()].map(({ cameBackCount, churnRiskSum, ...b }) => ({
      ...b,
      cameBack: b.answers ? Math.round((cameBackCount / b.answers) * 1000) / 1000 : null,
      churnRisk: b.churnScored ? Math.round((churnRiskSum / b.churnScored) * 10) / 10 : null,
      churnRiskReason: !churnRun ? 'no_run' : b.churnScored ? null : 'not_scored',
    }));
    return { weeks: query.weeks, tooRecent, churnRun, bands };
  }

  /** The words most used in comments of each band over the last `weeks` weeks (a word counts once per comment). */
  async words(principal: Principal, query: { weeks: number; top: number; storeId?: string }, now = new Date()): Promise<{ bands: { band: Band; comments: number; words: WordCount[] }[] }> {
    const tally = new WordTally();
    const from = new Date(now.getTime() - query.weeks * WEEK_MS);
    for await (const page of this.answerPages(principal.merchantId, from, now, { withComment: true, storesOf: principal, storeId: query.storeId })) {
      for (const a of page) tally.add(a.band, a.comment as string, a.language);
    }
    return { bands: BANDS.map((band) => ({ band, ...tally.top(band, query.top) })) };
  }

  /** A merchant's answers in [from, to) in pages of 500, by id (keyset), with only the columns the reports read. */
  private async *answerPages(
    merchantId: string,
    from: Date,
    to: Date,
    filter: { scale?: Scale; withMember?: boolean; withComment?: boolean; storesOf?: Principal; storeId?: string },
  ): AsyncGenerator<Pick<FeedbackAnswer, 'id' | 'memberId' | 'band' | 'comment' | 'language' | 'purchasedAt'>[]> {
    const PAGE = 500;
    for (let after = ''; ; ) {
      const qb = this.deps.db.manager
        .getRepository(FeedbackAnswer)
        .createQueryBuilder('a')
        .select(['a.id', 'a.memberId', 'a.band', 'a.comment', 'a.language', 'a.purchasedAt'])
        .where('a.merchant_id = :merchantId AND a.answered_at >= :from AND a.answered_at < :to AND a.id > :after', { merchantId, from, to, after });
      if (filter.scale) qb.andWhere('a.scale = :scale', { scale: filter.scale });
      if (filter.withMember) qb.andWhere('a.member_id IS NOT NULL');
      if (filter.withComment) qb.andWhere('a.comment IS NOT NULL');
      if (filter.storesOf) this.limitToStores(qb, filter.storesOf, filter.storeId);
      const page = await qb.orderBy('a.id', 'ASC').take(PAGE).getMany();
      if (page.length) yield page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].id;
    }
  }

  // ---- data out and erasure ----

  /** One page of the merchant's answers for the CSV export (keyset by id). */
  async exportPage(merchantId: string, afterId: string | null, limit: number): Promise<FeedbackAnswer[]> {
    const qb = this.deps.db.manager.getRepository(FeedbackAnswer).createQueryBuilder('a').where('a.merchant_id = :merchantId', { merchantId });
    if (afterId) qb.andWhere('a.id > :afterId', { afterId });
    return qb.orderBy('a.id', 'ASC').take(limit).getMany();
  }

  /** A member's answers and their cases' resolutions, for the member's data download. */
  async forMember(merchantId: string, memberId: string) {
    const answers = await this.deps.db.manager.find(FeedbackAnswer, { where: { merchantId, memberId }, order: { answeredAt: 'ASC' } });
    const cases = answers.length ? await this.deps.db.manager.find(FeedbackCase, { where: answers.map((a) => ({ answerId: a.id })) }) : [];
    const caseOf = new Map(cases.map((c) => [c.answerId, c]));
    return answers.map((a) => ({
      purchaseId: a.purchaseId,
      scale: a.scale,
      score: a.score,
      comment: a.comment,
      complaint: a.complaint,
      contact: a.contact,
      answeredAt: a.answeredAt.toISOString(),
      resolution: caseOf.get(a.id)?.resolution ?? null,
    }));
  }

  /**
   * Erases what identifies a member in their answers (comment, contact, the
   * case's resolution text and notes): the scores stay, unlinked, so the
   * figures do not move. Called in the erasure's transaction.
   */
  async anonymiseMember(tx: EntityManager, merchantId: string, memberId: string, now: Date): Promise<number> {
    const answers = await tx.find(FeedbackAnswer, { select: { id: true }, where: { merchantId, memberId } });
    if (answers.length === 0) return 0;
    const ids = answers.map((a) => ({ answerId: a.id }));
    const cases = await tx.find(FeedbackCase, { select: { id: true }, where: ids });
    for (const c of cases) {
      await tx.delete(FeedbackCaseNote, { caseId: c.id });
      await tx.update(FeedbackCase, { id: c.id }, { resolution: null, updatedAt: now });
    }
    await tx.update(FeedbackAnswer, { merchantId, memberId }, { memberId: null, comment: null, contact: null, contactChannel: null, anonymisedAt: now });
    return answers.length;
  }

  // ---- helpers ----

  private limitToStores(qb: { andWhere(where: string, params?: object): unknown }, principal: Principal, storeId?: string): void {
    const limitedTo = storeLimit(principal);
    if (limitedTo) qb.andWhere('a.store_id IN (:...limitedStores)', { limitedStores: limitedTo.length ? limitedTo : [''] });
    if (storeId) qb.andWhere('a.store_id = :storeId', { storeId });
  }

  private async storeNames(merchantId: string): Promise<Map<string, string>> {
    return new Map((await this.use.merchants.allStores(merchantId)).map((s) => [s.id, s.name]));
  }
}

function alreadyAnswered(): AppError {
  return new AppError('ALREADY_ANSWERED', 'This purchase already has an answer');
}

function contactOf(email: string | undefined, member: Member | null): { channel: ContactChannel; destination: string } | null {
  if (email) return { channel: 'email', destination: email.toLowerCase() };
  if (member?.email) return { channel: 'email', destination: member.email };
  if (member?.phone) return { channel: 'sms', destination: member.phone };
  return null;
}

function weekBuckets(weeks: number, now: Date): Buckets {
  return new Buckets(Array.from({ length: weeks + 1 }, (_, i) => new Date(now.getTime() - (weeks - i) * WEEK_MS)));
}

function emptyCounts(): BandCounts {
  return { promoters: 0, passives: 0, detractors: 0 };
}

function countOf(c: BandCounts, band: Band): number {
  return band === 'promoter' ? c.promoters : band === 'passive' ? c.passives : c.detractors;
}

function addBand(c: BandCounts, band: Band, n: number): void {
  if (band === 'promoter') c.promoters += n;
  else if (band === 'passive') c.passives += n;
  else c.detractors += n;
}

function scoreRow(key: string, scale: Scale, c: BandCounts): ScoreRow {
  return { key, ...c, answers: c.promoters + c.passives + c.detractors, score: headline(scale, c) };
}

function answerView(a: FeedbackAnswer, stores: Map<string, string>) {
  return {
    id: a.id,
    purchaseId: a.purchaseId,
    storeId: a.storeId,
    storeName: stores.get(a.storeId) ?? null,
    memberId: a.memberId,
    scale: a.scale,
    score: a.score,
    band: a.band,
    comment: a.comment,
    complaint: a.complaint,
    language: a.language,
    via: a.via,
    hasContact: a.contact !== null,
    purchasedAt: a.purchasedAt.toISOString(),
    answeredAt: a.answeredAt.toISOString(),
  };
}

function caseSummary(c: FeedbackCase, now: Date | undefined) {
  return {
    id: c.id,
    status: c.status,
    reason: c.reason,
    assigneeId: c.assigneeId,
    dueAt: c.dueAt.toISOString(),
    overdue: c.status !== 'resolved' && c.dueAt.getTime() < (now ?? new Date()).getTime(),
    openedAt: c.openedAt.toISOString(),
    resolution: c.resolution,
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    resolutionSentVia: c.resolutionSentVia,
  };
}

export type { FeedbackLanguage };
