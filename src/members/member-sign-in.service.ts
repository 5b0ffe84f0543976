import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { LessThan } from 'typeorm';
import { signAccessToken } from '../auth';
import type { Deps } from '../deps';
import { newId } from '../db/ids';
import { AppError } from '../http/errors';
import type { Merchant } from '../merchants';
import type { Limit, RateLimitsService } from '../rate-limits';
import { Member } from './member.entity';
import { normalizeEmail, normalizePhone, phoneRegionOf } from './phone';
import { SignInCode, type SignUpDetails } from './sign-in-code.entity';
import type { MerchantsService } from '../merchants';
import type { NotificationsService } from '../notifications';
import type { MembersService } from './members.service';

const CODE_TTL_MS = 10 * 60_000;
/** Wrong codes per live code set of a destination, from all sources together. */
const MAX_CODE_ATTEMPTS = 30;
/** Live codes of one destination that a guess is checked against (every message the member received). */
const LIVE_CODES = 10;
const CODE_RETENTION_MS = 24 * 3_600_000;
const QUARTER_HOUR = 15 * 60;

/**
 * Portal limits (issue 15, finding 6), counted in the database so they hold
 * across api processes. Requests and guesses are limited per source, so
 * another address cannot use up the member's own allowance; messages are
 * capped per destination and per merchant (each one costs the shop), and a
 * request over that cap is answered like any other but sends nothing: the
 * member still holds the codes already sent, and every live code works.
 */
export const PORTAL_LIMITS = {
  codesPerSource: { name: 'portal.code.source', limit: 10, windowSeconds: QUARTER_HOUR },
  codesPerSourceAndDestination: { name: 'portal.code.source-destination', limit: 3, windowSeconds: QUARTER_HOUR },
  messagesPerDestination: { name: 'portal.message.destination', limit: 5, windowSeconds: 3600 },
  messagesPerMerchant: { name: 'portal.message.merchant', limit: 500, windowSeconds: 3600 },
  guessesPerSource: { name: 'portal.verify.source', limit: 20, windowSeconds: QUARTER_HOUR },
  guessesPerSourceAndDestination: { name: 'portal.verify.source-destination', limit: 5, windowSeconds: QUARTER_HOUR },
  /** Self sign-ups from one address: a family at one phone joins, a script filling the member list does not. */
  joinsPerSource: { name: 'portal.join.source', limit: 10, windowSeconds: 3600 },
} satisfies Record<string, Limit>;

export type SignInDestination = { phone: string; email?: undefined } | { email: string; phone?: undefined };

/** The other modules' services this one calls. */
export interface MemberSignInServiceUses { merchants: MerchantsService; notifications: NotificationsService; rateLimits: RateLimitsService }

/**
 * Portal sign-in with a one-time code sent by SMS or email through the
 * notification outbox. Requests never reveal whether a member or a merchant
 * exists: the answer and the limits are the same either way.
 */
export class MemberSignInService {
  constructor(
    private readonly deps: Deps,
    private readonly members: MembersService,
    private readonly use: MemberSignInServiceUses,
  ) {}

  /**
   * Self sign-up from the shop's poster: sends a one-time code to the phone
   * or email given, and the member is enrolled with these details (and
   * consents) only when that code is verified. An unknown shop is a 404: its
   * portal page says so. A destination that is already a member's gets an
   * ordinary sign-in code (the answer is the same), so the form reveals
   * nobody's membership and never enrols anyone twice.
   */
  async requestJoin(merchantId: string, to: SignInDestination, details: SignUpDetails, requesterIp: string, now = new Date()): Promise<void> {
    const merchant = await this.merchant(merchantId);
    if (!merchant || merchant.suspendedAt) throw new AppError('NOT_FOUND', 'shop not found');
    await this.use.rateLimits.enforce(PORTAL_LIMITS.joinsPerSource, requesterIp, 'Too many sign-ups from this address', now);
    await this.requestCode(merchantId, to, requesterIp, now, details);
  }

