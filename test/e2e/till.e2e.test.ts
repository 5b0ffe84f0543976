import { appendFileSync, writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { DEFAULT_RULES } from '../../src/rules/program.schemas';
import { createMerchantFixture, tokenFor, type MerchantFixture } from '../support/factories';
import { expectNoAxeViolations } from './axe';
import { browserAvailable, DESKTOP, expectNoSidewaysScroll, keepForDocs, launchBrowser, type LiveServer, PHONE, shot, snap, startServer, TILL } from './browser';

/**
 * The cashier terminal as a shop uses it (issue 14, the till), in a real
 * Chromium against the real server on SQLite: the till is paired from the
 * back office with a short code, a cashier signs in with a PIN, lines carry
 * categories, returns are found by receipt, member or day, the receipt is
 * the till's own, and errors say what to do. Each flow in two languages,
 * with an axe check on every page.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(180_000);

const WIDE = { width: 1920, height: 1080 };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

suite('the till in Chromium', () => {
  let live: LiveServer;
  let browser: Browser;
  let shop: MerchantFixture;
  let owner: { accessToken: string; refreshToken: string };
  let tillState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let card = '';
  let memberNumber = '';
  const pages: Page[] = [];
  const api = () => request(live.rt.app);

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    shop = await createMerchantFixture(live.rt, { name: 'Green Grocer', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'en' });
    // An owner with a password, signed in through the API like the back office does.
    await api().post('/v1/staff').set(bearer(shop.tokens.owner)).send({ email: 'olga@example.test', name: 'Olga Owner', password: 'correct horse battery', role: 'owner' }).expect(201);
    owner = (await api().post('/v1/auth/sign-in').send({ email: 'olga@example.test', password: 'correct horse battery' }).expect(200)).body;
    // Chen's till PIN is set in the back office (first test).
    await api().post('/v1/staff').set(bearer(shop.tokens.owner)).send({ email: 'chen@example.test', name: 'Chen Cashier', password: 'chen-password-1', role: 'cashier' }).expect(201);
    // Beer and cigarettes earn nothing here; points pay from 100, in steps of 100.
    const principal = { kind: 'staff' as const, merchantId: shop.merchant.id, userId: shop.owner.id, role: 'owner' as const, storeIds: null };
    await live.rt.services.rules.saveProgram(principal, { rules: { ...DEFAULT_RULES, pendingDays: 0, earning: { ...DEFAULT_RULES.earning, excludedCategories: ['beer', 'tobacco'] } } });
    const enrolled = await api()
      .post('/v1/members')
      .set(bearer(shop.tokens.owner))
      .send({ firstName: 'Anna', lastName: 'Shopper', phone: '+66812345678', consents: { marketingSms: true } })
      .expect(201);
    card = enrolled.body.card.number;
    memberNumber = enrolled.body.member.memberNumber;
    // Points to pay with.
    await api().post(`/v1/members/${enrolled.body.member.id}/points/adjustments`).set(bearer(shop.tokens.owner)).send({ points: 500, reason: 'Welcome gift' }).expect(201);
    const log = shot('steps/till-browser').replace(/\.png$/, '.log');
    writeFileSync(log, '');
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (options) => {
      const context = await newContext(options);
      context.on('page', (page) => {
        pages.push(page);
        page.on('response', (res) => appendFileSync(log, `${new Date().toISOString()} ${res.status()} ${res.request().method()} ${res.url()}\n`));
        page.on('pageerror', (err) => appendFileSync(log, `pageerror ${err.message}\n`));
      });
      return context;
    };
  });

  afterEach(async () => {
    const name = expect.getState().currentTestName?.replace(/\W+/g, '-').slice(-50) ?? 'step';
    for (const [i, page] of pages.entries()) if (!page.isClosed()) await snap(page, `steps/till-${name}-${i}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const url = (path: string) => `${live.baseUrl}${path}`;

  async function backOffice(lang: string): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP });
    const state = { accessToken: owner.accessToken, refreshToken: owner.refreshToken, merchantId: shop.merchant.id, role: 'owner', name: 'Olga Owner', storeIds: null };
    await context.addInitScript(`localStorage.setItem('tally.staff', ${JSON.stringify(JSON.stringify(state))})`);
    const page = await context.newPage();
    await page.goto(url(`/admin/terminals?lang=${lang}`));
    return page;
  }

  /** A wedge scanner: a burst of keystrokes a few ms apart, then Enter. */
  async function scanWithWedge(page: Page, code: string): Promise<void> {
    // An idle till, as when a shopper walks up: signed in, nothing still loading.
    await page.getByText('Green Grocer — Till 1').waitFor();
    await page.locator('.scan-status').filter({ has: page.getByTestId('wedge') }).locator('.dot:not(.dot-off)').waitFor();
    // The scanner's hidden input holds the focus: the first keystroke of the burst is not lost.
    await page.locator('[data-testid=wedge]:focus').waitFor({ state: 'attached' });
    await page.keyboard.type(code, { delay: 4 });
    await page.keyboard.press('Enter');
  }

  async function tillAt(viewport: { width: number; height: number }, lang: string): Promise<Page> {
    const context = await browser.newContext({ viewport, storageState: tillState, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}) });
    const page = await context.newPage();
    await page.goto(url(`/terminal?lang=${lang}`));
    return page;
  }

  test('the owner sets a till PIN in the back office (th)', async () => {
    const office = await backOffice('th');
    await office.goto(url('/admin/staff?lang=th'));
    await office.getByRole('button', { name: 'ตั้ง PIN: Chen Cashier' }).click();
    await office.getByLabel('PIN เครื่องขายใหม่ของ Chen Cashier').fill('2468');
    await office.getByRole('button', { name: 'บันทึก PIN' }).click();
    await office.getByText('บันทึก PIN เครื่องขายของ Chen Cashier แล้ว').waitFor();
    await office.getByRole('row', { name: /Chen Cashier/ }).getByText('ตั้งแล้ว').waitFor();
    await expectNoAxeViolations(office, 'back office, staff with a till PIN (th)');
    await snap(office, 'admin-staff-pin-desktop-th');
    await office.context().close();
  });

  test('a manager pairs the till with a short code; a scanned card is not taken for the key; the cashier signs in with a PIN (en, zh)', async () => {
    // In Chinese too: a card scanned into the pairing field is named as a card.
    const zh = await (await browser.newContext({ viewport: TILL })).newPage();
    await zh.goto(url('/terminal?lang=zh'));
    await zh.getByLabel('配对码或终端密钥').focus();
    await zh.keyboard.type(card, { delay: 4 });
    await zh.keyboard.press('Enter');
    await zh.getByRole('alert').getByText('刚才扫描的是会员卡，不是配对码。').waitFor();
    await expectNoAxeViolations(zh, 'till pairing with a card scanned (zh)');
    await zh.context().close();

    // The pairing screen in Chinese (the code shown next, in English, replaces this one).
    const officeZh = await backOffice('zh');
    await officeZh.getByRole('button', { name: '将收银台配对为“Till 1”' }).click();
    await officeZh.getByTestId('pairing-code').getByText(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/).waitFor();
    await officeZh.getByText(/代码只能使用一次/).waitFor();
    await expectNoAxeViolations(officeZh, 'back office, terminals with a pairing code (zh)');
    await officeZh.context().close();

    const office = await backOffice('en');
    await office.getByRole('button', { name: 'Pair a till as “Till 1”' }).click();
    const code = ((await office.getByTestId('pairing-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await office.getByRole('img', { name: /QR code that pairs a till/ }).locator('svg').waitFor();
    await expectNoAxeViolations(office, 'back office, terminals with a pairing code (en)');
    await snap(office, 'admin-terminal-pairing-desktop-en');
    keepForDocs('admin-terminal-pairing-desktop-en');

    const context = await browser.newContext({ viewport: TILL });
    const page = await context.newPage();
    await page.goto(url('/terminal?lang=en'));
    const field = page.getByLabel('Pairing code or terminal key');
    // The till's code and language arrive as chunks after the page: check the screen once it is there.
    await field.waitFor();
    await expectNoAxeViolations(page, 'till pairing (en)');
    // A wrong key says so, in the till's words (not "wrong email or password").
    await field.fill(`tly_0000000000_${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('That is not a key or code of this shop’s tills.').waitFor();
    // A card scanned while the field has focus is recognised, and nothing is sent.
    const sent: string[] = [];
    page.on('request', (r) => r.url().includes('/v1/auth/') && sent.push(r.url()));
    await field.fill('');
    await field.focus();
    await page.keyboard.type(card, { delay: 4 });
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('That was a member card, not a pairing code.').waitFor();
    expect(await field.inputValue()).toBe('');
    expect(sent).toEqual([]);
    await snap(page, 'terminal-pairing-card-scanned-en');

    await field.fill(code.toLowerCase().replace('-', ''));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Who is working this till?' }).waitFor();
    await expectNoAxeViolations(page, 'cashier PIN sign-in (en)');
    await page.getByLabel('PIN for Chen Cashier').fill('1111');
    await page.getByRole('button', { name: 'Start shift' }).click();
    await page.getByRole('alert').getByText('Wrong PIN.').waitFor();
    await page.getByLabel('PIN for Chen Cashier').fill('2468');
    await page.getByRole('button', { name: 'Start shift' }).click();
    await page.getByText('Cashier: Chen Cashier').waitFor();
    await page.getByText('Scanner ready').waitFor();
    tillState = await context.storageState();
  });

  test('lines carry categories: beer and cigarettes earn what the API gives; lines can be removed; the total stays on screen (en)', async () => {
    const page = await tillAt(TILL, 'en');
    await scanWithWedge(page, card);
    await page.getByText('Anna S.').waitFor();
    await page.getByRole('radio', { name: 'Lines' }).check();
    const basket = [
      { sku: 'BEER6', description: 'Beer 6-pack', category: 'beer', quantity: '1', price: '300.00' },
      { sku: 'CIG', description: 'Cigarettes', category: 'tobacco', quantity: '1', price: '150.00' },
      { sku: 'RICE', description: 'Rice 5 kg', category: '', quantity: '1', price: '300.00' },
    ];
    const lines = page.getByTestId('basket-lines').locator('fieldset');
    for (const [i, line] of basket.entries()) {
      if (i > 0) await page.getByRole('button', { name: 'Add line' }).click();
      const row = lines.nth(i);
      await row.getByLabel('Item code').fill(line.sku);
      await row.getByLabel('Description').fill(line.description);
      if (line.category) await row.getByLabel('Category').selectOption(line.category);
      await row.getByLabel('Qty').fill(line.quantity);
      await row.getByLabel('Price (THB)').fill(line.price);
    }
    // A stray extra line is removed again.
    await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByRole('button', { name: 'Remove line 4' }).click();
    expect(await lines.count()).toBe(3);
    await page.getByRole('button', { name: 'Calculate' }).click();
    await page.getByTestId('points-to-earn').waitFor();
    const atTill = Number(await page.getByTestId('points-to-earn').textContent());
    const asApi = await api()
      .post('/v1/pos/baskets/evaluate')
      .set(bearer(tokenFor(live.rt, { kind: 'terminal', merchantId: shop.merchant.id, terminalId: shop.terminal.id, storeId: shop.store.id })))
      .send({
        cardCode: card,
        lines: [
          { sku: 'BEER6', category: 'beer', quantity: 1000, unitPriceMinor: 30000 },
          { sku: 'CIG', category: 'tobacco', quantity: 1000, unitPriceMinor: 15000 },
          { sku: 'RICE', quantity: 1000, unitPriceMinor: 30000 },
        ],
      })
      .expect(200);
    expect(atTill).toBe(asApi.body.pointsToEarn);
    // Only the rice earns: 1 point per 1.00 of 300.00, not 750.
    expect(atTill).toBe(300);

    // Twenty more lines: the total and "Complete sale" stay visible at 1024×768.
    for (let i = 0; i < 20; i++) await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByRole('button', { name: 'Add line' }).scrollIntoViewIfNeeded();
    const complete = page.getByRole('button', { name: 'Complete sale' });
    for (const target of [complete, page.getByTestId('payable')]) {
      const box = await target.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.y + box!.height).toBeLessThanOrEqual(TILL.height);
      expect(box!.y).toBeGreaterThanOrEqual(0);
    }
    await expectNoSidewaysScroll(page, 'till with many lines (en)');
    await expectNoAxeViolations(page, 'till basket with lines (en)');
    await snap(page, 'terminal-many-lines-desktop-en');
    keepForDocs('terminal-many-lines-desktop-en');
    // Empty lines do not count; the basket is priced again and sold.
    await page.getByRole('button', { name: 'Calculate' }).click();
    await page.getByTestId('points-to-earn').filter({ hasText: /^300$/ }).waitFor();
    await complete.click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    const text = (await receipt.textContent()) ?? '';
    for (const part of ['Green Grocer', 'Main street · Till 1', 'Cashier: Chen Cashier', 'Beer 6-pack (beer)', 'Rice 5 kg', 'Member: Anna S.', 'Points earned: 300', 'To pay: THB 750.00']) expect(text.replace(/\s/g, ' ')).toContain(part);
    // Each points figure once, and no English block from the server.
    expect(text.match(/Points earned/g)).toHaveLength(1);
    expect(text).not.toContain('Points balance');
    const rows: { cashier_name: string }[] = await live.rt.db.manager.query('SELECT cashier_name FROM purchases WHERE merchant_id = ? ORDER BY recorded_at DESC LIMIT 1', [shop.merchant.id]);
    expect(rows[0].cashier_name).toBe('Chen Cashier');
    await expectNoAxeViolations(page, 'receipt (en)');
    await snap(page, 'terminal-receipt-desktop-en');
    keepForDocs('terminal-receipt-desktop-en');
    // Printed: the receipt without the on-screen banner and buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByText('Sale recorded.').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Next customer' }).isVisible()).toBe(false);
    expect(await receipt.isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    // Rung up wrongly: the cashier voids it on the spot, and the void records them.
    await page.getByRole('button', { name: 'Void sale' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Void sale' }).click();
    await page.getByText('Sale voided.').waitFor();
    expect((await receipt.textContent()) ?? '').toContain('VOIDED by Chen Cashier');
    const voided: { status: string; void_cashier_id: string | null }[] = await live.rt.db.manager.query(
      'SELECT status, void_cashier_id FROM purchases WHERE merchant_id = ? ORDER BY recorded_at DESC LIMIT 1',
      [shop.merchant.id],
    );
    expect(voided[0].status).toBe('voided');
    expect(voided[0].void_cashier_id).not.toBeNull();
    await page.getByRole('button', { name: 'Next customer' }).click();
  });

  test('the QR’s link pairs a second till at once (ru)', async () => {
    const created = await api().post('/v1/terminals').set(bearer(owner.accessToken)).send({ storeId: shop.store.id, name: 'Till 2' }).expect(201);
    const code = (await api().post(`/v1/terminals/${created.body.terminal.id}/pairing-code`).set(bearer(owner.accessToken)).expect(201)).body.path as string;
    const page = await (await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true })).newPage();
    await page.goto(url(`${code}&lang=ru`));
    await page.getByRole('heading', { name: 'Кто работает на этой кассе?' }).waitFor();
    // The one-time code does not stay in the address bar or the history.
    expect(page.url()).not.toContain('pair=');
    await expectNoAxeViolations(page, 'cashier PIN sign-in after the QR link (ru)');
    await expectNoSidewaysScroll(page, 'cashier PIN sign-in (ru, phone)');
    await snap(page, 'terminal-cashier-phone-ru');
    await page.context().close();
  });

  test('the cashier changes, then the receipt and lines in Thai, in the Thai currency format, with the offer applied', async () => {
    // An offer for this test only: 10% off milk.
    const offer = await api()
      .post('/v1/offers')
      .set(bearer(owner.accessToken))
      .send({ name: 'นม ลด 10%', mechanic: { kind: 'percent_off', target: { skus: ['MILK'] }, percent: 10 } })
      .expect(201);
    await api().post(`/v1/offers/${offer.body.id}/activate`).set(bearer(owner.accessToken)).expect(200);
    const page = await tillAt(TILL, 'th');
    // The shift ends on "change cashier": the PIN screen, in Thai.
    await page.getByRole('button', { name: 'เปลี่ยนแคชเชียร์' }).click();
    await page.getByRole('heading', { name: 'ใครประจำเครื่องนี้?' }).waitFor();
    await expectNoAxeViolations(page, 'cashier PIN sign-in (th)');
    await page.getByLabel('PIN ของ Chen Cashier').fill('0000');
    await page.getByRole('button', { name: 'เริ่มกะ' }).click();
    await page.getByRole('alert').getByText('PIN ไม่ถูกต้อง').waitFor();
    await page.getByLabel('PIN ของ Chen Cashier').fill('2468');
    await page.getByRole('button', { name: 'เริ่มกะ' }).click();
    await page.getByText('แคชเชียร์: Chen Cashier').waitFor();
    await scanWithWedge(page, card);
    await page.getByText('Anna S.').waitFor();
    await page.getByRole('radio', { name: 'รายการ' }).check();
    const row = page.getByTestId('basket-lines').locator('fieldset').first();
    await row.getByLabel('รหัสสินค้า').fill('BEER');
    await row.getByLabel('หมวดหมู่').selectOption('beer');
    await row.getByLabel('ราคา (THB)').fill('100');
    await page.getByRole('button', { name: 'เพิ่มรายการ' }).click();
    await page.getByTestId('basket-lines').locator('fieldset').nth(1).getByLabel('รหัสสินค้า').fill('MILK');
    await page.getByTestId('basket-lines').locator('fieldset').nth(1).getByLabel('ราคา (THB)').fill('50');
    await page.getByTestId('member-offers').getByText('นม ลด 10%').waitFor();
    await page.getByRole('button', { name: 'คำนวณ' }).click();
    // Milk 50.00 less 10%: 45 points (beer earns nothing).
    await page.getByTestId('points-to-earn').filter({ hasText: /^45$/ }).waitFor();
    await page.getByTestId('applied-offer').getByText('นม ลด 10%').waitFor();
    await expectNoAxeViolations(page, 'till basket with lines (th)');
    await page.getByRole('button', { name: 'ปิดการขาย' }).click();
    const text = (await page.getByTestId('receipt').textContent()) ?? '';
    expect(text).toContain('แคชเชียร์: Chen Cashier');
    expect(text).toContain('BEER (beer)');
    expect(text).toContain('รวม: ฿150.00');
    expect(text).toContain('นม ลด 10%: −฿5.00');
    expect(text).toContain('ยอดชำระ: ฿145.00');
    expect(text).not.toMatch(/Points|Total|To pay|Cashier:/);
    await expectNoAxeViolations(page, 'receipt (th)');
    await snap(page, 'terminal-receipt-desktop-th');
    await page.getByRole('button', { name: 'ยกเลิกการขาย' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'ยกเลิกการขาย' }).click();
    await page.getByText('ยกเลิกการขายแล้ว').waitFor();
    expect((await page.getByTestId('receipt').textContent()) ?? '').toContain('ยกเลิกโดย Chen Cashier');
    await api().post(`/v1/offers/${offer.body.id}/end`).set(bearer(owner.accessToken)).expect(200);
  });

  test('errors say what to do: redemption rule, a card in the amount field, an unknown phone, the server unreachable (zh and en)', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const words =
        lang === 'zh'
          ? { total: '总额（THB）', calc: '计算', find: '查找', findLabel: '电话或会员号', card: '刚才扫描的是会员卡，不是金额', min: '积分最少使用 100 分，每次按 100 分递增。', offline: '无法连接服务器', online: '在线' }
          : { total: 'Total (THB)', calc: 'Calculate', find: 'Find', findLabel: 'Phone or member number', card: 'That was a card, not an amount', min: 'Points can be used from 100 points, in steps of 100.', offline: 'Server unreachable', online: 'Online' };
      const page = await tillAt(TILL, lang);
      await scanWithWedge(page, card);
      await page.getByTestId('member-panel').getByText('Anna S.').waitFor();
      // A card scanned into the amount field is taken as a card.
      const total = page.getByLabel(words.total);
      await total.focus();
      await page.keyboard.type(card, { delay: 4 });
      await page.keyboard.press('Enter');
      await page.getByText(words.card).waitFor();
      expect(await total.inputValue()).toBe('');
      await page.getByTestId('member-panel').getByText('Anna S.').waitFor();
      // The redemption minimum and step, in the cashier's language.
      await total.fill('200');
      await page.getByLabel(lang === 'zh' ? /用积分支付/ : /Pay with points/).fill('50');
      await page.getByRole('button', { name: words.calc }).click();
      await page.getByRole('alert').getByText(words.min).waitFor();
      await expectNoAxeViolations(page, `till with a redemption error (${lang})`);
      await snap(page, `terminal-redeem-error-desktop-${lang}`);
      // An unknown phone: the previous shopper and basket go.
      await page.getByLabel(words.findLabel).fill('+66899999999');
      await page.getByRole('button', { name: words.find, exact: true }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByTestId('member-panel').count()).toBe(0);
      expect(await page.getByLabel(words.total).count()).toBe(0);
      // The server out of reach turns the indicator red, and back.
      const status = page.getByTestId('connection');
      await page.context().setOffline(true);
      await status.and(page.locator('[data-state=offline]')).getByText(words.offline).waitFor();
      await snap(page, `terminal-offline-desktop-${lang}`);
      await page.context().setOffline(false);
      await status.and(page.locator('[data-state=online]')).getByText(words.online).waitFor({ timeout: 15_000 });
      await page.context().close();
    }
  });

  test('returns: by the POS receipt number, by member or by day; lines picked; money, not minor units; no stale error (en and th)', async () => {
    const terminal = bearer(tokenFor(live.rt, { kind: 'terminal', merchantId: shop.merchant.id, terminalId: shop.terminal.id, storeId: shop.store.id }));
    const sale = await api()
      .post('/v1/pos/purchases')
      .set(terminal)
      .set('Idempotency-Key', 'pos-000123-key')
      .send({
        cardCode: card,
        receiptNumber: 'POS-000123',
        occurredAt: new Date().toISOString(),
        lines: [
          { sku: 'RICE', description: 'Rice 5 kg', quantity: 2000, unitPriceMinor: 30000 },
          { sku: 'MILK', description: 'Milk', quantity: 1000, unitPriceMinor: 15000 },
        ],
      })
      .expect(201);
    expect(sale.body.purchase.totalMinor).toBe(75000);

    const page = await tillAt(TILL, 'en');
    await page.getByRole('button', { name: 'Return' }).click();
    await page.getByLabel('Receipt no.').fill('POS-000123');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('Tick what comes back').waitFor();
    // Too much by amount: said in money.
    await page.getByLabel('Amount to refund').fill('800.00');
    await page.getByRole('button', { name: 'Record return' }).click();
    await page.getByRole('alert').getByText(/^Only THB\s750\.00 of this sale is left to refund\.$/).waitFor();
    await snap(page, 'terminal-return-error-desktop-en');
    // One bag of rice back, picked by line.
    await page.getByRole('checkbox', { name: /Rice 5 kg/ }).check();
    await page.getByLabel('Quantity (at most 2)').fill('1');
    await page.getByRole('button', { name: 'Record return' }).click();
    await page.getByText(/Return recorded: THB\s300\.00 refunded, 300 points taken back/).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    const slip = (await page.getByTestId('return-receipt').textContent()) ?? '';
    expect(slip).toContain('Cashier: Chen Cashier');
    expect(slip).toContain('Return for receipt POS-000123');
    await expectNoAxeViolations(page, 'return done (en)');
    await snap(page, 'terminal-return-desktop-en');
    keepForDocs('terminal-return-desktop-en');
    await page.context().close();

    const th = await tillAt(TILL, 'th');
    await th.getByRole('button', { name: 'คืนสินค้า' }).click();
    // By member: the member number said aloud.
    await th.getByLabel('เบอร์โทรหรือเลขสมาชิก').fill(memberNumber);
    await th.getByRole('button', { name: 'ค้นหา' }).click();
    await th.getByRole('button', { name: /POS-000123/ }).waitFor();
    // By day: today.
    await th.getByLabel('เบอร์โทรหรือเลขสมาชิก').fill('');
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await th.getByLabel('วันที่ขาย').fill(day);
    await th.getByRole('button', { name: 'ค้นหา' }).click();
    await th.getByRole('button', { name: /POS-000123/ }).click();
    await th.getByText('เลือกสินค้าที่คืน').waitFor();
    await expectNoAxeViolations(th, 'return, sale picked (th)');
    await th.getByRole('checkbox', { name: /Milk/ }).check();
    await th.getByRole('button', { name: 'บันทึกการคืน' }).click();
    await th.getByText(/บันทึกการคืนแล้ว: คืนเงิน ฿150\.00/).waitFor();
    await snap(th, 'terminal-return-desktop-th');
    const returns: { cashier_id: string | null }[] = await live.rt.db.manager.query('SELECT cashier_id FROM purchase_returns WHERE purchase_id = ?', [sale.body.purchase.id]);
    expect(returns).toHaveLength(2);
    expect(returns.every((r) => r.cashier_id !== null)).toBe(true);
    await th.context().close();
  });

  test('the till at 390, 1024 and 1920 px in English and Thai: no sideways scroll (screenshots)', async () => {
    for (const lang of ['en', 'th'] as const) {
      for (const [size, viewport] of [
        ['phone', PHONE],
        ['desktop', TILL],
        ['wide', WIDE],
      ] as const) {
        const page = await tillAt(viewport, lang);
        await scanWithWedge(page, card);
        await page.getByTestId('member-panel').waitFor();
        await page.getByRole('radio', { name: lang === 'en' ? 'Lines' : 'รายการ' }).check();
        await page.getByTestId('basket-lines').locator('fieldset').first().getByLabel(lang === 'en' ? 'Item code' : 'รหัสสินค้า').fill('RICE');
        await expectNoSidewaysScroll(page, `till ${size} ${lang}`);
        await expectNoAxeViolations(page, `till ${size} ${lang}`);
        // What the cashier sees (a full-page capture would misplace the sticky footer).
        await snap(page, `terminal-lines-${size}-${lang}`);
        await page.context().close();
      }
    }
    keepForDocs('terminal-lines-phone-th');
  });
});
