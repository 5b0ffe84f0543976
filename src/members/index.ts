import type { ImportedMember, MemberImportOutcome, MembersService, RowError } from './members.service';
import type { MemberSignInService } from './member-sign-in.service';
import type { Member } from './member.entity';
import type { MemberPurchaseStats } from './member-stats';
export { actorOf } from './actor';
export { CardOut, cardView, memberView } from './members.schemas';
export { MemberExportOut, memberExportView } from './member-export';

export type { MembersService, MemberSignInService, Member, MemberPurchaseStats, ImportedMember, MemberImportOutcome, RowError };
export { CAPTURE_SOURCES, type CaptureSource } from './member.entity';
export { CONSENT_KINDS, type ConsentKind } from './member-consent.entity';
