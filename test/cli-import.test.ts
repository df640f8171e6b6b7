// `dateline export` / `dateline import`: a round trip through the spawned CLI, the importer's rules (idempotence,
// updates with revisions, rejections, all-or-nothing records, translations) called directly, and a WordPress import.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { queryRows } from '../src/db/client.js';
import { systemContext } from '../src/http/context.js';
import { DEFAULT_SETTINGS } from '../src/modules/site/service.js';
import { exportRecords } from '../src/modules/transfer/export.js';
import { importRecords, type ImportEntry } from '../src/modules/transfer/import.js';
import { buildTestApp } from './helpers/app.js';
import { cliDatabase } from './helpers/cli.js';

const entries = (records: unknown[]): ImportEntry[] => records.map((r, i) => ({ where: `line ${i + 1}`, read: () => r }));

t.test('export of the demo seed imports into an empty database and exports back the same', async (t) => {
  const from = await cliDatabase(t);
  const to = await cliDatabase(t);
  const file = path.join(from.dir, 'archive.ndjson');

  t.equal((await from.run(['seed', 'demo'])).code, 0);
  const exported = await from.run(['export', '--output', file]);
  t.equal(exported.code, 0, exported.stderr);
  t.match(exported.stderr, /Exported \d+ records \(\d+ articles\)/);
  const first = readFileSync(file, 'utf8').trim().split('\n');
  const records = first.map((line) => JSON.parse(line));
  t.equal(records[0].type, 'site', 'site settings lead, so the locales exist before the articles');
  const articles = records.filter((r) => r.type === 'article');
  t.ok(articles.some((a) => a.status === 'draft'), 'drafts are exported too');
  const translation = articles.find((a) => a.translationOf);
  t.ok(translation, 'translations name their original by locale and slug');
  t.ok(
    articles.findIndex((a) => a.locale === translation.translationOf.locale && a.slug === translation.translationOf.slug) < articles.indexOf(translation),
    'originals come before their translations',
  );
  t.notOk(first.some((line) => /"(categoryId|tagIds|authorId|sourceIds|id)":/.test(line)), 'no database ids in the records');

  // One writer, so the articles get their ids (and export order) in input order; --jobs is tested below.
  const imported = await to.run(['import', file, '--jobs', '1']);
  t.equal(imported.code, 0, imported.stdout + imported.stderr);
  t.match(imported.stdout, new RegExp(`article +${articles.length} +0 +0 +0`));
  const again = await to.run(['export']);
  t.equal(again.code, 0, again.stderr);
  t.same(again.stdout.trim().split('\n'), first, 'the second export is line for line the first (createdAt and publication dates included)');

  const filtered = await to.run(['export', '--status', 'published', '--locale', 'zh']);
  t.equal(filtered.code, 0, filtered.stderr);
  const zhPublished = filtered.stdout.trim().split('\n').map((line) => JSON.parse(line));
  const zhArticles = zhPublished.filter((r) => r.type === 'article');
  t.same(
    zhArticles.map((a) => a.slug).sort(),
    articles.filter((a) => a.locale === 'zh' && a.status === 'published').map((a) => a.slug).sort(),
    '--status and --locale keep exactly the matching articles',
  );
  t.ok(zhArticles.length > 0);
  t.equal(zhPublished.filter((r) => r.type !== 'article').length, records.length - articles.length, 'with the whole taxonomy, so the file imports on its own');
  const badFilter = await to.run(['export', '--status', 'live']);
  t.equal(badFilter.code, 1, 'an unknown status is a usage error');
  t.equal(badFilter.stdout, '', 'and nothing is written');

  // The default on PostgreSQL writes 4 records at once: the same records, listed in the order they were created.
  const side = await cliDatabase(t);
  const parallel = await side.run(['import', file]);
  t.equal(parallel.code, 0, parallel.stdout + parallel.stderr);
  const parallelExport = await side.run(['export']);
  t.same(parallelExport.stdout.trim().split('\n').sort(), [...first].sort(), 'written side by side: the same records');
  t.equal((await side.run(['import', file, '--jobs', '17'])).code, 1, '--jobs above 16 is a usage error');

  const reimported = await to.run(['import'], readFileSync(file, 'utf8'));
  t.equal(reimported.code, 0);
  t.match(reimported.stdout, new RegExp(`total +0 +0 +${records.length} +0`), 'importing the same file again changes nothing');

  const bad = [
    '{"type":"article","locale":"en","slug":"broken"',
    JSON.stringify({ locale: 'en', slug: 'no-title', title: '' }),
    JSON.stringify({ locale: 'en', slug: 'lost-section', title: 'Lost', category: 'no-such-section' }),
    '',
    JSON.stringify({ locale: 'en', slug: 'fresh-from-stdin', title: 'Fresh from stdin', status: 'published', publishedAt: '2011-03-11T05:46:00Z' }),
  ].join('\n');
  const partial = await to.run(['import', '-'], bad);
  t.equal(partial.code, 2, 'exit code 2: some records were rejected');
  t.match(partial.stdout, /line 1: invalid JSON/);
  t.match(partial.stdout, /line 2 \(en\/no-title\): \/title must NOT have fewer than 1 characters/);
  t.match(partial.stdout, /line 3 \(en\/lost-section\): category "no-such-section" is neither in the database nor in the input/);
  t.match(partial.stdout, /article +1 +0 +0 +2/);
  const landed = await to.inspect((d) => queryRows<{ slug: string; published_at: Date }>(d.db, sql`SELECT slug, published_at FROM articles WHERE slug IN ('fresh-from-stdin', 'no-title', 'lost-section')`));
  t.same(landed.map((r) => [r.slug, new Date(r.published_at).toISOString()]), [['fresh-from-stdin', '2011-03-11T05:46:00.000Z']], 'the good line landed, with its date');

  const usage = await to.run(['import', path.join(to.dir, 'missing.ndjson')]);
  t.equal(usage.code, 1);
  t.match(usage.stderr, /No such file/);
});

