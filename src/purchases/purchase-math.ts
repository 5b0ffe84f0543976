import { createHash } from 'node:crypto';

/**
 * Integer arithmetic of receipts and returns. Money is minor units, quantities
 * thousandths, points integers: nothing here ever produces a fraction.
 */

/**
 * The part of `whole` that belongs to a share that grows from `before` to
 * `after` out of `total`, by cumulative floor: each step gets
 * floor(whole × after / total) − floor(whole × before / total). The steps
 * never add up to more than `whole`, and the step that reaches `total`
 * gets exactly what is left, so a full return takes back everything.
 */
export function proRataStep(whole: number, before: number, after: number, total: number): number {
  if (total <= 0 || whole <= 0) return 0;
  const at = (part: number) => (part >= total ? whole : Number((BigInt(whole) * BigInt(part)) / BigInt(total)));
  return at(after) - at(before);
}

/** JSON with object keys sorted, so the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
