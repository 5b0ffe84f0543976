/** Who is calling inside a merchant. The merchant always comes from here, never from the request. */
export type StaffRole = 'owner' | 'manager' | 'cashier';

export type Principal =
  | {
      kind: 'staff';
      merchantId: string;
      userId: string;
      role: StaffRole;
      /** null: every store of the merchant; otherwise only these. */
      storeIds: string[] | null;
    }
  | {
      kind: 'terminal';
      merchantId: string;
      terminalId: string;
      storeId: string;
      /** The staff member signed in on the till with their PIN; absent for a till signed in with its key only. */
      cashierId?: string;
    }
  | { kind: 'member'; merchantId: string; memberId: string };

/**
 * The platform operator: creates, suspends and lists merchants, and belongs
 * to none. It has no merchant id, so no merchant route can serve it.
 */
export interface OperatorPrincipal {
  kind: 'operator';
  operatorId: string;
}

/** Whoever a bearer token stands for. */
export type Caller = Principal | OperatorPrincipal;

export type PrincipalKind = Caller['kind'];

/** Who may call a route. */
export type Access =
  | 'public'
  | {
      staff?: StaffRole[];
      terminal?: boolean;
      member?: boolean;
      /** Operator routes admit the operator only; merchant routes never admit it. */
      operator?: boolean;
    };

export function isAllowed(access: Access, principal: Caller): boolean {
  if (access === 'public') return true;
  switch (principal.kind) {
    case 'staff':
      return access.staff?.includes(principal.role) ?? false;
    case 'terminal':
      return access.terminal === true;
    case 'member':
      return access.member === true;
    case 'operator':
      return access.operator === true;
  }
}

/** True when a staff member may act on this store (terminals are bound to theirs). */
export function canUseStore(principal: Principal, storeId: string): boolean {
  if (principal.kind === 'terminal') return principal.storeId === storeId;
  if (principal.kind === 'staff') return principal.storeIds === null || principal.storeIds.includes(storeId);
  return false;
}

export const ALL_STAFF: StaffRole[] = ['owner', 'manager', 'cashier'];
export const MANAGERS: StaffRole[] = ['owner', 'manager'];
