import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Principal } from '../../src/http/principal';
import { tokenFor } from '../support/factories';
import { programWith } from '../integration/points/points-helpers';
import { expectNoAxeViolations } from './axe';
import { tr } from './messages';
import { fitsEveryWidth, setUpShop } from './admin-helpers';
import { browserAvailable, DESKTOP, keepForDocs, launchBrowser, type LiveServer, PHONE, snap, startServer } from './browser';

/**
 * The back office in a real Chromium, in English and Chinese: card batches
 * listed and printed again after a reload, and the member page (profile edit,
 * tier, consents, points expiry, block / lost / unblock / replace a card);
 * then every back-office screen in Thai and Russian. Every page visited gets
 * an axe check and no sideways scroll at 390, 1024 and 1920 px.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(240_000);

const LOCALES = { en: 'en', zh: 'zh-CN', th: 'th-TH', ru: 'ru-RU' } as const;
type Lang = keyof typeof LOCALES;

suite('back office in Chromium: card batches and the member page', () => {
  let live: LiveServer;
  let browser: Browser;
  let ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  let owner: Principal;
  const url = (path: string) => `${live.baseUrl}${path}`;
  const bearer = () => ({ Authorization: `Bearer ${tokenFor(live.rt, owner)}` });

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    ({ ownerState, owner } = await setUpShop(live, browser, 'Corner Mart', 'owner@corner.test'));
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  async function ownerPage(lang: Lang, viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, storageState: ownerState });
    const page = await context.newPage();
    await page.goto(url(`/admin?lang=${lang}`));
    await page.getByRole('navigation').first().waitFor();
    return { context, page };
  }

  for (const lang of ['en', 'zh'] as const) {
    test(`${lang}: card batches stay listed after a reload and print again with the shop's name`, async () => {
      const { context, page } = await ownerPage(lang);
      await page.getByRole('link', { name: tr(lang, 'admin.nav.cards') }).click();
      await page.getByRole('heading', { name: tr(lang, 'admin.nav.cards'), level: 1 }).waitFor();
      const rows = page.locator('table tbody tr');
      const before = (await request(live.rt.app).get('/v1/card-batches').set(bearer()).expect(200)).body.total as number;
      await page.getByLabel(tr(lang, 'cards.count')).fill('3');
      await page.getByRole('button', { name: tr(lang, 'cards.generate') }).click();
      await expectRows(page, before + 1);

      // After a reload the batch is still there (the list comes from GET /v1/card-batches).
      await page.goto(url(`/admin/cards?lang=${lang}`));
      await expectRows(page, before + 1);
      await expectNoAxeViolations(page, `card batches (${lang})`);
      await fitsEveryWidth(page, `card batches (${lang})`);
      await snap(page, `admin-cards-phone-${lang}`, { fullPage: true });

      await rows.first().getByRole('button', { name: tr(lang, 'cards.sheet') }).click();
      const sheet = page.frameLocator(`iframe[title="${tr(lang, 'cards.sheet')}"]`);
      await sheet.locator('.card').first().waitFor();
      expect(await sheet.locator('.card').count()).toBe(3);
      expect(await sheet.locator('.shop').allTextContents()).toEqual(['Corner Mart', 'Corner Mart', 'Corner Mart']);
      await snap(page, `admin-cards-sheet-phone-${lang}`, { fullPage: true });
      if (lang === 'en') keepForDocs('admin-cards-sheet-phone-en');
      await context.close();
    });

    test(`${lang}: the member page edits the profile, shows tier, consents and expiry, and blocks, loses and replaces a card`, async () => {
      const enrolled = await request(live.rt.app)
        .post('/v1/members')
        .set(bearer())
        .send({ firstName: `Mali ${lang}`, phone: lang === 'en' ? '0812223301' : '0812223302', consents: { marketingEmail: true, marketingSms: false } })
        .expect(201);
      const memberId = enrolled.body.member.id as string;
      const cardNumber = enrolled.body.card.number as string;
      const now = new Date();
      const expiresAt = (
        await live.rt.db.transaction((tx) =>
          live.rt.services.points.earn(tx, {
            merchantId: owner.merchantId,
            memberId,
            points: 120,
            sourceType: 'purchase',
            sourceId: `seed-${lang}`,
            occurredAt: now,
            now,
            program: programWith({ expiry: { kind: 'days', days: 30 } }, 'Asia/Bangkok'),
          }),
        )
      ).expiresAt!;

      const { context, page } = await ownerPage(lang);
      await page.goto(url(`/admin/members/${memberId}?lang=${lang}`));
      await page.getByRole('heading', { name: `Mali ${lang}`, level: 1 }).waitFor();

      // Tier, consents and when the points expire.
      await page.getByTestId('member-tier').waitFor();
      const consents = page.getByTestId('member-consents');
      await consents.getByText(tr(lang, 'consents.marketingEmail')).waitFor();
      expect(await consents.textContent()).toContain(tr(lang, 'consents.granted'));
      expect(await consents.textContent()).toContain(tr(lang, 'consents.withdrawn'));
      expect(await consents.textContent()).toContain(tr(lang, 'memberPage.consentNotAsked'));
      const expiry = page.getByTestId('member-expiry');
      await expiry.getByText('120').waitFor();
      // Node's ICU and Chromium's format dates alike for these locales.
      await expiry.getByText(new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeZone: 'Asia/Bangkok' }).format(expiresAt)).waitFor();
      await expectNoAxeViolations(page, `member page (${lang})`);
      await fitsEveryWidth(page, `member page (${lang})`);
      await snap(page, `admin-member-phone-${lang}`, { fullPage: true });

      // Edit the profile: a last name and an email.
      await page.getByRole('button', { name: tr(lang, 'memberPage.edit') }).click();
      const form = page.getByRole('form', { name: tr(lang, 'memberPage.edit') });
      await form.getByLabel(tr(lang, 'profile.lastName')).fill('Sukjai');
      await form.getByLabel(tr(lang, 'common.email')).fill(`mali-${lang}@corner.test`);
      await expectNoAxeViolations(page, `member profile form (${lang})`);
      await form.getByRole('button', { name: tr(lang, 'memberPage.saveProfile') }).click();
      await page.getByText(tr(lang, 'memberPage.profileSaved')).waitFor();
      await page.getByRole('heading', { name: `Mali ${lang} Sukjai`, level: 1 }).waitFor();
      const saved = await request(live.rt.app).get(`/v1/members/${memberId}`).set(bearer()).expect(200);
      expect(saved.body.member).toMatchObject({ lastName: 'Sukjai', email: `mali-${lang}@corner.test`, phone: lang === 'en' ? '+66812223301' : '+66812223302' });

      // Block (confirmed), unblock, mark lost (confirmed), replace with a new digital card.
      const card = page.getByTestId(`card-${cardNumber}`);
      await card.getByRole('button', { name: tr(lang, 'memberPage.block') }).click();
      await page.getByRole('dialog').getByRole('button', { name: tr(lang, 'memberPage.block') }).click();
      await page.getByText(tr(lang, 'memberPage.blocked')).waitFor();
      await card.getByText(tr(lang, 'cardStatus.blocked'), { exact: true }).waitFor();
      await card.getByRole('button', { name: tr(lang, 'memberPage.unblock') }).click();
      await card.getByText(tr(lang, 'cardStatus.active'), { exact: true }).waitFor();
      await card.getByRole('button', { name: tr(lang, 'memberPage.lost') }).click();
      await page.getByRole('dialog').getByRole('button', { name: tr(lang, 'memberPage.lost') }).click();
      await card.getByText(tr(lang, 'cardStatus.lost'), { exact: true }).waitFor();
      await card.getByRole('button', { name: tr(lang, 'memberPage.replace') }).click();
      await expectNoAxeViolations(page, `card replace form (${lang})`);
      await card.getByRole('button', { name: tr(lang, 'memberPage.replaceSubmit') }).click();
      await card.getByText(tr(lang, 'cardStatus.replaced'), { exact: true }).waitFor();
      const cards = (await request(live.rt.app).get(`/v1/members/${memberId}`).set(bearer()).expect(200)).body.cards as { number: string; status: string }[];
      expect(cards.map((c) => c.status)).toEqual(['replaced', 'active']);
      await page.getByText(tr(lang, 'memberPage.replaced', { number: cards[1].number })).waitFor();
      await page.getByTestId(`card-${cards[1].number}`).waitFor();
      await fitsEveryWidth(page, `member page after card changes (${lang})`);
      await snap(page, `admin-member-cards-phone-${lang}`, { fullPage: true });
      await page.setViewportSize(DESKTOP);
      await snap(page, `admin-member-desktop-${lang}`, { fullPage: true });
      keepForDocs(`admin-member-desktop-${lang}`);
      await context.close();
    });
  }

  for (const lang of ['th', 'ru'] as const) {
    test(`${lang}: every back-office screen passes axe and fits 390, 1024 and 1920 px`, async () => {
      const { context, page } = await ownerPage(lang);
      const screens: [string, string][] = [
        ['/admin', 'admin.nav.dashboard'],
        ['/admin/members', 'admin.nav.members'],
        ['/admin/stores', 'admin.nav.stores'],
        ['/admin/staff', 'admin.nav.staff'],
        ['/admin/terminals', 'admin.nav.terminals'],
        ['/admin/program', 'admin.nav.program'],
        ['/admin/cards', 'admin.nav.cards'],
        ['/admin/webhooks', 'admin.nav.webhooks'],
      ];
      for (const [path, title] of screens) {
        await page.goto(url(`${path}?lang=${lang}`));
        await page.getByRole('heading', { name: tr(lang, title), level: 1 }).waitFor();
        await expectNoAxeViolations(page, `${path} (${lang})`);
        await fitsEveryWidth(page, `${path} (${lang})`);
      }
      await snap(page, `admin-webhooks-phone-${lang}`, { fullPage: true });
      await context.close();
    });
  }
});

async function expectRows(page: Page, n: number): Promise<void> {
  await page.locator('table tbody tr').nth(n - 1).waitFor();
  expect(await page.locator('table tbody tr').count()).toBe(n);
}
