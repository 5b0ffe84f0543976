import request from 'supertest';
import { dateOfDay, dayOfDate, weekdayOfDay } from '../../../src/forecasts/days';
import { forecastSeries } from '../../../src/forecasts';
import { newId } from '../../../src/db/ids';
import { Store } from '../../../src/merchants/store.entity';
import { Terminal } from '../../../src/merchants/terminal.entity';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { expectedSeries, seedSales, WEEKLY_PATTERN, type SeededReceipt } from './sales-world';

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const AS_OF = '2026-10-01';
const HORIZON = 42;
/** Closed on Sundays and for stocktaking on a Tuesday. */
const CALENDAR = { closedWeekdays: [7], closedDays: [{ date: '2026-10-06', name: 'Stocktaking' }] };

describeEachDb('forecasts: calendar, runs over every sales series, series and CSV', (rt) => {
  let a: MerchantFixture;
  let b: MerchantFixture;
  let receipts: SeededReceipt[];
  const stores: Record<'big' | 'new' | 'newest', string> = { big: '', new: '', newest: '' };

  async function addStore(f: MerchantFixture, name: string): Promise<{ storeId: string; terminalId: string }> {
    const now = new Date();
    const store = await rt().db.manager.save(Store, { id: newId(), merchantId: f.merchant.id, code: `S${name}`, name, address: null, timeZone: null, active: true, createdAt: now, updatedAt: now });
    const terminal = await rt().db.manager.save(Terminal, { id: newId(), merchantId: f.merchant.id, storeId: store.id, name: 'Till', keyPrefix: newId().slice(-8), keyHash: 'fixture', revokedAt: null, lastSeenAt: null, createdAt: now });
    return { storeId: store.id, terminalId: terminal.id };
  }

  beforeAll(async () => {
    a = await createMerchantFixture(rt(), { timeZone: 'Asia/Bangkok', currency: 'THB' });
    b = await createMerchantFixture(rt(), { timeZone: 'Asia/Bangkok', currency: 'THB' });
    const fresh = await addStore(a, 'New');
    const newest = await addStore(a, 'Newest');
    stores.big = a.store.id;
    stores.new = fresh.storeId;
    stores.newest = newest.storeId;
    receipts = await seedSales(rt().db.manager, a.merchant.id, [
      { storeId: a.store.id, terminalId: a.terminal.id, factor: 2, firstDate: '2026-05-04' },
      // Eleven days before the as-of date: a forecast, but no backtest.
      { ...fresh, factor: 1, firstDate: '2026-09-20' },
      // Three days: nothing to forecast from.
      { ...newest, factor: 1, firstDate: '2026-09-28' },
    ], '2026-11-20');
  }, 120_000);

  const get = (path: string, query: Record<string, unknown> = {}, token = a.tokens.manager) => request(rt().app).get(path).query(query).set(auth(token));

  async function run(asOf: string | undefined, f = a): Promise<string> {
    const res = await request(rt().app).post('/v1/forecasts/runs').set(auth(f.tokens.manager)).send(asOf ? { asOf } : {}).expect(202);
    expect(res.body).toMatchObject({ status: 'queued', trigger: 'request', horizon: HORIZON });
    await rt().services.forecastRuns.run(res.body.id);
    return res.body.id;
  }

  it('keeps the merchant calendar and refuses a bad one', async () => {
    expect((await get('/v1/forecasts/calendar').expect(200)).body).toEqual({ closedWeekdays: [], closedDays: [], updatedAt: null });
    const put = await request(rt().app).put('/v1/forecasts/calendar').set(auth(a.tokens.manager)).send(CALENDAR).expect(200);
    expect(put.body).toMatchObject(CALENDAR);
    expect((await get('/v1/forecasts/calendar').expect(200)).body).toMatchObject(CALENDAR);
    const bad = [
      { closedWeekdays: [0], closedDays: [] },
      { closedWeekdays: [], closedDays: [{ date: '2026-02-30', name: 'x' }] },
      { closedWeekdays: [], closedDays: [{ date: '2026-10-06', name: 'a' }, { date: '2026-10-06', name: 'b' }] },
      { closedWeekdays: [] },
    ];
    for (const body of bad) {
      const res = await request(rt().app).put('/v1/forecasts/calendar').set(auth(a.tokens.manager)).send(body).expect(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    // A cashier may not change it; another merchant has its own (empty).
    await request(rt().app).put('/v1/forecasts/calendar').set(auth(a.tokens.cashier)).send(CALENDAR).expect(403);
    expect((await get('/v1/forecasts/calendar', {}, b.tokens.manager).expect(200)).body.closedDays).toEqual([]);
  });

  it('forecasts every series as of a past date exactly as the pure method does on the sales before it', async () => {
    const runId = await run(AS_OF);
    const done = (await get(`/v1/forecasts/runs/${runId}`).expect(200)).body;
    expect(done).toMatchObject({ status: 'done', asOf: AS_OF, error: null });
    // Merchant, three stores, two categories, three stores × two categories.
    expect(done.summary.series).toEqual({ merchant: 1, store: 3, category: 2, 'store-category': 6 });
    expect(done.series).toBe(12);

    const asOfDay = dayOfDate(AS_OF);
    const cases: { key: string; storeId: string | null; category: string | null }[] = [
      { key: 'merchant', storeId: null, category: null },
      { key: `store:${stores.big}`, storeId: stores.big, category: null },
      { key: 'category:dairy', storeId: null, category: 'dairy' },
      { key: `store:${stores.big}:category:bakery`, storeId: stores.big, category: 'bakery' },
    ];
    for (const c of cases) {
      const detail = (await get(`/v1/forecasts/series/${encodeURIComponent(c.key)}`, { asOf: AS_OF }).expect(200)).body;
      const firstDay = dayOfDate('2026-05-04');
      const expected = expectedSeries(receipts, firstDay, asOfDay, c.storeId, c.category);
      const open = Array.from({ length: asOfDay - firstDay + HORIZON }, (_, i) => weekdayOfDay(firstDay + i) !== 7 && dateOfDay(firstDay + i) !== '2026-10-06');
      for (const measure of ['sales', 'receipts', 'memberSales'] as const) {
        const pure = forecastSeries(expected[measure], { horizon: HORIZON, open, refit: false })!;
        const stored = detail.measures.find((x: { measure: string }) => x.measure === measure);
        expect(stored.method).toBe(pure.method);
        expect(stored.accuracy.mase).toBeCloseTo(pure.accuracy!.mase, 3);
        const round = measure === 'receipts' ? (x: number) => Math.round(x * 100) / 100 : Math.round;
        const ahead = detail.days.filter((d: { forecast: unknown }) => d.forecast !== null);
        expect(ahead).toHaveLength(HORIZON);
        expect(ahead.map((d: { forecast: Record<string, { mean: number }> }) => d.forecast[measure].mean)).toEqual(pure.mean.map(round));
        expect(ahead.map((d: { forecast: Record<string, { upper95: number }> }) => d.forecast[measure].upper95)).toEqual(pure.upper95.map(round));
      }
      // Eight weeks of actuals before the as-of date, as seeded (closed days still show what was sold).
      const before = detail.days.filter((d: { date: string }) => d.date < AS_OF);
      expect(before).toHaveLength(56);
      expect(before.map((d: { actual: { sales: number } }) => d.actual.sales)).toEqual(expected.sales.slice(-56));
      // The days after a past as-of date show what happened next to the forecast.
      const after = expectedSeries(receipts, asOfDay, asOfDay + HORIZON, c.storeId, c.category);
      expect(detail.days.filter((d: { date: string }) => d.date >= AS_OF).map((d: { actual: { receipts: number } }) => d.actual.receipts)).toEqual(after.receipts);
    }
  });

  it('finds the weekly pattern, gives closed days zero and intervals that widen, and says how accurate it was', async () => {
    // The big store's own series (the merchant's has the new stores opening inside its backtest weeks).
    const detail = (await get(`/v1/forecasts/series/store:${stores.big}`, { asOf: AS_OF }).expect(200)).body;
    const sales = detail.measures.find((x: { measure: string }) => x.measure === 'sales');
    expect(sales.accuracy).toMatchObject({ weeks: 8 });
    expect(sales.accuracy.worstWeek).toBeLessThan(0.2);
    expect(sales.scores.map((s: { method: string }) => s.method).sort()).toEqual(['ets', 'seasonal-naive', 'theta', 'weekday-average']);
    expect(sales.scores[0].method).toBe(sales.method);
    const ahead = detail.days.filter((d: { forecast: unknown }) => d.forecast !== null);
    for (const d of ahead) {
      const f = d.forecast.sales;
      if (d.closed) expect(f).toEqual({ mean: 0, lower80: 0, upper80: 0, lower95: 0, upper95: 0 });
      else expect(f.lower95 <= f.lower80 && f.lower80 <= f.mean && f.mean <= f.upper80 && f.upper80 <= f.upper95).toBe(true);
    }
    expect(ahead.filter((d: { closed: boolean }) => d.closed).map((d: { date: string }) => d.date)).toEqual(expect.arrayContaining(['2026-10-04', '2026-10-06', '2026-10-11']));
    // Saturday against Monday of the first week ahead: the seeded 1.6 / 0.8.
    const saturday = ahead.find((d: { date: string }) => d.date === '2026-10-03').forecast.sales.mean;
    const monday = ahead.find((d: { date: string }) => d.date === '2026-10-05').forecast.sales.mean;
    expect(saturday / monday).toBeGreaterThan((WEEKLY_PATTERN[5] / WEEKLY_PATTERN[0]) * 0.85);
    expect(saturday / monday).toBeLessThan((WEEKLY_PATTERN[5] / WEEKLY_PATTERN[0]) * 1.15);
    // Members bought one receipt in three: about a third of the sales.
    const members = ahead.find((d: { date: string }) => d.date === '2026-10-03').forecast.memberSales.mean;
    expect(members / saturday).toBeGreaterThan(0.25);
    expect(members / saturday).toBeLessThan(0.42);
  });

  it('says when a series has too few data', async () => {
    const list = (await get('/v1/forecasts/series', { asOf: AS_OF, level: 'store' }).expect(200)).body;
    expect(list).toMatchObject({ run: { asOf: AS_OF, horizon: HORIZON }, currency: 'THB', total: 3 });
    const byStore = new Map(list.items.map((s: { storeId: string }) => [s.storeId, s]));
    expect(byStore.get(stores.big)).toMatchObject({ key: `store:${stores.big}`, storeName: 'Main street', tooFewData: null });
    expect(byStore.get(stores.new)).toMatchObject({ method: 'seasonal-naive', accuracy: null, historyDays: 11, tooFewData: expect.stringContaining('needs 11 weeks') });
    expect(byStore.get(stores.newest)).toMatchObject({ method: null, accuracy: null, historyDays: 3, next7Minor: 0, tooFewData: expect.stringContaining('at least a week') });
    const newest = (await get(`/v1/forecasts/series/store:${stores.newest}`, { asOf: AS_OF }).expect(200)).body;
    expect(newest.days.every((d: { forecast: unknown }) => d.forecast === null)).toBe(true);
    const inStore = (await get('/v1/forecasts/series', { asOf: AS_OF, storeId: stores.big, level: 'store-category' }).expect(200)).body;
    expect(inStore.items.map((s: { category: string }) => s.category)).toEqual(['bakery', 'dairy']);
  });

  it('exports a run as CSV: a row per series, measure and day ahead', async () => {
    const res = await get('/v1/forecasts/series.csv', { asOf: AS_OF }).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toContain(`forecasts-${AS_OF}.csv`);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('series_key,level,store_id,category,measure,method,date,mean,lower80,upper80,lower95,upper95,mase,improvement,worst_week,too_few_data');
    // 9 series with a forecast × 3 measures × 42 days; the newest store's 3 series (itself and its categories) once per measure.
    expect(lines).toHaveLength(1 + 9 * 3 * HORIZON + 3 * 3);
    const one = (await get('/v1/forecasts/series.csv', { asOf: AS_OF, key: 'merchant' }).expect(200)).text.trim().split('\n');
    expect(one).toHaveLength(1 + 3 * HORIZON);
    expect(one[1]).toMatch(new RegExp(`^merchant,merchant,,,memberSales,[a-z-]+,${AS_OF},`));
  });

  it('forecasts as of today by default, lists runs, and runs nightly for every merchant', async () => {
    await run(undefined);
    const runs = (await get('/v1/forecasts/runs').expect(200)).body.items;
    expect(runs).toHaveLength(2);
    expect(runs[0].asOf > AS_OF).toBe(true);
    // Today's run sees no sales in the last ten days: its series still answer.
    const latest = (await get('/v1/forecasts/series', { level: 'merchant' }).expect(200)).body;
    expect(latest.run.id).toBe(runs[0].id);
    const queued = await rt().services.forecastRuns.requestNightly(new Date());
    expect(queued).toBeGreaterThanOrEqual(2);
    expect((await get('/v1/forecasts/runs', {}, b.tokens.manager).expect(200)).body.items[0]).toMatchObject({ trigger: 'nightly', status: 'queued' });
  });

  it('answers bad input with 4xx, and another merchant’s data with nothing', async () => {
    const future = dateOfDay(dayOfDate(new Date().toISOString().slice(0, 10)) + 3);
    expect((await request(rt().app).post('/v1/forecasts/runs').set(auth(a.tokens.manager)).send({ asOf: future }).expect(400)).body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'asOf' }] });
    await request(rt().app).post('/v1/forecasts/runs').set(auth(a.tokens.manager)).send({ asOf: '2026-13-01' }).expect(400);
    await request(rt().app).post('/v1/forecasts/runs').set(auth(a.tokens.cashier)).send({}).expect(403);
    await get('/v1/forecasts/series', { level: 'planet' }).expect(400);
    await get('/v1/forecasts/series/nonsense').expect(404);
    await get('/v1/forecasts/series/category:cheese', { asOf: AS_OF }).expect(404);
    expect((await get('/v1/forecasts/series', { asOf: '2026-09-01' }).expect(404)).body.error.message).toContain('POST /v1/forecasts/runs');
    // Merchant b has no finished run and cannot see a's.
    await get('/v1/forecasts/series/merchant', { asOf: AS_OF }, b.tokens.manager).expect(404);
    const aRun = (await get('/v1/forecasts/runs').expect(200)).body.items[0].id;
    await get(`/v1/forecasts/runs/${aRun}`, {}, b.tokens.manager).expect(404);
  });
});
