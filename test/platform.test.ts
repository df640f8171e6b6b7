import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import t from 'tap';
import { ensureAdminToken, wantsDemoSeed } from '../src/bootstrap.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { apiTokens } from '../src/db/schema/index.js';
import { problemFromError } from '../src/http/problem.js';
import { buildTestApp } from './helpers/app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROBLEM = 'application/problem+json; charset=utf-8';

t.test('the HTTP edge', async (t) => {
  const { app, auth } = await buildTestApp(t, { BODY_LIMIT: '2048', CORS_ORIGINS: 'https://news.example' });

  await t.test('liveness and readiness probes answer ok and are never cached', async (t) => {
    for (const url of ['/health/live', '/health/ready']) {
      const res = await app.inject({ url });
      t.equal(res.statusCode, 200, url);
      t.same(res.json(), { status: 'ok' }, url);
      t.equal(res.headers['cache-control'], 'no-store', url);
    }
  });

  await t.test('a well-formed x-request-id is echoed, anything else is replaced', async (t) => {
    const kept = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'lb-7f3a:42' } });
    t.equal(kept.headers['x-request-id'], 'lb-7f3a:42');
    const none = await app.inject({ url: '/health/live' });
    t.match(none.headers['x-request-id'], UUID, 'one is made up when absent');
    for (const garbage of ['has spaces <script>', 'x'.repeat(200), 'ünïcode']) {
      const res = await app.inject({ url: '/health/live', headers: { 'x-request-id': garbage } });
      t.match(res.headers['x-request-id'], UUID, JSON.stringify(garbage.slice(0, 20)));
    }
    const problem = await app.inject({ url: '/nowhere', headers: { 'x-request-id': 'trace-1' } });
    t.equal(problem.json().requestId, 'trace-1', 'problems quote the same id');
  });

  await t.test('an unknown route is a 404 problem', async (t) => {
    const res = await app.inject({ url: '/v1/nothing-here?x=1' });
    t.equal(res.statusCode, 404);
    t.equal(res.headers['content-type'], PROBLEM);
    t.match(res.json(), { status: 404, code: 'NOT_FOUND', instance: '/v1/nothing-here', title: 'Not Found' });
  });

  const post = (payload: string, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/v1/tags', headers: { ...auth, ...headers }, payload });

  await t.test('malformed JSON is a 400 INVALID_JSON problem', async (t) => {
    for (const body of ['{"names":', '{"names": {"en": "x"},}', '']) {
      const res = await post(body, { 'content-type': 'application/json' });
      t.equal(res.statusCode, 400, JSON.stringify(body));
      t.equal(res.headers['content-type'], PROBLEM);
      t.equal(res.json().code, 'INVALID_JSON', JSON.stringify(body));
    }
  });

  await t.test('a body that is not JSON is a 415 problem', async (t) => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await post('names=x', { 'content-type': type });
      t.equal(res.statusCode, 415, type);
      t.equal(res.headers['content-type'], PROBLEM);
      t.equal(res.json().code, 'UNSUPPORTED_MEDIA_TYPE', type);
    }
  });

  await t.test('a body over BODY_LIMIT is a 413 problem', async (t) => {
    const res = await post(JSON.stringify({ names: { en: 'x'.repeat(4000) } }), { 'content-type': 'application/json' });
    t.equal(res.statusCode, 413);
    t.equal(res.headers['content-type'], PROBLEM);
    t.equal(res.json().code, 'PAYLOAD_TOO_LARGE');
  });

  await t.test('bad percent-encoding and over-long path segments are problems', async (t) => {
    for (const url of ['/v1/tags/%E0%A4%A', '/v1/tags/%zz']) {
      const res = await app.inject({ url, headers: { 'x-request-id': 'pct-1' } });
      t.equal(res.statusCode, 400, url);
      t.equal(res.headers['content-type'], PROBLEM);
      t.match(res.json(), { code: 'BAD_URL', requestId: 'pct-1' }, url);
      t.equal(res.headers['x-request-id'], 'pct-1', 'the router error still carries the request id');
    }
    const long = await app.inject({ url: '/v1/tags/' + 'a'.repeat(300) });
    t.equal(long.statusCode, 414);
    t.equal(long.headers['content-type'], PROBLEM);
    t.equal(long.json().code, 'URI_TOO_LONG');
  });

  await t.test('security headers are set', async (t) => {
    const res = await app.inject({ url: '/health/live' });
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    t.match(res.headers['strict-transport-security'], /max-age=\d+/);
    t.equal(res.headers['referrer-policy'], 'no-referrer');
    t.notOk(res.headers['x-powered-by']);
  });

  await t.test('a CORS preflight from an allowed origin is answered', async (t) => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/v1/tags',
      headers: {
        origin: 'https://news.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    t.equal(res.statusCode, 204);
    t.equal(res.headers['access-control-allow-origin'], 'https://news.example');
    t.match(res.headers['access-control-allow-methods'], /POST/);
    t.match(String(res.headers['access-control-allow-headers']).toLowerCase(), /authorization/);
    t.equal(res.headers['access-control-max-age'], '600');
    const other = await app.inject({ url: '/health/live', headers: { origin: 'https://evil.example' } });
    t.notOk(other.headers['access-control-allow-origin'], 'other origins get no CORS grant');
  });

  await t.test('requests the HTTP parser refuses get a problem on the socket', async (t) => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let out = '';
        socket.on('data', (d) => (out += d.toString()));
        socket.on('error', reject);
        socket.on('close', () => resolve(out));
        socket.end(text);
      });
    const big = await raw(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    t.match(big, /^HTTP\/1\.1 431 /);
    t.match(big, /content-type: application\/problem\+json/i);
    t.match(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)), { status: 431, code: 'HEADERS_TOO_LARGE' });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    t.match(garbage, /^HTTP\/1\.1 400 /);
    t.match(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)), { status: 400, code: 'BAD_REQUEST' });
  });
});

