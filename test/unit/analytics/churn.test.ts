import { churnRisk, merchantRhythm, ownRhythm, type MerchantRhythm } from '../../../src/analytics';
import { DEFAULT_LOG_SD, MIN_LOG_SD } from '../../../src/analytics/models/churn';

/** Visit days of a member who came every `gap` days, `visits` times, the last one on `lastDay`. */
const everyNDays = (gap: number, visits: number, lastDay: number) => Array.from({ length: visits }, (_, i) => lastDay - gap * (visits - 1 - i));
const weekly: MerchantRhythm = { logMean: Math.log(7), logSd: 0.5, withinLogSd: 0.4 };

describe('churn risk from the member’s own rhythm', () => {
  it.each([
    // name, visit days, as of, P(alive), merchant rhythm → score range, usual gap, rhythm
    ['weekly shopper, visited today', everyNDays(7, 10, 100), 100, 0.95, weekly, [0, 5], 7, 'own'],
    ['weekly shopper, a week since the last visit', everyNDays(7, 10, 100), 107, 0.9, weekly, [5, 20], 7, 'own'],
    ['weekly shopper, four weeks away', everyNDays(7, 10, 100), 128, 0.8, weekly, [95, 100], 7, 'own'],
    ['monthly shopper, four weeks away: on rhythm', everyNDays(30, 10, 100), 128, 0.8, weekly, [10, 35], 30, 'own'],
    ['monthly shopper, four months away', everyNDays(30, 10, 100), 220, 0.3, weekly, [95, 100], 30, 'own'],
    ['one visit, 3 days ago: the merchant’s weekly rhythm', [97], 100, 1, weekly, [0, 10], 7, 'merchant'],
    ['one visit, 60 days ago: the merchant’s weekly rhythm', [40], 100, 1, weekly, [40, 100], 7, 'merchant'],
    ['two visits: still the merchant’s rhythm', [80, 90], 100, 0.9, weekly, [10, 60], 7, 'merchant'],
  ] as const)('%s', (_name, visitDays, asOfDay, probabilityAlive, merchant, [low, high], usualGapDays, rhythm) => {
    const risk = churnRisk({ visitDays, asOfDay, probabilityAlive, merchant });
    if (risk === null) throw new Error('expected a score');
    expect(risk.score).toBeGreaterThanOrEqual(low);
    expect(risk.score).toBeLessThanOrEqual(high);
    expect(risk.reason).toMatchObject({ usualGapDays, daysSinceLast: asOfDay - visitDays[visitDays.length - 1], purchases: visitDays.length, rhythm });
  });

  it('is the same member’s score at any earlier as-of date, whatever happened later', () => {
    const days = everyNDays(7, 10, 100);
    const before = churnRisk({ visitDays: days.filter((d) => d <= 80), asOfDay: 80, probabilityAlive: 0.9, merchant: weekly });
    expect(churnRisk({ visitDays: days, asOfDay: 80, probabilityAlive: 0.9, merchant: weekly })).toEqual(before);
  });

  it('rises monotonically with the days away and falls with P(alive)', () => {
    const days = everyNDays(7, 6, 100);
    const scores = [100, 104, 108, 115, 130, 160].map((asOfDay) => churnRisk({ visitDays: days, asOfDay, probabilityAlive: 0.9, merchant: weekly })!.score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1]);
    const lowAlive = churnRisk({ visitDays: days, asOfDay: 110, probabilityAlive: 0.3, merchant: weekly })!.score;
    const highAlive = churnRisk({ visitDays: days, asOfDay: 110, probabilityAlive: 0.95, merchant: weekly })!.score;
    expect(lowAlive).toBeGreaterThan(highAlive);
  });

  it('a member without a repeat purchase (P(alive) = 1 in the BG/NBD) still becomes at risk when long away', () => {
    expect(churnRisk({ visitDays: [0], asOfDay: 200, probabilityAlive: 1, merchant: weekly })!.score).toBeGreaterThan(90);
  });

  it('without any rhythm the score is P(alive) alone, and the reason says the rhythm is unknown', () => {
    const risk = churnRisk({ visitDays: [10], asOfDay: 100, probabilityAlive: 0.4, merchant: null })!;
    expect(risk).toMatchObject({ score: 60, stillAwayIfActive: null, reason: { usualGapDays: null, rhythm: 'unknown' } });
  });

  it('without a BG/NBD fit, the rhythm alone decides (P(alive) taken as 0.99)', () => {
    const risk = churnRisk({ visitDays: everyNDays(7, 10, 100), asOfDay: 140, probabilityAlive: null, merchant: weekly })!;
    expect(risk.probabilityAlive).toBe(0.99);
    expect(risk.score).toBeGreaterThan(80);
  });

  it('takes visit days in any order, repeated or not', () => {
    const days = everyNDays(7, 6, 100);
    const shuffled = [days[3], days[0], days[5], days[5], days[1], days[4], days[2]];
    expect(churnRisk({ visitDays: shuffled, asOfDay: 120, probabilityAlive: 0.9, merchant: weekly })).toEqual(churnRisk({ visitDays: days, asOfDay: 120, probabilityAlive: 0.9, merchant: weekly }));
  });

  it('is null for a member with no visit by the as-of day', () => {
    expect(churnRisk({ visitDays: [150], asOfDay: 100, probabilityAlive: 1, merchant: weekly })).toBeNull();
  });
});

describe('rhythms', () => {
  it('a perfectly regular member still has a spread of at least MIN_LOG_SD, shrunk towards the merchant’s', () => {
    const own = ownRhythm([7, 7, 7], weekly);
    expect(own.logMean).toBeCloseTo(Math.log(7), 12);
    expect(own.logSd).toBeGreaterThanOrEqual(MIN_LOG_SD);
    expect(own.logSd).toBeLessThan(weekly.withinLogSd);
    expect(ownRhythm([7, 7, 7], null).logSd).toBeLessThan(DEFAULT_LOG_SD);
    expect(() => ownRhythm([7], weekly)).toThrow(RangeError);
  });

  it('the merchant’s rhythm is the mean and spread of every gap; the spread within members is pooled apart', () => {
    // 32 gaps; every member with two or more gaps is perfectly regular (19 degrees of freedom, no spread).
    const members = [...Array(7).fill([7, 7, 7]), ...Array(4).fill([14, 14]), [30, 30], [1]];
    const logs = [...Array(21).fill(Math.log(7)), ...Array(8).fill(Math.log(14)), Math.log(30), Math.log(30), 0];
    const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / (logs.length - 1));
    const rhythm = merchantRhythm(members)!;
    expect(rhythm.logMean).toBeCloseTo(mean, 12);
    expect(rhythm.logSd).toBeCloseTo(sd, 12);
    expect(rhythm.withinLogSd).toBe(MIN_LOG_SD);
  });

  it('uses the overall spread within members when few have two gaps, and is null with fewer than 10 gaps', () => {
    const single = merchantRhythm(Array.from({ length: 12 }, (_, i) => [10 + i]))!;
    expect(single.withinLogSd).toBe(single.logSd);
    expect(merchantRhythm([[7], [8], [7, 9], [1, 2, 3, 4, 5]])).toBeNull();
  });
});
