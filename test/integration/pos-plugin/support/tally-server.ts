import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { createApp } from '../../../../src/app';
import { newTerminalKey } from '../../../../src/auth/secrets';
import { loadConfig, type Config } from '../../../../src/config';
import { Terminal } from '../../../../src/merchants/terminal.entity';
import { openRuntime, type Runtime } from '../../../../src/runtime';
import { createMerchantFixture, type MerchantFixture } from '../../../support/factories';
import { TEST_MYSQL_URL } from '../../../support/services';
import { createTestDatabase, type TestDialect, type TestRuntime } from '../../../support/test-runtime';

/**
 * A real Tally api process in the test: the same runtime and app `npm start`
 * builds, on a database that outlives it, listening on 127.0.0.1. `stop()`
 * closes the listener and the database like a shutdown; `start()` opens them
 * again on the same port and data — what a till sees when the server restarts.
 */
export class TallyServer {
  runtime: Runtime;
  private server: Server | null = null;
  port = 0;

  private constructor(
    readonly dialect: TestDialect,
    private readonly config: Config,
  ) {}

  static async create(dialect: TestDialect): Promise<TallyServer> {
    const tag = randomBytes(6).toString('hex');
    const database = await createTestDatabase(dialect, tag, true);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'tally-pos-test-')),
      JWT_SECRET: 'test-secret-test-secret-test-secret-123456',
      DATABASE_URL: database.kind === 'mysql' ? database.url : `sqlite:${database.file}`,
    });
    const server = new TallyServer(dialect, config);
    await server.start();
    await server.runtime.db.dataSource.runMigrations({ transaction: 'each' });
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== null;
  }

  async start(): Promise<void> {
    this.runtime = await openRuntime(this.config);
    const server = createServer(createApp(this.runtime));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Like SIGTERM on the api: stop listening, cut open connections, close the database. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await this.runtime.close();
  }

  /** The shape the shared factories expect. */
  testRuntime(): TestRuntime {
    return { ...this.runtime, dialect: this.dialect, app: createApp(this.runtime), close: () => this.stop() };
  }

  /** A merchant with a store and a terminal that has a real API key (signed in through /v1/auth/terminal-token). */
  async merchantWithTerminalKey(): Promise<MerchantFixture & { apiKey: string }> {
    const fixture = await createMerchantFixture(this.testRuntime());
    const key = newTerminalKey();
    await this.runtime.db.manager.update(Terminal, { id: fixture.terminal.id }, { keyPrefix: key.prefix, keyHash: key.hash });
    return { ...fixture, apiKey: key.apiKey };
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.config.database.kind === 'mysql') {
      const name = new URL(this.config.database.url).pathname.slice(1);
      const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    }
  }
}
