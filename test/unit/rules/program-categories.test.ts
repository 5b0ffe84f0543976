import { programCategories, uniqueCategories } from '../../../src/rules/category';
import { DEFAULT_RULES } from '../../../src/rules/program.schemas';

describe('the categories a till offers', () => {
  it.each([
    [[], []],
    [['beer', 'Beer', ' BEER '], ['beer']],
    [['Tobacco', 'dairy', '  '], ['dairy', 'Tobacco']],
  ])('uniqueCategories(%j) = %j (first spelling, sorted, blanks dropped)', (names, expected) => {
    expect(uniqueCategories(names)).toEqual(expected);
  });

  it('gathers every category the program names', () => {
    const rules = {
      ...DEFAULT_RULES,
      earning: {
        ...DEFAULT_RULES.earning,
        excludedCategories: ['tobacco'],
        categoryMultipliers: [{ category: 'produce', multiplierPercent: 200 }],
        productBonuses: [
          { category: 'bakery', pointsPerUnit: 5, label: 'Bread bonus' },
          { sku: 'X1', pointsPerUnit: 5, label: 'Item bonus' },
        ],
      },
      promotions: [{ categories: ['Produce', 'wine'] }, { categories: null }],
    };
    expect(programCategories(rules)).toEqual(['bakery', 'produce', 'tobacco', 'wine']);
  });
});
