import type { z } from 'zod';
import type { Merchant } from './merchant.entity';
import type { MerchantOut, StaffOut, StoreOut, TerminalOut } from './merchants.schemas';
import type { StaffUser } from './staff-user.entity';
import type { Store } from './store.entity';
import type { Terminal } from './terminal.entity';

/** Entity → API shape. Secrets (password and key hashes) never leave through these. */
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function merchantView(m: Merchant): z.infer<typeof MerchantOut> {
  return { id: m.id, name: m.name, currency: m.currency, timeZone: m.timeZone, locale: m.locale, brandColor: m.brandColor, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString() };
}

export function storeView(s: Store): z.infer<typeof StoreOut> {
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    address: s.address,
    timeZone: s.timeZone,
    active: s.active,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function staffView(u: StaffUser): z.infer<typeof StaffOut> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    storeIds: u.storeIds,
    locale: u.locale,
    active: u.active,
    hasPin: u.pinHash !== null,
    lastSignInAt: iso(u.lastSignInAt),
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export function terminalView(t: Terminal): z.infer<typeof TerminalOut> {
  return {
    id: t.id,
    storeId: t.storeId,
    name: t.name,
    keyPrefix: t.keyPrefix,
    revokedAt: iso(t.revokedAt),
    lastSeenAt: iso(t.lastSeenAt),
    pairingExpiresAt: iso(t.pairingExpiresAt),
    createdAt: t.createdAt.toISOString(),
  };
}
