import { lotExpiresAt, lotPendingUntil } from '../../../src/rules/expiry';
import { DEFAULT_RULES, type ExpiryRule, type Program } from '../../../src/rules/program.schemas';
import { fromWall, localPeriod, toWall } from '../../../src/rules/time-zone';

const wall = (iso: string) => new Date(`${iso}Z`);

describe('time zones', () => {
  it.each([
    ['UTC', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000'],
    ['Asia/Bangkok', '2026-03-01T20:30:00.000Z', '2026-03-02T03:30:00.000'],
    ['Europe/London', '2026-07-01T12:00:00.000Z', '2026-07-01T13:00:00.000'],
    ['America/New_York', '2026-01-01T03:00:00.123Z', '2025-12-31T22:00:00.123'],
  ])('toWall %s %s', (tz, instant, local) => {
    expect(toWall(new Date(instant), tz)).toEqual(wall(local));
    expect(fromWall(wall(local), tz)).toEqual(new Date(instant));
  });

  it('maps a time skipped by DST forward and a repeated hour to its first pass (London)', () => {
    expect(fromWall(wall('2026-03-29T01:30:00.000'), 'Europe/London')).toEqual(new Date('2026-03-29T01:30:00.000Z'));
    expect(fromWall(wall('2026-10-25T01:30:00.000'), 'Europe/London')).toEqual(new Date('2026-10-25T00:30:00.000Z'));
  });

  it.each([
    ['day', 'Asia/Bangkok', '2026-03-01T17:00:00.000Z', '2026-03-01T17:00:00.000Z', '2026-03-02T17:00:00.000Z'],
    ['day', 'Europe/London', '2026-03-29T12:00:00.000Z', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z'],
    ['week', 'UTC', '2026-03-04T12:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
    ['month', 'Europe/London', '2026-03-31T23:30:00.000Z', '2026-03-31T23:00:00.000Z', '2026-04-30T23:00:00.000Z'],
  ] as const)('localPeriod %s in %s around %s', (period, tz, at, from, to) => {
    expect(localPeriod(new Date(at), period, tz)).toEqual({ from: new Date(from), to: new Date(to) });
  });
});

describe('lot expiry and pending', () => {
  const program = (expiry: ExpiryRule, pendingDays = 0, timeZone = 'Asia/Bangkok'): Program => ({ ...DEFAULT_RULES, expiry, pendingDays, version: 1, effectiveFrom: new Date(0), timeZone });
  const earned = new Date('2026-12-31T18:00:00.000Z'); // 1 January 2027, 01:00 in Bangkok
  it.each([
    [{ kind: 'never' }, null],
    [{ kind: 'days', days: 30 }, '2027-01-30T18:00:00.000Z'],
    [{ kind: 'end_of_month', monthsAfter: 0 }, '2027-01-31T17:00:00.000Z'],
    [{ kind: 'end_of_month', monthsAfter: 2 }, '2027-03-31T17:00:00.000Z'],
    [{ kind: 'end_of_year', yearsAfter: 0 }, '2027-12-31T17:00:00.000Z'],
    [{ kind: 'end_of_year', yearsAfter: 1 }, '2028-12-31T17:00:00.000Z'],
  ] as [ExpiryRule, string | null][])('%j', (expiry, expected) => {
    expect(lotExpiresAt(program(expiry), earned)).toEqual(expected === null ? null : new Date(expected));
  });

  it('holds points for the pending days, or not at all', () => {
    expect(lotPendingUntil(program({ kind: 'never' }, 0), earned)).toBeNull();
    expect(lotPendingUntil(program({ kind: 'never' }, 14), earned)).toEqual(new Date('2027-01-14T18:00:00.000Z'));
  });
});
