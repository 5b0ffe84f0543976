import { randomUUID } from 'node:crypto';
import type {
  ApiErrorBody,
  BasketEvaluation,
  CommitPurchaseRequest,
  EnrolMemberRequest,
  EnrolledMember,
  EvaluateBasketRequest,
  MemberSummary,
  PurchaseReceipt,
  ReturnReceipt,
  ReturnRequest,
  TerminalTokenResponse,
  TillOfferSet,
  VoidReceipt,
  VoidRequest,
} from './api-types';
import { IdempotencyKeySchema } from './api-types';
import { checkCardCode } from './card-code';
import { InvalidCardCodeError, OfflineOfferRefusedError, OfflineRedemptionError, TallyApiError, TallyUnavailableError } from './errors';
import { priceOffline, type KeptOfferSet, type OfflineOffers } from './offline-offers';
import { httpCall, type HttpAnswer } from './http';
import type { JournalSummary, OfflineJournal } from './journal';
import { replayJournal, type ReplayReport } from './replay';
import { validatePurchase } from './validate';

export interface TallyTerminalOptions {
  /** e.g. https://tally.example.com (no trailing /v1). */
  serverUrl: string;
  /** The terminal's API key from the back office (Stores → Terminals). */
  apiKey: string;
  /** Where purchases wait while the server is unreachable. Without it an outage is an error. */
  journal?: OfflineJournal;
  /** Connect + response budget per request. The cashier must not wait, so keep it short. */
  timeoutMs?: number;
  /** The till's clock (tests set it). */
  clock?: () => Date;
  /**
   * Correct the till clock by the server's Date header when they differ by
   * more than this, so occurredAt is right even on a till whose clock drifts.
   */
  clockSkewToleranceMs?: number;
}

export type CommitPurchaseInput = Omit<CommitPurchaseRequest, 'occurredAt' | 'offline'> & {
  /** Defaults to now by the (corrected) till clock. */
  occurredAt?: string;
  /** Supply one to retry a sale the POS already tried; otherwise the SDK makes one. */
  idempotencyKey?: string;
};

export type CommitOutcome =
  | { status: 'recorded'; idempotencyKey: string; receipt: PurchaseReceipt }
  /**
   * Saved in the offline journal; the points will appear when it is replayed.
   * `offers`: the offers priced offline with the kept offer set (print them:
   * the server records them as printed); null when the till has no offer set yet.
   */
  | { status: 'queued'; idempotencyKey: string; journalId: number; occurredAt: string; offers: OfflineOffers | null };

/** Refresh this long before the token runs out, so a sale never meets an expired token. */
const REFRESH_MARGIN_MS = 60_000;
/** With auto-replay on, a sale queued behind a backlog retries the journal at most this often, whatever the backoff. */
const PROBE_EVERY_MS = 5000;
/** With auto-replay on, the offer set is checked for a new version this often. */
const OFFERS_EVERY_MS = 60_000;
/** Members whose tier the till remembers from their last scan, for offers offline. */
const REMEMBERED_MEMBERS = 1000;

/**
 * A till's connection to Tally. One instance per terminal; it signs in with
 * the API key on first use, refreshes the token before it expires (and once on
 * a 401), and keeps purchases in the offline journal when the server does not
 * answer in time.
 */
export class TallyTerminal {
  private token: { value: string; expiresAt: number } | null = null;
  private signingIn: Promise<string> | null = null;
  private skewMs = 0;
  /** Whether any server answer has told us the server's time yet. */
  private clockChecked = false;
  private replaying: Promise<ReplayReport> | null = null;
  private replayTimer: NodeJS.Timeout | null = null;
  private lastProbeAt = 0;
  private lastOffersAt = 0;
  private kept: KeptOfferSet | null | undefined = undefined;
  /** Tier codes of scanned members by `card:<code>` and `member:<id>`, oldest first. */
  private readonly tiers = new Map<string, string | null>();
  /** Who Tally says this till is; known after the first sign-in. */
  terminalInfo: TerminalTokenResponse['terminal'] | null = null;

  readonly serverUrl: string;
  readonly timeoutMs: number;
  private readonly clock: () => Date;
  private readonly skewTolerance: number;

  constructor(private readonly options: TallyTerminalOptions) {
    this.serverUrl = options.serverUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 2500;
    this.clock = options.clock ?? (() => new Date());
    this.skewTolerance = options.clockSkewToleranceMs ?? 5000;
  }

  get journal(): OfflineJournal | undefined {
    return this.options.journal;
  }

  /** The till clock corrected by what the server last said the time was. */
  now(): Date {
    return new Date(this.clock().getTime() + this.skewMs);
  }

  /** Signs in now (the SDK also does it on first use); useful to check the key at start-up. */
  async signIn(): Promise<TerminalTokenResponse['terminal']> {
    this.token = null;
    await this.accessToken();
    return this.terminalInfo as TerminalTokenResponse['terminal'];
  }

