import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer, type Server as TcpServer, type Socket } from 'node:net';
import mysql from 'mysql2/promise';
import { createApp } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { createDataSource } from '../../../src/db/data-source';
import { Db } from '../../../src/db/db';
import type { Deps } from '../../../src/deps';
import { InProcessJobQueue } from '../../../src/jobs/in-process-job-queue';
import { createLogger } from '../../../src/logger';
import { composeModules } from '../../../src/module';
import { modules } from '../../../src/modules';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { freePort } from '../../support/processes';
import { mysqlAvailable, TEST_MYSQL_URL } from '../../support/services';
import { createTestDatabase, type TestRuntime } from '../../support/test-runtime';
import { eventually } from '../../support/wait';
import { closeServer, commit, line } from '../pos/till-helpers';

const describeMysql = mysqlAvailable() ? describe : describe.skip;

/**
 * A TCP hop between the app and MariaDB that the test can cut and restore:
 * the database "goes away" for this app only, never for the shared server.
 */
class CuttableProxy {
  private server: TcpServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
  }

  /** Refuses new connections and breaks the open ones, as a database that went down. */
  cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describeMysql('the database goes away [mysql]', () => {
  let proxy: CuttableProxy;
  let server: Server;
  let runtime: TestRuntime;
  let shop: MerchantFixture;
  let databaseUrl: string;

  beforeAll(async () => {
    const database = await createTestDatabase('mysql', randomBytes(6).toString('hex'), false);
    if (database.kind !== 'mysql') throw new Error('expected MySQL');
    databaseUrl = database.url;
    const direct = new URL(databaseUrl);
    proxy = new CuttableProxy(await freePort(), { host: direct.hostname, port: Number(direct.port || 3306) });
    await proxy.open();
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: viaProxy.toString(), JWT_SECRET: 'test-secret-test-secret-test-secret-123456', DATA_DIR: '/tmp/tally-db-down' });
    const log = createLogger('silent');
    const dataSource = createDataSource(config.database);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const deps: Deps = { config, db: new Db(dataSource), queue: new InProcessJobQueue(log), log };
    const composed = composeModules(deps, modules);
    const app = createApp({ ...deps, ...composed });
    runtime = { ...deps, ...composed, app, dialect: 'mysql', close: async () => undefined };
    server = await new Promise<Server>((resolve) => {
      const s = createHttpServer(app).listen(0, '127.0.0.1', () => resolve(s));
    });
    shop = await createMerchantFixture(runtime);
  });

  afterAll(async () => {
    await closeServer(server);
    await proxy?.cut();
    await runtime?.queue.close();
    await runtime?.db.dataSource.destroy().catch(() => undefined);
    const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL });
    await conn.query(`DROP DATABASE IF EXISTS \`${new URL(databaseUrl).pathname.slice(1)}\``);
    await conn.end();
  });

  const sale = () => commit(server, shop, { lines: [line('BREAD', 'bakery', 1000, 300)] });

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After while it is down, and serves again when it is back', async () => {
    expect((await sale()).status).toBe(201);

    await proxy.cut();
    const refused = await sale();
    expect({ status: refused.status, code: refused.body.error?.code, retryAfter: refused.headers['retry-after'] }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '5' });
    const listing = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/v1/members`, { headers: { Authorization: `Bearer ${shop.tokens.manager}` } });
    expect({ status: listing.status, code: ((await listing.json()) as { error: { code: string } }).error.code }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    const ready = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'unreachable' } } });

    await proxy.open();
    await eventually(async () => expect((await sale()).status).toBe(201), 20_000, 100);
  });
});
