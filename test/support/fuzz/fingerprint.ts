import type { Db } from '../../../src/db/db';

/**
 * A cheap fingerprint of every table (row count, highest id, latest
 * updated_at) in one query, to prove a refused request wrote nothing. The
 * table list is read from the database, so a new table is covered without
 * anyone listing it here.
 */
export interface Fingerprinter {
  tables: string[];
  take(): Promise<Record<string, string>>;
}

export async function fingerprinter(db: Db): Promise<Fingerprinter> {
  const columns = await tableColumns(db);
  // rate_counters count attempts, refused ones included: that write is the point of them (issue 15).
  const tables = [...columns.keys()].filter((t) => t !== 'migrations' && t !== 'rate_counters').sort();
  const select = tables
    .map((t) => {
      const cols = columns.get(t) ?? new Set<string>();
      const id = cols.has('id') ? 'MAX(`id`)' : 'NULL';
      const updated = cols.has('updated_at') ? 'MAX(`updated_at`)' : 'NULL';
      return `SELECT '${t}' AS t, COUNT(*) AS n, ${id} AS id, ${updated} AS u FROM \`${t}\``;
    })
    .join(' UNION ALL ');
  return {
    tables,
    async take() {
      const rows = (await db.manager.query(select)) as { t: string; n: unknown; id: unknown; u: unknown }[];
      const stamp = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
      return Object.fromEntries(rows.map((r) => [r.t, `${Number(r.n)}|${stamp(r.id)}|${stamp(r.u)}`]));
    },
  };
}

async function tableColumns(db: Db): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (db.isMysql) {
    const rows = (await db.manager.query('SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()')) as { t: string; c: string }[];
    for (const r of rows) out.set(r.t, (out.get(r.t) ?? new Set()).add(r.c));
    return out;
  }
  const tables = (await db.manager.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) as { name: string }[];
  for (const { name } of tables) {
    const cols = (await db.manager.query(`PRAGMA table_info(\`${name}\`)`)) as { name: string }[];
    out.set(name, new Set(cols.map((c) => c.name)));
  }
  return out;
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}

/**
 * Tables a refused request may write by design, by route: counters of
 * attempts kept where every api process sees them, and the owner's alert when
 * a limit trips. Nothing else may change on a 4xx.
 */
const TILL_LOOKUP_COUNT = ['rate_counters', 'audit_log', 'notifications', 'outbox']; // issue 15 finding 5: lookups count before they are answered; over the limit, an audit entry and an email to the owners
const SIGN_IN_COUNT = ['sign_in_guards']; // issue 15 findings 2 and 3: attempts are counted per email and source before the password is checked
export const WRITES_ON_REFUSAL: Record<string, string[]> = {
  'POST /v1/auth/sign-in': SIGN_IN_COUNT,
  'POST /v1/auth/password': SIGN_IN_COUNT,
  'POST /v1/operator/sign-in': SIGN_IN_COUNT,
  'POST /v1/auth/terminal-pairing': SIGN_IN_COUNT,
  'POST /v1/auth/cashier-sign-in': SIGN_IN_COUNT,
  'GET /v1/pos/members': TILL_LOOKUP_COUNT,
  'GET /v1/pos/cards/{code}': TILL_LOOKUP_COUNT,
  'POST /v1/pos/baskets/evaluate': TILL_LOOKUP_COUNT,
  'POST /v1/pos/purchases': TILL_LOOKUP_COUNT,
};
