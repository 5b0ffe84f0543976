import { Brackets, In, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import { isValidEan13, type Card } from '../cards';
import type { Buckets } from '../db/buckets';
import { sqlInstant, toInt } from '../db/columns';
import type { Deps } from '../deps';
import { isUniqueViolation } from '../db/db';
import { newId } from '../db/ids';
import { publish } from '../events/publish';
import { AppError } from '../http/errors';
import type { Principal } from '../http/principal';
import { actorOf } from './actor';
import { completenessOf, type Completeness } from './completeness';
import { MemberChange } from './member-change.entity';
import { SignInCode } from './sign-in-code.entity';
import { MemberConsent, type ConsentKind } from './member-consent.entity';
import { generateMemberNumber, isValidMemberNumber } from './member-number';
import { MemberStats } from './member-stats.entity';
import type { MemberPurchaseStats } from './member-stats';
import { Member, type CaptureSource, type MemberStatus } from './member.entity';
import { normalizeEmail, normalizePhone, phoneRegionOf } from './phone';
import type { CardsService } from '../cards';
import type { MerchantsService } from '../merchants';
import type { PointsService } from '../points';
import type { PurchasesService, SqlSource } from '../purchases';

/** Consent answers as the API names them. */
export interface ConsentAnswers {
  marketingEmail?: boolean;
  marketingSms?: boolean;
  profiling?: boolean;
}

const CONSENT_FIELDS: Record<keyof ConsentAnswers, ConsentKind> = {
  marketingEmail: 'marketing_email',
  marketingSms: 'marketing_sms',
  profiling: 'profiling',
};

export interface CurrentConsent {
  granted: boolean;
  source: CaptureSource;
  at: Date;
}

export type CurrentConsents = Record<keyof ConsentAnswers, CurrentConsent | null>;

export interface ProfileInput {
  firstName?: string;
  lastName?: string | null;
  phone?: string | null;
  email?: string | null;
  birthDate?: string | null;
  locale?: string | null;
}

export interface EnrolInput extends ProfileInput {
  firstName: string;
  consents?: ConsentAnswers;
  /** A pre-printed card to attach; without it a digital card is issued. */
  cardCode?: string;
}

export interface StaffProfileInput extends ProfileInput {
  tierOverride?: string | null;
}

export interface SearchInput {
  q?: string;
  status?: MemberStatus;
  deletionRequested?: boolean;
  limit: number;
  offset: number;
}

export interface MemberProfile {
  member: Member;
  stats: MemberStats | null;
  completeness: Completeness;
  consents: CurrentConsents;
  cards: Card[];
}

/** One member row of a history import, checked for form by the imports module; contact details as written in the file. */
export interface ImportedMember {
  /** The row number in the file, for errors. */
  row: number;
  externalId: string | null;
  firstName: string;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  birthDate: string | null;
  /** Consent answers with where and when the previous system got them. */
  consents: ConsentAnswers;
  consentSource: CaptureSource;
  consentAt: Date | null;
  /** Existing card codes: Tally card numbers or other systems' barcodes. */
  cardCodes: string[];
  /** Opening points balance, written as one ledger entry. */
  openingPoints: number;
}

export interface RowError {
  row: number;
  field: string;
  message: string;
}

/** What an import did with one row: created a member, found the member it names, or refused it. */
export type MemberImportOutcome = { row: number; status: 'created' | 'existing'; memberId: string } | { row: number; status: 'error'; errors: RowError[] };

/** Rows per page when an export reads another module's history. */
const EXPORT_PAGE = 200;

/** Values per IN (...) list when matching imported rows, well under SQLite's bound-parameter limit. */
const KEY_CHUNK = 500;

/** Profile fields whose changes are kept in member_changes. */
const TRACKED_FIELDS = ['firstName', 'lastName', 'phone', 'email', 'birthDate', 'locale', 'tierOverride'] as const;
type TrackedField = (typeof TRACKED_FIELDS)[number];


/** The other modules' services this one calls. */
export interface MembersServiceUses { cards: CardsService; merchants: MerchantsService; points: PointsService; purchases: PurchasesService }

export class MembersService {
  constructor(
    private readonly deps: Deps,
    private readonly use: MembersServiceUses,
  ) {}

  /** A member of this merchant (404 MEMBER_NOT_FOUND otherwise). */
  async get(merchantId: string, memberId: string, tx: EntityManager = this.deps.db.manager): Promise<Member> {
    const member = await tx.findOneBy(Member, { merchantId, id: memberId });
    if (!member) throw new AppError('MEMBER_NOT_FOUND', 'Member not found');
    return member;
  }

  /** Names and member numbers of these members of the merchant, by id (for lists built elsewhere, e.g. analytics). */
  async labelsOf(merchantId: string, memberIds: readonly string[]): Promise<Map<string, { name: string; memberNumber: string }>> {
    const out = new Map<string, { name: string; memberNumber: string }>();
    if (memberIds.length === 0) return out;
    const rows = await this.deps.db.manager.find(Member, { where: { merchantId, id: In([...memberIds]) }, select: { id: true, firstName: true, lastName: true, memberNumber: true } });
    for (const m of rows) out.set(m.id, { name: [m.firstName, m.lastName].filter(Boolean).join(' '), memberNumber: m.memberNumber });
    return out;
  }

  /** Finds an active member at the till by phone (any common formatting) or member number. */
  async findForTill(merchantId: string, by: { phone?: string; memberNumber?: string }): Promise<Member> {
    const m = this.deps.db.manager;
    let member: Member | null = null;
    if (by.memberNumber !== undefined) {
      const number = by.memberNumber.trim();
      if (!isValidMemberNumber(number)) throw new AppError('VALIDATION_FAILED', 'Not a valid member number', [{ path: 'query.number', message: 'not a valid member number' }]);
      member = await m.findOneBy(Member, { merchantId, memberNumber: number });
    } else if (by.phone !== undefined) {
      const phone = normalizePhone(by.phone, await this.phoneRegion(merchantId, m));
      if (!phone) throw new AppError('VALIDATION_FAILED', 'Not a valid phone number', [{ path: 'query.phone', message: 'not a valid phone number' }]);
      member = await m.findOneBy(Member, { merchantId, phone });
    } else {
      throw new AppError('VALIDATION_FAILED', 'Give a phone or a member number', [{ path: 'query', message: 'phone or number is required' }]);
    }
    if (!member) throw new AppError('MEMBER_NOT_FOUND', 'No member found');
    if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `This membership is ${member.status}`, { status: member.status });
    return member;
  }

  /**
   * Enrols a member with a card in one transaction: at the till, in the back
   * office or from the portal. Consents are recorded with time and source.
   */
  async enrol(principal: Principal, input: EnrolInput, source: CaptureSource, now = new Date(), memberId = newId(now.getTime())): Promise<{ member: Member; card: Card }> {
    const merchantId = principal.merchantId;
    const contact = await this.normalizeContact(this.deps.db.manager, merchantId, input);
    if (!contact.phone && !contact.email) {
      throw new AppError('VALIDATION_FAILED', 'Give a phone number or an email address', [{ path: 'body.phone', message: 'phone or email is required' }]);
    }
    const write = this.deps.db.transaction(async (tx) => {
      await this.assertContactFree(tx, merchantId, contact, null);
      const member = tx.create(Member, {
        id: memberId,
        merchantId,
        memberNumber: await this.freshMemberNumber(tx, merchantId),
        firstName: input.firstName.trim(),
        lastName: input.lastName?.trim() || null,
        externalId: null,
        phone: contact.phone ?? null,
        email: contact.email ?? null,
        birthDate: input.birthDate ?? null,
        locale: input.locale ?? null,
        status: 'active',
        statusReason: null,
        tierOverride: null,
        mergedIntoId: null,
        enrolledAt: now,
        enrolledStoreId: principal.kind === 'terminal' ? principal.storeId : null,
        enrolledBy: source,
        deletionRequestedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(Member, member);
      await this.recordConsents(tx, principal, member, input.consents ?? {}, source, now);
      const card = input.cardCode
        ? await this.use.cards.attachPrinted(tx, principal, merchantId, member.id, input.cardCode, now)
        : await this.use.cards.issueDigital(tx, principal, merchantId, member.id, now);
      await audit(tx, merchantId, principal, { action: 'member.enrol', entity: 'member', entityId: member.id, data: { source, cardId: card.id } }, now);
      await publish(tx, merchantId, 'member.enrolled', { memberId: member.id, cardId: card.id, storeId: member.enrolledStoreId, source }, now);
      return { member, card };
    });
    try {
      return await write;
    } catch (err) {
      // Two tills enrolling the same phone at once both pass the check above; the unique index stops the second.
      if (isUniqueViolation(err)) await this.assertContactFree(this.deps.db.manager, merchantId, contact, null);
      throw err;
    }
  }

  /**
   * A shopper joins from the portal, after proving the phone or email with a
   * one-time code: the enrolment and its consents are recorded as the new
   * member's own (actor member, source portal).
   */
  async selfEnrol(merchantId: string, input: EnrolInput, now = new Date()): Promise<{ member: Member; card: Card }> {
    const memberId = newId(now.getTime());
    return this.enrol({ kind: 'member', merchantId, memberId }, input, 'portal', now, memberId);
  }

  /**
   * Writes a batch of imported members inside the caller's transaction. A row
   * naming a member that exists (same external id, phone or email, in that
   * order; earlier rows of the batch included) creates nothing: a second run
   * of the same file adds nothing. An existing member without an external id
   * gets the row's. New members get their consents (with the file's source
   * and date), their card codes (a digital card when there are none) and
   * their opening balance as one ledger entry. No events are published: an
   * import is not an enrolment, and must not send a welcome to everyone.
   */
  async importBatch(tx: EntityManager, merchantId: string, rows: readonly ImportedMember[], now = new Date()): Promise<MemberImportOutcome[]> {
    const region = await this.phoneRegion(merchantId, tx);
    const prepared = rows.map((row) => {
      const phone = row.phone ? normalizePhone(row.phone, region) : null;
      return { row, phone, email: row.email ? normalizeEmail(row.email) : null, phoneInvalid: row.phone !== null && phone === null };
    });
    const known = await this.findByKeys(tx, merchantId, {
      externalIds: rows.flatMap((r) => (r.externalId ? [r.externalId] : [])),
      phones: prepared.flatMap((p) => (p.phone ? [p.phone] : [])),
      emails: prepared.flatMap((p) => (p.email ? [p.email] : [])),
    });
    const holders = await this.use.cards.codeHolders(tx, merchantId, rows.flatMap((r) => r.cardCodes));
    const outcomes: MemberImportOutcome[] = [];
    for (const { row, phone, email, phoneInvalid } of prepared) {
      const errors: RowError[] = [];
      if (phoneInvalid) errors.push({ row: row.row, field: 'phone', message: "not a valid phone number for this shop's region; add the country code" });
      if (!row.externalId && !phone && !email && !phoneInvalid) errors.push({ row: row.row, field: 'phone', message: 'a phone, an email or an external id is required' });
      if (errors.length) {
        outcomes.push({ row: row.row, status: 'error', errors });
        continue;
      }
      const existing = (row.externalId ? known.byExternalId.get(row.externalId) : undefined) ?? (phone ? known.byPhone.get(phone) : undefined) ?? (email ? known.byEmail.get(email) : undefined);
      if (existing) {
        if (row.externalId && !existing.externalId && !known.byExternalId.has(row.externalId)) {
          await tx.update(Member, { id: existing.id }, { externalId: row.externalId, updatedAt: now });
          existing.externalId = row.externalId;
          known.byExternalId.set(row.externalId, existing);
        }
        outcomes.push({ row: row.row, status: 'existing', memberId: existing.id });
        continue;
      }
      const taken = row.cardCodes.find((code) => typeof holders.get(code.trim()) === 'string');
      if (taken) {
        outcomes.push({ row: row.row, status: 'error', errors: [{ row: row.row, field: 'cardCodes', message: `card ${taken} already belongs to another member` }] });
        continue;
      }
      const member = tx.create(Member, {
        id: newId(now.getTime()),
        merchantId,
        memberNumber: await this.freshMemberNumber(tx, merchantId),
        firstName: row.firstName,
        lastName: row.lastName,
        externalId: row.externalId,
        phone,
        email,
        birthDate: row.birthDate,
        locale: null,
        status: 'active',
        statusReason: null,
        tierOverride: null,
        mergedIntoId: null,
        enrolledAt: now,
        enrolledStoreId: null,
        enrolledBy: 'import',
        deletionRequestedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(Member, member);
      for (const key of Object.keys(CONSENT_FIELDS) as (keyof ConsentAnswers)[]) {
        const granted = row.consents[key];
        if (granted === undefined) continue;
        await tx.insert(MemberConsent, { merchantId, memberId: member.id, kind: CONSENT_FIELDS[key], granted, source: row.consentSource, ...actorOf(null), createdAt: row.consentAt ?? now });
      }
      if (row.cardCodes.length) {
        await this.use.cards.importCodes(tx, merchantId, member.id, row.cardCodes, now);
        for (const code of row.cardCodes) holders.set(code.trim(), member.id);
      } else {
        await this.use.cards.issueDigital(tx, null, merchantId, member.id, now);
      }
      if (row.openingPoints > 0) {
        await this.use.points.adjust(tx, { merchantId, memberId: member.id, points: row.openingPoints, reason: 'opening balance (import)', actor: 'import', sourceId: null, now });
      }
      if (member.externalId) known.byExternalId.set(member.externalId, member);
      if (phone) known.byPhone.set(phone, member);
      if (email) known.byEmail.set(email, member);
      outcomes.push({ row: row.row, status: 'created', memberId: member.id });
    }
    return outcomes;
  }

  /**
   * The member each imported purchase names, by external id, phone, email or
   * card code (the first given decides): a member id, null when the row names
   * nobody (an anonymous sale), or a problem when it names an unknown member.
   */
  async matchCustomers(
    tx: EntityManager,
    merchantId: string,
    refs: readonly { externalId: string | null; phone: string | null; email: string | null; card: string | null }[],
  ): Promise<({ memberId: string | null } | { field: string; message: string })[]> {
    const region = await this.phoneRegion(merchantId, tx);
    const phones = refs.map((r) => (r.phone ? normalizePhone(r.phone, region) : null));
    const known = await this.findByKeys(tx, merchantId, {
      externalIds: refs.flatMap((r) => (r.externalId ? [r.externalId] : [])),
      phones: phones.flatMap((p) => (p ? [p] : [])),
      emails: refs.flatMap((r) => (r.email ? [normalizeEmail(r.email)] : [])),
    });
    const holders = await this.use.cards.codeHolders(tx, merchantId, refs.flatMap((r) => (r.card ? [r.card] : [])));
    return refs.map((r, i) => {
      if (r.externalId) return found(known.byExternalId.get(r.externalId)?.id, 'customerId', 'no member with this customer id: import the members first');
      if (r.phone) return phones[i] ? found(known.byPhone.get(phones[i])?.id, 'phone', 'no member with this phone') : { field: 'phone', message: 'not a valid phone number' };
      if (r.email) return found(known.byEmail.get(normalizeEmail(r.email))?.id, 'email', 'no member with this email');
      if (r.card) return found(holders.get(r.card.trim()) ?? undefined, 'card', 'no member holds this card');
      return { memberId: null };
    });
  }

  /**
   * Members named by external id, phone (E.164) or email (lower case), for
   * matching imported rows: one query per key kind and chunk.
   */
  async findByKeys(
    tx: EntityManager,
    merchantId: string,
    keys: { externalIds?: readonly string[]; phones?: readonly string[]; emails?: readonly string[] },
  ): Promise<{ byExternalId: Map<string, Member>; byPhone: Map<string, Member>; byEmail: Map<string, Member> }> {
    const found = { byExternalId: new Map<string, Member>(), byPhone: new Map<string, Member>(), byEmail: new Map<string, Member>() };
    const kinds = [
      ['externalId', keys.externalIds, found.byExternalId],
      ['phone', keys.phones, found.byPhone],
      ['email', keys.emails, found.byEmail],
    ] as const;
    for (const [column, values, into] of kinds) {
      const distinct = [...new Set(values ?? [])];
      for (let i = 0; i < distinct.length; i += KEY_CHUNK) {
        const members = await tx.find(Member, { where: { merchantId, [column]: In(distinct.slice(i, i + KEY_CHUNK)) } });
        for (const member of members) into.set(member[column] as string, member);
      }
    }
    return found;
  }

  /** Search by name, phone, email, member number or card number; paged. */
  async search(merchantId: string, input: SearchInput): Promise<{ items: Member[]; total: number }> {
    const m = this.deps.db.manager;
    const qb = m.createQueryBuilder(Member, 'm').where('m.merchant_id = :merchantId', { merchantId });
    if (input.status) qb.andWhere('m.status = :status', { status: input.status });
    if (input.deletionRequested !== undefined) qb.andWhere(input.deletionRequested ? 'm.deletion_requested_at IS NOT NULL' : 'm.deletion_requested_at IS NULL');
    const q = input.q?.trim();
    if (q) {
      const phone = /\d/.test(q) ? normalizePhone(q, await this.phoneRegion(merchantId, m)) : null;
      const digits = q.replace(/[\s-]/g, '');
      const tokens = q.split(/\s+/).slice(0, 5);
      const cardHolder = isValidEan13(digits) ? await this.use.cards.holderOf(merchantId, digits) : null;
      qb.andWhere(
        new Brackets((w) => {
          w.where('m.member_number = :number', { number: digits });
          w.orWhere('m.email = :email', { email: normalizeEmail(q) });
          if (phone) w.orWhere('m.phone = :phone', { phone });
          if (cardHolder) w.orWhere('m.id = :cardHolder', { cardHolder });
          // Every word must appear in the first or last name: "ann lee" finds Ann Lee.
          w.orWhere(
            new Brackets((names) => {
              tokens.forEach((token, i) => {
                names.andWhere(`(m.first_name LIKE :t${i} ESCAPE '!' OR m.last_name LIKE :t${i} ESCAPE '!')`, { [`t${i}`]: `%${escapeLike(token)}%` });
              });
            }),
          );
        }),
      );
    }
    const total = await qb.getCount();
    const items = await qb.orderBy('m.last_name', 'ASC').addOrderBy('m.first_name', 'ASC').addOrderBy('m.id', 'ASC').offset(input.offset).limit(input.limit).getMany();
    return { items, total };
  }

  /** Profile with derived stats, completeness, current consents and cards. */
  async profile(merchantId: string, memberId: string): Promise<MemberProfile> {
    const m = this.deps.db.manager;
    const member = await this.get(merchantId, memberId, m);
    const [stats, consents, cards] = await Promise.all([
      m.findOneBy(MemberStats, { merchantId, memberId }),
      this.currentConsents(merchantId, memberId, m),
      this.use.cards.listForMember(merchantId, memberId, m),
    ]);
    return { member, stats, consents, cards, completeness: this.completeness(member, consents) };
  }

  completeness(member: Member, consents: CurrentConsents): Completeness {
    const answered = (Object.keys(CONSENT_FIELDS) as (keyof ConsentAnswers)[]).filter((k) => consents[k] !== null).map((k) => CONSENT_FIELDS[k]);
    return completenessOf(member, answered);
  }

  /** Changes profile fields; every changed field is kept in the history with who changed it. */
  async update(principal: Principal, memberId: string, patch: StaffProfileInput, now = new Date()): Promise<Member> {
    const merchantId = principal.merchantId;
    return this.deps.db.transaction(async (tx) => {
      const member = await this.lock(tx, merchantId, memberId);
      if (member.status === 'closed') throw new AppError('MEMBER_NOT_ACTIVE', 'A closed membership cannot be changed', { status: member.status });
      const contact = await this.normalizeContact(tx, merchantId, patch);
      const next: Pick<Member, TrackedField> = {
        firstName: patch.firstName !== undefined ? patch.firstName.trim() : member.firstName,
        lastName: patch.lastName !== undefined ? patch.lastName?.trim() || null : member.lastName,
        phone: contact.phone !== undefined ? contact.phone : member.phone,
        email: contact.email !== undefined ? contact.email : member.email,
        birthDate: patch.birthDate !== undefined ? patch.birthDate : member.birthDate,
        locale: patch.locale !== undefined ? patch.locale : member.locale,
        tierOverride: patch.tierOverride !== undefined ? patch.tierOverride : member.tierOverride,
      };
      if (!next.phone && !next.email) {
        throw new AppError('VALIDATION_FAILED', 'A member keeps a phone number or an email address', [{ path: 'body.phone', message: 'phone or email is required' }]);
      }
      const changed = TRACKED_FIELDS.filter((f) => next[f] !== member[f]);
      if (changed.length === 0) return member;
      // A member editing their own profile must not learn who else uses a phone or email.
      await this.assertContactFree(tx, merchantId, { phone: changed.includes('phone') ? next.phone : null, email: changed.includes('email') ? next.email : null }, member.id, principal.kind !== 'member');
      await tx.update(Member, { id: member.id }, { ...next, updatedAt: now });
      for (const field of changed) await this.recordChange(tx, principal, member, field, member[field], next[field], now);
      if (principal.kind === 'staff') {
        await audit(tx, merchantId, principal, { action: 'member.update', entity: 'member', entityId: member.id, data: { fields: changed } }, now);
      }
      await publish(tx, merchantId, 'member.updated', { memberId: member.id, fields: changed }, now);
      return { ...member, ...next, updatedAt: now };
    });
  }

  async setStatus(principal: Principal, memberId: string, status: MemberStatus, reason: string | null, now = new Date()): Promise<Member> {
    const merchantId = principal.merchantId;
    return this.deps.db.transaction(async (tx) => {
      const member = await this.lock(tx, merchantId, memberId);
      if (member.mergedIntoId) throw new AppError('CONFLICT', 'This member was merged into another and stays closed', { mergedIntoId: member.mergedIntoId });
      if (member.status === status) return member;
      await tx.update(Member, { id: member.id }, { status, statusReason: reason, updatedAt: now });
      await this.recordChange(tx, principal, member, 'status', member.status, status, now);
      await audit(tx, merchantId, principal, { action: 'member.status', entity: 'member', entityId: member.id, data: { from: member.status, to: status, reason } }, now);
      await publish(tx, merchantId, 'member.updated', { memberId: member.id, fields: ['status'] }, now);
      return { ...member, status, statusReason: reason, updatedAt: now };
    });
  }

  async changes(merchantId: string, memberId: string): Promise<MemberChange[]> {
    await this.get(merchantId, memberId);
    return this.deps.db.manager.find(MemberChange, { where: { merchantId, memberId }, order: { id: 'ASC' } });
  }

  async consents(merchantId: string, memberId: string): Promise<{ current: CurrentConsents; history: MemberConsent[] }> {
    await this.get(merchantId, memberId);
    const history = await this.deps.db.manager.find(MemberConsent, { where: { merchantId, memberId }, order: { id: 'ASC' } });
    return { current: currentOf(history), history };
  }

  /**
   * Set-based member sources for rule segments, each a SELECT of member_id.
   * `active`: the members a segment may hold (active, not merged), optionally
   * only some (a refresh after their purchases).
   */
  activeMembers(merchantId: string, memberIds?: readonly string[]): SqlSource {
    const only = memberIds ? ` AND m.id IN (${memberIds.map(() => '?').join(', ') || 'NULL'})` : '';
    return { sql: `SELECT m.id AS member_id FROM members m WHERE m.merchant_id = ? AND m.status = 'active'${only}`, params: [merchantId, ...(memberIds ?? [])] };
  }

  /** Members born in one of these months (1–12; birth dates are kept as YYYY-MM-DD). */
  bornInMonths(merchantId: string, months: readonly number[]): SqlSource {
    return {
      sql: `SELECT m.id AS member_id FROM members m WHERE m.merchant_id = ? AND m.birth_date IS NOT NULL AND SUBSTR(m.birth_date, 6, 2) IN (${months.map(() => '?').join(', ')})`,
      params: [merchantId, ...months.map((n) => String(n).padStart(2, '0'))],
    };
  }

  /** Members enrolled in [from, before). */
  enrolledBetween(merchantId: string, from: Date | undefined, before: Date | undefined): SqlSource {
    const where = ['m.merchant_id = ?'];
    const params: unknown[] = [merchantId];
    if (from) {
      where.push('m.enrolled_at >= ?');
      params.push(sqlInstant(from));
    }
    if (before) {
      where.push('m.enrolled_at < ?');
      params.push(sqlInstant(before));
    }
    return { sql: `SELECT m.id AS member_id FROM members m WHERE ${where.join(' AND ')}`, params };
  }

  /** Members whose latest answer for this consent is "granted" (the consent log keeps every answer). */
  consenting(merchantId: string, kind: ConsentKind): SqlSource {
    return {
      sql: `SELECT c.member_id AS member_id FROM member_consents c
            WHERE c.merchant_id = ? AND c.kind = ? AND c.granted = 1
              AND c.id = (SELECT MAX(c2.id) FROM member_consents c2 WHERE c2.merchant_id = c.merchant_id AND c2.member_id = c.member_id AND c2.kind = c.kind)`,
      params: [merchantId, kind],
    };
  }

  /** The consents in force for a member the caller has already loaded (the till's card lookup): no second read of the member. */
  async currentConsentsOf(member: Pick<Member, 'merchantId' | 'id'>): Promise<CurrentConsents> {
    return this.currentConsents(member.merchantId, member.id, this.deps.db.manager);
  }

  /** Records the answers that differ from the current ones. */
  async setConsents(principal: Principal, memberId: string, answers: ConsentAnswers, source: CaptureSource, now = new Date()): Promise<CurrentConsents> {
    return this.deps.db.transaction(async (tx) => {
      const member = await this.lock(tx, principal.merchantId, memberId);
      const changed = await this.recordConsents(tx, principal, member, answers, source, now);
      if (changed.length) await publish(tx, member.merchantId, 'member.updated', { memberId: member.id, fields: changed.map((key) => `consents.${key}`) }, now);
      return this.currentConsents(member.merchantId, member.id, tx);
    });
  }

  /**
   * Merges `fromId` into `intoId`: cards, points and purchases move, contact
   * details the target lacks move too, and `fromId` is closed with a pointer
   * to the member it became. Recorded in both members' changes and the audit.
   */
  async merge(principal: Principal, fromId: string, intoId: string, now = new Date()): Promise<{ member: Member; cardsMoved: number }> {
    const merchantId = principal.merchantId;
    if (fromId === intoId) throw new AppError('UNPROCESSABLE', 'A member cannot be merged into itself');
    return this.deps.db.transaction(async (tx) => {
      // Lock in id order so two merges of the same pair in opposite directions cannot deadlock.
      const locked = new Map<string, Member>();
      for (const id of [fromId, intoId].sort()) locked.set(id, await this.lock(tx, merchantId, id));
      const from = locked.get(fromId) as Member;
      const into = locked.get(intoId) as Member;
      if (from.mergedIntoId) throw new AppError('CONFLICT', 'This member was already merged', { mergedIntoId: from.mergedIntoId });
      if (into.status === 'closed') throw new AppError('MEMBER_NOT_ACTIVE', 'Cannot merge into a closed membership', { status: into.status });

      const cardsMoved = await this.use.cards.moveToMember(tx, merchantId, from.id, into.id, now);
      await this.use.points.mergeMembers(tx, merchantId, from.id, into.id, now);
      await this.use.purchases.reassignMember(tx, merchantId, from.id, into.id);
      // The source's purchases now belong to the target; its cached stats describe nothing any more.
      await tx.delete(MemberStats, { merchantId, memberId: from.id });

      const moved: Partial<Pick<Member, 'lastName' | 'phone' | 'email' | 'birthDate'>> = {};
      for (const f of ['lastName', 'phone', 'email', 'birthDate'] as const) if (!into[f] && from[f]) moved[f] = from[f];
      const cleared = Object.fromEntries(Object.keys(moved).filter((f) => f === 'phone' || f === 'email').map((f) => [f, null]));
      // Clear the source's phone/email first: both are unique per merchant.
      await tx.update(Member, { id: from.id }, { ...cleared, status: 'closed', statusReason: `merged into ${into.memberNumber}`, mergedIntoId: into.id, updatedAt: now });
      if (Object.keys(moved).length) await tx.update(Member, { id: into.id }, { ...moved, updatedAt: now });

      await this.recordChange(tx, principal, from, 'status', from.status, 'closed', now);
      await this.recordChange(tx, principal, from, 'mergedInto', null, into.memberNumber, now);
      for (const f of Object.keys(cleared) as ('phone' | 'email')[]) await this.recordChange(tx, principal, from, f, from[f], null, now);
      await this.recordChange(tx, principal, into, 'mergedFrom', null, from.memberNumber, now);
      for (const [f, v] of Object.entries(moved) as [TrackedField, string][]) await this.recordChange(tx, principal, into, f, into[f], v, now);
      await audit(tx, merchantId, principal, { action: 'member.merge', entity: 'member', entityId: into.id, data: { fromId: from.id, intoId: into.id, cardsMoved, moved: Object.keys(moved) } }, now);
      await publish(tx, merchantId, 'member.merged', { fromMemberId: from.id, intoMemberId: into.id }, now);
      return { member: { ...into, ...moved, updatedAt: now }, cardsMoved };
    });
  }

  /** Dashboard figures: members not merged away, how many are active, and how many enrolled per bucket. */
  async figures(merchantId: string, buckets: Buckets): Promise<{ total: number; active: number; enrolled: number[] }> {
    const row = await this.deps.db.manager
      .createQueryBuilder(Member, 'mb')
      .select('COUNT(*)', 'total')
      .addSelect(`SUM(CASE WHEN mb.status = 'active' THEN 1 ELSE 0 END)`, 'active')
      .addSelect(buckets.sums('mb.enrolled_at', '1'))
      .where('mb.merchant_id = :merchantId AND mb.merged_into_id IS NULL', { merchantId, ...buckets.params })
      .getRawOne<Record<string, unknown>>();
    return { total: toInt(row?.total), active: toInt(row?.active), enrolled: buckets.series(row) };
  }

  /** Stores the derived purchase stats computed by the purchases module (insert or overwrite). */
  /**
   * Rewrites a member's stats with what `compute` reads, in one transaction
   * that first locks the member's row. Concurrent refreshes of one member so
   * run one after the other, and each reads the purchases only after taking
   * the lock: the last to write has seen every sale committed before any of
   * them started, so a slow refresh never overwrites a newer one with older
   * figures.
   */
  async refreshStats(merchantId: string, memberId: string, compute: (tx: EntityManager) => Promise<MemberPurchaseStats>): Promise<void> {
    const { db } = this.deps;
    await db.transaction(async (tx) => {
      const member = await tx.findOne(Member, { where: { merchantId, id: memberId }, ...(db.isMysql ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
      if (!member) throw new AppError('MEMBER_NOT_FOUND', 'Member not found');
      const stats = await compute(tx);
      await tx.upsert(
      MemberStats,
      {
        memberId,
        merchantId,
        firstPurchaseAt: stats.firstPurchaseAt,
        lastPurchaseAt: stats.lastPurchaseAt,
        visits: stats.visits,
        spendMinor: stats.spendMinor,
        averageBasketMinor: stats.averageBasketMinor,
        favouriteStoreId: stats.favouriteStoreId,
        topCategories: stats.topCategories,
        updatedAt: new Date(),
      },
      ['memberId'],
    );
    });
  }

  /** The signed-in member; a closed membership no longer has a portal. */
  async self(principal: Principal & { kind: 'member' }): Promise<Member> {
    const member = await this.get(principal.merchantId, principal.memberId);
    if (member.status === 'closed') throw new AppError('MEMBER_NOT_ACTIVE', 'This membership is closed', { status: member.status });
    return member;
  }

  /** Records the member's wish to be deleted, for staff to handle; the ledger is never hard-deleted. */
  async requestDeletion(principal: Principal & { kind: 'member' }, now = new Date()): Promise<Member> {
    return this.deps.db.transaction(async (tx) => {
      const member = await this.lock(tx, principal.merchantId, principal.memberId);
      if (member.deletionRequestedAt) return member;
      await tx.update(Member, { id: member.id }, { deletionRequestedAt: now, updatedAt: now });
      await this.recordChange(tx, principal, member, 'deletionRequestedAt', null, now.toISOString(), now);
      await audit(tx, member.merchantId, principal, { action: 'member.deletion-request', entity: 'member', entityId: member.id }, now);
      await publish(tx, member.merchantId, 'member.updated', { memberId: member.id, fields: ['deletionRequestedAt'] }, now);
      return { ...member, deletionRequestedAt: now, updatedAt: now };
    });
  }

  /**
   * Everything kept about the member, for a data access request: profile,
   * consents, changes, cards, points ledger and purchases. The ledger and the
   * purchases are read page by page through their modules.
   */
  async exportData(principal: Principal & { kind: 'member' }, now = new Date()) {
    const { merchantId, memberId } = principal;
    const profile = await this.profile(merchantId, memberId);
    const [changes, consents, balance] = await Promise.all([
      this.changes(merchantId, memberId),
      this.consents(merchantId, memberId),
      this.use.points.summary(merchantId, memberId, now),
    ]);
    const entries = [];
    for (let before: number | undefined; ; ) {
      const page = await this.use.points.entries(merchantId, memberId, { limit: EXPORT_PAGE, before });
      entries.push(...page.items);
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    const purchases = [];
    for (let offset = 0; ; offset += EXPORT_PAGE) {
      const page = await this.use.purchases.list(principal, { limit: EXPORT_PAGE, offset });
      purchases.push(...page.items);
      if (page.items.length < EXPORT_PAGE) break;
    }
    return { ...profile, changes, consentHistory: consents.history, points: { balance, entries }, purchases, exportedAt: now };
  }

  /**
   * Erases what identifies a member, for a deletion request: name, contact,
   * birth date and external id go, the membership is closed, the change
   * history keeps which fields changed but not their values, and pending
   * sign-in codes are dropped. The member row, number, cards and points
   * ledger stay, so balances, receipts and the ledger's sums do not move.
   * Runs in the caller's transaction (the erasure spans modules).
   */
  async erase(tx: EntityManager, principal: Principal, memberId: string, now = new Date()): Promise<Member> {
    const member = await this.lock(tx, principal.merchantId, memberId);
    const erased = { firstName: 'Erased', lastName: null, phone: null, email: null, birthDate: null, externalId: null, locale: null, status: 'closed' as const, statusReason: 'erased', updatedAt: now };
    await tx.update(Member, { id: member.id }, erased);
    await tx.update(MemberChange, { merchantId: member.merchantId, memberId: member.id }, { oldValue: null, newValue: null });
    await tx.delete(SignInCode, { merchantId: member.merchantId, memberId: member.id });
    await this.recordChange(tx, principal, member, 'erased', null, now.toISOString(), now);
    await audit(tx, member.merchantId, principal, { action: 'member.erase', entity: 'member', entityId: member.id }, now);
    await publish(tx, member.merchantId, 'member.updated', { memberId: member.id, fields: ['firstName', 'lastName', 'phone', 'email', 'birthDate', 'externalId', 'locale', 'status'] }, now);
    return { ...member, ...erased };
  }

  /**
   * One page of the merchant's members for a CSV export, by id after
   * `afterId` (keyset: a page costs the same however deep the export is).
   */
  async exportPage(merchantId: string, afterId: string | null, limit: number): Promise<Member[]> {
    const qb = this.deps.db.manager.getRepository(Member).createQueryBuilder('m').where('m.merchant_id = :merchantId', { merchantId });
    if (afterId) qb.andWhere('m.id > :afterId', { afterId });
    return qb.orderBy('m.id', 'ASC').limit(limit).getMany();
  }

  /** These members of the merchant in id order, for an export page whose ids come from elsewhere (a segment's list). */
  async exportRowsOf(merchantId: string, memberIds: readonly string[]): Promise<Member[]> {
    if (memberIds.length === 0) return [];
    return this.deps.db.manager.find(Member, { where: { merchantId, id: In([...memberIds]) }, order: { id: 'ASC' } });
  }

  /** The merchant's region for reading phone numbers without a country code. */
  async phoneRegion(merchantId: string, m: EntityManager = this.deps.db.manager) {
    return phoneRegionOf(await this.use.merchants.getMerchant(merchantId, m));
  }

  private async currentConsents(merchantId: string, memberId: string, m: EntityManager): Promise<CurrentConsents> {
    return currentOf(await m.find(MemberConsent, { where: { merchantId, memberId }, order: { id: 'ASC' } }));
  }

  /** Records the answers that differ from the current ones; returns which. */
  private async recordConsents(tx: EntityManager, principal: Principal, member: Member, answers: ConsentAnswers, source: CaptureSource, now: Date): Promise<(keyof ConsentAnswers)[]> {
    const current = await this.currentConsents(member.merchantId, member.id, tx);
    const changed: (keyof ConsentAnswers)[] = [];
    for (const key of Object.keys(CONSENT_FIELDS) as (keyof ConsentAnswers)[]) {
      const granted = answers[key];
      if (granted === undefined || current[key]?.granted === granted) continue;
      await tx.insert(MemberConsent, { merchantId: member.merchantId, memberId: member.id, kind: CONSENT_FIELDS[key], granted, source, ...actorOf(principal), createdAt: now });
      changed.push(key);
    }
    return changed;
  }

  /** Normalises the phone (E.164, merchant region) and email (lower case) that are present in the input. */
  private async normalizeContact(tx: EntityManager, merchantId: string, input: ProfileInput): Promise<{ phone?: string | null; email?: string | null }> {
    const out: { phone?: string | null; email?: string | null } = {};
    if (input.phone !== undefined) {
      if (input.phone === null || input.phone.trim() === '') out.phone = null;
      else {
        const phone = normalizePhone(input.phone, await this.phoneRegion(merchantId, tx));
        if (!phone) throw new AppError('VALIDATION_FAILED', 'Not a valid phone number', [{ path: 'body.phone', message: 'not a valid phone number for this shop\'s region; add the country code' }]);
        out.phone = phone;
      }
    }
    if (input.email !== undefined) out.email = input.email === null || input.email.trim() === '' ? null : normalizeEmail(input.email);
    return out;
  }

  private async assertContactFree(
    tx: EntityManager,
    merchantId: string,
    contact: { phone?: string | null; email?: string | null },
    exceptId: string | null,
    revealMember = true,
  ): Promise<void> {
    for (const field of ['phone', 'email'] as const) {
      const value = contact[field];
      if (!value) continue;
      const other = await tx.findOneBy(Member, { merchantId, [field]: value });
      if (other && other.id !== exceptId) {
        throw new AppError('MEMBER_EXISTS', `A member with this ${field} already exists`, revealMember ? { field, memberNumber: other.memberNumber } : { field });
      }
    }
  }

  private async freshMemberNumber(tx: EntityManager, merchantId: string): Promise<string> {
    for (;;) {
      const number = generateMemberNumber();
      if (!(await tx.existsBy(Member, { merchantId, memberNumber: number }))) return number;
    }
  }

  private async lock(tx: EntityManager, merchantId: string, memberId: string): Promise<Member> {
    const qb = tx.createQueryBuilder(Member, 'm').where('m.merchant_id = :merchantId AND m.id = :memberId', { merchantId, memberId });
    if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
    const member = await qb.getOne();
    if (!member) throw new AppError('MEMBER_NOT_FOUND', 'Member not found');
    return member;
  }

  private async recordChange(tx: EntityManager, principal: Principal, member: Member, field: string, oldValue: unknown, newValue: unknown, now: Date): Promise<void> {
    await tx.insert(MemberChange, {
      merchantId: member.merchantId,
      memberId: member.id,
      ...actorOf(principal),
      field,
      oldValue: oldValue === null || oldValue === undefined ? null : String(oldValue),
      newValue: newValue === null || newValue === undefined ? null : String(newValue),
      createdAt: now,
    });
  }
}

function currentOf(history: MemberConsent[]): CurrentConsents {
  const current: CurrentConsents = { marketingEmail: null, marketingSms: null, profiling: null };
  const byKind = Object.fromEntries(Object.entries(CONSENT_FIELDS).map(([k, v]) => [v, k])) as Record<ConsentKind, keyof ConsentAnswers>;
  for (const row of history) current[byKind[row.kind]] = { granted: row.granted, source: row.source, at: row.createdAt };
  return current;
}

/** Escapes LIKE wildcards with '!' (an escape character both dialects accept the same way). */
function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`);
}

function found(memberId: string | undefined, field: string, message: string): { memberId: string } | { field: string; message: string } {
  return memberId ? { memberId } : { field, message };
}
