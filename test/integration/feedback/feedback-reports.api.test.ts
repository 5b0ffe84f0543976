import type { Server } from 'node:http';
import request from 'supertest';
import { MemberScore } from '../../../src/analytics/member-score.entity';
import { ScoreRun, type RunStatus } from '../../../src/analytics/score-run.entity';
import type { RunSettings } from '../../../src/analytics/scoring';
import { newId } from '../../../src/db/ids';
import { Member } from '../../../src/members/member.entity';
import { Purchase } from '../../../src/purchases/purchase.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, listen } from '../pos/till-helpers';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const WEEK_MS = 7 * 24 * 3600_000;
const DAY = 86_400_000;

/**
 * The feedback reports on a seeded history whose figures are worked out by
 * hand below: six members answer about a purchase between 8 and 1 weeks ago,
 * with purchases around it; the follow-up window is the default 4 weeks.
 *
 * | member | score | answered sale | before (4 w) | after (4 w)        |
 * | P1     | 10    | −8 w          | −10 w 10.00  | −7 w 30.00, −6 w 10.00 |
 * | P2     | 9     | −7 w          | −9 w 5.00    | −5 w 25.00         |
 * | N1     | 7     | −6 w          | —            | —                  |
 * | D1     | 2     | −8 w          | −9 w 40.00   | — (−1 w is later)  |
 * | D2     | 0     | −5 w          | −6 w 7.00    | −2 w 3.00          |
 * | R      | 3     | −1 w          | (window not over: too recent)      |
 * and a sale without a card answered 8 (no member: in the scores, not the follow-up).
 */
