import { z } from 'zod';
import type { MembersService } from './members.service';
import { CardOut, cardView, ChangeOut, changeView, CompletenessOut, consentHistoryView, ConsentsOut, consentsView, CurrentConsentsOut, MemberOut, memberView, StatsOut, statsView } from './members.schemas';

/** The member's data download as JSON: what members and the modules it reads keep (other modules add their sections). */
export const MemberExportOut = z.object({
  member: MemberOut,
  stats: StatsOut,
  completeness: CompletenessOut,
  consents: CurrentConsentsOut,
  consentHistory: ConsentsOut.shape.history,
  changes: z.array(ChangeOut),
  cards: z.array(CardOut),
  points: z.object({ balance: z.unknown(), entries: z.array(z.unknown()) }),
  purchases: z.array(z.unknown()),
  exportedAt: z.string(),
});

export function memberExportView(data: Awaited<ReturnType<MembersService['exportData']>>): z.infer<typeof MemberExportOut> {
  return {
    member: memberView(data.member),
    stats: statsView(data.stats),
    completeness: data.completeness,
    consents: consentsView(data.consents),
    consentHistory: consentHistoryView(data.consentHistory),
    changes: data.changes.map(changeView),
    cards: data.cards.map(cardView),
    points: data.points,
    purchases: data.purchases,
    exportedAt: data.exportedAt.toISOString(),
  };
}
