import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { audit } from '../audit';
import { toInt } from '../db/columns';
import { newId } from '../db/ids';
import { publish } from '../events/publish';
import type { Deps } from '../deps';
import { AppError, forbidden } from '../http/errors';
import type { Principal } from '../http/principal';
import type { Member } from '../members';
import { MemberTier } from './member-tier.entity';
import { DEFAULT_RULES, ProgramRules, type Program, type TierRule } from './program.schemas';
import { ProgramVersion } from './program-version.entity';
import type { MembersService } from '../members';
import type { MerchantsService } from '../merchants';
import type { PointsService } from '../points';
import type { PurchasesService } from '../purchases';

/** How long a process trusts its cached programs; a change made in this process is seen at once. */
const PROGRAM_CACHE_MS = 5_000;
const TIER_BATCH = 200;
/** A new version may start a moment in the past (clock skew between browser and server), not more. */
const EFFECTIVE_FROM_SKEW_MS = 60_000;

export interface ProgramVersionView {
  version: number;
  effectiveFrom: Date;
  createdBy: string | null;
  rules: ProgramRules;
}

export interface TierProgress {
  tier: { code: string; name: string } | null;
  next: { code: string; name: string; remaining: number; unit: 'spend_minor' | 'points' } | null;
}

interface CachedPrograms {
  loadedAt: number;
  /** Sorted by effectiveFrom, then version. */
  versions: { program: Program; createdBy: string | null }[];
}

/** The other modules' services this one calls. */
export interface RulesServiceUses { merchants: MerchantsService; members: MembersService; points: PointsService; purchases: PurchasesService }

/**
 * Versioned loyalty programs and member tiers. A program change is a new
 * version with an effective time; `programAt` answers with the version in
 * force at an instant (latest effectiveFrom ≤ at, the higher version on a
 * tie), so a purchase replayed late earns by the rules of its time.
 */
export class RulesService {
  private readonly cache = new Map<string, CachedPrograms>();

  constructor(
    private readonly deps: Deps,
    private readonly use: RulesServiceUses,
  ) {}

  /**
   * The program in force at `at`; the built-in default (version 0) if the
   * merchant never saved one. Inside a transaction pass `tx`: a cache miss
   * then reads on the transaction's own connection instead of waiting for a
   * second one from a pool that concurrent transactions may have exhausted.
   */
  async programAt(merchantId: string, at: Date, tx?: EntityManager): Promise<Program> {
    const versions = await this.versionsOf(merchantId, tx);
    let best = versions[0];
    for (const v of versions) {
      if (v.program.effectiveFrom <= at) best = v;
      else break;
    }
    return best.program;
  }

  /** Every saved version, newest first (the default program is not listed). */
  async versions(merchantId: string): Promise<ProgramVersionView[]> {
    const versions = await this.versionsOf(merchantId);
    return versions
      .filter((v) => v.program.version > 0)
      .map((v) => view(v.program, v.createdBy))
      .sort((a, b) => b.version - a.version);
  }

  async current(merchantId: string, now = new Date()): Promise<ProgramVersionView> {
    const versions = await this.versionsOf(merchantId);
    const program = await this.programAt(merchantId, now);
    return view(program, versions.find((v) => v.program === program)?.createdBy ?? null);
  }

