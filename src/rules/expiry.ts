import type { Program } from './program.schemas';
import { fromWall, toWall } from './time-zone';

const DAY_MS = 86_400_000;

/**
 * When points earned at `earnedAt` expire (the first instant they can no
 * longer be spent), or null for never. Month and year ends are local
 * midnights in the merchant's zone.
 */
export function lotExpiresAt(program: Program, earnedAt: Date): Date | null {
  const x = program.expiry;
  switch (x.kind) {
    case 'never':
      return null;
    case 'days':
      return new Date(earnedAt.getTime() + x.days * DAY_MS);
    case 'end_of_month': {
      const w = toWall(earnedAt, program.timeZone);
      return fromWall(new Date(Date.UTC(w.getUTCFullYear(), w.getUTCMonth() + 1 + x.monthsAfter, 1)), program.timeZone);
    }
    case 'end_of_year': {
      const w = toWall(earnedAt, program.timeZone);
      return fromWall(new Date(Date.UTC(w.getUTCFullYear() + 1 + x.yearsAfter, 0, 1)), program.timeZone);
    }
  }
}

/** Until when points earned at `earnedAt` stay pending, or null when they are spendable at once. */
export function lotPendingUntil(program: Program, earnedAt: Date): Date | null {
  return program.pendingDays === 0 ? null : new Date(earnedAt.getTime() + program.pendingDays * DAY_MS);
}
