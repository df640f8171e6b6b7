// Parses the environment once into a typed Config; a bad value stops start-up with one line naming it.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  PUBLIC_BASE_URL: Type.String({ pattern: '^https?://[^\\s]+[^/]$', default: 'http://localhost:3000' }),
  SEED_DEMO: Type.Boolean({ default: true }),
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
  seedDemo: boolean;
  bodyLimit: number;
  /** '*' or a list of allowed origins. */
  corsOrigins: '*' | string[];
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(ConfigSchema, raw);
  const converted = Value.Convert(ConfigSchema, withDefaults) as Record<string, unknown>;
  const [first] = Value.Errors(ConfigSchema, converted);
  if (first) {
    const name = first.instancePath.replace(/^\//, '');
    throw new ConfigError(`Invalid environment variable ${name}=${JSON.stringify(env[name] ?? '')}: ${first.message}`);
  }
  const e = converted as Env;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    seedDemo: e.SEED_DEMO,
    bodyLimit: e.BODY_LIMIT,
    corsOrigins: e.CORS_ORIGINS === '*' ? '*' : e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
  };
}