describeEachDb('feedback reports on seeded data: scores, follow-up with churn risk, words', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;
  const memberIds: Record<string, string> = {};
  const now = Date.now();
  const ago = (weeks: number) => new Date(now - weeks * WEEK_MS).toISOString();
  const today = Math.floor(now / DAY);

  const upload = (path: string, body: string) =>
    request(server).post(path).set(auth(a.tokens.owner)).set('Content-Type', 'text/csv').send(body).expect(200);
  const followUp = async () => (await request(server).get('/v1/feedback/reports/follow-up').set(auth(a.tokens.owner)).expect(200)).body;

  async function answer(receipt: string, body: Record<string, unknown>) {
    const sale = await rt().db.manager.findOneByOrFail(Purchase, { merchantId: a.merchant.id, receiptNumber: receipt });
    await request(server).post(`/v1/receipt-feedback/${rt().services.feedback.tokenOf(sale.id)}`).send(body).expect(201);
  }

  /** A scoring run of merchant A with these members' churn risks (the rest of a score row does not matter here). */
  async function plantRun(asOfDay: number, status: RunStatus, risks: Record<string, number | null>, createdAt: Date): Promise<string> {
    const id = newId(createdAt.getTime());
    const merchantId = a.merchant.id;
    await rt().db.manager.insert(ScoreRun, {
      id, merchantId, asOf: new Date(asOfDay * DAY).toISOString().slice(0, 10), asOfDay, status, trigger: 'request', settings: {} as RunSettings,
      members: Object.keys(risks).length, diagnostics: null, summary: null, error: null, createdAt, finishedAt: createdAt,
    });
    const row = (memberId: string, churnRisk: number | null) => ({
      runId: id, memberId, merchantId, churnRisk, firstDay: asOfDay - 100, lastDay: asOfDay - 10, visits: 3, spendMinor: 3000, firstVisitMinor: 1000,
      gapCount: 2, gapLogSum: 0, gapLogSquares: 0, longestGap: 40, receipts: 3, stores: 1, categories: 1, daysSinceLast: 10, rScore: 3, fScore: 3, mScore: 3,
      segment: null, abc: null, usualGapDays: null, rhythm: null, pAlive: null, expected30: null, expected90: null, expected365: null,
      expectedSpendMinor: null, clvMinor: null, atStakeMinor: null,
    });
    await rt().db.manager.insert(MemberScore, Object.entries(risks).map(([name, risk]) => row(memberIds[name], risk)));
    return id;
  }

  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
    const names = ['P1', 'P2', 'N1', 'D1', 'D2', 'R'];
    await upload('/v1/imports/members', ['externalId,firstName', ...names.map((n) => `${n},${n}`)].join('\n'));
    for (const n of names) memberIds[n] = (await rt().db.manager.findOneByOrFail(Member, { merchantId: a.merchant.id, externalId: n })).id;
    const sale = (customer: string, receipt: string, weeks: number, total: string) => `${customer},${receipt},${ago(weeks)},${a.store.code},${total}`;
    await upload(
      '/v1/imports/purchases',
      [
        'customerId,receiptNumber,occurredAt,store,total',
        sale('P1', 'P1-ASKED', 8, '20.00'), sale('P1', 'P1-B', 10, '10.00'), sale('P1', 'P1-A1', 7, '30.00'), sale('P1', 'P1-A2', 6, '10.00'),
        sale('P2', 'P2-ASKED', 7, '15.00'), sale('P2', 'P2-B', 9, '5.00'), sale('P2', 'P2-A', 5, '25.00'),
        sale('N1', 'N1-ASKED', 6, '12.00'),
        sale('D1', 'D1-ASKED', 8, '8.00'), sale('D1', 'D1-B', 9, '40.00'), sale('D1', 'D1-LATER', 1, '9.00'),
        sale('D2', 'D2-ASKED', 5, '6.00'), sale('D2', 'D2-B', 6, '7.00'), sale('D2', 'D2-A', 2, '3.00'),
        sale('R', 'R-ASKED', 1, '4.00'),
        sale('', 'ANON-ASKED', 3, '2.00'),
      ].join('\n'),
    );
    await answer('P1-ASKED', { score: 10, comment: 'Friendly cashier' });
    await answer('P2-ASKED', { score: 9 });
    await answer('N1-ASKED', { score: 7 });
    await answer('D1-ASKED', { score: 2, comment: 'The bread was stale' });
    await answer('D2-ASKED', { score: 0, comment: 'Stale bread again, and a rude cashier' });
    await answer('R-ASKED', { score: 3 });
    await answer('ANON-ASKED', { score: 8 });
  });
  afterAll(() => closeServer(server));

  it('gives the score overall, by store and in the current week', async () => {
    const res = await request(server).get('/v1/feedback/reports/scores').set(auth(a.tokens.owner)).expect(200);
    const total = { answers: 7, promoters: 2, passives: 2, detractors: 3, score: -14.3 };
    expect(res.body).toMatchObject({ scale: 'nps', total, byStore: [{ key: a.store.id, name: 'Main street', ...total }] });
    expect(res.body.byWeek).toHaveLength(12);
    expect(res.body.byWeek[11]).toMatchObject(total);
    expect(res.body.byWeek.slice(0, 11).every((w: { answers: number }) => w.answers === 0)).toBe(true);
    const other = await request(server).get('/v1/feedback/reports/scores').set(auth(b.tokens.owner)).expect(200);
    expect(other.body.total.answers).toBe(0);
  });

  it('gives what each band did in the 4 weeks before and after, and says why churn risk is missing without a scoring run', async () => {
    const report = await followUp();
    expect(report).toMatchObject({ weeks: 4, tooRecent: 1, churnRun: null });
    const noRun = { churnRisk: null, churnScored: 0, churnRiskReason: 'no_run' };
    expect(report.bands).toEqual([
      { band: 'promoter', answers: 2, visitsBefore: 2, visitsAfter: 3, spendBeforeMinor: 1500, spendAfterMinor: 6500, cameBack: 1, ...noRun },
      { band: 'passive', answers: 1, visitsBefore: 0, visitsAfter: 0, spendBeforeMinor: 0, spendAfterMinor: 0, cameBack: 0, ...noRun },
      { band: 'detractor', answers: 2, visitsBefore: 2, visitsAfter: 1, spendBeforeMinor: 4700, spendAfterMinor: 300, cameBack: 0.5, ...noRun },
    ]);
  });

  it("gives each band's mean churn risk from the newest finished scoring run as of today", async () => {
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
    await plantRun(today - 10, 'done', { P1: 90, P2: 90, D1: 90, D2: 90 }, at(30));
    const current = await plantRun(today - 1, 'done', { P1: 10, P2: 30, N1: null, D1: 80, D2: 65, R: 5 }, at(40));
    // Asked for a later day, or not finished: neither is the report date's run, though created after it.
    await plantRun(today + 7, 'done', { P1: 0, P2: 0, N1: 0, D1: 0, D2: 0 }, at(10));
    await plantRun(today, 'running', { P1: 0, P2: 0, N1: 0, D1: 0, D2: 0 }, at(5));

    const report = await followUp();
    expect(report.churnRun).toEqual({ id: current, asOf: new Date((today - 1) * DAY).toISOString().slice(0, 10) });
    const churn = Object.fromEntries(report.bands.map((x: { band: string; churnRisk: number | null; churnScored: number; churnRiskReason: string | null }) => [x.band, [x.churnRisk, x.churnScored, x.churnRiskReason]]));
    expect(churn).toEqual({
      promoter: [20, 2, null],
      // N1 was scored without a risk (too little history): no figure, and the reason.
      passive: [null, 0, 'not_scored'],
      detractor: [72.5, 2, null],
    });
    // Another merchant sees neither the run nor the answers.
    const other = (await request(server).get('/v1/feedback/reports/follow-up').set(auth(b.tokens.owner)).expect(200)).body;
    expect(other.churnRun).toBeNull();
    expect(other.bands.every((x: { answers: number }) => x.answers === 0)).toBe(true);
  });

  it('gives the words most used in comments by band', async () => {
    const res = await request(server).get('/v1/feedback/reports/words').set(auth(a.tokens.owner)).expect(200);
    const byBand = Object.fromEntries(res.body.bands.map((x: { band: string; comments: number; words: { word: string; comments: number }[] }) => [x.band, x]));
    expect(byBand.detractor.comments).toBe(2);
    expect(byBand.detractor.words.slice(0, 2)).toEqual(expect.arrayContaining([{ word: 'stale', comments: 2 }, { word: 'bread', comments: 2 }]));
    expect(byBand.detractor.words).toContainEqual({ word: 'cashier', comments: 1 });
    expect(byBand.promoter).toMatchObject({ comments: 1, words: expect.arrayContaining([{ word: 'friendly', comments: 1 }, { word: 'cashier', comments: 1 }]) });
    expect(byBand.passive).toEqual({ band: 'passive', comments: 0, words: [] });
  });
});
