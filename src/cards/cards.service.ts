import { In, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import type { Deps } from '../deps';
import { newId } from '../db/ids';
import { publish } from '../events/publish';
import { AppError } from '../http/errors';
import type { Principal } from '../http/principal';
import { actorOf, type Member } from '../members';
import { CardAlias } from './card-alias.entity';
import { CardBatch } from './card-batch.entity';
import { DEFAULT_CARD_PREFIX, generateCardNumber, parseScannedCode } from './card-number';
import { CardStatusChange } from './card-status-change.entity';
import { Card, type CardStatus } from './card.entity';
import type { MembersService } from '../members';

export const MAX_BATCH_SIZE = 5000;

/** Rows per INSERT / IN (...) list, well under SQLite's 32 766 bound parameters and MySQL's packet size. */
const CHUNK = 500;

/** The other modules' services this one calls. */
export interface CardsServiceUses { members: MembersService }

export class CardsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: CardsServiceUses,
  ) {}

  /** A card of this merchant (404 CARD_NOT_FOUND otherwise). */
  async get(merchantId: string, cardId: string, tx: EntityManager = this.deps.db.manager): Promise<Card> {
    const card = await tx.findOneBy(Card, { merchantId, id: cardId });
    if (!card) throw new AppError('CARD_NOT_FOUND', 'Card not found');
    return card;
  }

  /**
   * Finds the card and its member for a till scan. Each reason a card cannot
   * be used has its own code so the till can tell the cashier what to do.
   */
  async resolveForTill(merchantId: string, code: string): Promise<{ card: Card; member: Member }> {
    const parsed = parseScannedCode(code);
    if (!parsed.ok) {
      // An old card of the system the shop used before (kept by the history import) finds its holder and their current card.
      const holder = await this.aliasHolder(merchantId, code);
      if (holder) {
        const member = await this.use.members.get(merchantId, holder);
        if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `This membership is ${member.status}`, { status: member.status });
        return { card: await this.currentForMember(merchantId, member.id), member };
      }
      throw new AppError('CARD_INVALID', parsed.reason === 'check-digit' ? 'The card number has a wrong check digit: scan or type it again' : 'Not a card number: expected 13 digits', {
        reason: parsed.reason,
      });
    }
    const card = await this.deps.db.manager.findOneBy(Card, { merchantId, number: parsed.number });
    if (!card) throw new AppError('CARD_NOT_FOUND', 'No card with this number');
    switch (card.status) {
      case 'unassigned':
        throw new AppError('CARD_NOT_ASSIGNED', 'This card has not been given to a member yet: enrol the customer with it');
      case 'blocked':
        throw new AppError('CARD_BLOCKED', 'This card is blocked', { reason: card.statusReason });
      case 'lost':
        throw new AppError('CARD_LOST', 'This card was reported lost', { reason: card.statusReason });
      case 'replaced':
        throw new AppError('CARD_REPLACED', 'This card was replaced by a newer card', { replacedBy: card.replacedById });
      case 'active':
        break;
    }
    const member = await this.use.members.get(merchantId, card.memberId as string);
    if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `This membership is ${member.status}`, { status: member.status });
    return { card, member };
  }

  /** The member holding the card with this number (any status), or null: member search by card number. */
  async holderOf(merchantId: string, number: string): Promise<string | null> {
    const card = await this.deps.db.manager.findOne(Card, { select: { memberId: true }, where: { merchantId, number } });
    return card?.memberId ?? (await this.aliasHolder(merchantId, number));
  }

  /** The member an old card code of another system names, or null. */
  async aliasHolder(merchantId: string, code: string, tx: EntityManager = this.deps.db.manager): Promise<string | null> {
    const alias = await tx.findOne(CardAlias, { select: { memberId: true }, where: { merchantId, code: code.trim() } });
    return alias?.memberId ?? null;
  }

  /**
   * Who holds each of these codes (history import): Tally card numbers and
   * other systems' codes. A code maps to its member, to null for a
   * pre-printed card not handed out yet, and is absent when unknown.
   */
  async codeHolders(tx: EntityManager, merchantId: string, codes: readonly string[]): Promise<Map<string, string | null>> {
    const holders = new Map<string, string | null>();
    const trimmed = [...new Set(codes.map((c) => c.trim()))];
    for (let i = 0; i < trimmed.length; i += CHUNK) {
      const chunk = trimmed.slice(i, i + CHUNK);
      const cards = await tx.find(Card, { select: { number: true, memberId: true }, where: { merchantId, number: In(chunk) } });
      for (const card of cards) holders.set(card.number, card.memberId);
      const aliases = await tx.find(CardAlias, { select: { code: true, memberId: true }, where: { merchantId, code: In(chunk) } });
      for (const alias of aliases) holders.set(alias.code, alias.memberId);
    }
    return holders;
  }

  /**
   * Gives an imported member their existing card codes, inside the caller's
   * transaction (the caller checked with `codeHolders` that none belongs to
   * someone else): a Tally card number attaches the pre-printed card or
   * records the card as physical and active; any other code is kept as an
   * alias. A code the member already holds is left as it is.
   */
  async importCodes(tx: EntityManager, merchantId: string, memberId: string, codes: readonly string[], now = new Date()): Promise<void> {
    const holders = await this.codeHolders(tx, merchantId, codes);
    for (const code of new Set(codes.map((c) => c.trim()))) {
      if (holders.get(code) === memberId) continue;
      const parsed = parseScannedCode(code);
      if (!parsed.ok) {
        await tx.insert(CardAlias, { merchantId, code, memberId, createdAt: now });
      } else if (holders.has(parsed.number)) {
        await this.attachPrinted(tx, null, merchantId, memberId, parsed.number, now);
      } else {
        await this.insertActiveCard(tx, null, { merchantId, memberId, number: parsed.number, kind: 'physical' }, 'imported', now);
      }
    }
  }

  async listForMember(merchantId: string, memberId: string, tx: EntityManager = this.deps.db.manager): Promise<Card[]> {
    return tx.find(Card, { where: { merchantId, memberId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The card the member shows at the till: the newest active one. */
  async currentForMember(merchantId: string, memberId: string): Promise<Card> {
    const card = await this.deps.db.manager.findOne(Card, { where: { merchantId, memberId, status: 'active' }, order: { createdAt: 'DESC', id: 'DESC' } });
    if (!card) throw new AppError('CARD_NOT_FOUND', 'This member has no active card');
    return card;
  }

  async history(merchantId: string, cardId: string): Promise<CardStatusChange[]> {
    return this.deps.db.manager.find(CardStatusChange, { where: { merchantId, cardId }, order: { id: 'ASC' } });
  }

  /** Issues a new digital card to a member, inside the caller's transaction. */
  async issueDigital(tx: EntityManager, principal: Principal | null, merchantId: string, memberId: string, now = new Date()): Promise<Card> {
    const [number] = await this.freshNumbers(tx, merchantId, DEFAULT_CARD_PREFIX, 1);
    return this.insertActiveCard(tx, principal, { merchantId, memberId, number, kind: 'digital' }, 'issued', now);
  }

  /** A new card, active and the member's from the start, with its first status change recorded. */
  private async insertActiveCard(
    tx: EntityManager,
    principal: Principal | null,
    owner: { merchantId: string; memberId: string; number: string; kind: 'physical' | 'digital' },
    reason: string,
    now: Date,
  ): Promise<Card> {
    const card = tx.create(Card, {
      id: newId(now.getTime()),
      ...owner,
      batchId: null,
      status: 'active',
      statusReason: null,
      replacedById: null,
      issuedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(Card, card);
    await this.recordStatus(tx, card, null, 'active', reason, principal, now);
    return card;
  }

  /** Gives a pre-printed card to a member: it must be this merchant's, valid and not handed out yet. */
  async attachPrinted(tx: EntityManager, principal: Principal | null, merchantId: string, memberId: string, code: string, now = new Date()): Promise<Card> {
    const parsed = parseScannedCode(code);
    if (!parsed.ok) throw new AppError('CARD_INVALID', 'The card number is not valid', { reason: parsed.reason });
    const qb = tx.createQueryBuilder(Card, 'c').where('c.merchant_id = :merchantId AND c.number = :number', { merchantId, number: parsed.number });
    if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
    const card = await qb.getOne();
    if (!card) throw new AppError('CARD_NOT_FOUND', 'No card with this number');
    if (card.status !== 'unassigned' || card.memberId !== null) throw new AppError('CARD_IN_USE', 'This card is already in use', { status: card.status });
    await tx.update(Card, { id: card.id }, { memberId, status: 'active', issuedAt: now, updatedAt: now });
    await this.recordStatus(tx, { ...card, memberId }, 'unassigned', 'active', 'attached', principal, now);
    return { ...card, memberId, status: 'active', issuedAt: now, updatedAt: now };
  }

  /** Staff attach a pre-printed card to an existing member. */
  async attachToMember(principal: Principal, memberId: string, code: string, now = new Date()): Promise<Card> {
    return this.deps.db.transaction(async (tx) => {
      const member = await this.use.members.get(principal.merchantId, memberId, tx);
      if (member.status === 'closed') throw new AppError('MEMBER_NOT_ACTIVE', 'This membership is closed', { status: member.status });
      const card = await this.attachPrinted(tx, principal, principal.merchantId, memberId, code, now);
      await audit(tx, principal.merchantId, principal, { action: 'card.attach', entity: 'card', entityId: card.id, data: { memberId } }, now);
      return card;
    });
  }

  /** Blocks a card or marks it lost. Only a card in use (or a pre-printed one, for blocking) can change. */
  async setStatus(principal: Principal, cardId: string, status: 'blocked' | 'lost', reason: string | null, now = new Date()): Promise<Card> {
    return this.deps.db.transaction(async (tx) => {
      const card = await this.lock(tx, principal.merchantId, cardId);
      const allowed = status === 'blocked' ? ['active', 'lost', 'unassigned'] : ['active', 'blocked'];
      if (!allowed.includes(card.status)) throw new AppError('CONFLICT', `A ${card.status} card cannot be marked ${status}`, { status: card.status });
      await tx.update(Card, { id: card.id }, { status, statusReason: reason, updatedAt: now });
      await this.recordStatus(tx, card, card.status, status, reason, principal, now);
      await audit(tx, principal.merchantId, principal, { action: `card.${status}`, entity: 'card', entityId: card.id, data: { reason } }, now);
      return { ...card, status, statusReason: reason, updatedAt: now };
    });
  }

  /** Undoes a block or a lost report (the card turned up): back in use, or back in stock if never handed out. */
  async reactivate(principal: Principal, cardId: string, now = new Date()): Promise<Card> {
    return this.deps.db.transaction(async (tx) => {
      const card = await this.lock(tx, principal.merchantId, cardId);
      if (card.status !== 'blocked' && card.status !== 'lost') throw new AppError('CONFLICT', `A ${card.status} card cannot be unblocked`, { status: card.status });
      const status: CardStatus = card.memberId ? 'active' : 'unassigned';
      await tx.update(Card, { id: card.id }, { status, statusReason: null, updatedAt: now });
      await this.recordStatus(tx, card, card.status, status, null, principal, now);
      await audit(tx, principal.merchantId, principal, { action: 'card.unblock', entity: 'card', entityId: card.id }, now);
      return { ...card, status, statusReason: null, updatedAt: now };
    });
  }

  /**
   * Replaces a member's card with a new digital card, or with a given
   * pre-printed one. The member keeps its balance and history because both
   * belong to the member, not the card; the old card answers CARD_REPLACED.
   */
  async replace(principal: Principal, cardId: string, input: { cardCode?: string; reason?: string | null }, now = new Date()): Promise<{ old: Card; card: Card }> {
    return this.deps.db.transaction(async (tx) => {
      const old = await this.lock(tx, principal.merchantId, cardId);
      if (!old.memberId || old.status === 'replaced' || old.status === 'unassigned') {
        throw new AppError('CONFLICT', `A ${old.status} card cannot be replaced`, { status: old.status });
      }
      const member = await this.use.members.get(principal.merchantId, old.memberId, tx);
      if (member.status === 'closed') throw new AppError('MEMBER_NOT_ACTIVE', 'This membership is closed', { status: member.status });
      const card = input.cardCode
        ? await this.attachPrinted(tx, principal, principal.merchantId, old.memberId, input.cardCode, now)
        : await this.issueDigital(tx, principal, principal.merchantId, old.memberId, now);
      const reason = input.reason ?? null;
      await tx.update(Card, { id: old.id }, { status: 'replaced', replacedById: card.id, statusReason: reason, updatedAt: now });
      await this.recordStatus(tx, old, old.status, 'replaced', reason, principal, now);
      await audit(tx, principal.merchantId, principal, { action: 'card.replace', entity: 'card', entityId: old.id, data: { replacedBy: card.id, reason } }, now);
      return { old: { ...old, status: 'replaced' as const, replacedById: card.id, statusReason: reason, updatedAt: now }, card };
    });
  }

  /** Moves every card of one member to another (member merge), inside the caller's transaction. */
  async moveToMember(tx: EntityManager, merchantId: string, fromMemberId: string, intoMemberId: string, now = new Date()): Promise<number> {
    const result = await tx.update(Card, { merchantId, memberId: fromMemberId }, { memberId: intoMemberId, updatedAt: now });
    await tx.update(CardAlias, { merchantId, memberId: fromMemberId }, { memberId: intoMemberId });
    return result.affected ?? 0;
  }

  /** Generates a batch of unassigned pre-printed cards with fresh random numbers. */
  async createBatch(principal: Principal, input: { count: number; prefix?: string }, now = new Date()): Promise<CardBatch> {
    const prefix = input.prefix ?? DEFAULT_CARD_PREFIX;
    return this.deps.db.transaction(async (tx) => {
      const batch = tx.create(CardBatch, {
        id: newId(now.getTime()),
        merchantId: principal.merchantId,
        count: input.count,
        prefix,
        createdBy: actorOf(principal).actorId,
        createdAt: now,
      });
      await tx.insert(CardBatch, batch);
      const numbers = await this.freshNumbers(tx, principal.merchantId, prefix, input.count);
      const rows = numbers.map((number) => ({
        id: newId(now.getTime()),
        merchantId: principal.merchantId,
        number,
        memberId: null,
        kind: 'physical' as const,
        batchId: batch.id,
        status: 'unassigned' as const,
        statusReason: null,
        replacedById: null,
        issuedAt: null,
        createdAt: now,
        updatedAt: now,
      }));
      for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(Card, rows.slice(i, i + CHUNK));
      await audit(tx, principal.merchantId, principal, { action: 'card-batch.create', entity: 'card_batch', entityId: batch.id, data: { count: input.count, prefix } }, now);
      return batch;
    });
  }

  /** The merchant's batches, newest first. */
  async listBatches(merchantId: string, page: { offset: number; limit: number }): Promise<{ items: CardBatch[]; total: number }> {
    const [items, total] = await this.deps.db.manager.findAndCount(CardBatch, { where: { merchantId }, order: { createdAt: 'DESC', id: 'DESC' }, skip: page.offset, take: page.limit });
    return { items, total };
  }

  /** A batch and its cards by number; `page` takes a slice of them. */
  async getBatch(merchantId: string, batchId: string, page?: { offset: number; limit: number }): Promise<{ batch: CardBatch; cards: Card[] }> {
    const batch = await this.deps.db.manager.findOneBy(CardBatch, { merchantId, id: batchId });
    if (!batch) throw new AppError('NOT_FOUND', 'Card batch not found');
    const cards = await this.deps.db.manager.find(Card, { where: { merchantId, batchId }, order: { number: 'ASC' }, skip: page?.offset, take: page?.limit });
    return { batch, cards };
  }

  /**
   * `count` random numbers not yet used by this merchant. With 10^10 numbers
   * per prefix a clash is rare; clashing numbers are simply drawn again. The
   * unique index still guards against a concurrent writer taking one.
   */
  private async freshNumbers(tx: EntityManager, merchantId: string, prefix: string, count: number): Promise<string[]> {
    const chosen = new Set<string>();
    while (chosen.size < count) {
      const candidates: string[] = [];
      while (candidates.length + chosen.size < count) {
        const n = generateCardNumber(prefix);
        if (!chosen.has(n) && !candidates.includes(n)) candidates.push(n);
      }
      const taken = new Set<string>();
      for (let i = 0; i < candidates.length; i += CHUNK) {
        const existing = await tx.find(Card, { select: { number: true }, where: { merchantId, number: In(candidates.slice(i, i + CHUNK)) } });
        for (const c of existing) taken.add(c.number);
      }
      for (const n of candidates) if (!taken.has(n)) chosen.add(n);
    }
    return [...chosen];
  }

  private async lock(tx: EntityManager, merchantId: string, cardId: string): Promise<Card> {
    const qb = tx.createQueryBuilder(Card, 'c').where('c.merchant_id = :merchantId AND c.id = :cardId', { merchantId, cardId });
    if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
    const card = await qb.getOne();
    if (!card) throw new AppError('CARD_NOT_FOUND', 'Card not found');
    return card;
  }

  private async recordStatus(tx: EntityManager, card: Card, from: CardStatus | null, to: CardStatus, reason: string | null, principal: Principal | null, now: Date): Promise<void> {
    await tx.insert(CardStatusChange, { merchantId: card.merchantId, cardId: card.id, fromStatus: from, toStatus: to, reason, ...actorOf(principal), createdAt: now });
    await publish(tx, card.merchantId, 'card.status_changed', { cardId: card.id, memberId: card.memberId, fromStatus: from, toStatus: to }, now);
  }
}
