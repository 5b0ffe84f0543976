import { mkdirSync, existsSync } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { extname, basename, join } from 'node:path';
import { OfflineRedemptionError, TallyApiError, TallyUnavailableError } from '../errors';
import { readReceiptFile, ReceiptFileError } from '../receipt-file';
import type { CommitOutcome, TallyTerminal } from '../terminal';

export interface DropFolderOptions {
  /** Folder the POS export writes to; done/ and failed/ are created inside it. */
  inbox: string;
  terminal: TallyTerminal;
  pollMs?: number;
  /** A file must keep the same size and mtime this long before it is read (the POS may still be writing it). */
  stableMs?: number;
  /** Decimals of the currency in CSV prices (2 for GBP, EUR, USD; 0 for JPY). */
  minorDigits?: number;
  onEvent?: (event: DropEvent) => void;
}

export type DropEvent =
  | { kind: 'done'; file: string; receipts: { receiptNumber: string; status: CommitOutcome['status'] }[] }
  | { kind: 'failed'; file: string; reason: string }
  /** The server could not be reached and there is no journal: the file stays and is tried again. */
  | { kind: 'deferred'; file: string; reason: string };

/** Files a writer is still producing by the rename convention: write `x.csv.tmp` (or `.part`), then rename to `x.csv`. */
const IN_PROGRESS = /\.(tmp|part|partial|crdownload)$/i;

/**
 * Watches a folder for receipt files dropped by a POS export. Each settled
 * file is read, checked as a whole, committed receipt by receipt (online or
 * into the offline journal) and moved to done/ — or to failed/ with a
 * `<name>.reason.txt` saying why. Polling rather than fs.watch: it works the
 * same on network shares and never misses a file dropped while stopped.
 */
export class DropFolderWatcher {
  private readonly seen = new Map<string, { size: number; mtimeMs: number; since: number }>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  readonly doneDir: string;
  readonly failedDir: string;
  private readonly pollMs: number;
  private readonly stableMs: number;
  private readonly minorDigits: number;

  constructor(private readonly options: DropFolderOptions) {
    this.doneDir = join(options.inbox, 'done');
    this.failedDir = join(options.inbox, 'failed');
    this.pollMs = options.pollMs ?? 1000;
    this.stableMs = options.stableMs ?? 1000;
    this.minorDigits = options.minorDigits ?? 2;
    for (const dir of [options.inbox, this.doneDir, this.failedDir]) mkdirSync(dir, { recursive: true });
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running = this.poll()
        .then(() => undefined)
        .catch((err: unknown) => this.options.onEvent?.({ kind: 'deferred', file: this.options.inbox, reason: `scan failed: ${(err as Error).message}` }))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the inbox: processes every file that has settled. */
  async poll(now: number = Date.now()): Promise<DropEvent[]> {
    const events: DropEvent[] = [];
    const entries = await readdir(this.options.inbox, { withFileTypes: true });
    const present = new Set<string>();
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isFile() || entry.name.startsWith('.') || IN_PROGRESS.test(entry.name) || entry.name.endsWith('.reason.txt')) continue;
      present.add(entry.name);
      if (!(await this.settled(entry.name, now))) continue;
      // An unexpected failure (permissions, a disk error) leaves the file in place for the next pass and never stops the watcher.
      const event = await this.process(entry.name).catch((err: unknown): DropEvent => ({ kind: 'deferred', file: entry.name, reason: (err as Error).message }));
      this.seen.delete(entry.name);
      events.push(event);
      this.options.onEvent?.(event);
    }
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
    return events;
  }

  private async settled(name: string, now: number): Promise<boolean> {
    let info;
    try {
      info = await stat(join(this.options.inbox, name));
    } catch {
      return false; // gone between readdir and stat (the POS renamed it)
    }
    const last = this.seen.get(name);
    if (!last || last.size !== info.size || last.mtimeMs !== info.mtimeMs) {
      this.seen.set(name, { size: info.size, mtimeMs: info.mtimeMs, since: now });
      return false;
    }
    return now - last.since >= this.stableMs;
  }

  private async process(name: string): Promise<DropEvent> {
    const path = join(this.options.inbox, name);
    let receipts;
    try {
      receipts = readReceiptFile(name, await readFile(path, 'utf8'), { minorDigits: this.minorDigits });
    } catch (err) {
      if (err instanceof ReceiptFileError) return this.fail(name, err.message);
      throw err;
    }
    const done: { receiptNumber: string; status: CommitOutcome['status'] }[] = [];
    const problems: string[] = [];
    for (const r of receipts) {
      try {
        const outcome = await this.options.terminal.commitPurchase({ ...r.body, idempotencyKey: r.idempotencyKey });
        done.push({ receiptNumber: r.body.receiptNumber, status: outcome.status });
      } catch (err) {
        if (err instanceof TallyUnavailableError) return { kind: 'deferred', file: name, reason: err.message };
        if (err instanceof TallyApiError || err instanceof OfflineRedemptionError) problems.push(`receipt ${r.body.receiptNumber}: ${err.message}`);
        else throw err;
      }
    }
    if (problems.length > 0) {
      const recorded = done.length > 0 ? `\nRecorded from this file (dropping it again does not count them twice): ${done.map((d) => d.receiptNumber).join(', ')}` : '';
      return this.fail(name, `${problems.join('\n')}${recorded}`);
    }
    await rename(path, freeName(this.doneDir, name));
    return { kind: 'done', file: name, receipts: done };
  }

  private async fail(name: string, reason: string): Promise<DropEvent> {
    const target = freeName(this.failedDir, name);
    await rename(join(this.options.inbox, name), target);
    await writeFile(`${target}.reason.txt`, `${reason}\n`);
    return { kind: 'failed', file: name, reason };
  }
}

/** done/x.csv, or done/x.2.csv … when the same name was dropped before. */
function freeName(dir: string, name: string): string {
  const ext = extname(name);
  const stem = basename(name, ext);
  let candidate = join(dir, name);
  for (let n = 2; existsSync(candidate); n++) candidate = join(dir, `${stem}.${n}${ext}`);
  return candidate;
}
