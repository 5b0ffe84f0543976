import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { audit } from '../audit';
import type { CatalogueService, ImportedProduct } from '../catalogue';
import type { Deps } from '../deps';
import { canUseStore, type Principal } from '../http/principal';
import type { MembersService, RowError } from '../members';
import type { MerchantsService, Store, TerminalsService } from '../merchants';
import { currencyDigits } from '../pricing';
import type { ImportedPurchase, PurchasesService } from '../purchases';
import type { SegmentsService } from '../segments';
import { fromWall } from '../rules';
import { csvRecords } from './csv';
import { cell, resolveColumns, type Mapping } from './mapping';
import { MEMBER_FIELDS, memberRow } from './member-rows';
import { PRODUCT_FIELDS, productRow, REQUIRED_PRODUCT_FIELDS } from './product-rows';
import { customerRef, PURCHASE_FIELDS, purchaseRow, REQUIRED_PURCHASE_FIELDS, type PurchaseRow } from './purchase-rows';

/** Rows written per transaction: big enough to amortise the commit, small enough to keep locks and memory short. */
export const IMPORT_BATCH_ROWS = 500;

/** Row errors kept in the answer; the count goes on past it. */
export const MAX_REPORTED_ERRORS = 1000;

export interface ImportOptions {
  mapping: Mapping;
  /** Check and match every row, write nothing. */
  dryRun: boolean;
}

export interface PurchaseImportOptions extends ImportOptions {
  /** Earn points for members' past purchases by the program at each date; off: history only. */
  awardPoints: boolean;
}

export interface ImportResult {
  kind: 'members' | 'purchases' | 'products' | 'segment-members';
  dryRun: boolean;
  /** Data rows read (the header not counted). */
  rows: number;
  /** Members, purchases (not rows: a purchase may span several line rows) or products written, or members listed in a segment; in a dry run, that would be written. */
  created: number;
  /** Rows naming a member, purchase or product (SKU) that exists (for a segment: a member named twice): a second run adds nothing. */
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

/** The columns naming a segment's member: the same as an imported purchase's customer. */
export const SEGMENT_MEMBER_FIELDS = ['customerId', 'phone', 'email', 'card'] as const;

/** Thrown inside a dry run's transaction so that everything it wrote is rolled back. */
class DryRunRollback extends Error {}

export interface ImportsServiceUses { catalogue: CatalogueService; members: MembersService; merchants: MerchantsService; purchases: PurchasesService; segments: SegmentsService; terminals: TerminalsService }

/** The rows of one receipt in the file (consecutive rows with the same store and receipt number). */
interface ReceiptGroup {
  key: string;
  rows: PurchaseRow[];
  errors: RowError[];
}

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

