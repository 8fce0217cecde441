import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)));

/** The environment the service reads, validated once at start-up. */
export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Unsafe<Static<typeof LogLevel>>({ ...LogLevel, default: 'info' }),
  /** Unset: an embedded PostgreSQL is started under DATA_DIR. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ default: './.data', minLength: 1 }),
  /** Accepted as an admin key in addition to the keys stored in the database. */
  API_ADMIN_KEY: Type.Optional(Type.String({ minLength: 24 })),
  /** The bearer token of GET /metrics (Prometheus); unset, that route does not exist. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 24 })),
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  /** Comma-separated origins allowed by CORS; empty allows none. */
  CORS_ORIGINS: Type.String({ default: '' }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 1024 * 1024, minimum: 1024 }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ default: 1200, minimum: 1 }),
  DATABASE_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
  /** Default time to the next planned check of an assessment (the form's "Дата следующей плановой проверки"). */
  REASSESSMENT_MONTHS: Type.Integer({ default: 6, minimum: 1, maximum: 60 }),
  /** Weekly hours of one full-time care assistant, for the staffing the care hours imply. */
  WEEKLY_HOURS_PER_FTE: Type.Number({ default: 40, exclusiveMinimum: 0, maximum: 168 }),
  /*
   * Thresholds of the signals for reassessment (GET /v1/reassessment-signals), with the defaults
   * issue 17 sets: an outcome indicator two steps the worse way; a month's attendance rate at half
   * the previous month's or lower, with at least four participation records in each month; a
   * questionnaire's average one point or more below the one before.
   */
  SIGNAL_INDICATOR_STEPS: Type.Integer({ default: 2, minimum: 1, maximum: 4 }),
  SIGNAL_ATTENDANCE_RATIO: Type.Number({ default: 0.5, exclusiveMinimum: 0, maximum: 1 }),
  SIGNAL_ATTENDANCE_MIN_RECORDS: Type.Integer({ default: 4, minimum: 1, maximum: 1000 }),
  SIGNAL_QUESTIONNAIRE_DROP: Type.Number({ default: 1, exclusiveMinimum: 0, maximum: 4 }),
  /** Run the background job worker (webhook deliveries, import jobs) in this instance. */
  JOBS_WORKER: Type.Boolean({ default: true }),
  /** Jobs one instance's worker runs at once. */
  JOBS_CONCURRENCY: Type.Integer({ default: 4, minimum: 1, maximum: 50 }),
  /** How often the worker looks for jobs that became due; new jobs arrive by notification at once. */
  JOBS_POLL_INTERVAL_MS: Type.Integer({ default: 2000, minimum: 50, maximum: 60_000 }),
  /** How long a webhook receiver has to answer one delivery. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, maximum: 60_000 }),
  /*
   * Retries of a failed delivery: after WEBHOOK_RETRY_INITIAL_MS, doubling up to
   * WEBHOOK_RETRY_MAX_MS between attempts, for WEBHOOK_RETRY_PERIOD_MS from the first failure
   * (24 hours; shorter only for tests), after which the subscription is `failing`.
   */
  WEBHOOK_RETRY_INITIAL_MS: Type.Integer({ default: 30_000, minimum: 10, maximum: 3_600_000 }),
  WEBHOOK_RETRY_MAX_MS: Type.Integer({ default: 3_600_000, minimum: 10, maximum: 86_400_000 }),
  WEBHOOK_RETRY_PERIOD_MS: Type.Integer({ default: 86_400_000, minimum: 100, maximum: 30 * 86_400_000 }),
  /** A bulk import whose Content-Length is above this runs as an import job (202), as with `Prefer: respond-async`. */
  BULK_ASYNC_ABOVE_BYTES: Type.Integer({ default: 1024 * 1024, minimum: 0 }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the known variables from `env`, applies defaults and names every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(ConfigSchema.properties);
  // An empty variable counts as unset, as in most shells' `VAR= npm start`.
  const raw = Object.fromEntries(known.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]));
  const candidate = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const problems = [...Value.Errors(ConfigSchema, candidate)].map(
    (error) => `${error.path.slice(1)}: ${error.message} (got ${JSON.stringify(raw[error.path.slice(1)])})`,
  );
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return candidate as Config;
}

export function corsOrigins(config: Config): string[] {
  return config.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}
