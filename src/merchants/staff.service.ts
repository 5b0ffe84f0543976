import { In, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import { hashPassword } from '../auth';
import { isUniqueViolation } from '../db/db';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError, forbidden, found } from '../http/errors';
import type { Principal, StaffRole } from '../http/principal';
import { changedFields, containsPattern, pageOf, storeLimit, type MerchantsService, type Page } from './merchants.service';
import type { PageQuery } from './merchants.schemas';
import { StaffUser } from './staff-user.entity';
import { Store } from './store.entity';
import type { AuthService } from '../auth';

export interface StaffInput {
  email: string;
  name: string;
  password: string;
  role: StaffRole;
  storeIds?: string[] | null;
  locale?: string | null;
  pin?: string;
}

export interface StaffPatch {
  name?: string;
  role?: StaffRole;
  storeIds?: string[] | null;
  active?: boolean;
  locale?: string | null;
  password?: string;
  /** null removes the PIN. */
  pin?: string | null;
}

type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;

/** The other modules' services this one calls. */
export interface StaffServiceUses { auth: AuthService }

/**
 * Sign-in checks the password against at most this many accounts sharing one
 * email (in parallel, so the answer takes about as long as for one).
 */
export const MAX_MERCHANTS_PER_EMAIL = 10;

/**
 * Staff accounts. Owners manage everyone; managers manage cashiers only, and a
 * store-limited manager only cashiers of their own stores. The merchant always
 * keeps at least one active owner.
 */
export class StaffService {
  constructor(
    private readonly deps: Deps,
    private readonly merchants: MerchantsService,
    private readonly use: StaffServiceUses,
  ) {}

  async list(principal: Principal, page: PageQuery): Promise<Page<StaffUser>> {
    const qb = this.deps.db.manager.getRepository(StaffUser).createQueryBuilder('u').where('u.merchant_id = :mid', { mid: principal.merchantId }).orderBy('u.name', 'ASC').addOrderBy('u.id', 'ASC');
    if (page.q) qb.andWhere("(u.name LIKE :q ESCAPE '!' OR u.email LIKE :q ESCAPE '!')", { q: containsPattern(page.q.toLowerCase()) });
    return pageOf(qb, page);
  }

  async get(principal: Principal, userId: string, tx: EntityManager = this.deps.db.manager): Promise<StaffUser> {
    return found(await tx.findOneBy(StaffUser, { id: userId, merchantId: principal.merchantId }), 'staff user');
  }

  async create(principal: Principal, input: StaffInput): Promise<StaffUser> {
    const actor = asStaff(principal);
    const storeIds = normaliseStores(input.role, input.storeIds);
    assertMayManage(actor, input.role, storeIds);
    // Hash before the transaction: scrypt takes tens of milliseconds and should not hold locks.
    const passwordHash = await hashPassword(input.password);
    const pinHash = input.pin === undefined ? null : await hashPassword(input.pin);
    return this.deps.db.transaction(async (tx) => {
      await this.assertStoresOfMerchant(tx, actor.merchantId, storeIds);
      return this.insert(tx, actor.merchantId, { ...input, storeIds, passwordHash, pinHash }, actor);
    });
  }

