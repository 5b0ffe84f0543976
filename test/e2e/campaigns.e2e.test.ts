import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Browser } from 'playwright-core';
import { CampaignMember } from '../../src/campaigns/campaign-member.entity';
import { PLANTED_LIFT_MAP, plantedLiftPurchases } from '../support/planted-lift';
import { fitsEveryWidth, setUpShop, type Shop } from './admin-helpers';
import { expectNoAxeViolations } from './axe';
import { browserAvailable, DESKTOP, keepForDocs, launchBrowser, type LiveServer, snap, startServer } from './browser';

/**
 * The campaigns screen in a real Chromium: the owner builds a segment from a
 * CSV list (checked first), creates a campaign, checks its size and launches
 * it; then reads the report of a September campaign whose treated members
 * spent more than its holdout — in English, Chinese, Thai and Russian, at
 * phone, till and desktop widths.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(240_000);

const MEMBERS = 200;
const REPORT_WORDS = { en: 'Proven gain', zh: '已证明增长', th: 'พิสูจน์ว่าเพิ่มขึ้น', ru: 'Рост доказан' } as const;

suite('back-office campaigns screen in Chromium', () => {
  let live: LiveServer;
  let browser: Browser;
  let shop: Shop;

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    shop = await setUpShop(live, browser, 'Campaign Mart', 'owner@campaigns.test');
    const { imports, segments, campaigns, merchants } = live.rt.services;
    const actor = { merchantId: shop.owner.merchantId, principal: shop.owner };
    const customers = Array.from({ length: MEMBERS }, (_, i) => `C-${i}`);
    await imports.importMembers(actor, Readable.from(['externalId,firstName\n', ...customers.map((c) => `${c},Shopper\n`)]), { mapping: {}, dryRun: false });

    // A September campaign, launched before its month, over every member; treated members spent more.
    const everyone = await segments.create(shop.owner, { name: 'Everyone' });
    await imports.importSegmentMembers(actor, everyone.id, Readable.from([`customerId\n${customers.join('\n')}\n`]), { mapping: {}, dryRun: false });
    const september = await campaigns.create(shop.owner, { name: 'September coupons', segmentId: everyone.id, holdoutPercent: 30, startsAt: '2026-09-01T00:00:00Z', endsAt: '2026-10-01T00:00:00Z', marginPercent: 30, costMinor: 50_000 });
    await campaigns.launch(shop.owner, september.id, new Date('2026-08-31T12:00:00Z'));
    const drawn = await live.rt.db.manager.findBy(CampaignMember, { campaignId: september.id });
    const heldOut = new Set(drawn.filter((m) => m.holdout).map((m) => m.memberId));
    const ids = await live.rt.services.members.findByKeys(live.rt.db.manager, shop.owner.merchantId, { externalIds: customers });
    const store = await merchants.createStore(shop.owner, { code: 'MAIN', name: 'Main street' });
    const mapping = Object.fromEntries(PLANTED_LIFT_MAP.map((m) => m.split('=')));
    const file = plantedLiftPurchases(customers, (c) => heldOut.has(ids.byExternalId.get(c)!.id), store.code, 1500);
    await imports.importPurchases(actor, Readable.from([file]), { mapping, dryRun: false, awardPoints: false });
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  test('en: build a segment from a CSV list, create a campaign, check its size and launch it', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, storageState: shop.ownerState });
    const page = await context.newPage();
    await page.goto(`${live.baseUrl}/admin?lang=en`);
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();

    await page.getByRole('region', { name: 'Segments' }).getByLabel('Segment name').fill('Regulars');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByTestId('segments').getByText('Regulars').waitFor();
    const list = ['phone,customerId', ...Array.from({ length: 50 }, (_, i) => `,C-${i}`), ',C-nobody'].join('\n');
    await page.getByLabel('Member list (CSV)').setInputFiles({ name: 'regulars.csv', mimeType: 'text/csv', buffer: Buffer.from(list) });
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('Check: 50 members found, 1 rows not matched. Nothing was changed.').waitFor();
    await page.getByRole('button', { name: 'Replace members' }).click();
    await page.getByText('The segment now lists 50 members; 1 rows not matched.').waitFor();
    await page.getByTestId('segments').getByText('Regulars — members: 50').waitFor();
    // The owner downloads the list: the 50 members under the members export's header.
    const segmentRow = page.getByTestId('segments').getByRole('listitem').filter({ hasText: 'Regulars' });
    const [download] = await Promise.all([page.waitForEvent('download'), segmentRow.getByRole('button', { name: 'Download list (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^segment-[0-9a-f-]{36}-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile(await download.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\n');
    expect(lines[0]).toMatch(/^id,member_number,first_name/);
    expect(lines).toHaveLength(51);

    const form = page.getByRole('form', { name: 'New campaign' });
    await form.getByLabel('Name').fill('Spring win-back');
    await form.getByLabel('Segment').selectOption({ label: 'Regulars' });
    await form.getByLabel('First day').fill('2099-03-01');
    await form.getByLabel('Day after the last').fill('2099-04-01');
    await form.getByRole('button', { name: 'Create draft' }).click();
    const row = page.getByRole('row', { name: /Spring win-back/ });
    await row.getByText('Draft').waitFor();
    await row.getByRole('button', { name: 'Check size' }).click();
    // 50 members with no recent spending: nothing can be proven, and the owner is told before launch.
    await row.getByTestId('estimate').getByText('Reaches 50 members, 5 held back.').waitFor();
    await row.getByText('This group is too small to prove a modest effect').waitFor();
    await row.getByRole('button', { name: 'Launch' }).click();
    await row.getByText('Running').waitFor();
    await row.getByText(/4\d treated · \d+ held back/).waitFor();
    await snap(page, 'admin-campaigns-launched-desktop-en', { fullPage: true });
    await context.close();
  });

  test('en: builds a segment from rules with a live count, saves it, and sees who entered', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, storageState: shop.ownerState });
    const page = await context.newPage();
    await page.goto(`${live.baseUrl}/admin/campaigns?lang=en`);
    const builder = page.getByRole('region', { name: 'Segment from rules' });
    await builder.getByLabel('Segment name').fill('Shoppers this year');
    await builder.getByLabel('In the last (days)').fill('365');
    await builder.getByLabel('At least').fill('1');
    const buyers = (await live.rt.services.segments.preview(shop.owner.merchantId, { match: 'all', conditions: [{ field: 'visits', withinDays: 365, min: 1 }] })).count;
    expect(buyers).toBeGreaterThan(100);
    await builder.getByTestId('segment-count').getByText(`${buyers} members match now`).waitFor();

    // And a group: any of (agreed to offers by email) — nobody imported has, so nobody matches both…
    await builder.getByRole('button', { name: 'Add a group' }).click();
    const group = builder.getByRole('group', { name: 'Group' });
    await group.getByLabel('Condition').selectOption({ label: 'Has agreed to' });
    await builder.getByTestId('segment-count').getByText('0 members match now').waitFor();
    // …while "any of these" at the top takes the buyers again.
    await builder.getByLabel('Match').first().selectOption({ label: 'any of these' });
    await builder.getByTestId('segment-count').getByText(`${buyers} members match now`).waitFor();
    await fitsEveryWidth(page, 'segment builder en');
    await expectNoAxeViolations(page, 'segment builder en');
    await snap(page, 'admin-segment-builder-desktop-en', { fullPage: true });

    await builder.getByRole('button', { name: 'Save segment' }).click();
    await builder.getByText('Saved: Shoppers this year').waitFor();
    const item = page.getByTestId('segments').getByRole('listitem').filter({ hasText: 'Shoppers this year' });
    await item.getByText(`Shoppers this year — members: ${buyers} · rules`).waitFor();
    await item.getByRole('button', { name: 'Who entered and left Shoppers this year' }).click();
    // The newest 50 changes, all of them arrivals.
    expect(await item.getByTestId('segment-history').getByRole('row').filter({ hasText: 'entered' }).count()).toBe(Math.min(buyers, 50));
    await context.close();
  });

  for (const lang of ['zh', 'th', 'ru'] as const) {
    test(`${lang}: the segment builder with a group of birthday months fits every width`, async () => {
      const context = await browser.newContext({ viewport: DESKTOP, storageState: shop.ownerState });
      const page = await context.newPage();
      await page.goto(`${live.baseUrl}/admin/campaigns?lang=${lang}`);
      const builder = page.locator('section[aria-labelledby="segment-builder-title"]');
      await builder.locator('.segment-group select').nth(1).selectOption('consent');
      await builder.locator('.segment-group .row button').nth(1).click();
      await builder.locator('.segment-group .segment-group select').nth(1).selectOption('birthdayMonth');
      await builder.locator('.segment-choices input').nth(11).check();
      await builder.getByTestId('segment-count').getByText(/0/).waitFor();
      await fitsEveryWidth(page, `segment builder ${lang}`);
      await expectNoAxeViolations(page, `segment builder ${lang}`);
      await snap(page, `admin-segment-builder-desktop-${lang}`, { fullPage: true });
      await context.close();
    });
  }

  for (const lang of ['en', 'zh', 'th', 'ru'] as const) {
    test(`${lang}: the report shows treated against held back, at every width`, async () => {
      const context = await browser.newContext({ viewport: DESKTOP, storageState: shop.ownerState });
      const page = await context.newPage();
      await page.goto(`${live.baseUrl}/admin/campaigns?lang=${lang}`);
      const row = page.getByRole('row', { name: /September coupons/ });
      await row.getByRole('button').last().click();
      const report = page.getByTestId('campaign-report');
      await report.getByText(REPORT_WORDS[lang]).first().waitFor();
      await report.getByTestId('economics').waitFor();
      await fitsEveryWidth(page, `campaigns ${lang}`);
      await expectNoAxeViolations(page, `campaigns report ${lang}`);
      for (const width of [390, 1024, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        const name = `admin-campaigns-report-${width}-${lang}`;
        await snap(page, name, { fullPage: true });
        if (width === 1024) keepForDocs(name);
      }
      await context.close();
    });
  }
});
