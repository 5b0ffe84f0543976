import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommitPurchaseRequest } from './api-types';
import type { KeptOfferSet, OfferSet } from './offline-offers';

export type JournalStatus = 'pending' | 'sent' | 'rejected' | 'discarded';

export interface JournalEntry {
  id: number;
  idempotencyKey: string;
  receiptNumber: string;
  body: CommitPurchaseRequest;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  status: JournalStatus;
  lastError: string | null;
  /** The server's answer: the receipt once sent, the error body once rejected. */
  response: unknown;
  /** HTTP status of the answer that settled the entry. */
  responseStatus: number | null;
  settledAt: Date | null;
}

export interface JournalSummary {
  pending: number;
  /** Age of the oldest unsent purchase, for the "offline since" banner. */
  oldestPendingAgeMs: number | null;
  /** Why the head of the queue has not gone through yet. */
  lastError: string | null;
  /** Set aside after a permanent refusal; someone must look at them. */
  rejected: number;
  sent: number;
}

interface Row {
  id: number;
  idempotency_key: string;
  receipt_number: string;
  body: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  status: JournalStatus;
  last_error: string | null;
  response: string | null;
  response_status: number | null;
  settled_at: number | null;
}

const SCHEMA_VERSION = 2;

/**
 * The offline journal: purchases that could not reach the server, kept in a
 * SQLite file until they are sent. WAL with synchronous=FULL means an append
 * has reached the disk when `append` returns, so a crash or power cut right
 * after the cashier saw "saved offline" loses nothing; a crash during the
 * write leaves either the whole entry or none of it. Entries are replayed in
 * id order, which is the order they were taken.
 */
