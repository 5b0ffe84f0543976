import request from 'supertest';
import type { Browser, BrowserContext } from 'playwright-core';
import { newId } from '../../src/db/ids';
import type { Principal } from '../../src/http/principal';
import { Terminal } from '../../src/merchants/terminal.entity';
import { tokenFor } from '../support/factories';
import { seedSales } from '../integration/forecasts/sales-world';
import { expectNoAxeViolations } from './axe';
import { tr } from './messages';
import { fitsEveryWidth, setUpShop } from './admin-helpers';
import { browserAvailable, DESKTOP, keepForDocs, launchBrowser, type LiveServer, PHONE, snap, startServer } from './browser';

/**
 * The forecasts screen in a real Chromium, in English, Chinese, Thai and
 * Russian: two stores' sales of a known weekly pattern, a run as of a past
 * date, then the chart with actuals and intervals, the accuracy line and
 * tables, a store × category series, and the calendar editor; axe and no
 * sideways scroll at 390, 1024 and 1920 px.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(300_000);
const AS_OF = '2026-10-01';

suite('forecasts screen in Chromium', () => {
  let live: LiveServer;
  let browser: Browser;
  let ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let owner: Principal;
  const url = (path: string) => `${live.baseUrl}${path}`;

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    ({ ownerState, owner } = await setUpShop(live, browser, 'Corner Mart', 'owner@forecasts.test'));
    const token = tokenFor(live.rt, owner);
    const stores = [];
    for (const [code, name, factor] of [['MAIN', 'Main street', 2], ['MKT', 'Market square', 1]] as const) {
      const store = await request(live.rt.app).post('/v1/stores').set('Authorization', `Bearer ${token}`).send({ code, name }).expect(201);
      const terminal = await live.rt.db.manager.save(Terminal, { id: newId(), merchantId: owner.merchantId, storeId: store.body.id, name: 'Till', keyPrefix: newId().slice(-8), keyHash: 'fixture', revokedAt: null, lastSeenAt: null, createdAt: new Date() });
      stores.push({ storeId: store.body.id as string, terminalId: terminal.id, factor, firstDate: '2026-04-06' });
    }
    await seedSales(live.rt.db.manager, owner.merchantId, stores, '2026-11-15');
    await request(live.rt.app).put('/v1/forecasts/calendar').set('Authorization', `Bearer ${token}`).send({ closedWeekdays: [], closedDays: [{ date: '2026-10-13', name: 'Stocktaking' }] }).expect(200);
    const run = await request(live.rt.app).post('/v1/forecasts/runs').set('Authorization', `Bearer ${token}`).send({ asOf: AS_OF }).expect(202);
    await live.rt.services.forecastRuns.run(run.body.id);
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  for (const lang of ['en', 'zh', 'th', 'ru'] as const) {
    test(`${lang}: chart with actuals and intervals, accuracy, a store × category series, the calendar`, async () => {
      const context = await browser.newContext({ viewport: PHONE, storageState: ownerState });
      const page = await context.newPage();
      await page.goto(url(`/admin/forecasts?lang=${lang}`));
      await page.getByRole('heading', { name: tr(lang, 'forecasts.title'), level: 1 }).waitFor();
      const chart = page.getByTestId('forecast-chart');
      await chart.getByRole('img', { name: tr(lang, 'forecasts.chartLabel') }).waitFor();
      // The whole business's sales: the accuracy in words, e.g. "last 8 weeks: within ±6 %; …".
      const line = (await page.getByTestId('accuracy-line').textContent()) ?? '';
      expect(line).toContain(tr(lang, 'forecasts.accuracyLine', { weeks: 8, within: 'X', better: '' }).split('X')[0].trim());
      await page.getByTestId('measure-accuracy').locator('tbody tr').nth(2).waitFor();
      await page.getByTestId('accuracy-table').locator('tbody tr').first().waitFor();

      // A store's category: pick the level, then store and category.
      await page.getByTestId('level').selectOption('store-category');
      await page.getByLabel(tr(lang, 'forecasts.store'), { exact: true }).selectOption({ label: 'Market square' });
      await page.getByLabel(tr(lang, 'forecasts.category'), { exact: true }).selectOption('bakery');
      await chart.getByRole('heading', { name: new RegExp(`Market square · bakery`) }).waitFor();
      await page.getByTestId('accuracy-table').getByText('Market square · dairy').waitFor();
      // The table under the chart has the forecast days, the stocktaking day closed.
      await chart.getByText(tr(lang, 'forecasts.asTable')).click();
      await page.getByTestId('forecast-days').getByText(`2026-10-13 (${tr(lang, 'forecasts.closed')})`).waitFor();

      await expectNoAxeViolations(page, `forecasts (${lang})`);
      await fitsEveryWidth(page, `forecasts (${lang})`);
      await snap(page, `admin-forecasts-phone-${lang}`, { fullPage: true });
      await page.setViewportSize(DESKTOP);
      await snap(page, `admin-forecasts-desktop-${lang}`, { fullPage: true });
      if (lang === 'en') keepForDocs(`admin-forecasts-desktop-${lang}`);

      // The calendar: close on Sundays and add a holiday, saved for the next run.
      const calendar = page.getByTestId('calendar');
      await calendar.getByLabel(tr(lang, 'weekday.SU')).check();
      await calendar.getByLabel(tr(lang, 'forecasts.date'), { exact: true }).fill('2026-12-25');
      await calendar.getByLabel(tr(lang, 'forecasts.closedName')).fill('Christmas');
      await calendar.getByRole('button', { name: tr(lang, 'forecasts.addDay') }).click();
      await calendar.getByTestId('save-calendar').click();
      await calendar.getByText(tr(lang, 'forecasts.calendarSaved')).waitFor();
      const saved = await request(live.rt.app).get('/v1/forecasts/calendar').set('Authorization', `Bearer ${tokenFor(live.rt, owner)}`).expect(200);
      expect(saved.body).toMatchObject({ closedWeekdays: [7], closedDays: [{ date: '2026-10-13', name: 'Stocktaking' }, { date: '2026-12-25', name: 'Christmas' }] });
      await expectNoAxeViolations(page, `forecast calendar (${lang})`);
      await fitsEveryWidth(page, `forecast calendar (${lang})`);
      // Put the calendar back for the next language.
      await request(live.rt.app)
        .put('/v1/forecasts/calendar')
        .set('Authorization', `Bearer ${tokenFor(live.rt, owner)}`)
        .send({ closedWeekdays: [], closedDays: [{ date: '2026-10-13', name: 'Stocktaking' }] })
        .expect(200);
      await context.close();
    });
  }
});
