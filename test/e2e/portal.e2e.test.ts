import { readFileSync } from 'node:fs';
import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectNoAxeViolations } from './axe';
import { browserAvailable, DESKTOP, expectNoSidewaysScroll, keepForDocs, launchBrowser, type LiveServer, PHONE, shot, snap, startServer } from './browser';
import { DEFAULT_RULES } from '../../src/rules/program.schemas';
import { tokenFor } from '../support/factories';

/**
 * The shopper portal of a real shop (issue 14) in Chromium, in Thai and
 * English (and Chinese for the unknown address): the owner prints the poster
 * in the shop's colour; a shopper types its short address, joins with a code,
 * shows a card a 1D scanner reads, sees a return in the history, learns how
 * points work and when theirs expire; consents never say "withdrawn" for
 * what was never given. Every page at 390, 1024 and 1920 px with an axe check.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(240_000);

const WIDTHS = [390, 1024, 1920];
const WIDE = { width: 1920, height: 1080 };

/** Reads an EAN-13 from a screenshot, as a 1D scanner would. */
function decodeEan13(file: string): string | null {
  const png = PNG.sync.read(readFileSync(file));
  const pixels = new Uint8ClampedArray(png.width * png.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = png.data[i * 4];
  const reader = new MultiFormatReader();
  reader.setHints(
    new Map<DecodeHintType, unknown>([
      [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.EAN_13]],
      [DecodeHintType.TRY_HARDER, true],
    ]),
  );
  try {
    return reader.decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, png.width, png.height)))).getText();
  } catch {
    return null;
  }
}

