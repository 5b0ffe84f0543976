import { boundedSet, compileRules, type MemberSet } from '../../../src/segments/member-sets.repository';
import { RFM_SEGMENTS } from '../../../src/analytics';
import { BANDS } from '../../../src/feedback';
import { CONSENT_KINDS } from '../../../src/members';
import { conditionsOf, RULE_BANDS, RULE_CONSENT_KINDS, RULE_RFM_SEGMENTS, SegmentRules } from '../../../src/segments/segment-rules';

const base = { sql: 'SELECT id AS member_id FROM members WHERE merchant_id = ?', params: ['m1'] };
const set = (name: string, negate = false): MemberSet => ({ sql: `SELECT member_id FROM ${name} WHERE x = ?`, params: [name], negate });

describe('segment rules: nesting the member sets the modules wrote', () => {
  it('names the same RFM segments, feedback bands and consent kinds as the modules that own them', () => {
    expect(RULE_RFM_SEGMENTS).toEqual(RFM_SEGMENTS);
    expect(RULE_BANDS).toEqual(BANDS);
    expect(RULE_CONSENT_KINDS).toEqual(CONSENT_KINDS);
  });

  it('joins a group with AND or OR, a subgroup in brackets, parameters in the order of the SQL', () => {
    const rules = SegmentRules.parse({
      match: 'any',
      conditions: [
        { field: 'consent', kind: 'marketing_email' },
        { match: 'all', conditions: [{ field: 'birthdayMonth', in: [5] }, { field: 'visits', withinDays: 30, max: 0 }] },
      ],
    });
    expect(conditionsOf(rules).map((c) => c.field)).toEqual(['consent', 'birthdayMonth', 'visits']);
    const q = compileRules(rules, base, [set('a'), set('b'), set('c', true)]);
    expect(q.sql).toBe(
      'SELECT b.member_id AS member_id FROM (SELECT id AS member_id FROM members WHERE merchant_id = ?) b WHERE ' +
        '(b.member_id IN (SELECT member_id FROM a WHERE x = ?) OR (b.member_id IN (SELECT member_id FROM b WHERE x = ?) AND b.member_id NOT IN (SELECT member_id FROM c WHERE x = ?)))',
    );
    expect(q.params).toEqual(['m1', 'a', 'b', 'c']);
  });

  it('a single condition needs no brackets; the sets must match the conditions one for one', () => {
    const rules = SegmentRules.parse({ match: 'all', conditions: [{ field: 'consent', kind: 'profiling' }] });
    expect(compileRules(rules, base, [set('a')]).sql).toMatch(/ WHERE b\.member_id IN \(SELECT member_id FROM a WHERE x = \?\)$/);
    expect(() => compileRules(rules, base, [])).toThrow(/fewer/);
    expect(() => compileRules(rules, base, [set('a'), set('b')])).toThrow(/more/);
  });

  it.each([
    [{ min: 2 }, 'HAVING COUNT(*) >= ?', [2], false],
    [{ min: 2, max: 5 }, 'HAVING COUNT(*) >= ? AND COUNT(*) <= ?', [2, 5], false],
    // No positive minimum: members who never bought qualify, so the set is everyone above max, negated.
    [{ max: 3 }, 'HAVING COUNT(*) > ?', [3], true],
    [{ min: 0, max: 3 }, 'HAVING COUNT(*) > ?', [3], true],
  ])('bounds %j give %s', (bounds, having, params, negate) => {
    const s = boundedSet({ sql: 'SELECT member_id FROM v GROUP BY member_id', params: ['p'] }, 'COUNT(*)', bounds);
    expect(s.sql).toBe(`SELECT member_id FROM v GROUP BY member_id ${having}`);
    expect(s.params).toEqual(['p', ...params]);
    expect(Boolean(s.negate)).toBe(negate);
  });

  it.each([
    [{ match: 'all', conditions: [] }, 'no condition'],
    [{ match: 'all', conditions: [{ field: 'spend', withinDays: 30 }] }, 'neither min nor max'],
    [{ match: 'all', conditions: [{ field: 'churnRisk', min: 80, max: 20 }] }, 'min above max'],
    [{ match: 'all', conditions: [{ field: 'visits', withinDays: 0, min: 1 }] }, 'an empty window'],
    [{ match: 'all', conditions: [{ match: 'all', conditions: [{ match: 'all', conditions: [{ field: 'consent', kind: 'profiling' }] }] }] }, 'groups three deep'],
    [{ match: 'all', conditions: [{ field: 'birthdayMonth', in: [13] }] }, 'a thirteenth month'],
  ] as [unknown, string][])('refuses %j (%s)', (rules) => {
    expect(SegmentRules.safeParse(rules).success).toBe(false);
  });
});
