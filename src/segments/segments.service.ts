import { MoreThan, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { found } from '../http/errors';
import type { Principal } from '../http/principal';
import { SegmentMember } from './segment-member.entity';
import { Segment } from './segment.entity';

/** Rows inserted per statement when a segment's list is replaced. */
const INSERT_CHUNK = 500;

export interface SegmentView {
  id: string;
  name: string;
  kind: Segment['kind'];
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Groups of members an owner targets. A static segment is a list, replaced
 * whole by an upload (`imports`), so its members are exactly the last file's.
 * Campaigns read a segment's members page by page; offers ask which segments
 * a member is in.
 */
export class SegmentsService {
  constructor(private readonly deps: Deps) {}

  async create(principal: Principal, input: { name: string }, now = new Date()): Promise<SegmentView> {
    const segment: Segment = { id: newId(now.getTime()), merchantId: principal.merchantId, name: input.name, kind: 'static', memberCount: 0, createdAt: now, updatedAt: now };
    await this.deps.db.transaction(async (tx) => {
      await tx.insert(Segment, segment);
      await audit(tx, segment.merchantId, principal, { action: 'segment.create', entity: 'segment', entityId: segment.id, data: { name: segment.name } }, now);
    });
    return segmentView(segment);
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

  private async find(merchantId: string, segmentId: string): Promise<Segment> {
    return found(await this.deps.db.manager.findOneBy(Segment, { merchantId, id: segmentId }), 'segment');
  }
}

function segmentView(s: Segment): SegmentView {
  return { id: s.id, name: s.name, kind: s.kind, memberCount: s.memberCount, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
}
