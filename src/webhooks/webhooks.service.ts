import { randomBytes } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import { newId } from '../db/ids';
import type { Deps } from '../deps';
import { EVENT_TYPES, type DomainEvent } from '../events/event-types';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import { enqueueInTransaction } from '../jobs/outbox';
import { retryDelayMs, signatureOf, urlProblem } from './signature';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import type { CreateSubscriptionBody, DeliveryOut, DeliveryQuery, SubscriptionOut, UpdateSubscriptionBody } from './webhooks.schemas';

export const DELIVER_WEBHOOK_JOB = 'webhooks.deliver';
/** Enough for a chain's integrations; more is more likely a mistake (or abuse) than a need. */
export const MAX_SUBSCRIPTIONS = 20;
const TIMEOUT_MS = 10_000;
/** How long finished deliveries stay in the log. */
export const DELIVERY_LOG_DAYS = 30;
/** The type of a test delivery: not a domain event, never retried, never counted as a failure. */
export const TEST_EVENT_TYPE = 'webhook.test';

interface Attempt {
  ok: boolean;
  responseCode: number | null;
  error: string | null;
}

/**
 * Merchants' webhook subscriptions and their deliveries. Every event a
 * subscription lists becomes a delivery row (unique per subscription and
 * event) and a job; the job POSTs the event signed with the subscription's
 * secret, retries with exponential backoff through the outbox, and after
 * `disableAfter` deliveries in a row that failed every try disables the
 * subscription until its owner enables it again.
 */
export class WebhooksService {
  constructor(private readonly deps: Deps) {}

  // ---- subscriptions (owners and managers) ----

