import { DEFAULT_RULES, type Program } from '../../../src/rules/program.schemas';
import { effectiveTier, qualifiedTier, sortedTiers } from '../../../src/rules/rules.service';

const program: Program = {
  ...DEFAULT_RULES,
  // Listed out of order on purpose: the ladder is by threshold.
  tiers: [
    { code: 'gold', name: 'Gold', threshold: 500, earnMultiplierPercent: 150, benefits: '' },
    { code: 'silver', name: 'Silver', threshold: 100, earnMultiplierPercent: 100, benefits: '' },
    { code: 'platinum', name: 'Platinum', threshold: 2000, earnMultiplierPercent: 200, benefits: '' },
  ],
  version: 1,
  effectiveFrom: new Date(0),
  timeZone: 'UTC',
};
const ladder = sortedTiers(program);

describe('tier ladder', () => {
  it('sorts by threshold', () => {
    expect(ladder.map((t) => t.code)).toEqual(['silver', 'gold', 'platinum']);
  });

  it.each([
    [0, null],
    [99, null],
    [100, 'silver'],
    [499, 'silver'],
    [500, 'gold'],
    [1_000_000, 'platinum'],
  ])('a metric of %i qualifies for %s', (metric, code) => {
    expect(qualifiedTier(ladder, metric)?.code ?? null).toBe(code);
  });

  it.each([
    ['silver', null, 'silver'],
    [null, 'gold', 'gold'],
    ['platinum', 'gold', 'platinum'],
    ['silver', 'gold', 'gold'],
    ['retired-tier', null, null],
    [null, 'unknown', null],
  ])('earned %s with override %s is %s (the override is a floor)', (stored, override, code) => {
    expect(effectiveTier(ladder, stored, override)?.code ?? null).toBe(code);
  });
});
