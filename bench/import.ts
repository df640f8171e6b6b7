// npm run bench:import -- [--articles N] [--database-url URL]
// Moving an archive in: the bench newsroom (bench/newsroom.ts) is loaded into a source database, exported with
// `dateline export`, imported into an empty database with `dateline import` (every record created through the
// services), then imported again (every record unchanged). Each step is the real CLI as a child process, timed
// from spawn to exit. With --database-url (or BENCH_DATABASE_URL) both databases are made on that PostgreSQL
// server and dropped after; without it, PGlite in two temporary directories.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { seedDatabase } from './seed.js';

const CLI = fileURLToPath(new URL('../src/cli/dateline.mjs', import.meta.url));
const run = promisify(execFile);

interface Target {
  env: Record<string, string>;
  describe: string;
  drop: () => Promise<void>;
}

async function adminQuery(serverUrl: string, text: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function makeTarget(serverUrl: string | undefined, role: string): Promise<Target> {
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `dateline-import-${role}-`));
    return { env: { DATA_DIR: dir }, describe: `PGlite in ${dir}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `dateline_import_${role}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, describe: `PostgreSQL ${url.host}/${name}`, drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs the dateline CLI against a target; returns seconds and stdout. Exit code 2 (rejections) is a failure here. */
async function dateline(target: Target, args: string[]): Promise<{ seconds: number; stdout: string }> {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', ...target.env },
    maxBuffer: 64 * 2 ** 20,
  });
  return { seconds: (performance.now() - started) / 1000, stdout };
}

async function main() {
  const { values } = parseArgs({ options: { articles: { type: 'string' }, 'database-url': { type: 'string' } } });
  const articles = Number(values.articles ?? 2000);
  if (!Number.isInteger(articles) || articles < 10) throw new Error('--articles N: a whole number, at least 10');
  const serverUrl = values['database-url'] ?? (process.env.BENCH_DATABASE_URL || undefined);

  const source = await makeTarget(serverUrl, 'src');
  const target = await makeTarget(serverUrl, 'dst');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dateline-import-file-')), 'archive.ndjson');
  try {
    console.log(`Loading ${articles} bench articles into ${source.describe}`);
    const seeded = await seedDatabase({ articles, ...(serverUrl ? { url: source.env.DATABASE_URL } : { dataDir: source.env.DATA_DIR }) });
    const exported = await dateline(source, ['export', '--output', file]);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    const mb = statSync(file).size / 2 ** 20;
    console.log(`export: ${lines} records (${seeded.counts.articles} articles, ${mb.toFixed(1)} MB) in ${exported.seconds.toFixed(1)} s`);

    const first = await dateline(target, ['import', file]);
    console.log(`import into ${target.describe} (all created): ${first.seconds.toFixed(1)} s, ${Math.round(lines / first.seconds)} records/s`);
    console.log(first.stdout.trimEnd());
    const again = await dateline(target, ['import', file]);
    if (!/article\s+0\s+0\s+\d+\s+0/.test(again.stdout)) throw new Error(`the second import changed something:\n${again.stdout}`);
    console.log(`import again (all unchanged): ${again.seconds.toFixed(1)} s, ${Math.round(lines / again.seconds)} records/s`);
  } finally {
    await source.drop();
    await target.drop();
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
