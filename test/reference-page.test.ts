// The reference page (../shared/docs/reference-page.md), built for the demo's flagship story in English and
// in Chinese from the public API alone, in three requests each, checking every row of the table.
import t from 'tap';
import { FLAGSHIP_SLUG, seedDemo } from '../src/seed/demo.js';
import { buildTestApp } from './helpers/app.js';

const SECTIONS = ['news', 'world', 'business', 'entertainment', 'sports', 'law', 'education', 'health', 'lifestyle', 'travel', 'science', 'digital', 'automobiles'];
const ABSOLUTE = /^https?:\/\/[^\s]+$/;

interface Named { id: string; slug: string; name: string }

t.test('the reference page from three public requests, in both languages', async (t) => {
  const { app, clock, auth } = await buildTestApp(t, { FRONTEND_URL_PATTERN: 'https://news.example/{locale}/{category}/{slug}' });
  await seedDemo(app.db, () => {}, clock.now);
  const enFirst = await app.inject({ url: `/v1/articles/by-slug/en/${FLAGSHIP_SLUG}?fields=alternates` });
  const zhSlug = enFirst.json().data.alternates.find((a: { hreflang: string }) => a.hreflang === 'zh').slug;

  for (const [locale, slug] of [['en', FLAGSHIP_SLUG], ['zh', zhSlug]] as const) {
    await t.test(`${locale}: ${slug}`, async (t) => {
      let requests = 0;
      const get = async (url: string) => {
        requests++;
        const res = await app.inject({ url });
        t.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
        t.match(res.headers['cache-control'], /^public/, 'cacheable by a CDN');
        return res;
      };
      const articleRes = await get(`/v1/articles/by-slug/${locale}/${slug}?include=category,tags,authors,sources,translations,jsonld`);
      const a = articleRes.json().data;
      const related = (await get(`/v1/articles/${a.id}/related?limit=10`)).json().data;
      const site = (await get(`/v1/site?locale=${locale}&include=navigation`)).json().data;
      t.equal(requests, 3, 'three requests');
      const other = locale === 'en' ? 'zh' : 'en';

      // 1. language switch: the published versions (itself included) and the site's locales with display names.
      const versions = a.alternates.filter((x: { hreflang: string }) => x.hreflang !== 'x-default');
      t.same(versions.map((x: { locale: string }) => x.locale).sort(), ['en', 'zh']);
      for (const v of versions) {
        t.match(v, { slug: /\S/, title: /\S/, url: ABSOLUTE });
        t.equal(v.url, `https://news.example/${v.locale}/world/${v.slug}`);
      }
      t.equal(versions.find((v: { locale: string }) => v.locale === locale).id, a.id, 'self-referencing');
      t.match(a.alternates.find((x: { hreflang: string }) => x.hreflang === 'x-default'), { locale: 'en' });
      t.same(site.locales, [{ code: 'en', name: 'English' }, { code: 'zh', name: '中文' }]);
      t.equal(articleRes.headers['content-language'], locale);

      // 2. main navigation: the sections in display order, localized, with their hierarchy.
      t.same(site.navigation.map((c: Named) => c.slug), SECTIONS);
      const world = site.navigation.find((c: Named) => c.slug === 'world');
      t.equal(world.name, locale === 'en' ? 'World' : '国际');
      t.ok(world.children.length >= 1, 'subsections');

      // 3. breadcrumb: the article's category and its parent chain.
      t.match(a.category, { slug: 'world', name: world.name, ancestors: [] });

      // 4. date line: an instant plus the site's display time zone.
      t.match(a.publishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      t.ok(new Date(a.publishedAt) <= clock.now);
      t.equal(site.timeZone, 'Asia/Ho_Chi_Minh');
      t.ok(a.datelinePlace);

      // 5, 6. headline (and SEO title), lead.
      t.ok(a.title && a.seoTitle && a.lead);
      if (locale === 'zh') t.match(a.title, /[\u4e00-\u9fff]/);

      // 7. body: paragraphs, quotes with attribution, photos with captions and credits (one multi-line), rendered HTML.
      const blocks = (type: string) => a.body.filter((b: { type: string }) => b.type === type);
      t.ok(blocks('paragraph').length >= 3);
      t.ok(blocks('quote').length >= 2 && blocks('quote').every((q: { text: string; attribution: string }) => q.text && q.attribution));
      const images = blocks('image');
      t.ok(images.length >= 3 && images.every((i: { url: string; alt: string; caption: string; credit: string; width: number; height: number }) => i.url && i.alt && i.caption && i.credit && i.width && i.height));
      t.ok(images.some((i: { caption: string }) => i.caption.includes('\n')), 'a multi-line caption');
      t.ok(blocks('heading').length && blocks('list').length && blocks('embed').length);
      t.match(a.bodyHtml, /<blockquote>[\s\S]*<footer>/);
      t.match(a.bodyHtml, /<figcaption>[\s\S]*<small>/);

      // 8. byline: ordered authors with role, name, slug, avatar and short bio.
      t.ok(a.authors.length >= 2);
      for (const author of a.authors) t.match(author, { role: /^(writer|translator|photographer|editor|contributor)$/, name: /\S/, slug: /\S/, avatarUrl: /^https:/, bio: /\S/ });
      if (locale === 'zh') t.ok(a.authors.some((x: { role: string }) => x.role === 'translator'), 'the translator is credited');

      // 9. sources, in order, with short name, full name and URL.
      t.same(a.sources.map((s: { shortName: string }) => s.shortName), ['AFP', 'CNN', 'AP', 'SMH']);
      for (const s of a.sources) t.match(s, { fullName: /\S/, url: ABSOLUTE });

      // 10. original story: publisher, locale, URL.
      t.match(a.originalStory, { publisher: /\S/, locale: /^[a-z]{2}/, url: ABSOLUTE });

      // 11. tags with localized names and slugs.
      t.ok(a.tags.length >= 3);
      for (const tag of a.tags) t.match(tag, { slug: /\S/, name: /\S/ });
      if (locale === 'zh') t.ok(a.tags.some((tag: { name: string }) => /[\u4e00-\u9fff]/.test(tag.name)), 'tag names in Chinese');

      // 12. related: up to 10 published headlines of the same locale, list fields with a thumbnail.
      t.ok(related.length >= (locale === 'en' ? 10 : 1), `${related.length} related`);
      t.ok(related.length <= 10);
      for (const r of related) {
        t.not(r.id, a.id);
        t.match(r, { title: /\S/, slug: /\S/, path: new RegExp(`^/v1/articles/by-slug/${locale}/`) });
        t.ok('lead' in r && 'coverImage' in r && 'publishedAt' in r);
        t.notOk('body' in r, 'list fields only');
      }
      t.ok(related.some((r: { coverImage: unknown }) => r.coverImage), 'thumbnails');

      // 13. footer: publisher address, contact email and phone, advertising line, copyright, legal links, localized.
      t.match(site.contact, { address: /\S/, email: /@/, phone: /\d/, advertising: /\S/ });
      if (locale === 'zh') t.match(site.contact.address, /[\u4e00-\u9fff]/);
      t.ok(site.copyright && site.name);
      t.ok(site.legalLinks.length >= 2 && site.legalLinks.every((l: { label: string; url: string }) => l.label && ABSOLUTE.test(l.url)));

      // 14. SEO head: title, description, canonical, og:image, hreflang alternates, a ready NewsArticle.
      t.match(a.seo, { title: /\S/, description: /\S/, ogImageUrl: ABSOLUTE });
      t.equal(a.seo.canonicalUrl ?? null, null, 'no override: the canonical URL is its own alternate');
      t.equal(versions.find((v: { locale: string }) => v.locale === locale).url, `https://news.example/${locale}/world/${a.slug}`);
      const ld = a.jsonLd;
      t.match(ld, { '@context': 'https://schema.org', '@type': 'NewsArticle', inLanguage: locale, headline: /\S/, dateModified: /Z$/, datePublished: /Z$/ });
      t.ok(ld.image.length >= 1 && ld.image.every((u: string) => ABSOLUTE.test(u)));
      t.ok(ld.author.length >= 1 && ld.author.every((p: { name: string; url: string }) => p.name && ABSOLUTE.test(p.url)));
      t.match(ld.publisher, { '@type': 'Organization', name: site.name, logo: { url: ABSOLUTE } });
      t.equal(ld.isBasedOn, a.originalStory.url);
      const siblingLink = ld.workTranslation ?? ld.translationOfWork;
      t.ok(JSON.stringify(siblingLink).includes(`/${other}/`), 'links the other language version');

      // The standard formats of the same article answer too (not needed for the page).
      const ninjs = await app.inject({ url: `/v1/articles/${a.id}?format=ninjs` });
      t.equal(ninjs.headers['content-type'], 'application/vnd.iptc.ninjs+json; charset=utf-8');
      t.equal(ninjs.json().language, locale);
    });
  }

  await t.test('explicit locale fallback: only when asked, and said so', async (t) => {
    const en = (await app.inject({ url: `/v1/articles/by-slug/en/${FLAGSHIP_SLUG}` })).json().data;
    const zh = await app.inject({ url: `/v1/articles/${en.id}?locale=zh` });
    t.equal(zh.json().data.locale, 'zh');
    t.same(zh.json().meta, { locale: 'zh', fallbackUsed: false });
    t.equal(zh.headers['content-language'], 'zh');

    // A story with no Chinese version: 404 unless a fallback is named.
    const single = (await app.inject({ url: '/v1/articles?filter[locale]=en&page[size]=100&include=translations&fields=translations' })).json().data
      .find((x: { translations: unknown[] }) => x.translations.length === 1);
    const missing = await app.inject({ url: `/v1/articles/${single.id}?locale=zh` });
    t.equal(missing.statusCode, 404);
    t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    const fallback = await app.inject({ url: `/v1/articles/${single.id}?locale=zh&fallback=en` });
    t.equal(fallback.statusCode, 200);
    t.equal(fallback.json().data.id, single.id);
    t.same(fallback.json().meta, { locale: 'en', fallbackUsed: true });
    t.equal(fallback.headers['content-language'], 'en');
    const plain = await app.inject({ url: `/v1/articles/${single.id}` });
    t.notOk(plain.json().meta, 'no locale asked: no meta');
    const lonely = await app.inject({ url: `/v1/articles/${single.id}?fallback=en` });
    t.equal(lonely.statusCode, 400);
    t.equal(lonely.json().errors[0].pointer, '/query/fallback');
    t.equal((await app.inject({ url: `/v1/articles/${single.id}?locale=not_a_locale` })).statusCode, 400);
  });

  await t.test('Surrogate-Key names what the page depends on', async (t) => {
    const res = await app.inject({ url: `/v1/articles/by-slug/en/${FLAGSHIP_SLUG}?include=category,tags,authors,sources` });
    const a = res.json().data;
    const keys = String(res.headers['surrogate-key']).split(' ');
    for (const key of [`article:${a.id}`, 'locale:en', `category:${a.category.id}`, ...a.tags.map((x: Named) => `tag:${x.id}`), ...a.authors.map((x: Named) => `author:${x.id}`), ...a.sources.map((x: Named) => `source:${x.id}`)]) {
      t.ok(keys.includes(key), key);
    }
    for (const alt of a.alternates) t.ok(keys.includes(`article:${alt.id}`), 'siblings too');
    t.match((await app.inject({ url: '/v1/articles?filter[locale]=en' })).headers['surrogate-key'], /^articles article:/);
    t.match((await app.inject({ url: '/v1/site?include=navigation' })).headers['surrogate-key'], /\bsite\b.*\bcategories\b/);
    const withToken = await app.inject({ url: `/v1/articles/${a.id}`, headers: auth });
    t.equal(withToken.headers['cache-control'], 'private, no-store');
    t.notOk(withToken.headers['surrogate-key'], 'private responses name nothing for a CDN');
  });
});