  /**
   * Saves a new version. Owners change anything; managers only promotions
   * (their rules must otherwise equal the version in force at effectiveFrom).
   * effectiveFrom defaults to now and may not lie in the past, so purchases
   * already made keep the rules they were priced with.
   */
  async saveProgram(principal: Principal, input: { rules: ProgramRules; effectiveFrom?: Date }, now = new Date()): Promise<ProgramVersionView> {
    if (principal.kind !== 'staff') throw forbidden();
    const merchantId = principal.merchantId;
    const effectiveFrom = input.effectiveFrom ?? now;
    if (effectiveFrom.getTime() < now.getTime() - EFFECTIVE_FROM_SKEW_MS) {
      throw new AppError('VALIDATION_FAILED', 'effectiveFrom must not be in the past', [{ path: 'body.effectiveFrom', message: 'must be now or later' }]);
    }
    assertTierCodesUnique(input.rules.tiers);
    if (principal.role !== 'owner') {
      const before = await this.programAt(merchantId, effectiveFrom);
      if (JSON.stringify(withoutPromotions(rulesOf(before))) !== JSON.stringify(withoutPromotions(input.rules))) {
        throw forbidden('Managers may change promotions only; ask an owner to change earning, tiers, redemption or expiry');
      }
    }
    const saved = await this.deps.db.transaction(async (tx) => {
      const raw = await tx.createQueryBuilder(ProgramVersion, 'p').select('MAX(p.version)', 'v').where('p.merchant_id = :merchantId', { merchantId }).getRawOne<{ v: unknown }>();
      const row: ProgramVersion = {
        id: newId(now.getTime()),
        merchantId,
        version: toInt(raw?.v) + 1,
        effectiveFrom,
        createdBy: principal.userId,
        rules: input.rules,
        createdAt: now,
      };
      // A concurrent save takes the same version number: the unique index turns the loser into a 409.
      await tx.insert(ProgramVersion, row as QueryDeepPartialEntity<ProgramVersion>);
      await audit(tx, merchantId, principal, { action: 'program.save', entity: 'program', entityId: String(row.version), data: { effectiveFrom: effectiveFrom.toISOString() } }, now);
      return row;
    });
    this.cache.delete(merchantId);
    const timeZone = (await this.use.merchants.getMerchant(merchantId)).timeZone;
    return view({ ...saved.rules, version: saved.version, effectiveFrom: saved.effectiveFrom, timeZone }, saved.createdBy);
  }

  /**
   * Re-evaluates a member's tier against the program in force at `now`.
   * Upgrades happen at once; a member below their tier is downgraded only by
   * the scheduled re-evaluation (`allowDowngrade`), after the grace period.
   * Returns the effective tier (the staff override on the member is a floor).
   */
  async evaluateTier(
    tx: EntityManager | undefined,
    merchantId: string,
    memberId: string,
    now = new Date(),
    options: { allowDowngrade?: boolean } = {},
  ): Promise<{ tierCode: string | null }> {
    // Most programs have no tiers: then there is nothing to write, and no transaction to open after every sale.
    if (sortedTiers(await this.programAt(merchantId, now, tx)).length === 0) {
      await this.use.members.get(merchantId, memberId, tx);
      return { tierCode: null };
    }
    return this.deps.db.transaction(async (t) => {
      const program = await this.programAt(merchantId, now, t);
      const member = await this.use.members.get(merchantId, memberId, t);
      const ladder = sortedTiers(program);
      if (ladder.length === 0) return { tierCode: null };
      const metric = await this.metric(t, program, merchantId, memberId, now);
      const qualified = qualifiedTier(ladder, metric);
      const row = await t.findOneBy(MemberTier, { merchantId, memberId });
      const rank = (code: string | null) => ladder.findIndex((tier) => tier.code === code);
      if (!row) {
        if (qualified) await t.insert(MemberTier, { merchantId, memberId, tierCode: qualified.code, since: now, evaluatedAt: now, graceUntil: null });
      } else if (rank(qualified?.code ?? null) > rank(row.tierCode)) {
        await t.update(MemberTier, { merchantId, memberId }, { tierCode: qualified?.code ?? null, since: now, evaluatedAt: now, graceUntil: null });
      } else if (rank(qualified?.code ?? null) === rank(row.tierCode)) {
        await t.update(MemberTier, { merchantId, memberId }, { evaluatedAt: now, graceUntil: null });
      } else if (options.allowDowngrade) {
        const graceUntil = row.graceUntil ?? new Date(now.getTime() + program.tierPolicy.graceDays * 86_400_000);
        if (graceUntil <= now) {
          await t.update(MemberTier, { merchantId, memberId }, { tierCode: qualified?.code ?? null, since: now, evaluatedAt: now, graceUntil: null });
        } else {
          await t.update(MemberTier, { merchantId, memberId }, { evaluatedAt: now, graceUntil });
        }
      }
      const stored = (await t.findOneBy(MemberTier, { merchantId, memberId }))?.tierCode ?? null;
      const before = row?.tierCode ?? null;
      if (stored !== before) await publish(t, merchantId, 'tier.changed', { memberId, fromTier: before, toTier: stored }, now);
      return { tierCode: effectiveTier(ladder, stored, member.tierOverride)?.code ?? null };
    }, tx);
  }

