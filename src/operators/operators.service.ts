import { audit } from '../audit';
import { hashPassword, signAccessToken, SignInGuard, verifyAgainstDummy, verifyPassword } from '../auth';
import { isUniqueViolation } from '../db/db';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError } from '../http/errors';
import type { OperatorPrincipal } from '../http/principal';
import type { AuthService } from '../auth';
import type { Merchant, MerchantFields, MerchantsService, Page } from '../merchants';
import { Operator } from './operator.entity';

export interface OperatorSession {
  accessToken: string;
  expiresIn: number;
  operator: Operator;
}

export interface OwnerSetup {
  token: string;
  url: string;
  expiresAt: Date;
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
const disabled = () => new AppError('INVALID_TOKEN', 'This operator account has been disabled');

/** The other modules' services this one calls. */
export interface OperatorsServiceUses { auth: AuthService; merchants: MerchantsService }

/**
 * The platform operator: signs in on its own route, creates, suspends and
 * lists merchants, and makes a new merchant's first-owner setup link. It
 * reaches merchants only through the merchants service's platform methods,
 * and no merchant route admits it (see `isAllowed`).
 */
export class OperatorsService {
  private readonly guard: SignInGuard;

  constructor(
    private readonly deps: Deps,
    private readonly services: OperatorsServiceUses,
  ) {
    this.guard = new SignInGuard(deps.db);
  }

  /** Adds an operator (from `npm run create-operator`, never over HTTP). */
  async create(input: { email: string; name: string; password: string }, now = new Date()): Promise<Operator> {
    const passwordHash = await hashPassword(input.password);
    const operator = this.deps.db.manager.create(Operator, {
      id: newId(now.getTime()),
      email: input.email.toLowerCase(),
      name: input.name,
      passwordHash,
      active: true,
      tokenGeneration: 0,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.deps.db.transaction((tx) => tx.insert(Operator, operator));
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', 'An operator with this email already exists');
      throw err;
    }
    return operator;
  }

  /** Sign-in with the same guard as staff: counted before the check, per email and source. */
  async signIn(email: string, password: string, source: string, now = new Date()): Promise<OperatorSession> {
    const normalised = email.toLowerCase();
    const operator = await this.deps.db.manager.findOneBy(Operator, { email: normalised });
    // An unknown email hashes a dummy: the same work and answer as a wrong password.
    const check = async () => (operator ? (await verifyPassword(password, operator.passwordHash)) && operator.active : verifyAgainstDummy(password));
    const matched = await this.guard.attempt('operator', normalised, source, check, now);
    if (!operator || !matched) throw invalidCredentials();
    const { jwtSecret, accessTokenTtlSeconds } = this.deps.config;
    const accessToken = signAccessToken(jwtSecret, accessTokenTtlSeconds, { kind: 'operator', operatorId: operator.id }, operator.tokenGeneration);
    return { accessToken, expiresIn: accessTokenTtlSeconds, operator };
  }

  /** Rebuilds the operator principal on every request: a disabled operator or a moved generation stops at once. */
  async authenticate(claimed: OperatorPrincipal, generation: number): Promise<OperatorPrincipal> {
    const operator = await this.deps.db.manager.findOne(Operator, { select: { id: true, active: true, tokenGeneration: true }, where: { id: claimed.operatorId } });
    if (!operator || !operator.active || operator.tokenGeneration !== generation) throw disabled();
    return { kind: 'operator', operatorId: operator.id };
  }

  async listMerchants(page: { limit: number; offset: number; q?: string }): Promise<Page<Merchant>> {
    return this.services.merchants.listAllMerchants(page);
  }

  /** Creates a merchant with no staff yet, and the setup link its first owner signs up with. */
  async createMerchant(actor: OperatorPrincipal, input: MerchantFields, now = new Date()): Promise<{ merchant: Merchant; ownerSetup: OwnerSetup }> {
    const merchant = await this.deps.db.transaction(async (tx) => {
      const created = await this.services.merchants.createMerchant(tx, input, now);
      await audit(tx, created.id, actor, { action: 'merchant.create', entity: 'merchant', entityId: created.id, data: { ...input } }, now);
      return created;
    });
    return { merchant, ownerSetup: await this.ownerSetup(merchant.id, now) };
  }

  /** A new one-time link for a merchant's owner to sign up (first owner, or every owner lost access). */
  async ownerSetup(merchantId: string, now = new Date()): Promise<OwnerSetup> {
    const { token, expiresAt } = await this.services.auth.ownerSetupToken(merchantId, now);
    const base = this.deps.config.publicUrl.replace(/\/+$/, '');
    return { token, url: `${base}/setup?token=${encodeURIComponent(token)}`, expiresAt };
  }

  async setSuspended(actor: OperatorPrincipal, merchantId: string, suspended: boolean): Promise<Merchant> {
    return this.services.merchants.setSuspended(merchantId, suspended, actor);
  }
}