suite('the shopper portal of a real shop', () => {
  let live: LiveServer;
  let browser: Browser;
  let merchantId = '';
  let ownerToken = '';
  let terminalToken = '';
  let shortPath = '';
  let shopper: BrowserContext;
  let page: Page;
  let cardNumber = '';
  const phone = '+66817770001';

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    const setup = await live.rt.services.auth.ensureSetupToken();
    const res = await fetch(url('/v1/setup'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        token: setup?.token,
        merchant: { name: 'Baan Suan Market', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'th-TH' },
        owner: { email: 'owner@baansuan.test', name: 'Somchai Owner', password: 'correct horse battery staple' },
      }),
    });
    const session = (await res.json()) as { accessToken: string; refreshToken: string; user: { merchantId: string; name: string; role: string; storeIds: null } };
    merchantId = session.user.merchantId;
    ownerToken = session.accessToken;
    // Points expire 90 days after the purchase: the portal shows the dates.
    await api('PUT', '/v1/program', ownerToken, { rules: { ...DEFAULT_RULES, expiry: { kind: 'days', days: 90 } } });
    const store = (await api('POST', '/v1/stores', ownerToken, { code: 'MAIN', name: 'Main street' })) as { id: string };
    const { terminal } = (await api('POST', '/v1/terminals', ownerToken, { name: 'Till 1', storeId: store.id })) as { terminal: { id: string } };
    terminalToken = tokenFor(live.rt, { kind: 'terminal', merchantId, terminalId: terminal.id, storeId: store.id });
    ownerState = {
      cookies: [],
      origins: [
        {
          origin: live.baseUrl,
          localStorage: [
            {
              name: 'tally.staff',
              value: JSON.stringify({ accessToken: session.accessToken, refreshToken: session.refreshToken, merchantId, role: 'owner', name: session.user.name, storeIds: null }),
            },
          ],
        },
      ],
    };
  });

  let ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;

  // The shopper's page after each step, as an artifact for a failing run.
  afterEach(async () => {
    const name = expect.getState().currentTestName?.replace(/\W+/g, '-').slice(-60) ?? 'step';
    if (page && !page.isClosed()) await snap(page, `steps/portal-${name}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  function url(path: string): string {
    return `${live.baseUrl}${path}`;
  }

  let requests = 0;
  async function api(method: string, path: string, token: string | null, body?: unknown): Promise<unknown> {
    const res = await fetch(url(path), {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json', 'Idempotency-Key': `portal-e2e-${++requests}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  }

  /** The code last sent to a destination; call it once the page shows the code field (the request has been answered). */
  async function latestCode(destination: string): Promise<string> {
    const rows: { body: string }[] = await live.rt.db.manager.query('SELECT body FROM notifications WHERE merchant_id = ? AND destination = ? ORDER BY created_at DESC LIMIT 1', [merchantId, destination]);
    const code = /\b(\d{6})\b/.exec(rows[0]?.body ?? '')?.[1];
    if (!code) throw new Error(`no code sent to ${destination}`);
    return code;
  }

  /** The page at every width: no sideways scroll, no axe finding, a screenshot each. */
  async function atEveryWidth(p: Page, name: string): Promise<void> {
    for (const width of WIDTHS) {
      await p.setViewportSize({ width, height: width === 390 ? 844 : width === 1024 ? 768 : 1080 });
      await expectNoSidewaysScroll(p, `${name} at ${width} px`);
      await snap(p, `${name}-${width}`, { fullPage: true });
    }
    await p.setViewportSize(PHONE);
    await expectNoAxeViolations(p, name);
  }

  test('the owner prints the poster in the shop colour, with the join QR and a short address', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, storageState: ownerState });
    const owner = await context.newPage();
    await owner.goto(url('/admin?lang=en'));
    await owner.getByRole('link', { name: 'Portal poster' }).click();
    await owner.getByTestId('poster').waitFor();
    await owner.getByLabel('Shop colour on the portal').fill('#8a1c3c');
    await owner.getByRole('button', { name: 'Save colour' }).click();
    await owner.getByText('Saved', { exact: true }).waitFor();
    await owner.getByRole('heading', { name: 'Collect points at Baan Suan Market' }).waitFor();
    shortPath = ((await owner.getByTestId('poster-short').textContent()) ?? '').replace(/^[^/]+/, '');
    expect(shortPath).toMatch(/^\/j\/[2-9A-HJKMNP-Z]{6}$/);
    // The QR on the poster opens the shop's join page.
    await owner.getByTestId('poster').screenshot({ path: shot('admin-poster-desktop-en') }); // read back below: taken under CI too
    const png = PNG.sync.read(readFileSync(shot('admin-poster-desktop-en')));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(url(`/portal/${merchantId}/join`));
    await atEveryWidth(owner, 'admin-poster-en');
    keepForDocs('admin-poster-desktop-en');
    await context.close();
  });

  test('th: a shopper types the short address, joins with a code and sees the shop, not "Tally"', async () => {
    shopper = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'th-TH' });
    page = await shopper.newPage();
    await page.goto(url(`${shortPath}?lang=th`));
    await page.waitForURL(`**/portal/${merchantId}/join*`);
    await page.getByRole('heading', { name: 'สมัครสมาชิก Baan Suan Market' }).waitFor();
    expect(await page.locator('header .brand').textContent()).toBe('Baan Suan Market');
    // The shop's colour, with text that reads on it.
    expect(await page.evaluate("getComputedStyle(document.querySelector('header.topbar')).backgroundColor")).toBe('rgb(138, 28, 60)');
    await atEveryWidth(page, 'portal-join-th');
    await snap(page, 'portal-join-phone-th', { fullPage: true });
    keepForDocs('portal-join-phone-th');

    await page.getByLabel('ชื่อ', { exact: true }).fill('Malee');
    await page.getByLabel('เบอร์โทรศัพท์หรืออีเมล').fill(phone);
    await page.getByLabel('รับข้อเสนอทาง SMS').check();
    await page.getByRole('button', { name: 'สมัคร', exact: true }).click();
    await page.getByLabel('รหัส', { exact: true }).waitFor();
    await page.getByLabel('รหัส', { exact: true }).fill(await latestCode(phone));
    await page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click();
    await page.waitForURL(`**/portal/${merchantId}`);
    await page.getByRole('heading', { name: 'สวัสดี Malee' }).waitFor();
    const member = (await live.rt.db.manager.query('SELECT enrolled_by AS source FROM members WHERE phone = ?', [phone])) as { source: string }[];
    expect(member).toEqual([{ source: 'portal' }]);
  });

  test('th: the card shows a QR and an EAN-13 barcode, large and centred, both readable', async () => {
    await page.getByTestId('portal-available').waitFor();
    cardNumber = (((await page.locator('.card-codes strong').textContent()) ?? '').match(/\d{13}/) ?? [''])[0];
    expect(cardNumber).toMatch(/^\d{13}$/);
    await atEveryWidth(page, 'portal-home-th');
    await page.getByRole('button', { name: 'แสดงบัตรของฉัน' }).first().click();
    const card = page.getByTestId('fullscreen-card');
    await card.waitFor();
    await card.screenshot({ path: shot('portal-card-phone-th') }); // read back below: taken under CI too
    const png = PNG.sync.read(readFileSync(shot('portal-card-phone-th')));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(cardNumber);
    await card.getByRole('img', { name: /บาร์โค้ด/ }).screenshot({ path: shot('portal-card-barcode-th') }); // read back below: taken under CI too
    expect(decodeEan13(shot('portal-card-barcode-th'))).toBe(cardNumber);
    // Centred: the barcode's middle is the screen's middle, and it spans most of the phone's width.
    const box = (await card.getByRole('img', { name: /บาร์โค้ด/ }).boundingBox())!;
    expect(Math.abs(box.x + box.width / 2 - PHONE.width / 2)).toBeLessThan(2);
    expect(box.width).toBeGreaterThan(PHONE.width * 0.85);
    await expectNoAxeViolations(page, 'portal full-screen card (th)');
    await atEveryWidth(page, 'portal-card-th');
    await page.getByRole('button', { name: 'ปิด' }).click();
    keepForDocs('portal-card-phone-th');
  });

  test('th: a return shows in the purchase history; how points work lists the expiry dates', async () => {
    const sale = (await api('POST', '/v1/pos/purchases', terminalToken, {
      cardCode: cardNumber,
      receiptNumber: 'BS-0001',
      occurredAt: new Date().toISOString(),
      lines: [{ sku: 'RICE5', category: 'grocery', quantity: 1000, unitPriceMinor: 24000 }],
    })) as { purchase: { id: string; occurredAt: string } };
    await api('POST', `/v1/pos/purchases/${sale.purchase.id}/returns`, terminalToken, { amountMinor: 6000, reason: 'torn bag' });

    await page.getByRole('link', { name: 'ประวัติ' }).click();
    await page.getByText(/คืนสินค้าแล้ว: ฿\s?60\.00/).waitFor();
    await atEveryWidth(page, 'portal-history-th');
    await snap(page, 'portal-history-phone-th', { fullPage: true });
    keepForDocs('portal-history-phone-th');

    await page.getByRole('link', { name: 'วิธีสะสมแต้ม' }).click();
    await page.getByRole('heading', { name: 'วิธีสะสมแต้ม', level: 1 }).waitFor();
    await page.getByText('แต้มหมดอายุ 90 วันหลังการซื้อที่ได้รับแต้ม').waitFor();
    const schedule = page.getByTestId('expiry-schedule');
    await schedule.waitFor();
    // 240.00 earned 240, the return of 60.00 took 60 back: 180 expire 90 days after the sale.
    const expires = new Date(new Date(sale.purchase.occurredAt).getTime() + 90 * 86_400_000);
    const thaiDate = new Intl.DateTimeFormat('th-TH', { dateStyle: 'medium' }).format(expires);
    expect(await schedule.locator('tbody tr').allTextContents()).toEqual([`${thaiDate}180`]);
    await atEveryWidth(page, 'portal-points-th');
  });

  test('th: consents never say "withdrawn" for what was never given', async () => {
    await page.getByRole('link', { name: 'ข้อมูล', exact: true }).click();
    await page.getByRole('heading', { name: 'ประวัติความยินยอม' }).waitFor();
    const history = page.locator('#consents-title ~ ul li');
    await history.first().waitFor();
    const lines = await history.allTextContents();
    expect(lines.some((l) => /รับข้อเสนอทาง SMS: ให้ความยินยอม/.test(l))).toBe(true);
    expect(lines.filter((l) => /ไม่ให้ความยินยอม/.test(l))).toHaveLength(2);
    expect(lines.some((l) => /ถอนความยินยอม/.test(l))).toBe(false);
    await atEveryWidth(page, 'portal-profile-th');
    await page.getByRole('link', { name: 'ความเป็นส่วนตัว' }).click();
    await page.getByRole('button', { name: 'ขอลบบัญชี' }).waitFor();
    await atEveryWidth(page, 'portal-privacy-th');
  });

  test('en: the sign-in page carries the shop name and colour; how points work in English', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const p = await context.newPage();
    await p.goto(url(`/portal/${merchantId}?lang=en`));
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The heading is drawn before the shop's public profile arrives; the name follows it.
    await p.locator('header .brand', { hasText: 'Baan Suan Market' }).waitFor();
    expect(await p.locator('header .brand').textContent()).toBe('Baan Suan Market');
    expect(await p.getByText('Tally', { exact: true }).count()).toBe(0);
    await p.getByRole('link', { name: 'Not a member yet? Join' }).waitFor();
    await atEveryWidth(p, 'portal-signin-en');
    await snap(p, 'portal-signin-phone-en');

    await p.getByLabel('Phone number or email').fill(phone);
    await p.getByRole('button', { name: 'Send me a code' }).click();
    await p.getByLabel('Code', { exact: true }).waitFor();
    await p.getByLabel('Code', { exact: true }).fill(await latestCode(phone));
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('link', { name: 'How points work' }).click();
    await p.getByText('Points expire 90 days after the purchase that earned them.').waitFor();
    await p.getByText(/^1 point\(s\) for every THB\s1\.00 you spend\.$/).waitFor();
    await p.getByTestId('expiry-schedule').waitFor();
    await atEveryWidth(p, 'portal-points-en');
    await p.setViewportSize(WIDE);
    await snap(p, 'portal-points-desktop-en', { fullPage: true });
    await p.setViewportSize(PHONE);
    await snap(p, 'portal-points-phone-en', { fullPage: true });
    keepForDocs('portal-points-phone-en');
    await context.close();
  });

  for (const lang of ['en', 'zh'] as const) {
    test(`${lang}: an address that is no shop's says so`, async () => {
      const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
      const p = await context.newPage();
      await p.goto(url(`/portal/00000000-0000-7000-8000-000000000000?lang=${lang}`));
      await p.getByRole('heading', { name: lang === 'en' ? 'No shop at this address' : '此地址没有对应的商店' }).waitFor();
      await atEveryWidth(p, `portal-unknown-${lang}`);
      await p.goto(url(`/j/ZZZZZZ?lang=${lang}`));
      await p.getByRole('heading', { name: lang === 'en' ? 'No shop at this address' : '此地址没有对应的商店' }).waitFor();
      await context.close();
    });
  }

  test('en: joining by email from the join page, then the same code signs in again', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const p = await context.newPage();
    await p.goto(url(`/portal/${merchantId}/join?lang=en`));
    await p.getByRole('heading', { name: 'Join Baan Suan Market' }).waitFor();
    await p.getByLabel('First name').fill('Ann');
    await p.getByLabel('Phone number or email').fill('ann@example.test');
    await p.getByLabel('Offers by email').check();
    await p.getByRole('button', { name: 'Join', exact: true }).click();
    await p.getByLabel('Code', { exact: true }).waitFor();
    await p.getByLabel('Code', { exact: true }).fill(await latestCode('ann@example.test'));
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Hello, Ann' }).waitFor();
    await expectNoAxeViolations(p, 'portal home after joining (en)');
    await context.close();
  });
});