  async requestCode(merchantId: string, to: SignInDestination, requesterIp: string, now = new Date(), signUp: SignUpDetails | null = null): Promise<void> {
    const merchant = await this.merchant(merchantId);
    const destination = this.destinationOf(merchant, to);
    const limits = this.use.rateLimits;
    const tooMany = 'Too many sign-in codes requested from this address';
    await limits.enforce(PORTAL_LIMITS.codesPerSource, requesterIp, tooMany, now);
    await limits.enforce(PORTAL_LIMITS.codesPerSourceAndDestination, `${requesterIp}|${merchantId}|${destination}`, tooMany, now);
    if (!merchant || !destination) return;
    const perDestination = await limits.hit(PORTAL_LIMITS.messagesPerDestination, `${merchantId}|${destination}`, now);
    const perMerchant = await limits.hit(PORTAL_LIMITS.messagesPerMerchant, merchantId, now);
    if (!perDestination.allowed || !perMerchant.allowed) {
      if (perMerchant.firstOver) this.deps.log.warn({ merchantId }, 'portal sign-in messages over the hourly cap; further codes are not sent this hour');
      return;
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.deps.db.transaction(async (tx) => {
      const member = await tx.findOneBy(Member, { merchantId, status: 'active', ...(to.phone !== undefined ? { phone: destination } : { email: destination }) });
      // A sign-up for a contact no member has; for a member's, an ordinary sign-in code.
      const joining = member ? null : signUp;
      const id = newId(now.getTime());
      await tx.insert(SignInCode, {
        id,
        merchantId,
        destination,
        memberId: member?.id ?? null,
        signUp: joining,
        codeHash: this.hash(id, code),
        attempts: 0,
        requesterIp,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
        usedAt: null,
        createdAt: now,
      });
      if (!member && !joining) return;
      await this.use.notifications.enqueue(
        tx,
        {
          merchantId,
          memberId: member?.id ?? null,
          channel: to.phone !== undefined ? 'sms' : 'email',
          destination,
          template: joining ? 'join-code' : 'sign-in-code',
          subject: joining ? `${merchant.name} membership code` : `${merchant.name} sign-in code`,
          body: joining
            ? `${merchant.name}: your code to join is ${code}. It expires in 10 minutes. Do not share it.`
            : `${merchant.name}: your sign-in code is ${code}. It expires in 10 minutes. Do not share it.`,
          sensitive: true,
        },
        now,
      );
    });
  }

  /**
   * Checks a code against the destination's live codes and signs the member
   * in. Guesses are counted per source before the check, so parallel guesses
   * cannot slip past; wrong ones also count against the live codes, which
   * stop working after MAX_CODE_ATTEMPTS from all sources together.
   */
  async verify(merchantId: string, to: SignInDestination, code: string, requesterIp: string, now = new Date()): Promise<{ accessToken: string; expiresIn: number; member: Member }> {
    const merchant = await this.merchant(merchantId);
    const destination = this.destinationOf(merchant, to);
    const limits = this.use.rateLimits;
    const tooMany = 'Too many sign-in attempts from this address';
    await limits.enforce(PORTAL_LIMITS.guessesPerSource, requesterIp, tooMany, now);
    await limits.enforce(PORTAL_LIMITS.guessesPerSourceAndDestination, `${requesterIp}|${merchantId}|${destination}`, tooMany, now);
    if (!merchant || !destination) throw invalidCode();
    const outcome = await this.deps.db.transaction(async (tx) => {
      const qb = tx
        .createQueryBuilder(SignInCode, 's')
        .where('s.merchant_id = :merchantId AND s.destination = :destination AND s.used_at IS NULL AND s.expires_at > :now', { merchantId, destination, now })
        .orderBy('s.created_at', 'DESC')
        .addOrderBy('s.id', 'DESC')
        .limit(LIVE_CODES);
      if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
      const live = await qb.getMany();
      const usable = live.filter((row) => row.attempts < MAX_CODE_ATTEMPTS);
      if (live.length === 0) return { kind: 'invalid' as const };
      if (usable.length === 0) return { kind: 'locked' as const };
      const given = (row: SignInCode) => Buffer.from(this.hash(row.id, code), 'hex');
      const match = usable.find((row) => (row.memberId !== null || row.signUp !== null) && timingSafeEqual(Buffer.from(row.codeHash, 'hex'), given(row)));
      if (!match) {
        // Committed with the transaction; the error is thrown only after commit.
        await tx
          .createQueryBuilder()
          .update(SignInCode)
          .set({ attempts: () => 'attempts + 1' })
          .whereInIds(usable.map((row) => row.id))
          .execute();
        return { kind: 'invalid' as const };
      }
      await tx.update(SignInCode, { id: match.id }, { usedAt: now, attempts: match.attempts + 1 });
      return { kind: 'ok' as const, memberId: match.memberId, signUp: match.signUp };
    });
    if (outcome.kind === 'locked') throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong codes; request a new code');
    if (outcome.kind === 'invalid') throw invalidCode();
    const member = outcome.memberId
      ? await this.members.get(merchantId, outcome.memberId)
      : await this.join(merchantId, to, outcome.signUp as SignUpDetails, now);
    if (member.status !== 'active') throw invalidCode();
    const { config } = this.deps;
    const accessToken = signAccessToken(config.jwtSecret, config.accessTokenTtlSeconds, { kind: 'member', merchantId, memberId: member.id });
    return { accessToken, expiresIn: config.accessTokenTtlSeconds, member };
  }

  /**
   * Enrols the shopper whose join code was just verified. When the contact
   * became a member's in the meantime (a second join code, the till), that
   * member signs in instead: enrolment refuses a contact in use.
   */
  private async join(merchantId: string, to: SignInDestination, details: SignUpDetails, now: Date): Promise<Member> {
    try {
      const { member } = await this.members.selfEnrol(
        merchantId,
        { firstName: details.firstName, lastName: details.lastName, locale: details.locale, consents: details.consents, ...(to.phone !== undefined ? { phone: to.phone } : { email: to.email }) },
        now,
      );
      return member;
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'MEMBER_EXISTS') throw err;
      const destination = this.destinationOf(await this.merchant(merchantId), to);
      const existing = await this.deps.db.manager.findOneBy(Member, { merchantId, ...(to.phone !== undefined ? { phone: destination as string } : { email: destination as string }) });
      if (!existing) throw err;
      return existing;
    }
  }

