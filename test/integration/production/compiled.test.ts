import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../../support/wait';
import { freePort, startProcess, stopProcess, whileRunning, type Proc } from '../../support/processes';

const ROOT = resolve(__dirname, '../../..');
const run = promisify(execFile);

/**
 * The README's production recipe on SQLite: `npm run build` (which `npm ci`
 * runs through `prepare`), `npm run migrate`, `npm run start:api` — compiled
 * JavaScript under plain node, no TypeScript loader.
 */
describe('production runs the compiled build', () => {
  const procs: Proc[] = [];
  afterAll(async () => {
    await Promise.all(procs.map(stopProcess));
  });

  it('the production scripts run dist/ with plain node', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const name of ['start', 'start:api', 'start:worker', 'migrate', 'create-owner']) {
      expect({ name, script: scripts[name] }).toEqual({ name, script: expect.stringMatching(/^node dist\/src\/[\w/-]+\.js$/) });
    }
  });

  it('migrates and serves the api, its docs and the web app from dist/', async () => {
    await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 120_000 });
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-dist-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dataDir, 'tally.sqlite')}`,
      DATA_DIR: dataDir,
      JWT_SECRET: 'test-secret-test-secret-test-secret-123456',
    };

    const migrate = await run('npm', ['run', '--silent', 'migrate'], { cwd: ROOT, env, timeout: 60_000 });
    expect(migrate.stdout).toMatch(/^Applied /);

    const api = startProcess('npm', ['run', '--silent', 'start:api'], { cwd: ROOT, env });
    procs.push(api);
    const base = `http://127.0.0.1:${port}`;
    await whileRunning(
      api,
      eventually(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), 60_000, 100),
    );
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base}/docs/`)).status).toBe(200);
    const page = await fetch(`${base}/admin`);
    expect({ status: page.status, html: (await page.text()).includes('<div id="root">') }).toEqual({ status: 200, html: true });

    // Only node runs: the api's own command line names no TypeScript loader.
    const { stdout: commands } = await run('ps', ['-o', 'args=', '-g', String(api.child.pid)]);
    expect(commands.split('\n')).toContain('node dist/src/server.js');
    expect(commands).not.toMatch(/tsx|ts-node/);

    const worker = startProcess('npm', ['run', '--silent', 'start:worker'], { cwd: ROOT, env: { ...env, LOG_LEVEL: 'info' } });
    procs.push(worker);
    await whileRunning(worker, eventually(() => expect(worker.output()).toContain('Tally worker started'), 60_000, 100));

    // npm and its shell end by the signal; node itself shuts down in time (stopProcess would say 'timeout').
    expect({ api: await stopProcess(api), worker: await stopProcess(worker) }).toEqual({ api: null, worker: null });
  }, 180_000);

  it('npm start runs everything embedded from the build: migrations, api and jobs in one process', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-start-'));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir };
    const start = startProcess('npm', ['start'], { cwd: ROOT, env });
    procs.push(start);
    await whileRunning(start, eventually(() => expect(start.output()).toContain('Tally is running at'), 120_000, 100));
    expect(start.output()).toContain('jobs in-process');
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
    expect(await stopProcess(start)).not.toBe('timeout');
  }, 180_000);
});
