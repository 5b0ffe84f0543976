import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting comes from the environment, is validated once at start-up and
 * fails fast with the full list of problems. Defaults give a zero-setup single
 * shop: SQLite under ./data and in-process jobs.
 */
const EnvSchema = z.object({
  /** production | development | test; production requires real secrets. */
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  /** HTTP port of the api role. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to bind; 0.0.0.0 behind a load balancer. */
  HOST: z.string().default('0.0.0.0'),
  /** Public base URL, used in printed links (setup link, docs). */
  PUBLIC_URL: z.url().optional(),
  /** trace | debug | info | warn | error | fatal | silent */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** mysql://user:pass@host:port/db; absent means the embedded SQLite file. */
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb|sqlite):/, 'must start with mysql://, mariadb:// or sqlite:')
    .optional(),
  /** Folder for the SQLite file and the generated embedded secrets. */
  DATA_DIR: z.string().default('./data'),
  /** redis://host:port; absent means jobs run in-process. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Prefix of every Redis key Tally writes; lets several installations (or test runs) share one Redis. */
  /**
   * Where member messages (sign-in codes) are delivered: the shop's SMS/email
   * gateway receives a signed JSON POST. Without it messages go to the log
   * (text included outside production only).
   */
  NOTIFY_WEBHOOK_URL: z.url().optional(),
  /**
   * smtp://user:pass@host:587 or smtps://…:465: email to members (sign-in
   * codes, feedback thank-yous and resolutions) goes to this mail server;
   * SMS still go to the webhook gateway or the log.
   */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  /** The From address of that email, e.g. "Corner Shop <shop@example.com>". */
  SMTP_FROM: z.string().min(3).max(254).optional(),
  /** HMAC-SHA256 key for the X-Tally-Signature header of webhook deliveries. */
  NOTIFY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'letters, digits, _ : . - (at most 64)').default('tally'),
  /** Secret for signing access tokens (at least 32 characters). */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Lifetime of staff, terminal and member access tokens, in seconds. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(900),
  /** Lifetime of a staff refresh token, in days. */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Largest JSON body accepted. */
  BODY_LIMIT: z.string().default('256kb'),
  /** Trust X-Forwarded-For from this many proxies (for rate limits behind a load balancer). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Member lookups at the till (card scans, phone or number searches) per terminal or staff user per minute. */
  TILL_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** The same for all tills of one merchant together. */
  TILL_LOOKUPS_PER_MERCHANT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
  /** Tries of one webhook delivery before it counts as failed. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** Wait before the first retry of a webhook delivery; doubles with each try (at most an hour). */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  /** A subscription is disabled after this many deliveries in a row failed every try. */
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(1000).default(5),
  /** A worker answers /healthz and /readyz on this port (none when unset); api processes use PORT. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * Bearer token for GET /metrics. Without it /metrics answers only requests
   * made directly from this machine (loopback, not through a proxy).
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Run the outbox relay and job handlers inside the api process (embedded mode does). */
  RUN_JOBS_IN_API: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
});

export type Database =
  | { kind: 'sqlite'; file: string }
  | { kind: 'mysql'; url: string };

export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** Where a worker serves its probes; undefined: no probe server. */
  healthPort: number | undefined;
  publicUrl: string;
  logLevel: string;
  database: Database;
  dataDir: string;
  redisUrl: string | undefined;
  redisPrefix: string;
  notifyWebhook: { url: string; secret: string | undefined } | undefined;
  /** The mail server for email to members; absent: email goes where SMS go (webhook or log). */
  smtp: { url: string; from: string } | undefined;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  bodyLimit: string;
  trustProxy: number;
  /** Till lookups per minute, per terminal (or staff user) and per merchant: enumeration stops there. */
  tillLookups: { perTill: number; perMerchant: number };
  /** Bearer token for /metrics; undefined: loopback only. */
  metricsToken: string | undefined;
  /** True when this process runs the outbox relay and consumes jobs itself. */
  runJobsInApi: boolean;
  webhooks: {
    maxAttempts: number;
    retryBaseMs: number;
    disableAfter: number;
    /** Outside production, http:// to the loopback address is allowed too (local receivers, tests). */
    httpsOnly: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const dataDir = resolve(e.DATA_DIR);
  const database = parseDatabase(e.DATABASE_URL, dataDir);
  if (e.NODE_ENV === 'production') {
    if (!e.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production');
    if (database.kind === 'mysql' && !e.REDIS_URL) problems.push('REDIS_URL: required with MySQL in production');
  }
  if (problems.length) throw new ConfigError(problems);
  const jwtSecret = e.JWT_SECRET ?? embeddedSecret(dataDir, 'jwt-secret');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    healthPort: e.HEALTH_PORT,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    logLevel: e.LOG_LEVEL,
    database,
    dataDir,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    notifyWebhook: e.NOTIFY_WEBHOOK_URL ? { url: e.NOTIFY_WEBHOOK_URL, secret: e.NOTIFY_WEBHOOK_SECRET } : undefined,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM ?? `Tally <no-reply@${new URL(e.PUBLIC_URL ?? 'http://localhost').hostname}>` } : undefined,
    jwtSecret,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
    tillLookups: { perTill: e.TILL_LOOKUPS_PER_MINUTE, perMerchant: e.TILL_LOOKUPS_PER_MERCHANT_PER_MINUTE },
    metricsToken: e.METRICS_TOKEN,
    runJobsInApi: e.RUN_JOBS_IN_API ?? !e.REDIS_URL,
    webhooks: {
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      disableAfter: e.WEBHOOK_DISABLE_AFTER,
      httpsOnly: e.NODE_ENV === 'production',
    },
  };
}

function parseDatabase(url: string | undefined, dataDir: string): Database {
  if (!url) return { kind: 'sqlite', file: resolve(dataDir, 'tally.sqlite') };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
  }
  return { kind: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
}

/**
 * In embedded mode a secret is generated on first start and kept in the data
 * folder (mode 0600), so restarts keep sessions valid without any setup.
 */
function embeddedSecret(dataDir: string, name: string): string {
  const file = resolve(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process started at the same moment and wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8').trim();
}
