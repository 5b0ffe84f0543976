import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { audit } from '../audit';
import type { Deps } from '../deps';
import type { Principal } from '../http/principal';
import type { MembersService, RowError } from '../members';
import { csvRecords } from './csv';
import { resolveColumns, type Mapping } from './mapping';
import { MEMBER_FIELDS, memberRow } from './member-rows';

/** Rows written per transaction: big enough to amortise the commit, small enough to keep locks and memory short. */
export const IMPORT_BATCH_ROWS = 500;

/** Row errors kept in the answer; the count goes on past it. */
export const MAX_REPORTED_ERRORS = 1000;

export interface ImportOptions {
  mapping: Mapping;
  /** Check and match every row, write nothing. */
  dryRun: boolean;
}

export interface ImportResult {
  kind: 'members' | 'purchases';
  dryRun: boolean;
  /** Data rows read (the header not counted). */
  rows: number;
  /** Members or purchases written (in a dry run: that would be written). */
  created: number;
  /** Rows naming a member or purchase that exists: a second run adds nothing. */
  existing: number;
  /** Rows refused. */
  failed: number;
  /** The first MAX_REPORTED_ERRORS problems: row number (1 = first row after the header), field, message. */
  errors: RowError[];
}

/** Who runs the import: staff through the API, or nobody in particular from the shell. */
export interface ImportActor {
  merchantId: string;
  principal: Principal | null;
}

/** Thrown inside a dry run's transaction so that everything it wrote is rolled back. */
class DryRunRollback extends Error {}

export interface ImportsServiceUses { members: MembersService }

/**
 * History import from CSV (docs/imports.md): streamed, checked row by row,
 * written in batches of IMPORT_BATCH_ROWS in one transaction each through the
 * owning modules' services, idempotent. A dry run goes through the same
 * writes and rolls each batch back, so it reports exactly what a real run
 * would refuse.
 */
export class ImportsService {
  constructor(
    private readonly deps: Deps,
    private readonly use: ImportsServiceUses,
  ) {}

  async importMembers(actor: ImportActor, input: Readable, options: ImportOptions, now = new Date()): Promise<ImportResult> {
    const result = emptyResult('members', options.dryRun);
    let columns: Map<string, number> | null = null;
    let batch: Exclude<ReturnType<typeof memberRow>, RowError[]>[] = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      if (!rows.length) return;
      const outcomes = await this.inBatch(options.dryRun, (tx) => this.use.members.importBatch(tx, actor.merchantId, rows, now));
      for (const outcome of outcomes) {
        if (outcome.status === 'error') addErrors(result, outcome.errors);
        else result[outcome.status]++;
      }
    };
    for await (const item of csvRecords(input)) {
      if ('header' in item) {
        columns = resolveColumns(item.header, options.mapping, MEMBER_FIELDS, []);
        continue;
      }
      result.rows++;
      const parsed = memberRow(item.record, columns as Map<string, number>, item.row);
      if (Array.isArray(parsed)) addErrors(result, parsed);
      else batch.push(parsed);
      if (batch.length >= IMPORT_BATCH_ROWS) await flush();
    }
    await flush();
    await this.record(actor, result, now);
    return result;
  }

  /** Runs one batch in its own transaction; a dry run's is rolled back after its outcomes are taken. */
  private async inBatch<T>(dryRun: boolean, write: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (!dryRun) return this.deps.db.transaction(write);
    let outcome: T | undefined;
    try {
      await this.deps.db.transaction(async (tx) => {
        outcome = await write(tx);
        throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    return outcome as T;
  }

  /** One audit entry per real run, with its counts. */
  private async record(actor: ImportActor, result: ImportResult, now: Date): Promise<void> {
    if (result.dryRun) return;
    const { errors: _errors, ...counts } = result;
    await this.deps.db.transaction((tx) => audit(tx, actor.merchantId, actor.principal, { action: `import.${result.kind}`, entity: 'import', data: counts }, now));
  }
}

function emptyResult(kind: ImportResult['kind'], dryRun: boolean): ImportResult {
  return { kind, dryRun, rows: 0, created: 0, existing: 0, failed: 0, errors: [] };
}

/** Counts a refused row once, keeping its problems while there is room. */
function addErrors(result: ImportResult, errors: readonly RowError[]): void {
  result.failed++;
  for (const error of errors) if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(error);
}