t.test('a 500 hides internals', async (t) => {
  const request = { url: '/v1/tags?x=1', id: 'req-500', method: 'POST' } as unknown as FastifyRequest;
  const leaky = Object.assign(new Error('insert into "tags" ("id") values ($1) -- password=hunter2'), { stack: 'at secret.ts:1' });
  const unknownPg = Object.assign(new Error('relation "tags" does not exist'), { code: '42P01' });
  for (const error of [leaky, unknownPg, new TypeError("Cannot read properties of undefined (reading 'id')"), 'a string']) {
    const body = problemFromError(error, request);
    t.match(body, { status: 500, code: 'INTERNAL_ERROR', title: 'Internal Server Error', instance: '/v1/tags', requestId: 'req-500' });
    const text = JSON.stringify(body);
    for (const secret of ['insert into', 'hunter2', 'secret.ts', 'does not exist', 'reading']) t.notOk(text.includes(secret), `no "${secret}" in the body`);
  }
});

t.test('configuration', async (t) => {
  t.test('a bad value stops start-up with one line naming the variable', async (t) => {
    for (const [env, name] of [
      [{ PORT: 'abc' }, 'PORT'],
      [{ PORT: '3.5' }, 'PORT'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO'],
      [{ PUBLIC_BASE_URL: 'http://example.com/' }, 'PUBLIC_BASE_URL'],
    ] as const) {
      const error = t.throws(() => loadConfig(env)) as Error;
      t.ok(error instanceof ConfigError, name);
      t.match(error.message, new RegExp(`^Invalid environment variable ${name}\\b`), name);
      t.notMatch(error.message, /\n/, 'one line');
    }
  });

  t.test('a database URL is never echoed, since it may hold a password', async (t) => {
    const error = t.throws(() => loadConfig({ DATABASE_URL: 'mysql://user:s3cret@db/news' })) as Error;
    t.match(error.message, /DATABASE_URL/);
    t.notMatch(error.message, /s3cret/);
  });

  t.test('defaults', async (t) => {
    const config = loadConfig({});
    t.match(config, { port: 3000, host: '0.0.0.0', dataDir: './data', publicBaseUrl: 'http://localhost:3000', corsOrigins: '*' });
    t.equal(loadConfig({ PORT: '3999' }).publicBaseUrl, 'http://localhost:3999', 'the base URL follows PORT');
    t.same(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins, ['https://a.example', 'https://b.example']);
  });

  t.test('the demo seed defaults to on for PGlite and off for PostgreSQL', async (t) => {
    t.equal(loadConfig({}).seedDemo, undefined);
    t.equal(wantsDemoSeed(loadConfig({}), 'pglite'), true);
    t.equal(wantsDemoSeed(loadConfig({}), 'postgres'), false);
    t.equal(wantsDemoSeed(loadConfig({ SEED_DEMO: 'false' }), 'pglite'), false);
    t.equal(wantsDemoSeed(loadConfig({ SEED_DEMO: 'true' }), 'postgres'), true);
  });
});

t.test('first start creates one admin token, and again only when none works', async (t) => {
  const { app } = await buildTestApp(t);
  t.equal(await ensureAdminToken(app.db), null, 'the test token is active: nothing created');

  await app.db.update(apiTokens).set({ revokedAt: new Date() });
  const admin = await ensureAdminToken(app.db);
  t.ok(admin, 'all tokens revoked: one is created');
  t.match(admin!.secret, /^dl_/);
  const rows = await app.db.select().from(apiTokens).where(isNull(apiTokens.revokedAt));
  t.equal(rows.length, 1);
  t.not(rows[0].tokenHash, admin!.secret, 'only the hash is stored');
  const res = await app.inject({ url: '/v1/site/settings', headers: { authorization: `Bearer ${admin!.secret}` } });
  t.equal(res.statusCode, 200, 'the new token carries every scope, settings:write included');
  t.equal(await ensureAdminToken(app.db), null, 'a second start creates nothing');

  await app.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) });
  t.ok(await ensureAdminToken(app.db), 'all tokens expired: one is created');
});

t.test('an embedded data directory is opened by one process at a time', async (t) => {
  const dataDir = t.testdir();
  const first = await openDatabase({ dataDir });
  await t.rejects(openDatabase({ dataDir }), /already open/);
  await first.close();
  const again = await openDatabase({ dataDir });
  t.equal(again.engine, 'pglite', 'reopened once the first one closed');
  await again.close();

  const held = t.testdir({ 'dateline.pid': String(process.ppid) });
  await t.rejects(openDatabase({ dataDir: held }), /in use by process \d+/, 'a live process holds it');
  const stale = t.testdir({ 'dateline.pid': String(spawnSync('true').pid) });
  const reclaimed = await openDatabase({ dataDir: stale });
  t.equal(reclaimed.engine, 'pglite', 'a pid file left by a dead process is taken over');
  await reclaimed.close();
});
