import { randomBytes } from 'node:crypto';
import type { DomainEvent, EventType } from '../../../src/events/event-types';
import { EventData } from '../../../src/events/event-types';
import { DISPATCH_EVENT_JOB } from '../../../src/events/publish';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { DEFAULT_RULES, type ProgramRules } from '../../../src/rules/program.schemas';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb, type TestRuntime } from '../../support/test-runtime';
import { managerOf, ownerOf } from '../points/points-helpers';

/** Events of one merchant after outbox row `afterId`, oldest first, each checked against its schema. */
async function eventsSince(rt: TestRuntime, merchantId: string, afterId: number): Promise<DomainEvent[]> {
  const rows = await rt.db.manager.find(OutboxEntry, { where: { merchantId, jobName: DISPATCH_EVENT_JOB }, order: { id: 'ASC' } });
  const events = rows.filter((r) => r.id > afterId).map((r) => r.payload as DomainEvent);
  for (const e of events) expect(() => EventData[e.type as EventType].parse(e.data)).not.toThrow();
  return events;
}

async function lastOutboxId(rt: TestRuntime): Promise<number> {
  const last = await rt.db.manager.find(OutboxEntry, { order: { id: 'DESC' }, take: 1 });
  return last[0]?.id ?? 0;
}

describeEachDb('domain events of members, cards, points and tiers', (rt) => {
  let fx: MerchantFixture;
  beforeAll(async () => {
    fx = await createMerchantFixture(rt());
    const rules: ProgramRules = {
      ...DEFAULT_RULES,
      tiers: [{ code: 'silver', name: 'Silver', threshold: 100, earnMultiplierPercent: 100, benefits: '' }],
      tierPolicy: { basis: 'points', windowDays: 365, graceDays: 0 },
    };
    await rt().services.rules.saveProgram(ownerOf(fx), { rules, effectiveFrom: new Date(Date.now() - 1000) }, new Date(Date.now() - 1000));
  });

  const enrol = (name: string) =>
    rt().services.members.enrol(ownerOf(fx), { firstName: name, email: `${name.toLowerCase()}-${randomBytes(4).toString('hex')}@example.test` }, 'back-office');

  it('publishes enrolment with the card issued, then field names (never values) of an update', async () => {
    const from = await lastOutboxId(rt());
    const { member, card } = await enrol('Eve');
    await rt().services.members.update(managerOf(fx), member.id, { firstName: 'Evelyn', phone: '+14155552671' });
    await rt().services.members.update(managerOf(fx), member.id, { firstName: 'Evelyn' }); // no change, no event
    await rt().services.members.setConsents(managerOf(fx), member.id, { marketingSms: true }, 'back-office');
    const events = await eventsSince(rt(), fx.merchant.id, from);
    expect(events.map((e) => e.type)).toEqual(['card.status_changed', 'member.enrolled', 'member.updated', 'member.updated']);
    expect(events[0].data).toEqual({ cardId: card.id, memberId: member.id, fromStatus: null, toStatus: 'active' });
    expect(events[1]).toMatchObject({ version: 1, merchantId: fx.merchant.id, data: { memberId: member.id, cardId: card.id, storeId: null, source: 'back-office' } });
    expect(events[2].data).toEqual({ memberId: member.id, fields: ['firstName', 'phone'] });
    expect(events[3].data).toEqual({ memberId: member.id, fields: ['consents.marketingSms'] });
    expect(JSON.stringify(events)).not.toContain('Evelyn');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('publishes every ledger entry as points.changed and a tier reached as tier.changed', async () => {
    const { member } = await enrol('Finn');
    const from = await lastOutboxId(rt());
    const now = new Date();
    const program = await rt().services.rules.programAt(fx.merchant.id, now);
    await rt().db.transaction((tx) =>
      rt().services.points.earn(tx, { merchantId: fx.merchant.id, memberId: member.id, points: 150, sourceType: 'purchase', sourceId: 'p-1', occurredAt: now, now, program }),
    );
    await rt().services.pointsAdjustments.adjust(managerOf(fx), member.id, { points: -20, reason: 'correction', idempotencyKey: null });
    await rt().services.rules.evaluateTier(undefined, fx.merchant.id, member.id);
    await rt().services.rules.evaluateTier(undefined, fx.merchant.id, member.id); // same tier: nothing new
    const events = await eventsSince(rt(), fx.merchant.id, from);
    expect(events.map((e) => e.type)).toEqual(['points.changed', 'points.changed', 'tier.changed']);
    expect(events[0].data).toMatchObject({ memberId: member.id, kind: 'earn', points: 150, sourceType: 'purchase', sourceId: 'p-1' });
    expect(events[1].data).toMatchObject({ memberId: member.id, kind: 'adjust', points: -20, sourceType: 'adjustment' });
    expect(events[2].data).toEqual({ memberId: member.id, fromTier: null, toTier: 'silver' });
  });

  it('publishes card blocks and member merges; a refused change publishes nothing', async () => {
    const { member: gus, card } = await enrol('Gus');
    const { member: hal } = await enrol('Hal');
    const from = await lastOutboxId(rt());
    await rt().services.cards.setStatus(managerOf(fx), card.id, 'blocked', 'stolen');
    await expect(rt().services.members.merge(managerOf(fx), gus.id, gus.id)).rejects.toThrow();
    await rt().services.members.merge(managerOf(fx), gus.id, hal.id);
    const events = await eventsSince(rt(), fx.merchant.id, from);
    expect(events.map((e) => e.type)).toEqual(['card.status_changed', 'member.merged']);
    expect(events[0].data).toEqual({ cardId: card.id, memberId: gus.id, fromStatus: 'active', toStatus: 'blocked' });
    expect(events[1].data).toEqual({ fromMemberId: gus.id, intoMemberId: hal.id });
  });
});
