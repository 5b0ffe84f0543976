import { useSyncExternalStore } from 'react';
import { api, type Session } from './client';

/**
 * Sign-in state of each app, kept in localStorage so a reload (or a till
 * restarted in the morning) stays signed in. Each app has its own slot: a
 * terminal, a staff member and a shopper can use the same browser.
 */
interface Stored<T> {
  get(): T | null;
  set(value: T | null): void;
  subscribe(listener: () => void): () => void;
}

function stored<T>(key: string): Stored<T> {
  const listeners = new Set<() => void>();
  let cache: { raw: string | null; value: T | null } = { raw: null, value: null };
  const read = (): T | null => {
    const raw = localStorage.getItem(key);
    if (raw !== cache.raw) {
      let value: T | null = null;
      try {
        value = raw ? (JSON.parse(raw) as T) : null;
      } catch {
        value = null;
      }
      cache = { raw, value };
    }
    return cache.value;
  };
  return {
    get: read,
    set(value) {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
      listeners.forEach((l) => l());
    },
    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (e: StorageEvent) => e.key === key && listener();
      window.addEventListener('storage', onStorage);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('storage', onStorage);
      };
    },
  };
}

export function useStored<T>(slot: Stored<T>): T | null {
  return useSyncExternalStore(slot.subscribe, slot.get, () => null);
}

// ---- staff (back office, or a cashier on the web terminal) ----

export interface StaffState {
  accessToken: string;
  refreshToken: string;
  merchantId: string;
  role: 'owner' | 'manager' | 'cashier';
  name: string;
  storeIds: string[] | null;
}

export const staffSlot = stored<StaffState>('tally.staff');

interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

let refreshing: Promise<boolean> | null = null;

export const staffSession: Session = {
  token: () => staffSlot.get()?.accessToken ?? null,
  renew() {
    // Refresh tokens rotate: two parallel 401s must share one refresh, or the
    // second would reuse a spent token and revoke the whole family.
    refreshing ??= (async () => {
      const current = staffSlot.get();
      if (!current) return false;
      try {
        const pair = await api<TokenPair>('/v1/auth/refresh', { body: { refreshToken: current.refreshToken } });
        staffSlot.set({ ...current, accessToken: pair.accessToken, refreshToken: pair.refreshToken });
        return true;
      } catch {
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  },
  expired: () => staffSlot.set(null),
};

// ---- platform operator (creates and suspends merchants; no refresh token: signs in again) ----

export interface OperatorState {
  accessToken: string;
  name: string;
}

export const operatorSlot = stored<OperatorState>('tally.operator');

export const operatorSession: Session = {
  token: () => operatorSlot.get()?.accessToken ?? null,
  renew: async () => false,
  expired: () => operatorSlot.set(null),
};

// ---- terminal (the till paired with its API key, and the cashier signed in on it with a PIN) ----

export interface CashierRef {
  id: string;
  name: string;
}

export interface TerminalState {
  accessToken: string;
  /** Kept on the till so it can get a new token when the short-lived one ends. */
  apiKey: string;
  terminal: { id: string; name: string; storeId: string };
  /** The cashier's shift token (from the PIN sign-in), traded with the key for tokens that carry the cashier. */
  cashierToken?: string | null;
  cashier?: CashierRef | null;
}

export const terminalSlot = stored<TerminalState>('tally.terminal');

export interface TerminalTokenAnswer {
  accessToken: string;
  expiresIn: number;
  terminal: { id: string; name: string; storeId: string };
  cashier: CashierRef | null;
}

export const terminalSession: Session = {
  token: () => terminalSlot.get()?.accessToken ?? null,
  async renew() {
    const current = terminalSlot.get();
    if (!current) return false;
    try {
      const cashierToken = current.cashierToken ?? undefined;
      const answer = await api<TerminalTokenAnswer>('/v1/auth/terminal-token', { body: { apiKey: current.apiKey, cashierToken } });
      // A shift that ended (or a cashier disabled meanwhile) comes back without a cashier: the till asks for a PIN.
      terminalSlot.set({ ...current, accessToken: answer.accessToken, terminal: answer.terminal, cashier: answer.cashier, cashierToken: answer.cashier ? current.cashierToken : null });
      return true;
    } catch {
      return false;
    }
  },
  expired: () => {
    // Tell the sign-in screen why the till is signed out (usually: its key was revoked).
    sessionStorage.setItem(TERMINAL_SIGNED_OUT, '1');
    terminalSlot.set(null);
  },
};

export const TERMINAL_SIGNED_OUT = 'tally.terminal.signedOut';

// ---- member (shopper portal, one slot per merchant) ----

export interface MemberState {
  accessToken: string;
  memberId: string;
}

const memberSlots = new Map<string, Stored<MemberState>>();
export function memberSlot(merchantId: string): Stored<MemberState> {
  let slot = memberSlots.get(merchantId);
  if (!slot) {
    slot = stored<MemberState>(`tally.member.${merchantId}`);
    memberSlots.set(merchantId, slot);
  }
  return slot;
}

/**
 * Member tokens are short-lived and have no refresh: when one ends the
 * shopper asks for a new code. The cached card (offline QR) stays usable.
 */
export function memberSession(merchantId: string): Session {
  const slot = memberSlot(merchantId);
  return {
    token: () => slot.get()?.accessToken ?? null,
    renew: async () => false,
    expired: () => slot.set(null),
  };
}
