// The "done when": publishing through the API makes a local receiver get a verifiable
// article.published within a second, and no event is lost across an API restart while the receiver is down.
// The receiver verifies with the function printed in the README, so the documented code is tested code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { buildApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { createToken, SCOPES } from '../src/modules/tokens/service.js';
import { startWebhookWorker } from '../src/modules/webhooks/worker.js';
import { factories } from './helpers/factories.js';

type Verify = (secret: string, headers: http.IncomingHttpHeaders, body: string) => { id: string; type: string; data: { id: string } };

/** The first ```js block of the README's "Receiving webhooks" section, as a module. */
async function readmeVerifier(dir: string): Promise<Verify> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Receiving webhooks'));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1];
  const file = path.join(dir, 'verify.mjs');
  writeFileSync(file, code);
  return (await import(pathToFileURL(file).href)).verifyWebhook as Verify;
}

/** A receiver on 127.0.0.1 that verifies every request and keeps what it accepted. */
function receiver(secret: () => string, verify: Verify) {
  const received: Array<{ type: string; articleId: string; eventId: string; at: number }> = [];
  let server: http.Server | undefined;
  const listen = (port = 0) =>
    new Promise<number>((resolve) => {
      server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          try {
            const event = verify(secret(), req.headers, body);
            received.push({ type: event.type, articleId: event.data.id, eventId: event.id, at: Date.now() });
            res.writeHead(204).end();
          } catch (err) {
            res.writeHead(400).end((err as Error).message);
          }
        });
      });
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
  const close = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return { received, listen, close };
}

/** A database that outlives one app: a PostgreSQL database of its own, or a PGlite data directory. */
async function durableDatabase(dir: string) {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { open: () => openDatabase({ dataDir: path.join(dir, 'db') }), drop: async () => {} };
  const name = `dateline_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    open: () => openDatabase({ url: url.toString() }),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

interface Running {
  app: App;
  database: Database;
  stop(): Promise<void>;
}

/** What server.ts does, minus listening: the app, and the webhook worker polling every 50 ms. */
async function start(open: () => Promise<Database>, now: () => Date = () => new Date()): Promise<Running> {
  const database = await open();
  await database.migrate();
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://dateline.test', ANONYMOUS_RATE_LIMIT: '0', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  const app = await buildApp({ config, database, logger: false, now });
  await app.ready();
  const worker = startWebhookWorker(app, 50);
  return {
    app,
    database,
    async stop() {
      await worker.stop();
      await app.close();
      await database.close();
    },
  };
}

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return check();
};

t.test('publish → a verified article.published within a second; nothing lost across a restart', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dateline-e2e-'));
  const durable = await durableDatabase(dir);
  t.teardown(async () => {
    await durable.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  let secret = '';
  const hook = receiver(() => secret, await readmeVerifier(dir));
  t.teardown(hook.close);
  const port = await hook.listen();

  let api = await start(durable.open);
  t.teardown(() => api.stop().catch(() => {}));
  const { secret: token } = await createToken(api.database.db, { name: 'e2e', scopes: SCOPES });
  const auth = { authorization: `Bearer ${token}` };
  await factories(api.database.db).bilingualSite();
  const created = await api.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: auth,
    payload: { url: `http://127.0.0.1:${port}/hooks`, events: ['article.published'] },
  });
  t.equal(created.statusCode, 201, created.body);
  secret = created.json().data.secret;

  /** Creates a draft through the API and takes it through review to published; returns its id and the moment of publication. */
  const publish = async (app: App, title: string) => {
    const draft = await app.inject({ method: 'POST', url: '/v1/articles', headers: auth, payload: { locale: 'en', title, lead: 'Lead', body: [] } });
    const id = draft.json().data.id as string;
    let etag = String(draft.headers.etag);
    for (const action of ['submit', 'approve']) {
      const res = await app.inject({ method: 'POST', url: `/v1/articles/${id}/${action}`, headers: { ...auth, 'if-match': etag }, payload: {} });
      t.equal(res.statusCode, 200, `${action}: ${res.body}`);
      etag = String(res.headers.etag);
    }
    return { id, at: Date.now() };
  };

  await t.test('a verifiable article.published within a second', async (t) => {
    const { id, at } = await publish(api.app, 'Dam opens its gates');
    t.ok(await until(() => hook.received.some((r) => r.articleId === id), 1000), 'received within a second');
    const got = hook.received.filter((r) => r.articleId === id);
    t.same(got.map((r) => r.type), ['article.published'], 'verified by the README code, exactly once');
    t.ok(got[0].at - at < 1000, `${got[0].at - at} ms after the approve answered`);
  });

  await t.test('the receiver is down, the API restarts: the event still arrives, once', async (t) => {
    await hook.close();
    const { id } = await publish(api.app, 'Levee breach downstream');
    // The worker tries, is refused (connection refused) and schedules a retry; then the API goes down.
    const deliveries = () => api.app.inject({ url: `/v1/webhooks/${created.json().data.id}/deliveries?filter[status]=pending`, headers: auth });
    let refused: { attempts: number; lastError: string } | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      refused = (await deliveries()).json().data.find((d: { attempts: number }) => d.attempts === 1);
      if (!refused) await new Promise((r) => setTimeout(r, 20));
    }
    t.match(refused, { attempts: 1, lastError: /ECONNREFUSED|refused/ }, 'the first attempt failed while the receiver was down');
    await api.stop();

    await hook.listen(port);
    // The restarted API's clock is a minute ahead, so the retry (5 s backoff) is due at once.
    api = await start(durable.open, () => new Date(Date.now() + 60_000));
    t.ok(await until(() => hook.received.some((r) => r.articleId === id), 5000), 'delivered after the restart');
    await new Promise((r) => setTimeout(r, 300));
    t.same(hook.received.filter((r) => r.articleId === id).map((r) => r.type), ['article.published'], 'exactly once');
    const log = await api.app.inject({ url: `/v1/webhooks/${created.json().data.id}/deliveries`, headers: auth });
    const delivery = log.json().data.find((d: { status: string; attempts: number; eventType: string }) => d.attempts >= 2);
    t.match(delivery, { status: 'succeeded', eventType: 'article.published' }, 'the log shows the failed attempt and the success');
  });
});