t.test('the importer, record by record', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const db = app.db;
  const ctx = () => systemContext(new Date(), 'dateline CLI');
  const run = (records: unknown[], dryRun = false) => importRecords(db, entries(records), { ctx: ctx(), dryRun });
  const get = (url: string, headers = {}) => app.inject({ method: 'GET', url, headers });

  const site = { type: 'site', settings: { ...DEFAULT_SETTINGS, locales: [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }] } };
  const taxonomy = [
    { type: 'category', slug: 'world', names: { en: 'World' } },
    { type: 'category', slug: 'asia', parent: 'world', names: { en: 'Asia' } },
    { type: 'tag', slug: 'floods', names: { en: 'Floods' } },
    { type: 'author', slug: 'mai-tran', name: 'Mai Tran', email: 'mai@example.com' },
    { type: 'source', slug: 'wire', shortName: 'WR', fullName: 'Wire Service', kind: 'agency' },
  ];
  const original = {
    type: 'article',
    locale: 'en',
    slug: 'delta-floods',
    title: 'Delta floods recede',
    lead: 'Water levels fell overnight.',
    body: [{ type: 'paragraph', text: 'The water fell <script>x()</script>by a metre.' }],
    status: 'published',
    publishedAt: '2019-09-01T06:30:00.000Z',
    category: 'asia',
    tags: ['floods'],
    authors: [{ slug: 'mai-tran', role: 'writer' }],
    sources: ['wire'],
    corrections: [{ text: 'An earlier version misspelt a town.', at: '2019-09-01T09:00:00.000Z' }],
  };
  const translation = { type: 'article', locale: 'zh', slug: 'delta-floods', translationOf: { locale: 'en', slug: 'delta-floods' }, title: '三角洲洪水消退', status: 'published', publishedAt: '2019-09-01T10:00:00.000Z' };
  const draft = { locale: 'en', slug: 'unfinished-notes', title: 'Unfinished notes', status: 'draft' };

  // The translation comes first: it waits until its original is in.
  const report = await run([site, translation, ...taxonomy, original, draft]);
  t.same(report.rejected, []);
  t.same(report.counts.article, { created: 3, updated: 0, unchanged: 0, rejected: 0 });
  t.same(report.counts.category, { created: 2, updated: 0, unchanged: 0, rejected: 0 });

  const read = await get('/v1/articles/by-slug/en/delta-floods?include=translations,category,tags,authors,sources');
  t.equal(read.statusCode, 200);
  const article = read.json().data;
  t.equal(article.publishedAt, '2019-09-01T06:30:00.000Z', 'the original publication date is kept');
  t.equal(article.firstPublishedAt, '2019-09-01T06:30:00.000Z');
  t.equal(article.body[0].text, 'The water fell by a metre.', 'inline HTML is sanitized as for an API write');
  t.same(article.corrections, original.corrections);
  t.same([article.category.slug, article.tags[0].slug, article.authors[0].slug, article.sources[0].slug], ['asia', 'floods', 'mai-tran', 'wire']);
  t.same(article.translations.map((l: { locale: string; slug: string }) => `${l.locale}/${l.slug}`), ['en/delta-floods', 'zh/delta-floods'], 'the public API shows the translation link');
  const search = await get('/v1/search?q=delta');
  t.ok(search.json().data.some((a: { slug: string }) => a.slug === 'delta-floods'), 'the search document is written');

  t.equal((await get('/v1/articles/by-slug/en/unfinished-notes')).statusCode, 404, 'a draft stays hidden from anonymous readers');
  t.equal((await get('/v1/articles/by-slug/en/unfinished-notes', auth)).json().data.status, 'draft');

  const again = await run([site, ...taxonomy, original, translation, draft]);
  t.same(again.counts.article, { created: 0, updated: 0, unchanged: 3, rejected: 0 }, 're-import: nothing new, nothing updated');
  t.same(again.counts.site, { created: 0, updated: 0, unchanged: 1, rejected: 0 });

  const changed = await run([{ ...original, title: 'Delta floods recede further' }, { ...taxonomy[2], names: { en: 'Flooding' } }]);
  t.same(changed.counts.article, { created: 0, updated: 1, unchanged: 0, rejected: 0 });
  t.same(changed.counts.tag, { created: 0, updated: 1, unchanged: 0, rejected: 0 });
  const revisions = (await get(`/v1/articles/${article.id}/revisions`, auth)).json().data;
  t.equal(revisions.length, 2, 'the update is a revision');
  t.equal(revisions[0].reason, 'import');
  t.equal((await get('/v1/articles/by-slug/en/delta-floods')).json().data.publishedAt, '2019-09-01T06:30:00.000Z', 'an update keeps the date');

  const rejected = await run([
    { ...original, slug: 'twice', title: '' },
    { locale: 'en', slug: 'bad-role', title: 'Bad role', authors: [{ slug: 'mai-tran', role: 'typist' }] },
    { locale: 'en', slug: 'orphan', title: 'Orphan', translationOf: { locale: 'en', slug: 'nowhere' } },
    { locale: 'en', slug: 'no-date', title: 'No date', status: 'published' },
    { locale: 'fr', slug: 'bonjour', title: 'Bonjour' },
    { ...draft, title: 'Second copy' },
    { ...draft, title: 'Third copy' },
    { locale: 'zh', slug: 'second-zh', title: '第二', translationOf: { locale: 'en', slug: 'delta-floods' } },
    { type: 'comment', text: 'hi' },
  ]);
  t.same(
    rejected.rejected.map((r) => `${r.where}: ${r.reason}`),
    [
      'line 1: /title must NOT have fewer than 1 characters',
      'line 2: /authors/0/role must be one of: writer, translator, photographer, editor, contributor',
      'line 3: translationOf en/nowhere is neither in the database nor in the input',
      'line 4: /publishedAt is required for a published article (imports keep the original date)',
      'line 5: /locale is not a site locale (en, zh)',
      'line 7: the same article as line 6: each appears once per import',
      'line 8: The story of en/delta-floods already has a "zh" version (zh/delta-floods).',
      'line 9: /type must be one of: site, category, tag, author, source, article',
    ],
  );
  t.same(rejected.counts.article.updated, 1, 'the first copy of a repeated record is an update');

  // A record that fails half-way (its tag link is refused by the database after the article row went in)
  // leaves nothing behind, and the records around it still land.
  await db.execute(sql`CREATE FUNCTION refuse_embargoed_tag() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT slug FROM tags WHERE id = NEW.tag_id) = 'embargoed' THEN RAISE EXCEPTION 'tag link refused'; END IF;
      RETURN NEW;
    END $$`);
  await db.execute(sql`CREATE TRIGGER refuse_embargoed_tag BEFORE INSERT ON article_tags FOR EACH ROW EXECUTE FUNCTION refuse_embargoed_tag()`);
  const halfway = await run([
    { type: 'tag', slug: 'embargoed', names: { en: 'Embargoed' } },
    { locale: 'en', slug: 'half-written', title: 'Half written', tags: ['floods', 'embargoed'], status: 'published', publishedAt: '2020-01-01T00:00:00Z' },
    { locale: 'en', slug: 'after-it', title: 'After it', tags: ['floods'] },
  ]);
  t.same(halfway.rejected.map((r) => `${r.where} (${r.label}): ${r.reason}`), ['line 2 (en/half-written): tag link refused']);
  const left = await queryRows<{ n: number }>(
    db,
    sql`SELECT (SELECT count(*) FROM articles WHERE slug = 'half-written')::int
             + (SELECT count(*) FROM audit_log WHERE details->>'slug' = 'half-written')::int AS n`,
  );
  t.equal(left[0].n, 0, 'no article row, no audit entry');
  t.equal((await get('/v1/articles/by-slug/en/after-it', auth)).statusCode, 200);

  const dry = await run([{ locale: 'en', slug: 'only-a-rehearsal', title: 'Only a rehearsal' }, { ...original, title: 'Rehearsed title' }], true);
  t.same(dry.counts.article, { created: 1, updated: 1, unchanged: 0, rejected: 0 });
  t.equal(dry.dryRun, true);
  t.equal((await get('/v1/articles/by-slug/en/only-a-rehearsal', auth)).statusCode, 404, 'a dry run writes nothing');
  t.equal((await get('/v1/articles/by-slug/en/delta-floods')).json().data.title, 'Delta floods recede further');
});


