import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tokenFor } from '../support/factories';
import { expectNoAxeViolations } from './axe';
import { fitsEveryWidth, setUpShop, type Shop } from './admin-helpers';
import { browserAvailable, DESKTOP, keepForDocs, launchBrowser, type LiveServer, PHONE, snap, startServer } from './browser';
import { tr } from './messages';

/**
 * A new shop's first hour in the back office, in a real Chromium, in English
 * and Chinese (tests run in order on one shop): the first-run checklist on a
 * fresh install, the program form (category rules, a promotion with hours,
 * the hint when the earn rate changes what points give back, no "version 0
 * since 1970"), the dashboard's period selector, per-store sales and tiles
 * that fit from 390 to 1920 px, and the checklist ticking itself off.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(240_000);

const DAY = 24 * 3600_000;

suite('back office in Chromium: first run, program and dashboard', () => {
  let live: LiveServer;
  let browser: Browser;
  let shop: Shop;
  const url = (path: string) => `${live.baseUrl}${path}`;
  const bearer = () => ({ Authorization: `Bearer ${tokenFor(live.rt, shop.owner)}` });

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    shop = await setUpShop(live, browser, 'Baan Mart', 'owner@baan.test');
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  async function open(path: string, lang: string, viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, storageState: shop.ownerState });
    const page = await context.newPage();
    await page.goto(url(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`));
    return { context, page };
  }

  const steps = (page: Page) => page.getByTestId('checklist').locator('li');
  async function ticked(page: Page): Promise<boolean[]> {
    await steps(page).first().waitFor();
    return (await steps(page).evaluateAll((items) => items.map((li) => li.getAttribute('data-done')))).map((d) => d === 'true');
  }

  test('en: a fresh install shows the first-run checklist with nothing done, and the program as the built-in default', async () => {
    const { context, page } = await open('/admin', 'en');
    const list = page.getByTestId('checklist');

    await list.getByRole('heading', { name: tr('en', 'checklist.title') }).waitFor();
    expect(await ticked(page)).toEqual([false, false, false, false, false]);
    for (const [step, href] of [
      ['store', '/admin/stores'],
      ['till', '/admin/terminals'],
      ['program', '/admin/program'],
      ['cards', '/admin/cards'],
      ['poster', '/admin/poster'],
    ]) {
      expect(await list.getByRole('link', { name: tr('en', `checklist.${step}`) }).getAttribute('href')).toBe(href);
    }
    await expectNoAxeViolations(page, 'dashboard with checklist (en)');
    await fitsEveryWidth(page, 'dashboard with checklist (en)');
    await snap(page, 'admin-checklist-phone-en', { fullPage: true });
    keepForDocs('admin-checklist-phone-en');

    await list.getByRole('link', { name: tr('en', 'checklist.program') }).click();
    const version = page.getByTestId('program-version');
    await version.waitFor();
    expect(await version.textContent()).toBe(tr('en', 'program.defaultVersion'));
    expect(await page.content()).not.toContain('1970');
    await context.close();
  });

  for (const lang of ['en', 'zh'] as const) {
    test(`${lang}: the program form sets category rules and a promotion with hours, and warns when the earn rate changes what points give back`, async () => {
      const { context, page } = await open('/admin/program', lang, DESKTOP);
      await page.getByTestId('program-version').waitFor();
      await page.getByTestId('return-rate').waitFor();

      // Double points per 10 THB instead of 1 per 25 changes what a point gives back: the hint says so.
      await page.getByLabel(tr(lang, 'program.points'), { exact: true }).first().fill(lang === 'en' ? '2' : '3');
      const hint = page.getByText(tr(lang, 'program.valueHint', { now: 'X', before: 'Y' }).split('X')[0]);
      await hint.waitFor();

      // Category rules: tobacco earns nothing, fresh food double.
      const categories = lang === 'en' ? [['tobacco', '0'], ['fresh', '200']] : [['beer', '50']];
      for (const [i, [category, percent]] of categories.entries()) {
        await page.getByRole('button', { name: tr(lang, 'program.addCategoryMultiplier') }).click();
        const rule = page.getByRole('group', { name: tr(lang, 'program.categoryMultiplierN', { n: i + 1 }) });
        await rule.getByLabel(tr(lang, 'program.category')).fill(category);
        await rule.getByLabel(tr(lang, 'program.multiplier')).fill(percent);
      }

      // A promotion on Fridays from 17:00 until 01:00 (past midnight), for drinks only.
      await page.getByRole('button', { name: tr(lang, 'program.addPromotion') }).click();
      const promo = page.getByRole('group', { name: tr(lang, 'program.promotionN', { n: 1, name: tr(lang, 'program.newPromotion') }) });
      await promo.getByLabel(tr(lang, 'program.weekday'), { exact: true }).selectOption('FR');
      await promo.getByLabel(tr(lang, 'program.fromTime')).fill('17:00');
      await promo.getByLabel(tr(lang, 'program.untilTime')).fill('01:00');
      await promo.getByLabel(tr(lang, 'program.promoCategories')).fill('drinks, beer');
      await promo.getByLabel(tr(lang, 'program.promoCategories')).blur();
      await page.getByText(tr(lang, 'program.timesIn', { zone: 'Asia/Bangkok' })).waitFor();
      await expectNoAxeViolations(page, `program form (${lang})`);
      await fitsEveryWidth(page, `program form (${lang})`);
      await snap(page, `admin-program-desktop-${lang}`, { fullPage: true });

      const before = (await request(live.rt.app).get('/v1/program').set(bearer()).expect(200)).body.version as number;
      await page.getByRole('button', { name: tr(lang, 'program.save'), exact: true }).click();
      await page.getByText(tr(lang, 'program.saved', { version: before + 1 })).waitFor();
      const saved = (await request(live.rt.app).get('/v1/program').set(bearer()).expect(200)).body;
      expect(saved.version).toBe(before + 1);
      expect(saved.rules.earning.baseRate.points).toBe(lang === 'en' ? 2 : 3);
      expect(saved.rules.earning.categoryMultipliers).toEqual(categories.map(([category, percent]) => ({ category, multiplierPercent: Number(percent) })));
      expect(saved.rules.promotions).toHaveLength(1);
      expect(saved.rules.promotions[0]).toMatchObject({ recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=FR', startTime: '17:00', durationMinutes: 8 * 60 }, categories: ['drinks', 'beer'] });
      // Saved: the version line names the version, the hint is gone.
      await page.getByTestId('program-version').getByText(new RegExp(`${before + 1}`)).waitFor();
      await page.getByTestId('return-rate').waitFor();
      if (lang === 'en') keepForDocs('admin-program-desktop-en');

      // Remove them again for the next language's run.
      await request(live.rt.app)
        .put('/v1/program')
        .set(bearer())
        .send({ rules: { ...saved.rules, promotions: [], earning: { ...saved.rules.earning, categoryMultipliers: [] } } })
        .expect(200);
      await context.close();
    });
  }

  test('en and zh: the dashboard follows its period, splits sales per store and keeps big amounts in their tiles', async () => {
    // Two stores with a till each; sales today in both and a big one 10 days ago in the first.
    const stores = [];
    for (const [code, name] of [
      ['MAIN', 'Baan Mart Main'],
      ['SOI5', 'Baan Mart Soi 5'],
    ]) {
      const store = (await request(live.rt.app).post('/v1/stores').set(bearer()).send({ code, name }).expect(201)).body;
      const terminal = (await request(live.rt.app).post('/v1/terminals').set(bearer()).send({ storeId: store.id, name: `Till ${code}` }).expect(201)).body;
      const till = terminal.terminal ?? terminal;
      stores.push({ store, token: tokenFor(live.rt, { kind: 'terminal', merchantId: shop.owner.merchantId, terminalId: till.id, storeId: store.id }) });
    }
    const sell = async (token: string, minor: number, occurredAt = new Date(), quantity = 1000) =>
      request(live.rt.app)
        .post('/v1/pos/purchases')
        .set({ Authorization: `Bearer ${token}`, 'Idempotency-Key': `sale-${Math.random().toString(36).slice(2)}` })
        .send({ receiptNumber: `R${Math.random().toString(36).slice(2, 10)}`, occurredAt: occurredAt.toISOString(), lines: [{ sku: 'GOODS', quantity, unitPriceMinor: minor }] })
        .expect(201);
    // A wholesale order: 125 units at 987,654.32 THB, 10 days ago.
    await sell(stores[0].token, 98_765_432, new Date(Date.now() - 10 * DAY), 125_000);
    await sell(stores[0].token, 250_000);
    await sell(stores[1].token, 99_000);

    for (const lang of ['en', 'zh'] as const) {
      const { context, page } = await open('/admin', lang);
      const kpis = page.getByTestId('kpis');
      await kpis.waitFor();
      const period = page.getByLabel(tr(lang, 'dashboard.period'));
      const anonymousTile = kpis.locator('section').filter({ hasText: tr(lang, 'dashboard.anonymousSales') }).getByTestId('kpi-value');

      await period.selectOption('7');
      await page.getByTestId('chart-new').and(page.locator('[data-buckets="7"]')).waitFor();
      const week = await anonymousTile.textContent();
      await period.selectOption('30');
      await page.getByTestId('chart-new').and(page.locator('[data-buckets="30"]')).waitFor();
      await anonymousTile.filter({ hasNotText: week ?? '' }).waitFor();
      const month = await anonymousTile.textContent();
      expect(month).not.toBe(week);
      expect(month).toContain('123,460,280.00');
      expect(week).toContain('3,490.00');
      await period.selectOption('90');
      await page.getByTestId('chart-new').and(page.locator('[data-buckets="13"]')).waitFor();

      // Per store, with the stores' names.
      const byStore = page.getByTestId('by-store');
      await byStore.getByText('Baan Mart Main').waitFor();
      await byStore.getByText('Baan Mart Soi 5').waitFor();

      // Every amount stays inside its tile, at every width.
      for (const width of [390, 1024, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        // A string expression: the test code has no DOM types.
        const overflowing = (await page.evaluate(
          `[...document.querySelectorAll('[data-testid="kpi-value"]')].filter((e) => e.scrollWidth > e.clientWidth || e.getBoundingClientRect().right > e.parentElement.getBoundingClientRect().right).map((e) => e.textContent)`,
        )) as string[];
        expect({ width, overflowing }).toEqual({ width, overflowing: [] });
      }
      await page.setViewportSize(PHONE);
      await expectNoAxeViolations(page, `dashboard (${lang})`);
      await fitsEveryWidth(page, `dashboard (${lang})`);
      await snap(page, `admin-dashboard-phone-${lang}`, { fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      await snap(page, `admin-dashboard-stores-desktop-${lang}`, { fullPage: true });
      keepForDocs(`admin-dashboard-stores-desktop-${lang}`);
      await context.close();
    }
  });

  test('zh: the checklist ticks off what is done and goes away once the poster is opened', async () => {
    await request(live.rt.app).post('/v1/card-batches').set(bearer()).send({ count: 2 }).expect(201);
    const { context, page } = await open('/admin', 'zh');
    expect(await ticked(page)).toEqual([true, true, true, true, false]);
    await expectNoAxeViolations(page, 'checklist (zh)');
    await snap(page, 'admin-checklist-phone-zh', { fullPage: true });
    await page.getByTestId('checklist').getByRole('link', { name: tr('zh', 'checklist.poster') }).click();
    await page.goto(url('/admin?lang=zh'));
    await page.getByTestId('kpis').waitFor();
    expect(await page.getByTestId('checklist').count()).toBe(0);
    await context.close();
  });
});
