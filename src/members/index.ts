import type { ImportedMember, MemberImportOutcome, MembersService, RowError } from './members.service';
import type { MemberSignInService } from './member-sign-in.service';
import type { Member } from './member.entity';
import type { MemberPurchaseStats } from './member-stats';
export { actorOf } from './actor';
export { CardOut, cardView } from './members.schemas';

export type { MembersService, MemberSignInService, Member, MemberPurchaseStats, ImportedMember, MemberImportOutcome, RowError };
export { CAPTURE_SOURCES, type CaptureSource } from './member.entity';
