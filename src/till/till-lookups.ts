import { audit } from '../audit';
import type { Deps } from '../deps';
import type { Principal } from '../http/principal';
import { rateLimited, type Hit } from '../rate-limits';
import type { StaffService } from '../merchants';
import type { NotificationsService } from '../notifications';
import type { RateLimitsService } from '../rate-limits';

const MINUTE = 60;

/** The other modules' services this one calls. */
export interface TillLookupsServiceUses { notifications: NotificationsService; rateLimits: RateLimitsService; staff: StaffService }

/**
 * Every way a till turns a guessed card code, member number or phone into a
 * member (a scan, a search, a basket with a card code) counts here, per
 * terminal (or staff user) and per merchant, in counters every api process
 * shares. One terminal token made ~42,000 lookups a minute before (issue 15,
 * finding 5). The first lookup over a limit in a window is audited and the
 * owners are emailed, once per window.
 */
export class TillLookupsService {
  constructor(
    private readonly deps: Deps,
    private readonly services: TillLookupsServiceUses,
  ) {}

  /** Counts one lookup; throws 429 RATE_LIMITED over either limit. */
  async count(principal: Principal, now = new Date()): Promise<void> {
    const { services } = this;
    const config = this.deps.config;
    const till = principal.kind === 'terminal' ? { kind: 'terminal', id: principal.terminalId } : { kind: principal.kind, id: principal.kind === 'staff' ? principal.userId : principal.merchantId };
    const perTill = await services.rateLimits.hit({ name: 'pos.lookup.till', limit: config.tillLookups.perTill, windowSeconds: MINUTE }, `${principal.merchantId}|${till.id}`, now);
    const perMerchant = await services.rateLimits.hit({ name: 'pos.lookup.merchant', limit: config.tillLookups.perMerchant, windowSeconds: MINUTE }, principal.merchantId, now);
    if (perTill.firstOver) await this.alert(principal, { scope: till.kind, id: till.id, limit: config.tillLookups.perTill }, now);
    if (perMerchant.firstOver) await this.alert(principal, { scope: 'merchant', id: principal.merchantId, limit: config.tillLookups.perMerchant }, now);
    const over: Hit | undefined = [perTill, perMerchant].find((h) => !h.allowed);
    if (over) throw rateLimited('Too many member lookups at the till', over.retryAfterSeconds);
  }

  /** Audit entry and an email to each owner, once per window and scope. */
  private async alert(principal: Principal, over: { scope: string; id: string; limit: number }, now: Date): Promise<void> {
    const { services } = this;
    const { merchantId } = principal;
    const who = over.scope === 'merchant' ? 'All tills together' : over.scope === 'terminal' ? `Terminal ${over.id}` : `Staff user ${over.id}`;
    const text = `${who} looked up more than ${over.limit} members in one minute; further lookups are refused for the rest of the minute. If this was not expected, block the terminal or the user and check the audit log.`;
    await this.deps.db.transaction(async (tx) => {
      await audit(tx, merchantId, principal, { action: 'pos.lookups_limited', entity: over.scope, entityId: over.id, data: { limitPerMinute: over.limit } }, now);
      for (const email of await services.staff.ownerEmails(merchantId, tx)) {
        await services.notifications.enqueue(tx, { merchantId, memberId: null, channel: 'email', destination: email, template: 'lookup-rate-alert', subject: 'Unusual member lookups at your tills', body: text }, now);
      }
    });
  }
}
