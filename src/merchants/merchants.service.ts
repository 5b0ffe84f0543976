import { randomBytes } from 'node:crypto';
import type { EntityManager, SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { audit } from '../audit';
import { newId } from '../db/ids';
import { TtlCache } from '../db/ttl-cache';
import type { Deps } from '../deps';
import { AppError, forbidden, found } from '../http/errors';
import { canUseStore, type OperatorPrincipal, type Principal } from '../http/principal';
import { Merchant } from './merchant.entity';
import { isUniqueViolation } from '../db/db';
import type { MerchantPatch, PageQuery } from './merchants.schemas';
import { Store } from './store.entity';

export interface MerchantInput {
  name: string;
  currency: string;
  timeZone: string;
  locale: string;
}

export interface StoreInput {
  code: string;
  name: string;
  address?: string | null;
  timeZone?: string | null;
}

export interface StorePatch {
  name?: string;
  address?: string | null;
  timeZone?: string | null;
  active?: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** `LIKE` pattern matching `q` anywhere; `!` escapes, since SQLite has no default escape character. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[!%_]/g, '!$&')}%`;
}

export async function pageOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, page: { limit: number; offset: number }): Promise<Page<T>> {
  const [items, total] = await qb.take(page.limit).skip(page.offset).getManyAndCount();
  return { items, total };
}

/** 31 letters and digits without 0/O and 1/I/L; 31^6 ≈ 887 million codes. */
const PORTAL_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const PORTAL_CODE_LENGTH = 6;

/** How long a process reuses merchant settings and stores it read for the till (see TtlCache). */
const SETTINGS_CACHE_MS = 5_000;

/** The merchant itself and its stores. Other modules read merchants and stores through here. */
export class MerchantsService {
  private readonly merchants = new TtlCache<Merchant>(SETTINGS_CACHE_MS);
  private readonly stores = new TtlCache<Store>(SETTINGS_CACHE_MS);

  constructor(private readonly deps: Deps) {}

  /** The merchant, or 404. Other modules use it for currency, time zone and locale. */
  async getMerchant(merchantId: string, tx: EntityManager = this.deps.db.manager): Promise<Merchant> {
    return found(await tx.findOneBy(Merchant, { id: merchantId }), 'merchant');
  }

  /**
   * The merchant's settings (currency, locale, time zone) for a hot path such
   * as the till, read at most every few seconds per process; a change is seen
   * at once in the process that made it and within SETTINGS_CACHE_MS elsewhere.
   */
  async merchantSettings(merchantId: string): Promise<Readonly<Merchant>> {
    return this.merchants.get(merchantId, () => this.getMerchant(merchantId));
  }

  /** A store of this merchant, or 404, cached like merchantSettings (needs no connection on a hit, so fine inside a transaction). */
  async storeSettings(merchantId: string, storeId: string, tx?: EntityManager): Promise<Readonly<Store>> {
    return this.stores.get(`${merchantId}/${storeId}`, () => this.getStore(merchantId, storeId, tx));
  }

  /** A store of this merchant, or 404 (also for another merchant's store). */
  async getStore(merchantId: string, storeId: string, tx: EntityManager = this.deps.db.manager): Promise<Store> {
    return found(await tx.findOneBy(Store, { id: storeId, merchantId }), 'store');
  }

  /** Every store of the merchant (a history import matches its store column against their codes and names). */
  async allStores(merchantId: string, tx: EntityManager = this.deps.db.manager): Promise<Store[]> {
    return tx.find(Store, { where: { merchantId }, order: { code: 'ASC' } });
  }

  /** A store by its receipt code (case-insensitive), or 404. */
  async getStoreByCode(merchantId: string, code: string): Promise<Store> {
    return found(await this.deps.db.manager.findOneBy(Store, { merchantId, code: code.toUpperCase() }), 'store');
  }

  /**
   * Merchants across all tenants, oldest first: for the platform operator and
   * its shell tools (create-owner), never for a merchant's principal.
   */
  async listAllMerchants(page: { limit: number; offset: number; q?: string }): Promise<Page<Merchant>> {
    const qb = this.deps.db.manager.getRepository(Merchant).createQueryBuilder('m').orderBy('m.created_at', 'ASC').addOrderBy('m.id', 'ASC');
    if (page.q) qb.where("m.name LIKE :q ESCAPE '!'", { q: containsPattern(page.q) });
    return pageOf(qb, page);
  }

  /** The ids of every merchant not suspended, read a page of 100 at a time: the nightly runs walk them. */
  async *activeMerchantIds(): AsyncGenerator<string> {
    for (let offset = 0; ; offset += 100) {
      const page = await this.listAllMerchants({ limit: 100, offset });
      for (const merchant of page.items) if (!merchant.suspendedAt) yield merchant.id;
      if (page.items.length < 100) return;
    }
  }

  /** Suspends (or lifts the suspension of) a merchant; idempotent. Audited in the merchant's own log. */
  async setSuspended(merchantId: string, suspended: boolean, actor: OperatorPrincipal, now = new Date()): Promise<Merchant> {
    const updated = await this.deps.db.transaction(async (tx) => {
      const merchant = await this.getMerchant(merchantId, tx);
      if (Boolean(merchant.suspendedAt) === suspended) return merchant;
      Object.assign(merchant, { suspendedAt: suspended ? now : null, updatedAt: now });
      await tx.update(Merchant, { id: merchant.id }, { suspendedAt: merchant.suspendedAt, updatedAt: now });
      await audit(tx, merchant.id, actor, { action: suspended ? 'merchant.suspend' : 'merchant.resume', entity: 'merchant', entityId: merchant.id }, now);
      return merchant;
    });
    // This process refuses the merchant's callers at once; others within SETTINGS_CACHE_MS.
    this.merchants.delete(merchantId);
    return updated;
  }

  /**
   * The short code of the shop's poster address (/j/CODE), given on first
   * use: six characters without look-alikes (0/O, 1/I/L), so it can be typed
   * from paper. A clash with another shop's code draws again.
   */
  async portalCode(merchantId: string): Promise<string> {
    for (;;) {
      const merchant = await this.getMerchant(merchantId);
      if (merchant.portalCode) return merchant.portalCode;
      const code = Array.from(randomBytes(PORTAL_CODE_LENGTH), (b) => PORTAL_CODE_ALPHABET[b % PORTAL_CODE_ALPHABET.length]).join('');
      try {
        // Only where none is set yet: two first uses at once keep one code.
        await this.deps.db.manager.createQueryBuilder().update(Merchant).set({ portalCode: code }).where('id = :id AND portal_code IS NULL', { id: merchantId }).execute();
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
  }

  /** The merchant of a poster's short code (any case), or 404. */
  async merchantByPortalCode(code: string): Promise<Merchant> {
    return found(await this.deps.db.manager.findOneBy(Merchant, { portalCode: code.toUpperCase() }), 'shop');
  }

  async hasAnyMerchant(tx: EntityManager = this.deps.db.manager): Promise<boolean> {
    return (await tx.getRepository(Merchant).createQueryBuilder('m').select('m.id').limit(1).getRawOne()) !== undefined;
  }

  /** Inserts a merchant inside the caller's transaction (first-run setup, platform operator). */
  async createMerchant(tx: EntityManager, input: MerchantInput, now = new Date()): Promise<Merchant> {
    const merchant = tx.create(Merchant, { id: newId(now.getTime()), ...input, brandColor: null, portalCode: null, settings: null, suspendedAt: null, createdAt: now, updatedAt: now });
    await tx.save(merchant);
    return merchant;
  }

  async updateMerchant(principal: Principal, patch: MerchantPatch): Promise<Merchant> {
    const updated = await this.deps.db.transaction(async (tx) => {
      const merchant = await this.getMerchant(principal.merchantId, tx);
      const changes = changedFields(merchant, patch);
      if (Object.keys(changes).length === 0) return merchant;
      Object.assign(merchant, patch, { updatedAt: new Date() });
      await tx.save(merchant);
      await audit(tx, merchant.id, principal, { action: 'merchant.update', entity: 'merchant', entityId: merchant.id, data: changes });
      return merchant;
    });
    // After the commit, so a till request in between cannot cache the old settings again.
    this.merchants.delete(principal.merchantId);
    return updated;
  }

  /** Stores the caller may see: all of the merchant's, or a store-limited user's own. */
  async listStores(principal: Principal, page: PageQuery): Promise<Page<Store>> {
    const qb = this.deps.db.manager.getRepository(Store).createQueryBuilder('s').where('s.merchant_id = :mid', { mid: principal.merchantId }).orderBy('s.code', 'ASC');
    const limitedTo = storeLimit(principal);
    if (limitedTo) qb.andWhere('s.id IN (:...ids)', { ids: limitedTo.length ? limitedTo : [''] });
    if (page.q) qb.andWhere("(s.name LIKE :q ESCAPE '!' OR s.code LIKE :q ESCAPE '!')", { q: containsPattern(page.q) });
    return pageOf(qb, page);
  }

  /** A store the caller may use: 404 for another merchant's, 403 outside a store-limited user's stores. */
  async getStoreFor(principal: Principal, storeId: string, tx?: EntityManager): Promise<Store> {
    const store = await this.getStore(principal.merchantId, storeId, tx);
    if (!canUseStore(principal, store.id)) throw forbidden('This store is not one of yours');
    return store;
  }

  async createStore(principal: Principal, input: StoreInput): Promise<Store> {
    // A store-limited manager could not use a store they created; opening stores is for those who see all.
    if (storeLimit(principal)) throw forbidden('Only staff with access to all stores can open a store');
    return this.deps.db.transaction(async (tx) => {
      const now = new Date();
      const existing = await tx.findOneBy(Store, { merchantId: principal.merchantId, code: input.code });
      if (existing) throw new AppError('ALREADY_EXISTS', `A store with code ${input.code} already exists`, [{ path: 'body.code', message: 'already used by another store' }]);
      const store = tx.create(Store, {
        id: newId(now.getTime()),
        merchantId: principal.merchantId,
        code: input.code,
        name: input.name,
        address: input.address ?? null,
        timeZone: input.timeZone ?? null,
        active: true,
        createdAt: now,
        updatedAt: now,
      });
      await tx.insert(Store, store);
      await audit(tx, principal.merchantId, principal, { action: 'store.create', entity: 'store', entityId: store.id, data: { code: store.code, name: store.name } }, now);
      return store;
    });
  }

  async updateStore(principal: Principal, storeId: string, patch: StorePatch): Promise<Store> {
    const updated = await this.deps.db.transaction(async (tx) => {
      const store = await this.getStoreFor(principal, storeId, tx);
      const changes = changedFields(store, patch);
      if (Object.keys(changes).length === 0) return store;
      Object.assign(store, patch, { updatedAt: new Date() });
      await tx.save(store);
      await audit(tx, principal.merchantId, principal, { action: 'store.update', entity: 'store', entityId: store.id, data: changes });
      return store;
    });
    this.stores.delete(`${principal.merchantId}/${storeId}`);
    return updated;
  }
}

/** The stores a staff user is limited to, or null when they may use all. */
export function storeLimit(principal: Principal): string[] | null {
  if (principal.kind === 'staff') return principal.storeIds;
  if (principal.kind === 'terminal') return [principal.storeId];
  return [];
}

/** `{ field: { from, to } }` for each patched field whose value differs: the audit record of a change. */
export function changedFields<T extends object>(current: T, patch: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(patch)) {
    if (to === undefined) continue;
    const from = (current as Record<string, unknown>)[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}