  async create(principal: Principal, input: CreateSubscriptionBody, now = new Date()): Promise<SubscriptionOut & { secret: string }> {
    const merchantId = principal.merchantId;
    this.checkUrl(input.url);
    const subscription: WebhookSubscription = {
      id: newId(now.getTime()),
      merchantId,
      url: input.url,
      description: input.description ?? null,
      events: unique(input.events),
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.db.transaction(async (tx) => {
      if ((await tx.countBy(WebhookSubscription, { merchantId })) >= MAX_SUBSCRIPTIONS) {
        throw new AppError('CONFLICT', `A merchant has at most ${MAX_SUBSCRIPTIONS} webhook subscriptions`, { limit: MAX_SUBSCRIPTIONS });
      }
      await tx.insert(WebhookSubscription, subscription);
      await audit(tx, merchantId, principal, { action: 'webhook.create', entity: 'webhook_subscription', entityId: subscription.id, data: { url: subscription.url, events: subscription.events } }, now);
    });
    return { ...subscriptionView(subscription), secret: subscription.secret };
  }

  async list(principal: Principal): Promise<SubscriptionOut[]> {
    const rows = await this.deps.db.manager.find(WebhookSubscription, { where: { merchantId: principal.merchantId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(subscriptionView);
  }

  async get(principal: Principal, id: string): Promise<SubscriptionOut> {
    return subscriptionView(await this.find(this.deps.db.manager, principal.merchantId, id));
  }

  async update(principal: Principal, id: string, patch: UpdateSubscriptionBody, now = new Date()): Promise<SubscriptionOut> {
    if (patch.url !== undefined) this.checkUrl(patch.url);
    return this.deps.db.transaction(async (tx) => {
      const current = await this.find(tx, principal.merchantId, id);
      const next: WebhookSubscription = {
        ...current,
        url: patch.url ?? current.url,
        events: patch.events ? unique(patch.events) : current.events,
        description: patch.description !== undefined ? patch.description : current.description,
        updatedAt: now,
      };
      if (patch.enabled === true) Object.assign(next, { enabled: true, disabledReason: null, consecutiveFailures: 0 });
      if (patch.enabled === false && current.enabled) Object.assign(next, { enabled: false, disabledReason: 'disabled by staff' });
      const { id: _id, merchantId: _merchant, secret: _secret, createdAt: _created, ...changes } = next;
      await tx.update(WebhookSubscription, { id, merchantId: principal.merchantId }, changes);
      await audit(tx, principal.merchantId, principal, { action: 'webhook.update', entity: 'webhook_subscription', entityId: id, data: { fields: Object.keys(patch) } }, now);
      return subscriptionView(next);
    });
  }

  /** Deletes the subscription and its delivery log; deliveries still queued find nothing and stop. */
  async remove(principal: Principal, id: string, now = new Date()): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await this.find(tx, principal.merchantId, id);
      await tx.delete(WebhookDelivery, { merchantId: principal.merchantId, subscriptionId: id });
      await tx.delete(WebhookSubscription, { id, merchantId: principal.merchantId });
      await audit(tx, principal.merchantId, principal, { action: 'webhook.delete', entity: 'webhook_subscription', entityId: id }, now);
    });
  }

  /** The delivery log of one subscription, newest first. */
  async deliveries(principal: Principal, id: string, query: DeliveryQuery): Promise<DeliveryOut[]> {
    await this.find(this.deps.db.manager, principal.merchantId, id);
    const qb = this.deps.db.manager
      .createQueryBuilder(WebhookDelivery, 'd')
      .where('d.merchant_id = :merchantId AND d.subscription_id = :id', { merchantId: principal.merchantId, id })
      .orderBy('d.id', 'DESC')
      .take(query.limit);
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    // Ids are UUIDv7: ordered by creation, so the last id of a page is the cursor.
    if (query.before) qb.andWhere('d.id < :before', { before: query.before });
    return (await qb.getMany()).map(deliveryView);
  }

  /** Sends a `webhook.test` event now and answers with the outcome (logged like any delivery, never retried). */
  async testSend(principal: Principal, id: string, now = new Date()): Promise<DeliveryOut> {
    const subscription = await this.find(this.deps.db.manager, principal.merchantId, id);
    const eventId = newId(now.getTime());
    const body = JSON.stringify({ id: eventId, type: TEST_EVENT_TYPE, version: 1, merchantId: subscription.merchantId, occurredAt: now.toISOString(), data: { subscriptionId: subscription.id } });
    const delivery = newDelivery(subscription, eventId, TEST_EVENT_TYPE, body, now);
    await this.deps.db.transaction((tx) => tx.insert(WebhookDelivery, delivery));
    await this.deliver(delivery.id, now);
    return deliveryView(found(await this.deps.db.manager.findOneBy(WebhookDelivery, { id: delivery.id }), 'delivery'));
  }

  // ---- delivery ----

  /**
   * Subscriber of every event: one delivery row and job per enabled
   * subscription that lists the event's type; the subscriptions of all the
   * events' merchants are read once. Idempotent: an event seen again finds
   * its rows and adds nothing.
   */
  async fanOut(events: DomainEvent[], now = new Date()): Promise<void> {
    const merchantIds = [...new Set(events.map((e) => e.merchantId))];
    const subscriptions = await this.deps.db.manager.findBy(WebhookSubscription, { merchantId: In(merchantIds), enabled: true });
    if (subscriptions.length === 0) return;
    for (const event of events) await this.fanOutOne(event, subscriptions, now);
  }

  private async fanOutOne(event: DomainEvent, subscriptions: WebhookSubscription[], now: Date): Promise<void> {
    const targets = subscriptions.filter((s) => s.merchantId === event.merchantId && s.events.includes(event.type));
    if (targets.length === 0) return;
    const body = JSON.stringify(event);
    for (const subscription of targets) {
      await this.deps.db.transaction(async (tx) => {
        if (await tx.existsBy(WebhookDelivery, { subscriptionId: subscription.id, eventId: event.id })) return;
        const delivery = newDelivery(subscription, event.id, event.type, body, now);
        await tx.insert(WebhookDelivery, delivery);
        await enqueueInTransaction(tx, DELIVER_WEBHOOK_JOB, { deliveryId: delivery.id }, { merchantId: event.merchantId, now });
      });
    }
  }

  /** The job behind `webhooks.deliver`: one try of one delivery. A duplicate job finds the try taken and stops. */
  async deliver(deliveryId: string, now = new Date()): Promise<void> {
    const db = this.deps.db;
    const delivery = await db.manager.findOneBy(WebhookDelivery, { id: deliveryId });
    if (!delivery || delivery.status !== 'pending') return;
    const subscription = await db.manager.findOneBy(WebhookSubscription, { id: delivery.subscriptionId, merchantId: delivery.merchantId });
    const isTest = delivery.eventType === TEST_EVENT_TYPE;
    if (!subscription || (!subscription.enabled && !isTest)) {
      await db.transaction((tx) =>
        tx.update(WebhookDelivery, { id: delivery.id, status: 'pending' }, { status: 'skipped', lastError: 'the subscription is disabled', nextAttemptAt: null }),
      );
      return;
    }
    const attempts = delivery.attempts + 1;
    // Claims this try: of two copies of the job running at once, one sends.
    const claimed = await db.transaction((tx) =>
      tx
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({ attempts, lastAttemptAt: now })
        .where('id = :id AND status = :pending AND attempts = :seen', { id: delivery.id, pending: 'pending', seen: delivery.attempts })
        .execute(),
    );
    if (!claimed.affected) return;

    const result = await post(subscription, delivery, now);
    const { maxAttempts, retryBaseMs, disableAfter } = this.deps.config.webhooks;
    await db.transaction(async (tx) => {
      const outcome = { responseCode: result.responseCode, lastError: result.error };
      if (result.ok) {
        await tx.update(WebhookDelivery, { id: delivery.id }, { ...outcome, status: 'succeeded', deliveredAt: now, nextAttemptAt: null });
        if (!isTest && subscription.consecutiveFailures > 0) await tx.update(WebhookSubscription, { id: subscription.id }, { consecutiveFailures: 0 });
        return;
      }
      if (!isTest && attempts < maxAttempts) {
        const delayMs = retryDelayMs(attempts, retryBaseMs);
        await tx.update(WebhookDelivery, { id: delivery.id }, { ...outcome, nextAttemptAt: new Date(now.getTime() + delayMs) });
        await enqueueInTransaction(tx, DELIVER_WEBHOOK_JOB, { deliveryId: delivery.id }, { merchantId: delivery.merchantId, delayMs, now });
        return;
      }
      await tx.update(WebhookDelivery, { id: delivery.id }, { ...outcome, status: 'failed', nextAttemptAt: null });
      if (!isTest) await this.countFailure(tx, subscription, disableAfter, now);
    });
  }

  /**
   * Finished deliveries older than DELIVERY_LOG_DAYS leave the log. Ids are
   * UUIDv7, so the primary key orders deliveries by time: no scan.
   */
  async pruneDeliveries(now = new Date()): Promise<number> {
    const cutoff = firstIdAt(now.getTime() - DELIVERY_LOG_DAYS * 86_400_000);
    const result = await this.deps.db.transaction((tx) =>
      tx.createQueryBuilder().delete().from(WebhookDelivery).where('id < :cutoff AND status <> :pending', { cutoff, pending: 'pending' }).execute(),
    );
    return result.affected ?? 0;
  }

  // ---- internals ----

  private async countFailure(tx: EntityManager, subscription: WebhookSubscription, disableAfter: number, now: Date): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(WebhookSubscription)
      .set({ consecutiveFailures: () => 'consecutive_failures + 1' })
      .where('id = :id', { id: subscription.id })
      .execute();
    await tx
      .createQueryBuilder()
      .update(WebhookSubscription)
      .set({ enabled: false, disabledReason: `disabled after ${disableAfter} failed deliveries in a row`, updatedAt: now })
      .where('id = :id AND enabled = :yes AND consecutive_failures >= :n', { id: subscription.id, yes: true, n: disableAfter })
      .execute();
  }

