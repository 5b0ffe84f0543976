import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import request from 'supertest';
import { startJobs } from '../../../src/jobs/start-jobs';
import { Notification } from '../../../src/notifications/notification.entity';
import type { ProgramRules } from '../../../src/rules/program.schemas';
import { describeEachDb } from '../../support/test-runtime';

/**
 * The story of issue 3, end to end through the public HTTP API, from an empty
 * database: the owner sets Tally up and writes the program, a cashier enrols a
 * shopper at the till, the card's QR is decoded and scanned, baskets are
 * evaluated and committed (with replays), points are redeemed and a part of
 * that sale is returned, the oldest points expire, a forgotten receipt is
 * claimed from the portal, and the ledger reconciles at the end.
 *
 * Services are called directly only where no API exists: the one-time setup
 * token (printed on the console at first boot), the expiry job (run with a
 * controlled clock), the sign-in code (read from the notification outbox, as
 * the SMS gateway would) and the reconciliation function.
 *
 * Every number below is worked out by hand in the comments, so a change in
 * the rules' arithmetic shows up here as a readable difference.
 */

const DAY_MS = 86_400_000;
const EXPIRY_DAYS = 21;

/**
 * The program the owner writes: 1 point per 1.00, tobacco excluded, double
 * points on produce, a Silver tier at 1 000.00 of spend (out of reach here:
 * it only shows as progress on receipts).
 */
const program: ProgramRules = {
  earning: {
    baseRate: { points: 1, perMinor: 100 },
    rounding: 'floor',
    roundingScope: 'per_receipt',
    minimumSpendMinor: 0,
    excludedCategories: ['tobacco'],
    categoryMultipliers: [{ category: 'produce', multiplierPercent: 200 }],
    skuMultipliers: [],
    productBonuses: [],
    firstPurchaseBonus: 0,
    excludePointsPaidShare: true,
  },
  promotions: [],
  promotionCap: null,
  tiers: [{ code: 'silver', name: 'Silver', threshold: 100_000, earnMultiplierPercent: 150, benefits: '' }],
  tierPolicy: { basis: 'spend', windowDays: 365, graceDays: 30 },
  // 1 point = 0.01; at least 100 points, in steps of 50, for at most half of a basket.
  redemption: { enabled: true, pointsPerUnit: 100, unitValueMinor: 100, minPoints: 100, step: 50, maxShareOfBasketPercent: 50 },
  // Short-lived points, so they count as "expiring soon" (within 30 days) from the day they are earned.
  expiry: { kind: 'days', days: EXPIRY_DAYS },
  pendingDays: 0,
  returnClawback: 'negative',
  receiptClaimWindowDays: 14,
};

const line = (sku: string, category: string, quantity: number, unitPriceMinor: number) => ({ sku, category, quantity, unitPriceMinor });

/**
 * First basket, 121.89 in all:
 *   apples 1.5 kg × 3.99 = 5.985 → 5.99 (half up), produce ×2
 *   cigarettes 12.50, tobacco: earns nothing
 *   wine 2 × 49.95 = 99.90
 *   bread 3.50
 * Per receipt, floored: base floor(109.39) = 109, with the produce multiplier
 * floor((1198 + 9990 + 350) / 100) = floor(115.38) = 115 points.
 * Per line (largest remainder of 115 over 1198 : 0 : 9990 : 350): 12, 0, 100, 3.
 */
const basket1 = [line('APPLE', 'produce', 1500, 399), line('CIGS', 'tobacco', 1000, 1250), line('WINE', 'beverages', 2000, 4995), line('BREAD', 'bakery', 1000, 350)];

/**
 * Second basket, 26.04 in all: coffee 2 × 8.99 = 17.98, bananas 1.25 kg × 1.29
 * = 1.6125 → 1.61, cheese 6.45. Paying 100 points (1.00) leaves 25.04 to pay,
 * and the 1.00 paid with points earns nothing: it comes off the lines pro rata
 * (69, 6, 25 minor), leaving 17.29, 1.55 and 6.20. Base floor(25.04) = 25;
 * with bananas doubled floor((1729 + 310 + 620) / 100) = floor(26.59) = 26.
 * Per line (largest remainder of 26 over 1729 : 310 : 620): 17, 3, 6.
 */
