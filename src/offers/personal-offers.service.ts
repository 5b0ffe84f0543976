import { In, IsNull, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import type { MembersService } from '../members';
import { OfferCode } from './offer-code.entity';
import { OfferMember } from './offer-member.entity';
import { Offer } from './offer.entity';

/** The other modules' services this one calls. */
export interface PersonalOffersServiceUses {
  members: MembersService;
}

/** A personal offer as its member sees it in the portal. */
export interface MyOffer {
  offer: Offer;
  givenAt: Date;
  activatedAt: Date | null;
}

/** Rows written per INSERT when an offer is given to many members. */
const INSERT_CHUNK = 500;

/**
 * Personal offers: the back office gives an offer with trigger `personal`
 * to members (by id or a segment's members at that moment); a member sees
 * it in the portal and activates it there when the offer asks for that; the
 * till applies the member's usable ones (given, and activated if need be)
 * on its own. Also the member's coupon wallet: the codes that belong to them.
 */
export class PersonalOffersService {
  constructor(
    private readonly deps: Deps,
    private readonly use: PersonalOffersServiceUses,
  ) {}

  /**
   * Gives a personal offer to members; given twice is given once (the
   * activation stays). `memberIds` must be the merchant's members (a 400
   * names the first that is not); `segment` is a segment's members as the
   * caller read them (the till module, which may use segments: offers may
   * not, as segments read purchases, which use offers).
   */
  async give(principal: Principal, offerId: string, input: { memberIds?: string[]; segment?: { id: string; memberIds: readonly string[] } }, now = new Date()): Promise<{ added: number; members: number }> {
    const merchantId = principal.merchantId;
    const offer = found(await this.deps.db.manager.findOneBy(Offer, { merchantId, id: offerId }), 'Offer');
    if (offer.triggerKind !== 'personal') throw new AppError('VALIDATION_FAILED', 'Only an offer with trigger personal is given to members', [{ path: 'params.offerId', message: 'the offer’s trigger is not personal' }]);
    if (offer.status === 'ended') throw new AppError('OFFER_STATUS_CONFLICT', 'An ended offer is given to no one', { status: offer.status });
    const ids = new Set(input.memberIds ?? []);
    if (input.memberIds?.length) {
      const known = await this.use.members.labelsOf(merchantId, [...ids]);
      const index = input.memberIds.findIndex((id) => !known.has(id));
      if (index >= 0) throw new AppError('VALIDATION_FAILED', 'Not a member of this shop', [{ path: `body.memberIds.${index}`, message: 'no such member' }]);
    }
    for (const id of input.segment?.memberIds ?? []) ids.add(id);
    return this.deps.db.transaction(async (tx) => {
      const all = [...ids];
      const existing = new Set<string>();
      for (let i = 0; i < all.length; i += INSERT_CHUNK) {
        const rows = await tx.find(OfferMember, { select: { memberId: true }, where: { offerId, memberId: In(all.slice(i, i + INSERT_CHUNK)) } });
        for (const r of rows) existing.add(r.memberId);
      }
      const fresh = all.filter((id) => !existing.has(id));
      for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
        await tx.insert(
          OfferMember,
          fresh.slice(i, i + INSERT_CHUNK).map((memberId) => ({ offerId, memberId, merchantId, givenAt: now, activatedAt: null })),
        );
      }
      await audit(tx, merchantId, principal, { action: 'offer.give', entity: 'offer', entityId: offerId, data: { added: fresh.length, segmentId: input.segment?.id ?? null } }, now);
      return { added: fresh.length, members: await tx.countBy(OfferMember, { offerId }) };
    });
  }

  /** The ids of the active personal offers the till applies to this member: given, and activated when the offer asks for it. */
  async usableBy(m: EntityManager, merchantId: string, memberId: string, activeOfferIds: readonly string[]): Promise<string[]> {
    if (activeOfferIds.length === 0) return [];
    const rows = await m.find(OfferMember, { where: { merchantId, memberId, offerId: In([...activeOfferIds]) } });
    if (rows.length === 0) return [];
    const offers = await m.find(Offer, { select: { id: true, activationRequired: true }, where: { merchantId, id: In(rows.map((r) => r.offerId)) } });
    return rows.filter((r) => r.activatedAt || !offers.find((o) => o.id === r.offerId)?.activationRequired).map((r) => r.offerId).sort();
  }

  /** The member's active personal offers, newest given first (the portal's "My offers"). */
  async mine(merchantId: string, memberId: string): Promise<MyOffer[]> {
    const rows = await this.deps.db.manager.find(OfferMember, { where: { merchantId, memberId }, order: { givenAt: 'DESC', offerId: 'ASC' } });
    if (rows.length === 0) return [];
    const offers = await this.deps.db.manager.find(Offer, { where: { merchantId, id: In(rows.map((r) => r.offerId)), status: 'active' } });
    return rows.flatMap((r) => {
      const offer = offers.find((o) => o.id === r.offerId);
      return offer ? [{ offer, givenAt: r.givenAt, activatedAt: r.activatedAt }] : [];
    });
  }

  /** The member activates an active offer given to them; activating again keeps the first time. 404 for an offer not given to them. */
  async activate(merchantId: string, memberId: string, offerId: string, now = new Date()): Promise<MyOffer> {
    return this.deps.db.transaction(async (tx) => {
      const given = found(await tx.findOneBy(OfferMember, { merchantId, memberId, offerId }), 'Offer');
      const offer = found(await tx.findOneBy(Offer, { merchantId, id: offerId, status: 'active' }), 'Offer');
      if (!given.activatedAt) await tx.update(OfferMember, { offerId, memberId }, { activatedAt: now });
      return { offer, givenAt: given.givenAt, activatedAt: given.activatedAt ?? now };
    });
  }

  /** The member's coupons: codes that belong to them and are not used, with their offer's name, soonest to end first. */
  async wallet(merchantId: string, memberId: string): Promise<{ code: OfferCode; offerName: string }[]> {
    const codes = await this.deps.db.manager.find(OfferCode, { where: { merchantId, memberId, usedAt: IsNull() }, order: { validUntil: 'ASC', code: 'ASC' } });
    if (codes.length === 0) return [];
    const offers = await this.deps.db.manager.find(Offer, { select: { id: true, name: true, status: true }, where: { merchantId, id: In([...new Set(codes.map((c) => c.offerId))]) } });
    return codes.flatMap((code) => {
      const offer = offers.find((o) => o.id === code.offerId);
      return offer && offer.status === 'active' ? [{ code, offerName: offer.name }] : [];
    });
  }
}
