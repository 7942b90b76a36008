import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Everything is validated once at start; a bad value stops the
 * process with a message naming the variable (see README "Settings").
 */
const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'dạng HH:mm');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|mysql2?:\/\/.+)$/, 'phải là sqlite:ĐƯỜNG_DẪN hoặc mysql://USER:PASS@HOST:PORT/DB')
    .optional(),
  // Unset: demo data on an empty database, except with NODE_ENV=production (contract §1).
  SEED_DEMO: bool.optional(),
  ADMIN_PASSWORD: z.string().min(8, 'ít nhất 8 ký tự').optional(),
  SESSION_SECRET: z.string().min(16, 'ít nhất 16 ký tự').optional(),
  // Seals signing keys at rest (AES-256-GCM). Unset: a key generated once in DATA_DIR/signing.key.
  SIGNING_KEY: z.string().min(32, 'ít nhất 32 ký tự').optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(8),
  TOKEN_TTL_DAYS: z.coerce.number().positive().default(30),
  TRUST_PROXY: z.string().default('loopback'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASSWORD_HASH_COST: z.coerce.number().int().min(4).max(15).default(11),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  LOGIN_IP_MAX_FAILURES: z.coerce.number().int().positive().default(50),
  PUBLIC_RATE_LIMIT: z.coerce.number().int().positive().default(60),
  WORK_PERIODS: z
    .string()
    .regex(/^(\d\d:\d\d-\d\d:\d\d)(,\d\d:\d\d-\d\d:\d\d)*$/, 'dạng 07:30-11:30,13:30-17:30')
    .default('07:30-11:30,13:30-17:30'),
  WORK_CUTOFF: hhmm.default('15:00'),
  HOLIDAY_SEP1: bool.default(true),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'phải là smtp://host:port')
    .optional(),
  MAIL_FROM: z.string().default('Một Cửa <no-reply@motcua.local>'),
  // Unset: http://localhost:PORT with the port actually served (see publicUrlFollowsPort).
  PUBLIC_URL: z.string().url('phải là một địa chỉ http(s)').optional(),
  JOBS: bool.default(true),
  JOB_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  MAIL_RETRY_BASE_MS: z.coerce.number().int().positive().default(30000),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  MAIL_LEASE_MS: z.coerce.number().int().min(1000).default(60000),
  // design.md §9: every statement has a limit (MySQL, client side; 0 = none) and SQLite's wait for its write lock.
  DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  // V8's old-generation growing factor (server/heap.ts); 0 keeps V8's own.
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(20),
  // How long a repeated Idempotency-Key waits for its first request's answer before 409 (contract.md §2).
  IDEMPOTENCY_WAIT_MS: z.coerce.number().int().min(0).default(5000),
  // The national public-service portal (contract.md §4). Unset: sync is off.
  PORTAL_URL: z.string().url('phải là một địa chỉ http(s)').optional(),
  PORTAL_TOKEN: z.string().optional(),
  PORTAL_RETRY_BASE_MS: z.coerce.number().int().positive().default(30000),
  // One request's limit; a lease is several of them, so a slow answer is never sent twice at once.
  PORTAL_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  PORTAL_LEASE_MS: z.coerce.number().int().min(1000).default(60000),
  // Dossiers delivered side by side (each dossier's own messages always one at a time, in order).
  PORTAL_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  PORTAL_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  // Admins get one mail when this many portal messages are failing or refused, at most every so many hours.
  PORTAL_ALERT_THRESHOLD: z.coerce.number().int().min(1).default(10),
  PORTAL_ALERT_EVERY_HOURS: z.coerce.number().positive().default(6),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'SEED_DEMO' | 'PUBLIC_URL'> {
  /** Load the demo data set on an empty database: SEED_DEMO, or by default everywhere but production. */
  SEED_DEMO: boolean;
  /** The public address (no trailing slash) used in mail, QR codes and links. */
  PUBLIC_URL: string;
  /** True when PUBLIC_URL was not set: start() replaces it with the address of the port it listens on. */
  publicUrlFollowsPort: boolean;
  databaseUrl: string;
  dataDir: string;
  workPeriods: Array<{ start: string; end: string }>;
}

export class ConfigError extends Error {}

/** Parse and validate an environment (defaults to process.env). Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'motcua.sqlite')}`;
  const workPeriods = e.WORK_PERIODS.split(',').map((p) => {
    const [start, end] = p.split('-');
    return { start, end };
  });
  return {
    ...e,
    SEED_DEMO: e.SEED_DEMO ?? e.NODE_ENV !== 'production',
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlFollowsPort: e.PUBLIC_URL === undefined,
    databaseUrl,
    dataDir,
    workPeriods,
  };
}
