import type { Writable } from 'node:stream';
import type { Deps } from '../deps';
import type { Principal } from '../http/principal';
import type { FeedbackService } from '../feedback';
import { memberExportView, type Member, type MembersService } from '../members';
import type { MerchantsService } from '../merchants';
import type { NotificationsService } from '../notifications';
import type { PointsService } from '../points';
import { currencyDigits } from '../pricing';
import type { PurchasesService } from '../purchases';
import type { SegmentsService, SegmentView } from '../segments';
import { decimalOf, keysetPages, streamCsv, type Column } from './csv';

/** Rows read per query: small enough to keep memory flat, large enough that a 100 k export is 100 queries. */
export const EXPORT_PAGE = 1000;

export const EXPORT_KINDS = ['members', 'purchases', 'points-ledger', 'feedback'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportsServiceUses {
  feedback: FeedbackService;
  members: MembersService;
  merchants: MerchantsService;
  notifications: NotificationsService;
  points: PointsService;
  purchases: PurchasesService;
  segments: SegmentsService;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Data out: the owner's CSV exports (members, purchases, the points ledger,
 * feedback), streamed page by page from each owning module; the member's own
 * data download with every module's section; and erasure on a deletion
 * request, across the modules that keep personal data.
 */
export class ExportsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: ExportsServiceUses,
  ) {}

  /** Writes the merchant's `kind` as CSV to `out`, one page of rows in memory at a time. */
  async csv(principal: Principal, kind: ExportKind, out: Writable): Promise<void> {
    const { merchantId } = principal;
    const merchant = await this.use.merchants.getMerchant(merchantId);
    const digits = currencyDigits(merchant.currency);
    const money = (minor: number) => decimalOf(minor, digits);
    const byId = <T extends { id: string }>(page: (after: string | null) => Promise<T[]>) => keysetPages<T, string | null>(page, null, (r) => r.id, EXPORT_PAGE);
    switch (kind) {
      case 'members':
        return streamCsv(byId((after) => this.use.members.exportPage(merchantId, after, EXPORT_PAGE)), memberColumns, out);
      case 'purchases':
        return streamCsv(
          byId((after) => this.use.purchases.exportPage(merchantId, after, EXPORT_PAGE)),
          [
            { header: 'id', value: (p) => p.id },
            { header: 'store_id', value: (p) => p.storeId },
            { header: 'terminal_id', value: (p) => p.terminalId },
            { header: 'receipt_number', value: (p) => p.receiptNumber },
            { header: 'member_id', value: (p) => p.memberId },
            { header: 'occurred_at', value: (p) => iso(p.occurredAt) },
            { header: 'status', value: (p) => p.status },
            { header: 'currency', value: () => merchant.currency },
            { header: 'total', value: (p) => money(p.totalMinor) },
            { header: 'discount', value: (p) => money(p.discountMinor) },
            { header: 'points_redeemed', value: (p) => p.pointsRedeemed },
            { header: 'points_redeemed_value', value: (p) => money(p.redeemValueMinor) },
            { header: 'payable', value: (p) => money(p.totalMinor - p.discountMinor - p.redeemValueMinor) },
            { header: 'refunded', value: (p) => money(p.refundedMinor) },
            { header: 'points_earned', value: (p) => p.pointsEarned },
            { header: 'cashier', value: (p) => p.cashierName },
          ],
          out,
        );
      case 'points-ledger':
        return streamCsv(
          keysetPages((after: number) => this.use.points.ledgerPage(merchantId, after, EXPORT_PAGE), 0, (e) => e.id, EXPORT_PAGE),
          [
            { header: 'entry_id', value: (e) => e.id },
            { header: 'member_id', value: (e) => e.memberId },
            { header: 'kind', value: (e) => e.kind },
            { header: 'points', value: (e) => e.points },
            { header: 'source_type', value: (e) => e.sourceType },
            { header: 'source_id', value: (e) => e.sourceId },
            { header: 'reason', value: (e) => e.reason },
            { header: 'occurred_at', value: (e) => iso(e.occurredAt) },
            { header: 'recorded_at', value: (e) => iso(e.createdAt) },
          ],
          out,
        );
      case 'feedback':
        return streamCsv(
          byId((after) => this.use.feedback.exportPage(merchantId, after, EXPORT_PAGE)),
          [
            { header: 'id', value: (a) => a.id },
            { header: 'purchase_id', value: (a) => a.purchaseId },
            { header: 'store_id', value: (a) => a.storeId },
            { header: 'member_id', value: (a) => a.memberId },
            { header: 'scale', value: (a) => a.scale },
            { header: 'score', value: (a) => a.score },
            { header: 'band', value: (a) => a.band },
            { header: 'complaint', value: (a) => a.complaint },
            { header: 'comment', value: (a) => a.comment },
            { header: 'language', value: (a) => a.language },
            { header: 'via', value: (a) => a.via },
            { header: 'purchased_at', value: (a) => iso(a.purchasedAt) },
            { header: 'answered_at', value: (a) => iso(a.answeredAt) },
          ],
          out,
        );
    }
  }

  /**
   * A segment's members as CSV (the members export's columns). The segment is
   * looked up first, so another merchant's segment is a 404 before the
   * response starts; `write` then walks the segment's list by member id in
   * pages and reads each page's members in one query.
   */
  async segmentMembersCsv(principal: Principal, segmentId: string): Promise<{ segment: SegmentView; write: (out: Writable) => Promise<void> }> {
    const { merchantId } = principal;
    const segment = await this.use.segments.get(merchantId, segmentId);
    const { members, segments } = this.use;
    async function* pages() {
      const idPages = keysetPages((after: string | null) => segments.memberPage(merchantId, segmentId, after, EXPORT_PAGE), null, (id) => id, EXPORT_PAGE);
      for await (const ids of idPages) yield await members.exportRowsOf(merchantId, ids);
    }
    return { segment, write: (out) => streamCsv(pages(), memberColumns, out) };
  }

  /** Everything kept about the signed-in member, as JSON: the members module's document and the feedback they gave. */
  async memberDownload(principal: Principal & { kind: 'member' }) {
    const me = await this.use.members.self(principal);
    const data = await this.use.members.exportData({ kind: 'member', merchantId: me.merchantId, memberId: me.id });
    return { ...memberExportView(data), feedback: await this.use.feedback.forMember(me.merchantId, me.id) };
  }

  /**
   * Erases a member on their deletion request, in one transaction across the
   * modules that keep personal data: the profile and its history (members),
   * comments and contact of their feedback (feedback), addresses and texts
   * of their messages (notifications). The points ledger, purchases and
   * cards stay under the member's id, so every sum stays true.
   */
  async erase(principal: Principal, memberId: string, now = new Date()): Promise<Member> {
    return this.deps.db.transaction(async (tx) => {
      const member = await this.use.members.erase(tx, principal, memberId, now);
      await this.use.feedback.anonymiseMember(tx, principal.merchantId, memberId, now);
      await this.use.notifications.forgetMember(tx, principal.merchantId, memberId);
      return member;
    });
  }
}

const memberColumns: Column<Member>[] = [
  { header: 'id', value: (m) => m.id },
  { header: 'member_number', value: (m) => m.memberNumber },
  { header: 'first_name', value: (m) => m.firstName },
  { header: 'last_name', value: (m) => m.lastName },
  { header: 'email', value: (m) => m.email },
  { header: 'phone', value: (m) => m.phone },
  { header: 'birth_date', value: (m) => m.birthDate },
  { header: 'external_id', value: (m) => m.externalId },
  { header: 'locale', value: (m) => m.locale },
  { header: 'status', value: (m) => m.status },
  { header: 'enrolled_at', value: (m) => iso(m.enrolledAt) },
  { header: 'enrolled_store_id', value: (m) => m.enrolledStoreId },
  { header: 'enrolled_by', value: (m) => m.enrolledBy },
  { header: 'deletion_requested_at', value: (m) => iso(m.deletionRequestedAt) },
];