  private async find(m: EntityManager, merchantId: string, id: string): Promise<WebhookSubscription> {
    return found(await m.findOneBy(WebhookSubscription, { id, merchantId }), 'webhook subscription');
  }

  private checkUrl(url: string): void {
    const problem = urlProblem(url, this.deps.config.webhooks.httpsOnly);
    if (problem) throw new AppError('VALIDATION_FAILED', `The URL ${problem}`, [{ path: 'body.url', message: problem }]);
  }
}

/** One signed POST. Redirects are not followed (a 3xx is a failure), so the signed body only goes where it was sent. */
async function post(subscription: WebhookSubscription, delivery: WebhookDelivery, now: Date): Promise<Attempt> {
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const res = await fetch(subscription.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tally-Webhooks/1',
        'x-tally-event-id': delivery.eventId,
        'x-tally-event-type': delivery.eventType,
        'x-tally-delivery-id': delivery.id,
        'x-tally-timestamp': String(timestamp),
        'x-tally-signature': signatureOf(subscription.secret, timestamp, delivery.body),
      },
      body: delivery.body,
    });
    // The answer's body is not needed; reading it releases the connection.
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { ok: true, responseCode: res.status, error: null } : { ok: false, responseCode: res.status, error: `answered ${res.status}` };
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
    return { ok: false, responseCode: null, error: reason.slice(0, 500) };
  }
}

/** The smallest UUIDv7 of a millisecond: every id made at or after it compares greater. */
function firstIdAt(ms: number): string {
  const hex = Math.max(ms, 0).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

function newDelivery(subscription: WebhookSubscription, eventId: string, eventType: string, body: string, now: Date): WebhookDelivery {
  return {
    id: newId(now.getTime()),
    merchantId: subscription.merchantId,
    subscriptionId: subscription.id,
    eventId,
    eventType,
    body,
    status: 'pending',
    attempts: 0,
    responseCode: null,
    lastError: null,
    createdAt: now,
    lastAttemptAt: null,
    nextAttemptAt: null,
    deliveredAt: null,
  };
}

function unique(events: string[]): string[] {
  return EVENT_TYPES.filter((t) => events.includes(t));
}

function subscriptionView(s: WebhookSubscription): SubscriptionOut {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    events: s.events,
    enabled: s.enabled,
    disabledReason: s.disabledReason,
    consecutiveFailures: s.consecutiveFailures,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

function deliveryView(d: WebhookDelivery): DeliveryOut {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    responseCode: d.responseCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}
