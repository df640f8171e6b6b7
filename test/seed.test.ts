import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import t from 'tap';
import { sharedSchemas } from '../src/http/schemas.js';
import { articleSchemas } from '../src/modules/articles/schemas.js';
import { authorSchemas } from '../src/modules/authors/schemas.js';
import { categorySchemas } from '../src/modules/categories/schemas.js';
import { siteSchemas } from '../src/modules/site/schemas.js';
import { sourceSchemas } from '../src/modules/sources/schemas.js';
import { tagSchemas } from '../src/modules/tags/schemas.js';
import { demoArticles, FLAGSHIP_SLUG, seedDemo } from '../src/seed/demo.js';
import { authors, categories, siteSettings, sources, tags } from '../src/seed/demo-data.js';
import { buildTestApp } from './helpers/app.js';

const SECTIONS = ['news', 'world', 'business', 'entertainment', 'sports', 'law', 'education', 'health', 'lifestyle', 'travel', 'science', 'digital', 'automobiles'];

t.test('demo seed', async (t) => {
  const { app, auth, clock } = await buildTestApp(t);
  const get = (url: string, headers = {}) => app.inject({ url, headers });
  const total = async (url: string, headers = {}) => (await get(url, headers)).json().meta.total as number;

  const logs: string[] = [];
  t.equal(await seedDemo(app.db, (m) => logs.push(m), clock.now), true, 'a fresh database is seeded');
  t.match(logs.at(-1), /^Demo seed: /);

  const published = demoArticles.filter((a) => !a.status);
  const unpublished = demoArticles.filter((a) => a.status);
  const translated = demoArticles.filter((a) => a.translation);

  await t.test('the site has both locales, the display time zone and a localized footer', async (t) => {
    const zh = (await get('/v1/site?locale=zh')).json().data;
    t.equal(zh.name, 'Dateline 演示站');
    t.same(zh.locales.map((l: { code: string }) => l.code), ['en', 'zh']);
    t.equal(zh.timeZone, 'Asia/Ho_Chi_Minh');
    t.match(zh.contact, { address: /胡志明市/, email: /@demo\.dateline\.dev$/, advertising: /广告/ });
    t.equal(zh.legalLinks.length, 2);
    t.ok(zh.copyright);
  });

  await t.test('the navigation has the 13 sections in display order, with children', async (t) => {
    const tree = (await get('/v1/categories?tree=true&locale=zh')).json().data;
    t.same(tree.map((c: { slug: string }) => c.slug), SECTIONS);
    t.equal(tree[1].name, '国际');
    t.same(tree[1].children.map((c: { slug: string }) => c.slug), ['asia', 'europe']);
  });

  await t.test('anonymous readers see every published story and no more', async (t) => {
    t.ok(published.length >= 40);
    t.equal(await total('/v1/articles?filter[locale]=en&meta=total'), published.length);
    t.equal(await total('/v1/articles?filter[locale]=zh&meta=total'), 10);
    t.equal(translated.length, 10);
    t.equal(await total('/v1/articles?filter[locale]=en&meta=total', auth), demoArticles.length, 'editors also see drafts and scheduled');
    for (const slug of SECTIONS) {
      t.ok((await total(`/v1/articles?filter[locale]=en&filter[category][descendants]=${slug}&meta=total`)) >= 2, `${slug} has 2+ stories`);
    }
  });

  await t.test('drafts and scheduled stories are hidden from anonymous readers', async (t) => {
    t.equal(unpublished.length, 3);
    for (const a of unpublished) {
      t.equal((await get(`/v1/articles/by-slug/en/${a.slug}`)).statusCode, 404, a.slug);
      t.equal((await get(`/v1/articles/by-slug/en/${a.slug}`, auth)).json().data.status, a.status, a.slug);
    }
  });

  await t.test('the flagship story fills every row of the reference page', async (t) => {
    const res = await get(`/v1/articles/by-slug/en/${FLAGSHIP_SLUG}?include=category,tags,authors,sources,translations`);
    t.equal(res.statusCode, 200);
    const a = res.json().data;
    t.ok(a.title && a.seoTitle && a.lead && a.datelinePlace);
    t.ok(new Date(a.publishedAt) <= clock.now);
    t.equal(a.category.slug, 'world');

    const blocks = (type: string) => a.body.filter((b: { type: string }) => b.type === type);
    const quotes = blocks('quote');
    t.ok(quotes.length >= 2);
    for (const q of quotes) t.ok(q.text && q.attribution, 'quote with attribution');
    const images = blocks('image');
    t.ok(images.length >= 3);
    for (const i of images) t.ok(i.caption && i.credit && i.width && i.height, 'image with caption and credit');
    t.ok(images.some((i: { caption: string }) => i.caption.includes('\n')), 'a multi-line caption');
    t.ok(blocks('heading').length && blocks('list').length && blocks('paragraph').length);
    t.match(blocks('embed')[0], { provider: 'youtube', url: /^https:\/\// });
    t.match(a.bodyHtml, /<blockquote>/);
    t.match(a.coverImage, { url: /^https:\/\/images\.demo\.dateline\.dev\//, credit: /^Photo: / });

    t.same(a.sources.map((s: { shortName: string }) => s.shortName), ['AFP', 'CNN', 'AP', 'SMH']);
    t.match(a.originalStory, { locale: 'vi', url: /^https:\/\//, publisher: /\S/ });
    t.ok(a.tags.length >= 3 && a.tags.every((x: { name: string }) => x.name));
    t.match(a.authors, [{ role: 'writer', name: /\S/, slug: /\S/, avatarUrl: /^https:/, bio: /\S/ }, { role: 'photographer' }]);
    t.match(a.seo, { title: /\S/, description: /\S/, ogImageUrl: /^https:\/\// });

    const zhLink = a.translations.find((x: { locale: string }) => x.locale === 'zh');
    t.ok(zhLink, 'links to the Chinese edition');
    const zh = (await get(`${zhLink.path}?include=authors,sources`)).json().data;
    t.match(zh.title, /[\u4e00-\u9fff]/);
    t.ok(zh.authors.some((x: { role: string }) => x.role === 'translator'));
    t.same(zh.sources.map((s: { shortName: string }) => s.shortName), ['AFP', 'CNN', 'AP', 'SMH']);
    t.equal(zh.body.length, a.body.length);
  });

  await t.test('a translation points back at its English original', async (t) => {
    const a = translated.find((x) => x.slug !== FLAGSHIP_SLUG)!;
    const en = (await get(`/v1/articles/by-slug/en/${a.slug}`)).json().data;
    const zh = (await get(`/v1/articles/by-slug/zh/${a.translation!.slug}?include=translations`)).json().data;
    t.equal(zh.translationGroupId, en.translationGroupId);
    t.match(zh.originalStory, { locale: 'en', articleId: en.id });
    t.same(zh.translations.map((x: { locale: string }) => x.locale).sort(), ['en', 'zh']);
  });

  await t.test('the flagship has 10+ published stories in its category for the related list', async (t) => {
    t.ok((await total('/v1/articles?filter[locale]=en&filter[category]=world&meta=total')) >= 11);
  });

  await t.test('seeding again does nothing', async (t) => {
    const before = await total('/v1/articles?meta=total', auth);
    const tagsBefore = await total('/v1/tags?meta=total');
    const msgs: string[] = [];
    t.equal(await seedDemo(app.db, (m) => msgs.push(m), clock.now), false);
    t.match(msgs[0], /skipped/);
    t.equal(await total('/v1/articles?meta=total', auth), before);
    t.equal(await total('/v1/tags?meta=total'), tagsBefore);
  });
});

t.test('the demo data passes the API’s own input validation', async (t) => {
  // The services trust their callers; the routes validate. The seed calls services, so check the data here.
  const ajv = new Ajv({ strict: false });
  addFormats.default(ajv);
  for (const schema of [...sharedSchemas, ...siteSchemas, ...categorySchemas, ...tagSchemas, ...authorSchemas, ...sourceSchemas, ...articleSchemas]) {
    ajv.addSchema(schema);
  }
  const check = (id: string, value: unknown, label: string) => {
    const ok = ajv.validate(id, value);
    t.ok(ok, `${label}: ${ajv.errorsText(ajv.errors)}`);
  };
  check('SiteSettings', siteSettings, 'site');
  for (const { parent: _, ...c } of categories) check('CategoryCreate', c, c.slug);
  for (const x of tags) check('TagCreate', x, x.slug);
  for (const x of authors) check('AuthorCreate', x, x.slug);
  for (const x of sources) check('SourceCreate', x, x.slug);
  for (const a of demoArticles) {
    const { slug, title, seoTitle, lead, body, coverImage, datelinePlace, originalStory, seo, translation: tr } = a;
    check('ArticleCreate', { locale: 'en', slug, title, seoTitle, lead, body, coverImage, datelinePlace, originalStory, seo }, slug);
    t.ok(body.length >= 3, `${slug} has a body`);
    if (tr) {
      const { locale: _, authors: __, ...text } = tr;
      check('ArticleUpdate', text, tr.slug);
      t.equal(tr.body.length, body.length, `${tr.slug} translates every block`);
    }
  }
});
