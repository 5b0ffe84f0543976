import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { createTestRuntime, type TestRuntime, type TestRuntimeOptions } from '../support/test-runtime';

/** Debian's Chromium; the suite drives it with playwright-core (no browser download). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(__dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const DOCS_SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const TILL = { width: 1024, height: 768 };

/**
 * Whether the browser suite can run. Without Chromium it is skipped with a
 * loud message, except under CI=true where a missing browser fails the run
 * (a green CI must mean the browser tests ran).
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const banner = `\n${'!'.repeat(78)}\n  NO BROWSER at ${CHROMIUM}: the web (e2e) browser suite is SKIPPED.\n  Install it: apt-get install -y chromium   (or set CHROMIUM_PATH)\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(`${banner}  CI=true: the browser suite must run.`);
  process.stderr.write(banner);
  return false;
}

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

/**
 * Builds the web app (a few seconds) once per test run, so no suite tests a
 * stale bundle. Once: a build empties web/dist, and a browser suite running
 * in the other worker would lose its files mid-test. The first suite takes a
 * lock (an atomic mkdir) and builds; the others wait for it and find the
 * run's marker (the run id comes from the global setup).
 */
export function buildWeb(): void {
  const tag = createHash('sha256').update(ROOT).digest('hex').slice(0, 12);
  const marker = join(tmpdir(), `tally-web-built-${tag}-${process.env.TALLY_TEST_RUN ?? process.pid}`);
  const lock = join(tmpdir(), `tally-web-build-${tag}.lock`);
  for (;;) {
    if (existsSync(marker)) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a run that was killed mid-build is stale after two minutes.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!existsSync(marker)) {
      execSync('npm run build:web', { cwd: ROOT, stdio: 'ignore' });
      writeFileSync(marker, '');
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface LiveServer {
  rt: TestRuntime;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real app on SQLite, listening on a free port on 127.0.0.1. */
export async function startServer(options: TestRuntimeOptions = {}): Promise<LiveServer> {
  buildWeb();
  const rt = await createTestRuntime('sqlite', options);
  const server: Server = await new Promise((ok) => {
    const s = rt.app.listen(0, '127.0.0.1', () => ok(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    rt,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await rt.close();
    },
  };
}

/** Path for a screenshot artifact; `keep` also copies it to docs/screenshots for the README. */
export function shot(name: string): string {
  const file = join(SCREENSHOTS, `${name}.png`);
  mkdirSync(dirname(file), { recursive: true });
  return file;
}

/**
 * A screenshot for review in test-artifacts/screenshots. Skipped under CI,
 * where nobody opens it and rendering a long page to PNG costs up to a
 * second; the checks the pictures are for (no sideways scroll, axe) run there too.
 */
export async function snap(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.CI === 'true') return;
  await target.screenshot({ path: shot(name), ...options });
}

/**
 * Copies a screenshot into docs/screenshots for the README, when it is not
 * there yet or when UPDATE_SCREENSHOTS=1 (so an ordinary test run leaves the
 * tracked files alone).
 */
export function keepForDocs(name: string): void {
  const target = join(DOCS_SCREENSHOTS, `${name}.png`);
  // CI checks out a clean tree and must leave it clean: documentation pictures are taken on a
  // developer's machine and committed, never written by a CI run.
  if (process.env.CI === 'true') return;
  if (existsSync(target) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  copyFileSync(join(SCREENSHOTS, `${name}.png`), target);
}

/** Fails when the page scrolls sideways at its current viewport (a layout wider than the screen). */
export async function expectNoSidewaysScroll(page: Page, context = page.url()): Promise<void> {
  const [scroll, client] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
  if (scroll > client) throw new Error(`${context} scrolls sideways: ${scroll} px wide in a ${client} px viewport`);
}
