import mysql from 'mysql2/promise';
import Redis from 'ioredis';
import { TEST_MYSQL_URL, TEST_REDIS_URL } from './services';

/**
 * Probes MySQL and Redis once. Suites read the result from the environment
 * (workers inherit it). A missing service skips its suites with a loud
 * message — except under CI=true, where it fails the run.
 */
export default async function globalSetup(): Promise<void> {
  const mysqlUp = await probeMysql();
  const redisUp = await probeRedis();
  process.env.TALLY_TEST_MYSQL = mysqlUp ? 'up' : 'down';
  process.env.TALLY_TEST_REDIS = redisUp ? 'up' : 'down';
  // One id per jest run: the browser suites build the web app once per run (test/e2e/browser.ts).
  process.env.TALLY_TEST_RUN = `${process.pid}-${Date.now()}`;
  const missing = [!mysqlUp && `MySQL at ${TEST_MYSQL_URL}`, !redisUp && `Redis at ${TEST_REDIS_URL}`].filter(Boolean);
  if (missing.length === 0) return;
  const banner = `\n${'!'.repeat(78)}\n  NOT REACHABLE: ${missing.join(' and ')}\n`;
  if (process.env.CI === 'true') {
    throw new Error(`${banner}  CI=true: the MySQL/Redis suites must run. Start the services or set TEST_MYSQL_URL / TEST_REDIS_URL.\n${'!'.repeat(78)}`);
  }
  process.stderr.write(`${banner}  Their integration suites are SKIPPED. Only SQLite and in-process jobs are tested.\n${'!'.repeat(78)}\n\n`);
}

async function probeMysql(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: TEST_MYSQL_URL, connectTimeout: 3000 });
    await conn.query('SELECT 1');
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

async function probeRedis(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
