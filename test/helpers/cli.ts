// Runs the `dateline` command as a user runs it (a child process) against a database of its own: a PGlite
// data directory, or a throwaway PostgreSQL database when TEST_DATABASE_URL is set.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Database, openDatabase } from '../../src/db/client.js';
import { freshDatabase } from './app.js';

const CLI = fileURLToPath(new URL('../../src/cli/dateline.mjs', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliDatabase {
  /** Runs `dateline <args>` with `stdin` on its standard input. */
  run(args: string[], stdin?: string): Promise<CliRun>;
  /** The CLI's database, opened here between runs (PGlite opens a data directory in one process at a time). */
  inspect<T>(fn: (database: Database) => Promise<T>): Promise<T>;
  /** A scratch directory removed on teardown, for files the commands read and write. */
  dir: string;
}

export async function cliDatabase(t: { teardown(fn: () => unknown): void }): Promise<CliDatabase> {
  const fresh = await freshDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), 'dateline-cli-'));
  const dataDir = path.join(dir, 'data');
  t.teardown(async () => {
    rmSync(dir, { recursive: true, force: true });
    await fresh.drop();
  });
  const env = { ...process.env, LOG_LEVEL: 'silent', ...(fresh.url ? { DATABASE_URL: fresh.url } : { DATA_DIR: dataDir }) };
  delete (env as Record<string, string | undefined>).TEST_DATABASE_URL;
  if (!fresh.url) delete (env as Record<string, string | undefined>).DATABASE_URL;

  return {
    dir,
    run: (args, stdin) =>
      new Promise((resolve) => {
        const child = execFile(process.execPath, [CLI, ...args], { env, cwd: tmpdir(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
        child.stdin?.end(stdin ?? '');
      }),
    inspect: async (fn) => {
      const database = await openDatabase({ url: fresh.url, dataDir });
      try {
        return await fn(database);
      } finally {
        await database.close();
      }
    },
  };
}
