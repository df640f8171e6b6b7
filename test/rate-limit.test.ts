import t from 'tap';
import { loadConfig } from '../src/config.js';
import { buildTestApp } from './helpers/app.js';

t.test('anonymous callers are limited per client address', async (t) => {
  const { app, auth } = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT: '3', TRUST_PROXY_HOPS: '1' });
  const from = (ip: string, url = '/v1/tags', headers: Record<string, string> = {}) =>
    app.inject({ url, remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': ip, ...headers } });

  await t.test('the budget, the headers and the 429 problem', async (t) => {
    for (let i = 1; i <= 3; i++) {
      const res = await from('203.0.113.7');
      t.equal(res.statusCode, 200, `request ${i}`);
      t.equal(res.headers['ratelimit-policy'], '"anonymous";q=3;w=60');
      t.match(res.headers.ratelimit, new RegExp(`^"anonymous";r=${3 - i};t=\\d+$`));
    }
    const over = await from('203.0.113.7', '/v1/articles');
    t.equal(over.statusCode, 429, 'the budget covers every /v1 route');
    t.equal(over.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(over.json().code, 'TOO_MANY_REQUESTS');
    t.match(over.json().detail, /client address is over its limit of 3 requests a minute/);
    const retry = Number(over.headers['retry-after']);
    t.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  });

  await t.test('other addresses, tokens, health probes and the docs are not counted against it', async (t) => {
    t.equal((await from('198.51.100.4')).statusCode, 200, 'another client behind the same proxy has its own budget');
    t.equal((await from('203.0.113.7', '/v1/tags', auth)).statusCode, 200, 'an API token is not limited');
    t.equal((await from('203.0.113.7', '/health/live')).statusCode, 200);
    t.not((await from('203.0.113.7', '/docs')).statusCode, 429);
  });
});

t.test('without trusted proxies the connection address counts, and 0 turns the limit off', async (t) => {
  const limited = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT: '1' });
  const call = (forwarded: string) => limited.app.inject({ url: '/v1/tags', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': forwarded } });
  t.equal((await call('203.0.113.1')).statusCode, 200);
  t.equal((await call('203.0.113.2')).statusCode, 429, 'a forged X-Forwarded-For does not buy a new budget');

  const open = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT: '0' });
  for (let i = 0; i < 5; i++) {
    const res = await open.app.inject({ url: '/v1/tags' });
    t.equal(res.statusCode, 200);
    t.notOk(res.headers.ratelimit);
  }
});

t.test('the public Cache-Control is configurable; token reads stay private', async (t) => {
  const { app, auth } = await buildTestApp(t, { PUBLIC_CACHE_CONTROL: 'public, max-age=10, s-maxage=30' });
  for (const url of ['/v1/tags', '/v1/sitemaps/news.xml', '/v1/feeds/en/rss.xml']) {
    t.equal((await app.inject({ url })).headers['cache-control'], 'public, max-age=10, s-maxage=30', url);
  }
  t.equal((await app.inject({ url: '/v1/tags', headers: auth })).headers['cache-control'], 'private, no-store');
  t.throws(() => loadConfig({ PUBLIC_CACHE_CONTROL: 'no-store' }), /PUBLIC_CACHE_CONTROL/, 'a shared cache must be allowed to keep public reads');
});

// Redis runs on our machines at 127.0.0.1:6379 (TEST_REDIS_URL overrides); without it this part is skipped.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(url: string): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const noRedis = (await redisReachable(REDIS_URL)) ? false : `no Redis at ${REDIS_URL}`;

t.test('with REDIS_URL two instances share one budget per client', { skip: noRedis }, async (t) => {
  const env = { ANONYMOUS_RATE_LIMIT: '4', TRUST_PROXY_HOPS: '1', REDIS_URL };
  const one = await buildTestApp(t, env);
  const two = await buildTestApp(t, env);
  // A client address of its own per run, so counts left in Redis by earlier runs do not matter.
  const client = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const call = (app: typeof one.app) => app.inject({ url: '/v1/tags', remoteAddress: '10.0.0.9', headers: { 'x-forwarded-for': client } });
  const statuses = [];
  for (const app of [one.app, two.app, one.app, two.app, one.app, two.app]) statuses.push((await call(app)).statusCode);
  t.same(statuses, [200, 200, 200, 200, 429, 429], 'four requests in all, whichever instance answers');
  const last = await call(two.app);
  t.match(last.headers.ratelimit, /^"anonymous";r=0;t=\d+$/);
  t.ok(Number(last.headers['retry-after']) >= 1);
});

t.test('an unreachable Redis lets requests through rather than failing them', async (t) => {
  const { app } = await buildTestApp(t, { ANONYMOUS_RATE_LIMIT: '1', REDIS_URL: 'redis://127.0.0.1:1' });
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/v1/tags' })).statusCode, 200);
});