t.test('records written side by side (--jobs): same result as one by one', async (t) => {
  const { app } = await buildTestApp(t);
  const ctx = () => systemContext(new Date(), 'dateline CLI');
  const site = { type: 'site', settings: { ...DEFAULT_SETTINGS, locales: [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }] } };
  const story = (n: number) => ({ type: 'article', locale: 'en', slug: `story-${n}`, title: `Story ${n}`, tags: ['river'], status: 'published', publishedAt: '2020-01-01T00:00:00.000Z' });
  const version = (n: number, slug = `story-${n}`) => ({ type: 'article', locale: 'zh', slug, translationOf: { locale: 'en', slug: `story-${n}` }, title: `故事 ${n}`, status: 'published', publishedAt: '2020-01-02T00:00:00.000Z' });
  const records = [
    site,
    { type: 'tag', slug: 'river', names: { en: 'River' } },
    // Each translation right behind its original, and two Chinese versions of story 3: with 4 writers these meet
    // records still in flight, and must come out as they would one by one.
    ...[1, 2, 3, 4, 5].flatMap((n) => [story(n), version(n)]),
    version(3, 'story-3-again'),
  ];
  const report = await importRecords(app.db, entries(records), { ctx: ctx(), concurrency: 4 });
  t.same(report.counts.article, { created: 10, updated: 0, unchanged: 0, rejected: 1 });
  t.same(report.counts.tag, { created: 1, updated: 0, unchanged: 0, rejected: 0 });
  t.same(report.rejected.map((r) => r.where), ['line 13'], 'only the second Chinese version of story 3');
  t.match(report.rejected[0].reason, /already has a "zh" version|articles_group_locale_unique/);
  for (const n of [1, 2, 3, 4, 5]) {
    const en = (await app.inject({ url: `/v1/articles/by-slug/en/story-${n}?include=translations` })).json().data;
    t.same(en.translations.map((l: { locale: string; slug: string }) => `${l.locale}/${l.slug}`).sort(), [`en/story-${n}`, `zh/story-${n}`].sort(), `story ${n} linked`);
  }
  const again = await importRecords(app.db, entries(records.slice(0, -1)), { ctx: ctx(), concurrency: 4 });
  t.same(again.counts.article, { created: 0, updated: 0, unchanged: 10, rejected: 0 }, 'and a re-import changes nothing');
});

