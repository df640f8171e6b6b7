// Read replicas and a direct URL: public reads go to DATABASE_READ_URL, writes and authenticated reads to the
// primary, migrations over DATABASE_DIRECT_URL. A real replica is a copy of the primary; here each "replica" is a
// database of its own with a different site name, so the name in a response says which server answered.
import pg from 'pg';
import t from 'tap';
import { type App, buildApp } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { systemContext } from '../src/http/context.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { createToken, SCOPES } from '../src/modules/tokens/service.js';
import { freshDatabase } from './helpers/app.js';

const needsPostgres = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: PGlite is one in-process database with no replicas';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A migrated database whose site is called `name`. */
async function namedDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const fresh = await freshDatabase();
  const database = await openDatabase({ url: fresh.url });
  try {
    await database.migrate();
    await replaceSiteSettings(database.db, { ...DEFAULT_SETTINGS, name: { en: name } }, systemContext());
  } finally {
    await database.close();
  }
  return { url: fresh.url!, drop: fresh.drop };
}

/** The app as the server builds it, from environment-style config: DATABASE_URL the primary, DATABASE_READ_URL the replicas. */
async function replicatedApp(t: Teardown, replicaNames: string[]): Promise<{ app: App; auth: { authorization: string }; publicKey: { authorization: string } }> {
  const primary = await namedDatabase('Primary Daily');
  const replicas: Array<{ url: string; drop(): Promise<void> }> = [];
  for (const name of replicaNames) replicas.push(await namedDatabase(name));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    ANONYMOUS_RATE_LIMIT: '0',
    DATABASE_URL: primary.url,
    DATABASE_READ_URL: replicas.map((r) => r.url).join(', '),
  });
  const app = await buildApp({ config, logger: false });
  t.teardown(async () => {
    await app.close(); // closes the pools it opened
    for (const db of [primary, ...replicas]) await db.drop();
  });
  await app.ready();
  // Credentials live on the primary only: authentication must look them up there whatever the request.
  const token = (await createToken(app.db, { name: 'editor', scopes: SCOPES })).secret;
  const key = (await createToken(app.db, { name: 'front end', kind: 'public', scopes: [] })).secret;
  return { app, auth: { authorization: `Bearer ${token}` }, publicKey: { authorization: `Bearer ${key}` } };
}

function catchError(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  return undefined;
}

const siteName = async (app: App, headers: Record<string, string> = {}) => {
  const res = await app.inject({ url: '/v1/site', headers });
  if (res.statusCode !== 200) throw new Error(`GET /v1/site answered ${res.statusCode}: ${res.body}`);
  return res.json().data.name as string;
};

t.test('reads and writes are routed between the primary and a replica', { skip: needsPostgres }, async (t) => {
  const { app, auth, publicKey } = await replicatedApp(t, ['Replica Times']);

  await t.test('an anonymous read comes from the replica', async (t) => {
    t.equal(await siteName(app), 'Replica Times');
    const head = await app.inject({ method: 'HEAD', url: '/v1/site' });
    t.equal(head.statusCode, 200, 'HEAD is a read too');
  });

  await t.test('a public read key reads as anonymous: from the replica', async (t) => {
    t.equal(await siteName(app, publicKey), 'Replica Times');
  });

  await t.test('a token reads the primary, so an editor sees their own writes', async (t) => {
    t.equal(await siteName(app, auth), 'Primary Daily');
  });

  await t.test('a write lands on the primary and its author reads it back at once', async (t) => {
    const put = await app.inject({ method: 'PUT', url: '/v1/site', headers: auth, payload: { ...DEFAULT_SETTINGS, name: { en: 'Primary Daily, renamed' } } });
    t.equal(put.statusCode, 200, put.body);
    t.equal(await siteName(app, auth), 'Primary Daily, renamed');
    t.equal(await siteName(app), 'Replica Times', 'the replica (a separate database here) is untouched');

    const created = await app.inject({ method: 'POST', url: '/v1/tags', headers: auth, payload: { slug: 'floods', names: { en: 'Floods' } } });
    t.equal(created.statusCode, 201, created.body);
    const id = created.json().data.id;
    t.equal((await app.inject({ url: `/v1/tags/${id}`, headers: auth })).statusCode, 200, 'the editor reads the new tag from the primary');
    t.equal((await app.inject({ url: `/v1/tags/${id}` })).statusCode, 404, 'an anonymous read goes to the replica, which never got the write');
  });
});

t.test('two replicas take turns, request by request', { skip: needsPostgres }, async (t) => {
  const { app } = await replicatedApp(t, ['Replica A', 'Replica B']);
  const names: string[] = [];
  for (let i = 0; i < 4; i++) names.push(await siteName(app));
  t.same(names, ['Replica A', 'Replica B', 'Replica A', 'Replica B']);
});

t.test('DATABASE_READ_URL and DATABASE_DIRECT_URL need DATABASE_URL', async (t) => {
  const replica = 'postgres://reader:s3cret@replica.internal:5432/dateline';
  for (const name of ['DATABASE_READ_URL', 'DATABASE_DIRECT_URL']) {
    const err = catchError(() => loadConfig({ [name]: replica }));
    t.ok(err instanceof ConfigError, `${name} without DATABASE_URL is refused at start-up`);
    t.match(err?.message, new RegExp(`^${name} is set but DATABASE_URL is not.*PGlite`), 'the message names the variable and why');
    t.notMatch(err?.message, /s3cret/, 'and never echoes the URL');
  }
  t.throws(() => loadConfig({ DATABASE_URL: 'postgres://p/db', DATABASE_READ_URL: `${replica},mysql://x/y` }), {
    message: 'Invalid environment variable DATABASE_READ_URL: must be one or more postgres:// or postgresql:// URLs separated by commas',
  });
  t.same(loadConfig({ DATABASE_URL: 'postgres://p/db', DATABASE_READ_URL: 'postgres://a/db, postgresql://b/db' }).databaseReadUrls, ['postgres://a/db', 'postgresql://b/db']);
  t.same(loadConfig({}).databaseReadUrls, [], 'no replicas by default');
  await t.rejects(openDatabase({ readUrls: [replica] }), /DATABASE_READ_URL.*PGlite/, 'openDatabase refuses replicas without a primary URL too');
});

t.test('migrations run over DATABASE_DIRECT_URL, not through the pooler URL', { skip: needsPostgres }, async (t) => {
  const fresh = await freshDatabase();
  t.teardown(fresh.drop);
  // Nothing listens on port 1: a migration over DATABASE_URL would fail to connect.
  const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/unreachable', directUrl: fresh.url });
  t.teardown(() => database.close());
  await database.migrate();
  const check = new pg.Client({ connectionString: fresh.url });
  await check.connect();
  try {
    const tables = await check.query(`SELECT to_regclass('public.site_settings') AS t`);
    t.equal(tables.rows[0].t, 'site_settings', 'the schema was created through the direct URL');
    const locks = await check.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    t.equal(locks.rows[0].n, 0, 'the migration lock was released with its connection');
  } finally {
    await check.end();
  }
  await t.rejects(database.ping(), 'the pool itself still points at DATABASE_URL');
});