const basket2 = [line('COFFEE', 'pantry', 2000, 899), line('BANANA', 'produce', 1250, 129), line('CHEESE', 'dairy', 1000, 645)];

/** A basket bought without the card, 18.29: milk 2.50 and eggs 3.29 earn floor(5.79) = 5 under the first program. */
const basket3 = [line('MILK', 'dairy', 2000, 125), line('EGGS', 'dairy', 1000, 329), line('CIGS', 'tobacco', 1000, 1250)];

/** Raw bytes of an image answer (supertest buffers only text by default). */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** Decodes a QR code PNG with an independent decoder (jsQR), as a phone camera or till scanner would. */
function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

/** A date as receipts print it: YYYY-MM-DD in the shop's calendar. */
const lisbonDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Lisbon', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

interface Entry {
  kind: string;
  points: number;
  sourceType: string;
}

describeEachDb('the till story of issue 3, from first run to a reconciled ledger', (rt) => {
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const app = () => rt().app;

  // Shared state, filled in chapter by chapter.
  let merchantId: string;
  let ownerToken: string;
  let cashierToken: string;
  let tillToken: string;
  let storeId: string;
  let storeCode: string;
  let memberId: string;
  let cardId: string;
  let cardNumber: string;
  let scanned: string;
  let firstSaleAt: Date;
  let memberToken: string;
  let firstReceipt: string[];
  let anonymousReceipt: { receiptNumber: string; totalMinor: number; id: string; claimCode: string };

  const ledger = async (): Promise<Entry[]> => {
    const res = await request(app()).get(`/v1/members/${memberId}/points/entries?limit=200`).set(bearer(ownerToken)).expect(200);
    expect(res.body.nextBefore).toBeNull();
    return (res.body.items as Entry[]).map(({ kind, points, sourceType }) => ({ kind, points, sourceType }));
  };
  const balance = async () => (await request(app()).get(`/v1/members/${memberId}/points`).set(bearer(ownerToken)).expect(200)).body;
  const purchaseCount = async () => (await request(app()).get('/v1/purchases').set(bearer(ownerToken)).expect(200)).body.total as number;

  it('1. first run: the owner sets Tally up, writes the program, opens a store, a cashier and a till', async () => {
    await request(app()).get('/v1/setup').expect(200, { setupRequired: true, invite: null });
    // The setup token is printed on the console at first boot; there is no API that hands it out.
    const setupToken = await rt().services.auth.ensureSetupToken();
    if (!setupToken) throw new Error('a fresh database must need setup');
    const owner = { email: 'owner@corner-grocer.test', name: 'Olga Owner', password: 'correct horse battery' };
    const setup = await request(app())
      .post('/v1/setup')
      .send({ token: setupToken.token, merchant: { name: 'Corner Grocer', currency: 'EUR', timeZone: 'Europe/Lisbon', locale: 'en' }, owner })
      .expect(201);
    merchantId = setup.body.user.merchantId;
    expect(setup.body.user).toMatchObject({ role: 'owner', email: owner.email });
    await request(app()).get('/v1/setup').expect(200, { setupRequired: false, invite: null });

    const signedIn = await request(app()).post('/v1/auth/sign-in').send({ email: owner.email, password: owner.password }).expect(200);
    ownerToken = signedIn.body.accessToken;

    const saved = await request(app()).put('/v1/program').set(bearer(ownerToken)).send({ rules: program }).expect(200);
    expect(saved.body).toMatchObject({ version: 1, rules: program });

    const store = await request(app()).post('/v1/stores').set(bearer(ownerToken)).send({ code: 'lis-1', name: 'Rua Augusta' }).expect(201);
    storeId = store.body.id;
    storeCode = store.body.code;
    expect(storeCode).toBe('LIS-1');

    const cashier = { email: 'carla@corner-grocer.test', name: 'Carla Cashier', password: 'cashier password 1', role: 'cashier' };
    await request(app()).post('/v1/staff').set(bearer(ownerToken)).send(cashier).expect(201);
    cashierToken = (await request(app()).post('/v1/auth/sign-in').send({ email: cashier.email, password: cashier.password }).expect(200)).body.accessToken;
    // A cashier may not change the program.
    await request(app()).put('/v1/program').set(bearer(cashierToken)).send({ rules: program }).expect(403);

    const terminal = await request(app()).post('/v1/terminals').set(bearer(ownerToken)).send({ storeId: store.body.id, name: 'Till 1' }).expect(201);
    const till = await request(app()).post('/v1/auth/terminal-token').send({ apiKey: terminal.body.apiKey }).expect(200);
    expect(till.body.terminal).toEqual({ id: terminal.body.terminal.id, name: 'Till 1', storeId: store.body.id });
    tillToken = till.body.accessToken;
  });

  it('2. the cashier enrols a shopper at the till; the card QR decodes to the card number', async () => {
    const enrolled = await request(app())
      .post('/v1/pos/members')
      .set(bearer(tillToken))
      .send({ firstName: 'Maria', lastName: 'Silva', phone: '+351 912 345 678', consents: { marketingSms: true } })
      .expect(201);
    expect(enrolled.body.member).toMatchObject({ firstName: 'Maria', phone: '+351912345678', status: 'active' });
    expect(enrolled.body.card).toMatchObject({ kind: 'digital', status: 'active', memberId: enrolled.body.member.id });
    memberId = enrolled.body.member.id;
    cardId = enrolled.body.card.id;
    cardNumber = enrolled.body.card.number;
    expect(cardNumber).toMatch(/^\d{13}$/);

    const png = await request(app()).get(`/v1/cards/${cardId}/qr.png`).set(bearer(cashierToken)).buffer(true).parse(binary).expect(200);
    expect(png.headers['content-type']).toMatch(/^image\/png/);
    const decoded = decodeQr(png.body as Buffer);
    if (decoded === undefined) throw new Error('the card QR did not decode');
    scanned = decoded;
    expect(scanned).toBe(cardNumber);
  });

  it('3. scan, evaluate and commit the first basket; a replay gives the first answer, a different body a 409', async () => {
    const summary = await request(app()).get(`/v1/pos/cards/${scanned}`).set(bearer(tillToken)).expect(200);
    expect(summary.body).toMatchObject({
      member: { id: memberId, name: 'Maria S.', status: 'active' },
      card: { id: cardId },
      tier: null,
      nextTier: { code: 'silver', name: 'Silver', remaining: 100_000, unit: 'spend_minor' },
      points: { available: 0, pending: 0, expiringSoon: null },
      offers: [],
    });

    const evaluated = await request(app()).post('/v1/pos/baskets/evaluate').set(bearer(tillToken)).send({ cardCode: scanned, lines: basket1 }).expect(200);
    expect(evaluated.body).toMatchObject({
      memberId,
      programVersion: 1,
      totalMinor: 12189,
      discountMinor: 0,
      pointsToRedeem: 0,
      redeemValueMinor: 0,
      payableMinor: 12189,
      pointsToEarn: 115,
      balanceAfter: 115,
    });
    expect(evaluated.body.lines).toEqual([
      { lineNo: 1, sku: 'APPLE', category: 'produce', amountMinor: 599, discountMinor: 0, points: 12 },
      { lineNo: 2, sku: 'CIGS', category: 'tobacco', amountMinor: 1250, discountMinor: 0, points: 0 },
      { lineNo: 3, sku: 'WINE', category: 'beverages', amountMinor: 9990, discountMinor: 0, points: 100 },
      { lineNo: 4, sku: 'BREAD', category: 'bakery', amountMinor: 350, discountMinor: 0, points: 3 },
    ]);
    expect(evaluated.body.breakdown).toEqual([
      { rule: 'base', label: '1 per 100', points: 109 },
      { rule: 'product_multiplier', label: 'Product multipliers', points: 6 },
    ]);
    // Evaluating writes nothing.
    expect(await ledger()).toEqual([]);
    expect(await purchaseCount()).toBe(0);

    firstSaleAt = new Date();
    const sale = { cardCode: scanned, receiptNumber: 'LIS1-0001', occurredAt: firstSaleAt.toISOString(), lines: basket1 };
    const commit = (body: object, key: string) => request(app()).post('/v1/pos/purchases').set(bearer(tillToken)).set('Idempotency-Key', key).send(body);
    const first = await commit(sale, 'till1-sale-0001').expect(201);
    expect(first.headers['idempotent-replay']).toBeUndefined();
    expect(first.body.purchase).toMatchObject({ receiptNumber: 'LIS1-0001', memberId, totalMinor: 12189, payableMinor: 12189, pointsEarned: 115, pointsRedeemed: 0, programVersion: 1, status: 'completed' });
    expect(first.body.purchase.lines.map((l: { points: number }) => l.points)).toEqual([12, 0, 100, 3]);
    expect(first.body.balance).toEqual({ available: 115, pending: 0 });
    // 1 000.00 − 121.89 = 878.11 still to spend for Silver.
    expect(first.body.receiptText).toEqual(expect.arrayContaining(['Points earned: 115', 'Points balance: 115', '€878.11 to Silver']));
    firstReceipt = first.body.receiptText;

    // The till retries (a lost answer): same key, same body → the first answer, no second sale, no second earn.
    const replay = await commit(sale, 'till1-sale-0001').expect(200);
    expect(replay.headers['idempotent-replay']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await purchaseCount()).toBe(1);

    // Same key, different basket → 409; the same receipt number under another key with another body → 409 too.
    const changed = await commit({ ...sale, lines: basket1.slice(1) }, 'till1-sale-0001').expect(409);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    const sameReceipt = await commit({ ...sale, lines: basket2 }, 'till1-sale-0001-other').expect(409);
    expect(sameReceipt.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await purchaseCount()).toBe(1);
    expect(await ledger()).toEqual([{ kind: 'earn', points: 115, sourceType: 'purchase' }]);
  });

  it('3a. the first receipt says when the points just earned expire, as the scan right after it does', async () => {
    const expiresAt = new Date(firstSaleAt.getTime() + EXPIRY_DAYS * DAY_MS);
    const scan = await request(app()).get(`/v1/pos/cards/${scanned}`).set(bearer(tillToken)).expect(200);
    expect(scan.body.points).toEqual({ available: 115, pending: 0, expiringSoon: { points: 115, expiresAt: expiresAt.toISOString() } });
    expect(firstReceipt).toEqual([
      'Points earned: 115',
      'Points balance: 115',
      '€878.11 to Silver',
      `115 points expire on ${lisbonDate(expiresAt.getTime())}`,
      expect.stringMatching(/^How did we do\? http\S+\/f\/\S+$/),
    ]);
  });

  let secondSale: { id: string };

  it('4. pay with points within the rules, then return part of that sale: points reversed and given back pro rata', async () => {
    // The till learns what it may offer: 115 available in steps of 50 → at most 100.
    const offBy = (redeemPoints: number) => request(app()).post('/v1/pos/baskets/evaluate').set(bearer(tillToken)).send({ cardCode: scanned, lines: basket2, redeemPoints }).expect(422);
    expect((await offBy(120)).body.error).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'not_multiple_of_step', maxPoints: 100 } });
    expect((await offBy(150)).body.error).toMatchObject({ code: 'REDEMPTION_NOT_ALLOWED', details: { reason: 'more_than_available', maxPoints: 100 } });

    const evaluated = await request(app()).post('/v1/pos/baskets/evaluate').set(bearer(tillToken)).send({ cardCode: scanned, lines: basket2, redeemPoints: 100 }).expect(200);
    expect(evaluated.body).toMatchObject({ totalMinor: 2604, pointsToRedeem: 100, redeemValueMinor: 100, payableMinor: 2504, pointsToEarn: 26, balanceAfter: 41 });
    expect(evaluated.body.lines.map((l: { points: number }) => l.points)).toEqual([17, 3, 6]);

    const sale = { cardCode: scanned, receiptNumber: 'LIS1-0002', occurredAt: new Date().toISOString(), lines: basket2, redeemPoints: 100 };
    const commit = (expectedBalance: number, key: string) =>
      request(app()).post('/v1/pos/purchases').set(bearer(tillToken)).set('Idempotency-Key', key).send({ ...sale, expectedBalance });
    // The cashier saw another balance (say, from a stale screen): refused, nothing written.
    const stale = await commit(116, 'till1-sale-0002-stale').expect(409);
    expect(stale.body.error).toMatchObject({ code: 'BALANCE_CHANGED', details: { expected: 116, available: 115 } });
    expect(await purchaseCount()).toBe(1);

    const committed = await commit(115, 'till1-sale-0002').expect(201);
    expect(committed.body.purchase).toMatchObject({ totalMinor: 2604, pointsRedeemed: 100, redeemValueMinor: 100, payableMinor: 2504, pointsEarned: 26 });
    expect(committed.body.balance).toEqual({ available: 41, pending: 0 });
    expect(committed.body.receiptText).toEqual(expect.arrayContaining(['Points redeemed: 100 (€1.00)', 'Points earned: 26', 'Points balance: 41', '€852.07 to Silver']));
    secondSale = committed.body.purchase;

    /*
     * Return one of the two coffees and all the bananas. Rounding as
     * purchase-math.ts documents it, cumulative floor per step:
     *   coffee: 8.99 back (floor(1798 × 1/2)), floor(17 × 1/2) = 8 points reversed
     *   bananas: the whole line, 1.61 and all of its 3 points
     * 10.60 of 26.04 comes back; of the 100 points paid, floor(100 × 1060 / 2604)
     * = 40 are given back, worth 0.40, so 10.20 is refunded in money.
     * Balance: 41 − 11 + 40 = 70.
     */
    const ret = { lines: [{ lineNo: 1, quantity: 1000 }, { lineNo: 2, quantity: 1250 }], reason: 'changed mind' };
    const returned = await request(app()).post(`/v1/pos/purchases/${secondSale.id}/returns`).set(bearer(tillToken)).set('Idempotency-Key', 'till1-return-0001').send(ret).expect(201);
    expect(returned.body).toMatchObject({
      purchaseId: secondSale.id,
      refundMinor: 1060,
      cashRefundMinor: 1020,
      pointsReversed: 11,
      pointsRestored: 40,
      balance: { available: 70, pending: 0 },
    });
    expect(returned.body.receiptText).toEqual(['Points reversed: 11', 'Points given back: 40', 'Points balance: 70']);
    expect(returned.body.lines).toEqual([
      { lineNo: 1, quantity: 1000, amountMinor: 899 },
      { lineNo: 2, quantity: 1250, amountMinor: 161 },
    ]);
    const again = await request(app()).post(`/v1/pos/purchases/${secondSale.id}/returns`).set(bearer(tillToken)).set('Idempotency-Key', 'till1-return-0001').send(ret).expect(200);
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.body).toEqual(returned.body);

    const stored = await request(app()).get(`/v1/purchases/${secondSale.id}`).set(bearer(ownerToken)).expect(200);
    expect(stored.body).toMatchObject({ refundedMinor: 1060 });
    expect(stored.body.lines.map((l: { returnedQuantity: number; returnedAmountMinor: number }) => [l.returnedQuantity, l.returnedAmountMinor])).toEqual([
      [1000, 899],
      [1250, 161],
      [0, 0],
    ]);
    expect(await ledger()).toEqual([
      { kind: 'restore', points: 40, sourceType: 'return' },
      { kind: 'reverse', points: -11, sourceType: 'return' },
      { kind: 'earn', points: 26, sourceType: 'purchase' },
      { kind: 'redeem', points: -100, sourceType: 'purchase' },
      { kind: 'earn', points: 115, sourceType: 'purchase' },
    ]);
  });

  it('5. the expiry job takes exactly what is left of the oldest lot, at its expiry instant and not before', async () => {
    /*
     * Lots now: the first sale's 115, of which the 100 redeemed came first
     * (earliest expiry first) → 15 left, expiring 21 days after that sale;
     * the second sale's 26 less the 11 reversed → 15; the 40 given back.
     */
    const before = await balance();
    expect(before).toMatchObject({ available: 70, pending: 0 });
    const firstExpiry = new Date(firstSaleAt.getTime() + EXPIRY_DAYS * DAY_MS);
    expect(before.expiringSoon).toEqual({ points: 70, expiresAt: firstExpiry.toISOString() });

    // A millisecond early, nothing expires.
    expect(await rt().services.points.expireDue(new Date(firstExpiry.getTime() - 1))).toBe(0);
    expect((await balance()).available).toBe(70);

    expect(await rt().services.points.expireDue(firstExpiry)).toBe(1);
    expect(await balance()).toMatchObject({ available: 55, pending: 0 });
    const [newest] = await ledger();
    expect(newest).toEqual({ kind: 'expire', points: -15, sourceType: 'expiry' });
    // Running the job again at the same instant changes nothing (Bull may retry it).
    expect(await rt().services.points.expireDue(firstExpiry)).toBe(0);
    expect((await balance()).available).toBe(55);
  });

  it('6. a forgotten receipt: an anonymous sale, claimed later from the portal by the rules in force when it happened', async () => {
    const anonymous = await request(app())
      .post('/v1/pos/purchases')
      .set(bearer(tillToken))
      .set('Idempotency-Key', 'till1-sale-0003')
      .send({ receiptNumber: 'LIS1-0003', occurredAt: new Date().toISOString(), lines: basket3 })
      .expect(201);
    expect(anonymous.body.purchase).toMatchObject({ memberId: null, totalMinor: 1829, pointsEarned: 0 });
    expect(anonymous.body.balance).toBeNull();
    anonymousReceipt = { id: anonymous.body.purchase.id, receiptNumber: 'LIS1-0003', totalMinor: 1829, claimCode: /claim code (\w{4}-\w{4})/.exec(anonymous.body.receiptText.join('\n'))?.[1] ?? 'missing' };

    // The owner doubles the base rate from now on; the sale above keeps the first program (5 points, not 11).
    const doubled = { ...program, earning: { ...program.earning, baseRate: { points: 2, perMinor: 100 } } };
    expect((await request(app()).put('/v1/program').set(bearer(ownerToken)).send({ rules: doubled }).expect(200)).body.version).toBe(2);

    // The shopper signs in to the portal with a one-time code sent by SMS (read from the outbox, as the gateway would).
    await request(app()).post(`/v1/portal/${merchantId}/sign-in/code`).send({ phone: '+351912345678' }).expect(202, { sent: true });
    const [sms] = await rt().db.manager.find(Notification, { where: { merchantId, memberId, template: 'sign-in-code' }, order: { createdAt: 'DESC' }, take: 1 });
    const code = /code is (\d{6})/.exec(sms?.body ?? '')?.[1];
    if (!code) throw new Error('no sign-in code was sent');
    const session = await request(app()).post(`/v1/portal/${merchantId}/sign-in/verify`).send({ phone: '+351912345678', code }).expect(200);
    expect(session.body.member.id).toBe(memberId);
    memberToken = session.body.accessToken;

    // The card in the shopper's phone shows the same QR.
    const mine = await request(app()).get('/v1/me/card/qr.png').set(bearer(memberToken)).buffer(true).parse(binary).expect(200);
    expect(decodeQr(mine.body as Buffer)).toBe(cardNumber);

    const claim = { storeCode, receiptNumber: anonymousReceipt.receiptNumber, totalMinor: anonymousReceipt.totalMinor, claimCode: anonymousReceipt.claimCode };
    const claimed = await request(app()).post('/v1/me/receipt-claims').set(bearer(memberToken)).send(claim).expect(201);
    expect(claimed.body.purchase).toMatchObject({ id: anonymousReceipt.id, memberId, pointsEarned: 5, programVersion: 1 });
    expect(claimed.body.purchase.claimedAt).not.toBeNull();
    expect(claimed.body.balance).toEqual({ available: 60, pending: 0 });

    // Spend before the claim 121.89 + 15.44 = 137.33; with this receipt's 18.29, 844.38 is left for Silver.
    expect(claimed.body.receiptText).toEqual(expect.arrayContaining(['Points earned: 5', 'Points balance: 60', '€844.38 to Silver']));

    const twice = await request(app()).post('/v1/me/receipt-claims').set(bearer(memberToken)).send(claim).expect(409);
    expect(twice.body.error.code).toBe('ALREADY_CLAIMED');
    const after = await balance();
    expect(after.available).toBe(60);

    // Like a till receipt, the claim's receipt tells what expires soon: what the member's own summary says right after.
    expect(after.expiringSoon).not.toBeNull();
    expect(claimed.body.receiptText).toContain(`${after.expiringSoon.points} points expire on ${lisbonDate(Date.parse(after.expiringSoon.expiresAt))}`);
  });

  it('7. the ledger reconciles: cached balances equal the entries, and the portal balance is their sum', async () => {
    expect(await rt().services.pointsReconciliation.reconcile(merchantId)).toEqual([]);
    await request(app()).get('/v1/points/reconciliation').set(bearer(ownerToken)).expect(200, { consistent: true, mismatches: [] });

    const mine = await request(app()).get('/v1/me/points').set(bearer(memberToken)).expect(200);
    const entries = await request(app()).get('/v1/me/points/entries?limit=200').set(bearer(memberToken)).expect(200);
    const items = entries.body.items as Entry[];
    const sum = items.reduce((total, e) => total + e.points, 0);
    expect(mine.body).toMatchObject({ available: 60, pending: 0 });
    expect(mine.body.available + mine.body.pending).toBe(sum);
    // 115 − 100 + 26 − 11 + 40 − 15 + 5 = 60
    expect(items.map((e) => [e.kind, e.points])).toEqual([
      ['earn', 5],
      ['expire', -15],
      ['restore', 40],
      ['reverse', -11],
      ['earn', 26],
      ['redeem', -100],
      ['earn', 115],
    ]);
    expect(mine.body).toMatchObject({ lifetimeEarned: 115 + 26 - 11 + 5, lifetimeRedeemed: 100 - 40 });
    expect(await purchaseCount()).toBe(3);
    // The shopper's history holds the three sales, the claimed one included.
    const history = await request(app()).get('/v1/me/purchases').set(bearer(memberToken)).expect(200);
    expect(history.body.items.map((p: { receiptNumber: string }) => p.receiptNumber)).toEqual(['LIS1-0003', 'LIS1-0002', 'LIS1-0001']);

    // Spend net of the return counts towards Silver: 121.89 + (26.04 − 10.60) + 18.29 = 155.62 of 1 000.00.
    const tier = await request(app()).get('/v1/me/tier').set(bearer(memberToken)).expect(200);
    expect(tier.body).toMatchObject({ tier: null, next: { code: 'silver', remaining: 84_438, unit: 'spend_minor' } });
  });

  it('8. the worker catches up: the profile shows the stats of the three sales, net of the return', async () => {
    // What a worker process does: relay the events the sales wrote and hand them to the stats subscriber.
    const jobs = await startJobs(rt(), { consume: true, jobs: rt().jobs.filter((j) => j.name === 'events.dispatch'), relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
    try {
      const deadline = Date.now() + 15_000;
      let stats: { visits: number } | null = null;
      while (stats?.visits !== 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        stats = (await request(app()).get(`/v1/members/${memberId}`).set(bearer(ownerToken)).expect(200)).body.stats;
      }
      // 121.89 + 15.44 + 18.29 = 155.62 over three visits, all in the one store.
      expect(stats).toMatchObject({ visits: 3, spendMinor: 15_562, favouriteStoreId: storeId, firstPurchaseAt: firstSaleAt.toISOString() });
    } finally {
      await jobs.stop();
    }
  });
});
