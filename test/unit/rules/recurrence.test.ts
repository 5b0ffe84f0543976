import fc from 'fast-check';
import { RRule } from 'rrule';
import { Promotion, type PromotionRule } from '../../../src/rules/program.schemas';
import { isPromotionActive, occursOn, parseRecurrence, PeriodSets, type RecurrenceRule } from '../../../src/rules/recurrence';

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

function promotion(rrule: string, extra: Partial<PromotionRule> = {}) {
  return Promotion.safeParse({ code: 'P', name: 'P', startsOn: '2026-01-01', recurrence: { rrule, startTime: '16:00', durationMinutes: 120 }, ...extra });
}

function problemOf(rrule: string): string {
  const parsed = promotion(rrule);
  if (parsed.success) throw new Error(`${rrule} was accepted`);
  return parsed.error.issues.map((i) => i.message).join('; ');
}

describe('promotion recurrence rules are bounded (issue 15, finding 1)', () => {
  it.each([
    ['FREQ=SECONDLY', /DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['FREQ=MINUTELY;INTERVAL=1', /DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['FREQ=HOURLY', /DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23', /BYHOUR is not allowed/],
    ['FREQ=DAILY;BYMINUTE=0,30', /BYMINUTE is not allowed/],
    ['FREQ=DAILY;BYSECOND=0,1,2', /BYSECOND is not allowed/],
    ['FREQ=DAILY;FREQ=SECONDLY', /FREQ is given twice/],
    ['FREQ=WEEKLY;COUNT=3', /COUNT is not allowed/],
    ['FREQ=YEARLY;BYWEEKNO=20', /BYWEEKNO is not supported/],
    ['FREQ=DAILY;INTERVAL=100000', /INTERVAL must be/],
    ['FREQ=WEEKLY;BYDAY=2TU', /needs FREQ=MONTHLY or YEARLY/],
    ['FREQ=MONTHLY;BYDAY=TU,-1MO', /all weekdays with a number/],
    // Dates that never occur: a general RRULE engine searched to the year 9999 for them.
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', /does not occur within 8 years/],
    ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', /does not occur within 8 years/],
    ['FREQ=MONTHLY;BYMONTH=4,6,9,11;BYMONTHDAY=31', /does not occur within 8 years/],
  ])('refuses %s', (rrule, message) => {
    expect(problemOf(rrule)).toMatch(message);
  });

  it('accepts what shops use', () => {
    for (const rrule of ['FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU', 'FREQ=MONTHLY;BYDAY=1MO', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', 'FREQ=DAILY']) {
      expect(promotion(rrule).success).toBe(true);
    }
  });

  it('evaluates an accepted rule with the same small work 30 days and 10 years after its start', () => {
    const cases: [string, number][] = [
      ['FREQ=DAILY', 1],
      ['FREQ=WEEKLY;BYDAY=TU', 7],
      ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', 7],
      // BYSETPOS reads the whole year once per evaluation.
      ['FREQ=YEARLY;BYDAY=MO;BYSETPOS=-1', 366 * 2],
    ];
    for (const [rrule, bound] of cases) {
      const promo = Promotion.parse({ code: 'P', name: 'P', startsOn: '2026-01-01', recurrence: { rrule, startTime: '16:00', durationMinutes: 7 * 24 * 60 } });
      for (const at of ['2026-01-31T12:00:00Z', '2036-01-01T12:00:00Z', '2036-03-05T23:59:00Z']) {
        const work = { dayTests: 0 };
        isPromotionActive(promo, new Date(at), 'Europe/Berlin', work);
        expect({ rrule, at, within: work.dayTests <= bound }).toEqual({ rrule, at, within: true });
      }
    }
  });

  it('still answers like before: a Tuesday window, a window past midnight, the end date', () => {
    const tuesday = Promotion.parse({ code: 'P', name: 'P', startsOn: '2026-01-01', endsOn: '2026-03-31', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TU', startTime: '22:00', durationMinutes: 240 } });
    expect(isPromotionActive(tuesday, new Date('2026-01-06T22:30:00Z'), 'UTC')).toBe(true);
    expect(isPromotionActive(tuesday, new Date('2026-01-07T01:59:00Z'), 'UTC')).toBe(true);
    expect(isPromotionActive(tuesday, new Date('2026-01-07T02:00:00Z'), 'UTC')).toBe(false);
    expect(isPromotionActive(tuesday, new Date('2026-01-06T21:59:00Z'), 'UTC')).toBe(false);
    expect(isPromotionActive(tuesday, new Date('2026-03-31T23:00:00Z'), 'UTC')).toBe(true);
    expect(isPromotionActive(tuesday, new Date('2026-04-07T23:00:00Z'), 'UTC')).toBe(false);
  });

  // The bounded evaluator must agree with a general RRULE engine on every rule of the subset.
  it('decides each day like the rrule package', () => {
    const weekday = fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU');
    const list = <T>(arb: fc.Arbitrary<T>) => fc.uniqueArray(arb, { minLength: 1, maxLength: 3 });
    const ruleText = fc
      .record({
        freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
        interval: fc.integer({ min: 1, max: 3 }),
        byDay: fc.option(fc.uniqueArray(fc.tuple(fc.option(fc.integer({ min: -4, max: 4 }).filter((n) => n !== 0)), weekday), { minLength: 1, maxLength: 3, selector: ([, d]) => d }), { nil: undefined }),
        byMonthDay: fc.option(list(fc.integer({ min: -28, max: 28 }).filter((n) => n !== 0)), { nil: undefined }),
        byMonth: fc.option(list(fc.integer({ min: 1, max: 12 })), { nil: undefined }),
        // rrule.js reads a negative position beyond the set as the first day (Python's dateutil skips it), so only -1 is compared.
        bySetPos: fc.option(list(fc.integer({ min: -1, max: 3 }).filter((n) => n !== 0)), { nil: undefined }),
        wkst: fc.option(weekday, { nil: undefined }),
      })
      .map((r) => {
        const numbered = r.freq === 'MONTHLY' || r.freq === 'YEARLY';
        const parts = [`FREQ=${r.freq}`];
        if (r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
        const withNumbers = numbered && r.byDay?.[0][0] !== null;
        if (r.byDay) parts.push(`BYDAY=${r.byDay.map(([n, d]) => `${withNumbers ? (n ?? 1) : ''}${d}`).join(',')}`);
        if (r.byMonthDay && r.freq !== 'WEEKLY') parts.push(`BYMONTHDAY=${r.byMonthDay.join(',')}`);
        if (r.byMonth) parts.push(`BYMONTH=${r.byMonth.join(',')}`);
        if (r.bySetPos && numbered && (r.byDay || r.byMonthDay)) parts.push(`BYSETPOS=${r.bySetPos.join(',')}`);
        if (r.wkst) parts.push(`WKST=${r.wkst}`);
        return parts.join(';');
      });
    const anchorDay = fc.integer({ min: dayOf('2020-01-01'), max: dayOf('2030-12-31') });
    fc.assert(
      fc.property(ruleText, anchorDay, (text, anchor) => {
        const parsed = parseRecurrence(text);
        if ('problem' in parsed) throw new Error(`${text}: ${parsed.problem}`);
        const rule: RecurrenceRule = parsed.rule;
        const span = 400;
        const reference = new RRule({ ...RRule.parseString(text), dtstart: new Date(anchor * DAY_MS), tzid: null });
        const expected = new Set(reference.between(new Date(anchor * DAY_MS), new Date((anchor + span) * DAY_MS), true).map((d) => Math.floor(d.getTime() / DAY_MS)));
        const sets = new PeriodSets();
        for (let day = anchor - 3; day < anchor + span; day++) {
          if (occursOn(rule, anchor, day, { dayTests: 0 }, sets) !== expected.has(day)) {
            throw new Error(`${text} from ${new Date(anchor * DAY_MS).toISOString().slice(0, 10)}: ${new Date(day * DAY_MS).toISOString().slice(0, 10)} differs (rrule: ${expected.has(day)})`);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
