import { AuditEntry } from '../audit/audit-entry.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { SetupToken } from '../auth/setup-token.entity';
import { OutboxEntry } from '../jobs/outbox-entry.entity';
import { Merchant } from '../merchants/merchant.entity';
import { StaffUser } from '../merchants/staff-user.entity';
import { Store } from '../merchants/store.entity';
import { Terminal } from '../merchants/terminal.entity';

/** Every entity, listed explicitly (globs do not survive bundling). */
export const entities = [Merchant, Store, StaffUser, Terminal, RefreshToken, SetupToken, AuditEntry, OutboxEntry];
