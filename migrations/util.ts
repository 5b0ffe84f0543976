import type { QueryRunner } from 'typeorm';
import type { Dialect } from '../src/db/columns';

export function dialectOf(q: QueryRunner): Dialect {
  return q.connection.options.type === 'mysql' ? 'mysql' : 'sqlite';
}

/** utf8mb4 and InnoDB on MySQL from the first table on; nothing on SQLite. */
export function mysqlTableOptions(q: QueryRunner): { engine?: string } {
  return dialectOf(q) === 'mysql' ? { engine: 'InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' } : {};
}
