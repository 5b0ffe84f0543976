import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestRuntime } from '../../test/support/test-runtime';

/**
 * Lighthouse (mobile preset: simulated slow 4G and a 4× slower CPU) on the
 * web pages a shopper or a new owner opens first, against the real server on
 * SQLite with the built web app. Lighthouse 12.2.3 runs through npx (13 wants
 * Node 22) and drives Debian's Chromium: nothing downloads a browser.
 *
 *   npx tsx bench/web/lighthouse.ts [--pages portal,admin,terminal,signin] [--runs 1]
 *
 * Prints one line per page: performance score, FCP, LCP, total blocking time,
 * total transferred KB, and the accessibility and best-practices scores
 * (issue 14: both were 100 on every sign-in page; keep them there).
 */
const ROOT = resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIGHTHOUSE = 'lighthouse@12.2.3';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

interface Figures {
  score: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  transferKb: number;
  accessibility: number;
  bestPractices: number;
}

/** Asynchronous: the server under test runs in this process and must keep answering. */
async function lighthouse(url: string): Promise<Figures> {
  const out = join(mkdtempSync(join(tmpdir(), 'tally-lh-')), 'report.json');
  await promisify(execFile)(
    'npx',
    ['--yes', LIGHTHOUSE, url, '--only-categories=performance,accessibility,best-practices', '--output=json', `--output-path=${out}`, '--quiet', '--chrome-flags=--headless=new --no-sandbox --disable-gpu'],
    { cwd: ROOT, env: { ...process.env, CHROME_PATH: CHROMIUM } },
  );
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    categories: { performance: { score: number }; accessibility: { score: number }; 'best-practices': { score: number } };
    audits: Record<string, { numericValue?: number }>;
  };
  return {
    score: Math.round(report.categories.performance.score * 100),
    fcpMs: Math.round(report.audits['first-contentful-paint'].numericValue ?? 0),
    lcpMs: Math.round(report.audits['largest-contentful-paint'].numericValue ?? 0),
    tbtMs: Math.round(report.audits['total-blocking-time'].numericValue ?? 0),
    transferKb: Math.round((report.audits['total-byte-weight'].numericValue ?? 0) / 1024),
    accessibility: Math.round(report.categories.accessibility.score * 100),
    bestPractices: Math.round(report.categories['best-practices'].score * 100),
  };
}

async function main(): Promise<void> {
  const pages = arg('pages', 'portal,admin').split(',');
  const runs = Number(arg('runs', '1'));
  execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
  const rt = await createTestRuntime('sqlite');
  const server: Server = await new Promise((ok) => {
    const s = rt.app.listen(0, '127.0.0.1', () => ok(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const setup = await rt.services.auth.ensureSetupToken();
    const res = await fetch(`${base}/v1/setup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        token: setup?.token,
        merchant: { name: 'Green Grocer', currency: 'THB', timeZone: 'Asia/Bangkok', locale: 'th-TH' },
        owner: { email: 'owner@example.test', name: 'Olga Owner', password: 'correct horse battery staple' },
      }),
    });
    const merchantId = ((await res.json()) as { user: { merchantId: string } }).user.merchantId;
    const urls: Record<string, string> = {
      portal: `${base}/portal/${merchantId}`,
      admin: `${base}/admin`,
      terminal: `${base}/terminal`,
      signin: `${base}/signin`,
    };
    process.stdout.write('page      run  score  FCP ms  LCP ms  TBT ms  transferred KB  accessibility  best practices\n');
    for (const page of pages) {
      for (let run = 1; run <= runs; run++) {
        const f = await lighthouse(urls[page]);
        process.stdout.write(`${page.padEnd(9)} ${String(run).padStart(3)}  ${String(f.score).padStart(5)}  ${String(f.fcpMs).padStart(6)}  ${String(f.lcpMs).padStart(6)}  ${String(f.tbtMs).padStart(6)}  ${String(f.transferKb).padStart(14)}  ${String(f.accessibility).padStart(13)}  ${String(f.bestPractices).padStart(14)}\n`);
      }
    }
  } finally {
    server.closeAllConnections();
    server.close();
    await rt.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
