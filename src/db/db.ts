import type { DataSource, EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import type { Dialect } from './columns';

/**
 * The database handle services use. `transaction` is the only way to write:
 * on MySQL it runs READ COMMITTED and retries deadlocks; on SQLite it
 * serialises transactions in this process, because TypeORM shares one
 * connection between all SQLite query runners and would otherwise interleave
 * two transactions on it.
 */
export class Db {
  readonly dialect: Dialect;
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'mysql' ? 'mysql' : 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  get isMysql(): boolean {
    return this.dialect === 'mysql';
  }

  /** Runs fn in a transaction; pass `outer` to join a transaction already open. */
  async transaction<T>(fn: (tx: EntityManager) => Promise<T>, outer?: EntityManager): Promise<T> {
    if (outer) return fn(outer);
    if (this.dialect === 'sqlite') {
      const run = this.sqliteQueue.then(() => this.dataSource.transaction(fn));
      this.sqliteQueue = run.catch(() => undefined);
      return run;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // READ COMMITTED is the session default of every pooled connection (see createDataSource).
        return await this.dataSource.transaction(fn);
      } catch (err) {
        if (attempt >= 5 || !isRetryableMysqlError(err)) throw err;
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  }

  /**
   * Runs a write that needs no transaction of its own (one statement): on
   * MySQL autocommitted, which saves the BEGIN and COMMIT round trips; on
   * SQLite through the serialised transaction, since its one connection may
   * be inside another transaction.
   */
  autocommit<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.isMysql ? fn(this.manager) : this.transaction(fn);
  }

  /** `FOR UPDATE` suffix for a raw SELECT that locks the row (SQLite serialises writers instead). */
  get forUpdate(): string {
    return this.isMysql ? ' FOR UPDATE' : '';
  }
}

function driverCode(err: unknown): string | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  const driverError = (err as QueryFailedError & { driverError?: { code?: string } }).driverError;
  return driverError?.code;
}

function isRetryableMysqlError(err: unknown): boolean {
  const code = driverCode(err);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** mysql2 codes of a connection that could not be opened or was lost (not of a bad statement). */
const MYSQL_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/**
 * True when a query failed because the database could not be reached (down,
 * restarting, out of connections, its file unreadable), not because of the
 * query: the request may succeed if retried a little later.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; fatal?: unknown; driverError?: { code?: unknown; fatal?: unknown } } | null;
  if (!e || typeof e !== 'object') return false;
  const code = String(e.driverError?.code ?? e.code ?? '');
  // mysql2 marks errors that broke the connection as fatal.
  if (MYSQL_CONNECTION_CODES.has(code) || e.fatal === true || e.driverError?.fatal === true) return true;
  return code === 'SQLITE_CANTOPEN' || code === 'SQLITE_BUSY' || code.startsWith('SQLITE_IOERR');
}

/** True when a write failed on a unique index (either dialect). */
export function isUniqueViolation(err: unknown): boolean {
  const code = driverCode(err);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
