import type { EntityManager } from 'typeorm';
import { audit } from '../audit';
import { newPairingCode, newTerminalKey } from '../auth';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { AppError, forbidden, found } from '../http/errors';
import { canUseStore, type Principal } from '../http/principal';
import { containsPattern, pageOf, storeLimit, type MerchantsService, type Page } from './merchants.service';
import type { PageQuery } from './merchants.schemas';
import { Terminal } from './terminal.entity';
import type { AuthService } from '../auth';

/** The revoked terminal each store's imported purchases are recorded under; its key hash matches no key. */
const IMPORT_TERMINAL_NAME = 'History import';
const IMPORT_KEY_HASH = 'history-import';

/** A pairing code is typed at the till within minutes of being shown. */
export const PAIRING_CODE_MINUTES = 15;

/** The other modules' services this one calls. */
export interface TerminalsServiceUses { auth: AuthService }

/** Tills. Each gets an API key shown once; revoking stops it on its next request. */
export class TerminalsService {
  constructor(
    private readonly deps: Deps,
    private readonly merchants: MerchantsService,
    private readonly use: TerminalsServiceUses,
  ) {}

  async list(principal: Principal, query: PageQuery & { storeId?: string }): Promise<Page<Terminal>> {
    const qb = this.deps.db.manager.getRepository(Terminal).createQueryBuilder('t').where('t.merchant_id = :mid', { mid: principal.merchantId }).orderBy('t.name', 'ASC').addOrderBy('t.id', 'ASC');
    const limitedTo = storeLimit(principal);
    if (limitedTo) qb.andWhere('t.store_id IN (:...ids)', { ids: limitedTo.length ? limitedTo : [''] });
    if (query.storeId) qb.andWhere('t.store_id = :storeId', { storeId: query.storeId });
    if (query.q) qb.andWhere("t.name LIKE :q ESCAPE '!'", { q: containsPattern(query.q) });
    return pageOf(qb, query);
  }

  /** Creates a terminal and returns its API key — the only time the key exists outside the till. */
  async create(principal: Principal, input: { storeId: string; name: string }): Promise<{ terminal: Terminal; apiKey: string }> {
    return this.deps.db.transaction(async (tx) => {
      const store = await this.merchants.getStoreFor(principal, input.storeId, tx);
      const now = new Date();
      const key = newTerminalKey();
      const terminal = tx.create(Terminal, {
        id: newId(now.getTime()),
        merchantId: principal.merchantId,
        storeId: store.id,
        name: input.name,
        keyPrefix: key.prefix,
        keyHash: key.hash,
        pairingCodeHash: null,
        pairingExpiresAt: null,
        revokedAt: null,
        lastSeenAt: null,
        createdAt: now,
      });
      await tx.insert(Terminal, terminal);
      await audit(tx, principal.merchantId, principal, { action: 'terminal.create', entity: 'terminal', entityId: terminal.id, data: { storeId: store.id, name: terminal.name, keyPrefix: key.prefix } }, now);
      return { terminal, apiKey: key.apiKey };
    });
  }

  /**
   * The terminal a store's imported history is recorded under (purchases name
   * a terminal; receipt numbers are unique per terminal, so per store here).
   * Created on first use, already revoked: no till can ever sign in with it.
   */
  async importTerminal(tx: EntityManager, merchantId: string, storeId: string, now = new Date()): Promise<Terminal> {
    const existing = await tx.findOneBy(Terminal, { merchantId, storeId, name: IMPORT_TERMINAL_NAME, keyHash: IMPORT_KEY_HASH });
    if (existing) return existing;
    const terminal = tx.create(Terminal, {
      id: newId(now.getTime()),
      merchantId,
      storeId,
      name: IMPORT_TERMINAL_NAME,
      keyPrefix: newTerminalKey().prefix,
      keyHash: IMPORT_KEY_HASH,
      pairingCodeHash: null,
      pairingExpiresAt: null,
      revokedAt: now,
      lastSeenAt: null,
      createdAt: now,
    });
    await tx.insert(Terminal, terminal);
    return terminal;
  }

  /**
   * A one-time code that pairs a till with this terminal (typed on the till or
   * read from its QR), alive PAIRING_CODE_MINUTES; a new code replaces the
   * last one. Pairing gives the till a new key, so the old key stops.
   */
  async pairingCode(principal: Principal, terminalId: string, now = new Date()): Promise<{ terminal: Terminal; code: string; expiresAt: Date }> {
    return this.deps.db.transaction(async (tx) => {
      const terminal = found(await tx.findOneBy(Terminal, { id: terminalId, merchantId: principal.merchantId }), 'terminal');
      if (!canUseStore(principal, terminal.storeId)) throw forbidden('This terminal belongs to a store that is not yours');
      if (terminal.revokedAt) throw new AppError('TERMINAL_REVOKED', 'This terminal is revoked; add a new one to pair a till');
      const { code, hash } = newPairingCode();
      const expiresAt = new Date(now.getTime() + PAIRING_CODE_MINUTES * 60_000);
      await tx.update(Terminal, { id: terminal.id }, { pairingCodeHash: hash, pairingExpiresAt: expiresAt });
      await audit(tx, principal.merchantId, principal, { action: 'terminal.pairing-code', entity: 'terminal', entityId: terminal.id, data: { expiresAt: expiresAt.toISOString() } }, now);
      return { terminal: Object.assign(terminal, { pairingCodeHash: hash, pairingExpiresAt: expiresAt }), code, expiresAt };
    });
  }

  /** Revokes a terminal; its tokens stop working on its next request to this process, within a second elsewhere (see TERMINAL_AUTH_CACHE_MS). Repeating is harmless. */
  async revoke(principal: Principal, terminalId: string): Promise<Terminal> {
    const revoked = await this.deps.db.transaction(async (tx) => {
      const terminal = found(await tx.findOneBy(Terminal, { id: terminalId, merchantId: principal.merchantId }), 'terminal');
      if (!canUseStore(principal, terminal.storeId)) throw forbidden('This terminal belongs to a store that is not yours');
      if (terminal.revokedAt) return terminal;
      terminal.revokedAt = new Date();
      await tx.update(Terminal, { id: terminal.id }, { revokedAt: terminal.revokedAt, pairingCodeHash: null, pairingExpiresAt: null });
      await audit(tx, principal.merchantId, principal, { action: 'terminal.revoke', entity: 'terminal', entityId: terminal.id, data: { storeId: terminal.storeId } }, terminal.revokedAt);
      return terminal;
    });
    // After the commit: the auth cache of this process must not keep the terminal alive (others drop it within TERMINAL_AUTH_CACHE_MS).
    this.use.auth.forgetTerminal(principal.merchantId, revoked.id);
    return revoked;
  }
}
