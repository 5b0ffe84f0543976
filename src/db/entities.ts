import { AuditEntry } from '../audit/audit-entry.entity';
import { CardBatch } from '../cards/card-batch.entity';
import { CardStatusChange } from '../cards/card-status-change.entity';
import { Card } from '../cards/card.entity';
import { MemberChange } from '../members/member-change.entity';
import { MemberConsent } from '../members/member-consent.entity';
import { MemberStats } from '../members/member-stats.entity';
import { Member } from '../members/member.entity';
import { SignInCode } from '../members/sign-in-code.entity';
import { MemberTier } from '../rules/member-tier.entity';
import { ProgramVersion } from '../rules/program-version.entity';
import { Notification } from '../notifications/notification.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { SetupToken } from '../auth/setup-token.entity';
import { OutboxEntry } from '../jobs/outbox-entry.entity';
import { Merchant } from '../merchants/merchant.entity';
import { StaffUser } from '../merchants/staff-user.entity';
import { Store } from '../merchants/store.entity';
import { Terminal } from '../merchants/terminal.entity';
import { MemberBalance } from '../points/member-balance.entity';
import { PointEntry } from '../points/point-entry.entity';
import { PointLot } from '../points/point-lot.entity';
import { Purchase } from '../purchases/purchase.entity';
import { PurchaseLine } from '../purchases/purchase-line.entity';
import { PurchaseReturn } from '../purchases/purchase-return.entity';
import { RateCounter } from '../rate-limits/rate-counter.entity';

/** Every entity, listed explicitly (globs do not survive bundling). */
export const entities = [Merchant, Store, StaffUser, Terminal, RefreshToken, SetupToken, AuditEntry, OutboxEntry, Member, MemberChange, MemberConsent, MemberStats, SignInCode, Card, CardBatch, CardStatusChange, Notification, Purchase, PurchaseLine, PurchaseReturn, PointEntry, PointLot, MemberBalance, ProgramVersion, MemberTier, RateCounter];
