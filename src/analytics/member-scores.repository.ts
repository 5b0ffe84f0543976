import type { EntityManager } from 'typeorm';
import type { Dialect } from '../db/columns';
import type { MemberScores } from './scoring';

const SCORE_COLUMNS: [string, keyof MemberScores][] = [
  ['r_score', 'rScore'],
  ['f_score', 'fScore'],
  ['m_score', 'mScore'],
  ['segment', 'segment'],
  ['abc', 'abc'],
  ['churn_risk', 'churnRisk'],
  ['usual_gap_days', 'usualGapDays'],
  ['rhythm', 'rhythm'],
  ['p_alive', 'pAlive'],
  ['expected_30', 'expected30'],
  ['expected_90', 'expected90'],
  ['expected_365', 'expected365'],
  ['expected_spend_minor', 'expectedSpendMinor'],
  ['clv_minor', 'clvMinor'],
  ['at_stake_minor', 'atStakeMinor'],
];

/**
 * Writes a page of a run's scores onto its members' rows in one multi-row
 * upsert (the rows exist: the run inserted their facts first), one
 * statement per dialect.
 */
export async function writeScores(m: EntityManager, dialect: Dialect, runId: string, merchantId: string, rows: readonly { memberId: string; scores: MemberScores }[]): Promise<void> {
  if (rows.length === 0) return;
  const names = SCORE_COLUMNS.map(([c]) => c);
  const tuple = `(${['?', '?', '?', ...names.map(() => '?')].join(', ')})`;
  const params: unknown[] = [];
  for (const row of rows) {
    params.push(runId, row.memberId, merchantId);
    for (const [, key] of SCORE_COLUMNS) params.push(row.scores[key]);
  }
  const insert = `INSERT INTO analytics_member_scores (run_id, member_id, merchant_id, ${names.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`;
  const update =
    dialect === 'mysql'
      ? ` ON DUPLICATE KEY UPDATE ${names.map((c) => `${c} = VALUES(${c})`).join(', ')}`
      : ` ON CONFLICT (run_id, member_id) DO UPDATE SET ${names.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  await m.query(insert + update, params);
}
