import type { ReturnRequest } from '../../pos-plugin/src/api-types';
import { MAX_QUANTITY_MILLI } from '../../src/till/till.schemas';
import { TallyUnavailableError } from '../../pos-plugin/src/errors';
import type { TallyTerminal } from '../../pos-plugin/src/terminal';
import type { SourceInvoice, SourceLine } from './source';

/** What the replay sent and what the source held, in pence. */
export interface Tally {
  requests: number;
  members: number;
  receipts: number;
  anonymousReceipts: number;
  /** Sales receipts journalled instead of recorded at once (their returns cannot be matched). */
  queuedReceipts: number;
  salesMinor: number;
  returns: number;
  returnMinor: number;
  returnLinesMatched: number;
  returnLinesUnmatched: number;
  unmatchedReturnMinor: number;
  adjustments: number;
  skippedLines: number;
  skippedMinor: number;
  unpriceableLines: number;
  /** Σ quantity × price over every sale and return line that has an exact price. */
  sourceNetMinor: number;
}

interface OpenLine {
  purchaseId: string;
  lineNo: number;
  unitPriceMinor: number;
  /** Whole units not yet returned. */
  remaining: number;
}

const MAX_LINES = 500;

/**
 * Replays invoices through the SDK with bounded concurrency. Invoices of one
 * customer run strictly in order (enrolment before the first sale, a return
 * after the sale it returns); different customers and anonymous sales overlap.
 */
export class Replayer {
  private readonly t: Tally = {
    requests: 0,
    members: 0,
    receipts: 0,
    anonymousReceipts: 0,
    queuedReceipts: 0,
    salesMinor: 0,
    returns: 0,
    returnMinor: 0,
    returnLinesMatched: 0,
    returnLinesUnmatched: 0,
    unmatchedReturnMinor: 0,
    adjustments: 0,
    skippedLines: 0,
    skippedMinor: 0,
    unpriceableLines: 0,
    sourceNetMinor: 0,
  };
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly memberOf = new Map<string, string>();
  /** customer → stock code → lines bought, oldest first. */
  private readonly bought = new Map<string, Map<string, OpenLine[]>>();
  private readonly receiptNumbers = new Set<string>();
  private failure: unknown = null;

  constructor(
    private readonly till: TallyTerminal,
    private readonly concurrency: number,
  ) {}

