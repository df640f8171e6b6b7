// The `dateline` admin command (package.json "bin", launched by dateline.mjs): one entry for the chores an
// operator does against the configured database (DATABASE_URL, else PGlite in DATA_DIR), through the services.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { systemContext } from '../http/context.js';
import { seedDemo } from '../seed/demo.js';
import { issueToken, listTokens, revokeToken, ROLES, SCOPES, type Scope } from '../modules/tokens/service.js';
import { createUser } from '../modules/users/service.js';
import type { UserCreate } from '../modules/users/schemas.js';
import { ARTICLE_STATUSES, type ArticleStatus } from '../modules/articles/schemas.js';
import { importRecords } from '../modules/transfer/import.js';
import { parseWxr } from '../modules/transfer/wordpress.js';
import { siteLocales } from '../modules/site/service.js';
import type { Database } from '../db/client.js';
import { describeTarget, fail, UsageError, withDatabase } from './common.js';
import { countRecords, exportTo, formatReport, ndjsonEntries, progress } from './transfer.js';

const USAGE = `Usage: dateline <command> [options]

  migrate                                   apply pending migrations
  seed demo                                 add the demo newsroom (only to a database without articles)
  user create --email E --name N --role R   create a login; the password comes from --password-stdin,
              [--password-stdin]            else a random one is printed once
  token create --name N --scopes S[,S...]   create an API token (or --kind public, without scopes: a
              [--kind api|public]           public read key); the secret is printed once, alone on stdout
              [--expires-in-days D]
  token list [--all]                        tokens not revoked (--all: revoked ones too)
  token revoke ID                           revoke a token at once
  export [--output FILE]                    every article (all statuses) with its site settings, categories,
         [--status S,...] [--locale L]      tags, authors and sources as NDJSON, to stdout or FILE
  import [FILE|-] [--dry-run] [--jobs N]    NDJSON records (stdin when - or no FILE): created, updated or
                                            left unchanged by slug; the summary goes to stdout. Exit code
                                            0: all in; 2: some records rejected (the others are in)
  import wordpress FILE [--locale L]        a WordPress export (WXR): categories, tags, authors and posts
                   [--dry-run] [--jobs N]   (in the site's default locale unless --locale); same summary
  --jobs N: records written at once, 1 to 16 (default 4 on PostgreSQL; PGlite writes one at a time)

Roles: ${ROLES.join(', ')}. Scopes: ${SCOPES.join(', ')} (or "all").
The database: DATABASE_URL, else the embedded PGlite database in DATA_DIR (./data).`;

/** Parses one command's options strictly: an unknown or malformed option is a usage error, not a guess. */
function options<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], spec: T, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: spec, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals) throw new Error(`Unexpected argument "${parsed.positionals[positionals]}".`);
    return parsed;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
}

function parseScopes(raw: string | undefined): Scope[] {
  const requested = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = requested.filter((s) => s !== 'all' && !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Valid scopes: ${SCOPES.join(', ')}.`);
  return requested.includes('all') ? [...SCOPES] : [...new Set(requested as Scope[])];
}

function parseDays(raw: string | undefined): Date | null {
  if (raw === undefined) return null;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > 3650) {
    throw new UsageError(`--expires-in-days must be a whole number of days from 1 to 3650, not "${raw}".`);
  }
  return new Date(Date.now() + Number(raw) * 86_400_000);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The checks the API's UserCreate schema makes, as command-line messages (the service trusts its input). */
function checkUser(input: UserCreate) {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email) || input.email.length > 254) throw new UsageError(`--email "${input.email}" is not an email address.`);
  if (!input.displayName.trim() || input.displayName.length > 100 || /\p{Cc}/u.test(input.displayName)) {
    throw new UsageError('--name must be 1 to 100 characters, without control characters.');
  }
  if (!(ROLES as readonly string[]).includes(input.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${input.role}".`);
  if (input.password.length < 12 || input.password.length > 256) throw new UsageError('The password must be 12 to 256 characters.');
}

const ctx = () => systemContext(new Date(), 'dateline CLI');

