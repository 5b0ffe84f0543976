import type { Browser } from 'playwright-core';
import { expectNoAxeViolations } from './axe';
import { browserAvailable, DESKTOP, launchBrowser, type LiveServer, snap, startServer } from './browser';

/**
 * Hosting many shops in a real Chromium: the platform operator creates two
 * shops, each owner signs up with the one-time link, and a person working
 * for both (same email and password) chooses the shop at sign-in.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(180_000);

suite('platform operator and shop choice in Chromium', () => {
  let live: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startServer();
    browser = await launchBrowser();
    await live.rt.services.operators.create({ email: 'ops@platform.test', name: 'Ops', password: 'operator password' });
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const url = (path: string) => `${live.baseUrl}${path}`;

  it('creates two shops whose owners sign up with their links; one email in both shops chooses at sign-in', async () => {
    const operator = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await operator.goto(url('/operator'));
    await operator.getByLabel('Email').waitFor();
    await expectNoAxeViolations(operator, 'operator sign-in');
    await operator.getByLabel('Email').fill('ops@platform.test');
    await operator.getByLabel('Password').fill('operator password');
    await operator.getByRole('button', { name: 'Sign in' }).click();

    const links: string[] = [];
    for (const name of ['North Shop', 'South Shop']) {
      await operator.getByLabel('Shop name').fill(name);
      await operator.getByRole('button', { name: 'Create a shop' }).click();
      await operator.getByRole('cell', { name }).waitFor();
      links.push((await operator.getByTestId('owner-link').textContent())!);
    }
    await snap(operator, 'operator/merchants');
    await expectNoAxeViolations(operator, 'operator shops');

    // Each owner opens their link: only the owner account is asked for. The same person owns both shops.
    for (const link of links) {
      const owner = await (await browser.newContext({ viewport: DESKTOP })).newPage();
      // The link names PUBLIC_URL; this server listens on a test port.
      const { pathname, search } = new URL(link);
      await owner.goto(url(pathname + search));
      await owner.getByText(/You are creating the owner account of (North|South) Shop/).waitFor();
      await owner.getByLabel('Name').fill('Pat');
      await owner.getByLabel('Email').fill('pat@shops.test');
      await owner.getByLabel('Password').fill('one password for both');
      await owner.getByRole('button', { name: 'Create shop' }).click();
      await owner.waitForURL('**/admin');
      await owner.context().close();
    }

    // Signing in with that email and password asks which shop.
    const pat = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await pat.goto(url('/signin'));
    await pat.getByLabel('Email').fill('pat@shops.test');
    await pat.getByLabel('Password').fill('one password for both');
    await pat.getByRole('button', { name: 'Sign in' }).click();
    await pat.getByText('This email and password open several shops. Which one?').waitFor();
    await snap(pat, 'operator/choose-shop');
    await expectNoAxeViolations(pat, 'sign-in: choose the shop');
    await pat.getByRole('button', { name: 'South Shop' }).click();
    await pat.waitForURL('**/admin');
    const state = JSON.parse((await pat.evaluate("localStorage.getItem('tally.staff')")) as string) as { merchantId?: string; accessToken?: string };
    const [south] = await live.rt.db.manager.query("SELECT id FROM merchants WHERE name = 'South Shop'");
    expect(state.merchantId).toBe(south.id);

    // Suspending South Shop from the operator screen refuses Pat there.
    await operator.getByRole('row', { name: /South Shop/ }).getByRole('button', { name: 'Suspend' }).click();
    await operator.getByRole('row', { name: /South Shop/ }).getByText('Suspended').waitFor();
    const refused = await pat.evaluate(async (token) => (await fetch('/v1/auth/me', { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<{ error: { code: string } }>, state.accessToken);
    expect(refused.error.code).toBe('MERCHANT_SUSPENDED');
  });
});