  // ---- lookups ----

  /** A scanned card (EAN-13 digits or QR payload). Bad check digits fail here, without a server call. */
  async lookupCard(code: string): Promise<MemberSummary> {
    const check = checkCardCode(code);
    if (!check.ok) throw new InvalidCardCodeError(code, check.reason);
    return this.remember(await this.read<MemberSummary>(`/v1/pos/cards/${encodeURIComponent(code)}`), code);
  }

  async lookupPhone(phone: string): Promise<MemberSummary> {
    return this.remember(await this.read<MemberSummary>(`/v1/pos/members?phone=${encodeURIComponent(phone)}`));
  }

  async lookupMemberNumber(memberNumber: string): Promise<MemberSummary> {
    return this.remember(await this.read<MemberSummary>(`/v1/pos/members?number=${encodeURIComponent(memberNumber)}`));
  }

  // ---- offers offline ----

  /**
   * Fetches the offer set when its version changed (`GET /v1/pos/offers?since=`)
   * and keeps it in the journal file, so a till restarted offline still has
   * it. Auto-replay calls this every minute; a POS may call it at start-up.
   */
  async refreshOffers(): Promise<{ version: string; changed: boolean }> {
    const since = this.keptOffers()?.version;
    const answer = await this.read<TillOfferSet>(`/v1/pos/offers${since ? `?since=${encodeURIComponent(since)}` : ''}`);
    this.lastOffersAt = this.clock().getTime();
    if (answer.changed && answer.offerSet) {
      this.kept = { version: answer.version, fetchedAt: this.clock(), set: answer.offerSet };
      this.options.journal?.keepOfferSet(this.kept);
    }
    return { version: answer.version, changed: answer.changed };
  }

  /** The offer set the till prices with offline, if it has fetched one. */
  keptOffers(): KeptOfferSet | null {
    if (this.kept === undefined) this.kept = this.options.journal?.keptOfferSet() ?? null;
    return this.kept;
  }

  /**
   * Prices a basket's offers as the server would, without the server: for the
   * POS screen while Tally is unreachable. Null when the till has no offer set
   * yet. Throws OfflineOfferRefusedError for a chosen offer only the server can
   * apply (limits, budget, single-use code).
   */
  priceOffline(basket: Pick<EvaluateBasketRequest, 'lines' | 'offerIds' | 'codes' | 'memberId' | 'cardCode' | 'occurredAt'>): OfflineOffers | null {
    const kept = this.keptOffers();
    if (!kept) return null;
    const known = basket.cardCode !== undefined ? this.tiers.get(`card:${basket.cardCode}`) : basket.memberId !== undefined ? this.tiers.get(`member:${basket.memberId}`) : undefined;
    const member = basket.cardCode !== undefined || basket.memberId !== undefined ? { tierCode: known ?? null, segmentIds: [], isFirstPurchase: false } : null;
    return priceOffline(kept, basket, { now: basket.occurredAt ? new Date(basket.occurredAt) : this.now(), member });
  }

  evaluateBasket(basket: EvaluateBasketRequest): Promise<BasketEvaluation> {
    return this.write<BasketEvaluation>('/v1/pos/baskets/evaluate', basket);
  }

  enrolMember(input: EnrolMemberRequest): Promise<EnrolledMember> {
    return this.write<EnrolledMember>('/v1/pos/members', input);
  }

  // ---- purchases ----

  /**
   * Records a sale. The idempotency key is fixed before the first attempt and
   * reused by every retry and by the journal, so a sale whose answer was lost
   * is never counted twice. When the server cannot be reached in time, an
   * earn-only sale is journalled ('queued'); a sale paying with points throws
   * OfflineRedemptionError.
   */
  async commitPurchase(input: CommitPurchaseInput): Promise<CommitOutcome> {
    const { idempotencyKey = newIdempotencyKey(), ...rest } = input;
    checkIdempotencyKey(idempotencyKey);
    // A fresh SDK learns the server's clock from its sign-in first, so even the first sale of the day gets a corrected time.
    const offline = rest.occurredAt === undefined && !this.clockChecked ? await this.accessToken(idempotencyKey).then(() => null, onlyUnavailable) : null;
    // Checked locally: a sale the server would refuse in form must fail now, not sit in the journal.
    const body = validatePurchase({ ...rest, occurredAt: rest.occurredAt ?? this.now().toISOString() });
    const redeems = (body.redeemPoints ?? 0) > 0;
    const journal = this.options.journal;
    // While older sales wait in the journal, newer earn-only ones queue behind them so the server sees them in order.
    if (journal && !redeems && journal.head()) return this.enqueue(journal, idempotencyKey, body);
    try {
      if (offline) throw offline;
      const answer = await this.send('POST', '/v1/pos/purchases', body, idempotencyKey);
      if (isSuccess(answer)) return { status: 'recorded', idempotencyKey, receipt: answer.body as PurchaseReceipt };
      if (!isTransient(answer.status)) throw apiError(answer);
      throw new TallyUnavailableError(`Tally server answered ${answer.status}`, idempotencyKey);
    } catch (err) {
      if (!(err instanceof TallyUnavailableError)) throw err;
      if (redeems) throw new OfflineRedemptionError(idempotencyKey);
      if (!journal) throw err;
      return this.enqueue(journal, idempotencyKey, body);
    }
  }

