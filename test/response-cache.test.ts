import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { systemContext } from '../src/http/context.js';
import { updateArticle } from '../src/modules/articles/service.js';
import { createToken } from '../src/modules/tokens/service.js';
import { emitEvent } from '../src/modules/webhooks/outbox.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const CACHE_ON = { RESPONSE_CACHE_MAX_ENTRIES: '100' };

/** Polls `check` every 10 ms until it holds, for at most `ms`; answers how long it took, or undefined. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number | undefined> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Every content write empties the cache again when its NOTIFY comes back, which on PostgreSQL is a moment after
 * the commit (PGlite delivers it at commit). Before expecting a HIT after a write, let that moment pass.
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, process.env.TEST_DATABASE_URL ? 200 : 0));

t.test('the response cache is off by default', async (t) => {
  const { app } = await buildTestApp(t);
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ url: '/v1/tags' });
    t.equal(res.statusCode, 200);
    t.notOk(res.headers['x-cache'], 'no x-cache header');
  }
});

t.test('public reads from the response cache', async (t) => {
  const ctx = await buildTestApp(t, CACHE_ON);
  const { app, auth, clock } = ctx;
  const f = factories(app.db);
  const tag = await f.tag({ slug: 'floods' });
  const story = await f.article({ title: 'River rises', tagIds: [tag.id] }, clock.now);
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });
  await settle();

  await t.test('the second anonymous read is a HIT with the same body, ETag and headers', async (t) => {
    for (const url of [`/v1/articles/${story.id}`, '/v1/articles?page[size]=5', '/v1/tags', '/v1/feeds/en/rss.xml']) {
      const first = await get(url);
      t.equal(first.statusCode, 200, url);
      t.equal(first.headers['x-cache'], 'MISS', `${url}: filled`);
      t.ok(first.headers.etag, `${url}: has an ETag`);
      t.ok(first.headers['surrogate-key'], `${url}: has a Surrogate-Key`);
      const second = await get(url);
      t.equal(second.headers['x-cache'], 'HIT', `${url}: served from the cache`);
      t.equal(second.body, first.body, `${url}: same body`);
      for (const name of ['etag', 'surrogate-key', 'cache-control', 'content-type', 'last-modified', 'content-language', 'link', 'vary', 'content-length']) {
        t.equal(second.headers[name], first.headers[name], `${url}: same ${name}`);
      }
      t.ok(second.headers['x-request-id'], 'per-request headers are still set');
    }
    const single = await get(`/v1/articles/${story.id}`);
    t.match(single.headers.etag, /^"v\d+-/, 'a single resource keeps its versioned ETag');
    t.match(single.headers['surrogate-key'], `article:${story.id}`);
  });

  await t.test('the same parameters in another order hit the same entry', async (t) => {
    t.equal((await get('/v1/articles?page[size]=3&meta=total')).headers['x-cache'], 'MISS');
    const swapped = await get('/v1/articles?meta=total&page[size]=3');
    t.equal(swapped.headers['x-cache'], 'HIT');
    t.equal(swapped.json().meta.total, 1);
    t.equal((await get('/v1/articles?page[size]=4&meta=total')).headers['x-cache'], 'MISS', 'another value is another entry');
  });

  await t.test('each representation (?format, Accept) is its own entry', async (t) => {
    const url = `/v1/articles/${story.id}`;
    const variants: Array<[string, Record<string, string>, RegExp]> = [
      [`${url}?include=tags`, {}, /^application\/json/],
      [`${url}?include=tags`, { accept: 'application/ld+json' }, /^application\/ld\+json/],
      [`${url}?include=tags`, { accept: 'application/vnd.iptc.ninjs+json' }, /^application\/vnd\.iptc\.ninjs\+json/],
      [`${url}?include=tags&format=ninjs`, {}, /^application\/vnd\.iptc\.ninjs\+json/],
      [`${url}?include=tags&format=jsonld`, {}, /^application\/ld\+json/],
    ];
    for (const [path, headers, type] of variants) {
      const res = await get(path, headers);
      t.equal(res.headers['x-cache'], 'MISS', `${path} ${JSON.stringify(headers)}: an entry of its own`);
      t.match(res.headers['content-type'], type);
      const again = await get(path, headers);
      t.equal(again.headers['x-cache'], 'HIT');
      t.match(again.headers['content-type'], type, 'the HIT keeps its representation');
      t.equal(again.body, res.body);
    }
    const padded = await get(`${url}?include=tags`, { accept: '  application/ld+json ' });
    t.equal(padded.headers['x-cache'], 'HIT', 'Accept is trimmed');
    t.match(padded.headers['content-type'], /^application\/ld\+json/);
  });

  await t.test('a token read never comes from or goes into the cache: a draft never leaks', async (t) => {
    const draft = await f.article({ status: 'draft', publishedAt: null, title: 'Secret draft' }, clock.now);
    await settle();
    for (let i = 0; i < 2; i++) {
      const editor = await get('/v1/articles?page[size]=50', auth);
      t.notOk(editor.headers['x-cache'], 'no x-cache on a token read');
      t.ok(editor.json().data.some((a: { id: string }) => a.id === draft.id), 'the editor sees the draft');
      t.equal(editor.headers['cache-control'], 'private, no-store');
    }
    const anonymous = await get('/v1/articles?page[size]=50');
    t.equal(anonymous.headers['x-cache'], 'MISS', 'the token reads stored nothing');
    t.notOk(anonymous.json().data.some((a: { id: string }) => a.id === draft.id), 'anonymous readers do not see the draft');
    t.equal((await get('/v1/articles?page[size]=50')).headers['x-cache'], 'HIT');
    const editorAgain = await get('/v1/articles?page[size]=50', auth);
    t.notOk(editorAgain.headers['x-cache'], 'the anonymous entry is not served to a token');
    t.ok(editorAgain.json().data.some((a: { id: string }) => a.id === draft.id));
    t.equal((await get(`/v1/articles/${draft.id}`)).statusCode, 404);
    const missing = await get(`/v1/articles/${draft.id}`);
    t.equal(missing.statusCode, 404);
    t.equal(missing.headers['x-cache'], 'MISS', 'a 404 is not stored');
  });

  await t.test('public read keys share the anonymous entries', async (t) => {
    const key = (await createToken(app.db, { name: 'site', kind: 'public', scopes: [] })).secret;
    const anonymous = await get('/v1/tags?page[size]=7');
    t.equal(anonymous.headers['x-cache'], 'MISS');
    const keyed = await get('/v1/tags?page[size]=7', { authorization: `Bearer ${key}` });
    t.equal(keyed.headers['x-cache'], 'HIT');
    t.equal(keyed.body, anonymous.body);
    t.equal(keyed.headers.etag, anonymous.headers.etag);
    // What a public key's uncached read says: private, like every read with a credential, and no Surrogate-Key.
    const uncached = await get('/v1/tags?page[size]=8', { authorization: `Bearer ${key}` });
    t.equal(uncached.headers['x-cache'], 'MISS');
    t.equal(keyed.headers['cache-control'], uncached.headers['cache-control']);
    t.equal(keyed.headers['cache-control'], 'private, no-store');
    t.notOk(keyed.headers['surrogate-key']);
    t.equal((await get('/v1/tags?page[size]=8')).headers['x-cache'], 'MISS', 'a private response is not stored');
    t.equal((await get('/v1/tags?page[size]=8', { authorization: `Bearer ${key}` })).headers['x-cache'], 'HIT', 'the anonymous read filled it');
    t.equal((await get('/v1/tags?page[size]=7', { authorization: 'Bearer not-a-real-token-at-all' })).statusCode, 401, 'a bad token is still refused');
  });

  await t.test('If-None-Match on a HIT gives the same 304 as without the cache', async (t) => {
    const url = `/v1/articles/${story.id}?include=authors`;
    const full = await get(url);
    t.equal(full.headers['x-cache'], 'MISS');
    const etag = String(full.headers.etag);
    // Accept: application/json is the same representation under another key: a MISS, so caching.ts answers it.
    const missed = await get(url, { accept: 'application/json', 'if-none-match': etag });
    t.equal(missed.headers['x-cache'], 'MISS');
    t.equal(missed.statusCode, 304, 'the 304 caching.ts gives');
    const hit = await get(url, { 'if-none-match': `"other", ${etag}` });
    t.equal(hit.headers['x-cache'], 'HIT');
    t.equal(hit.statusCode, 304);
    t.equal(hit.body, '');
    t.equal(hit.headers.etag, etag);
    for (const name of ['etag', 'content-type', 'cache-control', 'last-modified', 'surrogate-key', 'vary']) {
      t.equal(hit.headers[name], missed.headers[name], `304 ${name}`);
    }
    // RFC 9110 §8.6: a 304 may carry Content-Length only if it is the 200's length; the HIT sends none.
    t.notOk(hit.headers['content-length']);
    t.equal((await get(url, { 'if-none-match': '"stale"' })).statusCode, 200, 'another ETag gets the body');
    t.equal((await get(url, { 'if-modified-since': String(full.headers['last-modified']) })).statusCode, 304, 'If-Modified-Since too');
  });

  await t.test('HEAD is answered from the GET entry', async (t) => {
    const url = '/v1/tags?page[size]=9';
    const getRes = await get(url);
    const head = await app.inject({ method: 'HEAD', url });
    t.equal(head.statusCode, 200);
    t.equal(head.headers['x-cache'], 'HIT');
    t.equal(head.body, '');
    t.equal(head.headers.etag, getRes.headers.etag);
    t.equal(head.headers['content-type'], getRes.headers['content-type']);
  });

  await t.test('preview links and the changes feed are never cached', async (t) => {
    const draft = await f.article({ status: 'draft', publishedAt: null }, clock.now);
    const link = await app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/preview-links`, headers: auth });
    const path = String(link.json().data.url).replace('http://dateline.test', '');
    for (const url of [path, path, '/v1/changes', '/v1/changes']) {
      const res = await get(url);
      t.equal(res.statusCode, 200, url);
      t.notOk(res.headers['x-cache'], url);
    }
  });

  await t.test('a write through the API shows on the next anonymous read', async (t) => {
    const etagOf = async (url: string) => String((await get(url, auth)).headers.etag);
    const storyUrl = `/v1/articles/${story.id}`;
    const list = '/v1/articles?page[size]=20';
    const warm = async () => {
      await settle();
      await get(storyUrl);
      await get(list);
      t.equal((await get(list)).headers['x-cache'], 'HIT', 'warm');
    };

    await warm();
    const patched = await app.inject({ method: 'PATCH', url: storyUrl, headers: { ...auth, 'if-match': await etagOf(storyUrl) }, payload: { title: 'River floods the town' } });
    t.equal(patched.statusCode, 200, patched.body);
    const after = await get(storyUrl);
    t.equal(after.headers['x-cache'], 'MISS');
    t.equal(after.json().data.title, 'River floods the town');
    t.ok((await get(list)).json().data.some((a: { title: string }) => a.title === 'River floods the town'), 'lists too');

    await warm();
    const held = await f.article({ status: 'draft', publishedAt: null, title: 'Breaking: dam holds' }, clock.now);
    await f.walkTo(held.id, 'unpublished', {}, clock.now);
    await warm();
    const published = await app.inject({ method: 'POST', url: `/v1/articles/${held.id}/publish`, headers: { ...auth, 'if-match': await etagOf(`/v1/articles/${held.id}`) } });
    t.equal(published.statusCode, 200, published.body);
    const listed = await get(list);
    t.equal(listed.headers['x-cache'], 'MISS');
    t.ok(listed.json().data.some((a: { id: string }) => a.id === held.id), 'the published article is listed at once');
    t.equal((await get(`/v1/articles/${held.id}`)).statusCode, 200);

    const tags = '/v1/tags';
    await settle();
    await get(tags);
    t.equal((await get(tags)).headers['x-cache'], 'HIT');
    const tagged = await app.inject({ method: 'PATCH', url: `/v1/tags/${tag.id}`, headers: { ...auth, 'if-match': await etagOf(`/v1/tags/${tag.id}`) }, payload: { names: { en: 'Flooding' } } });
    t.equal(tagged.statusCode, 200, tagged.body);
    const tagsAfter = await get(tags);
    t.equal(tagsAfter.headers['x-cache'], 'MISS');
    t.ok(tagsAfter.json().data.some((x: { name: string }) => x.name === 'Flooding'));

    await settle();
    await get('/v1/site');
    t.equal((await get('/v1/site')).headers['x-cache'], 'HIT');
    const current = (await get('/v1/site/settings', auth)).json().data;
    const put = await app.inject({ method: 'PUT', url: '/v1/site', headers: auth, payload: { ...current, name: { en: 'Delta Daily' } } });
    t.equal(put.statusCode, 200, put.body);
    const site = await get('/v1/site');
    t.equal(site.headers['x-cache'], 'MISS');
    t.equal(site.json().data.name, 'Delta Daily');
  });

  await t.test('a refused write leaves the cache alone', async (t) => {
    await settle();
    await get('/v1/tags');
    const refused = await app.inject({ method: 'PATCH', url: `/v1/tags/${tag.id}`, headers: { ...auth, 'if-match': '"v999-stale"' }, payload: { names: { en: 'Nope' } } });
    t.equal(refused.statusCode, 412);
    t.equal((await get('/v1/tags')).headers['x-cache'], 'HIT');
  });

  await t.test('a write outside the API (scheduler, CLI) empties the cache through its notification', async (t) => {
    const url = `/v1/articles/${story.id}`;
    await get(url);
    t.equal((await get(url)).headers['x-cache'], 'HIT');
    await updateArticle(app.db, story.id, { title: 'Written by the system' }, systemContext(clock.now));
    const took = await within(1000, async () => (await get(url)).json().data.title === 'Written by the system');
    t.ok(took !== undefined, `the notification arrived (${took} ms)`);
  });

  await t.test('a rolled-back write sends no notification', async (t) => {
    await settle();
    await get('/v1/tags');
    t.equal((await get('/v1/tags')).headers['x-cache'], 'HIT');
    await app.db
      .transaction(async (tx) => {
        await emitEvent(tx, { type: 'tag.updated', data: {}, orderingKey: `tag:${tag.id}` }, clock.now);
        tx.rollback();
      })
      .catch(() => {});
    // Long enough for a notification to travel back from the server, had there been one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.equal((await get('/v1/tags')).headers['x-cache'], 'HIT');
  });

  await t.test("entries expire after the response's max-age on the app clock", async (t) => {
    const url = '/v1/tags?page[size]=11';
    const filled = await get(url);
    t.equal(filled.headers['x-cache'], 'MISS');
    t.match(filled.headers['cache-control'], /max-age=60\b/);
    clock.advance(59_000);
    t.equal((await get(url)).headers['x-cache'], 'HIT', 'within max-age');
    clock.advance(1_000);
    t.equal((await get(url)).headers['x-cache'], 'MISS', 'at max-age');
    t.equal((await get(url)).headers['x-cache'], 'HIT', 'filled again');
    clock.advance(-3_600_000);
    t.equal((await get(url)).headers['x-cache'], 'MISS', 'an entry from the future (a clock set back) is stale too');
  });
});

t.test('the cache honours a configured max-age and the rate limits', async (t) => {
  const { app, clock } = await buildTestApp(t, { ...CACHE_ON, PUBLIC_CACHE_CONTROL: 'public, max-age=5, s-maxage=30', ANONYMOUS_RATE_LIMIT: '3' });
  const get = () => app.inject({ url: '/v1/tags' });
  t.equal((await get()).headers['x-cache'], 'MISS');
  clock.advance(4_000);
  const hit = await get();
  t.equal(hit.headers['x-cache'], 'HIT');
  t.equal(hit.headers.ratelimit?.toString().startsWith('"anonymous";r=1;'), true, 'a HIT counts against the limit');
  clock.advance(1_000);
  t.equal((await get()).headers['x-cache'], 'MISS', 'expired after max-age=5');
  const over = await get();
  t.equal(over.statusCode, 429, 'the limit applies before the cache answers');
  t.notOk(over.headers['x-cache']);
});

t.test('two instances on one database: a publish on one is visible on the other at once', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: PGlite is one process, so there is no second instance to notify',
}, async (t) => {
  const a = await buildTestApp(t, CACHE_ON);
  const f = factories(a.app.db);
  const database = await openDatabase({ url: a.databaseUrl });
  const b = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://dateline.test', ANONYMOUS_RATE_LIMIT: '0', ...CACHE_ON }),
    database,
    logger: false,
    now: () => a.clock.now,
  });
  try {
    await b.ready();
    const held = await f.article({ status: 'draft', publishedAt: null, title: 'Published on A' }, a.clock.now);
    await f.walkTo(held.id, 'unpublished', {}, a.clock.now);
    const list = '/v1/articles?page[size]=20';
    const onB = () => b.inject({ url: list });
    await settle();
    await onB();
    const warm = await onB();
    t.equal(warm.headers['x-cache'], 'HIT', 'B has the list cached');
    t.notOk(warm.json().data.some((x: { id: string }) => x.id === held.id));

    const etag = String((await a.app.inject({ url: `/v1/articles/${held.id}`, headers: a.auth })).headers.etag);
    const published = await a.app.inject({ method: 'POST', url: `/v1/articles/${held.id}/publish`, headers: { ...a.auth, 'if-match': etag } });
    t.equal(published.statusCode, 200, published.body);

    const took = await within(1000, async () => (await onB()).json().data.some((x: { id: string }) => x.id === held.id));
    t.ok(took !== undefined, `B lists the article published on A within a second (${took} ms)`);
    await settle();
    await onB();
    t.equal((await onB()).headers['x-cache'], 'HIT', 'and caches the new list');
  } finally {
    await b.close();
    await database.close();
  }
});

t.test('the listener comes back after its connection is cut, and empties the cache', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL: PGlite has no connection to lose',
}, async (t) => {
  const { app, databaseUrl } = await buildTestApp(t, CACHE_ON);
  const f = factories(app.db);
  const get = () => app.inject({ url: '/v1/tags' });
  await get();
  t.equal((await get()).headers['x-cache'], 'HIT');
  // What a server restart or a failover does to the listening connection.
  const name = new URL(databaseUrl!).pathname.slice(1);
  // The listener's connection is the one whose last statement was LISTEN.
  await app.db.execute(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`);
  const cleared = await within(2000, async () => (await get()).headers['x-cache'] === 'MISS');
  t.ok(cleared !== undefined, `emptied on reconnect (${cleared} ms)`);
  t.equal((await get()).headers['x-cache'], 'HIT');
  await f.tag({ slug: 'after-reconnect' });
  // A write outside the API: only the notification can tell this instance.
  const seen = await within(1000, async () => (await get()).body.includes('after-reconnect'));
  t.ok(seen !== undefined, `notifications arrive again (${seen} ms)`);
});
