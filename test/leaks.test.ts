// Probes every GET route in the served spec, anonymously and with a public read key, with every
// article, slug, locale and the query parameters that reach relations (include, format, q, filters),
// and checks that no draft, scheduled, embargoed, future, withdrawn or expired article shows through.
import { eq } from 'drizzle-orm';
import t from 'tap';
import { articles } from '../src/db/schema/index.js';
import { systemContext } from '../src/http/context.js';
import { DEFAULT_SETTINGS, replaceSiteSettings } from '../src/modules/site/service.js';
import { createToken } from '../src/modules/tokens/service.js';
import { buildTestApp } from './helpers/app.js';
import { factories } from './helpers/factories.js';

const HOUR = 3_600_000;
const MARKER = 'secretmarker';

interface Operation {
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: { enum?: string[] } }>;
}

// Once as is, once with the response cache on and an editor's token reading every URL first: the cache
// must never hand an editor's view to anyone else.
for (const cached of [false, true]) {
  t.test(`nothing unpublished is reachable through any public route${cached ? ' (response cache on)' : ''}`, async (t) => {
    const ctx = await buildTestApp(t, cached ? { RESPONSE_CACHE_MAX_ENTRIES: '10000' } : {});
    const { app } = ctx;
    const f = factories(app.db);
    const now = ctx.clock.now;
    const at = (hours: number) => new Date(now.getTime() + hours * HOUR).toISOString();
    await replaceSiteSettings(
      app.db,
      { ...DEFAULT_SETTINGS, locales: [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }, { code: 'vi', name: 'Tiếng Việt' }] },
      systemContext(),
    );
    const category = await f.category({ slug: 'world' });
    const tag = await f.tag({ slug: 'rivers' });
    const author = await f.author({ slug: 'lan' });
    const source = await f.source({ slug: 'afp' });
    const links = { categoryId: category.id, tagIds: [tag.id], authors: [{ authorId: author.id, role: 'writer' as const }], sourceIds: [source.id] };
    const cover = { url: 'https://img.example.com/p.jpg', alt: 'River', caption: 'Boats', credit: 'Photo: AP', width: 1200, height: 800 };

    const story = await f.article({ ...links, slug: 'public-story', title: 'Public river story', lead: 'River lead', coverImage: cover, publishedAt: at(-5) });
    const storyZh = await f.translation(story.id, 'zh', { slug: 'public-story-zh', title: '公开河流故事', status: 'published', publishedAt: at(-4) });
    const other = await f.article({ ...links, slug: 'other-public', title: 'Another river story', publishedAt: at(-3) });

    // The hidden ones share everything with the public ones (category, tag, author, source, words, groups).
    const hidden: Array<{ id: string; slug: string }> = [];
    const hide = async (name: string, over: Parameters<typeof f.article>[0], after?: (id: string) => Promise<void>) => {
      const slug = `hidden-${name}`;
      const a = await f.article({ ...links, slug, title: `River ${MARKER} ${name}`, lead: `River ${MARKER}`, body: [{ type: 'paragraph', text: `river ${MARKER}` }], ...over });
      if (after) await after(a.id);
      hidden.push({ id: a.id, slug });
    };
    const setColumns = (values: Partial<typeof articles.$inferInsert>) => async (id: string) => {
      await app.db.update(articles).set(values).where(eq(articles.id, id));
    };
    await hide('draft', { status: 'draft', publishedAt: null });
    await hide('review', { status: 'draft', publishedAt: null }, (id) => f.walkTo(id, 'in_review'));
    await hide('scheduled', { status: 'scheduled', publishedAt: at(2) });
    await hide('future', { publishedAt: at(2) });
    await hide('embargoed', { status: 'draft', publishedAt: null }, (id) => f.walkTo(id, 'published', { embargoUntil: at(3) }, now));
    // Public until an hour ago, the scheduler not yet round to mark it unpublished: reads must hide it already.
    await hide('expired', { publishedAt: at(-6) }, setColumns({ unpublishAt: new Date(at(-1)) }));
    await hide('unpublished', { status: 'unpublished', publishedAt: at(-6) });
    await hide('archived', { status: 'draft', publishedAt: null }, (id) => f.walkTo(id, 'archived'));
    // A draft Vietnamese version of the public story: never in its translations, alternates or formats.
    const viDraft = await f.translation(story.id, 'vi', { slug: 'hidden-vi-draft', title: `Sông ${MARKER}` });
    hidden.push({ id: viDraft.id, slug: 'hidden-vi-draft' });
    // And a Chinese draft of a hidden story in a group of its own.
    const zhDraft = await f.translation(hidden[0].id, 'zh', { slug: 'hidden-zh-draft', title: `河 ${MARKER}` });
    hidden.push({ id: zhDraft.id, slug: 'hidden-zh-draft' });

    const publicKey = (await createToken(app.db, { name: 'partner', kind: 'public', scopes: [] })).secret;
    const callers: Array<[string, Record<string, string>]> = [
      ...(cached ? [['editor (warms the cache; not checked)', ctx.auth] as [string, Record<string, string>]] : []),
      ['anonymous', {}],
      ['public key', { authorization: `Bearer ${publicKey}` }],
    ];

    const spec = (await app.inject({ url: '/v1/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const month = at(-5).slice(0, 7).split('-');
    const ids: Record<string, string[]> = {
      articles: [story.id, storyZh.id, other.id, ...hidden.map((h) => h.id)],
      categories: [category.id],
      tags: [tag.id],
      authors: [author.id],
      sources: [source.id],
    };
    const values = (path: string, name: string): string[] => {
      if (name === 'id') return ids[path.split('/')[2]] ?? [story.id];
      if (name === 'locale') return ['en', 'zh', 'vi'];
      if (name === 'slug') return ['public-story', 'public-story-zh', ...hidden.map((h) => h.slug)];
      if (name === 'year') return [month[0]];
      if (name === 'month') return [month[1]];
      if (name === 'token') return ['x'.repeat(40)];
      if (name === 'rev') return ['1'];
      return ['x'];
    };
    /** Query strings worth trying for an operation, from the parameters it declares. */
    const queries = (op: Operation): string[] => {
      const names = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      const base = names.has('q') ? [`q=${MARKER}`, 'q=river', 'q=河流'] : [''];
      const extra: string[] = [];
      if (names.has('include')) extra.push('include=category,tags,authors,sources,translations', 'include=translations,jsonld');
      const format = (op.parameters ?? []).find((p) => p.name === 'format')?.schema?.enum ?? [];
      for (const value of format) extra.push(`format=${value}`);
      if (names.has('locale')) extra.push('locale=vi', 'locale=zh');
      if (names.has('fallback')) extra.push('locale=vi&fallback=en', 'locale=zh&fallback=vi');
      if (names.has('filter[status]')) extra.push('filter[status]=draft', 'filter[status][in]=draft,scheduled,in_review,unpublished,archived');
      if (names.has('filter[locale]')) extra.push('filter[locale]=vi');
      if (names.has('filter[translationGroup]')) extra.push(`filter[translationGroup]=${story.id}`);
      if (names.has('page[size]')) extra.push('page[size]=100');
      if (names.has('category')) extra.push(`category=${category.id}`, `tag=${tag.id}`, `author=${author.id}`);
      if (names.has('tree')) extra.push('tree=true');
      if (names.has('limit')) extra.push('limit=50');
      return base.flatMap((b) => [b, ...extra.map((e) => (b ? `${b}&${e}` : e))]);
    };

    const forbidden = (path: string) => [
      MARKER,
      // The changes feed is history: it names the expired article because it was public until an hour ago,
      // which is how partners learn that it must come down. It never carries content (the marker).
      ...hidden.filter((h) => !(path === '/v1/changes' && h.slug === 'hidden-expired')).flatMap((h) => [h.id, h.slug]),
    ];
    const okPaths = new Set<string>();
    let probes = 0;
    for (const [path, methods] of Object.entries(spec.paths)) {
      const op = methods.get;
      if (!op) continue;
      const needsToken = (op.security ?? []).some((s) => 'bearerAuth' in s) && !(op.security ?? []).some((s) => Object.keys(s).length === 0);
      // Expand every {param} with its candidate values.
      let urls = [path];
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        urls = urls.flatMap((u) => values(path, name).map((v) => u.replace(`{${name}}`, encodeURIComponent(v))));
      }
      for (const url of urls) {
        for (const query of queries(op)) {
          for (const [who, headers] of callers) {
            const res = await app.inject({ url: query ? `${url}?${query}` : url, headers });
            probes++;
            if (headers === ctx.auth) continue;
            const label = `${who} GET ${url}${query ? `?${query}` : ''}`;
            if (res.statusCode >= 500) t.fail(`${label}: ${res.statusCode} ${res.body.slice(0, 300)}`);
            if (needsToken && res.statusCode !== 401 && res.statusCode !== 403) t.fail(`${label}: ${res.statusCode} without a token`);
            if (res.statusCode === 200) okPaths.add(path);
            // A problem echoes the request's own URL in `instance`; that is not a leak.
            const problem = String(res.headers['content-type']).startsWith('application/problem+json');
            // Lists echo the request too, in links.self.
            const body = (problem ? JSON.stringify({ ...res.json(), instance: undefined }) : res.body).replace(/"self":"[^"]*"/g, '').toLowerCase();
            const leaked = forbidden(path).filter((needle) => body.includes(needle.toLowerCase()));
            if (leaked.length) t.fail(`${label} leaks ${leaked.join(', ')}: ${res.body.slice(0, 500)}`);
            // Addressing a hidden article directly is a 404, as if it did not exist.
            if (!needsToken && hidden.some((h) => url.includes(h.id) || url.endsWith(`/${h.slug}`)) && res.statusCode !== 404) {
              t.fail(`${label}: ${res.statusCode}, expected 404`);
            }
          }
        }
      }
    }
    t.ok(probes > 300, `${probes} requests made`);
    const publicPaths = Object.entries(spec.paths)
      .filter(([path, m]) => m.get && !(m.get.security ?? []).some((s) => 'bearerAuth' in s) && !path.includes('{token}'))
      .map(([path]) => path);
    for (const path of publicPaths) t.ok(okPaths.has(path), `${path} answered 200 at least once, so the probe looked at real content`);

    // Sanity: the public story is there, in both languages, so the probe compared against real pages.
    const page = (await app.inject({ url: `/v1/articles/${story.id}?include=translations` })).json().data;
    t.same(page.translations.map((l: { locale: string }) => l.locale).sort(), ['en', 'zh']);
  });
}