  async submit(invoice: SourceInvoice): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    const key = invoice.customerId ?? `anonymous:${invoice.invoiceNo}`;
    const task: Promise<void> = (this.chains.get(key) ?? Promise.resolve()).then(() => this.process(invoice));
    this.chains.set(key, task);
    const tracked: Promise<void> = task
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.inFlight.delete(tracked);
        if (this.chains.get(key) === task) this.chains.delete(key);
      });
    this.inFlight.add(tracked);
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
  }

  totals(): Tally {
    return { ...this.t };
  }

  private async process(invoice: SourceInvoice): Promise<void> {
    if (invoice.kind === 'adjustment') {
      this.t.adjustments++;
      return;
    }
    for (const line of invoice.lines) if (line.unitPriceMinor !== null) this.t.sourceNetMinor += line.quantity * line.unitPriceMinor;
    if (invoice.kind === 'return') return this.returnInvoice(invoice);
    return this.sale(invoice);
  }

  private async sale(invoice: SourceInvoice): Promise<void> {
    const sellable: (SourceLine & { unitPriceMinor: number })[] = [];
    for (const line of invoice.lines) {
      if (line.unitPriceMinor === null) this.t.unpriceableLines++;
      else if (line.quantity <= 0) {
        this.t.skippedLines++;
        this.t.skippedMinor += line.quantity * line.unitPriceMinor;
      } else {
        // The till API takes at most 10 000 units on a line; a bigger wholesale line becomes several.
        const maxUnits = MAX_QUANTITY_MILLI / 1000;
        for (let left = line.quantity; left > 0; left -= maxUnits) sellable.push({ ...line, unitPriceMinor: line.unitPriceMinor, quantity: Math.min(left, maxUnits) });
      }
    }
    if (sellable.length === 0) return;
    const memberId = invoice.customerId ? await this.member(invoice.customerId) : undefined;
    for (let part = 0; part * MAX_LINES < sellable.length; part++) {
      const lines = sellable.slice(part * MAX_LINES, (part + 1) * MAX_LINES);
      const receiptNumber = this.receiptNumber(part === 0 ? invoice.invoiceNo : `${invoice.invoiceNo}-${part + 1}`);
      this.t.requests++;
      const outcome = await this.till.commitPurchase({
        receiptNumber,
        ...(memberId ? { memberId } : {}),
        lines: lines.map((l) => ({ sku: l.stockCode, ...(l.description ? { description: l.description.slice(0, 200) } : {}), quantity: l.quantity * 1000, unitPriceMinor: l.unitPriceMinor })),
      });
      this.t.receipts++;
      if (!memberId) this.t.anonymousReceipts++;
      this.t.salesMinor += lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
      if (outcome.status === 'queued') {
        this.t.queuedReceipts++;
        continue;
      }
      if (!invoice.customerId) continue;
      const byCode = this.bought.get(invoice.customerId) ?? new Map<string, OpenLine[]>();
      this.bought.set(invoice.customerId, byCode);
      for (const pl of outcome.receipt.purchase.lines) {
        const open = byCode.get(pl.sku) ?? [];
        open.push({ purchaseId: outcome.receipt.purchase.id, lineNo: pl.lineNo, unitPriceMinor: pl.unitPriceMinor, remaining: pl.quantity / 1000 });
        byCode.set(pl.sku, open);
      }
    }
  }

  /** A "C" invoice: each line is matched to the customer's latest earlier sale lines with that code and price that have enough left. */
  private async returnInvoice(invoice: SourceInvoice): Promise<void> {
    const byPurchase = new Map<string, Map<number, number>>();
    const byCode = invoice.customerId ? this.bought.get(invoice.customerId) : undefined;
    let matchedMinor = 0;
    for (const line of invoice.lines) {
      const units = -line.quantity;
      const price = line.unitPriceMinor;
      // Latest sales first; a large return may take from several lines (a wholesale line split at 10 000 units).
      const candidates = price !== null && units > 0 ? [...(byCode?.get(line.stockCode) ?? [])].reverse().filter((c) => c.unitPriceMinor === price && c.remaining > 0) : [];
      if (price === null || candidates.reduce((sum, c) => sum + c.remaining, 0) < units) {
        this.t.returnLinesUnmatched++;
        if (price !== null) this.t.unmatchedReturnMinor += units * price;
        continue;
      }
      let left = units;
      for (const c of candidates) {
        if (left === 0) break;
        const take = Math.min(left, c.remaining);
        c.remaining -= take;
        left -= take;
        const lines = byPurchase.get(c.purchaseId) ?? new Map<number, number>();
        lines.set(c.lineNo, (lines.get(c.lineNo) ?? 0) + take * 1000);
        byPurchase.set(c.purchaseId, lines);
      }
      matchedMinor += units * price;
      this.t.returnLinesMatched++;
    }
    let n = 0;
    for (const [purchaseId, lines] of byPurchase) {
      const request: ReturnRequest = { lines: [...lines].map(([lineNo, quantity]) => ({ lineNo, quantity })), reason: `invoice ${invoice.invoiceNo}` };
      this.t.requests++;
      await this.till.returnPurchase(purchaseId, request, `replay-${invoice.invoiceNo}-${++n}`);
      this.t.returns++;
    }
    this.t.returnMinor += matchedMinor;
  }

  private async member(customerId: string): Promise<string> {
    const known = this.memberOf.get(customerId);
    if (known) return known;
    // Customer ids are five digits: each gets a valid UK mobile number of its own, so a lost answer can be looked up.
    const phone = `+4479111${customerId.padStart(5, '0')}`;
    let memberId: string;
    try {
      this.t.requests++;
      memberId = (await this.till.enrolMember({ firstName: 'Customer', lastName: customerId, phone, consents: {} })).member.id;
    } catch (err) {
      // Enrolment carries no idempotency key: if the connection dropped, the member may exist already.
      if (!(err instanceof TallyUnavailableError)) throw err;
      this.t.requests++;
      memberId = await this.till.lookupPhone(phone).then(
        (found) => found.member.id,
        async () => (await this.till.enrolMember({ firstName: 'Customer', lastName: customerId, phone, consents: {} })).member.id,
      );
    }
    this.memberOf.set(customerId, memberId);
    this.t.members++;
    return memberId;
  }

  /** One invoice number appears in two separate runs of rows in the file; the second gets a suffix. */
  private receiptNumber(wanted: string): string {
    let candidate = wanted;
    for (let n = 2; this.receiptNumbers.has(candidate); n++) candidate = `${wanted}-r${n}`;
    this.receiptNumbers.add(candidate);
    return candidate;
  }
}
