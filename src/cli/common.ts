// What every command (the server and the npm run CLIs) does alike: read config, open the database, fail in one line.
import { type Config, ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';

/** Prints one line to stderr and exits 1: for mistakes a user fixes, where a stack trace is noise. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The first useful message in an error; pg's connection failures arrive as an AggregateError with an empty message. */
export function describeError(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: unknown[] } | undefined;
  if (e?.errors?.length && !e.message) return describeError(e.errors[0]);
  return e?.message || e?.code || String(err);
}

export function configFromEnv(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

/** Where the data lives, for messages: never the password of a DATABASE_URL. */
export function describeTarget(config: Config): string {
  if (!config.databaseUrl) return `the embedded PGlite database in ${config.dataDir}`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL ${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({ url: config.databaseUrl, readUrls: config.databaseReadUrls, directUrl: config.databaseDirectUrl, dataDir: config.dataDir }).catch((err) =>
    fail(`Cannot open ${describeTarget(config)}: ${describeError(err)}`),
  );
}

/** Runs a CLI body against the configured, migrated database and always closes it; errors end in one line and exit 1. */
export async function withDatabase(fn: (database: Database, config: Config) => Promise<void>): Promise<void> {
  const config = configFromEnv();
  const database = await openConfiguredDatabase(config);
  let failure: unknown;
  try {
    await database.migrate();
    await fn(database, config);
  } catch (err) {
    failure = err;
  }
  await database.close().catch(() => {});
  if (failure !== undefined) fail(failure instanceof UsageError ? failure.message : `Failed: ${describeError(failure)}`);
}

/** A wrong command-line argument: reported as is, without "Failed:". */
export class UsageError extends Error {}
