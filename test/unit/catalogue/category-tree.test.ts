import fc from 'fast-check';
import { descendantsOf, lineage, MAX_CATEGORY_DEPTH, moveProblem, pathOf, splitCategoryPath, type CategoryNode } from '../../../src/catalogue/category-tree';
import { withProduct } from '../../../src/catalogue/product-lines';

const tree = (...nodes: [string, string | null][]): Map<string, CategoryNode> => new Map(nodes.map(([id, parentId]) => [id, { id, name: id[0].toUpperCase() + id.slice(1), parentId }]));

// Drinks › Alcohol › Beer, Drinks › Juice, Tobacco
const shop = tree(['drinks', null], ['alcohol', 'drinks'], ['beer', 'alcohol'], ['juice', 'drinks'], ['tobacco', null]);

describe('category ancestors', () => {
  it.each([
    ['beer', ['beer', 'alcohol', 'drinks']],
    ['juice', ['juice', 'drinks']],
    ['tobacco', ['tobacco']],
    ['missing', []],
  ])('%s: itself and its ancestors, nearest first', (id, expected) => {
    expect(lineage(id, shop).map((c) => c.id)).toEqual(expected);
  });

  it('no category has no lineage; a path reads root first', () => {
    expect(lineage(null, shop)).toEqual([]);
    expect(pathOf('beer', shop)).toEqual(['Drinks', 'Alcohol', 'Beer']);
  });

  it('stops at a loop in stored data instead of running away', () => {
    const looped = tree(['a', 'b'], ['b', 'a']);
    expect(lineage('a', looped).map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('never walks more than MAX_CATEGORY_DEPTH levels, whatever the parent links', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: 19 }), { minLength: 1, maxLength: 20 }), fc.nat(19), (parents, start) => {
        const nodes = tree(...parents.map((p, i): [string, string | null] => [`n${i}`, p < 0 ? null : `n${p}`]));
        const chain = lineage(`n${start % parents.length}`, nodes);
        expect(chain.length).toBeLessThanOrEqual(MAX_CATEGORY_DEPTH);
        expect(new Set(chain.map((c) => c.id)).size).toBe(chain.length);
        // Each step goes to the parent of the one before.
        chain.slice(1).forEach((c, i) => expect(chain[i].parentId).toBe(c.id));
      }),
    );
  });

  it('a filter on a category takes its subcategories', () => {
    expect(descendantsOf('drinks', shop).sort()).toEqual(['alcohol', 'beer', 'drinks', 'juice']);
    expect(descendantsOf('beer', shop)).toEqual(['beer']);
  });
});

describe('moving a category', () => {
  it.each([
    ['under another branch', 'juice', 'tobacco', null],
    ['to the top', 'beer', null, null],
    ['under itself', 'drinks', 'drinks', 'a category cannot be placed under itself or its own subcategory'],
    ['under its own grandchild', 'drinks', 'beer', 'a category cannot be placed under itself or its own subcategory'],
    ['under a parent that does not exist', 'beer', 'nope', 'no such parent category'],
  ])('%s', (_what, id, parentId, problem) => {
    expect(moveProblem(id, parentId, shop)).toBe(problem);
  });

  it('refuses a tree deeper than MAX_CATEGORY_DEPTH', () => {
    const chain = tree(...Array.from({ length: MAX_CATEGORY_DEPTH }, (_, i): [string, string | null] => [`c${i}`, i === 0 ? null : `c${i - 1}`]), ['x', null], ['y', 'x']);
    expect(moveProblem(null, `c${MAX_CATEGORY_DEPTH - 2}`, chain)).toBeNull();
    expect(moveProblem(null, `c${MAX_CATEGORY_DEPTH - 1}`, chain)).toMatch(/at most/);
    // x has a child: under the second-deepest level its child would be one too deep.
    expect(moveProblem('x', `c${MAX_CATEGORY_DEPTH - 2}`, chain)).toMatch(/at most/);
    expect(moveProblem('x', `c${MAX_CATEGORY_DEPTH - 3}`, chain)).toBeNull();
  });
});

describe('category paths in a CSV cell', () => {
  it.each([
    ['Drinks > Beer', ['Drinks', 'Beer']],
    ['Drinks › Beer', ['Drinks', 'Beer']],
    ['Drinks/Beer', ['Drinks', 'Beer']],
    ['  Drinks  >  Craft   beer ', ['Drinks', 'Craft beer']],
    ['Beer', ['Beer']],
    ['> Beer >', ['Beer']],
    ['', []],
  ])('%j', (cell, expected) => {
    expect(splitCategoryPath(cell)).toEqual(expected);
  });
});

describe('a basket line with its product', () => {
  const lager = { productId: 'p', sku: 'LAGER', name: 'Lager', category: 'Beer', ancestors: ['Alcohol', 'Drinks'], groups: ['lagers'], weighed: false, earnsPoints: true, shelfPriceMinor: 150 };

  it("takes the product's SKU, category, ancestors, groups and flags over what the till sent", () => {
    expect(withProduct({ sku: '5000000000011', category: 'misc', quantity: 1000 }, lager)).toEqual({
      sku: 'LAGER',
      category: 'Beer',
      ancestors: ['Alcohol', 'Drinks'],
      groups: ['lagers'],
      earnsPoints: true,
      weighed: false,
      quantity: 1000,
    });
  });

  it("keeps the till's category when the product has none, and a line of no product as sent", () => {
    expect(withProduct({ sku: 'D', category: 'deposit' }, { ...lager, sku: 'D', category: null, ancestors: [], earnsPoints: false })).toMatchObject({ category: 'deposit', ancestors: [], earnsPoints: false });
    const unknown = { sku: 'X', category: 'snacks' };
    expect(withProduct(unknown, undefined)).toBe(unknown);
  });
});
