import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Principal } from '../../src/http/principal';
import { DESKTOP, PHONE, type LiveServer } from './browser';

export const WIDTHS = [390, 1024, 1920];

/** At each width the document is no wider than the window (no sideways scroll); the viewport is put back after. */
export async function fitsEveryWidth(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? PHONE;
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    // Two frames: what reacts to the resize (charts) has laid itself out again.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    const [scroll, inner] = (await page.evaluate('[document.scrollingElement.scrollWidth, window.innerWidth]')) as [number, number];
    // On failure, name the elements that stick out (innermost first).
    const outside =
      scroll > inner
        ? ((await page.evaluate(
            // An element past the right edge, or one whose content spills out of it (its own box fits, so only scrollWidth shows it).
            `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.children.length === 0)).reverse().slice(0, 4).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' ' + JSON.stringify((e.textContent || '').slice(0, 30)))`,
          )) as string[])
        : [];
    expect({ page: name, width, scroll: Math.min(scroll, inner), outside }).toEqual({ page: name, width, scroll, outside: [] });
  }
  await page.setViewportSize(before);
}

export interface Shop {
  ownerState: Awaited<ReturnType<BrowserContext['storageState']>>;
  owner: Principal & { kind: 'staff' };
}

/** First-run setup in the browser (English, THB, Asia/Bangkok), as a new owner does it; returns the owner's signed-in state. */
export async function setUpShop(live: LiveServer, browser: Browser, name: string, email: string): Promise<Shop> {
  const setup = await live.rt.services.auth.ensureSetupToken();
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`${live.baseUrl}/setup?token=${encodeURIComponent(setup!.token)}&lang=en`);
  await page.getByLabel('Shop name').fill(name);
  await page.getByLabel('Currency').selectOption('THB');
  await page.getByLabel('Time zone').selectOption('Asia/Bangkok');
  await page.getByLabel('Name', { exact: true }).fill('Olga Owner');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create shop' }).click();
  await page.waitForURL('**/admin');
  const ownerState = await context.storageState();
  await context.close();
  const [row] = (await live.rt.db.manager.query('SELECT id, merchant_id AS merchantId FROM staff_users WHERE email = ?', [email])) as { id: string; merchantId: string }[];
  return { ownerState, owner: { kind: 'staff', merchantId: row.merchantId, userId: row.id, role: 'owner', storeIds: null } };
}
