import 'reflect-metadata';
import { loadConfig, type Database } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { Db } from '../../src/db/db';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue';
import { createLogger } from '../../src/logger';
import { DEFAULT_RULES, type ProgramRules } from '../../src/rules/program.schemas';
import { composeModules } from '../../src/module';
import { modules } from '../../src/modules';
import type { Till } from './direct-mysql';
import { api } from './http';

export interface Seeded {
  base: string;
  tills: (Till & { token: string })[];
  cards: string[];
  /** The owner's session of a fresh seed, for back-office set-up between scenarios (offers); absent when a run reuses a database. */
  ownerToken?: string;
}

/** Migrates a fresh database and returns a setup token, as `npm start` would print. */
export async function prepare(database: Database, dataDir: string, jwtSecret: string): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', DATA_DIR: dataDir, JWT_SECRET: jwtSecret });
  const log = createLogger('silent');
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const queue = new InProcessJobQueue(log);
  const { services } = composeModules({ config, db: new Db(dataSource), queue, log }, modules);
  const setup = await services.auth.ensureSetupToken();
  await queue.close();
  await dataSource.destroy();
  if (!setup) throw new Error('fresh database should need setup');
  return setup.token;
}

/**
 * The loyalty program the bench runs under. 'default': the built-in rules
 * (1 point per 1.00, no tiers, points never expire). 'grocer': the same plus
 * what a typical grocer adds and the till then pays for on every sale:
 * tiers by spend over a year (each purchase reads the member's tier and spend)
 * and points expiring at the end of the following year.
 */
export type BenchProgram = 'default' | 'grocer';

const GROCER_RULES: ProgramRules = {
  ...DEFAULT_RULES,
  tiers: [
    { code: 'silver', name: 'Silver', threshold: 20_000, earnMultiplierPercent: 125, benefits: '' },
    { code: 'gold', name: 'Gold', threshold: 100_000, earnMultiplierPercent: 150, benefits: '' },
  ],
  expiry: { kind: 'end_of_year', yearsAfter: 1 },
};

/** Seeds through the public API: merchant + owner, a store, the program, terminals, members with cards. */
export async function seed(base: string, setupToken: string, terminals: number, members: number, program: BenchProgram = 'default'): Promise<Seeded> {
  const session = await api<{ accessToken: string }>(base, 'POST', '/v1/setup', {
    token: setupToken,
    merchant: { name: 'Bench Grocer', currency: 'USD', timeZone: 'UTC', locale: 'en' },
    owner: { email: 'owner@bench.test', name: 'Owner', password: 'bench-password-1' },
  });
  const owner = session.accessToken;
  if (program === 'grocer') await api(base, 'PUT', '/v1/program', { rules: GROCER_RULES }, owner);
  const store = await api<{ id: string }>(base, 'POST', '/v1/stores', { code: 'B01', name: 'Bench store' }, owner);
  const tills: Seeded['tills'] = [];
  for (let i = 0; i < terminals; i++) {
    const created = await api<{ terminal: { id: string }; apiKey: string }>(base, 'POST', '/v1/terminals', { storeId: store.id, name: `Till ${i + 1}` }, owner);
    const t = await api<{ accessToken: string; terminal: { id: string; storeId: string } }>(base, 'POST', '/v1/auth/terminal-token', { apiKey: created.apiKey });
    const me = await api<{ merchant: { id: string } }>(base, 'GET', '/v1/auth/me', undefined, t.accessToken);
    tills.push({ merchantId: me.merchant.id, storeId: t.terminal.storeId, terminalId: t.terminal.id, token: t.accessToken });
  }
  const cards: string[] = [];
  for (let i = 0; i < members; i++) {
    const enrolled = await api<{ card: { number: string } }>(
      base,
      'POST',
      '/v1/pos/members',
      { firstName: `Member${i}`, email: `m${i}@bench.test`, consents: { marketingEmail: false } },
      tills[i % tills.length].token,
    );
    cards.push(enrolled.card.number);
  }
  return { base, tills, cards, ownerToken: owner };
}

/** The benches drive each terminal far above a real till's rate: they lift the till lookup limits. */
export const BENCH_LIMITS = { TILL_LOOKUPS_PER_MINUTE: '1000000', TILL_LOOKUPS_PER_MERCHANT_PER_MINUTE: '10000000' };