  /**
   * Products into the catalogue: a SKU the catalogue has is left as it is
   * (`existing`); a new one is created with its barcodes, category path
   * (missing categories created) and groups. The shelf price is read in the
   * merchant's currency.
   */
  async importProducts(actor: ImportActor, input: Readable, options: ImportOptions, now = new Date()): Promise<ImportResult> {
    const result = emptyResult('products', options.dryRun);
    const digits = currencyDigits((await this.use.merchants.getMerchant(actor.merchantId)).currency);
    let columns: Map<string, number> | null = null;
    let batch: ImportedProduct[] = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      if (!rows.length) return;
      const outcomes = await this.inBatch(options.dryRun, (tx) => this.use.catalogue.importBatch(tx, actor.merchantId, rows, now));
      for (const outcome of outcomes) {
        if (Array.isArray(outcome)) addErrors(result, outcome);
        else result[outcome]++;
      }
    };
    for await (const item of csvRecords(input)) {
      if ('header' in item) {
        columns = resolveColumns(item.header, options.mapping, PRODUCT_FIELDS, REQUIRED_PRODUCT_FIELDS);
        continue;
      }
      result.rows++;
      const parsed = productRow(item.record, columns as Map<string, number>, item.row, digits);
      if (Array.isArray(parsed)) addErrors(result, parsed);
      else batch.push(parsed);
      if (batch.length >= IMPORT_BATCH_ROWS) await flush();
    }
    await flush();
    await this.record(actor, result, now);
    return result;
  }

  /**
   * Past purchases: consecutive rows with the same store and receipt number
   * are one purchase (its lines); the purchase-level fields come from its
   * first row. Returns are negative amounts or quantities.
   */
  async importPurchases(actor: ImportActor, input: Readable, options: PurchaseImportOptions, now = new Date()): Promise<ImportResult> {
    const result = emptyResult('purchases', options.dryRun);
    const merchant = await this.use.merchants.getMerchant(actor.merchantId);
    const digits = currencyDigits(merchant.currency);
    const stores = storeIndex(await this.use.merchants.allStores(actor.merchantId));
    let columns: Map<string, number> | null = null;
    let group: ReceiptGroup | null = null;
    let batch: ReceiptGroup[] = [];
    let batchRows = 0;
    /** Members whose purchases were written: their stats are refreshed at the end. */
    const touched = new Set<string>();
    const flush = async () => {
      const groups = batch;
      batch = [];
      batchRows = 0;
      const ok = groups.filter((g) => g.errors.length === 0);
      const written = ok.length ? await this.inBatch(options.dryRun, (tx) => this.writePurchases(tx, actor, merchant.timeZone, stores, ok, options, now)) : { outcomes: [], memberIds: [] };
      // Outcomes in file order, so the errors read from top to bottom.
      const writes = written.outcomes.values();
      for (const g of groups) {
        const outcome = g.errors.length ? g.errors : (writes.next().value as 'created' | 'existing' | RowError[]);
        if (Array.isArray(outcome)) addErrors(result, outcome);
        else result[outcome]++;
      }
      if (!options.dryRun) for (const id of written.memberIds) touched.add(id);
    };
    const close = async () => {
      if (!group) return;
      batch.push(group);
      batchRows += group.rows.length + group.errors.length;
      group = null;
      if (batchRows >= IMPORT_BATCH_ROWS) await flush();
    };
    for await (const item of csvRecords(input)) {
      if ('header' in item) {
        columns = resolveColumns(item.header, options.mapping, PURCHASE_FIELDS, REQUIRED_PURCHASE_FIELDS);
        continue;
      }
      result.rows++;
      const cols = columns as Map<string, number>;
      const key = `${cell(item.record, cols, 'store')?.toLowerCase()}\u0000${cell(item.record, cols, 'receiptNumber')}`;
      let current = group as ReceiptGroup | null;
      if (current?.key !== key) {
        await close();
        current = group = { key, rows: [], errors: [] };
      }
      const parsed = purchaseRow(item.record, cols, item.row, digits);
      if (Array.isArray(parsed)) current.errors.push(...parsed);
      else current.rows.push(parsed);
    }
    await close();
    await flush();
    // Once per member at the end: a regular's receipts span many batches.
    await this.use.purchases.refreshMemberStats(actor.merchantId, [...touched], now);
    await this.record(actor, result, now);
    return result;
  }

  /**
   * A static segment's members: each row names a member by customer id,
   * phone, email or card, like an imported purchase. The segment becomes
   * exactly the members the file names (one transaction at the end); rows
   * naming nobody known are reported and left out.
   */
  async importSegmentMembers(actor: ImportActor, segmentId: string, input: Readable, options: ImportOptions, now = new Date()): Promise<ImportResult> {
    const result = emptyResult('segment-members', options.dryRun);
    await this.use.segments.get(actor.merchantId, segmentId);
    const memberIds = new Set<string>();
    let columns: Map<string, number> | null = null;
    let batch: { row: number; ref: ReturnType<typeof customerRef> }[] = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      if (!rows.length) return;
      const matched = await this.use.members.matchCustomers(this.deps.db.manager, actor.merchantId, rows.map((r) => r.ref));
      matched.forEach((m, i) => {
        if ('field' in m) addErrors(result, [{ row: rows[i].row, field: m.field, message: m.message }]);
        else if (m.memberId === null) addErrors(result, [{ row: rows[i].row, field: 'customerId', message: 'names no member: give a customer id, phone, email or card' }]);
        else if (memberIds.has(m.memberId)) result.existing++;
        else {
          memberIds.add(m.memberId);
          result.created++;
        }
      });
    };
    for await (const item of csvRecords(input)) {
      if ('header' in item) {
        columns = resolveColumns(item.header, options.mapping, SEGMENT_MEMBER_FIELDS, []);
        continue;
      }
      result.rows++;
      batch.push({ row: item.row, ref: customerRef(item.record, columns as Map<string, number>) });
      if (batch.length >= IMPORT_BATCH_ROWS) await flush();
    }
    await flush();
    if (!options.dryRun) await this.use.segments.replaceMembers(actor.merchantId, segmentId, memberIds, now);
    await this.record(actor, result, now);
    return result;
  }

  /** Matches a batch's receipts to stores and members and records them; returns each receipt's outcome and the members touched. */
  private async writePurchases(
    tx: EntityManager,
    actor: ImportActor,
    merchantZone: string,
    stores: Map<string, Store>,
    groups: ReceiptGroup[],
    options: PurchaseImportOptions,
    now: Date,
  ): Promise<{ outcomes: ('created' | 'existing' | RowError[])[]; memberIds: string[] }> {
    const customers = await this.use.members.matchCustomers(tx, actor.merchantId, groups.map((g) => g.rows[0].customer));
    const terminals = new Map<string, string>();
    const outcomes: ('created' | 'existing' | RowError[])[] = [];
    const valid: { at: number; purchase: ImportedPurchase }[] = [];
    for (const [i, g] of groups.entries()) {
      const first = g.rows[0];
      const fail = (field: string, message: string) => outcomes.push([{ row: first.row, field, message }]);
      const store = stores.get(first.store.toLowerCase());
      const customer = customers[i];
      if (!store) fail('store', `no store with this code or name: ${first.store}`);
      else if (actor.principal && !canUseStore(actor.principal, store.id)) fail('store', 'not one of your stores');
      else if ('field' in customer) fail(customer.field, customer.message);
      else {
        const occurredAt = first.occurredAt.zoned ? first.occurredAt.wall : fromWall(first.occurredAt.wall, store.timeZone ?? merchantZone);
        const lines = g.rows.flatMap((r) => (r.line ? [r.line] : []));
        const totalMinor = first.totalMinor ?? (lines.length ? lines.reduce((sum, l) => sum + l.amountMinor, 0) : null);
        if (occurredAt.getTime() > now.getTime()) fail('occurredAt', 'in the future: only past purchases are imported');
        else if (totalMinor === null) fail('total', 'a purchase needs a total or lines');
        else {
          if (!terminals.has(store.id)) terminals.set(store.id, (await this.use.terminals.importTerminal(tx, actor.merchantId, store.id, now)).id);
          const purchase = { row: first.row, storeId: store.id, terminalId: terminals.get(store.id) as string, receiptNumber: first.receiptNumber, occurredAt, memberId: customer.memberId, totalMinor, lines };
          valid.push({ at: outcomes.length, purchase });
          outcomes.push('created');
        }
      }
    }
    const written = await this.use.purchases.importHistory(tx, actor.merchantId, valid.map((v) => v.purchase), { awardPoints: options.awardPoints }, now);
    const memberIds: string[] = [];
    written.forEach((status, j) => {
      outcomes[valid[j].at] = status;
      const memberId = valid[j].purchase.memberId;
      if (status === 'created' && memberId) memberIds.push(memberId);
    });
    return { outcomes, memberIds };
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

/** Stores by lower-cased code and name: a file names its store either way. */
function storeIndex(stores: readonly Store[]): Map<string, Store> {
  const index = new Map<string, Store>();
  for (const store of stores) index.set(store.name.toLowerCase(), store);
  // Codes win over names: a code is unique, a name need not be.
  for (const store of stores) index.set(store.code.toLowerCase(), store);
  return index;
}

function emptyResult(kind: ImportResult['kind'], dryRun: boolean): ImportResult {
  return { kind, dryRun, rows: 0, created: 0, existing: 0, failed: 0, errors: [] };
}

/** Counts a refused row once, keeping its problems while there is room. */
function addErrors(result: ImportResult, errors: readonly RowError[]): void {
  result.failed++;
  for (const error of errors) if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push(error);
}
