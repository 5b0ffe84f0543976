import request from 'supertest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Principal } from '../../src/http/principal';
import { tokenFor } from '../support/factories';
import { importWorld, makeWorld } from '../integration/analytics/analytics-world';
import { expectNoAxeViolations } from './axe';
import { tr } from './messages';
import { fitsEveryWidth, setUpShop } from './admin-helpers';
import { browserAvailable, DESKTOP, keepForDocs, launchBrowser, type LiveServer, PHONE, snap, startServer } from './browser';

/**
 * The analytics screens in a real Chromium, in English, Chinese, Thai and
 * Russian: a shop's history imported through the history import and scored,
 * then the RFM heat map (a cell opens its members), the at-risk list with its
 * reasons, CLV, the ABC Pareto chart, the diagnostics, and the member page's
 * analytics panel; axe and no sideways scroll at 390, 1024 and 1920 px.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(300_000);

suite('analytics screens in Chromium', () => {
  let live: LiveServer;
  let browser: Browser;
  let ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let owner: Principal;
  const url = (path: string) => `${live.baseUrl}${path}`;

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    ({ ownerState, owner } = await setUpShop(live, browser, 'Corner Mart', 'owner@analytics.test'));
    const token = tokenFor(live.rt, owner);
    await request(live.rt.app).post('/v1/stores').set('Authorization', `Bearer ${token}`).send({ code: 'MAIN', name: 'Main street' }).expect(201);
    await importWorld(live.rt.app, token, 'MAIN', makeWorld(300, 11));
    const run = await request(live.rt.app).post('/v1/analytics/runs').set('Authorization', `Bearer ${token}`).send({ asOf: '2024-12-01' }).expect(202);
    await live.rt.services.analyticsScoring.run(run.body.id);
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  for (const lang of ['en', 'zh', 'th', 'ru'] as const) {
    test(`${lang}: heat map, at-risk list, CLV, Pareto and diagnostics; a cell opens its members; the member panel`, async () => {
      const context = await browser.newContext({ viewport: PHONE, storageState: ownerState });
      const page = await context.newPage();
      await page.goto(url(`/admin/analytics?lang=${lang}`));
      await page.getByRole('heading', { name: tr(lang, 'analytics.title'), level: 1 }).waitFor();
      await page.getByTestId('rfm-heatmap').waitFor();
      await page.getByTestId('at-risk').locator('tbody tr').first().waitFor();
      await page.getByTestId('backtest').waitFor();
      // Reasons are sentences in the page's language.
      const reason = await page.getByTestId('at-risk').locator('tbody tr').first().locator('td').nth(3).textContent();
      expect(reason).toContain(tr(lang, 'analytics.reason', { rhythm: '', ago: '' }).split(/[;；]/)[0].trim().slice(0, 2));

      // A cell of the heat map opens its members.
      const cell = page.getByTestId('rfm-heatmap').getByRole('button', { name: new RegExp(`^${escape(tr(lang, 'analytics.cellLabel', { r: 5, f: 5, count: 'X' })).replace('X', '.*')}$`) });
      await cell.click();
      await page.getByTestId('cell-members').locator('tbody tr').first().waitFor();
      expect(await cell.getAttribute('aria-pressed')).toBe('true');

      await expectNoAxeViolations(page, `analytics (${lang})`);
      await fitsEveryWidth(page, `analytics (${lang})`);
      await snap(page, `admin-analytics-phone-${lang}`, { fullPage: true });
      await page.setViewportSize(DESKTOP);
      await snap(page, `admin-analytics-desktop-${lang}`, { fullPage: true });
      if (lang === 'en') keepForDocs(`admin-analytics-desktop-${lang}`);

      // The member page has the analytics panel.
      await page.getByTestId('at-risk').locator('tbody tr').first().getByRole('link').click();
      const panel = page.getByTestId('member-analytics');
      await panel.getByText(tr(lang, 'analytics.pAlive')).waitFor();
      await expectNoAxeViolations(page, `member page with analytics (${lang})`);
      await fitsEveryWidth(page, `member page with analytics (${lang})`);
      await snap(panel, `admin-member-analytics-${lang}`);
      if (lang === 'en') keepForDocs(`admin-member-analytics-${lang}`);
      await context.close();
    });
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
