import { randomBytes } from 'node:crypto';
import { signAccessToken } from '../../src/auth/tokens';
import { newId } from '../../src/db/ids';
import type { Principal, StaffRole } from '../../src/http/principal';
import { Merchant } from '../../src/merchants/merchant.entity';
import { StaffUser } from '../../src/merchants/staff-user.entity';
import { Store } from '../../src/merchants/store.entity';
import { Terminal } from '../../src/merchants/terminal.entity';
import type { TestRuntime } from './test-runtime';

/**
 * Factories with random defaults. They write rows directly so a suite can set
 * up a merchant without going through the sign-in routes it is not testing.
 */
export interface MerchantFixture {
  merchant: Merchant;
  store: Store;
  owner: StaffUser;
  manager: StaffUser;
  cashier: StaffUser;
  terminal: Terminal;
  /** Bearer tokens per role. */
  tokens: { owner: string; manager: string; cashier: string; terminal: string };
}

const suffix = () => randomBytes(4).toString('hex');

export async function createMerchantFixture(rt: TestRuntime, overrides: Partial<Merchant> = {}): Promise<MerchantFixture> {
  const m = rt.db.manager;
  const now = new Date();
  const merchant = m.create(Merchant, {
    id: newId(),
    name: `Shop ${suffix()}`,
    currency: 'USD',
    timeZone: 'UTC',
    locale: 'en',
    settings: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  });
  await m.save(merchant);
  const store = m.create(Store, { id: newId(), merchantId: merchant.id, code: `S${suffix().toUpperCase()}`, name: 'Main street', address: null, timeZone: null, active: true, createdAt: now, updatedAt: now });
  await m.save(store);
  const staff = async (role: StaffRole) => {
    const user = m.create(StaffUser, {
      id: newId(),
      merchantId: merchant.id,
      email: `${role}-${suffix()}@example.test`,
      name: `${role} ${suffix()}`,
      // Not a valid scrypt hash on purpose: fixtures sign tokens directly.
      passwordHash: 'fixture',
      role,
      storeIds: null,
      locale: null,
      active: true,
      tokenGeneration: 0,
      lastSignInAt: null,
      createdAt: now,
      updatedAt: now,
    });
    return m.save(user);
  };
  const owner = await staff('owner');
  const manager = await staff('manager');
  const cashier = await staff('cashier');
  const terminal = m.create(Terminal, { id: newId(), merchantId: merchant.id, storeId: store.id, name: 'Till 1', keyPrefix: suffix(), keyHash: 'fixture', revokedAt: null, lastSeenAt: null, createdAt: now });
  await m.save(terminal);
  const sign = (p: Principal) => signAccessToken(rt.config.jwtSecret, rt.config.accessTokenTtlSeconds, p);
  const staffPrincipal = (u: StaffUser): Principal => ({ kind: 'staff', merchantId: merchant.id, userId: u.id, role: u.role, storeIds: u.storeIds });
  return {
    merchant,
    store,
    owner,
    manager,
    cashier,
    terminal,
    tokens: {
      owner: sign(staffPrincipal(owner)),
      manager: sign(staffPrincipal(manager)),
      cashier: sign(staffPrincipal(cashier)),
      terminal: sign({ kind: 'terminal', merchantId: merchant.id, terminalId: terminal.id, storeId: store.id }),
    },
  };
}

/** A bearer token for any principal, e.g. a member. */
export function tokenFor(rt: TestRuntime, principal: Principal): string {
  return signAccessToken(rt.config.jwtSecret, rt.config.accessTokenTtlSeconds, principal);
}
