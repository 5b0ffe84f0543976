/**
 * The UCI Online Retail year through the product, as a shop would bring it
 * (issue 10, "done when"): a fresh SQLite data directory, first-run setup and
 * a store per country through the API, the customers and the year's invoice
 * lines through `npm run import`, scoring runs through the API (as of
 * 2011-09-09 for the churn backtest over the next 90 days, and as of
 * 2011-12-10, the day after the last invoice), the figures printed and the
 * analytics screens photographed in Chromium.
 *
 *   npm run build && npx tsx bench/analytics/online-retail-live.ts [--file …] [--shots docs/screenshots]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { file: { type: 'string', default: '/work/shared/data/online-retail.csv.gz' }, shots: { type: 'string', default: 'docs/screenshots' }, port: { type: 'string', default: '3917' } } });
const ROOT = resolve(__dirname, '../..');
const DATA_DIR = mkdtempSync(join(tmpdir(), 'tally-online-retail-'));
const BASE = `http://127.0.0.1:${values.port}`;
const env = { ...process.env, DATA_DIR, PORT: values.port, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
const PASSWORD = 'correct horse battery staple';

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function startServer(): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('node', ['dist/src/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  return new Promise((ok, fail) => {
    const started = Date.now();
    const poll = setInterval(async () => {
      try {
        if ((await fetch(`${BASE}/readyz`)).ok) {
          clearInterval(poll);
          ok({ child, output: () => out });
        }
      } catch {
        if (Date.now() - started > 120_000) {
          clearInterval(poll);
          fail(new Error(`server did not start:\n${out}`));
        }
      }
    }, 500);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
}

function run(args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn('npm', ['run', '--silent', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => (code === 0 || code === 2 ? ok(out) : fail(new Error(`npm ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Countries and customer ids of the file, read as a stream (a few thousand of each). */
async function scan(file: string): Promise<{ countries: string[]; customers: string[] }> {
  const countries = new Set<string>();
  const customers = new Set<string>();
  const rows = createReadStream(file).pipe(createGunzip()).pipe(parse({ columns: true }));
  for await (const row of rows as AsyncIterable<Record<string, string>>) {
    countries.add(row.Country);
    if (row.CustomerID) customers.add(row.CustomerID);
  }
  return { countries: [...countries].sort(), customers: [...customers].sort() };
}

async function waitForRun(token: string, runId: string): Promise<{ status: string; members: number }> {
  for (;;) {
    const run = await api<{ status: string; members: number; error: string | null }>('GET', `/v1/analytics/runs/${runId}`, token);
    if (run.status === 'done') return run;
    if (run.status === 'failed') throw new Error(`run failed: ${run.error}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  log(`data directory ${DATA_DIR}`);
  let server = await startServer();
  const link = /setup\?token=([^\s&]+)/.exec(server.output());
  if (!link) throw new Error(`no setup link in:\n${server.output()}`);
  const session = await api<{ accessToken: string; user: { merchantId: string } }>('POST', '/v1/setup', null, {
    token: decodeURIComponent(link[1]),
    merchant: { name: 'Online Retail (UCI)', currency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB' },
    owner: { email: 'owner@retail.test', name: 'Olga Owner', password: PASSWORD },
  });
  const merchantId = session.user.merchantId;
  const { countries, customers } = await scan(values.file);
  for (const [i, country] of countries.entries()) await api('POST', '/v1/stores', session.accessToken, { code: `C${i}`, name: country });
  log(`shop ${merchantId}: ${countries.length} stores (one per country), ${customers.length} customers`);
  await stop(server.child);

  const membersFile = join(DATA_DIR, 'customers.csv');
  writeFileSync(membersFile, ['CustomerID', ...customers].join('\n'));
  let started = Date.now();
  log(await run(['import', '--', '--merchant', merchantId, '--members', membersFile, '--map', 'externalId=CustomerID']));
  log(`members imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  started = Date.now();
  const map = ['receiptNumber=InvoiceNo', 'sku=StockCode', 'description=Description', 'quantity=Quantity', 'occurredAt=InvoiceDate', 'unitPrice=UnitPrice', 'customerId=CustomerID', 'store=Country'];
  const out = await run(['import', '--', '--merchant', merchantId, '--purchases', values.file, ...map.flatMap((m) => ['--map', m])]);
  log(out.split('\n').slice(0, 6).join('\n'));
  log(`purchases imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  server = await startServer();
  const token = (await api<{ accessToken: string }>('POST', '/v1/auth/sign-in', null, { email: 'owner@retail.test', password: PASSWORD, merchantId })).accessToken;
  for (const asOf of ['2011-09-09', '2011-12-10']) {
    started = Date.now();
    const run = await api<{ id: string }>('POST', '/v1/analytics/runs', token, { asOf });
    const done = await waitForRun(token, run.id);
    log(`run as of ${asOf}: ${done.members} members in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const diagnostics = await api<{ diagnostics: Record<string, unknown> }>('GET', `/v1/analytics/diagnostics?asOf=${asOf}`, token);
    log(`diagnostics ${asOf}: ${JSON.stringify(diagnostics.diagnostics)}`);
    const overview = await api<Record<string, unknown>>('GET', `/v1/analytics/overview?asOf=${asOf}`, token);
    log(`overview ${asOf}: ${JSON.stringify({ segments: overview.segments, abc: overview.abc, clv: overview.clv && { ...(overview.clv as object), buckets: undefined } })}`);
  }
  for (const days of [30, 90]) log(`backtest 2011-09-09, ${days} days: ${JSON.stringify(await api('GET', `/v1/analytics/backtest?asOf=2011-09-09&days=${days}`, token))}`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  for (const lang of ['en', 'zh', 'th', 'ru']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${BASE}/signin?lang=${lang}`);
    await page.locator('input[type=email]').fill('owner@retail.test');
    await page.locator('input[type=password]').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL('**/admin');
    await page.goto(`${BASE}/admin/analytics?lang=${lang}`);
    await page.getByTestId('backtest').waitFor({ timeout: 60_000 });
    // The busiest cell of the heat map opens its members.
    const cells = page.getByTestId('rfm-heatmap').getByRole('button');
    const counts = (await cells.allTextContents()).map((c) => Number(c.replace(/\D/g, '')));
    await cells.nth(counts.indexOf(Math.max(...counts))).click();
    await page.getByTestId('cell-members').locator('tbody tr').first().waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ROOT, values.shots, `online-retail-analytics-${lang}.png`), fullPage: true });
    if (lang === 'en') {
      await page.getByTestId('at-risk').locator('tbody tr').first().getByRole('link').click();
      await page.getByTestId('member-analytics').locator('dl').waitFor();
      await page.screenshot({ path: join(ROOT, values.shots, 'online-retail-member-en.png'), fullPage: true });
    }
    await page.close();
  }
  await browser.close();
  await stop(server.child);
  log('done');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