  /** Returns lines (or an amount) of a recorded purchase. Online only: the refund depends on the server's record. */
  returnPurchase(purchaseId: string, request: ReturnRequest, idempotencyKey = newIdempotencyKey()): Promise<ReturnReceipt> {
    return this.write<ReturnReceipt>(`/v1/pos/purchases/${encodeURIComponent(purchaseId)}/returns`, request, idempotencyKey);
  }

  voidPurchase(purchaseId: string, request: VoidRequest = {}, idempotencyKey = newIdempotencyKey()): Promise<VoidReceipt> {
    return this.write<VoidReceipt>(`/v1/pos/purchases/${encodeURIComponent(purchaseId)}/void`, request, idempotencyKey);
  }

  // ---- journal ----

  journalStatus(): JournalSummary | null {
    return this.options.journal?.summary(this.clock()) ?? null;
  }

  /**
   * Sends journalled purchases, oldest first, until the journal is empty or
   * the server fails again (then the head waits for its backoff). Concurrent
   * calls share one run.
   */
  replayJournal(options: { ignoreBackoff?: boolean } = {}): Promise<ReplayReport> {
    const journal = this.options.journal;
    if (!journal) return Promise.resolve({ sent: 0, rejected: 0, pending: 0, waitingUntil: null, lastError: null });
    this.replaying ??= replayJournal(journal, {
      send: (body, key) => this.send('POST', '/v1/pos/purchases', body, key),
      now: () => this.clock(),
      ignoreBackoff: options.ignoreBackoff ?? false,
    }).finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  /** Replays in the background every `intervalMs` (respecting backoff), and probes at most every 5 s while new sales queue up. */
  startAutoReplay(intervalMs = 5000): void {
    if (this.replayTimer) return;
    const tick = () => {
      const offersDue = this.clock().getTime() - this.lastOffersAt >= OFFERS_EVERY_MS;
      this.replayJournal()
        .then(() => (offersDue ? this.refreshOffers() : undefined))
        .catch(() => undefined)
        .finally(() => {
          if (this.replayTimer) this.replayTimer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.replayTimer = setTimeout(tick, intervalMs).unref();
  }

  /** Stops the background replay and waits for a run in progress. */
  async stopAutoReplay(): Promise<void> {
    if (this.replayTimer) clearTimeout(this.replayTimer);
    this.replayTimer = null;
    await this.replaying?.catch(() => undefined);
  }

  // ---- transport ----

  /** Journals a sale priced offline: the journal stores the offers applied with it, which the server records as printed. */
  private enqueue(journal: OfflineJournal, idempotencyKey: string, body: CommitPurchaseRequest): CommitOutcome {
    const offers = this.priceOffline(body);
    // Without a kept set no code can be checked; with one, the codes' offers are among the applied offers the journal sends instead.
    if (!offers && body.codes?.length) throw new OfflineOfferRefusedError(body.codes.map((code) => ({ offerId: '', code, reason: 'UNKNOWN' })));
    const { codes: _codes, ...rest } = body;
    const priced: CommitPurchaseRequest = offers ? { ...rest, offline: { offerSetVersion: offers.offerSetVersion, appliedOffers: offers.appliedOffers } } : rest;
    const entry = journal.append({ idempotencyKey, body: priced, now: this.clock() });
    // A new sale is a natural moment to probe the server: without it a backlog could wait out a long backoff after the server is back.
    if (this.replayTimer && Date.now() - this.lastProbeAt >= PROBE_EVERY_MS) {
      this.lastProbeAt = Date.now();
      void this.replayJournal({ ignoreBackoff: true }).catch(() => undefined);
    }
    return { status: 'queued', idempotencyKey, journalId: entry.id, occurredAt: entry.body.occurredAt, offers };
  }

  private remember(summary: MemberSummary, cardCode?: string): MemberSummary {
    for (const key of [`member:${summary.member.id}`, ...(cardCode ? [`card:${cardCode}`] : [])]) {
      this.tiers.delete(key);
      this.tiers.set(key, summary.tier?.code ?? null);
    }
    while (this.tiers.size > REMEMBERED_MEMBERS) this.tiers.delete(this.tiers.keys().next().value as string);
    return summary;
  }

  private async read<T>(path: string): Promise<T> {
    const answer = await this.send('GET', path);
    if (isSuccess(answer)) return answer.body as T;
    throw isTransient(answer.status) ? new TallyUnavailableError(`Tally server answered ${answer.status}`) : apiError(answer);
  }

  private async write<T>(path: string, body: unknown, idempotencyKey?: string): Promise<T> {
    const answer = await this.send('POST', path, body, idempotencyKey);
    if (isSuccess(answer)) return answer.body as T;
    throw isTransient(answer.status) ? new TallyUnavailableError(`Tally server answered ${answer.status}`, idempotencyKey) : apiError(answer);
  }

  /**
   * An authenticated call; on a 401 the token is renewed once and the same
   * request (same key) sent again. A connection dropped before any answer is
   * tried once more when repeating is harmless: reads, evaluate, and writes
   * that carry an idempotency key (enrolment has none, so it is not repeated).
   */
  private async send(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<HttpAnswer> {
    const repeatable = method === 'GET' || idempotencyKey !== undefined || path === '/v1/pos/baskets/evaluate';
    let renewed = false;
    let reconnected = false;
    for (;;) {
      const token = await this.accessToken(idempotencyKey);
      let answer: HttpAnswer;
      try {
        answer = await this.call(method, path, body, idempotencyKey, token);
      } catch (err) {
        if (err instanceof TallyUnavailableError && err.connectionLost && repeatable && !reconnected) {
          reconnected = true;
          continue;
        }
        throw err;
      }
      if (answer.status !== 401 || renewed) return answer;
      renewed = true;
      this.token = null;
    }
  }

  private async call(method: 'GET' | 'POST', path: string, body: unknown, idempotencyKey: string | undefined, token: string | null): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const sentAt = this.clock().getTime();
    const answer = await httpCall({ method, url: `${this.serverUrl}${path}`, headers, body, timeoutMs: this.timeoutMs, idempotencyKey });
    if (answer.serverDate && !Number.isNaN(answer.serverDate.getTime())) {
      // The Date header has whole seconds; half the round trip plus rounding is noise, hence the tolerance.
      const midpoint = (sentAt + this.clock().getTime()) / 2;
      const skew = answer.serverDate.getTime() + 500 - midpoint;
      this.skewMs = Math.abs(skew) > this.skewTolerance ? Math.round(skew) : 0;
      this.clockChecked = true;
    }
    return answer;
  }

  private accessToken(idempotencyKey?: string): Promise<string> {
    if (this.token && this.token.expiresAt - REFRESH_MARGIN_MS > this.clock().getTime()) return Promise.resolve(this.token.value);
    this.signingIn ??= this.fetchToken(idempotencyKey).finally(() => {
      this.signingIn = null;
    });
    return this.signingIn;
  }

  private async fetchToken(idempotencyKey?: string): Promise<string> {
    const answer = await this.call('POST', '/v1/auth/terminal-token', { apiKey: this.options.apiKey }, undefined, null);
    if (!isSuccess(answer)) {
      if (isTransient(answer.status)) throw new TallyUnavailableError(`Tally sign-in answered ${answer.status}`, idempotencyKey);
      throw apiError(answer);
    }
    const granted = answer.body as TerminalTokenResponse;
    this.terminalInfo = granted.terminal;
    this.token = { value: granted.accessToken, expiresAt: this.clock().getTime() + granted.expiresIn * 1000 };
    return granted.accessToken;
  }
}

/** Idempotency keys: letters, digits and . _ : - (the server's rule), unique per sale. */
export function newIdempotencyKey(): string {
  return `pos-${randomUUID()}`;
}

/** The server's rule for keys, checked before a sale is journalled under one. */
function checkIdempotencyKey(key: string): void {
  if (!IdempotencyKeySchema.safeParse(key).success) {
    throw new TallyApiError(400, 'VALIDATION_FAILED', 'Idempotency-Key must be 8–128 letters, digits and . _ : -', [{ path: 'headers.idempotency-key', message: 'invalid' }]);
  }
}

function onlyUnavailable(err: unknown): TallyUnavailableError {
  if (err instanceof TallyUnavailableError) return err;
  throw err;
}

function isSuccess(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** Worth trying again later: the server or something in front of it is unwell, or asked us to slow down. */
export function isTransient(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function apiError(answer: HttpAnswer): TallyApiError {
  const error = (answer.body as Partial<ApiErrorBody> | null)?.error;
  if (error && typeof error.code === 'string') {
    return new TallyApiError(answer.status, error.code, error.message, error.details, error.requestId);
  }
  return new TallyApiError(answer.status, `HTTP_${answer.status}`, typeof answer.body === 'string' ? answer.body : `Tally answered ${answer.status}`);
}
