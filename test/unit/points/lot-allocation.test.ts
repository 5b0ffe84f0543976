import fc from 'fast-check';
import { debtPaid, expiringWithin, settleLots, spendOrder, takeFromLots, type LotState } from '../../../src/points/lot-allocation';

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const lot = (id: number, remaining: number, over: Partial<LotState> = {}): LotState => ({
  id,
  remaining,
  pending: false,
  open: remaining > 0,
  availableAt: day(1),
  expiresAt: null,
  ...over,
});

describe('lot allocation', () => {
  it('takes from lots in order until the points are covered, and says what is missing', () => {
    const lots = [lot(1, 30), lot(2, 0), lot(3, 50)];
    expect(takeFromLots(lots, 60)).toEqual({
      takes: [
        { lot: lots[0], take: 30 },
        { lot: lots[2], take: 30 },
      ],
      left: 0,
    });
    expect(takeFromLots(lots, 100).left).toBe(20);
    expect(takeFromLots(lots, 0).takes).toEqual([]);
  });

  it('spends the earliest expiry first, never-expiring lots last, then the oldest', () => {
    const lots = [lot(1, 5), lot(2, 5, { expiresAt: day(20) }), lot(3, 5, { expiresAt: day(10) }), lot(4, 5, { expiresAt: day(10) }), lot(5, 5)];
    expect(spendOrder(lots).map((l) => l.id)).toEqual([3, 4, 2, 1, 5]);
  });

  it('pays a debt first from points that become spendable', () => {
    expect(debtPaid(-30, 100)).toBe(30);
    expect(debtPaid(-300, 100)).toBe(100);
    expect(debtPaid(50, 100)).toBe(0);
  });

  it('settles: releases due pending lots (paying debt), expires lots past expiry, leaves the rest', () => {
    const now = day(15);
    const due = [
      lot(1, 40, { pending: true, availableAt: day(14) }),
      lot(2, 25, { expiresAt: day(15) }),
      lot(3, 10, { pending: true, availableAt: day(16) }),
      lot(4, 7, { pending: true, availableAt: day(30), expiresAt: day(2) }),
    ];
    const s = settleLots({ available: -15, pending: 57 }, due, now);
    // Lot 1 releases 40, of which 15 pay the debt; lot 2 expires 25, lot 4 (still pending) expires 7; lot 3 waits.
    expect(s.released.map((r) => [r.lot.id, r.remaining])).toEqual([[1, 25]]);
    expect(s.expired.map((l) => l.id)).toEqual([2, 4]);
    expect(s.expiredPoints).toBe(32);
    expect(s.balance).toEqual({ available: -15 + 40 - 25, pending: 57 - 40 - 7 });
    // The lots passed in are not changed.
    expect(due[0].remaining).toBe(40);
  });

  it('keeps max(available, 0) equal to what spendable lots hold, and pending to what pending lots hold', () => {
    const lotArb = fc.record({
      remaining: fc.integer({ min: 0, max: 1000 }),
      pending: fc.boolean(),
      availableIn: fc.integer({ min: -10, max: 10 }),
      expiresIn: fc.option(fc.integer({ min: -10, max: 10 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(lotArb, { maxLength: 20 }), fc.integer({ min: 0, max: 500 }), (specs, debt) => {
        const now = day(15);
        const lots = specs.map((x, i) =>
          lot(i + 1, x.remaining, {
            pending: x.pending,
            availableAt: new Date(now.getTime() + x.availableIn * 86_400_000),
            expiresAt: x.expiresIn === null ? null : new Date(now.getTime() + x.expiresIn * 86_400_000),
          }),
        );
        const held = (pending: boolean) => lots.filter((l) => l.pending === pending).reduce((s, l) => s + l.remaining, 0);
        // A debt exists only when no spendable lot holds anything.
        const spendable = held(false);
        const start = { available: spendable > 0 ? spendable : -debt, pending: held(true) };
        const s = settleLots(start, lots, now);
        const after = lots.map((l) => {
          const rel = s.released.find((r) => r.lot.id === l.id);
          const exp = s.expired.find((e) => e.id === l.id);
          return { pending: rel ? false : l.pending, remaining: exp ? 0 : rel ? rel.remaining : l.remaining };
        });
        const sum = (pending: boolean) => after.filter((l) => l.pending === pending).reduce((t, l) => t + l.remaining, 0);
        expect(sum(true)).toBe(s.balance.pending);
        expect(sum(false)).toBe(Math.max(0, s.balance.available));
      }),
    );
  });

  it('reports the points expiring within the horizon and the first expiry', () => {
    const now = day(1);
    const lots = [lot(1, 10, { expiresAt: day(5) }), lot(2, 20, { expiresAt: day(3) }), lot(3, 40, { expiresAt: day(40) }), lot(4, 5, { expiresAt: day(1) })];
    expect(expiringWithin(lots, now, day(31))).toEqual({ points: 30, expiresAt: day(3) });
    expect(expiringWithin([], now, day(31))).toBeNull();
  });
});