async function userCreate(args: string[]) {
  const { values } = options(args, {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  });
  if (!values.email || !values.name || !values.role) throw new UsageError(`user create needs --email, --name and --role.\n\n${USAGE}`);
  const generated = !values['password-stdin'];
  const password = generated ? randomBytes(18).toString('base64url') : await readStdin();
  const input = { email: values.email, displayName: values.name, role: values.role as UserCreate['role'], password };
  checkUser(input);
  await withDatabase(async (database, config) => {
    const user = await createUser(database.db, input, ctx());
    process.stderr.write(`Created ${user.role} ${user.email} (id ${user.id}) in ${describeTarget(config)}.\n`);
    if (generated) {
      process.stderr.write('Their password, shown only this once (only its hash is stored):\n');
      process.stdout.write(`${password}\n`);
    }
  });
}

async function tokenCreate(args: string[]) {
  const { values } = options(args, {
    name: { type: 'string' },
    scopes: { type: 'string' },
    kind: { type: 'string' },
    'expires-in-days': { type: 'string' },
  });
  const name = values.name?.trim();
  if (!name || name.length > 100 || /\p{Cc}/u.test(name)) throw new UsageError(`token create needs --name (1 to 100 characters).\n\n${USAGE}`);
  const kind = values.kind ?? 'api';
  if (kind !== 'api' && kind !== 'public') throw new UsageError(`--kind must be api or public, not "${kind}".`);
  const scopes = parseScopes(values.scopes);
  if (kind === 'api' && !scopes.length) throw new UsageError(`An api token needs --scopes.\n\n${USAGE}`);
  if (kind === 'public' && scopes.length) throw new UsageError('A public read key carries no scopes: leave --scopes out.');
  const expiresAt = parseDays(values['expires-in-days']);
  await withDatabase(async (database, config) => {
    const token = await issueToken(database.db, { name, kind, scopes, expiresAt: expiresAt?.toISOString() }, SCOPES, ctx());
    process.stderr.write(
      `Created ${kind === 'public' ? 'public read key' : 'token'} "${name}" (id ${token.id}) in ${describeTarget(config)}\n` +
        (kind === 'api' ? `  scopes:  ${token.scopes.join(', ')}\n` : '') +
        `  expires: ${token.expiresAt ?? 'never'}\n` +
        'The secret below is shown only this once (only its hash is stored). Send it as "Authorization: Bearer <secret>".\n',
    );
    process.stdout.write(`${token.secret}\n`);
  });
}

async function tokenList(args: string[]) {
  const { values } = options(args, { all: { type: 'boolean' } });
  await withDatabase(async (database) => {
    const rows = [];
    let after: string | undefined;
    // Every page: an operator listing tokens wants all of them.
    do {
      const page = await listTokens(database.db, { 'page[size]': 100, 'page[after]': after, ...(values.all ? {} : { 'filter[revoked]': false }) }, '/v1/tokens');
      rows.push(...page.items);
      after = page.links.next ? new URL(page.links.next, 'http://x').searchParams.get('page[after]') ?? undefined : undefined;
    } while (after);
    const line = (cells: string[]) => cells.join('\t');
    console.log(line(['id', 'name', 'kind', 'scopes', 'created', 'last used', 'expires', 'revoked']));
    for (const t of rows) {
      console.log(line([t.id, t.name, t.kind, t.scopes.join(',') || '-', t.createdAt, t.lastUsedAt ?? '-', t.expiresAt ?? 'never', t.revokedAt ?? '-']));
    }
  });
}

async function tokenRevoke(args: string[]) {
  const { positionals } = options(args, {}, 1);
  const id = positionals[0];
  if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new UsageError(`token revoke needs the token's id.\n\n${USAGE}`);
  await withDatabase(async (database) => {
    const token = await revokeToken(database.db, id, ctx());
    process.stderr.write(`Revoked token "${token.name}" (id ${token.id}) at ${token.revokedAt}.\n`);
  });
}

const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