  /**
   * Upgrades a member's tier at once, in its own transaction right after a
   * sale or claim commits. Not inside the sale's transaction: tier evaluation
   * reads the program outside the caller's transaction, and on MySQL many
   * sales waiting on one member's lock would then need a second pool
   * connection each and could starve the pool. The stats job enqueued with
   * the sale evaluates the tier again, so a failure here delays an upgrade
   * but never loses it.
   */
  async upgradeAfterSale(merchantId: string, memberId: string, now: Date): Promise<void> {
    try {
      await this.evaluateTier(undefined, merchantId, memberId, now);
    } catch (err) {
      this.deps.log.warn({ err, merchantId, memberId }, 'tier evaluation after a sale failed; the stats job evaluates it again');
    }
  }

  /**
   * The member's tier now and how far the next one is (in the program's basis
   * unit). A caller that has just loaded the member (the till) passes it and
   * saves reading it again.
   */
  async tierProgress(merchantId: string, memberId: string, now = new Date(), loaded?: Member): Promise<TierProgress> {
    const m = this.deps.db.manager;
    const program = await this.programAt(merchantId, now);
    const member = loaded?.id === memberId && loaded.merchantId === merchantId ? loaded : await this.use.members.get(merchantId, memberId);
    const ladder = sortedTiers(program);
    if (ladder.length === 0) return { tier: null, next: null };
    const stored = (await m.findOneBy(MemberTier, { merchantId, memberId }))?.tierCode ?? null;
    const tier = effectiveTier(ladder, stored, member.tierOverride);
    const rank = tier ? ladder.indexOf(tier) : -1;
    const nextTier = ladder[rank + 1];
    if (!nextTier) return { tier: tier ? { code: tier.code, name: tier.name } : null, next: null };
    const metric = await this.metric(m, program, merchantId, memberId, now);
    return {
      tier: tier ? { code: tier.code, name: tier.name } : null,
      next: {
        code: nextTier.code,
        name: nextTier.name,
        remaining: Math.max(0, nextTier.threshold - metric),
        unit: program.tierPolicy.basis === 'spend' ? 'spend_minor' : 'points',
      },
    };
  }

  /** Job: re-evaluates every member holding a tier (downgrades after grace), in keyset batches. */
  async reevaluateTiers(now = new Date()): Promise<number> {
    let after = { merchantId: '', memberId: '' };
    let count = 0;
    for (;;) {
      const batch = await this.deps.db.manager
        .createQueryBuilder(MemberTier, 't')
        .where('t.tier_code IS NOT NULL')
        .andWhere('(t.merchant_id > :m OR (t.merchant_id = :m AND t.member_id > :id))', { m: after.merchantId, id: after.memberId })
        .orderBy('t.merchant_id', 'ASC')
        .addOrderBy('t.member_id', 'ASC')
        .take(TIER_BATCH)
        .getMany();
      if (batch.length === 0) return count;
      for (const row of batch) {
        try {
          await this.evaluateTier(undefined, row.merchantId, row.memberId, now, { allowDowngrade: true });
        } catch (err) {
          // One member (e.g. deleted meanwhile) must not stop the run; the next run retries.
          this.deps.log.warn({ err, merchantId: row.merchantId, memberId: row.memberId }, 'tier re-evaluation failed');
        }
        count++;
      }
      const last = batch[batch.length - 1];
      after = { merchantId: last.merchantId, memberId: last.memberId };
    }
  }

