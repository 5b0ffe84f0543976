import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { LessThan, MoreThan } from 'typeorm';
import { signAccessToken } from '../auth/tokens';
import type { Deps } from '../deps';
import { newId } from '../db/ids';
import { AppError } from '../http/errors';
import type { Merchant } from '../merchants/merchant.entity';
import type { Services } from '../services';
import { Member } from './member.entity';
import { normalizeEmail, normalizePhone, phoneRegionOf } from './phone';
import { SignInCode } from './sign-in-code.entity';

const CODE_TTL_MS = 10 * 60_000;
const MAX_CODE_ATTEMPTS = 5;
/** Codes per destination and per requesting address within RATE_WINDOW_MS. */
const MAX_CODES_PER_DESTINATION = 3;
const MAX_CODES_PER_IP = 20;
const RATE_WINDOW_MS = 15 * 60_000;
const CODE_RETENTION_MS = 24 * 3_600_000;

export type SignInDestination = { phone: string; email?: undefined } | { email: string; phone?: undefined };

/**
 * Portal sign-in with a one-time code sent by SMS or email through the
 * notification outbox. Requests never reveal whether a member exists: the
 * answer, the stored row and the rate limits are the same either way.
 */
export class MemberSignInService {
  constructor(
    private readonly deps: Deps,
    private readonly services: Services,
  ) {}

  async requestCode(merchantId: string, to: SignInDestination, requesterIp: string, now = new Date()): Promise<void> {
    const merchant = await this.merchant(merchantId);
    if (!merchant) return;
    const destination = this.destinationOf(merchant, to);
    if (!destination) return;
    const since = new Date(now.getTime() - RATE_WINDOW_MS);
    const repo = this.deps.db.manager.getRepository(SignInCode);
    const [forDestination, forIp] = await Promise.all([
      repo.countBy({ merchantId, destination, createdAt: MoreThan(since) }),
      repo.countBy({ requesterIp, createdAt: MoreThan(since) }),
    ]);
    if (forDestination >= MAX_CODES_PER_DESTINATION || forIp >= MAX_CODES_PER_IP) {
      throw new AppError('RATE_LIMITED', 'Too many sign-in codes requested; try again later', { retryAfterSeconds: RATE_WINDOW_MS / 1000 });
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.deps.db.transaction(async (tx) => {
      const member = await tx.findOneBy(Member, { merchantId, status: 'active', ...(to.phone !== undefined ? { phone: destination } : { email: destination }) });
      const id = newId(now.getTime());
      await tx.insert(SignInCode, {
        id,
        merchantId,
        destination,
        memberId: member?.id ?? null,
        codeHash: this.hash(id, code),
        attempts: 0,
        requesterIp,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
        usedAt: null,
        createdAt: now,
      });
      if (!member) return;
      await this.services.notifications.enqueue(
        tx,
        {
          merchantId,
          memberId: member.id,
          channel: to.phone !== undefined ? 'sms' : 'email',
          destination,
          template: 'sign-in-code',
          subject: `${merchant.name} sign-in code`,
          body: `${merchant.name}: your sign-in code is ${code}. It expires in 10 minutes. Do not share it.`,
          sensitive: true,
        },
        now,
      );
    });
  }

  /** Checks the latest code for the destination and signs the member in. */
  async verify(merchantId: string, to: SignInDestination, code: string, now = new Date()): Promise<{ accessToken: string; expiresIn: number; member: Member }> {
    const merchant = await this.merchant(merchantId);
    const destination = merchant ? this.destinationOf(merchant, to) : null;
    if (!destination) throw invalidCode();
    const outcome = await this.deps.db.transaction(async (tx) => {
      const qb = tx
        .createQueryBuilder(SignInCode, 's')
        .where('s.merchant_id = :merchantId AND s.destination = :destination AND s.used_at IS NULL AND s.expires_at > :now', { merchantId, destination, now })
        .orderBy('s.created_at', 'DESC')
        .addOrderBy('s.id', 'DESC')
        .limit(1);
      if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
      const row = await qb.getOne();
      if (!row) return { kind: 'invalid' as const };
      if (row.attempts >= MAX_CODE_ATTEMPTS) return { kind: 'locked' as const };
      const expected = Buffer.from(row.codeHash, 'hex');
      const given = Buffer.from(this.hash(row.id, code), 'hex');
      if (row.memberId === null || !timingSafeEqual(expected, given)) {
        // Counted in its own committed transaction: the error is thrown only after commit.
        await tx.update(SignInCode, { id: row.id }, { attempts: row.attempts + 1 });
        return { kind: 'invalid' as const };
      }
      await tx.update(SignInCode, { id: row.id }, { usedAt: now, attempts: row.attempts + 1 });
      return { kind: 'ok' as const, memberId: row.memberId };
    });
    if (outcome.kind === 'locked') throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong codes; request a new code');
    if (outcome.kind === 'invalid') throw invalidCode();
    const member = await this.services.members.get(merchantId, outcome.memberId);
    if (member.status !== 'active') throw invalidCode();
    const { config } = this.deps;
    const accessToken = signAccessToken(config.jwtSecret, config.accessTokenTtlSeconds, { kind: 'member', merchantId, memberId: member.id });
    return { accessToken, expiresIn: config.accessTokenTtlSeconds, member };
  }

  /**
   * Housekeeping: code rows are only needed for their 10-minute life and the
   * 15-minute rate window; after a day they go. Undelivered codes are discarded.
   */
  async prune(now = new Date()): Promise<{ codes: number; notifications: number }> {
    const result = await this.deps.db.manager.delete(SignInCode, { createdAt: LessThan(new Date(now.getTime() - CODE_RETENTION_MS)) });
    const notifications = await this.services.notifications.discardStaleSensitive(new Date(now.getTime() - CODE_TTL_MS));
    return { codes: result.affected ?? 0, notifications };
  }

  /** The merchant named in the portal URL, or null: an unknown merchant is treated like an unknown member. */
  private async merchant(merchantId: string): Promise<Merchant | null> {
    try {
      return await this.services.merchants.getMerchant(merchantId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  private destinationOf(merchant: Merchant, to: SignInDestination): string | null {
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
