// Parses the environment once into a typed Config; a bad value stops start-up with one line naming it.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

/** Where `npm run reader` (examples/reader) listens by default. */
export const EXAMPLE_READER_URL = 'http://localhost:4000';

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** Read replicas of DATABASE_URL, comma-separated; public reads go to them in turn. */
  DATABASE_READ_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://[^,\\s]+(\\s*,\\s*postgres(ql)?://[^,\\s]+)*$' })),
  /** The primary without a transaction-mode pooler in between, for migrations; unset: DATABASE_URL. */
  DATABASE_DIRECT_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Unset: http://localhost:PORT. */
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+[^/]$' })),
  /** Where readers find an article (feeds, sitemaps): {locale}, {category}, {slug}. Unset: PUBLIC_BASE_URL/{locale}/{category}/{slug}, else the example reader's. */
  FRONTEND_URL_PATTERN: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://[^\\s]*\\{slug\\}[^\\s]*$' })),
  /** Unset: on for embedded PGlite, off for a PostgreSQL server (server.ts decides). */
  SEED_DEMO: Type.Optional(Type.Boolean()),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
  CORS_ORIGINS: Type.String({ default: '*' }),
  /** How often the scheduler publishes and takes down due articles; 0 turns it off (another instance runs it). */
  SCHEDULER_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 5000 }),
  /** Unset: a random key per process, so preview links die with it and fail on other instances. */
  PREVIEW_SECRET: Type.Optional(Type.String({ minLength: 32, maxLength: 512 })),
  PREVIEW_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 7 * 86_400, default: 3600 }),
  SESSION_TTL_MINUTES: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60, default: 60 }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Type.Integer({ minimum: 1, maximum: 10_000, default: 5 }),
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, maximum: 100_000, default: 20 }),
  LOGIN_FAILURE_WINDOW_MINUTES: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 15 }),
  PUBLIC_KEY_RATE_LIMIT: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 600 }),
  /** Cache-Control of public reads (anything read with a token is always private, no-store). */
  PUBLIC_CACHE_CONTROL: Type.String({ minLength: 1, maxLength: 200, pattern: '^public\\b[ -~]*$', default: 'public, max-age=60, s-maxage=300, stale-while-revalidate=60' }),
  /** Requests per minute for each anonymous client IP on /v1; 0 turns the limit off (a CDN in front does it). */
  ANONYMOUS_RATE_LIMIT: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 300 }),
  /** redis:// or rediss:// URL: rate limits are then counted in Redis, shared by every instance. Unset: in memory, per instance. */
  REDIS_URL: Type.Optional(Type.String({ maxLength: 2048, pattern: '^rediss?://' })),
  /** Behind a proxy or CDN: how many hops of X-Forwarded-For to trust for the client IP (0: none). */
  TRUST_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
  /** How often this instance delivers due webhooks; 0: it does not (other instances do). */
  WEBHOOK_WORKER_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 500 }),
  /** The whole of one delivery attempt: DNS, connect, the receiver's answer. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  /** Let webhooks target loopback, private and link-local addresses: local development and tests only. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Type.Boolean({ default: false }),
  /** Public reads kept in this process's memory (http/response-cache.ts); 0 turns the cache off. */
  RESPONSE_CACHE_MAX_ENTRIES: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  /** Total bytes of response bodies the cache may hold (1 MiB to 16 GiB). */
  RESPONSE_CACHE_MAX_BYTES: Type.Integer({ minimum: 1_048_576, maximum: 17_179_869_184, default: 67_108_864 }),
  /** Search by relevance ranks the newest this-many matches, so a common word costs the same at any archive size. */
  SEARCH_RANK_WINDOW: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1000 }),
});
type Env = Static<typeof ConfigSchema>;

export interface Config {
  port: number;
  host: string;
  /** Unset means embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** Read replicas for public reads; empty: the primary serves them. */
  databaseReadUrls: string[];
  /** Direct connection to the primary for migrations (session-level lock); unset: databaseUrl. */
  databaseDirectUrl?: string;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  publicBaseUrl: string;
  /** Reader-facing article URL with {locale}, {category} (slug, or "uncategorized") and {slug}. */
  frontendUrlPattern: string;
  /** undefined when SEED_DEMO is unset: the server then seeds only an embedded database. */
  seedDemo?: boolean;
  bodyLimit: number;
  /** '*' or a list of allowed origins. */
  corsOrigins: '*' | string[];
  /** 0: the scheduler does not run in this process. */
  schedulerIntervalMs: number;
  /** HMAC key for preview links; undefined: one is made up at start (see preview-routes.ts). */
  previewSecret?: string;
  previewTtlSeconds: number;
  /** Lifetime of a login session. */
  sessionTtlMinutes: number;
  /** Failed logins allowed per email and per client IP within the window; more get a 429. */
  loginLimits: { perAccount: number; perIp: number; windowMinutes: number };
  /** Requests per minute for each public read key. */
  publicKeyRateLimit: number;
  /** Requests per minute for each anonymous client IP; 0: no limit. */
  anonymousRateLimit: number;
  /** Matches (newest first) that search ranks by relevance. */
  searchRankWindow: number;
  /** Cache-Control sent with public reads. */
  publicCacheControl: string;
  /** Where rate limits are counted when several instances must share them; undefined: in each instance's memory. */
  redisUrl?: string;
  /** X-Forwarded-For hops to trust when working out the client IP. */
  trustProxyHops: number;
  /** 0: this process does not deliver webhooks. */
  webhookWorkerIntervalMs: number;
  webhookTimeoutMs: number;
  /** Skip the SSRF check of webhook targets (development and tests). */
  webhookAllowPrivateTargets: boolean;
  /** In-process cache of public reads: maxEntries 0 means off. */
  responseCache: { maxEntries: number; maxBytes: number };
}

