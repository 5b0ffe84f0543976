import { toInt } from './columns';

/**
 * Time buckets for set-based reporting: bucket i covers [edges[i], edges[i + 1]).
 * `sums(column, value)` is a select list with one conditional SUM per bucket
 * (`b0`, `b1`, …) over bound parameters (`e0`, `e1`, …), so the same SQL runs
 * on MySQL and SQLite; `series(row)` reads them back as integers.
 */
export class Buckets {
  readonly params: Record<string, Date>;

  constructor(readonly edges: Date[]) {
    this.params = Object.fromEntries(edges.map((e, i) => [`e${i}`, e]));
  }

  get from(): Date {
    return this.edges[0];
  }

  sums(column: string, value: string): string {
    return this.edges
      .slice(0, -1)
      .map((_, i) => `SUM(CASE WHEN ${column} >= :e${i} AND ${column} < :e${i + 1} THEN ${value} ELSE 0 END) AS b${i}`)
      .join(', ');
  }

  series(row: Record<string, unknown> | undefined): number[] {
    return this.edges.slice(0, -1).map((_, i) => toInt(row?.[`b${i}`]));
  }
}