t.test('dateline import wordpress maps a WXR export and is idempotent', async (t) => {
  const cli = await cliDatabase(t);
  const fixture = fileURLToPath(new URL('./fixtures/wordpress-export.xml', import.meta.url));

  const first = await cli.run(['import', 'wordpress', fixture]);
  t.equal(first.code, 2, 'two bad posts: exit code 2');
  t.match(first.stdout, /category +4 +0 +0 +0/);
  t.match(first.stdout, /tag +3 +0 +0 +0/);
  t.match(first.stdout, /author +2 +0 +0 +0/);
  t.match(first.stdout, /article +4 +0 +0 +2/);
  t.match(first.stdout, /1 page \(only posts are imported\)/);
  t.match(first.stdout, /2 attachments/);
  t.match(first.stdout, /1 nav_menu_item/);
  t.match(first.stdout, /post 107 \(private-notes\): private status is not imported/);
  t.match(first.stdout, /post 104 \(en\/untitled-note\): \/title must NOT have fewer than 1 characters/);
  t.match(first.stdout, /post 105 \(en\/night-ferry-returns\): the same article as post 101/);

  const records = await cli.inspect(async (d) => {
    const out = [];
    for await (const r of exportRecords(d.db)) out.push(r as Record<string, unknown>);
    return out;
  });
  const bySlug = (type: string, slug: string) => records.find((r) => (r.type ?? 'article') === type && r.slug === slug) as Record<string, any>;
  t.same(
    records.filter((r) => r.type === 'category').map((c) => [c.slug, c.parent]),
    [['town', null], ['harbour', 'town'], ['ferries', 'harbour'], ['uncategorized', null]],
    'nested categories keep their parents',
  );
  t.same(bySlug('category', 'harbour').names, { en: 'Harbour & Boats' }, 'entities in names are decoded');
  t.same(bySlug('tag', 'gangkou').names, { en: 'Gangkou' }, 'a percent-encoded tag slug becomes a Dateline slug');
  t.same([bySlug('author', 'hoa-le').email, bySlug('author', 'dmorgan').email, bySlug('author', 'dmorgan').name], ['hoa.le@harbour-gazette.example', null, 'Dana Morgan']);

  const ferry = bySlug('article', 'night-ferry-returns');
  t.same(
    [ferry.status, ferry.publishedAt, ferry.category, ferry.tags, ferry.authors, ferry.lead],
    ['published', '2024-05-14T11:05:00.000Z', 'ferries', ['weather', 'gangkou'], [{ slug: 'hoa-le', role: 'writer' }], 'The crossing is back, with earlier boarding.'],
    'post_date_gmt is the publication date; the first category is the section',
  );
  t.same(
    ferry.body.map((b: { type: string }) => b.type),
    ['paragraph', 'paragraph', 'heading', 'list', 'quote', 'embed'],
    'wpautop paragraphs, heading, list, quote and [embed] become blocks',
  );
  t.equal(ferry.body[1].text, 'Crews worked through two weekends.<br />The harbour master called it "a small miracle".');
  t.same(ferry.body[4], { type: 'quote', text: 'We missed the quiet crossing more than anything.', attribution: 'A commuter' });
  t.same(ferry.coverImage, { url: 'https://harbour-gazette.example/wp-content/uploads/2024/05/ramp.jpg', alt: 'The ferry ramp', caption: 'The repaired ramp at dawn.' }, 'the featured image is the cover');

  const wall = bySlug('article', 'council-agrees-sea-wall');
  t.same(wall.body[1], {
    type: 'image',
    url: 'https://harbour-gazette.example/wp-content/uploads/2024/04/quay.jpg',
    alt: 'The north quay at high tide',
    caption: 'Waves over the north quay in March.',
    credit: 'Photo: Dana Morgan',
    width: 800,
    height: 533,
  }, '[caption] around an image becomes an image block with caption and credit');
  t.equal(wall.body[0].text, 'The council voted 7 to 2 for a <a href="https://harbour-gazette.example/council">new sea wall</a> along the north quay.', 'inline HTML sanitized as for an API write');
  t.equal(wall.body[3].text, 'Half comes from the regional fund; the rest from harbour fees.');
  t.same(wall.body[4], { type: 'list', style: 'numbered', items: ['Design this summer', 'Work starts in spring'] });

  const draft = bySlug('article', 'market-hall-plans-draft');
  t.same([draft.status, draft.publishedAt], ['draft', null], 'a draft without a post_name gets a slug from its title and stays a draft');
  const future = bySlug('article', 'festival-line-up');
  t.same([future.status, future.publishAt], ['scheduled', '2030-07-01T10:00:00.000Z']);
  t.notOk(bySlug('article', 'private-notes') || bySlug('article', 'about'), 'private posts and pages are not imported');

  const again = await cli.run(['import', 'wordpress', fixture]);
  t.match(again.stdout, /category +0 +0 +4 +0/);
  t.match(again.stdout, /article +0 +0 +4 +2/, 're-import: nothing created or updated');

  const badLocale = await cli.run(['import', 'wordpress', fixture, '--locale', 'fr']);
  t.equal(badLocale.code, 1);
  t.match(badLocale.stderr, /--locale fr is not a site locale \(en\)/);
});
