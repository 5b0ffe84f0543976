/** A realistic 5-line grocery basket with prices in minor units and one weighed item. */
const ITEMS = [
  { sku: '4011', category: 'produce', unitPriceMinor: 249, weighed: true },
  { sku: '5000112548167', category: 'drinks', unitPriceMinor: 189 },
  { sku: '8710398500236', category: 'dairy', unitPriceMinor: 125 },
  { sku: '5449000000996', category: 'drinks', unitPriceMinor: 99 },
  { sku: '7622210449283', category: 'snacks', unitPriceMinor: 299 },
  { sku: '3017620422003', category: 'pantry', unitPriceMinor: 459 },
  { sku: '0000000000017', category: 'bakery', unitPriceMinor: 215 },
];

export interface Line {
  sku: string;
  category: string;
  quantity: number;
  unitPriceMinor: number;
}

export function basket(seed: number): Line[] {
  const lines: Line[] = [];
  for (let i = 0; i < 5; i++) {
    const item = ITEMS[(seed + i * 3) % ITEMS.length];
    lines.push({ sku: item.sku, category: item.category, quantity: item.weighed ? 300 + (seed % 900) : 1000 * (1 + ((seed + i) % 3)), unitPriceMinor: item.unitPriceMinor });
  }
  return lines;
}

/** Line amount as the server computes it: quantity × price / 1000, half up. */
export function amountOf(line: Line): number {
  return Math.floor((line.quantity * line.unitPriceMinor + 500) / 1000);
}