export class ConfigError extends Error {}

/** Database URLs may carry a password and the preview key is a secret: errors name these variables, never echo them. */
const SECRET_VARIABLES: string[] = ['DATABASE_URL', 'DATABASE_READ_URL', 'DATABASE_DIRECT_URL', 'PREVIEW_SECRET'];

/** Plainer words than the schema keyword for values people often get wrong. */
const HINTS: Partial<Record<keyof typeof ConfigSchema.properties, string>> = {
  DATABASE_URL: 'must be a postgres:// or postgresql:// URL',
  DATABASE_READ_URL: 'must be one or more postgres:// or postgresql:// URLs separated by commas',
  DATABASE_DIRECT_URL: 'must be a postgres:// or postgresql:// URL',
  PUBLIC_BASE_URL: 'must be an http:// or https:// URL without a trailing slash',
  FRONTEND_URL_PATTERN: 'must be an http:// or https:// URL containing {slug}, e.g. https://news.example/{locale}/{category}/{slug}',
  SEED_DEMO: 'must be true or false',
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'must be true or false',
  PREVIEW_SECRET: 'must be at least 32 characters',
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  // Value.Convert would truncate "3.5" to 3; integers must be written as integers.
  for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
    if ((schema as { type?: string }).type === 'integer' && typeof raw[key] === 'string' && !/^[0-9]+$/.test(raw[key] as string)) {
      throw new ConfigError(`Invalid environment variable ${key}=${JSON.stringify(raw[key])}: must be an integer`);
    }
  }
  const withDefaults = Value.Default(ConfigSchema, raw);
  const converted = Value.Convert(ConfigSchema, withDefaults) as Record<string, unknown>;
  const [first] = Value.Errors(ConfigSchema, converted);
  if (first) {
    const name = first.instancePath.replace(/^\//, '') as keyof typeof ConfigSchema.properties;
    const allowed = (ConfigSchema.properties[name] as { enum?: string[] } | undefined)?.enum;
    const message = HINTS[name] ?? (allowed ? `must be one of ${allowed.join(', ')}` : first.message);
    const shown = SECRET_VARIABLES.includes(name) ? '' : `=${JSON.stringify(env[name] ?? '')}`;
    throw new ConfigError(`Invalid environment variable ${name}${shown}: ${message}`);
  }
  const e = converted as Env;
  // Both name servers beside the primary; without DATABASE_URL the primary is embedded PGlite, which has neither.
  for (const name of ['DATABASE_READ_URL', 'DATABASE_DIRECT_URL'] as const) {
    if (e[name] && !e.DATABASE_URL) {
      throw new ConfigError(`${name} is set but DATABASE_URL is not: it names a PostgreSQL server beside the primary, and without DATABASE_URL the primary is the embedded PGlite database (one process, no replicas). Set DATABASE_URL or unset ${name}.`);
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrls: e.DATABASE_READ_URL ? e.DATABASE_READ_URL.split(',').map((u) => u.trim()) : [],
    databaseDirectUrl: e.DATABASE_DIRECT_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    // Without either URL this is a machine of a developer: the example reader (npm run reader) serves that pattern.
    frontendUrlPattern: e.FRONTEND_URL_PATTERN ?? `${e.PUBLIC_BASE_URL ?? EXAMPLE_READER_URL}/{locale}/{category}/{slug}`,
    seedDemo: e.SEED_DEMO,
    bodyLimit: e.BODY_LIMIT,
    corsOrigins: e.CORS_ORIGINS === '*' ? '*' : e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_MS,
    previewSecret: e.PREVIEW_SECRET,
    previewTtlSeconds: e.PREVIEW_TTL_SECONDS,
    sessionTtlMinutes: e.SESSION_TTL_MINUTES,
    loginLimits: {
      perAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: e.LOGIN_MAX_FAILURES_PER_IP,
      windowMinutes: e.LOGIN_FAILURE_WINDOW_MINUTES,
    },
    publicKeyRateLimit: e.PUBLIC_KEY_RATE_LIMIT,
    anonymousRateLimit: e.ANONYMOUS_RATE_LIMIT,
    searchRankWindow: e.SEARCH_RANK_WINDOW,
    publicCacheControl: e.PUBLIC_CACHE_CONTROL,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    redisUrl: e.REDIS_URL,
    webhookWorkerIntervalMs: e.WEBHOOK_WORKER_INTERVAL_MS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    responseCache: { maxEntries: e.RESPONSE_CACHE_MAX_ENTRIES, maxBytes: e.RESPONSE_CACHE_MAX_BYTES },
  };
}
