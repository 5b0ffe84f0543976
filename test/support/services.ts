/** Where the integration suites find MySQL and Redis, and whether global setup reached them. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function mysqlAvailable(): boolean {
  return process.env.TALLY_TEST_MYSQL === 'up';
}

export function redisAvailable(): boolean {
  return process.env.TALLY_TEST_REDIS === 'up';
}