async function exportCommand(args: string[]) {
  const { values } = options(args, { output: { type: 'string' }, status: { type: 'string' }, locale: { type: 'string' } });
  const statuses = (values.status ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = statuses.filter((s) => !(ARTICLE_STATUSES as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`Unknown status: ${unknown.join(', ')}. Statuses: ${ARTICLE_STATUSES.join(', ')}.`);
  if (values.locale !== undefined && !LOCALE.test(values.locale)) throw new UsageError(`--locale must be a locale code such as en or zh-Hant, not "${values.locale}".`);
  await withDatabase(async (database, config) => {
    const filter = { statuses: statuses as ArticleStatus[], locale: values.locale };
    const written = await exportTo(database.db, filter, values.output);
    process.stderr.write(`Exported ${written.records} records (${written.articles} articles) from ${describeTarget(config)} to ${values.output ?? 'stdout'}.\n`);
  });
}

/** --jobs: how many records are written at once; checked before the database is opened. */
function parseJobs(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > 16) throw new UsageError(`--jobs must be a whole number from 1 to 16, not "${raw}".`);
  return Number(raw);
}

/** PGlite is one connection, so it takes records one by one; a server takes 4 at once unless told otherwise. */
const concurrencyFor = (database: Database, jobs: number | undefined) => (database.engine === 'pglite' ? 1 : (jobs ?? 4));

async function importWordPress(args: string[]) {
  const { values, positionals } = options(args, { locale: { type: 'string' }, 'dry-run': { type: 'boolean' }, jobs: { type: 'string' } }, 1);
  const file = positionals[0];
  if (!file) throw new UsageError(`import wordpress needs the export file.\n\n${USAGE}`);
  const jobs = parseJobs(values.jobs);
  if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
  await withDatabase(async (database, config) => {
    const { codes, defaultLocale } = await siteLocales(database.db);
    const locale = values.locale ?? defaultLocale;
    if (!codes.includes(locale)) throw new UsageError(`--locale ${locale} is not a site locale (${codes.join(', ')}).`);
    let wxr;
    try {
      wxr = parseWxr(readFileSync(file, 'utf8'), locale);
    } catch (err) {
      throw new UsageError(`${file}: ${(err as Error).message}`);
    }
    const bar = progress(wxr.entries.length);
    const concurrency = concurrencyFor(database, jobs);
    const report = await importRecords(database.db, wxr.entries, { ctx: ctx(), dryRun: values['dry-run'], concurrency, onEntry: bar.tick }).finally(bar.stop);
    process.stdout.write(formatReport(report, `Import of ${file} (WordPress, locale ${locale}) into ${describeTarget(config)}:`, wxr.skipped));
    if (report.rejected.length) process.exitCode = 2;
  });
}

async function importCommand(args: string[]) {
  if (args[0] === 'wordpress') return importWordPress(args.slice(1));
  const { values, positionals } = options(args, { 'dry-run': { type: 'boolean' }, jobs: { type: 'string' } }, 1);
  const file = positionals[0] ?? '-';
  const jobs = parseJobs(values.jobs);
  if (file !== '-' && !existsSync(file)) throw new UsageError(`No such file: ${file}`);
  await withDatabase(async (database, config) => {
    const concurrency = concurrencyFor(database, jobs);
    const bar = progress(file === '-' ? undefined : await countRecords(file));
    const report = await importRecords(database.db, ndjsonEntries(file), { ctx: ctx(), dryRun: values['dry-run'], concurrency, onEntry: bar.tick }).finally(bar.stop);
    process.stdout.write(formatReport(report, `Import of ${file === '-' ? 'stdin' : file} into ${describeTarget(config)}:`));
    if (report.rejected.length) process.exitCode = 2;
  });
}

async function main(argv: string[]) {
  const [command, sub, ...rest] = argv;
  const key = [command, sub].filter(Boolean).join(' ');
  if (!command || command === 'help' || command === '--help' || command === '-h') return void console.log(USAGE);
  if (command === 'migrate') {
    options(argv.slice(1), {});
    return withDatabase(async (_db, config) => console.log(`Migrations are up to date on ${describeTarget(config)}.`));
  }
  if (key === 'seed demo') {
    options(rest, {});
    return withDatabase(async (database, config) => {
      const seeded = await seedDemo(database.db, (msg) => console.log(msg));
      console.log(seeded ? `Demo content added to ${describeTarget(config)}.` : `Nothing seeded in ${describeTarget(config)}: it already has articles.`);
    });
  }
  if (key === 'user create') return userCreate(rest);
  if (key === 'token create') return tokenCreate(rest);
  if (key === 'token list') return tokenList(rest);
  if (key === 'token revoke') return tokenRevoke(rest);
  if (command === 'export') return exportCommand(argv.slice(1));
  if (command === 'import') return importCommand(argv.slice(1));
  throw new UsageError(`Unknown command "${key}".\n\n${USAGE}`);
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  fail(err instanceof UsageError ? err.message : `Failed: ${(err as Error).message}`);
}
