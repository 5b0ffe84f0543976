import type { Browser, BrowserContext, Page } from 'playwright-core';
import { tokenFor } from '../support/factories';
import { fitsEveryWidth } from './admin-helpers';
import { expectNoAxeViolations } from './axe';
import { browserAvailable, DESKTOP, keepForDocs, launchBrowser, type LiveServer, snap, startServer } from './browser';
import { tr } from './messages';

/**
 * The back office's offers in Chromium: the owner builds "10 % off dairy"
 * from the percent-off template, simulates it over the sales of the last
 * weeks, saves and activates it; a sale at the till uses it, and the offer's
 * report shows the use — in English, Chinese, Thai and Russian, at 390, 1024
 * and 1920 px, with axe on each page.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(240_000);

const LANGS = ['en', 'zh', 'th', 'ru'] as const;

suite('back-office offers screen in Chromium', () => {
  let live: LiveServer;
  let browser: Browser;
  let terminalToken = '';
  let ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let offerUrl = '';
  let requests = 0;

  async function api(method: string, path: string, token: string | null, body?: unknown): Promise<unknown> {
    const res = await fetch(`${live.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json', 'Idempotency-Key': `offers-e2e-${++requests}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json();
  }
  /** A sale at the till: yoghurt (dairy) 2 × 25.00 and bread 1 × 40.00. */
  const sale = () =>
    api('POST', '/v1/pos/purchases', terminalToken, {
      receiptNumber: `R-${++requests}`,
      occurredAt: new Date().toISOString(),
      lines: [
        { sku: 'YOG', quantity: 2000, unitPriceMinor: 2500 },
        { sku: 'BREAD', category: 'bakery', quantity: 1000, unitPriceMinor: 4000 },
      ],
    }) as Promise<{ purchase: { discountMinor: number } }>;

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    const setup = await live.rt.services.auth.ensureSetupToken();
    const session = (await api('POST', '/v1/setup', null, {
      token: setup?.token,
      merchant: { name: 'Dairy Corner', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'en' },
      owner: { email: 'owner@dairy.test', name: 'Olga Owner', password: 'correct horse battery staple' },
    })) as { accessToken: string; refreshToken: string; user: { merchantId: string; name: string } };
    const owner = session.accessToken;
    const merchantId = session.user.merchantId;
    const store = (await api('POST', '/v1/stores', owner, { code: 'MAIN', name: 'Main street' })) as { id: string };
    const { terminal } = (await api('POST', '/v1/terminals', owner, { name: 'Till 1', storeId: store.id })) as { terminal: { id: string } };
    terminalToken = tokenFor(live.rt, { kind: 'terminal', merchantId, terminalId: terminal.id, storeId: store.id });
    const dairy = (await api('POST', '/v1/product-categories', owner, { name: 'Dairy' })) as { id: string };
    await api('POST', '/v1/products', owner, { sku: 'YOG', name: 'Yoghurt', categoryId: dairy.id });
    // Past sales for the simulation: two with yoghurt, one without.
    await sale();
    await sale();
    await api('POST', '/v1/pos/purchases', terminalToken, { receiptNumber: 'R-bread', occurredAt: new Date().toISOString(), lines: [{ sku: 'BREAD', category: 'bakery', quantity: 1000, unitPriceMinor: 4000 }] });
    ownerState = {
      cookies: [],
      origins: [
        {
          origin: live.baseUrl,
          localStorage: [{ name: 'tally.staff', value: JSON.stringify({ accessToken: session.accessToken, refreshToken: session.refreshToken, merchantId, role: 'owner', name: session.user.name, storeIds: null }) }],
        },
      ],
    };
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  /** The builder filled from the percent-off template, simulated over past sales: `qualifying` of `baskets` have yoghurt. */
  async function buildAndSimulate(page: Page, lang: string, qualifying: number, baskets: number): Promise<void> {
    await page.goto(`${live.baseUrl}/admin/offers?lang=${lang}`);
    await page.getByRole('heading', { name: tr(lang, 'admin.nav.offers'), level: 1 }).waitFor();
    await page.getByRole('button', { name: tr(lang, 'offers.templates.percent') }).click();
    await page.getByLabel(tr(lang, 'offers.name')).fill('10% off dairy');
    await page.getByLabel(tr(lang, 'offers.percent')).fill('10');
    await page.getByRole('checkbox', { name: 'Dairy' }).check();
    await page.getByRole('button', { name: tr(lang, 'offers.simulate') }).click();
    // 10 % of 50.00 of yoghurt in each qualifying basket.
    await page.getByTestId('sim-baskets').getByText(tr(lang, 'offers.ofAll', { part: qualifying, all: baskets })).waitFor();
    await page.getByTestId('sim-discount').getByText(new RegExp(`${qualifying * 5}[.,]00`)).waitFor();
  }

  test('en: build from a template, simulate, save, activate, sell, and read the report', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, storageState: ownerState });
    const page = await context.newPage();
    await page.goto(`${live.baseUrl}/admin?lang=en`);
    await page.getByRole('link', { name: 'Offers' }).click();
    // Two of the three past baskets have yoghurt.
    await buildAndSimulate(page, 'en', 2, 3);
    await snap(page, 'admin-offers-simulation-desktop-en', { fullPage: true });
    keepForDocs('admin-offers-simulation-desktop-en');

    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { name: '10% off dairy', level: 1 }).waitFor();
    await page.getByTestId('offer-status').getByText('Draft').waitFor();
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByTestId('offer-status').getByText('Active').waitFor();
    offerUrl = page.url();

    const sold = await sale();
    expect(sold.purchase.discountMinor).toBe(500);
    await page.reload();
    await page.getByTestId('report-uses').getByText('1', { exact: true }).waitFor();
    await page.getByTestId('report-discount').getByText(/5[.,]00/).waitFor();

    await page.getByRole('link', { name: /Offers/ }).first().click();
    const row = page.getByRole('row', { name: /10% off dairy/ });
    await row.getByText('Active').waitFor();
    await row.getByText(/5\.00 · 0 pts/).waitFor();
    await context.close();
  });

  for (const lang of LANGS) {
    test(`${lang}: the builder with a simulation, the list and the offer's report fit every width and pass axe`, async () => {
      expect(offerUrl).not.toBe('');
      const context = await browser.newContext({ viewport: DESKTOP, storageState: ownerState });
      const page = await context.newPage();
      // With the sale that used the offer: three of four.
      await buildAndSimulate(page, lang, 3, 4);
      await fitsEveryWidth(page, `offers builder ${lang}`);
      await expectNoAxeViolations(page, `offers builder ${lang}`);
      for (const width of [390, 1024, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        await snap(page, `admin-offers-builder-${width}-${lang}`, { fullPage: true });
      }

      await page.setViewportSize(DESKTOP);
      await page.goto(`${offerUrl}?lang=${lang}`);
      await page.getByTestId('offer-status').getByText(tr(lang, 'offers.statuses.active')).waitFor();
      await page.getByTestId('report-uses').getByText('1', { exact: true }).waitFor();
      await fitsEveryWidth(page, `offer report ${lang}`);
      await expectNoAxeViolations(page, `offer report ${lang}`);
      for (const width of [390, 1024, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        const name = `admin-offer-report-${width}-${lang}`;
        await snap(page, name, { fullPage: true });
        if (width === 390 && lang === 'th') keepForDocs(name);
      }
      await context.close();
    });
  }
});
