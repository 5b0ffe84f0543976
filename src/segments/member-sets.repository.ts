import type { SqlSource } from '../purchases';
import type { SegmentGroup, SegmentRules } from './segment-rules';

/** A set of members as SQL selecting `member_id`; `negate`: the condition holds for the members NOT in it. */
export interface MemberSet {
  sql: string;
  params: unknown[];
  negate?: boolean;
}

/**
 * The SELECT of member_id of the base members for whom the rules hold: each
 * condition is membership of its set (`sets`, in `conditionsOf` order), the
 * groups join them with AND or OR. Pure: the sets are SQL the owning modules
 * wrote, so this function only nests them.
 */
export function compileRules(rules: SegmentRules, base: SqlSource, sets: readonly MemberSet[]): SqlSource {
  const params: unknown[] = [...base.params];
  let next = 0;
  const condition = (): string => {
    const set = sets[next++];
    if (!set) throw new Error('compileRules: fewer member sets than conditions');
    params.push(...set.params);
    return `b.member_id ${set.negate ? 'NOT IN' : 'IN'} (${set.sql})`;
  };
  const group = (g: SegmentGroup): string => {
    const parts = g.conditions.map((c) => ('match' in c ? group(c) : condition()));
    return parts.length === 1 ? parts[0] : `(${parts.join(g.match === 'all' ? ' AND ' : ' OR ')})`;
  };
  const where = group(rules);
  if (next !== sets.length) throw new Error('compileRules: more member sets than conditions');
  return { sql: `SELECT b.member_id AS member_id FROM (${base.sql}) b WHERE ${where}`, params };
}

/**
 * The set for a count or sum in a window, from per-member totals whose SQL
 * ends in GROUP BY member_id (`total` is the aggregate): members at or above
 * `min` (and at most `max`) are IN a HAVING query; with no positive `min`,
 * members with no purchase at all qualify too, so the set is the complement:
 * NOT IN the members above `max`.
 */
export function boundedSet(grouped: SqlSource, total: string, bounds: { min?: number; max?: number }): MemberSet {
  if (bounds.min !== undefined && bounds.min > 0) {
    const upper = bounds.max !== undefined ? ` AND ${total} <= ?` : '';
    return { sql: `${grouped.sql} HAVING ${total} >= ?${upper}`, params: [...grouped.params, bounds.min, ...(bounds.max !== undefined ? [bounds.max] : [])] };
  }
  // No positive minimum: everyone up to max, buyers or not (max is set: `bounded` requires min or max).
  return { sql: `${grouped.sql} HAVING ${total} > ?`, params: [...grouped.params, bounds.max ?? Number.MAX_SAFE_INTEGER], negate: true };
}
