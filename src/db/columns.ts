import type { TableColumnOptions } from 'typeorm';
import type { ValueTransformer } from 'typeorm';

/**
 * The few logical column types Tally uses, mapped to each dialect for
 * migrations. Entities use the matching TypeORM types: 'varchar', 'bigint'
 * (with `bigintToNumber`), 'int', 'boolean', 'simple-json', 'datetime', 'text'.
 */
export type Dialect = 'mysql' | 'sqlite';

export function columns(dialect: Dialect) {
  const mysql = dialect === 'mysql';
  return {
    id: (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true }),
    ref: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable }),
    serial: (name = 'id'): TableColumnOptions => ({
      name,
      type: mysql ? 'bigint' : 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
    string: (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable }),
    text: (name: string, nullable = true): TableColumnOptions => ({ name, type: mysql ? 'mediumtext' : 'text', isNullable: nullable }),
    json: (name: string, nullable = true): TableColumnOptions => ({ name, type: mysql ? 'mediumtext' : 'text', isNullable: nullable }),
    bigint: (name: string, dflt?: number, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable, default: dflt }),
    int: (name: string, dflt?: number, nullable = false): TableColumnOptions => ({ name, type: 'int', isNullable: nullable, default: dflt }),
    bool: (name: string, dflt = false): TableColumnOptions => ({ name, type: 'boolean', default: mysql ? (dflt ? 1 : 0) : dflt ? 1 : 0 }),
    timestamp: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: mysql ? 3 : undefined, isNullable: nullable }),
    date: (name: string, nullable = true): TableColumnOptions => ({ name, type: mysql ? 'date' : 'varchar', length: mysql ? undefined : '10', isNullable: nullable }),
  };
}

/** MySQL returns BIGINT and SUM() as strings; amounts in Tally always fit a JS safe integer. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** Parses a numeric aggregate (COUNT/SUM) that may arrive as string, number or null. */
export function toInt(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(value)}`);
  return n;
}

/** A UTC instant as both dialects compare a datetime(3) column in raw SQL: 'YYYY-MM-DD HH:MM:SS.mmm'. */
export function sqlInstant(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
