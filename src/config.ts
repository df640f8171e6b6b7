// Parses the environment once into a typed Config; a bad value stops start-up with one line naming it.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Unset: http://localhost:PORT. */
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+[^/]$' })),
  /** Unset: on for embedded PGlite, off for a PostgreSQL server (server.ts decides). */
  SEED_DEMO: Type.Optional(Type.Boolean()),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
  CORS_ORIGINS: Type.String({ default: '*' }),
});
type Env = Static<typeof ConfigSchema>;

export interface Config {
  port: number;
  host: string;
  /** Unset means embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  publicBaseUrl: string;
  /** undefined when SEED_DEMO is unset: the server then seeds only an embedded database. */
  seedDemo?: boolean;
  bodyLimit: number;
  /** '*' or a list of allowed origins. */
  corsOrigins: '*' | string[];
}

export class ConfigError extends Error {}

/** Plainer words than the schema keyword for values people often get wrong. */
const HINTS: Partial<Record<keyof typeof ConfigSchema.properties, string>> = {
  DATABASE_URL: 'must be a postgres:// or postgresql:// URL',
  PUBLIC_BASE_URL: 'must be an http:// or https:// URL without a trailing slash',
  SEED_DEMO: 'must be true or false',
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
    // A database URL may carry a password: name the variable, never echo it.
    const shown = name === 'DATABASE_URL' ? '' : `=${JSON.stringify(env[name] ?? '')}`;
    throw new ConfigError(`Invalid environment variable ${name}${shown}: ${message}`);
  }
  const e = converted as Env;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    seedDemo: e.SEED_DEMO,
    bodyLimit: e.BODY_LIMIT,
    corsOrigins: e.CORS_ORIGINS === '*' ? '*' : e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
  };
}