export class OfflineJournal {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): OfflineJournal {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // The bridge and the CLI may open the same file at once; wait for the other writer instead of failing.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new OfflineJournal(db);
  }

  /**
   * Records a purchase to send later. The same idempotency key twice is the
   * same purchase: the existing entry is returned, not a second one.
   */
  append(input: { idempotencyKey: string; body: CommitPurchaseRequest; now: Date }): JournalEntry {
    const row = this.db
      .prepare(
        `INSERT INTO journal (idempotency_key, receipt_number, body, created_at, attempts, next_attempt_at, status)
         VALUES (?, ?, ?, ?, 0, ?, 'pending')
         ON CONFLICT (idempotency_key) DO NOTHING`,
      )
      .run(input.idempotencyKey, input.body.receiptNumber, JSON.stringify(input.body), input.now.getTime(), input.now.getTime());
    const entry = row.changes === 1 ? this.get(Number(row.lastInsertRowid)) : this.byKey(input.idempotencyKey);
    if (!entry) throw new Error('journal entry vanished right after it was written');
    return entry;
  }

  get(id: number): JournalEntry | null {
    const row = this.db.prepare('SELECT * FROM journal WHERE id = ?').get(id) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  byKey(idempotencyKey: string): JournalEntry | null {
    const row = this.db.prepare('SELECT * FROM journal WHERE idempotency_key = ?').get(idempotencyKey) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  /** The oldest unsent entry: replay always starts here so purchases reach the server in the order they were taken. */
  head(): JournalEntry | null {
    const row = this.db.prepare("SELECT * FROM journal WHERE status = 'pending' ORDER BY id LIMIT 1").get() as Row | undefined;
    return row ? toEntry(row) : null;
  }

  list(filter: { status?: JournalStatus; limit?: number } = {}): JournalEntry[] {
    const limit = filter.limit ?? 100;
    const rows = filter.status
      ? this.db.prepare('SELECT * FROM journal WHERE status = ? ORDER BY id LIMIT ?').all(filter.status, limit)
      : this.db.prepare('SELECT * FROM journal ORDER BY id LIMIT ?').all(limit);
    return (rows as Row[]).map(toEntry);
  }

  markSent(id: number, answer: { status: number; body: unknown }, now: Date): void {
    this.settle(id, 'sent', answer, null, now);
  }

  markRejected(id: number, reason: string, answer: { status: number; body: unknown }, now: Date): void {
    this.settle(id, 'rejected', answer, reason, now);
  }

  /** A failed attempt that will be tried again at `nextAttemptAt`. */
  deferred(id: number, reason: string, nextAttemptAt: Date): void {
    this.db
      .prepare("UPDATE journal SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'pending'")
      .run(reason, nextAttemptAt.getTime(), id);
  }

  /** Puts a rejected (or waiting) entry back at the front of its turn, e.g. after the data was fixed on the server. */
  retry(id: number, now: Date): JournalEntry {
    const entry = this.get(id);
    if (!entry) throw new Error(`no journal entry ${id}`);
    if (entry.status === 'sent') throw new Error(`journal entry ${id} was already sent`);
    this.db
      .prepare("UPDATE journal SET status = 'pending', attempts = 0, next_attempt_at = ?, settled_at = NULL WHERE id = ?")
      .run(now.getTime(), id);
    return this.get(id) as JournalEntry;
  }

  /** An operator gives up on an entry; it stays in the file for the record but is never sent. */
  discard(id: number, now: Date): JournalEntry {
    const entry = this.get(id);
    if (!entry) throw new Error(`no journal entry ${id}`);
    if (entry.status === 'sent') throw new Error(`journal entry ${id} was already sent`);
    this.db.prepare("UPDATE journal SET status = 'discarded', settled_at = ? WHERE id = ?").run(now.getTime(), id);
    return this.get(id) as JournalEntry;
  }

  summary(now: Date): JournalSummary {
    const counts = this.db.prepare('SELECT status, COUNT(*) AS n FROM journal GROUP BY status').all() as { status: JournalStatus; n: number }[];
    const count = (s: JournalStatus) => counts.find((c) => c.status === s)?.n ?? 0;
    const head = this.head();
    return {
      pending: count('pending'),
      oldestPendingAgeMs: head ? Math.max(0, now.getTime() - head.createdAt.getTime()) : null,
      lastError: head?.lastError ?? null,
      rejected: count('rejected'),
      sent: count('sent'),
    };
  }

  /** The offer set kept for pricing offline, if the till has fetched one. */
  keptOfferSet(): KeptOfferSet | null {
    const row = this.db.prepare('SELECT version, body, fetched_at FROM offer_set WHERE id = 1').get() as { version: string; body: string; fetched_at: number } | undefined;
    return row ? { version: row.version, fetchedAt: new Date(row.fetched_at), set: JSON.parse(row.body) as OfferSet } : null;
  }

  /** Keeps a new offer set in place of the old one, on disk like the sales, so a till restarted offline still has it. */
  keepOfferSet(kept: KeptOfferSet): void {
    this.db
      .prepare(
        `INSERT INTO offer_set (id, version, body, fetched_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body, fetched_at = excluded.fetched_at`,
      )
      .run(kept.version, JSON.stringify(kept.set), kept.fetchedAt.getTime());
  }

  close(): void {
    this.db.close();
  }

  private settle(id: number, status: 'sent' | 'rejected', answer: { status: number; body: unknown }, reason: string | null, now: Date): void {
    this.db
      .prepare(
        `UPDATE journal SET status = ?, attempts = attempts + 1, last_error = ?, response = ?, response_status = ?, settled_at = ?
         WHERE id = ? AND status = 'pending'`,
      )
      .run(status, reason, JSON.stringify(answer.body ?? null), answer.status, now.getTime(), id);
  }
}

function migrate(db: Database.Database): void {
  // IMMEDIATE takes the write lock first, so a bridge and a CLI opening a new file at once cannot both create it.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`journal file is from a newer plugin (schema ${version}); upgrade tally-pos`);
    if (version === SCHEMA_VERSION) return;
    if (version < 1) createJournal(db);
    // Version 2: the offer set the till prices with offline.
    db.exec('CREATE TABLE offer_set (id INTEGER PRIMARY KEY CHECK (id = 1), version TEXT NOT NULL, body TEXT NOT NULL, fetched_at INTEGER NOT NULL)');
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function createJournal(db: Database.Database): void {
  db.exec(`
      CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT NOT NULL UNIQUE,
        receipt_number TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'rejected', 'discarded')),
        last_error TEXT,
        response TEXT,
        response_status INTEGER,
        settled_at INTEGER
      );
      CREATE INDEX journal_status ON journal (status, id);
    `);
}

function toEntry(row: Row): JournalEntry {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    receiptNumber: row.receipt_number,
    body: JSON.parse(row.body) as CommitPurchaseRequest,
    createdAt: new Date(row.created_at),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    status: row.status,
    lastError: row.last_error,
    response: row.response === null ? null : (JSON.parse(row.response) as unknown),
    responseStatus: row.response_status,
    settledAt: row.settled_at === null ? null : new Date(row.settled_at),
  };
}
