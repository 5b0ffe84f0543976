import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startJobs, type RunningJobs } from '../../src/jobs/start-jobs';
import { tokenFor } from '../support/factories';
import { startMailServer, type TestMailServer } from '../support/smtp';
import { eventually } from '../support/wait';
import { fitsEveryWidth } from './admin-helpers';
import { expectNoAxeViolations } from './axe';
import { browserAvailable, DESKTOP, keepForDocs, launchBrowser, type LiveServer, PHONE, snap, startServer } from './browser';

/**
 * Feedback end to end (issue 13) in Chromium, with a real SMTP server: a
 * shopper without a card answers the link on a receipt in Thai and gets the
 * thanks by email; the owner sees the case in the back office, notes and
 * resolves it; the resolution reaches the shopper by email and on the
 * receipt's page. A shopper who left no address reads the resolution on the
 * page only. Pages at 390, 1024 and 1920 px, axe on each.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(240_000);

suite('feedback from a receipt to a resolution', () => {
  let live: LiveServer;
  let browser: Browser;
  let mail: TestMailServer;
  let jobs: RunningJobs;
  let terminalToken = '';
  let ownerToken = '';
  let ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let shopper: Page;

  beforeAll(async () => {
    mail = await startMailServer();
    live = await startServer({ env: { SMTP_URL: mail.url, SMTP_FROM: 'Baan Suan Market <shop@baansuan.test>' } });
    jobs = await startJobs(live.rt, { consume: true, relay: { busyIntervalMs: 20, idleIntervalMs: 50 } });
    browser = await launchBrowser();
    const setup = await live.rt.services.auth.ensureSetupToken();
    const session = (await api('POST', '/v1/setup', null, {
      token: setup?.token,
      merchant: { name: 'Baan Suan Market', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'th-TH' },
      owner: { email: 'owner@baansuan.test', name: 'Somchai Owner', password: 'correct horse battery staple' },
    })) as { accessToken: string; refreshToken: string; user: { merchantId: string; name: string } };
    ownerToken = session.accessToken;
    const merchantId = session.user.merchantId;
    const store = (await api('POST', '/v1/stores', ownerToken, { code: 'MAIN', name: 'Main street' })) as { id: string };
    const { terminal } = (await api('POST', '/v1/terminals', ownerToken, { name: 'Till 1', storeId: store.id })) as { terminal: { id: string } };
    terminalToken = tokenFor(live.rt, { kind: 'terminal', merchantId, terminalId: terminal.id, storeId: store.id });
    // Someone to assign cases to.
    await api('POST', '/v1/staff', ownerToken, { email: 'niran@baansuan.test', name: 'Niran Manager', password: 'correct horse battery staple', role: 'manager' });
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
    await jobs?.stop();
    await live?.close();
    await mail?.close();
  });

  let requests = 0;
  async function api(method: string, path: string, token: string | null, body?: unknown): Promise<unknown> {
    const res = await fetch(`${live.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json', 'Idempotency-Key': `feedback-e2e-${++requests}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  }

  /** An anonymous sale at the till; its receipt's feedback page on this server. */
  async function saleLink(): Promise<string> {
    const sale = (await api('POST', '/v1/pos/purchases', terminalToken, {
      receiptNumber: `R-${Date.now()}-${requests}`,
      occurredAt: new Date().toISOString(),
      lines: [{ sku: 'DURIAN', category: 'fruit', quantity: 1000, unitPriceMinor: 25000 }],
    })) as { feedbackUrl: string; receiptText: string[] };
    expect(sale.receiptText.join('\n')).toContain(sale.feedbackUrl);
    return `${live.baseUrl}/f/${sale.feedbackUrl.split('/f/')[1]}`;
  }

  it('a shopper without a card answers the receipt link in Thai and gets the thanks by email', async () => {
    const link = await saleLink();
    const context = await browser.newContext({ viewport: PHONE, locale: 'th-TH' });
    shopper = await context.newPage();
    await shopper.goto(`${link}?lang=th`);
    await shopper.getByRole('heading', { name: 'Baan Suan Market' }).waitFor();
    await expectNoAxeViolations(shopper, 'feedback question (th)');
    await fitsEveryWidth(shopper, 'feedback question');
    await snap(shopper, 'feedback-question-th-390', { fullPage: true });
    keepForDocs('feedback-question-th-390');

    await shopper.getByRole('radio', { name: '2', exact: true }).click();
    await shopper.getByLabel('ความคิดเห็น (ไม่บังคับ)').fill('ทุเรียนไม่สุก พนักงานไม่สนใจ');
    await shopper.getByLabel('อีเมล (ไม่บังคับ)').fill('malee@example.test');
    await shopper.getByRole('button', { name: 'ส่ง' }).click();
    await shopper.getByTestId('feedback-thanks').waitFor();
    await expectNoAxeViolations(shopper, 'feedback thanks (th)');
    await fitsEveryWidth(shopper, 'feedback thanks');

    const thanks = await eventually(() => mail.received.find((m) => m.to && !Array.isArray(m.to) && m.to.text === 'malee@example.test') ?? Promise.reject(new Error('no thank-you yet')), 20_000);
    expect(thanks.subject).toBe('Baan Suan Market: ขอบคุณสำหรับความคิดเห็นของคุณ');
    expect(thanks.text).toContain('เจ้าหน้าที่ของร้านจะตรวจสอบ');
  });

  it('the owner sees the case, notes and resolves it; the shopper gets the answer by email and on the page', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, storageState: ownerState });
    const page = await context.newPage();
    await page.goto(`${live.baseUrl}/admin?lang=en`);
    await page.getByTestId('dashboard-cases').waitFor();
    await page.getByRole('link', { name: /Feedback cases: 1/ }).click();
    await page.getByRole('heading', { name: 'Feedback', exact: true }).waitFor();
    await page.getByTestId('cases').getByText('ทุเรียนไม่สุก พนักงานไม่สนใจ').waitFor();
    await page.getByRole('button', { name: 'Open case' }).click();
    const view = page.getByTestId('case-view');
    await view.getByText('malee@example.test').waitFor();
    await view.getByRole('button', { name: 'Mark in progress' }).click();
    await view.getByText('In progress', { exact: true }).waitFor();
    await view.getByLabel('Assigned to').selectOption({ label: 'Niran Manager' });
    await page.getByTestId('cases').getByRole('cell', { name: 'Niran Manager' }).waitFor();
    expect(await view.getByLabel('Assigned to').inputValue()).not.toBe('');
    await view.getByLabel('New note').fill('Durian supplier called');
    await view.getByRole('button', { name: 'Add note' }).click();
    await view.getByText('Durian supplier called').waitFor();
    await expectNoAxeViolations(page, 'back office feedback with a case open');
    await fitsEveryWidth(page, 'back office feedback');
    await snap(page, 'feedback-admin-case-1280', { fullPage: true });
    keepForDocs('feedback-admin-case-1280');

    await view.getByLabel('Answer to the shopper').fill('We are sorry. The durians now come from a new farm, and a refund waits for you at the desk.');
    await view.getByRole('button', { name: 'Resolve and send' }).click();
    await view.getByText(/sent by email/).waitFor();

    const answer = await eventually(() => mail.received.find((m) => m.subject === 'Baan Suan Market: คำตอบสำหรับความคิดเห็นของคุณ') ?? Promise.reject(new Error('no resolution yet')), 20_000);
    expect(answer.text).toContain('a refund waits for you at the desk');

    await shopper.reload();
    await shopper.getByTestId('feedback-resolution').getByText('a refund waits for you at the desk', { exact: false }).waitFor();
    await expectNoAxeViolations(shopper, 'feedback resolution (th)');
    await snap(shopper, 'feedback-resolution-th-390', { fullPage: true });
    keepForDocs('feedback-resolution-th-390');
  });

  it('the Feedback page works in Chinese, Thai and Russian at 390, 1024 and 1920 px, with an assigned case open', async () => {
    const token = (await saleLink()).split('/f/')[1];
    await api('POST', `/v1/receipt-feedback/${token}`, null, { score: 0, comment: 'ที่จอดรถเต็มตลอด รอนานมาก', language: 'th' });
    const { items } = (await api('GET', '/v1/feedback/cases?status=open', ownerToken)) as { items: { id: string; answer: { comment: string } }[] };
    const kase = items.find((c) => c.answer.comment === 'ที่จอดรถเต็มตลอด รอนานมาก');
    const { items: staff } = (await api('GET', '/v1/staff', ownerToken)) as { items: { id: string; name: string }[] };
    await api('PATCH', `/v1/feedback/cases/${kase?.id}`, ownerToken, { assigneeId: staff.find((p) => p.name === 'Niran Manager')?.id });
    for (const lang of ['zh', 'th', 'ru'] as const) {
      const context = await browser.newContext({ viewport: DESKTOP, storageState: ownerState });
      const page = await context.newPage();
      await page.goto(`${live.baseUrl}/admin/feedback?lang=${lang}`);
      const row = page.getByTestId('cases').getByRole('row', { name: /ที่จอดรถเต็มตลอด/ });
      await row.getByRole('cell', { name: 'Niran Manager' }).waitFor();
      await row.getByRole('button').click();
      await page.getByTestId('case-view').getByText('ที่จอดรถเต็มตลอด รอนานมาก').waitFor();
      await page.getByTestId('follow-up').waitFor();
      await page.getByTestId('churn-run').waitFor();
      await expectNoAxeViolations(page, `back office feedback (${lang})`);
      await fitsEveryWidth(page, `back office feedback ${lang}`);
      for (const width of [390, 1024, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        await snap(page, `feedback-admin-${lang}-${width}`, { fullPage: true });
      }
      await context.close();
    }
  });

  it('a shopper who left no address reads the resolution on the page, in Chinese, Russian and English too', async () => {
    const link = await saleLink();
    const token = link.split('/f/')[1];
    await api('POST', `/v1/receipt-feedback/${token}`, null, { score: 1, comment: 'Очередь на кассе 20 минут', language: 'ru' });
    const { items } = (await api('GET', '/v1/feedback/cases?status=open', ownerToken)) as { items: { id: string; answer: { comment: string } }[] };
    const kase = items.find((c) => c.answer.comment === 'Очередь на кассе 20 минут');
    const before = mail.received.length;
    const resolved = (await api('POST', `/v1/feedback/cases/${kase?.id}/resolve`, ownerToken, { message: 'Мы открыли вторую кассу в часы пик.' })) as { resolutionSentVia: string | null };
    expect(resolved.resolutionSentVia).toBeNull();
    for (const lang of ['ru', 'zh', 'en']) {
      const context = await browser.newContext({ viewport: PHONE });
      const page = await context.newPage();
      await page.goto(`${link}?lang=${lang}`);
      await page.getByTestId('feedback-resolution').getByText('Мы открыли вторую кассу в часы пик.').waitFor();
      await expectNoAxeViolations(page, `feedback resolution (${lang})`);
      await fitsEveryWidth(page, `feedback resolution ${lang}`);
      await context.close();
    }
    // The outbox was relayed meanwhile (the pages above took longer than a relay round): no email went out.
    expect(mail.received.length).toBe(before);
  });
});
