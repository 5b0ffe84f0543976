import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, DESKTOP, launchBrowser, type LiveServer, PHONE, snap, startServer } from './browser';

/**
 * The back office's webhooks screen in a real Chromium, in English and Thai
 * at phone size: an owner subscribes a real local HTTP receiver, sees the
 * signing secret once, sends a test that the receiver gets signed with that
 * secret, reads it in the delivery log, disables, re-enables and deletes.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(180_000);

/** The labels the test clicks, per language (the screen's own words). */
const WORDS = {
  en: {
    nav: 'Webhooks',
    url: 'Endpoint URL',
    description: 'Description (optional)',
    add: 'Add webhook',
    sendTest: 'Send test',
    testOk: 'Test delivered: the endpoint answered 200.',
    delivered: 'Delivered',
    disable: 'Disable',
    disabled: 'Disabled',
    byStaff: 'Turned off by staff',
    enable: 'Enable',
    enabled: 'Enabled',
    delete: 'Delete',
    none: 'No webhooks yet.',
  },
  th: {
    nav: 'เว็บฮุก',
    url: 'URL ปลายทาง',
    description: 'คำอธิบาย (ไม่บังคับ)',
    add: 'เพิ่มเว็บฮุก',
    sendTest: 'ส่งทดสอบ',
    testOk: 'ส่งทดสอบสำเร็จ: ปลายทางตอบ 200',
    delivered: 'ส่งแล้ว',
    disable: 'ปิด',
    disabled: 'ปิดอยู่',
    byStaff: 'พนักงานปิดไว้',
    enable: 'เปิดใช้',
    enabled: 'เปิดใช้',
    delete: 'ลบ',
    none: 'ยังไม่มีเว็บฮุก',
  },
} as const;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

suite('back-office webhooks screen in Chromium', () => {
  let live: LiveServer;
  let browser: Browser;
  let receiver: Server;
  let receiverUrl = '';
  let ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  const received: Received[] = [];

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.url?.startsWith('/fail') ? 500 : 200).end('ok');
      });
    });
    await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', () => ok()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    // The owner sets the shop up once; each language reuses the signed-in state.
    const setup = await live.rt.services.auth.ensureSetupToken();
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(url(`/setup?token=${encodeURIComponent(setup!.token)}&lang=en`));
    await page.getByLabel('Shop name').fill('Hook Mart');
    await page.getByLabel('Currency').selectOption('THB');
    await page.getByLabel('Time zone').selectOption('Asia/Bangkok');
    await page.getByLabel('Name', { exact: true }).fill('Olga Owner');
    await page.getByLabel('Email').fill('owner@hooks.test');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create shop' }).click();
    await page.waitForURL('**/admin');
    ownerState = await context.storageState();
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((ok) => (receiver ? receiver.close(() => ok()) : ok()));
  });

  const url = (path: string) => `${live.baseUrl}${path}`;

  async function noSidewaysScroll(page: Page, width: number): Promise<void> {
    await page.setViewportSize({ width, height: 844 });
    const [scroll, client] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
    expect({ width, scroll }).toEqual({ width, scroll: client });
  }

  for (const lang of ['en', 'th'] as const) {
    test(`${lang}: subscribe a local receiver, see the secret once, send a test and read the log`, async () => {
      const w = WORDS[lang];
      const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState: ownerState });
      const page = await context.newPage();
      await page.goto(url(`/admin?lang=${lang}`));
      await page.getByRole('link', { name: w.nav }).click();
      await page.getByRole('heading', { name: w.nav, level: 1 }).waitFor();
      await page.getByText(w.none).waitFor();

      const hookUrl = `${receiverUrl}/hook-${lang}`;
      await page.getByLabel(w.url).fill(hookUrl);
      await page.getByLabel(w.description).fill(`Stock system (${lang})`);
      await page.getByLabel('member.enrolled').check();
      await page.getByLabel('points.changed').check();
      await page.getByRole('button', { name: w.add }).click();

      const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      const card = page.getByRole('article', { name: hookUrl });
      await card.getByText(w.enabled, { exact: true }).waitFor();
      await card.getByText('points.changed').waitFor();
      await snap(page, `admin-webhooks-created-phone-${lang}`, { fullPage: true });
      await noSidewaysScroll(page, PHONE.width);

      // Shown once: opened again, the page has the secret nowhere.
      await page.goto(url(`/admin/webhooks?lang=${lang}`));
      await card.waitFor();
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);
      expect(await page.content()).not.toContain(secret);

      // A test delivery reaches the receiver, signed with that secret, and shows in the log.
      const before = received.length;
      await card.getByRole('button', { name: w.sendTest }).click();
      await page.getByText(w.testOk).waitFor();
      const log = card.getByTestId('webhook-log');
      await log.getByText('webhook.test').waitFor();
      await log.getByText(w.delivered).waitFor();
      await log.getByText('200', { exact: true }).waitFor();
      expect(received.length).toBe(before + 1);
      const got = received[received.length - 1];
      expect(got.path).toBe(`/hook-${lang}`);
      expect(got.headers['x-tally-event-type']).toBe('webhook.test');
      const expected = 'sha256=' + createHmac('sha256', secret).update(`${String(got.headers['x-tally-timestamp'])}.${got.body}`).digest('hex');
      expect(got.headers['x-tally-signature']).toBe(expected);
      await snap(page, `admin-webhooks-log-phone-${lang}`, { fullPage: true });
      await noSidewaysScroll(page, PHONE.width);
      await noSidewaysScroll(page, 1024);
      await noSidewaysScroll(page, 1920);
      await snap(page, `admin-webhooks-log-wide-${lang}`);
      await page.setViewportSize(PHONE);

      // Disable (confirmed), the reason shows; enable again; delete (confirmed).
      await card.getByRole('button', { name: w.disable, exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: w.disable, exact: true }).click();
      await card.getByText(w.byStaff).waitFor();
      await card.getByText(w.disabled, { exact: true }).waitFor();
      await snap(page, `admin-webhooks-disabled-phone-${lang}`, { fullPage: true });
      await card.getByRole('button', { name: w.enable, exact: true }).click();
      await card.getByRole('button', { name: w.disable, exact: true }).waitFor();
      await card.getByRole('button', { name: w.delete, exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: w.delete, exact: true }).click();
      await page.getByText(w.none).waitFor();
      expect(Number((await live.rt.db.manager.query('SELECT COUNT(*) AS n FROM webhook_subscriptions'))[0].n)).toBe(0);
      await context.close();
    });
  }

  test('en: a receiver that answers 500 shows the failed test and its error in the log', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState: ownerState });
    const page = await context.newPage();
    await page.goto(url('/admin/webhooks?lang=en'));
    const hookUrl = `${receiverUrl}/fail`;
    await page.getByLabel('Endpoint URL').fill(hookUrl);
    await page.getByLabel('tier.changed').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    const card = page.getByRole('article', { name: hookUrl });
    await card.getByRole('button', { name: 'Send test' }).click();
    await card.getByText('Test not delivered: answered 500').waitFor();
    const log = card.getByTestId('webhook-log');
    await log.getByText('Failed', { exact: true }).waitFor();
    await log.getByText('500', { exact: true }).waitFor();
    await log.getByText('answered 500').waitFor();
    // A test send never counts toward the failures that disable a subscription.
    await card.getByText('Failures in a row: 0').waitFor();
    await snap(page, 'admin-webhooks-failed-phone-en', { fullPage: true });
    await noSidewaysScroll(page, PHONE.width);
    await context.close();
  });
});