  /** Spend (minor units, net of returns) or points earned over the program's rolling window ending now. */
  private async metric(tx: EntityManager, program: Program, merchantId: string, memberId: string, now: Date): Promise<number> {
    const from = new Date(now.getTime() - program.tierPolicy.windowDays * 86_400_000);
    if (program.tierPolicy.basis === 'points') return this.use.points.earnedInWindow(merchantId, memberId, from, now, tx);
    return this.use.purchases.spendInWindow(merchantId, memberId, from, now, tx);
  }

  private async versionsOf(merchantId: string, m: EntityManager = this.deps.db.manager): Promise<CachedPrograms['versions']> {
    const cached = this.cache.get(merchantId);
    if (cached && Date.now() - cached.loadedAt < PROGRAM_CACHE_MS) return cached.versions;
    const merchant = await this.use.merchants.getMerchant(merchantId, m);
    const rows = await m
      .createQueryBuilder(ProgramVersion, 'p')
      .where('p.merchant_id = :merchantId', { merchantId })
      .orderBy('p.effective_from', 'ASC')
      .addOrderBy('p.version', 'ASC')
      .getMany();
    const versions = [
      { program: { ...DEFAULT_RULES, version: 0, effectiveFrom: new Date(0), timeZone: merchant.timeZone }, createdBy: null },
      // Parsed again on load so older stored versions get defaults for fields added since.
      ...rows.map((r) => ({ program: { ...ProgramRules.parse(r.rules), version: r.version, effectiveFrom: r.effectiveFrom, timeZone: merchant.timeZone }, createdBy: r.createdBy })),
    ];
    // Entries expire by time; dropping stale ones on write keeps the map to recently active merchants.
    for (const [key, entry] of this.cache) if (Date.now() - entry.loadedAt >= PROGRAM_CACHE_MS) this.cache.delete(key);
    this.cache.set(merchantId, { loadedAt: Date.now(), versions });
    return versions;
  }
}

function rulesOf(program: Program): ProgramRules {
  const { version: _v, effectiveFrom: _e, timeZone: _t, ...rules } = program;
  return ProgramRules.parse(rules);
}

function withoutPromotions(rules: ProgramRules): Omit<ProgramRules, 'promotions'> {
  const { promotions: _p, ...rest } = ProgramRules.parse(rules);
  return rest;
}

function view(program: Program, createdBy: string | null): ProgramVersionView {
  return { version: program.version, effectiveFrom: program.effectiveFrom, createdBy, rules: rulesOf(program) };
}

function assertTierCodesUnique(tiers: TierRule[]): void {
  const seen = new Set<string>();
  tiers.forEach((t, i) => {
    if (seen.has(t.code)) throw new AppError('VALIDATION_FAILED', `Tier code ${t.code} is used twice`, [{ path: `body.rules.tiers.${i}.code`, message: 'duplicate tier code' }]);
    seen.add(t.code);
  });
}

/** Tiers from lowest to highest threshold. */
export function sortedTiers(program: Program): TierRule[] {
  return [...program.tiers].sort((a, b) => a.threshold - b.threshold);
}

/** The highest tier whose threshold the metric reaches, or null. */
export function qualifiedTier(ladder: TierRule[], metric: number): TierRule | null {
  let best: TierRule | null = null;
  for (const t of ladder) if (metric >= t.threshold) best = t;
  return best;
}

/** The higher of the earned tier and the staff override (the override is a floor, never a ceiling). */
export function effectiveTier(ladder: TierRule[], stored: string | null, override: string | null): TierRule | null {
  const rank = (code: string | null) => ladder.findIndex((t) => t.code === code);
  const best = Math.max(rank(stored), rank(override));
  return best < 0 ? null : ladder[best];
}