  /**
   * Inserts a staff user inside the caller's transaction and audits it. Used by
   * the staff routes, first-run setup and the create-owner command.
   */
  async insert(
    tx: EntityManager,
    merchantId: string,
    input: Omit<StaffInput, 'password' | 'pin'> & { passwordHash: string; pinHash?: string | null },
    actor: Principal | null,
    now = new Date(),
  ): Promise<StaffUser> {
    const user = tx.create(StaffUser, {
      id: newId(now.getTime()),
      merchantId,
      email: input.email.toLowerCase(),
      name: input.name,
      passwordHash: input.passwordHash,
      pinHash: input.pinHash ?? null,
      role: input.role,
      storeIds: input.storeIds ?? null,
      locale: input.locale ?? null,
      active: true,
      tokenGeneration: 0,
      lastSignInAt: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await tx.insert(StaffUser, user);
    } catch (err) {
      // Unique within the merchant only: another shop's staff with the same email is none of this shop's business.
      if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', 'A staff account with this email already exists in this shop', [{ path: 'body.email', message: 'already in use' }]);
      throw err;
    }
    await audit(tx, merchantId, actor, { action: 'staff.create', entity: 'staff_user', entityId: user.id, data: { email: user.email, role: user.role, storeIds: user.storeIds } }, now);
    return user;
  }

  async update(principal: Principal, userId: string, patch: StaffPatch): Promise<StaffUser> {
    const actor = asStaff(principal);
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    const pinHash = patch.pin === undefined ? undefined : patch.pin === null ? null : await hashPassword(patch.pin);
    const updated = await this.deps.db.transaction(async (tx) => {
      const user = await this.get(actor, userId, tx);
      const role = patch.role ?? user.role;
      // Promoting to owner drops a store list; otherwise the list stays unless given.
      const storeIds = patch.storeIds !== undefined ? normaliseStores(role, patch.storeIds) : role === 'owner' ? null : user.storeIds;
      // Both who the user is now and what they would become must be within the actor's reach.
      assertMayManage(actor, user.role, user.storeIds);
      assertMayManage(actor, role, storeIds);
      if (patch.storeIds !== undefined) await this.assertStoresOfMerchant(tx, actor.merchantId, storeIds);
      const active = patch.active ?? user.active;
      if (user.role === 'owner' && user.active && (role !== 'owner' || !active)) await this.assertAnotherOwner(tx, user);

      const locale = patch.locale !== undefined ? patch.locale : user.locale;
      const changes = changedFields(user, { name: patch.name, role, storeIds, active, locale });
      if (Object.keys(changes).length === 0 && !passwordHash && pinHash === undefined) return user;
      const now = new Date();
      Object.assign(user, { name: patch.name ?? user.name, role, storeIds, active, locale, updatedAt: now });
      if (passwordHash) Object.assign(user, { passwordHash });
      if (pinHash !== undefined) Object.assign(user, { pinHash });
      await tx.save(user);
      // A reset password or a disabled account must not keep old sessions alive.
      if (passwordHash || !active) await this.use.auth.revokeUserSessions(tx, user.id, now);
      await audit(tx, actor.merchantId, actor, { action: 'staff.update', entity: 'staff_user', entityId: user.id, data: { ...changes, ...(passwordHash ? { passwordReset: true } : {}), ...(pinHash !== undefined ? { pin: pinHash ? 'set' : 'removed' } : {}) } }, now);
      return user;
    });
    // After the commit, like a revoked terminal: a till of this process stops carrying this cashier at once.
    this.use.auth.forgetCashier(actor.merchantId, updated.id);
    return updated;
  }

  /** Who may sign in on a till of this store: active staff with a PIN who work there, by name. */
  async cashiersFor(merchantId: string, storeId: string): Promise<{ id: string; name: string }[]> {
    const users = await this.deps.db.manager
      .getRepository(StaffUser)
      .createQueryBuilder('u')
      .select(['u.id', 'u.name', 'u.storeIds'])
      .where('u.merchant_id = :merchantId AND u.active = :active AND u.pin_hash IS NOT NULL', { merchantId, active: true })
      .orderBy('u.name', 'ASC')
      .take(500)
      .getMany();
    return users.filter((u) => u.storeIds === null || u.storeIds.includes(storeId)).map((u) => ({ id: u.id, name: u.name }));
  }

  /** A staff member's name as receipts print it, or null when there is none in this merchant. */
  async nameOf(merchantId: string, userId: string): Promise<string | null> {
    const user = await this.deps.db.manager.findOne(StaffUser, { select: { id: true, name: true }, where: { id: userId, merchantId } });
    return user?.name ?? null;
  }

  /** Staff with this email in any merchant, for sign-in (which asks which merchant when several match). */
  async findForSignIn(email: string, merchantId?: string): Promise<StaffUser[]> {
    const where = { email: email.toLowerCase(), ...(merchantId ? { merchantId } : {}) };
    return this.deps.db.manager.find(StaffUser, { where, order: { createdAt: 'ASC' }, take: MAX_MERCHANTS_PER_EMAIL });
  }

  /** Moves the user's token generation, so every access token issued before it stops at once. */
  async endAccessTokens(tx: EntityManager, userId: string): Promise<void> {
    await tx.increment(StaffUser, { id: userId }, 'tokenGeneration', 1);
  }

  /** Recovery path of `npm run create-owner`: adds an owner to an existing merchant, audited as a system action. */
  /** Where alerts for the shop go: the owners' sign-in emails. */
  async ownerEmails(merchantId: string, tx: EntityManager = this.deps.db.manager): Promise<string[]> {
    const owners = await tx.findBy(StaffUser, { merchantId, role: 'owner', active: true });
    return owners.map((o) => o.email);
  }

  async addOwner(merchantId: string, input: { email: string; name: string; password: string }): Promise<StaffUser> {
    const passwordHash = await hashPassword(input.password);
    return this.deps.db.transaction(async (tx) => {
      await this.merchants.getMerchant(merchantId, tx);
      return this.insert(tx, merchantId, { email: input.email, name: input.name, role: 'owner', storeIds: null, passwordHash }, null);
    });
  }

  /** Every store id must belong to this merchant; another merchant's store is "not found". */
  private async assertStoresOfMerchant(tx: EntityManager, merchantId: string, storeIds: string[] | null): Promise<void> {
    if (!storeIds) return;
    const known = await tx.find(Store, { select: { id: true }, where: { merchantId, id: In(storeIds) } });
    const missing = storeIds.filter((id) => !known.some((s) => s.id === id));
    if (missing.length) throw new AppError('NOT_FOUND', `store not found: ${missing.join(', ')}`);
  }

  /** Refuses to demote or disable the last active owner (locks the owner rows on MySQL so two owners cannot demote each other at once). */
  private async assertAnotherOwner(tx: EntityManager, user: StaffUser): Promise<void> {
    const qb = tx
      .getRepository(StaffUser)
      .createQueryBuilder('u')
      .select('u.id')
      .where('u.merchant_id = :mid AND u.role = :role AND u.active = :active', { mid: user.merchantId, role: 'owner', active: true });
    if (this.deps.db.isMysql) qb.setLock('pessimistic_write');
    const owners = await qb.getMany();
    if (!owners.some((o) => o.id !== user.id)) {
      throw new AppError('LAST_OWNER', 'This is the last active owner; make another owner first');
    }
  }
}

function asStaff(principal: Principal): StaffPrincipal {
  if (principal.kind !== 'staff') throw forbidden();
  return principal;
}

/** Owners always work in all stores; a store list is deduplicated. */
function normaliseStores(role: StaffRole, storeIds: string[] | null | undefined): string[] | null {
  if (role === 'owner') {
    if (storeIds) throw new AppError('VALIDATION_FAILED', 'Owners work in all stores', [{ path: 'body.storeIds', message: 'must be null or absent for an owner' }]);
    return null;
  }
  return storeIds ? [...new Set(storeIds)] : null;
}

/** Managers manage cashiers only, and a store-limited manager only within their stores. */
function assertMayManage(actor: StaffPrincipal, role: StaffRole, storeIds: string[] | null): void {
  if (actor.role === 'owner') return;
  if (actor.role !== 'manager' || role !== 'cashier') throw forbidden('Managers can only manage cashiers');
  const limit = storeLimit(actor);
  if (limit && (storeIds === null || storeIds.some((id) => !limit.includes(id)))) {
    throw forbidden('You can only give cashiers stores you work in');
  }
}
