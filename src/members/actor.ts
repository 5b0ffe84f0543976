import type { Principal } from '../http/principal';

/** Who made a change, as stored in history rows (member_changes, member_consents, card_status_history). */
export interface Actor {
  actorKind: string;
  actorId: string | null;
}

export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { actorKind: 'system', actorId: null };
  switch (principal.kind) {
    case 'staff':
      return { actorKind: 'staff', actorId: principal.userId };
    case 'terminal':
      return { actorKind: 'terminal', actorId: principal.terminalId };
    case 'member':
      return { actorKind: 'member', actorId: principal.memberId };
  }
}
