import type { ApiErrorBody, CommitPurchaseRequest } from './api-types';
import { TallyApiError, TallyUnavailableError } from './errors';
import type { HttpAnswer } from './http';
import type { JournalEntry, OfflineJournal } from './journal';

export interface ReplayReport {
  sent: number;
  rejected: number;
  /** Still waiting after this run. */
  pending: number;
  /** When the head entry will be tried next, if the run stopped on a failure. */
  waitingUntil: Date | null;
  lastError: string | null;
}

export interface ReplayDeps {
  send(body: CommitPurchaseRequest, idempotencyKey: string): Promise<HttpAnswer>;
  now(): Date;
  /** Send the head entry even if its backoff has not elapsed (an operator pressed "retry now"). */
  ignoreBackoff: boolean;
  random?: () => number;
}

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 5 * 60_000;

/** Exponential backoff with jitter (between half and all of the step), so tills coming back together do not stampede the server. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempts, 20));
  return Math.round(step * (0.5 + random() / 2));
}

export type Verdict = { kind: 'sent' } | { kind: 'retry'; reason: string } | { kind: 'rejected'; reason: string };

/**
 * How the journal treats an answer to a replayed purchase. 2xx is done (a
 * replay of an already recorded sale gets the stored receipt back, so it is
 * counted once). 5xx, 408 and 429 are temporary. Any other 4xx is a
 * permanent refusal: set aside with the reason, never sent again by itself.
 */
export function judge(answer: HttpAnswer): Verdict {
  if (answer.status >= 200 && answer.status < 300) return { kind: 'sent' };
  const error = (answer.body as Partial<ApiErrorBody> | null)?.error;
  const reason = error ? `${answer.status} ${error.code}: ${error.message}` : `HTTP ${answer.status}`;
  if (answer.status >= 500 || answer.status === 408 || answer.status === 429) return { kind: 'retry', reason };
  return { kind: 'rejected', reason };
}

/**
 * Sends journalled purchases oldest first. It stops at the first temporary
 * failure rather than skipping ahead, so the server always sees the sales in
 * the order they were taken; the head then waits for its backoff.
 */
export async function replayJournal(journal: OfflineJournal, deps: ReplayDeps): Promise<ReplayReport> {
  const report: ReplayReport = { sent: 0, rejected: 0, pending: 0, waitingUntil: null, lastError: null };
  const random = deps.random ?? Math.random;
  let ignoreBackoff = deps.ignoreBackoff;
  for (let head = journal.head(); head; head = journal.head()) {
    if (!ignoreBackoff && head.nextAttemptAt.getTime() > deps.now().getTime()) {
      report.waitingUntil = head.nextAttemptAt;
      break;
    }
    ignoreBackoff = false;
    const verdict = await attempt(head, deps);
    if (verdict.kind === 'retry') {
      const next = new Date(deps.now().getTime() + backoffMs(head.attempts, random));
      journal.deferred(head.id, verdict.reason, next);
      report.waitingUntil = next;
      report.lastError = verdict.reason;
      break;
    }
    if (verdict.kind === 'sent') {
      journal.markSent(head.id, verdict.answer, deps.now());
      report.sent++;
    } else {
      journal.markRejected(head.id, verdict.reason, verdict.answer, deps.now());
      report.rejected++;
      report.lastError = verdict.reason;
    }
  }
  report.pending = journal.summary(deps.now()).pending;
  return report;
}

type Attempt = { kind: 'sent'; answer: HttpAnswer } | { kind: 'rejected'; reason: string; answer: HttpAnswer } | { kind: 'retry'; reason: string };

async function attempt(entry: JournalEntry, deps: ReplayDeps): Promise<Attempt> {
  try {
    const answer = await deps.send(entry.body, entry.idempotencyKey);
    const verdict = judge(answer);
    return verdict.kind === 'retry' ? verdict : { ...verdict, answer };
  } catch (err) {
    // Unreachable server, or the terminal could not sign in (key revoked): neither is the sale's fault, so it waits.
    if (err instanceof TallyUnavailableError || err instanceof TallyApiError) return { kind: 'retry', reason: err.message };
    throw err;
  }
}
