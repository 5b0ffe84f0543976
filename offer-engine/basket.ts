import { categoryKey } from './category-key';
import type { LineSelector, OfferLine } from './types';

/**
 * The basket while offers apply to it. Lines are kept in a canonical order
 * (by their content, not by where the till put them), so every choice the
 * engine makes — which units form a bundle, which line gets a rounding
 * remainder — is the same whatever the order of the lines.
 */
export interface Line {
  /** Position in the basket as given. */
  index: number;
  sku: string;
  categories: string[];
  groups: string[];
  quantityMilli: number;
  unitPriceMinor: number;
  amountMinor: number;
  /** Whole units that unit mechanics may count; 0 for weighed goods. */
  units: number;
  earnsPoints: boolean;
}

export class Basket {
  /** In canonical order. */
  readonly lines: Line[];
  /** What each line still costs after the offers applied so far. */
  readonly remaining: number[];
  /** Units of each line not yet used by a unit mechanic (multi-buy, buy X get Y, free item). */
  readonly unitsLeft: number[];

  constructor(input: readonly OfferLine[]) {
    const lines = input.map((l, index): Line => {
      const quantityMilli = whole(l.quantityMilli);
      const weighed = l.weighed ?? quantityMilli % 1000 !== 0;
      return {
        index,
        sku: skuOf(l.sku),
        categories: keys(strings(l.categories)),
        groups: [...new Set(strings(l.groups))].sort(),
        quantityMilli,
        unitPriceMinor: whole(l.unitPriceMinor),
        amountMinor: whole(l.amountMinor),
        units: weighed ? 0 : Math.floor(quantityMilli / 1000),
        earnsPoints: l.earnsPoints ?? true,
      };
    });
    const sortKey = (l: Line) => JSON.stringify([l.sku, l.unitPriceMinor, l.quantityMilli, l.amountMinor, l.units, l.earnsPoints, l.categories, l.groups]);
    const withKeys = lines.map((l) => ({ l, key: sortKey(l) }));
    // Identical lines keep their given order; they cannot be told apart, so it does not matter which gets what.
    withKeys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.l.index - b.l.index));
    this.lines = withKeys.map((w) => w.l);
    this.remaining = this.lines.map((l) => l.amountMinor);
    this.unitsLeft = this.lines.map((l) => l.units);
  }

  /** Matches depend only on the lines, so each selector of the offers is matched once per basket. */
  private readonly selected = new Map<LineSelector | undefined, number[]>();

  /** Positions (canonical) of the lines a selector matches. */
  select(selector: LineSelector | undefined): number[] {
    let positions = this.selected.get(selector);
    if (!positions) {
      const match = matcher(selector);
      positions = [];
      for (let i = 0; i < this.lines.length; i++) if (match(this.lines[i])) positions.push(i);
      this.selected.set(selector, positions);
    }
    return positions;
  }

  /** What the given lines still cost. */
  spend(positions: readonly number[]): number {
    return positions.reduce((sum, i) => sum + this.remaining[i], 0);
  }

  quantity(positions: readonly number[]): number {
    return positions.reduce((sum, i) => sum + this.lines[i].quantityMilli, 0);
  }

  /**
   * The units of the given lines still free for unit mechanics, one entry per
   * run of equal units, dearest first (`order: 'dearest'`) or cheapest first;
   * equal prices in canonical order.
   */
  unitRuns(positions: readonly number[], order: 'dearest' | 'cheapest'): UnitRun[] {
    const runs = positions.filter((i) => this.unitsLeft[i] > 0).map((i) => ({ line: i, price: this.lines[i].unitPriceMinor, count: this.unitsLeft[i] }));
    const sign = order === 'dearest' ? -1 : 1;
    return runs.sort((a, b) => sign * (a.price - b.price) || a.line - b.line);
  }
}

export interface UnitRun {
  line: number;
  price: number;
  count: number;
}

/** Takes `n` units from the front of runs; the runs taken, in order. */
export function takeUnits(runs: readonly UnitRun[], n: number): UnitRun[] {
  const taken: UnitRun[] = [];
  let left = n;
  for (const r of runs) {
    if (left <= 0) break;
    const count = Math.min(r.count, left);
    taken.push({ ...r, count });
    left -= count;
  }
  return taken;
}

export function unitCount(runs: readonly UnitRun[]): number {
  return runs.reduce((sum, r) => sum + r.count, 0);
}

/** Runs minus the units in `taken` (same line). */
export function withoutUnits(runs: readonly UnitRun[], taken: readonly UnitRun[]): UnitRun[] {
  const used = new Map<number, number>();
  for (const t of taken) used.set(t.line, (used.get(t.line) ?? 0) + t.count);
  return runs.map((r) => ({ ...r, count: r.count - (used.get(r.line) ?? 0) })).filter((r) => r.count > 0);
}

/** A non-negative safe integer: the engine never throws at the till, so a bad number from a till counts as 0. */
function whole(n: number): number {
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** A SKU as the till sent it; a value that is not a string or a finite number (an object whose toString throws) is no SKU. */
function skuOf(sku: unknown): string {
  if (typeof sku === 'string') return sku;
  return typeof sku === 'number' && Number.isFinite(sku) ? String(sku) : '';
}

/** The strings of a list from a till; anything else counts as no list. */
function strings(list: readonly string[] | undefined): string[] {
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

function keys(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const k = categoryKey(v);
    if (k !== null) out.add(k);
  }
  return [...out].sort();
}

function matcher(selector: LineSelector | undefined): (line: Line) => boolean {
  if (!selector || (selector.skus === undefined && selector.categories === undefined && selector.groups === undefined)) return () => true;
  const skus = new Set(selector.skus ?? []);
  const categories = new Set(keys(selector.categories ?? []));
  const groups = new Set(selector.groups ?? []);
  return (l) => skus.has(l.sku) || l.categories.some((c) => categories.has(c)) || l.groups.some((g) => groups.has(g));
}