  /**
   * Housekeeping: code rows are only needed for their 10-minute life and the
   * 15-minute rate window; after a day they go. Undelivered codes are discarded.
   */
  async prune(now = new Date()): Promise<{ codes: number; notifications: number }> {
    const result = await this.deps.db.manager.delete(SignInCode, { createdAt: LessThan(new Date(now.getTime() - CODE_RETENTION_MS)) });
    const notifications = await this.use.notifications.discardStaleSensitive(new Date(now.getTime() - CODE_TTL_MS));
    return { codes: result.affected ?? 0, notifications };
  }

  /** The merchant named in the portal URL, or null: an unknown merchant is treated like an unknown member. */
  private async merchant(merchantId: string): Promise<Merchant | null> {
    try {
      return await this.use.merchants.getMerchant(merchantId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  /** The normalised destination; for an unknown merchant, as given (its requests are counted all the same). */
  private destinationOf(merchant: Merchant | null, to: SignInDestination): string | null {
    if (!merchant) return to.phone !== undefined ? to.phone.replace(/\s/g, '') : normalizeEmail(to.email);
    if (to.phone !== undefined) return normalizePhone(to.phone, phoneRegionOf(merchant));
    return normalizeEmail(to.email);
  }

  /** HMAC with the server secret, salted by the row id, so a leaked table does not give codes away by brute force. */
  private hash(id: string, code: string): string {
    return createHmac('sha256', this.deps.config.jwtSecret).update(`${id}:${code}`).digest('hex');
  }
}

function invalidCode(): AppError {
  return new AppError('INVALID_CODE', 'The code is wrong or has expired');
}
