import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { OutboxEntry } from '../../../src/jobs/outbox-entry.entity';
import { PointEntry } from '../../../src/points/point-entry.entity';
import { Purchase } from '../../../src/purchases/purchase.entity';
import { PurchaseReturn } from '../../../src/purchases/purchase-return.entity';
import type { MerchantFixture } from '../../support/factories';
import type { TestRuntime } from '../../support/test-runtime';

/** Helpers for the till suites: one listening server (parallel requests share it), enrolment, baskets. */
export function listen(rt: TestRuntime): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(rt.app).listen(0, '127.0.0.1', () => resolve(server));
  });
}

export function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** The claim code printed under an anonymous sale. */
export function claimCodeIn(receiptText: string[]): string {
  const code = receiptText.map((l) => /claim code (\w{4}-\w{4})/.exec(l)?.[1]).find(Boolean);
  if (!code) throw new Error(`no claim code in ${JSON.stringify(receiptText)}`);
  return code;
}

export const uniqueKey = (prefix = 'key') => `${prefix}-${randomBytes(8).toString('hex')}`;

export interface Enrolled {
  memberId: string;
  memberNumber: string;
  cardNumber: string;
}

/** Enrols a member through the till API, as a cashier would. */
export async function enrol(target: Server, f: MerchantFixture, firstName = 'Ana'): Promise<Enrolled> {
  const res = await request(target)
    .post('/v1/pos/members')
    .set('Authorization', `Bearer ${f.tokens.terminal}`)
    .send({ firstName, email: `${uniqueKey(firstName.toLowerCase())}@example.test`, consents: { marketingEmail: true } });
  if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { memberId: res.body.member.id, memberNumber: res.body.member.memberNumber, cardNumber: res.body.card.number };
}

export function line(sku: string, category: string | null, quantity: number, unitPriceMinor: number) {
  return { sku, category, quantity, unitPriceMinor };
}

/** Commits a sale from the fixture's terminal with a fresh receipt number and key unless given. */
export function commit(target: Server, f: MerchantFixture, body: Record<string, unknown>, key = uniqueKey()) {
  return request(target)
    .post('/v1/pos/purchases')
    .set('Authorization', `Bearer ${f.tokens.terminal}`)
    .set('Idempotency-Key', key)
    .send({ receiptNumber: uniqueKey('R'), occurredAt: new Date().toISOString(), ...body });
}

/** Rows written by this module, to prove a refused request wrote nothing. */
export async function writes(rt: TestRuntime): Promise<Record<string, number>> {
  const m = rt.db.manager;
  return { purchases: await m.count(Purchase), returns: await m.count(PurchaseReturn), pointEntries: await m.count(PointEntry), outbox: await m.count(OutboxEntry) };
}
