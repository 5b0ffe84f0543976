import { definitionProblem, type OfferDefinition } from '../../../offer-engine';
import { problemPath } from '../../../src/offers/offers.service';

const base: OfferDefinition = { id: 'o1', name: 'Offer', priority: 0, stacking: { class: 'combinable' }, trigger: 'automatic', mechanic: { kind: 'percent_off', percent: 10 } };

describe('problemPath: the request field of an engine problem', () => {
  it.each([
    ['mechanic.percent must be 1 to 100', 'body.mechanic.percent'],
    ['schedule.endsOn must not be before startsOn', 'body.conditions.schedule.endsOn'],
    ['schedule.recurrence: FREQ must be DAILY, WEEKLY or MONTHLY', 'body.conditions.schedule.recurrence'],
    ['conditions.minSpendMinor must be a whole number ≥ 0', 'body.conditions.minSpendMinor'],
    ['stacking.group must name the group', 'body.stacking.group'],
    ['trigger must be automatic, chosen, code or personal', 'body.trigger'],
    ['mechanic selectors list skus, categories or groups as strings', 'body.mechanic'],
    ['schedule dates must be YYYY-MM-DD', 'body.conditions.schedule'],
    ['an offer must be an object', 'body'],
    ['priority must be an integer', 'body'],
    ['', 'body'],
  ])('%j → %s', (problem, path) => {
    expect(problemPath(problem)).toBe(path);
  });

  it.each<[string, OfferDefinition, string]>([
    ['a percent over 100', { ...base, mechanic: { kind: 'percent_off', percent: 101 } }, 'body.mechanic.percent'],
    ['a multi-buy without a target', { ...base, mechanic: { kind: 'multi_buy', quantity: 3, priceMinor: 500 } } as unknown as OfferDefinition, 'body.mechanic.target'],
    ['a schedule ending before it starts', { ...base, conditions: { schedule: { startsOn: '2026-05-02', endsOn: '2026-05-01', recurrence: null } } }, 'body.conditions.schedule.endsOn'],
    ['a best-of offer without a group', { ...base, stacking: { class: 'best' } } as unknown as OfferDefinition, 'body.stacking.group'],
  ])('names the field of the engine’s own problem with %s', (_what, def, path) => {
    const problem = definitionProblem(def);
    expect(problem).not.toBeNull();
    expect(problemPath(problem as string)).toBe(path);
  });
});
